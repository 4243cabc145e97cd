"""Where the workloads sit in a document: the file's two shapes.

A document is either one workload (its fields at the top level) or a file of
``workloads: [...]`` with an optional file-level ``project``. Every check that is
about one workload, and the step that builds specs, finds them through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Tuple

from inferencekey_ensure.diagnostics.problem import PathPart
from inferencekey_ensure.loading.nodes import MappingNode, Node, SequenceNode

# An editor hint that may stand beside a workload's fields; never part of the spec.
SCHEMA_HINT_KEY = "$schema"


@dataclass(frozen=True)
class WorkloadEntry:
    """One workload mapping, where it is in its document, and the file's ``project``."""

    path: Tuple[PathPart, ...]
    node: MappingNode
    file_project: Optional[str]


def workload_entries(root: Node) -> List[WorkloadEntry]:
    """The workload mappings of a document (list items that are not mappings are skipped)."""
    if not isinstance(root, MappingNode):
        return []
    listed = root.children.get("workloads")
    if listed is None:
        return [WorkloadEntry((), root, None)]
    project = root.value.get("project")
    file_project = project if isinstance(project, str) else None
    if not isinstance(listed, SequenceNode):
        return []
    return [
        WorkloadEntry(("workloads", index), item, file_project)
        for index, item in enumerate(listed.items)
        if isinstance(item, MappingNode)
    ]
