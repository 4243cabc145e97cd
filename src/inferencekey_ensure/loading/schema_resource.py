"""Where the JSON Schemas are read from: ``schemas/`` at the repository root (the workload
spec's, and the repository config's).

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
CONFIG_SCHEMA_FILE = "ik-ensure-config.schema.json"
_PACKAGE = Path(__file__).resolve().parents[1]


def schema_text(name: str = SCHEMA_FILE) -> str:
    """The schema file's text, from the installed package or the source checkout."""
    packaged_file = _PACKAGE / "schemas" / name
    if packaged_file.is_file():
        return packaged_file.read_text(encoding="utf-8")
    from importlib import resources

    packaged = resources.files("inferencekey_ensure").joinpath("schemas").joinpath(name)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    repository_file = _PACKAGE.parents[1] / "schemas" / name
    if repository_file.is_file():
        return repository_file.read_text(encoding="utf-8")
    raise InstallationError(f"the JSON Schema {name} is not installed with the package; reinstall ensure-action")


@lru_cache(maxsize=None)
def load_schema(name: str = SCHEMA_FILE) -> Dict[str, Any]:
    """The parsed schema ``name``, read once per process."""
    schema: Dict[str, Any] = json.loads(schema_text(name))
    return schema
