"""Turning one YAML scalar into a JSON value, the way PyYAML's safe loader would.

PyYAML's own resolver and constructors decide the type (so a value means here what
it means to anyone loading the file with ``yaml.safe_load``), but only JSON types
are accepted: a date, an infinity or a custom tag has no JSON form, and the
control plane only ever sees JSON.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Optional, Tuple

from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import ScalarNode as YamlScalar
from yaml.resolver import Resolver

from inferencekey_ensure.loading.limits import integer_in_range, integer_refusal, too_long_for_an_integer

TAG_PREFIX = "tag:yaml.org,2002:"
STR_TAG = TAG_PREFIX + "str"
INT_TAG = TAG_PREFIX + "int"
MERGE_TAG = TAG_PREFIX + "merge"

_RESOLVER = Resolver()
_CONSTRUCTOR = SafeConstructor()
_CONSTRUCTORS = {
    TAG_PREFIX + "null": _CONSTRUCTOR.construct_yaml_null,
    TAG_PREFIX + "bool": _CONSTRUCTOR.construct_yaml_bool,
    INT_TAG: _CONSTRUCTOR.construct_yaml_int,
    TAG_PREFIX + "float": _CONSTRUCTOR.construct_yaml_float,
}


def resolve_tag(tag: Optional[str], text: str, implicit: Tuple[bool, bool]) -> str:
    """The full tag of a scalar: explicit, or guessed from plain text (YAML 1.1 rules)."""
    if tag is None or tag == "!":
        resolved: str = _RESOLVER.resolve(YamlScalar, text, implicit)
        return resolved
    return tag


# A scalar this short is read through a cache: the same keys and values recur within a
# file and across files, and the cache cannot hold on to a long text.
_CACHED_CHARS = 64


def read_scalar(tag: Optional[str], text: str, implicit: Tuple[bool, bool]) -> Tuple[str, Any, Optional[str]]:
    """The resolved tag, JSON value and refusal (or None) of one scalar event.

    PyYAML's resolver and constructors cost a few microseconds a scalar; a file of
    180,000 ``kN: 1`` lines spent a third of its reading there, mostly on the same ``1``.
    """
    if len(text) > _CACHED_CHARS:
        return _read_scalar(tag, text, implicit)
    return _cached_scalar(tag, text, implicit)


def _read_scalar(tag: Optional[str], text: str, implicit: Tuple[bool, bool]) -> Tuple[str, Any, Optional[str]]:
    resolved = resolve_tag(tag, text, implicit)
    value, refusal = construct(resolved, text)
    return resolved, value, refusal


_cached_scalar = lru_cache(maxsize=4096)(_read_scalar)


def construct(tag: str, text: str) -> Tuple[Any, Optional[str]]:
    """The JSON value for ``text`` read as ``tag``, or the text and why it is refused."""
    if tag == STR_TAG:
        return text, None
    if tag == TAG_PREFIX + "timestamp":
        return text, f"`{text}` is read as a date/time (YAML 1.1), which JSON has no type for; quote it"
    constructor = _CONSTRUCTORS.get(tag)
    if constructor is None:
        return text, f"unsupported YAML tag {tag!r}; spec files hold plain JSON-like values"
    if tag == INT_TAG and too_long_for_an_integer(text):
        return text, integer_refusal(text)
    try:
        value = constructor(YamlScalar(tag, text))
    except (ValueError, KeyError, ConstructorError):
        return text, f"`{text}` is not a valid {tag[len(TAG_PREFIX):] if tag.startswith(TAG_PREFIX) else tag}"
    if isinstance(value, int) and not isinstance(value, bool) and not integer_in_range(value):
        return text, integer_refusal(text)
    if isinstance(value, float) and not math.isfinite(value):
        return text, f"`{text}` is not a JSON number (infinity and NaN have no JSON form); quote it"
    return value, None
