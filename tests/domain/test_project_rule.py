"""One project rule: spec ``project`` > file ``project`` > ``--project`` / environment.

``plan``, ``validate --only-project``, the slug-collision check, ``projects`` and the
prune-scope message all resolve through ``domain.spec.resolve_project``.
"""

from __future__ import annotations

from typing import Dict, Optional

import pytest

from inferencekey_ensure.domain.spec import DeclaredWorkload, SourceLocation, WorkloadSpec, projects_of, resolve_project


@pytest.mark.parametrize("own, file_project, fallback, expected", [
    ("spec", "file", "flag", "spec"),
    (None, "file", "flag", "file"),
    (None, None, "flag", "flag"),
    (None, None, None, None),
    ("  ", "file", None, "file"),  # a blank spec value (refused by the schema) does not hide the file's
    (42, None, "flag", "flag"),  # nor does a non-string one, as validate may see it
    (None, None, "", None),
])
def test_the_spec_wins_over_the_file_which_wins_over_the_fallback(own, file_project, fallback, expected):
    assert resolve_project(own, file_project, fallback) == expected


def _declared(slug: str, project: Optional[str] = None, file_project: Optional[str] = None) -> DeclaredWorkload:
    fields: Dict[str, str] = {"name": slug, "slug": slug, "model": "m", "backend": "ollama"}
    if project:
        fields["project"] = project
    return DeclaredWorkload(WorkloadSpec(**fields), SourceLocation("f.yaml", 1, 1), file_project)


def test_a_declared_workload_and_the_project_list_use_the_same_rule():
    workloads = [_declared("a", "beta"), _declared("b", None, "acme"), _declared("c"), _declared("d", "beta")]
    assert [w.project("flag") for w in workloads] == ["beta", "acme", "flag", "beta"]
    assert projects_of(workloads, "flag") == ["beta", "acme", "flag"]
    assert projects_of(workloads, None) == ["beta", "acme"]
