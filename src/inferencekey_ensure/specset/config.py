"""The repository config of a run: found (``loading/config_file.py``), parsed like a spec file,
checked against its schema (``validation/config_check.py``). Read once per run, by every
command that reads specs, so ``validate``, ``plan`` and the action hold the same policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

from inferencekey_ensure.diagnostics.problem import Problem
from inferencekey_ensure.domain.repo_config import RepoConfig
from inferencekey_ensure.loading.config_file import find_config
from inferencekey_ensure.loading.file_text import parse_spec_file
from inferencekey_ensure.loading.limits import DEFAULT_MAX_BYTES
from inferencekey_ensure.loading.schema_resource import CONFIG_SCHEMA_FILE, load_schema
from inferencekey_ensure.validation.config_check import check_config


@dataclass(frozen=True)
class ConfigLoad:
    """The config (empty when there is no file, or it has an error) and the file's problems."""

    config: RepoConfig = field(default_factory=RepoConfig)
    problems: List[Problem] = field(default_factory=list)


def load_config(explicit: Optional[str], cwd: Optional[Path] = None) -> ConfigLoad:
    """Raises ``UsageError`` when ``explicit`` (``--config``, input ``config``) names no file."""
    found = find_config(explicit, cwd)
    if found is None:
        return ConfigLoad()
    parsed = parse_spec_file(found.path, found.display, DEFAULT_MAX_BYTES)
    config, problems = check_config(load_schema(CONFIG_SCHEMA_FILE), parsed, found.display)
    return ConfigLoad(config, problems)
