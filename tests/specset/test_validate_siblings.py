"""``validate_paths(..., siblings=True)``: the named files checked against their spec root.

pre-commit names only the staged files; these pin that a slug they share with an
unnamed file of the same root fails as a run over the whole root does, naming both.
"""

from __future__ import annotations

import os

import pytest

from inferencekey_ensure.specset.validate import validate_paths
from support.validation import MINIMAL, write

OTHER = MINIMAL.replace("name: Chat", "name: Other")


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A checkout with one committed spec, run from its top as pre-commit runs hooks."""
    write(tmp_path, "inferencekey/chat.yaml", "project: acme\n" + MINIMAL)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_named_file_colliding_with_an_unnamed_sibling_fails_naming_both(repo):
    write(repo, "inferencekey/team/new.yaml", "project: acme\n" + OTHER.replace("slug: chat", "slug: Chat"))
    run = validate_paths(["inferencekey/team/new.yaml"], siblings=True)
    (problem,) = run.problems
    assert (problem.path, problem.rule, problem.json_path) == ("inferencekey/team/new.yaml", "slug-collision", "$.slug")
    assert "is already used in project 'acme' by the workload at inferencekey/chat.yaml:3:7" in problem.message
    assert run.files == ["inferencekey/team/new.yaml"] and not run.ok and run.clean_workloads == []


def test_the_whole_root_reports_the_same_collision(repo):
    write(repo, "inferencekey/team/new.yaml", "project: acme\n" + OTHER)
    (whole,) = validate_paths(["inferencekey"]).problems
    (staged,) = validate_paths(["inferencekey/team/new.yaml"], siblings=True).problems
    assert (staged.path, staged.message) == (whole.path, whole.message)


def test_without_siblings_only_the_named_files_are_read(repo):
    write(repo, "inferencekey/new.yaml", "project: acme\n" + OTHER)
    assert validate_paths(["inferencekey/new.yaml"]).ok


def test_a_siblings_own_problems_and_collisions_among_siblings_are_not_reported(repo):
    write(repo, "inferencekey/broken.yaml", MINIMAL + "modle: x\n")
    write(repo, "inferencekey/twin.yaml", "project: acme\n" + OTHER)
    write(repo, "inferencekey/new.yaml", "project: acme\n" + OTHER.replace("slug: chat", "slug: fresh"))
    run = validate_paths(["inferencekey/new.yaml"], siblings=True)
    assert run.problems == [] and run.files == ["inferencekey/new.yaml"] and len(run.workloads) == 1


def test_a_slug_in_another_project_or_another_root_does_not_collide(repo):
    write(repo, "inferencekey/new.yaml", "project: other\n" + OTHER)
    write(repo, "services/a/inferencekey/chat.yaml", "project: acme\n" + OTHER)
    assert validate_paths(["inferencekey/new.yaml"], siblings=True).ok
    assert validate_paths(["services/a/inferencekey/chat.yaml"], siblings=True).ok


def test_a_file_inside_no_spec_root_has_no_siblings(repo):
    write(repo, "deploy/a.yaml", "project: acme\n" + MINIMAL)
    write(repo, "deploy/b.yaml", "project: acme\n" + OTHER)
    assert validate_paths(["deploy/b.yaml"], siblings=True).ok


def test_a_root_above_the_working_directory_is_named_by_its_absolute_path(repo):
    write(repo, "inferencekey/team/new.yaml", "project: acme\n" + OTHER)
    os.chdir(repo / "inferencekey" / "team")
    (problem,) = validate_paths(["new.yaml"], siblings=True).problems
    assert f"by the workload at {(repo / 'inferencekey' / 'chat.yaml').as_posix()}:3:7" in problem.message


def test_a_sibling_with_problems_of_its_own_still_counts_for_collisions_as_in_a_whole_run(repo):
    write(repo, "inferencekey/chat.yaml", "project: acme\n" + MINIMAL + "modle: x\n")
    write(repo, "inferencekey/new.yaml", "project: acme\n" + OTHER)
    whole = [problem for problem in validate_paths(["inferencekey"]).problems if problem.path == "inferencekey/new.yaml"]
    (staged,) = validate_paths(["inferencekey/new.yaml"], siblings=True).problems
    assert [(problem.rule, problem.message) for problem in whole] == [(staged.rule, staged.message)]
    assert staged.rule == "slug-collision"
