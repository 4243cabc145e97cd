"""The SDK's enum spellings (``Backend.VLLM``, ``TaskType.TEXT2TEXT``) read back to their values.

People move specs from Python or TypeScript into files and keep the enum member
(Python's ``Backend.VLLM_OMNI``, TypeScript's ``Backend.VllmOmni``); a spec file
takes the wire value (``vllm-omni``). Matching ignores case, ``_`` and ``-``, so
both languages' spellings find the value.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Optional

_MEMBER = re.compile(r"^(Backend|TaskType|ExecutionPolicy|OnDrift)\.([A-Za-z0-9_]+)$")


def _fold(word: str) -> str:
    return word.replace("_", "").replace("-", "").lower()


def sdk_member_value(value: Any, options: Iterable[str]) -> Optional[str]:
    """The option an SDK enum member such as ``Backend.VLLM`` stands for (None: not one)."""
    match = _MEMBER.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    member = _fold(match.group(2))
    return next((option for option in options if _fold(option) == member), None)


def sdk_member_message(value: str, option: str) -> str:
    return f"`{value}` is the SDK's enum member; a spec file takes its value: write `{option}`"
