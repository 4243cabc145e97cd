"""All the checks on one parsed file, without touching the disk.

The schema, the secret rule, the environment-variable rule, the per-workload rules
and (for YAML) the 1.1-vs-1.2 traps run on every document; a problem already reported at a position is not
reported again by a later, vaguer check. A file shows at most ``MAX_PROBLEMS_PER_FILE``
problems, then one that counts the rest: 180,000 unknown keys (under the size cap) are
answered in seconds, in a hundred lines, and only as many schema errors are explained.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from inferencekey_ensure.diagnostics.problem import Problem, in_file, json_path, problem_at
from inferencekey_ensure.domain.platform_rules import policy_keys_from_schema
from inferencekey_ensure.domain.spec import SourceLocation
from inferencekey_ensure.loading.nodes import MappingNode, Node, ScalarNode, walk
from inferencekey_ensure.loading.parsed import YAML, ParsedText
from inferencekey_ensure.validation.documents import WorkloadEntry, workload_entries
from inferencekey_ensure.validation.interpolation_rule import value_interpolation
from inferencekey_ensure.validation.schema_checker import SchemaChecker
from inferencekey_ensure.validation.schema_messages import schema_problems
from inferencekey_ensure.validation.secret_rule import key_secrets, value_secret
from inferencekey_ensure.validation.workload_rules import workload_problems
from inferencekey_ensure.validation.yaml_traps import yaml_trap_problems

MAX_PROBLEMS_PER_FILE = 100


def string_problems(root: Node) -> List[Problem]:
    """Every credential and every environment-variable reference in ``root``.

    The secret rule (keys and values) and the environment-variable rule both look at
    every string at any depth; one walk serves both, since a walk per rule costs a
    measurable share of ``validate`` on hundreds of files.
    """
    problems: List[Problem] = []
    for node, path in walk(root):
        if isinstance(node, ScalarNode) and isinstance(node.value, str):
            secret = value_secret(node.value, node.line, node.column, path)
            if secret is not None:
                problems.append(secret)  # a credential's other findings would only repeat it
                continue
            reference = value_interpolation(node.value, node.line, node.column, path)
            if reference is not None:
                problems.append(reference)
        elif isinstance(node, MappingNode):
            problems += key_secrets(node, path)
    return problems


@dataclass(frozen=True)
class FoundWorkload:
    """A workload as found in a file: its place in its document (``entry``) with the file stamped on it.

    The one model of a workload's place: reports, collisions and the declared spec's
    ``SourceLocation`` all read it from here.
    """

    display: str
    entry: WorkloadEntry

    @property
    def node(self) -> MappingNode:
        return self.entry.node

    @property
    def fields(self) -> Dict[str, Any]:
        return self.entry.node.value

    @property
    def file_project(self) -> Optional[str]:
        return self.entry.file_project

    @property
    def json_path(self) -> str:
        return json_path(self.entry.path)

    @property
    def location(self) -> SourceLocation:
        return SourceLocation(self.display, self.entry.node.line, self.entry.node.column)


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

    def check(self, display: str, parsed: ParsedText) -> FileCheck:
        """Every check over ``parsed``'s documents; the file (``display``) is stamped here, on each finding."""
        result = FileCheck(list(parsed.problems))
        unexplained = 0
        for document in parsed.documents:
            root = _content(document.root)
            if root is None:
                message = "document is empty (a stray `---`?); every document must hold a workload or `workloads: [...]`"
                result.problems += in_file([problem_at(document.line, document.column, "$", message, rule="empty")], display)
                continue
            errors = self.schema.errors(root.value)
            unexplained += max(len(errors) - MAX_PROBLEMS_PER_FILE, 0)
            found = schema_problems(errors[:MAX_PROBLEMS_PER_FILE], root)
            found += string_problems(root)
            for entry in workload_entries(root):
                found += workload_problems(entry, self.policy_keys)
                result.workloads.append(FoundWorkload(display, entry))
            if parsed.syntax == YAML:
                reported = {(problem.line, problem.column) for problem in result.problems + found}
                found += yaml_trap_problems(root, reported)
            result.problems += in_file(found, display)
        result.problems.sort(key=lambda problem: (problem.line, problem.column))
        hidden = len(result.problems) - MAX_PROBLEMS_PER_FILE + unexplained
        if hidden > 0:
            del result.problems[MAX_PROBLEMS_PER_FILE:]
            last = result.problems[-1]
            message = (f"{hidden:,} more problems in this file are not shown (only the first "
                       f"{MAX_PROBLEMS_PER_FILE}); fix these and run again")
            result.problems.append(Problem(display, last.line, last.column, "$", message, rule="file"))
        return result


def workloads_only(display: str, parsed: ParsedText) -> List[FoundWorkload]:
    """The workloads ``check`` would find, without checking them: all a cross-file check of
    files not under review needs (their own problems are not reported)."""
    roots = [_content(document.root) for document in parsed.documents]
    return [FoundWorkload(display, entry) for root in roots if root is not None for entry in workload_entries(root)]


def _content(root: Optional[Node]) -> Optional[Node]:
    """The document's root, or None for an empty document (nothing, or a bare ``---``)."""
    empty = root is None or (isinstance(root, ScalarNode) and root.value is None and root.text == "")
    return None if empty else root
