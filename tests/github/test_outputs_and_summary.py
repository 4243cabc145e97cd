"""Outputs reach $GITHUB_OUTPUT in a form no value can break; summaries are appended."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from inferencekey_ensure.flow.outputs import MAX_OUTPUT_BYTES, fit_plan_output
from inferencekey_ensure.github.outputs import append_summary, format_output, write_outputs
from support.action_harness import parse_output_file


def test_values_are_written_with_a_random_heredoc_delimiter(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(out, {"has-changes": "true", "plan": '{"a": 1}\nsecond line'})
    text = out.read_text()
    assert "::set-output" not in text
    assert parse_output_file(text) == {"has-changes": "true", "plan": '{"a": 1}\nsecond line'}
    delimiters = re.findall(r"<<(.+)", text)
    assert len(set(delimiters)) == 2


def test_a_value_containing_the_delimiter_gets_another_one() -> None:
    proposals = iter(["EOF", "EOF", "SAFE"])
    text = format_output("plan", "line\nEOF\nhas-changes=true", new_delimiter=lambda: next(proposals))
    assert text.startswith("plan<<SAFE\n")
    assert parse_output_file(text) == {"plan": "line\nEOF\nhas-changes=true"}


def test_outputs_are_appended_after_what_earlier_steps_wrote(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_text("earlier=1\n")
    write_outputs(out, {"changes": "2"})
    assert parse_output_file(out.read_text()) == {"earlier": "1", "changes": "2"}


@given(st.lists(st.sampled_from(["a", "\n", "<<", "=", "ik_ensure_", "EOF", "0"]), max_size=30).map("".join))
def test_no_value_can_end_early_or_define_another_output(value: str) -> None:
    assert parse_output_file(format_output("plan", value)) == {"plan": value}


def test_summary_is_appended_with_a_final_newline(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    append_summary(summary, "# one")
    append_summary(summary, "# two\n")
    assert summary.read_text() == "# one\n# two\n"


def test_a_plan_too_large_for_a_step_output_says_where_the_whole_plan_is() -> None:
    plan = json.dumps({"format_version": 1, "workloads": ["x" * 1000] * 1100})
    assert len(plan.encode()) > MAX_OUTPUT_BYTES
    fitted = fit_plan_output({"plan": plan, "changes": "3"}, "/runner/tmp/ik-ensure-plan.json")
    stub = json.loads(fitted["plan"])
    assert stub["plan_file"] == "/runner/tmp/ik-ensure-plan.json" and "1 MB" in stub["omitted"]
    assert fitted["plan-file"] == "/runner/tmp/ik-ensure-plan.json" and fitted["changes"] == "3"


def test_a_plan_that_fits_stays_whole_and_its_file_is_named_too() -> None:
    fitted = fit_plan_output({"plan": '{"format_version": 1}'}, "/t/p.json")
    assert fitted == {"plan": '{"format_version": 1}', "plan-file": "/t/p.json"}
