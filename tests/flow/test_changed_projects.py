"""``changed-projects``: the projects a pull request's files touch, every project whenever unsure."""

from __future__ import annotations

from typing import Dict, FrozenSet, List, Optional

from inferencekey_ensure.flow.changed_projects import (
    ChangedFile,
    ChangedFiles,
    changed_projects,
    repo_path,
    spec_path_matcher,
)

PROJECTS = ["acme", "beta", "gamma"]
CURRENT = {"inferencekey/a.yaml": {"acme"}, "inferencekey/b.yaml": {"beta"}, "inferencekey/c.yaml": {"gamma"}}
IS_SPEC = spec_path_matcher(["inferencekey"])


def _touched(*files: ChangedFile, base: Optional[Dict[str, Optional[FrozenSet[str]]]] = None,
             complete: bool = True) -> List[str]:
    asked: List[str] = []

    def base_projects(path: str) -> Optional[FrozenSet[str]]:
        asked.append(path)
        return (base or {}).get(path)

    return list(changed_projects(PROJECTS, ChangedFiles(files, complete), CURRENT, IS_SPEC, base_projects))


def test_a_modified_spec_file_touches_only_its_own_project_and_other_files_none() -> None:
    assert _touched(ChangedFile("inferencekey/b.yaml", "modified"), ChangedFile("docs/x.md", "modified")) == ["beta"]
    assert _touched(ChangedFile("README.md", "modified")) == []


def test_a_removed_spec_file_counts_with_the_project_it_declared_in_the_base_commit() -> None:
    removed = ChangedFile("inferencekey/old.yaml", "removed")
    assert _touched(removed, base={"inferencekey/old.yaml": frozenset({"gamma"})}) == ["gamma"]


def test_a_renamed_spec_file_counts_with_its_new_and_its_old_project() -> None:
    renamed = ChangedFile("inferencekey/a.yaml", "renamed", previous_path="inferencekey/was-beta.yaml")
    assert _touched(renamed, base={"inferencekey/was-beta.yaml": frozenset({"beta"})}) == ["acme", "beta"]


def test_a_removed_spec_file_the_base_commit_cannot_show_counts_as_every_project() -> None:
    assert _touched(ChangedFile("inferencekey/old.yaml", "removed")) == PROJECTS


def test_a_removed_file_outside_the_specs_is_never_read_in_the_base_commit() -> None:
    assert _touched(ChangedFile("config/old.yaml", "removed"), ChangedFile("inferencekey/.hidden/x.yaml", "removed")) == []


def test_the_config_file_the_workflows_or_a_cut_short_list_count_as_every_project() -> None:
    assert _touched(ChangedFile(".ik-ensure.yaml", "modified")) == PROJECTS
    assert _touched(ChangedFile("sub/.ik-ensure.yaml", "added")) == PROJECTS
    assert changed_projects(PROJECTS, ChangedFiles((ChangedFile("ci/ik.yaml", "modified"),)), CURRENT, IS_SPEC,
                            lambda path: None, ["ci/ik.yaml"]) == tuple(PROJECTS)
    assert _touched(ChangedFile(".github/workflows/preview.yml", "modified")) == PROJECTS
    assert _touched(ChangedFile("inferencekey/b.yaml", "modified"), complete=False) == PROJECTS


def test_outside_a_change_request_every_project_counts() -> None:
    assert changed_projects(PROJECTS, None, CURRENT, IS_SPEC, lambda path: None) == tuple(PROJECTS)


def test_paths_are_made_relative_to_the_repository_and_globs_and_named_files_match() -> None:
    assert repo_path("inferencekey/a.yaml", "/w/repo/sub", "/w/repo") == "sub/inferencekey/a.yaml"
    assert repo_path("/w/repo/x.yaml", "/w/repo", None) == "x.yaml"
    matches = spec_path_matcher(["specs/*.yaml", "one.json"])
    assert matches("specs/a.yaml") and matches("one.json")
    assert not matches("specs/a.txt") and not matches("two.json")
