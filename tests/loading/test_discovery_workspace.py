"""Spec paths stay inside the workspace: links out are refused where they are, without a word
of their target; links inside are fine; named paths outside are a usage error; a walk is
bounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from inferencekey_ensure.loading.discovery import discover_spec_files
from inferencekey_ensure.loading.errors import UsageError
from inferencekey_ensure.specset.validate import validate_paths
from support.cli import run_cli
from support.validation import MINIMAL, write

TARGET_WORDS = ("elsewhere", "secret")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose spec folder links out (a file, a folder, the machine's root) and in."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    write(root, "inferencekey/a.yaml", MINIMAL)
    write(root, "shared/b.yaml", MINIMAL.replace("slug: chat", "slug: b"))
    outside = tmp_path / "elsewhere"
    write(outside, "secret.yaml", "name: the secret content\n")
    (root / "inferencekey" / "leak.yaml").symlink_to(outside / "secret.yaml")
    (root / "inferencekey" / "leakdir").symlink_to(outside, target_is_directory=True)
    (root / "inferencekey" / "machine").symlink_to("/", target_is_directory=True)
    (root / "inferencekey" / "inside.yaml").symlink_to(root / "shared" / "b.yaml")
    monkeypatch.chdir(root)
    return root


def test_links_out_of_the_workspace_are_refused_at_their_place_and_links_inside_are_read(repo: Path) -> None:
    run = validate_paths(["inferencekey"], root=str(repo))
    refused = {(p.path, p.line, p.column, p.rule) for p in run.problems}
    assert refused == {("inferencekey/leak.yaml", 1, 1, "file"), ("inferencekey/leakdir", 1, 1, "file"),
                       ("inferencekey/machine", 1, 1, "file")}
    for problem in run.problems:
        assert "outside the workspace" in problem.message
        assert not any(word in problem.message for word in TARGET_WORDS) and "/" not in problem.message
    assert sorted(w.display for w in run.clean_workloads) == ["inferencekey/a.yaml", "inferencekey/inside.yaml"]


def test_a_named_link_out_is_refused_too(repo: Path) -> None:
    run = validate_paths(["inferencekey/leak.yaml"], root=str(repo))
    assert [(p.path, p.rule) for p in run.problems] == [("inferencekey/leak.yaml", "file")]


@pytest.mark.parametrize("named", ["..", "../elsewhere", "/etc", "inferencekey/../../elsewhere/secret.yaml"])
def test_a_named_path_outside_the_workspace_is_a_usage_error_naming_it(repo: Path, named: str) -> None:
    with pytest.raises(UsageError) as caught:
        discover_spec_files([named], root=str(repo))
    assert f"outside the workspace {repo}" in str(caught.value)


def test_the_cli_keeps_to_the_repository_root(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "validate", "inferencekey")
    assert code == 1, out + err
    assert "inferencekey/leak.yaml:1:1: $: " in out and "the secret content" not in out + err


def test_a_walk_stops_at_its_file_bound(repo: Path) -> None:
    for index in range(5):
        write(repo, f"many/{index}.yaml", MINIMAL)
    with pytest.raises(UsageError) as caught:
        discover_spec_files(["many"], root=str(repo), max_files=3)
    assert "more than 3 spec files" in str(caught.value)


def test_a_walk_stops_at_its_time_bound(repo: Path) -> None:
    with pytest.raises(UsageError) as caught:
        discover_spec_files(["inferencekey"], root=str(repo), max_seconds=0.0)
    assert "took over 0s" in str(caught.value)
