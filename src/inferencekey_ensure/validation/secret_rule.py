"""No credential anywhere in a spec file, at any depth, in keys or values.

Two shapes are caught: a string that starts with a credential prefix (the SDK's
own rule, also in the schema), and a whole token of the documented shape inside a
longer string (a token pasted into a command line). The message names the safe
form at most, never the secret, since it may be printed in a public CI log.
"""

from __future__ import annotations

from typing import List

from inferencekey_ensure.diagnostics.problem import Problem, json_path
from inferencekey_ensure.domain.secrets import FORBIDDEN_VALUE_PREFIXES, TOKEN_PATTERN, redact_token
from inferencekey_ensure.loading.nodes import MappingNode, Node, ScalarNode, walk

_ADVICE = "secrets never go in spec files: keep the token in the INFERENCEKEY_SDK_TOKEN secret, and rotate it if it was committed"


def _finding(text: str) -> str:
    for prefix in FORBIDDEN_VALUE_PREFIXES:
        if text.startswith(prefix):
            return f"starts with the credential prefix {prefix}; {_ADVICE}"
    match = TOKEN_PATTERN.search(text)
    if match:
        return f"contains an InferenceKey token ({redact_token(match.group(0))}); {_ADVICE}"
    return ""


def secret_problems(root: Node, display: str) -> List[Problem]:
    """One problem per key or string value that holds a credential."""
    problems: List[Problem] = []
    for node, path in walk(root):
        if isinstance(node, ScalarNode) and isinstance(node.value, str):
            finding = _finding(node.value)
            if finding:
                problems.append(Problem(display, node.line, node.column, json_path(path), f"this value {finding}", rule="secret"))
        elif isinstance(node, MappingNode):
            for key, key_node in node.keys.items():
                finding = _finding(key)
                if finding:
                    where = json_path(path + (key,))
                    problems.append(Problem(display, key_node.line, key_node.column, where, f"this key {finding}", rule="secret"))
    return problems
