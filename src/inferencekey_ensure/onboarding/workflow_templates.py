"""The GitHub workflows ``init`` writes, from the template files beside this module.

The templates are package data (``templates/*.yml``) so the README can show the
same source. Placeholders are ``@@NAME@@``, which no workflow text uses, rather
than ``$name`` or ``{name}``, which collide with ``${{ ... }}`` expressions.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict

from inferencekey_ensure import __version__
from inferencekey_ensure.onboarding.yaml_text import scalar

TEMPLATES = Path(__file__).resolve().parent / "templates"
WORKFLOW_DIR = Path(".github") / "workflows"
PREVIEW_FILE = "inferencekey-preview.yml"
RECONCILE_FILE = "inferencekey-reconcile.yml"
DRIFT_FILE = "inferencekey-drift.yml"
ACTION_REF = f"inferencekey/ensure-action@v{__version__}"
_PLACEHOLDER = re.compile(r"@@[A-Z_]+@@")


def template_text(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def _fill(name: str, values: Dict[str, str]) -> str:
    text = template_text(name)
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", value)
    leftover = _PLACEHOLDER.search(text)
    if leftover:
        raise ValueError(f"template {name} has an unfilled placeholder {leftover.group(0)}")
    return text


def workflows(branch: str, matrix: bool) -> Dict[Path, str]:
    """Workflow path (relative to the repository root) -> text.

    ``matrix``: one job per project (the action's ``projects`` output), each with its own
    environment, token and comment; otherwise one job for all specs.
    """
    suffix = "-matrix" if matrix else ""
    values = {"ACTION": ACTION_REF, "BRANCH": scalar(branch)}
    return {
        WORKFLOW_DIR / PREVIEW_FILE: _fill(f"preview{suffix}.yml", values),
        WORKFLOW_DIR / RECONCILE_FILE: _fill(f"reconcile{suffix}.yml", values),
        WORKFLOW_DIR / DRIFT_FILE: _fill(f"drift{suffix}.yml", values),
    }
