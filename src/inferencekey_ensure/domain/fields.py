"""The one table of spec fields, and the platform's fixed words.

The JSON Schema in ``schemas/`` is the contract users and editors see; this table
is what the code does with each field it lists: what the field is called on the
wire, when ``apply`` sends it, when drift compares it, whether a PATCH may change
it, and its default. The wire body (``wire``), the drift comparison (``drift``),
the plan's diff and the emulator all read it, so a field added to the schema and
here is handled everywhere. ``tests/validation/test_single_source.py`` fails when
a schema property has no row here or a row no property, or when the two disagree
on a field's type or words.

Rows are in the official SDK's drift order (name, backend, model_name, ...): the
order ``ensure()`` compares, and so the order a plan lists drifted fields.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, Literal, Mapping, NamedTuple, Optional, Tuple

# The platform's fixed words (the schema's enums spell the same ones; a test holds them together).
NATIVE_BACKENDS = ("ollama", "vllm", "vllm-omni", "sglang", "llamacpp", "stablediffusioncpp")
TASK_TYPES = (
    "text2text",
    "embedding",
    "text2image",
    "text2video",
    "text2audio",
    "image2image",
    "image2video",
    "audio2text",
    "omni",
    "reranker",
    "classification",
    "reward",
    "forecast",
)
EXECUTION_POLICIES = ("fixed", "scheduled", "autoscaling")
DEFAULT_TASK_TYPE = "text2text"
VLLM_BACKENDS = ("vllm", "vllm-omni")
COMMAND_UNSUPPORTED_BACKENDS = ("ollama", "sglang")
# llamacpp runs ``command`` verbatim, and it must start this server on a GGUF model.
LLAMACPP_SERVER = "llama-server"



# What a workload's drift is met with: the spec's ``on_drift``, else the run's (``--on-drift``,
# the action's ``on-drift`` input). The words are the SDK's ``OnDrift`` values and the plan JSON's.
OnDrift = Literal["reconcile", "fail", "dry_run", "warn", "ignore"]
DEFAULT_ON_DRIFT: OnDrift = "reconcile"


class OnDriftRule(NamedTuple):
    """What one ``on_drift`` word does, in the words a plan uses for it.

    ``run_outcome`` heads a reconciling run; ``left_in_place`` is the note on a drifted
    workload the word leaves as it is (None: the word patches or refuses drift).
    """

    run_outcome: str
    left_in_place: Optional[str] = None


# The one table of the on_drift words, in the schema's order.
ON_DRIFT_RULES: Dict[OnDrift, OnDriftRule] = {
    "reconcile": OnDriftRule("drift is patched"),
    "fail": OnDriftRule("on_drift=fail: drift fails the run, nothing is patched"),
    "dry_run": OnDriftRule("on_drift=dry_run: nothing is changed",
                           "on_drift=dry_run: the drift is reported, not applied"),
    "warn": OnDriftRule("on_drift=warn: drift is reported, nothing is patched",
                        "on_drift=warn: the drift is left in place"),
    "ignore": OnDriftRule("on_drift=ignore: drift is left as is", "on_drift=ignore: the drift is left in place"),
}
ON_DRIFT_VALUES: Tuple[OnDrift, ...] = tuple(ON_DRIFT_RULES)


def on_drift_outcomes(on_drift_values: Iterable[OnDrift]) -> str:
    """What a reconciling run does with drift, for its workloads' ``on_drift`` (a fail run is no "reconcile")."""
    chosen = sorted(set(on_drift_values)) or [DEFAULT_ON_DRIFT]
    return "; ".join(ON_DRIFT_RULES[value].run_outcome for value in chosen)


# What the platform sets on a workload itself; a create or PATCH body may not carry them.
READ_ONLY_FIELDS = ("id", "project_id", "created_at", "updated_at")

# When a field is sent (``SpecField.sent``) and compared (``SpecField.compared``).
FIELD_ALWAYS = "always"
DECLARED = "when declared"
WITH_COMMAND = "when command is declared"
FIELD_NEVER = "never"
IN_URL = "in the request's URL"  # sent, but as the project of the path
LOCAL = "read by ik-ensure only"  # this tool's own setting, not the SDK's

# Field types, as the schema names them ("enum": one of ``SpecField.choices``).
STRING = "string"
OBJECT = "object"
ENUM = "enum"
BACKEND = "backend"  # a native backend or a custom backend slug


class SpecField(NamedTuple):
    """One field of a workload spec and everything the code does with it.

    ``wire`` is the field's name in the control plane's body; ``config.command``
    names a key inside the ``config`` object the SDK builds. None: the field never
    reaches the platform (it picks the URL, or only this tool reads it).
    """

    spec_name: str
    wire: Optional[str]
    type: str
    sent: str
    compared: str
    patchable: bool
    default: Optional[str] = None
    required: bool = False
    choices: Tuple[str, ...] = ()

    @property
    def wire_field(self) -> Optional[str]:
        """The top-level wire field this row feeds (``config`` for ``config.command``)."""
        return None if self.wire is None else self.wire.split(".", 1)[0]


FIELDS: Tuple[SpecField, ...] = (
    SpecField("name", "name", STRING, FIELD_ALWAYS, FIELD_ALWAYS, True, required=True),
    SpecField("slug", "slug", STRING, FIELD_ALWAYS, FIELD_NEVER, False, required=True),
    SpecField("backend", "backend", BACKEND, FIELD_ALWAYS, FIELD_ALWAYS, True, required=True, choices=NATIVE_BACKENDS),
    SpecField("model", "model_name", STRING, FIELD_ALWAYS, FIELD_ALWAYS, True, required=True),
    SpecField("project", None, STRING, IN_URL, FIELD_NEVER, False),
    SpecField("description", "description", STRING, DECLARED, DECLARED, True),
    # The SDK builds ``config`` from these two and compares it whole when ``command`` is declared.
    SpecField("command", "config.command", STRING, DECLARED, DECLARED, True),
    SpecField("vllm_version", "config.vllm_version", STRING, WITH_COMMAND, FIELD_NEVER, True),
    # Compared only when declared, and never patched: a different one needs a re-create.
    SpecField("task_type", "task_type", ENUM, FIELD_ALWAYS, DECLARED, False, DEFAULT_TASK_TYPE, choices=TASK_TYPES),
    # Accepted like the SDK's WorkloadSpec accepts it, and like the SDK never sent.
    SpecField("config", None, OBJECT, FIELD_NEVER, FIELD_NEVER, False),
    SpecField("worker_id", "worker_id", STRING, DECLARED, DECLARED, True),
    SpecField("gpu_resource_id", "gpu_resource_id", STRING, DECLARED, DECLARED, True),
    SpecField("execution_policy", "execution_policy", ENUM, DECLARED, DECLARED, True, choices=EXECUTION_POLICIES),
    SpecField("execution_policy_config", "execution_policy_config", OBJECT, DECLARED, DECLARED, True),
    SpecField("on_drift", None, ENUM, LOCAL, FIELD_NEVER, False, DEFAULT_ON_DRIFT, choices=ON_DRIFT_VALUES),
)

BY_SPEC_NAME: Dict[str, SpecField] = {row.spec_name: row for row in FIELDS}
# The rows whose wire field is a whole top-level field (``config`` is built from two rows).
BY_WIRE: Dict[str, SpecField] = {row.wire: row for row in FIELDS if row.wire is not None and "." not in row.wire}
SPEC_NAMES = frozenset(BY_SPEC_NAME)
REQUIRED = tuple(row.spec_name for row in FIELDS if row.required)


def wire_fields() -> Tuple[str, ...]:
    """Every top-level field a create body may carry, in table order."""
    names: Dict[str, None] = {}
    for row in FIELDS:
        if row.wire_field is not None and row.sent != FIELD_NEVER:
            names.setdefault(row.wire_field, None)
    return tuple(names)


def answer_fields() -> Tuple[str, ...]:
    """Every top-level field a workload is answered with: the platform's own around the sent ones.

    Read at call time, so a row added to ``FIELDS`` is answered as soon as it is accepted.
    """
    return READ_ONLY_FIELDS[:2] + wire_fields() + READ_ONLY_FIELDS[2:]


def wire_default(wire_field: str) -> Optional[str]:
    """What the platform assumes for an absent wire field (``text2text`` for task_type)."""
    return next((row.default for row in FIELDS if row.wire == wire_field and row.sent != FIELD_NEVER), None)


def unsent(row: SpecField, declared: Mapping[str, Any]) -> bool:
    """A declared field that never reaches the platform although the SDK's WorkloadSpec has it."""
    if row.spec_name not in declared:
        return False
    return row.sent == FIELD_NEVER or (row.sent == WITH_COMMAND and "command" not in declared)


def unsent_reason(spec_name: str) -> str:
    """Why ``spec_name`` is not sent, said as the plan and validate say it."""
    if spec_name == "config":
        return (
            "`config` is not sent to the platform (as in the official SDK): the workload's"
            " config is built from `command` and `vllm_version`"
        )
    return f"`{spec_name}` is not sent to the platform without a `command` (as in the official SDK)"
