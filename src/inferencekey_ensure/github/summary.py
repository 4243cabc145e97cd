"""The job summary: Markdown appended to the file named by ``$GITHUB_STEP_SUMMARY``."""

from __future__ import annotations

from pathlib import Path


def append_summary(path: Path, markdown: str) -> None:
    """Append one report; the runner renders the file on the run's summary page.

    Appending (not overwriting) keeps whatever earlier parts of the same step wrote.
    """
    with path.open("a", encoding="utf-8", newline="\n") as handle:
        handle.write(markdown if markdown.endswith("\n") else markdown + "\n")
