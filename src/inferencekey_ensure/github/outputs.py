"""Writing what the step hands back to the runner: its outputs (``$GITHUB_OUTPUT``) and
its job summary (``$GITHUB_STEP_SUMMARY``). Which outputs, with which values, is
``flow.outputs``'s decision; this only writes them, through ``$GITHUB_OUTPUT``
(never the retired set-output workflow command).

Every value is written in the multi-line form ``name<<DELIM`` ... ``DELIM`` with a
random delimiter checked against the value: a plan carries user-controlled text, and
a guessable delimiter inside it would end the value early and let the rest of the
text define outputs of its own.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import Callable, Mapping, Optional

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
# What cannot be encoded (a lone surrogate from the platform, a file name that is not UTF-8)
# is written as a ``\\udce9`` escape: the runner gets every output, never a crash.
UNENCODABLE = "backslashreplace"


def _random_delimiter() -> str:
    return f"ik_ensure_{secrets.token_hex(16)}"


def format_output(name: str, value: str, new_delimiter: Callable[[], str] = _random_delimiter) -> str:
    """One output in the heredoc form, with a delimiter that occurs nowhere in ``value``."""
    if not _NAME.match(name):
        raise ValueError(f"invalid output name {name!r}")
    delimiter = new_delimiter()
    while delimiter in value or delimiter in name:
        delimiter = new_delimiter()
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def write_outputs(path: Path, outputs: Mapping[str, str]) -> None:
    """Append every output to the file the runner reads after the step."""
    with path.open("a", encoding="utf-8", errors=UNENCODABLE, newline="\n") as handle:
        for name, value in outputs.items():
            handle.write(format_output(name, value))


def append_summary(path: Path, markdown: str) -> None:
    """Append one report; the runner renders the file on the run's summary page.

    Appending (not overwriting) keeps whatever earlier parts of the same step wrote.
    """
    with path.open("a", encoding="utf-8", errors=UNENCODABLE, newline="\n") as handle:
        handle.write(markdown if markdown.endswith("\n") else markdown + "\n")


def write_plan_file(runner_temp: Optional[str], plan: str) -> str:
    """Write the whole plan JSON to a new file in the runner's temporary folder; its path.

    A file of its own per step (``mkstemp``): two uses of the action in one job keep theirs.
    """
    handle, path = tempfile.mkstemp(prefix="ik-ensure-plan-", suffix=".json", dir=runner_temp or None)
    with os.fdopen(handle, "w", encoding="utf-8", errors=UNENCODABLE, newline="\n") as stream:
        stream.write(plan)
    return path
