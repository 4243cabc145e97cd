"""What the release workflow reads: the version in ``pyproject.toml`` and its CHANGELOG section.

``python scripts/release_notes.py version`` prints ``0.1.0``; ``python
scripts/release_notes.py notes 0.1.0`` prints the body of CHANGELOG.md's ``## [0.1.0]``
section, the release's notes. A version with no section, or an empty one, exits 1:
a release is never published without saying what is in it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import List, Optional

ROOT = Path(__file__).resolve().parents[1]
_VERSION = re.compile(r'^version\s*=\s*"([^"]+)"\s*$', re.M)


def project_version(pyproject: str) -> str:
    """``[project] version``, read without a TOML library (the script runs on any Python >= 3.9)."""
    section = re.search(r"^\[project\]\s*$(.*?)(?=^\[|\Z)", pyproject, re.M | re.S)
    found = _VERSION.search(section.group(1)) if section else None
    if not found:
        raise ValueError("pyproject.toml has no [project] version")
    return found.group(1)


def changelog_section(changelog: str, version: str) -> Optional[str]:
    """The text under ``## [version]`` (or ``## version``) up to the next ``## ``, stripped; None if absent."""
    heading = re.compile(rf"^## \[?{re.escape(version)}\]?(?=[\s]|$).*$", re.M)
    found = heading.search(changelog)
    if not found:
        return None
    following = re.compile(r"^## ", re.M).search(changelog, found.end())
    body = changelog[found.end():following.start() if following else len(changelog)]
    # A link reference definition ([0.1.0]: https://...) belongs to the whole file, not a section.
    kept = [line for line in body.splitlines() if not re.match(r"^\[[^\]]+\]:\s", line)]
    return "\n".join(kept).strip()


def main(argv: List[str]) -> int:
    if argv == ["version"]:
        print(project_version((ROOT / "pyproject.toml").read_text(encoding="utf-8")))
        return 0
    if len(argv) == 2 and argv[0] == "notes":
        section = changelog_section((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), argv[1])
        if not section:
            print(f"release_notes.py: CHANGELOG.md has no section '## [{argv[1]}]' with anything in it; "
                  "write one before releasing", file=sys.stderr)
            return 1
        print(section)
        return 0
    print("usage: release_notes.py version | release_notes.py notes VERSION", file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        raise SystemExit(main(sys.argv[1:]))
    except BrokenPipeError:  # the reader went away (`| head`): nothing left to say to it
        sys.stderr.close()
        raise SystemExit(1) from None
