"""Which files a run checks: named files, folders, globs, the default folder."""

from __future__ import annotations

import os

import pytest

from inferencekey_ensure.cli import exit_codes
from inferencekey_ensure.loading.discovery import discover_spec_files
from inferencekey_ensure.loading.errors import UsageError
from support.cli import run_cli
from support.validation import MINIMAL, write


def names(found):
    return [spec.display for spec in found]


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("inferencekey/b.yaml", "inferencekey/a.yml", "inferencekey/sub/c.json", "inferencekey/sub/README.md",
                 "inferencekey/.hidden/d.yaml", "other/e.YAML", "other/notes.txt"):
        write(tmp_path, name, MINIMAL)
    return tmp_path


def test_no_paths_means_every_spec_under_inferencekey_in_sorted_order(tree):
    assert names(discover_spec_files([])) == ["inferencekey/a.yml", "inferencekey/b.yaml", "inferencekey/sub/c.json"]


def test_no_paths_and_no_inferencekey_folder_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "validate")
    assert code == exit_codes.USAGE and out == ""
    assert "no 'inferencekey' folder here" in err and "Traceback" not in err


def test_a_named_file_is_checked_whatever_its_extension(tree):
    assert names(discover_spec_files(["other/notes.txt", "inferencekey/b.yaml"])) == ["other/notes.txt", "inferencekey/b.yaml"]


def test_folders_are_searched_for_spec_extensions_in_any_case(tree):
    assert names(discover_spec_files(["other"])) == ["other/e.YAML"]


def test_a_glob_keeps_only_spec_files_and_walks_matched_folders(tree):
    assert names(discover_spec_files(["inferencekey/**/*"])) == [
        "inferencekey/a.yml", "inferencekey/b.yaml", "inferencekey/sub/c.json",
    ]


def test_a_file_named_twice_is_checked_once(tree):
    found = discover_spec_files(["inferencekey/a.yml", "./inferencekey/a.yml", "inferencekey"])
    assert names(found) == ["inferencekey/a.yml", "inferencekey/b.yaml", "inferencekey/sub/c.json"]


@pytest.mark.parametrize("path, fragment", [("missing.yaml", "path not found: 'missing.yaml'"), ("nothing/*.yaml", "no file matches")])
def test_a_missing_path_or_empty_glob_is_a_usage_error(tree, capsys, path, fragment):
    with pytest.raises(UsageError, match=r"not found|no file matches"):
        discover_spec_files([path])
    code, out, err = run_cli(capsys, "validate", "inferencekey", path)
    assert code == exit_codes.USAGE and fragment in err and out == ""


def test_a_folder_without_spec_files_is_a_usage_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="no spec files"):
        discover_spec_files([str(tmp_path / "empty")])


def test_a_symlink_loop_is_walked_once(tree):
    os.symlink("..", "inferencekey/sub/loop")
    os.symlink(".", "inferencekey/self")
    found = names(discover_spec_files(["inferencekey"]))
    assert sorted(found) == ["inferencekey/a.yml", "inferencekey/b.yaml", "inferencekey/sub/c.json"]


def test_a_symlink_to_itself_named_on_the_command_line_is_a_usage_error(tmp_path):
    link = tmp_path / "self.yaml"
    link.symlink_to(link)
    with pytest.raises(UsageError, match="broken symbolic link"):
        discover_spec_files([str(link)])
