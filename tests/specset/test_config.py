"""The repository config: where it is found, its own located errors, and its ``project`` as the
last fallback (spec > file > --project > INFERENCEKEY_PROJECT > config)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inferencekey_ensure.cli import exit_codes
from inferencekey_ensure.loading.config_file import find_config
from support.cli import run_cli
from support.validation import MINIMAL, write


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository root holding ``.git``, as the working directory, with no project in the environment."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    monkeypatch.chdir(root)
    monkeypatch.delenv("INFERENCEKEY_PROJECT", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return root


def test_the_config_is_found_in_the_nearest_folder_above_up_to_the_repository_root(repo: Path,
                                                                                  monkeypatch) -> None:
    write(repo, ".ik-ensure.yaml", "project: acme\n")
    (repo / "deploy" / "specs").mkdir(parents=True)
    found = find_config(None, repo / "deploy" / "specs")
    assert found is not None and found.path == repo / ".ik-ensure.yaml" and found.display == "../../.ik-ensure.yaml"
    write(repo.parent, ".ik-ensure.yaml", "project: outside\n")
    (repo / ".ik-ensure.yaml").unlink()
    assert find_config(None, repo / "deploy") is None  # the root holds .git: no looking above it


def test_the_config_project_is_the_default_of_specs_naming_none(repo: Path, capsys) -> None:
    write(repo, ".ik-ensure.yaml", "project: acme\n")
    write(repo, "inferencekey/chat.yaml", MINIMAL)
    write(repo, "inferencekey/own.yaml", "project: other\n" + MINIMAL.replace("chat", "own"))
    assert run_cli(capsys, "projects", "--json")[1].strip() == json.dumps(["acme", "other"])


def test_explicit_project_beats_the_environment_which_beats_the_config(repo: Path, capsys, monkeypatch) -> None:
    write(repo, ".ik-ensure.yaml", "project: from-config\n")
    write(repo, "inferencekey/chat.yaml", MINIMAL)
    monkeypatch.setenv("INFERENCEKEY_PROJECT", "from-env")
    assert run_cli(capsys, "projects")[1] == "from-env\n"
    assert run_cli(capsys, "projects", "--project", "explicit")[1] == "explicit\n"


def test_config_names_another_file_and_a_missing_one_is_a_usage_error(repo: Path, capsys) -> None:
    write(repo, "ci/ik.yaml", "project: named\n")
    write(repo, "inferencekey/chat.yaml", MINIMAL)
    assert run_cli(capsys, "projects", "--config", "ci/ik.yaml")[1] == "named\n"
    code, _, err = run_cli(capsys, "validate", "--config", "ci/none.yaml")
    assert code == exit_codes.USAGE and "config file not found: ci/none.yaml" in err


def test_config_errors_are_located_like_spec_errors_and_fail(repo: Path, capsys) -> None:
    write(repo, ".ik-ensure.yaml", """\
        project: acme
        policy:
          alowed_models: ["Qwen/*"]
          max_workload_hourly_usd: -1
          advisory: [allowed_modles]
        """)
    write(repo, "inferencekey/chat.yaml", MINIMAL)
    code, out, _ = run_cli(capsys, "validate")
    lines = [line for line in out.splitlines() if line.startswith(".ik-ensure.yaml:")]
    assert code == 1
    assert lines[0] == (".ik-ensure.yaml:3:3: $.policy.alowed_models: unknown field 'alowed_models'; "
                        "did you mean 'allowed_models'? [config]")
    assert lines[1].startswith(".ik-ensure.yaml:4:28: $.policy.max_workload_hourly_usd: must be greater than 0")
    assert lines[2].startswith(".ik-ensure.yaml:5:14: $.policy.advisory[0]: 'allowed_modles' is not a valid")
    # A broken config gives no default project: the workload is warned about as having none.
    assert any("[no-project]" in line for line in out.splitlines())


def test_a_workload_with_no_project_from_any_source_warns_naming_the_config_key(repo: Path, capsys) -> None:
    write(repo, "inferencekey/chat.yaml", MINIMAL)
    code, out, _ = run_cli(capsys, "validate")
    assert code == 0
    assert out.splitlines()[0] == (
        "inferencekey/chat.yaml:1:1: $: warning: no project: set `project` in the spec or at the top of its file, "
        "`project` in .ik-ensure.yaml, --project or INFERENCEKEY_PROJECT; plan and apply refuse a workload "
        "without one [no-project]")
    assert run_cli(capsys, "validate", "--strict")[0] == 1
    assert run_cli(capsys, "validate", "--project", "acme")[1] == "1 file, 1 workload: all valid\n"
    write(repo, ".ik-ensure.yaml", "project: acme\n")
    assert run_cli(capsys, "validate", "--strict")[:2] == (0, "1 file, 1 workload: all valid\n")
