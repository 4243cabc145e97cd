"""A file with a flood of problems costs about what a mistyped one does: the first problems
are shown with a count of the rest, and the did-you-mean is cheap per key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict

import pytest

from inferencekey_ensure.diagnostics.wording import closest, edit_distance
from inferencekey_ensure.loading.scalars import _cached_scalar, _read_scalar, read_scalar
from inferencekey_ensure.specset.validate import validate_paths
from inferencekey_ensure.validation import schema_messages
from inferencekey_ensure.validation.file_check import MAX_PROBLEMS_PER_FILE

HEAD = "name: x\nslug: x\nmodel: m\nbackend: vllm\n"
KEYS = 3_000


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


def _count_suggestions(monkeypatch: pytest.MonkeyPatch) -> Dict[str, int]:
    """Counts each did-you-mean the message layer computes (both of its entry points)."""
    calls = {"did_you_mean": 0, "closest": 0}
    for name in calls:
        real = getattr(schema_messages, name)

        def counted(*args: Any, _real: Any = real, _name: str = name) -> Any:
            calls[_name] += 1
            return _real(*args)

        monkeypatch.setattr(schema_messages, name, counted)
    return calls


@pytest.mark.parametrize("name, text", [
    ("keys.yaml", HEAD + "".join(f"k{i}: 1\n" for i in range(KEYS))),
    ("keys.json", json.dumps({"name": "x", "slug": "x", "model": "m", "backend": "vllm",
                              **{f"k{i}": 1 for i in range(KEYS)}})),
])
def test_only_the_shown_problems_get_a_did_you_mean_in_yaml_and_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str
) -> None:
    calls = _count_suggestions(monkeypatch)
    (tmp_path / name).write_text(text, encoding="utf-8")
    run = validate_paths([str(tmp_path / name)])
    assert [p.json_path for p in run.problems[:MAX_PROBLEMS_PER_FILE]] == [f"$.k{i}" for i in range(MAX_PROBLEMS_PER_FILE)]
    assert f"{KEYS - MAX_PROBLEMS_PER_FILE:,} more problems in this file" in run.problems[-1].message
    assert 0 < calls["did_you_mean"] <= MAX_PROBLEMS_PER_FILE
    assert calls["closest"] <= MAX_PROBLEMS_PER_FILE


def test_a_scalar_reads_the_same_through_the_cache_and_a_long_one_is_not_kept() -> None:
    plain = (True, False)
    for text in ["1", "0x1F", "yes", "~", "1.5", ".inf", "2024-01-01", "<<", "k1", "9" * 30, "9" * 80]:
        assert read_scalar(None, text, plain) == _read_scalar(None, text, plain)
    assert read_scalar("tag:yaml.org,2002:str", "1", (False, False)) == ("tag:yaml.org,2002:str", "1", None)
    before = _cached_scalar.cache_info().currsize
    read_scalar(None, "x" * 100_000, plain)
    assert _cached_scalar.cache_info().currsize == before
