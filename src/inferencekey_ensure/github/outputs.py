"""What the step hands back to the runner: its outputs (``$GITHUB_OUTPUT``) and its
job summary (``$GITHUB_STEP_SUMMARY``).

Later steps branch on them (``has-changes``), loop over them (``endpoint-refs``) or
call the one workload (``project-slug``/``workload-slug``), so every output is
always set, empty when it does not apply, never missing. They are written through
``$GITHUB_OUTPUT`` (never the retired set-output workflow command).

Every value is written in the multi-line form ``name<<DELIM`` ... ``DELIM`` with a
random delimiter checked against the value: a plan carries user-controlled text, and
a guessable delimiter inside it would end the value early and let the rest of the
text define outputs of its own.
"""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path
from typing import Callable, Dict, Mapping, Optional

from inferencekey_ensure.engine.results import RunReport
from inferencekey_ensure.report.plan_json import report_to_json

OUTPUT_NAMES = (
    "endpoint-refs",
    "plan",
    "has-changes",
    "changes",
    "comment-url",
    "project-slug",
    "workload-slug",
)

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


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
    with path.open("a", encoding="utf-8", newline="\n") as handle:
        for name, value in outputs.items():
            handle.write(format_output(name, value))


def action_outputs(report: Optional[RunReport], comment_url: Optional[str]) -> Dict[str, str]:
    """All outputs; ``report`` is None when no plan ran (no token, a fork, invalid specs)."""
    outputs = {name: "" for name in OUTPUT_NAMES}
    outputs.update({"endpoint-refs": "[]", "has-changes": "false", "changes": "0"})
    if report is None:
        return outputs
    changes = report.changes
    outputs["endpoint-refs"] = json.dumps(report.endpoint_refs(), ensure_ascii=False)
    outputs["plan"] = json.dumps(report_to_json(report), ensure_ascii=False, sort_keys=False)
    outputs["has-changes"] = "true" if changes > 0 else "false"
    outputs["changes"] = str(changes)
    outputs["comment-url"] = comment_url or ""
    if len(report.workloads) == 1:
        ref = report.workloads[0].endpoint_ref
        outputs["project-slug"] = ref.project_slug
        outputs["workload-slug"] = ref.workload_slug
    return outputs


def append_summary(path: Path, markdown: str) -> None:
    """Append one report; the runner renders the file on the run's summary page.

    Appending (not overwriting) keeps whatever earlier parts of the same step wrote.
    """
    with path.open("a", encoding="utf-8", newline="\n") as handle:
        handle.write(markdown if markdown.endswith("\n") else markdown + "\n")
