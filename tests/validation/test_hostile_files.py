"""Hostile or broken files: a fast, clear, located error each, never a traceback.

Each file problem sits at line 1 (it concerns the whole file); the run goes on to
the other files and reports them all.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys

import pytest

from inferencekey_ensure.specset.validate import validate_paths
from support.cli import run_cli
from support.hostile_files import hostile_folder
from support.validation import MINIMAL, check, write


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return hostile_folder(tmp_path_factory.mktemp("hostile"))


def _by_file(output: str) -> dict:
    lines = {}
    for line in output.splitlines():
        if ": " in line and line.count(":") >= 3:
            name = os.path.basename(line.split(":", 1)[0])
            lines.setdefault(name, []).append(line)
    return lines


def test_every_hostile_file_gets_one_clear_error_and_the_run_fails(hostile, capsys):
    code, out, err = run_cli(capsys, "validate", str(hostile))
    assert code == 1 and err == ""
    lines = _by_file(out)
    expectations = {
        "empty.yaml": ":1:1: $: file is empty",
        "blank.yml": ":1:1: $: file is empty",
        "comments.yaml": ":1:1: $: file holds no document",
        "binary.yaml": ":1:1: $: file is binary",
        "latin1.yaml": ":1:1: $: file is not UTF-8 text: invalid byte 0xe9 at line 1, column 10",
        "utf16.json": ":1:1: $: file is binary",
        "bomb.yaml": "alias bomb",
        "deep.yaml": "depth",
        "deep.json": "nesting deeper than 64 levels",
        "huge.yaml": ":1:1: $: file is too large (50.0 MiB; the limit is 5.0 MiB)",
        "sparse.yaml": ":1:1: $: file is too large (8192.0 MiB",
    }
    for name, fragment in expectations.items():
        assert len(lines.get(name, [])) == 1, (name, lines.get(name))
        assert fragment in lines[name][0], lines[name][0]
    assert out.splitlines()[-1].startswith("11 files, 0 workloads: 11 errors")


def test_hostile_files_never_print_a_traceback_and_memory_stays_bounded(hostile):
    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (1024 ** 3, 1024 ** 3))

    completed = subprocess.run(
        [sys.executable, "-m", "inferencekey_ensure", "validate", str(hostile)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit_memory,
    )
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr + completed.stdout
    assert "11 errors" in completed.stdout


def test_a_utf8_byte_order_mark_is_fine(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert validate_paths([str(path)]).problems == []
    assert check(tmp_path, "bom.json", '\ufeff{"name": "a", "slug": "a", "model": "m", "backend": "vllm"}') == []


def test_a_named_pipe_is_refused_instead_of_blocking_the_run(tmp_path, capsys):
    os.mkfifo(tmp_path / "pipe.yaml")
    code, out, _ = run_cli(capsys, "validate", str(tmp_path / "pipe.yaml"))
    assert code == 1 and ":1:1: $: not a regular file" in out


def test_a_broken_symlink_inside_a_folder_is_a_file_problem(tmp_path):
    write(tmp_path, "ok.yaml", MINIMAL)
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (problem,) = validate_paths([str(tmp_path)]).problems
    assert problem.path.endswith("gone.yaml") and problem.line == 1 and "cannot read file" in problem.message
