"""How values and suggestions are written into messages.

Every value a message quotes goes through ``show_value``: it is shortened, put on
one line, and anything that looks like a credential is reduced to its safe form,
so no message can leak a secret that a spec file wrongly contains.
"""

from __future__ import annotations

from typing import Any, Iterable, List, Optional

from inferencekey_ensure.domain.secrets import FORBIDDEN_VALUE_PREFIXES, redact_text

_MAX_SHOWN = 60


def show_value(value: Any) -> str:
    """A value as a message quotes it: strings in single quotes, never a secret."""
    if isinstance(value, str):
        for prefix in FORBIDDEN_VALUE_PREFIXES:
            if value.startswith(prefix):
                return f"'{prefix}\u2026'"
        text = redact_text(value).replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        if len(text) > _MAX_SHOWN:
            text = text[: _MAX_SHOWN - 1] + "\u2026"
        return f"'{text}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return _integer_text(value)
    if isinstance(value, float):
        return repr(value)
    return "a list" if isinstance(value, list) else "a mapping"


def _integer_text(value: int) -> str:
    """Digits up to the usual length, then the first ones and a count (never all 5,000)."""
    try:
        text = str(value)
    except ValueError:  # more digits than Python converts to text (4,300)
        return "an integer of more than 4,300 digits"
    if len(text) <= _MAX_SHOWN:
        return text
    return f"{text[:20]}\u2026 ({len(text.lstrip('-')):,} digits)"


def type_name(value: Any) -> str:
    """The JSON type of a value, as users know it from YAML and JSON."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    return "list" if isinstance(value, list) else "mapping"


def describe_value(value: Any) -> str:
    """``the boolean true`` / ``the number 0.1`` / ``a list``: what a parser made of a value."""
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a mapping"
    if value is None:
        return "null"
    return f"the {type_name(value)} {show_value(value)}"


def edit_distance(a: str, b: str, limit: Optional[int] = None) -> int:
    """Optimal string alignment distance: a swap of two neighbours costs one (``modle``).

    With ``limit``, any distance above it is answered ``limit + 1`` as soon as that is
    certain (lengths too far apart, or a whole row above it): a file of 180,000 unknown
    keys asks for 180,000 suggestions.
    """
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: List[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if limit is not None and min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    distance = previous[len(b)]
    return distance if limit is None else min(distance, limit + 1)


def closest(word: str, candidates: Iterable[str], max_distance: Optional[int] = None) -> Optional[str]:
    """The candidate ``word`` most likely misspells, or None when none is close.

    Case and separators (``-``, ``_``, ``.``, spaces) are ignored first, so
    ``Llama.CPP`` finds ``llamacpp``; otherwise a small edit distance that grows
    with the word's length.
    """
    folded = _fold(word)
    limit = max_distance if max_distance is not None else (1 if len(folded) <= 4 else 2)
    best: Optional[str] = None
    best_distance = limit + 1
    for candidate in candidates:
        if candidate == word:
            return None
        distance = edit_distance(folded, _fold(candidate), limit=best_distance - 1)
        if distance < best_distance:
            best, best_distance = candidate, distance
    return best


def did_you_mean(word: Any, candidates: Iterable[str]) -> str:
    """``; did you mean 'model'?`` or an empty string."""
    if not isinstance(word, str):
        return ""
    match = closest(word, candidates)
    return f"; did you mean '{match}'?" if match else ""


def _fold(word: str) -> str:
    return "".join(ch for ch in word.lower() if ch not in "-_. ")
