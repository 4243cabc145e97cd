"""YAML text -> located documents, built from PyYAML's event stream.

PyYAML's composer is recursive, silently keeps the last of two equal keys, and
expands aliases without limit. Building the nodes here from the parser's events
keeps the stack on the heap (so deep nesting is just a located error), sees each
key as it arrives (so a duplicate is reported at its second occurrence), and
charges every alias the size of what it stands for, so an alias bomb stops after
a bounded amount of work instead of exhausting memory.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Set, Tuple, Union

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from inferencekey_ensure.diagnostics.problem import PathPart, Problem, json_path
from inferencekey_ensure.diagnostics.wording import describe_value
from inferencekey_ensure.loading.limits import ALIAS_BUDGET, MAX_DEPTH
from inferencekey_ensure.loading.nodes import Document, MappingNode, Node, ScalarNode, SequenceNode
from inferencekey_ensure.loading.parsed import ParsedText, duplicate_key, line_and_column, next_child_path
from inferencekey_ensure.loading.scalars import MERGE_TAG, construct, resolve_tag
from inferencekey_ensure.loading.yaml_syntax import plain_syntax_error

_EventSource = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_COLLECTION_TAGS = {
    MappingStartEvent: (None, "!", "tag:yaml.org,2002:map"),
    SequenceStartEvent: (None, "!", "tag:yaml.org,2002:seq"),
}


class _Stop(Exception):
    """A problem after which the rest of the file cannot be read meaningfully."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _AwaitKey:
    """Marker: the mapping's next node is a key."""


class _Discard:
    """Marker: the mapping's next node is the value of a refused key."""


class _Merge:
    """Marker: the mapping's next node is the value of a ``<<`` merge key."""


_PendingKey = Union[ScalarNode, type]


class _Frame:
    __slots__ = ("anchor", "merges", "node", "path", "pending")

    def __init__(self, node: Union[MappingNode, SequenceNode], path: Tuple[PathPart, ...], anchor: Optional[str]):
        self.node = node
        self.path = path
        self.pending: _PendingKey = _AwaitKey
        self.merges: List[MappingNode] = []
        self.anchor = anchor


def _start(event: Event) -> Tuple[int, int]:
    """1-based line and column where ``event`` starts."""
    mark = event.start_mark
    assert mark is not None, "PyYAML's parser marks every event it emits"
    return mark.line + 1, mark.column + 1


class _Builder:
    def __init__(self, path: str, max_depth: int, alias_budget: int) -> None:
        self.path = path
        self.max_depth = max_depth
        self.alias_budget = alias_budget
        self.problems: List[Problem] = []
        self.documents: List[Document] = []
        self.stack: List[_Frame] = []
        self.anchors: Dict[str, Node] = {}
        self.open_anchors: Set[str] = set()
        self.aliased = 0
        self.document_start: Tuple[int, int] = (1, 1)
        self.root: Optional[Node] = None

    # -- problems -------------------------------------------------------------------
    def problem(self, line: int, column: int, parts: Sequence[PathPart], message: str, rule: str) -> Problem:
        return Problem(self.path, line, column, json_path(parts), message, rule=rule)

    def report(self, line: int, column: int, parts: Sequence[PathPart], message: str, rule: str) -> None:
        self.problems.append(self.problem(line, column, parts, message, rule))

    def child_path(self) -> Tuple[PathPart, ...]:
        return next_child_path(self.stack)

    # -- events ---------------------------------------------------------------------
    def feed(self, event: Event) -> None:
        if isinstance(event, ScalarEvent):
            if self.awaiting_key() and resolve_tag(event.tag, event.value, event.implicit) == MERGE_TAG:
                self.stack[-1].pending = _Merge
            else:
                self.attach(self.scalar(event), event.anchor)
        elif isinstance(event, (MappingStartEvent, SequenceStartEvent)):
            self.open(event)
        elif isinstance(event, (MappingEndEvent, SequenceEndEvent)):
            self.close()
        elif isinstance(event, AliasEvent):
            self.attach(self.alias(event), None)
        elif isinstance(event, DocumentStartEvent):
            self.document_start = _start(event)
            self.root = None
            self.anchors = {}
        elif isinstance(event, DocumentEndEvent):
            self.documents.append(Document(self.root, *self.document_start))

    def scalar(self, event: ScalarEvent) -> ScalarNode:
        line, column = _start(event)
        text = event.value
        tag = resolve_tag(event.tag, text, event.implicit)
        value, refusal = construct(tag, text)
        if refusal:
            self.report(line, column, self.child_path(), refusal, "yaml-type")
        return ScalarNode(value, line, column, text, event.tag is None and bool(event.implicit[0]))

    def alias(self, event: AliasEvent) -> Node:
        line, column = _start(event)
        parts = self.child_path()
        name = event.anchor
        if name in self.open_anchors:
            raise _Stop(self.problem(line, column, parts, f"alias *{name} refers to a node that contains it (a recursive alias)", "alias"))
        target = self.anchors.get(name) if name is not None else None
        if target is None:
            raise _Stop(self.problem(line, column, parts, f"alias *{name} refers to no anchor &{name} defined before it", "alias"))
        self.aliased += target.size
        if self.aliased > self.alias_budget:
            raise _Stop(
                self.problem(
                    line,
                    column,
                    parts,
                    f"aliases expand to more than {self.alias_budget} nodes (an alias bomb?); write the values out instead",
                    "alias",
                )
            )
        return target

    def open(self, event: Union[MappingStartEvent, SequenceStartEvent]) -> None:
        line, column = _start(event)
        parts = self.child_path()
        if len(self.stack) >= self.max_depth:
            raise _Stop(self.problem(line, column, parts, f"nesting deeper than {self.max_depth} levels; a spec never needs that", "depth"))
        if event.tag not in _COLLECTION_TAGS[type(event)]:
            self.report(line, column, parts, f"unsupported YAML tag {event.tag!r}; spec files hold plain JSON-like values", "yaml-type")
        node: Union[MappingNode, SequenceNode]
        node = MappingNode(line, column) if isinstance(event, MappingStartEvent) else SequenceNode(line, column)
        if event.anchor is not None:
            self.open_anchors.add(event.anchor)
        self.stack.append(_Frame(node, parts, event.anchor))

    def close(self) -> None:
        frame = self.stack.pop()
        node = frame.node
        if isinstance(node, MappingNode):
            for source in frame.merges:
                for key, child in source.children.items():
                    if key not in node.children:
                        node.put(source.keys[key], child)
        if frame.anchor is not None:
            self.open_anchors.discard(frame.anchor)
        self.attach(node, frame.anchor)

    # -- attaching complete nodes ------------------------------------------------------
    def awaiting_key(self) -> bool:
        return bool(self.stack) and isinstance(self.stack[-1].node, MappingNode) and self.stack[-1].pending is _AwaitKey

    def attach(self, node: Node, anchor: Optional[str]) -> None:
        if anchor is not None:
            self.anchors[anchor] = node
        if not self.stack:
            self.root = node
            return
        frame = self.stack[-1]
        parent = frame.node
        if isinstance(parent, SequenceNode):
            parent.append(node)
        elif frame.pending is _AwaitKey:
            frame.pending = self.key(frame, node)
        else:
            self.value(frame, parent, node)
            frame.pending = _AwaitKey

    def key(self, frame: _Frame, node: Node) -> _PendingKey:
        if not isinstance(node, ScalarNode):
            self.report(node.line, node.column, frame.path, "a mapping key must be a plain string, not a list or mapping", "key")
            return _Discard
        if not isinstance(node.value, str):
            hint = f"`{node.text}` is read as {describe_value(node.value)}; quote it" if node.plain else "keys must be strings"
            self.report(node.line, node.column, frame.path, f"mapping key {hint}", "key")
            return _Discard
        assert isinstance(frame.node, MappingNode)
        first = frame.node.keys.get(node.value)
        if first is not None:
            self.problems.append(duplicate_key(self.path, frame.path, first, node))
        return node

    def value(self, frame: _Frame, parent: Union[MappingNode, SequenceNode], node: Node) -> None:
        assert isinstance(parent, MappingNode)
        if frame.pending is _Discard:
            return
        if frame.pending is _Merge:
            sources = node.items if isinstance(node, SequenceNode) else [node]
            if all(isinstance(source, MappingNode) for source in sources):
                frame.merges.extend(sources)  # type: ignore[arg-type]
            else:
                self.report(node.line, node.column, frame.path, "a `<<` merge key needs a mapping or a list of mappings", "key")
            return
        assert isinstance(frame.pending, ScalarNode)
        parent.put(frame.pending, node)


def parse_yaml(
    text: str, path: str, *, max_depth: int = MAX_DEPTH, alias_budget: int = ALIAS_BUDGET
) -> ParsedText:
    """Every document of ``text`` with positions, and every problem met while reading.

    Reading stops at the first problem that makes the rest unreadable (a syntax
    error, too deep, an alias bomb); documents completed before it are kept.
    """
    builder = _Builder(path, max_depth, alias_budget)
    source = _EventSource(text)
    try:
        while source.check_event():
            builder.feed(source.get_event())
    except _Stop as stop:
        builder.problems.append(stop.problem)
    except yaml.MarkedYAMLError as error:
        builder.problems.append(_syntax_problem(path, text, error))
    except yaml.reader.ReaderError as error:
        line, column = line_and_column(text, error.position)
        builder.problems.append(Problem(path, line, column, "$", f"YAML syntax error: {error.reason}", rule="syntax"))
    except yaml.YAMLError as error:
        builder.problems.append(Problem(path, 1, 1, "$", f"YAML syntax error: {error}", rule="syntax"))
    finally:
        source.dispose()
    return ParsedText(builder.documents, builder.problems)


def _syntax_problem(path: str, text: str, error: yaml.MarkedYAMLError) -> Problem:
    found = plain_syntax_error(text, error)
    return Problem(path, found.line, found.column, "$", f"YAML syntax error: {found.message}", rule="syntax")
