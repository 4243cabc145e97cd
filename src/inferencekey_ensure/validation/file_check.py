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

from inferencekey_ensure.diagnostics.problem import Problem, json_path
from inferencekey_ensure.domain.platform_rules import policy_keys_from_schema
from inferencekey_ensure.loading.nodes import MappingNode, ScalarNode
from inferencekey_ensure.loading.parsed import ParsedText
from inferencekey_ensure.validation.documents import workload_entries
from inferencekey_ensure.validation.schema_checker import SchemaChecker
from inferencekey_ensure.validation.schema_messages import schema_problems
from inferencekey_ensure.validation.value_rules import string_problems
from inferencekey_ensure.validation.workload_rules import workload_problems
from inferencekey_ensure.validation.yaml_traps import yaml_trap_problems

MAX_PROBLEMS_PER_FILE = 100


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
        unexplained = 0
        for document in parsed.documents:
            root = document.root
            if root is None or (isinstance(root, ScalarNode) and root.value is None and root.text == ""):
                message = "document is empty (a stray `---`?); every document must hold a workload or `workloads: [...]`"
                result.problems.append(Problem(display, document.line, document.column, "$", message, rule="empty"))
                continue
            errors = self.schema.errors(root.value)
            unexplained += max(len(errors) - MAX_PROBLEMS_PER_FILE, 0)
            found = schema_problems(errors[:MAX_PROBLEMS_PER_FILE], root, display)
            found += string_problems(root, display)
            for entry in workload_entries(root):
                found += workload_problems(entry, display, self.policy_keys)
                result.workloads.append(FoundWorkload(display, json_path(entry.path), entry.node, entry.file_project))
            if yaml_syntax:
                reported = {(problem.line, problem.column) for problem in result.problems + found}
                found += yaml_trap_problems(root, display, reported)
            result.problems += found
        result.problems.sort(key=lambda problem: (problem.line, problem.column))
        hidden = len(result.problems) - MAX_PROBLEMS_PER_FILE + unexplained
        if hidden > 0:
            del result.problems[MAX_PROBLEMS_PER_FILE:]
            last = result.problems[-1]
            message = (f"{hidden:,} more problems in this file are not shown (only the first "
                       f"{MAX_PROBLEMS_PER_FILE}); fix these and run again")
            result.problems.append(Problem(display, last.line, last.column, "$", message, rule="file"))
        return result
