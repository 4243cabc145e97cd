"""A project the token cannot reach fails once, by name, with the fix; the others go on.

Twenty projects, one token, two thousand workloads used to print the same permission
error two thousand times; the error belongs to the project and is shown once in the
terminal text, the Markdown and the JSON, while its workloads stay listed as failed.
"""

from __future__ import annotations

from typing import Any

import pytest

from inferencekey_ensure.controlplane.settings import BASE_URL_ENV, TOKEN_ENV
from inferencekey_ensure.engine import RECONCILE
from inferencekey_ensure.report.markdown import render_comment, render_summary
from inferencekey_ensure.report.markdown_sections import Footer
from inferencekey_ensure.report.plan_json import report_to_json
from inferencekey_ensure.report.plan_text import render_plan
from support.cli import run_cli
from support.emulator import TOKEN
from support.engine import BOT, by_slug, engine_run, write_specs

FORBIDDEN = "permission denied [project_scope_mismatch]"


def two_projects(folder: Any) -> None:
    """acme (the token's) with two specs; beta (out of its reach) with five."""
    write_specs(folder, [BOT, dict(BOT, slug="helper", name="Helper")], project="acme",
                name="acme.json")
    write_specs(folder, [dict(BOT, slug=f"beta-{i}", name=f"Beta {i}") for i in range(5)],
                project="beta", name="beta.json")


def test_the_reachable_project_is_applied_and_the_other_fails_once(emulator, tmp_path):
    two_projects(tmp_path)
    report = engine_run(emulator, [tmp_path], mode=RECONCILE)
    assert sorted(by_slug(emulator)) == ["helper", "support-bot"]
    [error] = report.errors
    assert error.project == "beta" and error.message.startswith(FORBIDDEN) and error.fix
    beta = [r for r in report.workloads if r.planned.project == "beta"]
    assert [(r.action, r.status, r.error, r.fix) for r in beta] == [("unknown", "failed", None, None)] * 5
    assert not report.succeeded


def test_text_markdown_and_json_each_say_it_once(emulator, tmp_path):
    two_projects(tmp_path)
    report = engine_run(emulator, [tmp_path], mode=RECONCILE)
    assert render_plan(report).count(FORBIDDEN) == 1
    # Markdown escapes the brackets; the words are the same.
    assert render_comment(report, comment_key="default", info=Footer()).count("permission denied") == 1
    assert render_summary(report, info=Footer()).count("permission denied") == 1
    document = report_to_json(report)
    assert str(document).count(FORBIDDEN) == 1
    assert document["errors"][0]["project"] == "beta"
    beta = [w for w in document["workloads"] if w["project"] == "beta"]
    assert {(w["action"], w["status"], w["error"]) for w in beta} == {("unknown", "failed", None)}
    assert document["summary"]["failed"] == 5 and document["summary"]["create"] == 2


@pytest.fixture
def platform(emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.setenv(BASE_URL_ENV, emulator.url)
    monkeypatch.delenv("INFERENCEKEY_PROJECT", raising=False)
    return emulator


def test_apply_exits_1_naming_the_project_once(platform, tmp_path, capsys):
    two_projects(tmp_path)
    code, out, err = run_cli(capsys, "apply", tmp_path)
    assert code == 1
    assert (out + err).count(FORBIDDEN) == 1
    assert f"error: project beta: {FORBIDDEN}" in out
    assert sorted(by_slug(platform)) == ["helper", "support-bot"]
