"""The repository config's own problems, located like a spec's: the same schema checker and
the same messages, against ``schemas/ik-ensure-config.schema.json``."""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

from inferencekey_ensure.diagnostics.problem import Problem, in_file
from inferencekey_ensure.domain.repo_config import RepoConfig, config_from
from inferencekey_ensure.loading.nodes import MappingNode
from inferencekey_ensure.loading.parsed import ParsedText
from inferencekey_ensure.validation.file_check import string_problems
from inferencekey_ensure.validation.schema_checker import SchemaChecker
from inferencekey_ensure.validation.schema_messages import schema_problems

CONFIG_RULE = "config"


def check_config(schema: Dict[str, Any], parsed: ParsedText, display: str) -> Tuple[RepoConfig, List[Problem]]:
    """The config and its problems; with any error the config is the empty one (no default
    project, no policy), and the run fails on the errors."""
    problems = [_as_config(problem) for problem in parsed.problems]
    documents = [document for document in parsed.documents if document.root is not None]
    for extra in documents[1:]:
        problems.append(Problem(display, extra.line, extra.column, "$", "a config file holds one document", rule=CONFIG_RULE))
    root = documents[0].root if documents else None
    if root is not None:
        found = schema_problems(SchemaChecker(schema).errors(root.value), root)
        found += string_problems(root)
        problems += [_as_config(problem) for problem in in_file(found, display)]
    if any(problem.is_error for problem in problems) or not isinstance(root, MappingNode):
        return RepoConfig(path=display), problems
    return config_from(root.value, display), problems


def _as_config(problem: Problem) -> Problem:
    """A config problem's rule says so (``config``), whichever check found it."""
    return Problem(problem.path, problem.line, problem.column, problem.json_path, problem.message,
                   problem.severity, CONFIG_RULE if problem.rule == "schema" else problem.rule)
