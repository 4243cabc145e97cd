"""action/find-python.sh: which Python the set-up step runs on, on Linux, macOS and Windows runners.

Each case puts fake interpreters (shell scripts that answer as a real one would
to the version check) alone on PATH and runs the script with bash, as the
set-up step does.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Dict

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "action" / "find-python.sh"
BASH = shutil.which("bash") or "/bin/bash"
GOOD = "#!/bin/sh\necho 3.12.4\nexit 0\n"
OLD = "#!/bin/sh\necho 3.8.18\nexit 3\n"
# The Microsoft Store placeholder: on PATH as python3, it only tells the user how to install Python.
STORE_STUB = "#!/bin/sh\necho 'Python was not found; run without arguments to install from the Microsoft Store' >&2\nexit 9009\n"
# Windows' launcher, which runs Python 3 only when asked with -3 (and prints the version it ran).
LAUNCHER = '#!/bin/sh\n[ "$1" = "-3" ] || exit 2\necho "3.11.9\r"\nexit 0\n'


def find(tmp_path: Path, interpreters: Dict[str, str]) -> subprocess.CompletedProcess:
    folder = tmp_path / "bin"
    folder.mkdir()
    for name, text in interpreters.items():
        (folder / name).write_text(text)
        (folder / name).chmod(0o755)
    return subprocess.run([BASH, str(SCRIPT)], env={"PATH": str(folder)}, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("interpreters, chosen", [
    ({"python3": GOOD, "python": GOOD, "py": LAUNCHER}, "python3"),
    ({"python": GOOD, "py": LAUNCHER}, "python"),
    ({"python3": STORE_STUB, "python": GOOD}, "python"),
    ({"python3": OLD, "python": GOOD}, "python"),
    ({"python3": STORE_STUB, "py": LAUNCHER}, "py -3"),
    ({"py": LAUNCHER}, "py -3"),
])
def test_the_first_of_python3_python_and_py_minus_3_that_runs_3_9_or_newer_is_chosen(
        tmp_path: Path, interpreters: Dict[str, str], chosen: str) -> None:
    found = find(tmp_path, interpreters)
    assert (found.returncode, found.stdout) == (0, chosen + "\n")


def test_only_pythons_older_than_3_9_fail_naming_each_and_its_version(tmp_path: Path) -> None:
    found = find(tmp_path, {"python3": OLD, "python": "#!/bin/sh\necho 2.7.18\nexit 3\n"})
    assert found.returncode == 1
    assert found.stdout.startswith("::error title=ik-ensure needs Python 3.9+::On this runner python3 is 3.8.18, "
                                   "python is 2.7.18; ik-ensure needs 3.9 or newer.")


def test_no_python_that_runs_fails_saying_what_to_add(tmp_path: Path) -> None:
    found = find(tmp_path, {"python3": STORE_STUB})
    assert found.returncode == 1
    assert found.stdout.startswith("::error title=ik-ensure needs Python::No python3, python or py -3 runs")
    assert "actions/setup-python" in found.stdout


def test_the_version_check_runs_isolated(tmp_path: Path) -> None:
    # A Python that would only pass when given -I: the check never runs one with the workspace on its path.
    strict = '#!/bin/sh\n[ "$1" = "-I" ] || exit 1\necho 3.10.0\nexit 0\n'
    assert find(tmp_path, {"python3": strict}).stdout == "python3\n"
