"""Where the JSON Schema is read from: one file, ``schemas/`` at the repository root.

A built wheel carries that file as package data (``inferencekey_ensure/schemas/``,
put there by the build's force-include); an editable install has no such copy, so
the repository's own ``schemas/`` folder is used. Either way it is the same file:
there is never a second copy in ``src/`` to drift out of date.

The package-data file is looked for beside the package first; only a package
imported some other way (from a zip) needs ``importlib.resources``, which is not
imported otherwise because the validator's start-up time matters.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict

from inferencekey_ensure.loading.errors import InstallationError

SCHEMA_FILE = "workload-spec.schema.json"
_PACKAGE = Path(__file__).resolve().parents[1]
_PACKAGED_SCHEMA = _PACKAGE / "schemas" / SCHEMA_FILE
_REPOSITORY_SCHEMA = _PACKAGE.parents[1] / "schemas" / SCHEMA_FILE


def schema_text() -> str:
    """The schema file's text, from the installed package or the source checkout."""
    if _PACKAGED_SCHEMA.is_file():
        return _PACKAGED_SCHEMA.read_text(encoding="utf-8")
    from importlib import resources

    packaged = resources.files("inferencekey_ensure").joinpath("schemas").joinpath(SCHEMA_FILE)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    if _REPOSITORY_SCHEMA.is_file():
        return _REPOSITORY_SCHEMA.read_text(encoding="utf-8")
    raise InstallationError(f"the JSON Schema {SCHEMA_FILE} is not installed with the package; reinstall ensure-action")


@lru_cache(maxsize=1)
def load_schema() -> Dict[str, Any]:
    """The parsed schema, read once per process."""
    schema: Dict[str, Any] = json.loads(schema_text())
    return schema
