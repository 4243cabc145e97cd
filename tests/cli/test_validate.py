"""``ik-ensure validate``: output formats, exit codes, the summary line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from inferencekey_ensure.cli import exit_codes
from support.cli import run_cli
from support.validation import EXAMPLES, MINIMAL, write


@pytest.fixture(autouse=True)
def outside_github_actions(monkeypatch):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture(autouse=True)
def project_from_the_environment(monkeypatch):
    """The specs here name no project: the environment gives one, so only the problem under test is reported."""
    monkeypatch.setenv("INFERENCEKEY_PROJECT", "acme")


def test_the_examples_are_valid_and_the_summary_says_so(capsys):
    code, out, err = run_cli(capsys, "validate", str(EXAMPLES))
    assert (code, out, err) == (0, "8 files, 9 workloads: all valid\n", "")


def test_each_problem_is_one_line_path_line_col_json_path_message(tmp_path, capsys):
    path = write(tmp_path, "s.yaml", MINIMAL + "modle: x\n")
    code, out, _ = run_cli(capsys, "validate", str(path))
    assert code == 1
    assert out.splitlines() == [
        f"{path.as_posix()}:5:1: $.modle: unknown field 'modle'; did you mean 'model'? [schema]",
        "1 file, 1 workload: 1 error",
    ]


def test_warnings_pass_unless_strict(tmp_path, capsys):
    path = write(tmp_path, "s.yaml", MINIMAL.replace("vllm", "ollama") + "command: serve\n")
    code, out, _ = run_cli(capsys, "validate", str(path))
    assert code == 0
    assert ": $.command: warning: the ollama backend does not run a command" in out
    assert out.splitlines()[-1] == "1 file, 1 workload: 1 warning, otherwise valid"
    code, out, _ = run_cli(capsys, "validate", "--strict", str(path))
    assert code == 1 and out.splitlines()[-1] == "1 file, 1 workload: 1 warning (--strict: failing)"


def test_json_output_is_one_document_with_every_problem(tmp_path, capsys):
    path = write(tmp_path, "s.yaml", MINIMAL + "vllm_version: 0.10\n")
    code, out, _ = run_cli(capsys, "validate", "--format", "json", str(path))
    document = json.loads(out)
    assert code == 1
    assert document["format_version"] == 1 and document["valid"] is False
    assert document["summary"] == {"files": 1, "workloads": 1, "errors": 1, "warnings": 0}
    assert document["problems"] == [{
        "path": path.as_posix(), "line": 5, "column": 15, "json_path": "$.vllm_version", "severity": "error",
        "rule": "coercion", "message": '`0.10` is read as the number 0.1 (YAML 1.1), not a string; quote it: "0.10"',
    }]


def test_json_output_of_a_valid_run(capsys):
    code, out, _ = run_cli(capsys, "validate", "--format", "json", str(EXAMPLES))
    document = json.loads(out)
    assert code == 0 and document["valid"] is True and document["problems"] == []
    assert len(document["files"]) == 8


def test_github_format_prints_escaped_annotations_and_plain_lines(tmp_path, capsys):
    path = write(tmp_path, "odd,name:1.yaml", MINIMAL + "description: |\n  100% sure\n  two lines\nmodle: x\n")
    code, out, _ = run_cli(capsys, "validate", "--format", "github", str(path))
    lines = out.splitlines()
    assert code == 1
    escaped_file = path.as_posix().replace(":", "%3A").replace(",", "%2C")
    assert lines[0] == (
        f"::error file={escaped_file},line=8,col=1,title=ik-ensure validate [schema]"
        "::$.modle: unknown field 'modle'; did you mean 'model'?"
    )
    assert lines[1].startswith(f"{path.as_posix()}:8:1: $.modle:")
    assert lines[-1] == "1 file, 1 workload: 1 error"


def test_github_format_is_chosen_inside_github_actions(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    path = write(tmp_path, "s.yaml", MINIMAL.replace("vllm", "sglang") + "vllm_version: '1'\n")
    code, out, _ = run_cli(capsys, "validate", str(path))
    assert code == 0 and out.startswith("::warning file=")
    code, out, _ = run_cli(capsys, "validate", "--format", "text", str(path))
    assert not out.startswith("::")


def test_a_file_name_with_a_line_break_cannot_inject_a_workflow_command(tmp_path, capsys):
    path = write(tmp_path, "evil\n::error::pwned 100%.yaml", MINIMAL + "modle: x\n")
    _, out, _ = run_cli(capsys, "validate", "--format", "github", str(path))
    lines = out.splitlines()
    assert len(lines) == 3 and [line.startswith("::") for line in lines] == [True, False, False]
    assert "evil\\x0a%3A%3Aerror%3A%3Apwned 100%25.yaml" in lines[0]
    assert "evil\\x0a::error::pwned 100%.yaml:5:1:" in lines[1]


@pytest.mark.parametrize("args", [["--format", "xml"], ["--bogus"]])
def test_a_bad_flag_is_a_usage_error(capsys, args):
    code, out, err = run_cli(capsys, "validate", *args, str(EXAMPLES))
    assert code == exit_codes.USAGE and out == "" and "usage:" in err


def test_the_installed_command_never_prints_a_traceback(tmp_path):
    write(tmp_path, "bad.yaml", "a: [1,\n")
    for args, expected in (([str(tmp_path)], 1), ([str(tmp_path / "missing")], exit_codes.USAGE), ([str(EXAMPLES)], 0)):
        completed = subprocess.run(
            [sys.executable, "-m", "inferencekey_ensure", "validate", *args], capture_output=True, text=True, timeout=120
        )
        assert completed.returncode == expected
        assert "Traceback" not in completed.stdout + completed.stderr


def test_no_format_prints_a_raw_control_character(tmp_path, capsys):
    write(tmp_path, "s.yaml", MINIMAL + '"bad\\x1b[31mkey": 1\n')
    for output_format in ("text", "json", "github"):
        _, out, _ = run_cli(capsys, "validate", "--format", output_format, str(tmp_path / "s.yaml"))
        assert "\x1b" not in out
        assert "x1b" in out or "u001b" in out  # shown escaped, not dropped
