"""Validation results as SARIF 2.1.0, for GitHub code scanning (``upload-sarif``) and other
SARIF viewers.

Each problem is a result at the very line and column the text output prints, its file named
relative to the repository root (what code scanning resolves against). The rules listed are
the ones the results use, each with a short description and help.
"""

from __future__ import annotations

import json
import posixpath
from typing import Any, Dict, List, Sequence

from inferencekey_ensure import __version__
from inferencekey_ensure.diagnostics.problem import Problem
from inferencekey_ensure.domain.repo_config import rule_id
from inferencekey_ensure.domain.secrets import redact_text
from inferencekey_ensure.specset.validate import ValidationRun

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/inferencekey/ensure-action"
HELP_URI = INFORMATION_URI + "/blob/main/docs/cli.md"

# What each rule checks, as docs/cli.md's rule table says it; a rule not listed gets a generic line.
RULE_DESCRIPTIONS: Dict[str, str] = {
    "schema": "The workload spec JSON Schema: types, required and unknown fields, enums.",
    "coercion": "YAML 1.1 typed a value that must be a string; quote it.",
    "slug": "The slug canonicalises to nothing.",
    "slug-collision": "Two workloads of one project share a canonical slug.",
    "backend": "A custom backend name one typo from a native one.",
    "secret": "A credential in a spec value or key.",
    "duplicate-key": "A key written twice in one mapping.",
    "policy": "The platform's cross-field rules for execution policies.",
    "sdk-spelling": "An SDK enum spelling instead of its value.",
    "interpolation": "An environment-variable reference; spec files are not interpolated.",
    "syntax": "Unreadable YAML or JSON.",
    "file": "An unusable file (empty, binary, not UTF-8, too large).",
    "no-project": "A workload no source gives a project; plan and apply refuse it.",
    "config": "The repository config (.ik-ensure.yaml) does not match its schema.",
    "unsent": "A field the SDK accepts but never sends.",
    "yaml-1.1": "A value YAML 1.2 tools would read differently.",
    "unknown-key": "An execution_policy_config key that looks misspelt.",
}
RULE_DESCRIPTIONS.update({
    rule_id("allowed_backends"): "Repository policy: the backend is not one of policy.allowed_backends.",
    rule_id("allowed_models"): "Repository policy: the model matches none of policy.allowed_models.",
    rule_id("allowed_gpus"): "Repository policy: a gpu_pool entry is not one of policy.allowed_gpus.",
    rule_id("max_workload_hourly_usd"): "Repository policy: a workload's spend ceiling is above policy.max_workload_hourly_usd.",
    rule_id("max_project_hourly_usd"): "Repository policy: a project's spend ceilings add up to more than policy.max_project_hourly_usd.",
    rule_id("require_fields"): "Repository policy: a field policy.require_fields names is missing.",
    rule_id("forbid_uncapped"): "Repository policy: a workload without a spend ceiling, which policy.forbid_uncapped refuses.",
})


def _rule(rule: str) -> Dict[str, Any]:
    text = RULE_DESCRIPTIONS.get(rule, f"ik-ensure validation rule {rule}.")
    return {
        "id": rule,
        "shortDescription": {"text": text},
        "help": {"text": f"{text} See the rule table of ik-ensure validate: {HELP_URI}"},
        "helpUri": HELP_URI,
    }


def _uri(path: str, prefix: str, root: str) -> str:
    """The file relative to the repository root ``root``: ``prefix`` is the working directory's place
    in it; an absolute path inside the root is made relative, one outside it stays as it is."""
    if posixpath.isabs(path):
        inside = root and posixpath.commonpath([root, path]) == root
        return posixpath.relpath(path, root) if inside else path
    return posixpath.normpath(posixpath.join(prefix, path)) if prefix else path


def _result(problem: Problem, rule_index: int, prefix: str, root: str) -> Dict[str, Any]:
    return {
        "ruleId": problem.rule,
        "ruleIndex": rule_index,
        "level": "error" if problem.is_error else "warning",
        "message": {"text": f"{problem.json_path}: {redact_text(problem.message)}"},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": _uri(problem.path, prefix, root), "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": problem.line, "startColumn": problem.column},
            },
        }],
    }


def sarif_document(problems: Sequence[Problem], uri_prefix: str = "", root: str = "") -> Dict[str, Any]:
    """``uri_prefix``: the working directory relative to the repository root (``""`` at the root);
    ``root``: the root as an absolute POSIX path (``""``: unknown)."""
    rules: List[str] = list(dict.fromkeys(problem.rule for problem in problems))
    index = {rule: position for position, rule in enumerate(rules)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {
                "name": "ik-ensure",
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(rule) for rule in rules],
            }},
            "results": [_result(problem, index[problem.rule], uri_prefix, root) for problem in problems],
        }],
    }


def render_sarif(run: ValidationRun, strict: bool, uri_prefix: str = "", root: str = "") -> str:
    """``strict`` changes the exit code only; a warning stays a warning in SARIF."""
    return sarif_text(run.problems, uri_prefix, root)


def sarif_text(problems: Sequence[Problem], uri_prefix: str = "", root: str = "") -> str:
    return json.dumps(sarif_document(problems, uri_prefix, root), indent=2, ensure_ascii=False) + "\n"
