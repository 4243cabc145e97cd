"""Adding the ``inferencekey-validate`` hook to a ``.pre-commit-config.yaml``, textually.

Re-dumping the YAML would lose the user's comments, quoting and layout, so the
hook is inserted as text: a new item at the end of ``repos:``, indented like the
items already there (positions from PyYAML's composer), or a ``repos:`` key
appended when there is none. Nothing else in the file changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Optional

import yaml

from inferencekey_ensure import __version__
from inferencekey_ensure.domain.errors import IkEnsureError

HOOK_ID = "inferencekey-validate"
HOOK_REPO = "https://github.com/inferencekey/ensure-action"
HOOK_REV = f"v{__version__}"


class ConfigEditError(IkEnsureError, ValueError):
    """The file cannot be edited safely; ``str()`` says why and what to add by hand."""


@dataclass(frozen=True)
class ConfigEdit:
    """The new text, or None when the hook is already configured."""

    text: Optional[str]


def _item_lines(dash_column: int) -> List[str]:
    pad, inner = " " * dash_column, " " * (dash_column + 2)
    return [f"{pad}- repo: {HOOK_REPO}", f"{inner}rev: {HOOK_REV}", f"{inner}hooks:",
            f"{inner}  - id: {HOOK_ID}"]


def new_config() -> str:
    return "\n".join(["# https://pre-commit.com", "repos:", *_item_lines(2)]) + "\n"


def _by_hand(reason: str) -> ConfigEditError:
    snippet = "\n".join(_item_lines(2))
    return ConfigEditError(f"{reason}; add this item under `repos:` by hand:\n{snippet}")


def _has_hook(document: object) -> bool:
    repos = document.get("repos") if isinstance(document, dict) else None
    return any(
        isinstance(hook, dict) and hook.get("id") == HOOK_ID
        for repo in _list(repos)
        if isinstance(repo, dict)
        for hook in _list(repo.get("hooks"))
    )


def _list(value: object) -> List[Any]:
    """``value`` when the YAML holds a list there, else nothing to look through."""
    return value if isinstance(value, list) else []


def _last_content_line(lines: List[str], start: int, end: int) -> int:
    """The last line in ``[start, end)`` holding more than blanks or a comment."""
    for index in range(min(end, len(lines)) - 1, start - 1, -1):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith("#"):
            return index
    return start


def add_hook(text: str) -> ConfigEdit:
    """``text`` with the hook added; raises ``ConfigEditError`` when that cannot be done safely."""
    try:
        document = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise _by_hand(f"it is not valid YAML ({str(exc).splitlines()[0]})") from None
    if _has_hook(document):
        return ConfigEdit(None)
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines()
    if root is not None and not isinstance(root, yaml.MappingNode):
        raise _by_hand("its top level is not a mapping")
    repos = next((value for key, value in (root.value if root else []) if key.value == "repos"), None)
    if repos is None:
        added = ["repos:", *_item_lines(2)]
        return ConfigEdit(newline.join(lines + added) + newline)
    if not isinstance(repos, yaml.SequenceNode) or (repos.flow_style and repos.value):
        raise _by_hand("its `repos:` is not a block list")
    if not repos.value:
        # `repos: []`: the empty flow list becomes the block list holding our item.
        line = lines[repos.start_mark.line]
        head = line[:repos.start_mark.column].rstrip() + line[repos.end_mark.column:]
        lines[repos.start_mark.line:repos.start_mark.line + 1] = [head.rstrip(), *_item_lines(2)]
        return ConfigEdit(newline.join(lines) + newline)
    first, last = repos.value[0], repos.value[-1]
    dash_column = lines[first.start_mark.line].rfind("-", 0, first.start_mark.column)
    if dash_column < 0:
        raise _by_hand("its `repos:` items could not be located")
    # The item's end mark sits where the next token starts: on the next key's line at column 0.
    bound = last.end_mark.line + (1 if last.end_mark.column > 0 else 0)
    end = _last_content_line(lines, last.start_mark.line, bound)
    lines[end + 1:end + 1] = _item_lines(dash_column)
    return ConfigEdit(newline.join(lines) + newline)
