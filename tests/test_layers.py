"""The package's top-level parts import one another one way only (docs/architecture.md).

Read from the source with ``ast`` (every import, at module level or inside a
function), so a new import that closes a loop or crosses a layer fails here
before anyone has to draw the graph by hand.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, List, Optional, Set

PACKAGE = "inferencekey_ensure"
SOURCE = Path(__file__).resolve().parents[1] / "src" / PACKAGE


def _part(path: Path) -> str:
    """``engine`` for ``engine/run.py``; a top-level module names its own part (``pacing``)."""
    relative = path.relative_to(SOURCE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _imported_parts(path: Path) -> Set[str]:
    parts: Set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: List[Optional[str]] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            pieces = (name or "").split(".")
            if pieces[0] == PACKAGE and len(pieces) > 1:
                parts.add(pieces[1])
    return parts


def import_graph() -> Dict[str, Set[str]]:
    """Which top-level part imports which others (a part's imports of itself left out)."""
    graph: Dict[str, Set[str]] = {}
    for path in SOURCE.rglob("*.py"):
        part = _part(path)
        if part in ("__init__", "__main__"):
            continue
        graph.setdefault(part, set()).update(_imported_parts(path) - {part, "__init__"})
    known = set(graph)
    return {part: {imported for imported in imports if imported in known} for part, imports in graph.items()}


def find_cycle(graph: Dict[str, Set[str]]) -> Optional[List[str]]:
    """One cycle as a path (first part repeated at the end), or None."""
    state: Dict[str, str] = {}

    def visit(part: str, trail: List[str]) -> Optional[List[str]]:
        state[part] = "open"
        for imported in sorted(graph.get(part, ())):
            if state.get(imported) == "open":
                return trail[trail.index(imported):] + [imported]
            if imported not in state:
                found = visit(imported, trail + [imported])
                if found:
                    return found
        state[part] = "done"
        return None

    for part in sorted(graph):
        if part not in state:
            found = visit(part, [part])
            if found:
                return found
    return None


def test_no_cycle_between_top_level_parts() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_graph_sees_the_imports_it_must_judge() -> None:
    # A guard on the guard: if parsing missed imports, every layer test would pass vacuously.
    graph = import_graph()
    assert {"engine", "report", "specset"} <= graph["cli"]
    assert {"controlplane", "plan", "specset"} <= graph["engine"]


def test_the_engine_knows_no_emulator_no_cli_and_no_github() -> None:
    assert import_graph()["engine"].isdisjoint({"emulator", "cli", "github", "report"})


def test_loading_never_imports_validation() -> None:
    assert "validation" not in import_graph()["loading"]


def test_diagnostics_and_domain_sit_on_the_ground_floor() -> None:
    graph = import_graph()
    assert graph["domain"] == set()
    assert graph["diagnostics"] <= {"domain"}


def test_nothing_imports_the_cli_the_composition_root() -> None:
    importers = {part for part, imports in import_graph().items() if "cli" in imports}
    assert importers == set()


def test_the_action_flow_knows_no_ci_host() -> None:
    """``flow`` decides for any CI host; a host's adapter (``github``) imports it, never the reverse."""
    graph = import_graph()
    assert graph["flow"].isdisjoint({"github", "cli", "emulator"})
    assert "flow" in graph["github"]
