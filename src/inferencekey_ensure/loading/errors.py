"""Failures of the loading step that are not findings about a spec's content."""

from __future__ import annotations

from inferencekey_ensure.domain.errors import IkEnsureError


class UsageError(IkEnsureError):
    """The command line named something unusable (a missing path, a glob matching nothing).

    The CLI turns it into the usage exit code (64, ``cli/exit_codes.py``): the run never looked at a spec, so it can say
    nothing about validity.
    """


class NoSpecFiles(UsageError):
    """The paths exist but hold no spec file. ``default_folder_only``: the one path was the
    default spec folder, which is how a repository looks right after ``init``."""

    def __init__(self, message: str, default_folder_only: bool) -> None:
        super().__init__(message)
        self.default_folder_only = default_folder_only


class ConfigNotFound(UsageError):
    """``--config FILE`` (input ``config``) names no file."""


class InstallationError(IkEnsureError):
    """The package is installed without the JSON Schema it validates with.

    Not the user's spec's fault and not fixable by editing it, so the CLI reports
    it like a usage error rather than as a finding.
    """
