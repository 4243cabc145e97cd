"""The action's inputs, read from the ``INPUT_*`` variables ``action.yml`` sets, and checked.

Inputs arrive as environment variables (never interpolated into a script: that is a
script-injection hole), all as strings; this turns them into typed values once and
says exactly which input is wrong and what it accepts.
"""

from __future__ import annotations

import re
from typing import Mapping, Optional, Tuple, TypeVar

from inferencekey_ensure.controlplane.readiness import DEFAULT_WAIT_TIMEOUT_S
from inferencekey_ensure.controlplane.settings import TOKEN_ENV
from inferencekey_ensure.domain.errors import IkEnsureError
from inferencekey_ensure.domain.fields import DEFAULT_ON_DRIFT, ON_DRIFT_VALUES
from inferencekey_ensure.engine.request import DEFAULT_PRUNE_LIMIT, PREVIEW, RUN_MODES
from inferencekey_ensure.flow.inputs import DEFAULT_COMMENT_KEY, DEFAULT_SPECS, ActionInputs
from inferencekey_ensure.flow.sticky import COMMENT_NEVER, COMMENT_ON_CHANGE, COMMENT_POLICIES
from inferencekey_ensure.github.flags import parse_flag
from inferencekey_ensure.specset.project_filter import requested_projects

__all__ = ["InputError", "env_name", "read_inputs"]

_COMMENT_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")


class InputError(IkEnsureError, ValueError):
    """An input the action cannot use; the message names the input and what it accepts."""


def env_name(input_name: str) -> str:
    """``sdk-token`` -> ``INPUT_SDK_TOKEN``: the variable action.yml sets for an input."""
    return "INPUT_" + input_name.upper().replace("-", "_")


def _text(env: Mapping[str, str], name: str) -> Optional[str]:
    value = env.get(env_name(name), "").strip()
    return value or None


Word = TypeVar("Word", bound=str)


def _choice(env: Mapping[str, str], name: str, allowed: Tuple[Word, ...], default: Word) -> Word:
    """The input's word, as the vocabulary's own value (so its type is the vocabulary's)."""
    value = (_text(env, name) or default).lower()
    for word in allowed:
        if word == value:
            return word
    raise InputError(f"input `{name}` must be one of {', '.join(allowed)}; got {value!r}")


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = parse_flag(_text(env, name) or "")
    if value is None:
        raise InputError(f"input `{name}` must be true or false; got {(_text(env, name) or '').lower()!r}")
    return value


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    value = _text(env, name)
    if value is None:
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise InputError(f"input `{name}` must be a number of seconds; got {value!r}") from None
    if not 0 < seconds < float("inf"):
        raise InputError(f"input `{name}` must be more than 0 seconds; got {value!r}")
    return seconds


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    value = _text(env, name)
    if value is None:
        return default
    if not value.isdigit() or int(value) < 1:
        raise InputError(f"input `{name}` must be a whole number of 1 or more; got {value!r}")
    return int(value)


def _usd(env: Mapping[str, str], name: str) -> Optional[float]:
    value = _text(env, name)
    if value is None:
        return None
    try:
        amount = float(value.lstrip("$"))
    except ValueError:
        raise InputError(f"input `{name}` must be US dollars an hour, e.g. 5 or 12.50; got {value!r}") from None
    if not 0 <= amount < float("inf"):
        raise InputError(f"input `{name}` must be 0 or more US dollars an hour; got {value!r}")
    return amount


def read_inputs(env: Mapping[str, str]) -> ActionInputs:
    """Parse every input; raises ``InputError`` for the first unusable one.

    ``specs`` takes one path, folder or glob per line. The SDK token may also come
    from ``INFERENCEKEY_SDK_TOKEN`` in the step's environment.
    """
    specs = tuple(line.strip() for line in (_text(env, "specs") or DEFAULT_SPECS).splitlines() if line.strip())
    comment_key = _text(env, "comment-key") or DEFAULT_COMMENT_KEY
    if not _COMMENT_KEY.match(comment_key):
        raise InputError(
            "input `comment-key` must be 1-64 letters, digits, '.', '_', '/' or '-', starting with a letter "
            f"or digit; got {comment_key!r}"
        )
    comment = _choice(env, "comment", COMMENT_POLICIES, COMMENT_ON_CHANGE)
    require_reviewed_plan = _flag(env, "require-reviewed-plan")
    if require_reviewed_plan and comment == COMMENT_NEVER:
        raise InputError(
            "input `require-reviewed-plan` needs the pull-request comment, where the reviewed plan is kept; "
            "it cannot be combined with `comment: never`"
        )
    prune = _flag(env, "prune")
    prune_limit = _count(env, "prune-limit", DEFAULT_PRUNE_LIMIT)
    if _text(env, "prune-limit") is not None and not prune:
        # As the CLI's "--prune-limit needs --prune": a limit on deletions nobody asked for is a mistake.
        raise InputError("input `prune-limit` needs `prune: true`: it limits the deletions of `prune`, "
                         "which is off; set `prune: true` or remove `prune-limit`")
    return ActionInputs(
        specs=specs,
        mode=_choice(env, "mode", RUN_MODES, PREVIEW),
        on_drift=_choice(env, "on-drift", ON_DRIFT_VALUES, DEFAULT_ON_DRIFT),
        project=_text(env, "project"),
        sdk_token=_text(env, "sdk-token") or (env.get(TOKEN_ENV, "").strip() or None),
        base_url=_text(env, "base-url"),
        github_token=_text(env, "github-token"),
        comment=comment,
        comment_key=comment_key,
        fail_on_drift=_flag(env, "fail-on-drift"),
        wait=_flag(env, "wait"),
        wait_timeout_s=_seconds(env, "wait-timeout", DEFAULT_WAIT_TIMEOUT_S),
        prune=prune,
        working_directory=_text(env, "working-directory"),
        only_projects=requested_projects([_text(env, "only-project") or ""]),
        prune_limit=prune_limit,
        require_reviewed_plan=require_reviewed_plan,
        config=_text(env, "config"),
        max_spend_increase=_usd(env, "max-spend-increase"),
        drift_issue=_flag(env, "drift-issue"),
    )
