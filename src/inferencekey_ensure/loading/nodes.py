"""Parsed spec values that remember where they were written.

Each node holds the plain JSON-like value (``dict``/``list``/scalar, what the schema
checker walks) together with its 1-based line and column, and mappings remember
where each key was written, so any problem can point at the exact key or value.
The plain values are built while parsing, not in a second pass, and an aliased
node is shared rather than copied (its size is what the alias budget counts).
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional, Sequence, Set, Tuple, Union

from inferencekey_ensure.diagnostics.problem import PathPart


class ScalarNode:
    """A string, number, boolean or null, with the text it was written as.

    ``plain`` is true for an unquoted YAML scalar without an explicit tag: only
    those are subject to YAML 1.1 type guessing (``yes`` -> true, ``0.10`` -> 0.1).
    """

    __slots__ = ("column", "line", "plain", "size", "text", "value")

    def __init__(self, value: Any, line: int, column: int, text: str, plain: bool) -> None:
        self.value = value
        self.line = line
        self.column = column
        self.text = text
        self.plain = plain
        self.size = 1


class MappingNode:
    """A mapping with string keys; ``keys`` and ``children`` are indexed by the key."""

    __slots__ = ("children", "column", "keys", "line", "size", "value")

    def __init__(self, line: int, column: int) -> None:
        self.value: Dict[str, Any] = {}
        self.line = line
        self.column = column
        self.keys: Dict[str, ScalarNode] = {}
        self.children: Dict[str, Node] = {}
        self.size = 1

    def put(self, key: ScalarNode, child: "Node") -> None:
        self.keys[key.value] = key
        self.children[key.value] = child
        self.value[key.value] = child.value
        self.size += 1 + child.size


class SequenceNode:
    """A list of nodes."""

    __slots__ = ("column", "items", "line", "size", "value")

    def __init__(self, line: int, column: int) -> None:
        self.value: List[Any] = []
        self.line = line
        self.column = column
        self.items: List[Node] = []
        self.size = 1

    def append(self, child: "Node") -> None:
        self.items.append(child)
        self.value.append(child.value)
        self.size += child.size


Node = Union[ScalarNode, MappingNode, SequenceNode]


class Document:
    """One YAML document (or the one JSON value) of a file; ``root`` is None when empty."""

    __slots__ = ("column", "line", "root")

    def __init__(self, root: Optional[Node], line: int, column: int) -> None:
        self.root = root
        self.line = line
        self.column = column


def _child(node: Node, part: PathPart) -> Optional[Node]:
    if isinstance(node, MappingNode) and isinstance(part, str):
        return node.children.get(part)
    if isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.items):
        return node.items[part]
    return None


def _deepest(root: Node, path: Sequence[PathPart]) -> Tuple[Node, int]:
    node = root
    for depth, part in enumerate(path):
        child = _child(node, part)
        if child is None:
            return node, depth
        node = child
    return node, len(path)


def node_at(root: Node, path: Sequence[PathPart]) -> Optional[Node]:
    """The node at ``path`` exactly, or None when the path does not exist."""
    node, depth = _deepest(root, path)
    return node if depth == len(path) else None


def locate(root: Node, path: Sequence[PathPart], at_key: bool = False) -> Tuple[int, int]:
    """Line and column of the node at ``path``, or of its deepest existing ancestor.

    With ``at_key`` the last path part names a mapping key and the key's own
    position is returned (an unknown field is reported where its name is written).
    An aliased node reports where its anchor defined it: that is where to fix it.
    """
    if at_key and path:
        parent = node_at(root, path[:-1])
        if isinstance(parent, MappingNode) and path[-1] in parent.keys:
            key = parent.keys[path[-1]]
            return key.line, key.column
    node, _ = _deepest(root, path)
    return node.line, node.column


def walk(root: Node) -> Iterator[Tuple[Node, Tuple[PathPart, ...]]]:
    """Every distinct node under ``root`` with its path, without recursion.

    A node shared through aliases is visited once, at the first path reaching it,
    so a check over the walk costs the file's size, not its expanded size.
    """
    visited: Set[int] = set()
    pending: List[Tuple[Node, Tuple[PathPart, ...]]] = [(root, ())]
    while pending:
        node, path = pending.pop()
        seen = id(node)
        if seen in visited:
            continue
        visited.add(seen)
        yield node, path
        if isinstance(node, MappingNode):
            children = [(child, path + (key,)) for key, child in node.children.items()]
        elif isinstance(node, SequenceNode):
            children = [(item, path + (index,)) for index, item in enumerate(node.items)]
        else:
            continue
        children.reverse()  # popped from the end: the first child is visited first
        pending += children
