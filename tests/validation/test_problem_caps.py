"""A file with a flood of problems costs about what a mistyped one does: the first problems
are shown with a count of the rest, and the did-you-mean is cheap per key."""

from __future__ import annotations

from pathlib import Path

from inferencekey_ensure.diagnostics.wording import closest, edit_distance
from inferencekey_ensure.specset.validate import validate_paths
from inferencekey_ensure.validation.file_check import MAX_PROBLEMS_PER_FILE

HEAD = "name: x\nslug: x\nmodel: m\nbackend: vllm\n"


def test_a_file_with_thousands_of_unknown_keys_shows_the_first_problems_and_counts_the_rest(tmp_path: Path) -> None:
    keys = 3_000
    (tmp_path / "keys.yaml").write_text(HEAD + "".join(f"k{i}: 1\n" for i in range(keys)), encoding="utf-8")
    run = validate_paths([str(tmp_path / "keys.yaml")])
    assert len(run.problems) == MAX_PROBLEMS_PER_FILE + 1
    assert [p.line for p in run.problems[:3]] == [5, 6, 7]
    last = run.problems[-1]
    assert f"{keys - MAX_PROBLEMS_PER_FILE:,} more problems in this file" in last.message and last.is_error


def test_a_file_under_the_cap_shows_every_problem(tmp_path: Path) -> None:
    (tmp_path / "few.yaml").write_text(HEAD + "modle: a\nprovder: b\n", encoding="utf-8")
    messages = [p.message for p in validate_paths([str(tmp_path / "few.yaml")]).problems]
    assert len(messages) == 2 and "did you mean 'model'?" in messages[0]


def test_the_edit_distance_gives_up_past_its_limit_with_a_number_above_it() -> None:
    assert edit_distance("modle", "model") == 1
    assert edit_distance("k123456", "execution_policy_config", limit=2) == 3
    assert edit_distance("abcdef", "uvwxyz", limit=2) == 3
    assert closest("x" * 10_000, ["model", "name"]) is None
