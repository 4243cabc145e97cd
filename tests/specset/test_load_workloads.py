"""Contract A: ``load_workloads`` hands the engine declared workloads, or problems."""

from __future__ import annotations

import pytest

from inferencekey_ensure.domain.spec import SourceLocation
from inferencekey_ensure.loading.errors import UsageError
from inferencekey_ensure.specset.load import LoadResult, load_workloads
from support.validation import EXAMPLES, MINIMAL, write


def test_examples_load_as_declared_workloads_with_their_locations():
    result = load_workloads([str(EXAMPLES)])
    assert isinstance(result, LoadResult) and result.ok and result.problems == []
    by_slug = {declared.spec.slug: declared for declared in result.workloads}
    assert len(by_slug) == 9
    helper = by_slug["internal-helper"]
    assert helper.location == SourceLocation("examples/image-and-chat.yaml".replace("examples", EXAMPLES.as_posix()), 5, 5)
    assert helper.file_project == "demo" and helper.project(None) == "demo"
    assert by_slug["Coder GGUF on R9700"].spec.backend == "llamacpp"


def test_the_schema_hint_is_not_part_of_the_spec():
    result = load_workloads([str(EXAMPLES / "reranker.json")])
    (declared,) = result.workloads
    assert "$schema" not in declared.spec.sdk_fields()
    assert declared.location.line == 1


def test_sdk_fields_map_one_to_one_onto_the_official_workload_spec():
    inferencekey = pytest.importorskip("inferencekey")
    for declared in load_workloads([str(EXAMPLES)]).workloads:
        spec = inferencekey.WorkloadSpec(**declared.spec.sdk_fields())
        assert spec.slug == declared.spec.slug


def test_a_workload_project_beats_the_file_project_which_beats_the_fallback(tmp_path):
    write(tmp_path, "a.yaml", """\
        project: file-level
        workloads:
          - {name: A, slug: a, model: m, backend: vllm}
          - {name: B, slug: b, model: m, backend: vllm, project: own}
        """)
    write(tmp_path, "b.yaml", MINIMAL)
    declared = {w.spec.slug: w for w in load_workloads([str(tmp_path)]).workloads}
    assert declared["a"].project("env") == "file-level"
    assert declared["b"].project("env") == "own"
    assert declared["chat"].project("env") == "env"


def test_any_error_makes_the_result_not_ok_and_keeps_bad_files_out(tmp_path):
    write(tmp_path, "good.yaml", MINIMAL)
    write(tmp_path, "bad.yaml", MINIMAL.replace("chat", "other") + "modle: x\n")
    result = load_workloads([str(tmp_path)])
    assert not result.ok
    assert [w.spec.slug for w in result.workloads] == ["chat"]
    assert [(p.rule, p.json_path) for p in result.problems] == [("schema", "$.modle")]


def test_warnings_alone_keep_the_result_ok(tmp_path):
    write(tmp_path, "a.yaml", MINIMAL.replace("vllm", "ollama") + "command: x\n")
    result = load_workloads([str(tmp_path)])
    assert result.ok and len(result.workloads) == 1 and result.problems[0].severity == "warning"


def test_colliding_slugs_keep_the_second_file_out(tmp_path):
    write(tmp_path, "a.yaml", MINIMAL)
    write(tmp_path, "b.yaml", MINIMAL.replace("slug: chat", "slug: CHAT"))
    result = load_workloads([str(tmp_path)])
    assert not result.ok and [w.location.path.rsplit("/", 1)[1] for w in result.workloads] == ["a.yaml"]


def test_no_paths_means_the_default_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "specs/a.yaml", MINIMAL)
    assert [w.location.path for w in load_workloads([], default_dir="specs").workloads] == ["specs/a.yaml"]
    with pytest.raises(UsageError):
        load_workloads([])
