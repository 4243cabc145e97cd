"""All the checks on one parsed file, without touching the disk.

The schema, the secret rule, the environment-variable rule, the per-workload rules
and (for YAML) the 1.1-vs-1.2 traps run on every document; a problem already reported at a position is not
reported again by a later, vaguer check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from inferencekey_ensure.diagnostics.problem import Problem, json_path
from inferencekey_ensure.domain.platform_rules import policy_keys_from_schema
from inferencekey_ensure.loading.nodes import MappingNode, Node, ScalarNode
from inferencekey_ensure.loading.parsed import ParsedText
from inferencekey_ensure.validation.documents import WorkloadEntry, workload_entries
from inferencekey_ensure.validation.schema_checker import SchemaChecker
from inferencekey_ensure.validation.schema_messages import schema_problems
from inferencekey_ensure.validation.value_rules import string_problems
from inferencekey_ensure.validation.workload_rules import workload_problems
from inferencekey_ensure.validation.yaml_traps import yaml_trap_problems


@dataclass(frozen=True)
class FoundWorkload:
    """A workload as found in a file: enough to report on it and to build its spec."""

    display: str
    json_path: str
    node: MappingNode
    file_project: Optional[str]

    @property
    def fields(self) -> Dict[str, Any]:
        return self.node.value


@dataclass
class FileCheck:
    problems: List[Problem] = field(default_factory=list)
    workloads: List[FoundWorkload] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(problem.is_error for problem in self.problems)


class FileChecker:
    """The checks, prepared once per run and applied to each file."""

    def __init__(self, schema: Dict[str, Any]) -> None:
        self.schema = SchemaChecker(schema)
        self.policy_keys = policy_keys_from_schema(schema)

    def check(self, display: str, parsed: ParsedText, yaml_syntax: bool) -> FileCheck:
        result = FileCheck(list(parsed.problems))
        for document in parsed.documents:
            root = _content(document.root)
            if root is None:
                message = "document is empty (a stray `---`?); every document must hold a workload or `workloads: [...]`"
                result.problems.append(Problem(display, document.line, document.column, "$", message, rule="empty"))
                continue
            found = schema_problems(self.schema.errors(root.value), root, display)
            found += string_problems(root, display)
            for entry in workload_entries(root):
                found += workload_problems(entry, display, self.policy_keys)
                result.workloads.append(_found(display, entry))
            if yaml_syntax:
                reported = {(problem.line, problem.column) for problem in result.problems + found}
                found += yaml_trap_problems(root, display, reported)
            result.problems += found
        result.problems.sort(key=lambda problem: (problem.line, problem.column))
        return result


def workloads_only(display: str, parsed: ParsedText) -> List[FoundWorkload]:
    """The workloads ``check`` would find, without checking them: all a cross-file check of
    files not under review needs (their own problems are not reported)."""
    roots = [_content(document.root) for document in parsed.documents]
    return [_found(display, entry) for root in roots if root is not None for entry in workload_entries(root)]


def _content(root: Optional[Node]) -> Optional[Node]:
    """The document's root, or None for an empty document (nothing, or a bare ``---``)."""
    empty = root is None or (isinstance(root, ScalarNode) and root.value is None and root.text == "")
    return None if empty else root


def _found(display: str, entry: WorkloadEntry) -> FoundWorkload:
    return FoundWorkload(display, json_path(entry.path), entry.node, entry.file_project)
