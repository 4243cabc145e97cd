"""Checks on one workload that a JSON Schema cannot express.

Each returns problems located at the field concerned: a custom backend name one
typo away from a native engine (almost always a typo, and the platform would
accept it and fail later), fields the chosen backend ignores or the SDK never
sends, policy keys that
look like misspellings of checked ones, and the Manager's own cross-field rules
(``domain.platform_rules``, shared with the emulator).
"""

from __future__ import annotations

import shlex
from typing import Any, Dict, FrozenSet, List, Optional, Sequence

from inferencekey_ensure.diagnostics.problem import ERROR, WARNING, PathPart, Problem, json_path, problem_at
from inferencekey_ensure.diagnostics.wording import closest, show_value
from inferencekey_ensure.domain.fields import (
    COMMAND_UNSUPPORTED_BACKENDS,
    FIELD_NEVER,
    FIELDS,
    LLAMACPP_SERVER,
    NATIVE_BACKENDS,
    OBJECT,
    VLLM_BACKENDS,
    unsent,
    unsent_reason,
)
from inferencekey_ensure.domain.platform_rules import platform_findings
from inferencekey_ensure.domain.slug import canonical_slug
from inferencekey_ensure.loading.nodes import MappingNode
from inferencekey_ensure.validation.documents import WorkloadEntry


class _Findings:
    """Problems for one workload, each placed at one of its fields."""

    def __init__(self, entry: WorkloadEntry) -> None:
        self.entry = entry
        self.problems: List[Problem] = []

    def add(self, parts: List[PathPart], message: str, rule: str, severity: str = ERROR, at_key: bool = False) -> None:
        node: Any = self.entry.node
        for index, part in enumerate(parts):
            if isinstance(node, MappingNode) and part in node.children:
                last = index == len(parts) - 1
                node = node.keys[part] if at_key and last else node.children[part]
        where = json_path(self.entry.path + tuple(parts))
        self.problems.append(problem_at(node.line, node.column, where, message, severity, rule))


def _backend_typo(fields: Dict[str, Any], found: _Findings) -> None:
    backend = fields.get("backend")
    # Only a name the schema accepts as a custom backend slug (one that is its own
    # canonical form): any other name already got a did-you-mean from the schema.
    if isinstance(backend, str) and backend not in NATIVE_BACKENDS and backend == canonical_slug(backend):
        native = closest(backend, NATIVE_BACKENDS, max_distance=1)
        if native is not None:
            found.add(["backend"], f"{show_value(backend)} is not a known backend; did you mean '{native}'?", "backend")


def _ignored_fields(fields: Dict[str, Any], found: _Findings) -> None:
    backend = fields.get("backend")
    if not isinstance(backend, str):
        return
    if "command" in fields and backend in COMMAND_UNSUPPORTED_BACKENDS:
        found.add(["command"], f"the {backend} backend does not run a command; leave `command` unset", "command-unused", WARNING)
    # A custom backend may well be vLLM-based: only native non-vLLM engines ignore it.
    if "vllm_version" in fields and backend in NATIVE_BACKENDS and backend not in VLLM_BACKENDS:
        found.add(
            ["vllm_version"],
            f"vllm_version applies to the vllm and vllm-omni backends only; {show_value(backend)} ignores it",
            "vllm-version-unused",
            WARNING,
        )
    command = fields.get("command")
    # The official examples pass only llama-server's flags (``-ngl 99 ...``): the backend adds the server.
    only_flags = isinstance(command, str) and command.lstrip().startswith("-")
    if backend == "llamacpp" and isinstance(command, str) and not only_flags and LLAMACPP_SERVER not in command:
        found.add(["command"], f"a llamacpp command must launch {LLAMACPP_SERVER} on a GGUF model", "llamacpp-command", WARNING)


# The flags that name the model a server loads: vLLM's, and llama-server's (a file, or a Hugging Face repo).
_MODEL_FLAGS = {"vllm": ("--model",), LLAMACPP_SERVER: ("-m", "--model", "-hf", "--hf-repo")}


def _flag_value(words: Sequence[str], flags: Sequence[str]) -> Optional[str]:
    for index, word in enumerate(words):
        for flag in flags:
            if word == flag and index + 1 < len(words):
                return words[index + 1]
            if word.startswith(f"{flag}="):
                return word[len(flag) + 1:]
    return None


def served_model(command: str) -> Optional[str]:
    """The model ``command`` serves (``vllm serve M``, ``llama-server -hf M``), or None when it names none."""
    try:
        words = shlex.split(command)
    except ValueError:  # an unbalanced quote: the platform's shell will say so
        words = command.split()
    names = [word.rsplit("/", 1)[-1] for word in words]
    if "vllm" in names:
        start = names.index("vllm")
        rest = words[start + 1:]
        if len(rest) >= 2 and rest[0] == "serve" and not rest[1].startswith("-"):
            return rest[1]
        return _flag_value(rest, _MODEL_FLAGS["vllm"])
    if LLAMACPP_SERVER in names:
        return _flag_value(words[names.index(LLAMACPP_SERVER) + 1:], _MODEL_FLAGS[LLAMACPP_SERVER])
    return None


def _local_file(served: str) -> bool:
    """A model file on the worker (``-m /models/x.gguf``): which model it holds cannot be told from its name."""
    return served.lower().endswith(".gguf") or served.startswith(("/", ".", "~"))


def _same_model(served: str, model: str) -> bool:
    """Hugging Face ids ignore case, and llama-server's ``-hf`` may add a ``:quant`` tag."""
    return served.lower().split(":", 1)[0] == model.lower()


def _command_model(fields: Dict[str, Any], found: _Findings) -> None:
    """A ``command`` that serves another model than ``model``: what a changed ``model`` leaves behind."""
    command, model = fields.get("command"), fields.get("model")
    if not (isinstance(command, str) and isinstance(model, str)):
        return
    served = served_model(command)
    if served is None or _local_file(served) or any(mark in served for mark in ("$", "{", "%")):
        return  # no model named, a file, or a variable the interpolation rule already reports
    if not _same_model(served, model):
        found.add(["command"], f"`command` serves {show_value(served)} but `model` is {show_value(model)}; "
                  "the workload runs what the command says: change the two together", "command-model", WARNING)


def _unsent_fields(fields: Dict[str, Any], found: _Findings) -> None:
    """Fields the SDK's WorkloadSpec takes but never sends (``config``): the plan says so, and so does validate.

    A ``vllm_version`` without a ``command`` is left to the plan: validate already
    warns about it on backends that ignore it.
    """
    for row in FIELDS:
        # A value of the wrong type already has its error; "not sent" would be noise on it.
        well_typed = row.type != OBJECT or isinstance(fields.get(row.spec_name), dict)
        if row.sent == FIELD_NEVER and well_typed and unsent(row, fields):
            found.add([row.spec_name], unsent_reason(row.spec_name), "unsent", WARNING, at_key=True)


def _platform_rules(fields: Dict[str, Any], found: _Findings, policy_keys: Dict[str, FrozenSet[str]]) -> None:
    """The Manager's cross-field refusals: the same function the emulator applies."""
    for finding in platform_findings(fields, policy_keys):
        found.add(list(finding.path), finding.message, finding.rule, finding.severity)


def _policy_key_typos(fields: Dict[str, Any], found: _Findings, policy_keys: Dict[str, FrozenSet[str]]) -> None:
    config = fields.get("execution_policy_config")
    if not isinstance(config, dict):
        return
    policy = fields.get("execution_policy")
    known = policy_keys.get(policy) if isinstance(policy, str) else None
    checked = known if known is not None else frozenset().union(*policy_keys.values())
    for key in config:
        near: Optional[str] = None if key in checked else closest(key, sorted(checked))
        if near is not None:
            found.add(
                ["execution_policy_config", key],
                f"{show_value(key)} is not a key the platform checks; did you mean '{near}'?",
                "unknown-key",
                WARNING,
            )


def workload_problems(entry: WorkloadEntry, policy_keys: Dict[str, FrozenSet[str]]) -> List[Problem]:
    """Every beyond-the-schema finding for one workload.

    ``policy_keys`` maps each execution policy to the config keys the schema
    lists for it (read from the schema, so the two cannot disagree).
    """
    found = _Findings(entry)
    fields = entry.node.value
    _backend_typo(fields, found)
    _ignored_fields(fields, found)
    _command_model(fields, found)
    _unsent_fields(fields, found)
    _platform_rules(fields, found, policy_keys)
    _policy_key_typos(fields, found, policy_keys)
    return found.problems
