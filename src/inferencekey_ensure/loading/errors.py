"""Failures of the loading step that are not findings about a spec's content."""

from __future__ import annotations


class UsageError(Exception):
    """The command line named something unusable (a missing path, a glob matching nothing).

    The CLI turns it into exit code 2: the run never looked at a spec, so it can say
    nothing about validity.
    """


class InstallationError(Exception):
    """The package is installed without the JSON Schema it validates with.

    Not the user's spec's fault and not fixable by editing it, so the CLI reports
    it like a usage error rather than as a finding.
    """
