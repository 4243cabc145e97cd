"""``ik-ensure plan`` / ``apply`` as a user runs them: exit codes, streams, messages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List

import pytest

from inferencekey_ensure.cli import exit_codes
from inferencekey_ensure.cli.main import main
from inferencekey_ensure.controlplane.settings import BASE_URL_ENV, TOKEN_ENV
from support.cli import run_cli
from support.engine import BOT, EMBED, SEEDED_BOT, write_specs, writes

SECRET_TAIL = "engine0test0secret0value"


def test_plan_then_apply_then_plan_shows_no_changes(platform, tmp_path, capsys):
    specs = write_specs(tmp_path, [BOT, EMBED])
    code, out, _ = run_cli(capsys, "plan", specs, "--detailed-exitcode")
    assert code == exit_codes.CHANGES_PENDING
    assert "+ acme/support-bot  will be created" in out
    assert "EndpointRefs:" in out
    assert run_cli(capsys, "plan", specs)[0] == 0
    code, out, _ = run_cli(capsys, "apply", specs)
    assert code == 0
    assert "+ acme/support-bot  created" in out
    code, out, _ = run_cli(capsys, "plan", specs, "--detailed-exitcode")
    assert code == 0
    assert "Summary: 0 to create, 0 to update" in out


def test_json_output_is_the_document_alone_on_stdout(platform, tmp_path, capsys):
    code, out, _ = run_cli(capsys, "apply", write_specs(tmp_path, [BOT]), "--json")
    assert code == 0
    document = json.loads(out)
    assert document["format_version"] == 1 and document["mode"] == "reconcile"
    assert document["workloads"][0]["endpoint_ref"] == {"project_slug": "acme", "workload_slug": "support-bot"}


def test_refused_drift_fails_apply_but_not_plan(platform, tmp_path, capsys):
    platform.seed("acme", {**SEEDED_BOT, "name": "Old"})
    specs = write_specs(tmp_path, [BOT])
    assert run_cli(capsys, "plan", specs, "--on-drift", "fail")[0] == 0
    code, out, _ = run_cli(capsys, "apply", specs, "--on-drift", "fail")
    assert code == 1
    assert "error: workload drifted from spec: name" in out
    assert writes(platform) == []


def test_warn_prints_a_warning_and_succeeds(platform, tmp_path, capsys):
    platform.seed("acme", {**SEEDED_BOT, "name": "Old"})
    code, _, err = run_cli(capsys, "apply", write_specs(tmp_path, [BOT]), "--on-drift", "warn")
    assert code == 0
    assert "warning: acme/support-bot" in err and "drifted from spec: name" in err


def test_an_invalid_spec_exits_1_with_its_location_and_sends_nothing(platform, tmp_path, capsys):
    specs = write_specs(tmp_path, [dict(BOT, backend="Not A Backend")])
    code, _, err = run_cli(capsys, "apply", specs)
    assert code == 1
    assert f"{specs}:" in err
    assert platform.request_log == []


@pytest.mark.parametrize("argv", [
    ["apply", "--parallelism", "0"],
    ["apply", "--wait-timeout", "5"],
    ["plan", "--on-drift", "sometimes"],
    ["plan", "--local", "--base-url", "http://127.0.0.1:9"],
    ["plan", "no/such/path.yaml"],
])
def test_usage_mistakes_exit_with_the_usage_code(platform, capsys, argv: List[str]):
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    assert code == exit_codes.USAGE
    assert "Traceback" not in capsys.readouterr().err


def test_a_missing_token_is_a_configuration_error_before_any_request(platform, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv(TOKEN_ENV)
    code, out, _ = run_cli(capsys, "plan", write_specs(tmp_path, [BOT]))
    assert code == 1
    assert f"{TOKEN_ENV} is not set" in out
    assert platform.request_log == []


def test_a_live_key_is_refused_and_never_printed(platform, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, f"ik_live_abcd1234_{SECRET_TAIL}")
    code, out, err = run_cli(capsys, "apply", write_specs(tmp_path, [BOT]), "--json")
    assert code == 1
    assert "wrong_credential_type" in out
    assert SECRET_TAIL not in out + err
    assert platform.request_log == []


def test_local_apply_then_local_plan_shows_no_changes(tmp_path, capsys, monkeypatch):
    for name in (TOKEN_ENV, BASE_URL_ENV, "INFERENCEKEY_PROJECT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    specs = write_specs(Path("."), [BOT, EMBED], project="demo")
    assert run_cli(capsys, "apply", "--local", specs)[0] == 0
    assert Path(".inferencekey/local-state.json").is_file()
    code, out, _ = run_cli(capsys, "plan", "--local", specs, "--detailed-exitcode")
    assert code == 0
    assert "= demo/support-bot  no change" in out


def test_apply_lists_each_write_on_stderr_and_leaves_the_json_on_stdout_unchanged(platform, tmp_path,
                                                                                  capsys):
    specs = write_specs(tmp_path, [BOT, EMBED])
    code, out, err = run_cli(capsys, "apply", specs, "--json")
    assert code == 0
    document = json.loads(out)
    assert [w["status"] for w in document["workloads"]] == ["ok", "ok"]
    progress = err.splitlines()
    assert progress[0] == "applying 2 write(s); each is listed as it completes"
    assert sorted(line.split(" (")[0] for line in progress[1:]) == [
        "created acme/embedder-v2", "created acme/support-bot"]
    assert "created acme/" not in out


def test_apply_text_report_is_on_stdout_and_the_progress_lines_are_not(platform, tmp_path, capsys):
    code, out, err = run_cli(capsys, "apply", write_specs(tmp_path, [BOT]))
    assert code == 0
    assert out.startswith("Apply (drift is patched): 1 workload(s)")
    assert "+ acme/support-bot  created" in out
    assert "applying 1 write(s)" not in out
    assert err.startswith("applying 1 write(s)") and "created acme/support-bot (" in err


def test_a_run_with_nothing_to_write_prints_no_progress(platform, tmp_path, capsys):
    specs = write_specs(tmp_path, [BOT])
    run_cli(capsys, "apply", specs)
    code, _, err = run_cli(capsys, "apply", specs)
    assert code == 0 and err == ""


def _replacement_and_a_withheld_deletion(platform, tmp_path: Path) -> Path:
    """The only spec needs replacement (its task_type changed); ``old-bot`` is unmanaged, its prune withheld."""
    platform.seed("acme", SEEDED_BOT)
    platform.seed("acme", {**SEEDED_BOT, "slug": "old-bot", "name": "Old bot"})
    folder = tmp_path / "specs"
    folder.mkdir()
    write_specs(folder, [{**BOT, "task_type": "embedding"}])
    return folder


def test_apply_counts_only_what_it_did_and_json_keeps_the_planned_counts(platform, tmp_path, capsys):
    specs = _replacement_and_a_withheld_deletion(platform, tmp_path)
    code, out, _ = run_cli(capsys, "apply", "--prune", specs)
    assert code == 1 and writes(platform) == [], out
    assert "NOT deleted" in out
    assert "Summary: 0 created, 0 updated, 0 replaced, 0 unchanged, 0 drift left, 0 refused, 0 deleted, " \
           "1 unmanaged, 1 failed." in out
    code, out, _ = run_cli(capsys, "apply", "--prune", specs, "--json")
    document = json.loads(out)
    assert {key: document["summary"][key] for key in ("replace", "prune", "failed", "changes")} == \
           {"replace": 0, "prune": 0, "failed": 1, "changes": 0}
    assert {key: document["planned"][key] for key in ("replace", "prune", "changes")} == \
           {"replace": 1, "prune": 1, "changes": 2}


def test_plan_json_summary_and_planned_are_the_same_counts(platform, tmp_path, capsys):
    specs = _replacement_and_a_withheld_deletion(platform, tmp_path)
    code, out, _ = run_cli(capsys, "plan", "--prune", specs, "--json")
    document = json.loads(out)
    assert code == 0 and document["summary"] == document["planned"]
    assert document["summary"]["changes"] == 2
