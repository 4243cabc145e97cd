"""No credential anywhere in a spec file, at any depth, in keys or values.

Three shapes are caught: a string that starts with a credential prefix (the SDK's
own rule, also in the schema), a whole token of the documented shape inside a
longer string (a token pasted into a command line), and a word inside a longer
string that starts with a prefix (``--api-key ik_live_secret``, the docs' own
example of a leaked secret). The message names the safe
form at most, never the secret, since it may be printed in a public CI log.
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

from inferencekey_ensure.diagnostics.problem import PathPart, Problem, json_path, problem_at
from inferencekey_ensure.domain.secrets import FORBIDDEN_VALUE_PREFIXES, TOKEN_PATTERN, redact_token
from inferencekey_ensure.loading.nodes import MappingNode

# A credential prefix starting a word inside a longer value (``--api-key ik_live_x``), as the
# official docs' "leaked secret" example writes it; ``see ik_live_ docs`` is no credential.
_EMBEDDED = re.compile(r"(?<![A-Za-z0-9_])(ik_live_|ik_sdk_)[A-Za-z0-9]")
_ADVICE = "secrets never go in spec files: keep the token in the INFERENCEKEY_SDK_TOKEN secret, and rotate it if it was committed"


def _finding(text: str) -> str:
    for prefix in FORBIDDEN_VALUE_PREFIXES:
        if text.startswith(prefix):
            return f"starts with the credential prefix {prefix}; {_ADVICE}"
    match = TOKEN_PATTERN.search(text)
    if match:
        return f"contains an InferenceKey token ({redact_token(match.group(0))}); {_ADVICE}"
    embedded = _EMBEDDED.search(text)
    if embedded:
        return f"contains a credential (a word starting {embedded.group(1)}); {_ADVICE}"
    return ""


def value_secret(value: str, line: int, column: int, path: Tuple[PathPart, ...]) -> Optional[Problem]:
    """The problem of a string value that holds a credential (None: it holds none)."""
    finding = _finding(value)
    if not finding:
        return None
    return problem_at(line, column, json_path(path), f"this value {finding}", rule="secret")


def key_secrets(node: MappingNode, path: Tuple[PathPart, ...]) -> List[Problem]:
    """One problem per key of ``node`` that holds a credential."""
    problems: List[Problem] = []
    for key, key_node in node.keys.items():
        finding = _finding(key)
        if finding:
            where = json_path(path + (key,))
            problems.append(problem_at(key_node.line, key_node.column, where, f"this key {finding}", rule="secret"))
    return problems
