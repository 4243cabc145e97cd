"""Every relative link in the README, the repository's own Markdown files and docs/ leads somewhere.

A link is taken as GitHub renders it: relative to the page, outside code blocks and code spans;
a ``#fragment`` into a Markdown page must name one of its headings (GitHub's anchor rule).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Set, Tuple

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / name for name in ("README.md", "CHANGELOG.md", "CONTRIBUTING.md", "SECURITY.md")]
PAGES += sorted((ROOT / "docs").glob("*.md"))
_INLINE = re.compile(r"\]\(<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\)")
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+(\S+)", re.M)


def _without_code_blocks(text: str) -> str:
    return re.sub(r"^(```|~~~).*?^\1", "", text, flags=re.S | re.M)


def _prose(text: str) -> str:
    """The page without fenced code blocks and code spans, where brackets are not links."""
    return re.sub(r"`[^`\n]*`", "", _without_code_blocks(text))


def relative_links(text: str) -> List[str]:
    prose = _prose(text)
    found = _INLINE.findall(prose) + _REFERENCE.findall(prose)
    return [link for link in found if not re.match(r"^[a-zA-Z][a-zA-Z+.-]*:", link)]


def anchors(markdown: str) -> Set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered."""
    seen: Set[str] = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", _without_code_blocks(markdown), re.M):
        base = re.sub(r"[^\w\- ]", "", heading.replace("`", "").strip().lower()).replace(" ", "-")
        anchor, count = base, 0
        while anchor in seen:
            count += 1
            anchor = f"{base}-{count}"
        seen.add(anchor)
    return seen


def _broken(page: Path) -> List[Tuple[str, str]]:
    broken = []
    for link in relative_links(page.read_text(encoding="utf-8")):
        path, _, fragment = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        if not target.exists():
            broken.append((link, "no such file"))
        elif fragment and target.suffix == ".md" and fragment not in anchors(target.read_text(encoding="utf-8")):
            broken.append((link, f"no heading #{fragment}"))
    return broken


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_relative_link_resolves(page: Path) -> None:
    assert _broken(page) == []


def test_links_are_found_outside_code_and_checked_with_their_anchors(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other page\n\n## The `cache` (opt-in)\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](other.md#the-cache-opt-in) [gone](missing.md) [bad](other.md#nope) [web](https://example.com)\n"
        "`[code](not-a-link.md)`\n```\n[block](neither.md)\n```\n[ref]: missing-too.md\n",
        encoding="utf-8",
    )
    assert _broken(page) == [("missing.md", "no such file"), ("other.md#nope", "no heading #nope"),
                             ("missing-too.md", "no such file")]
