"""The rules that read every string of a document, applied in one walk over it.

The secret rule (keys and values) and the environment-variable rule both look at
every string at any depth; one walk serves both, since a walk per rule costs a
measurable share of ``validate`` on hundreds of files.
"""

from __future__ import annotations

from typing import List

from inferencekey_ensure.diagnostics.problem import Finding
from inferencekey_ensure.loading.nodes import MappingNode, Node, ScalarNode, walk
from inferencekey_ensure.validation.interpolation_rule import value_interpolation
from inferencekey_ensure.validation.secret_rule import key_secrets, value_secret


def string_problems(root: Node) -> List[Finding]:
    """Every credential and every environment-variable reference in ``root``."""
    problems: List[Finding] = []
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
