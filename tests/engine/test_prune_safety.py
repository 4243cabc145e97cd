"""``--prune`` cannot wipe a project by accident: a complete spec set, a blast-radius limit,
deletions last. Against the emulator over loopback, as the engine and as ``ik-ensure``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from inferencekey_ensure.cli import exit_codes
from inferencekey_ensure.cli.main import main
from inferencekey_ensure.controlplane.settings import BASE_URL_ENV, TOKEN_ENV
from inferencekey_ensure.emulator import FaultConfig
from inferencekey_ensure.engine import PREVIEW, RECONCILE
from inferencekey_ensure.report.markdown import render_comment
from inferencekey_ensure.report.markdown_sections import Footer
from inferencekey_ensure.report.plan_json import report_to_json
from inferencekey_ensure.report.plan_text import render_plan
from support.cli import run_cli
from support.emulator import TOKEN
from support.engine import BOT, SEEDED_BOT, by_slug, engine_run, write_specs, writes


def seed_strays(emulator: Any, count: int) -> None:
    for index in range(count):
        emulator.seed("acme", {**SEEDED_BOT, "slug": f"stray-{index}", "name": f"Stray {index}"})


@pytest.fixture
def project(emulator: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose spec root ``inferencekey/`` holds three files (one in a sub-folder),
    all applied, run from its top folder."""
    root = tmp_path / "repo" / "inferencekey"
    (root / "team").mkdir(parents=True)
    write_specs(root, [BOT], name="chat.json")
    write_specs(root, [dict(BOT, slug="helper", name="Helper")], name="helper.json")
    write_specs(root / "team", [dict(BOT, slug="team-bot", name="Team bot")], name="team.json")
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.setenv(BASE_URL_ENV, emulator.url)
    monkeypatch.delenv("INFERENCEKEY_PROJECT", raising=False)
    monkeypatch.chdir(root.parent)
    assert main(["apply", "inferencekey"]) == 0
    emulator.clear_request_log()
    return root.parent


@pytest.mark.parametrize("path", ["inferencekey/chat.json", "inferencekey/team",
                                  "inferencekey/*.json"], ids=["file", "sub-folder", "glob"])
def test_prune_over_part_of_the_spec_set_is_refused_before_any_request(project, emulator, capsys,
                                                                      path):
    capsys.readouterr()
    code, out, err = run_cli(capsys, "apply", "--prune", path)
    assert code == exit_codes.USAGE
    assert out == ""
    assert "--prune refused" in err and "project(s) acme" in err
    assert path in err and "Give the spec root (inferencekey/)" in err
    assert emulator.request_log == []
    assert sorted(by_slug(emulator)) == ["helper", "support-bot", "team-bot"]


def test_plan_with_prune_over_a_file_is_refused_too(project, emulator, capsys):
    capsys.readouterr()
    code, _, err = run_cli(capsys, "plan", "--prune", "inferencekey/chat.json")
    assert code == exit_codes.USAGE and "--prune refused" in err
    assert emulator.request_log == []


def test_prune_from_inside_a_sub_folder_of_the_spec_root_is_refused(project, emulator, capsys, monkeypatch):
    monkeypatch.chdir(project / "inferencekey" / "team")
    capsys.readouterr()
    code, _, err = run_cli(capsys, "apply", "--prune", ".")
    assert code == exit_codes.USAGE
    assert "--prune refused" in err and ". (a sub-folder of the spec root" in err
    assert emulator.request_log == []
    assert sorted(by_slug(emulator)) == ["helper", "support-bot", "team-bot"]


def test_prune_over_a_sub_folder_of_another_repositorys_spec_root_is_refused(project, emulator, capsys, tmp_path):
    other = tmp_path / "other" / "inferencekey" / "team"
    other.mkdir(parents=True)
    write_specs(other, [BOT], name="chat.json")
    capsys.readouterr()
    code, _, err = run_cli(capsys, "plan", "--prune", str(other))
    assert code == exit_codes.USAGE and "--prune refused" in err and "a sub-folder of the spec root" in err
    assert emulator.request_log == []


def test_a_folder_outside_any_inferencekey_folder_is_taken_as_a_complete_root(project, emulator, capsys, tmp_path):
    own = tmp_path / "deploy"
    own.mkdir()
    write_specs(own, [BOT], name="chat.json")
    capsys.readouterr()
    code, out, err = run_cli(capsys, "plan", "--prune", str(own))
    assert code == 0, err
    assert "helper" in out and "--prune refused" not in err


@pytest.mark.parametrize("given", [[], ["inferencekey"], ["inferencekey/"], ["./inferencekey/"]],
                         ids=["default", "root", "root-slash", "dot-root"])
def test_the_spec_root_is_a_complete_set_and_prunes(project, emulator, capsys, given):
    seed_strays(emulator, 1)
    capsys.readouterr()
    code, _, err = run_cli(capsys, "apply", "--prune", *given)
    assert code == 0, err
    assert sorted(by_slug(emulator)) == ["helper", "support-bot", "team-bot"]


def test_prune_limit_needs_prune(project, capsys):
    code, _, err = run_cli(capsys, "apply", "--prune-limit", "5")
    assert code == exit_codes.USAGE and "--prune-limit needs --prune" in err


def test_more_deletions_than_the_limit_are_refused_before_any_write_listing_them(project, emulator,
                                                                                 capsys):
    seed_strays(emulator, 4)
    (project / "inferencekey" / "helper.json").unlink()
    capsys.readouterr()
    code, out, _err = run_cli(capsys, "apply", "--prune")
    assert code == 1
    assert writes(emulator) == []
    assert "--prune would delete 5 workloads, more than the limit of 3" in out
    for slug in ("acme/helper", "acme/stray-0", "acme/stray-3"):
        assert slug in out
    assert "--prune-limit 5" in out
    assert len(by_slug(emulator)) == 7


def test_an_explicit_limit_lets_the_deletions_through(project, emulator, capsys):
    seed_strays(emulator, 4)
    capsys.readouterr()
    code, _, err = run_cli(capsys, "apply", "--prune", "--prune-limit", "4")
    assert code == 0, err
    assert sorted(by_slug(emulator)) == ["helper", "support-bot", "team-bot"]
    assert sorted(line.split(" (")[0] for line in err.splitlines() if line.startswith("deleted ")) \
        == [f"deleted acme/stray-{i}" for i in range(4)]


def test_the_limit_refusal_reports_the_plan_with_the_error_in_json(emulator, tmp_path):
    seed_strays(emulator, 4)
    report = engine_run(emulator, [write_specs(tmp_path, [BOT])], mode=RECONCILE, prune=True)
    document = report_to_json(report)
    assert writes(emulator) == []
    # A refused reconcile stays a reconcile, says why, and counts nothing as done.
    assert (document["mode"], document["refused"]) == (RECONCILE, "prune-limit")
    assert (document["summary"]["prune"], document["planned"]["prune"]) == (0, 4)
    assert [entry["action"] for entry in document["unmanaged"]] == ["prune"] * 4
    assert "more than the limit of 3" in document["errors"][0]["message"]
    assert not report.succeeded


def test_a_failed_create_leaves_the_deletions_undone_and_says_so(emulator, tmp_path):
    seed_strays(emulator, 1)
    emulator.set_faults(FaultConfig(fail_every_n=2, fail_status=500))
    specs = write_specs(tmp_path, [BOT])
    report = engine_run(emulator, [specs], mode=RECONCILE, prune=True, parallelism=1)
    assert [r.status for r in report.workloads] == ["failed"]
    assert "DELETE" not in [method for method, *_ in writes(emulator)]
    assert "stray-0" in by_slug(emulator)
    [withheld] = report.unmanaged
    assert withheld.status == "refused"
    assert "deletions run only after every create and update succeeded" in (withheld.error or "")
    assert '"status": "refused"' in str(report_to_json(report)).replace("'", '"')
    assert 'acme/stray-0 "Stray 0"  NOT deleted: deletions run only after' in render_plan(report)
    assert "not deleted: deletions run only after" in render_comment(
        report, comment_key="default", info=Footer())
    assert not report.succeeded


def test_deletions_come_after_every_create_and_update(emulator, tmp_path):
    seed_strays(emulator, 2)
    emulator.seed("acme", {**SEEDED_BOT, "name": "Old name"})
    creates = [dict(BOT, slug=f"new-{i}", name=f"New {i}") for i in range(4)]
    report = engine_run(emulator, [write_specs(tmp_path, [BOT, *creates])], mode=RECONCILE,
                        prune=True, parallelism=8)
    assert report.succeeded
    methods = [method for method, *_ in writes(emulator)]
    assert sorted(methods[:5]) == ["PATCH"] + ["POST"] * 4
    assert methods[5:] == ["DELETE", "DELETE"]


def test_previews_show_deletions_first_in_markdown(emulator, tmp_path):
    seed_strays(emulator, 2)
    report = engine_run(emulator, [write_specs(tmp_path, [BOT])], mode=PREVIEW, prune=True)
    body = render_comment(report, comment_key="default", info=Footer())
    caution = body.index("**2 workload(s) will be deleted** by `prune`")
    assert caution < body.index("| Workload |")
    assert body.index("`acme/stray-1`") > caution
