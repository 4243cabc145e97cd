"""What counts as the complete spec set for ``--prune``, decided from resolved paths alone."""

from __future__ import annotations

import os

import pytest

from inferencekey_ensure.loading.discovery import GivenPath
from inferencekey_ensure.specset.prune_scope import partial_paths


def _folder(*parts: str) -> GivenPath:
    real = os.sep + os.path.join(*parts)
    return GivenPath(".", "folder", real)


@pytest.mark.parametrize("parts", [("repo", "inferencekey"), ("repo", "deploy"), ("tmp", "x", "sub")],
                         ids=["the-root", "own-root", "folder-outside"])
def test_a_folder_inside_no_inferencekey_folder_is_complete(parts):
    assert partial_paths([_folder(*parts)], "inferencekey") == []


@pytest.mark.parametrize("parts", [("repo", "inferencekey", "team-a"), ("elsewhere", "inferencekey", "a", "b"),
                                   ("repo", "inferencekey", "inferencekey")],
                         ids=["sub-folder", "deep-elsewhere", "root-named-sub-folder"])
def test_a_folder_inside_any_inferencekey_folder_is_partial(parts):
    folder = _folder(*parts)
    assert partial_paths([folder], "inferencekey") == [folder]


def test_files_and_globs_are_always_partial():
    given = [GivenPath("a.yaml", "file", "/deploy/a.yaml"), GivenPath("*.yaml", "glob", "/deploy/*.yaml")]
    assert partial_paths(given, "inferencekey") == given
