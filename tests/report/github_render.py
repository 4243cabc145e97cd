"""Render a body the way GitHub does (its own cmark-gfm, GFM extensions on) and read what came out.

GitHub renders Markdown with cmark-gfm, then turns ``@name``, ``#123``,
``owner/repo#123`` and ``GH-123`` in text outside code and links into mentions and
cross-references. So a body is safe when its rendered HTML has no link we did not
write, and no text outside ``code``/``pre``/``a`` that those patterns match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import List, Optional, Tuple

import cmarkgfm
from cmarkgfm.cmark import Options

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Loose on purpose: anything GitHub could read as a mention, an issue or a GH- reference.
_REFERENCES = re.compile(r"@[A-Za-z0-9]|#[0-9]|(?i:\bgh-[0-9])")
_OPAQUE = {"code", "pre", "a"}


@dataclass
class Rendered:
    html: str
    links: List[str] = field(default_factory=list)
    tags: List[str] = field(default_factory=list)
    live_text: List[str] = field(default_factory=list)

    def references(self) -> List[str]:
        """Text GitHub would turn into a mention or a cross-reference."""
        return [text for text in self.live_text if _REFERENCES.search(text)]


class _Reader(HTMLParser):
    def __init__(self, rendered: Rendered) -> None:
        super().__init__(convert_charrefs=True)
        self._rendered = rendered
        self._opaque = 0

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        self._rendered.tags.append(tag)
        if tag == "a":
            self._rendered.links.append(dict(attrs).get("href") or "")
        if tag in _OPAQUE:
            self._opaque += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _OPAQUE and self._opaque:
            self._opaque -= 1

    def handle_data(self, data: str) -> None:
        if not self._opaque:
            self._rendered.live_text.append(data)


def render_like_github(markdown: str) -> Rendered:
    """HTML as GitHub's renderer makes it (raw HTML kept: GitHub sanitizes it afterwards)."""
    html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    rendered = Rendered(html)
    reader = _Reader(rendered)
    reader.feed(html)
    reader.close()
    return rendered
