"""JSON text -> one located document, with strict JSON semantics.

A ``.json`` spec must be JSON, not YAML that happens to look like it: no comments,
no single quotes, no bare words, no NaN, and numbers typed as JSON types them.
The standard library's parser keeps no positions and recurses per nesting level,
so this one walks the text with an explicit stack, reusing the standard
library's C string scanner for the fiddly part (escapes, control characters).
"""

from __future__ import annotations

import json.decoder
import math
import re
from typing import Any, List, Optional, Tuple, Union

from inferencekey_ensure.diagnostics.problem import PathPart, Problem, json_path
from inferencekey_ensure.loading.limits import MAX_DEPTH, integer_in_range, integer_refusal, too_long_for_an_integer
from inferencekey_ensure.loading.nodes import Document, MappingNode, Node, ScalarNode, SequenceNode
from inferencekey_ensure.loading.parsed import (
    JSON,
    ParsedText,
    duplicate_key,
    has_lone_surrogate,
    lone_surrogate_refusal,
    next_child_path,
)

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_LITERALS = (("true", True), ("false", False), ("null", None))


class _SyntaxError(Exception):
    def __init__(self, message: str, offset: int, rule: str = "syntax") -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.rule = rule


class _Frame:
    __slots__ = ("node", "path", "pending")

    def __init__(self, node: Union[MappingNode, SequenceNode], path: Tuple[PathPart, ...]) -> None:
        self.node = node
        self.path = path
        self.pending: Optional[ScalarNode] = None


class _Parser:
    def __init__(self, text: str, path: str, max_depth: int) -> None:
        self.text = text
        self.path = path
        self.max_depth = max_depth
        self.problems: List[Problem] = []
        self.stack: List[_Frame] = []
        # Positions are asked for in increasing offset order, so lines are counted once.
        self._line = 1
        self._line_start = 0
        self._counted_to = 0

    def position(self, offset: int) -> Tuple[int, int]:
        if offset < self._counted_to:
            line_start = self.text.rfind("\n", 0, offset) + 1
            return self.text.count("\n", 0, offset) + 1, offset - line_start + 1
        newlines = self.text.count("\n", self._counted_to, offset)
        if newlines:
            self._line += newlines
            self._line_start = self.text.rfind("\n", self._counted_to, offset) + 1
        self._counted_to = offset
        return self._line, offset - self._line_start + 1

    def found(self, offset: int) -> str:
        return f"'{self.text[offset]}'" if offset < len(self.text) else "the end of the file"

    def skip(self, offset: int) -> int:
        return _WHITESPACE.match(self.text, offset).end()  # type: ignore[union-attr]

    def child_path(self) -> Tuple[PathPart, ...]:
        return next_child_path(self.stack)

    # -- values -----------------------------------------------------------------------
    def scalar(self, offset: int) -> Tuple[ScalarNode, int]:
        text = self.text
        line, column = self.position(offset)
        char = text[offset] if offset < len(text) else ""
        if char == '"':
            try:
                # scanstring is public at runtime (the json module's own string scanner); typeshed omits it.
                value, end = json.decoder.scanstring(text, offset + 1, True)  # type: ignore[attr-defined]
            except json.JSONDecodeError as error:
                reason = error.msg[:-3] if error.msg.endswith(" at") else error.msg
                raise _SyntaxError(f"JSON syntax error: {reason[:1].lower()}{reason[1:]}", error.pos) from None
            if has_lone_surrogate(value):
                self.problems.append(Problem(self.path, line, column, json_path(self.child_path()),
                                             lone_surrogate_refusal(value), rule="syntax"))
            return ScalarNode(value, line, column, text[offset:end], False), end
        match = _NUMBER.match(text, offset)
        if match and match.end() > offset:
            token = match.group(0)
            return ScalarNode(self.number(token, offset), line, column, token, False), match.end()
        for word, value in _LITERALS:
            if text.startswith(word, offset):
                return ScalarNode(value, line, column, word, False), offset + len(word)
        raise _SyntaxError(f"JSON syntax error: expected a value, found {self.found(offset)}", offset)

    def number(self, token: str, offset: int) -> Any:
        try:
            if "." in token or "e" in token or "E" in token:
                value = float(token)
                if not math.isfinite(value):
                    raise ValueError(token)
                return value
            if too_long_for_an_integer(token) or not integer_in_range(int(token)):
                raise _SyntaxError(integer_refusal(token), offset)
            return int(token)
        except ValueError:
            raise _SyntaxError(f"JSON number {token[:20]} is out of range", offset) from None

    def key(self, offset: int) -> Tuple[ScalarNode, int]:
        if not self.text.startswith('"', offset):
            raise _SyntaxError(f"JSON syntax error: expected a double-quoted key, found {self.found(offset)}", offset)
        node, end = self.scalar(offset)
        frame = self.stack[-1]
        assert isinstance(frame.node, MappingNode)
        first = frame.node.keys.get(node.value)
        if first is not None:
            self.problems.append(duplicate_key(self.path, frame.path, first, node))
        end = self.skip(end)
        if not self.text.startswith(":", end):
            raise _SyntaxError(f"JSON syntax error: expected ':' after the key, found {self.found(end)}", end)
        frame.pending = node
        return node, self.skip(end + 1)

    def open(self, offset: int) -> int:
        """Push the container starting at ``offset``; return where its first entry starts."""
        if len(self.stack) >= self.max_depth:
            raise _SyntaxError(f"nesting deeper than {self.max_depth} levels; a spec never needs that", offset, "depth")
        line, column = self.position(offset)
        node: Union[MappingNode, SequenceNode]
        node = MappingNode(line, column) if self.text[offset] == "{" else SequenceNode(line, column)
        self.stack.append(_Frame(node, self.child_path()))
        return self.skip(offset + 1)

    # -- the document --------------------------------------------------------------------
    def document(self) -> Node:
        text = self.text
        offset = self.skip(0)
        while True:
            # A value starts at ``offset``.
            complete: Optional[Node] = None
            if text.startswith("{", offset):
                offset = self.open(offset)
                if text.startswith("}", offset):
                    complete, offset = self.stack.pop().node, offset + 1
                else:
                    _, offset = self.key(offset)
                    continue
            elif text.startswith("[", offset):
                offset = self.open(offset)
                if text.startswith("]", offset):
                    complete, offset = self.stack.pop().node, offset + 1
                else:
                    continue
            else:
                complete, offset = self.scalar(offset)
            # Attach complete values, closing every container that ends right after them.
            while True:
                if not self.stack:
                    offset = self.skip(offset)
                    if offset < len(text):
                        raise _SyntaxError(f"JSON syntax error: extra data after the JSON value: {self.found(offset)}", offset)
                    return complete
                frame = self.stack[-1]
                offset = self.skip(offset)
                if isinstance(frame.node, MappingNode):
                    assert frame.pending is not None
                    frame.node.put(frame.pending, complete)
                    frame.pending = None
                    closer = "}"
                else:
                    frame.node.append(complete)
                    closer = "]"
                if text.startswith(",", offset):
                    offset = self.skip(offset + 1)
                    if closer == "}":
                        _, offset = self.key(offset)
                    break
                if text.startswith(closer, offset):
                    complete, offset = self.stack.pop().node, offset + 1
                    continue
                raise _SyntaxError(f"JSON syntax error: expected ',' or '{closer}', found {self.found(offset)}", offset)


def parse_json(text: str, path: str, *, max_depth: int = MAX_DEPTH) -> ParsedText:
    """The one document of ``text`` with positions, or the first syntax error located."""
    parser = _Parser(text, path, max_depth)
    try:
        root = parser.document()
    except _SyntaxError as error:
        line, column = parser.position(error.offset)
        parser.problems.append(Problem(path, line, column, json_path(parser.child_path()), error.message, rule=error.rule))
        return ParsedText([], parser.problems, JSON)
    return ParsedText([Document(root, root.line, root.column)], parser.problems, JSON)
