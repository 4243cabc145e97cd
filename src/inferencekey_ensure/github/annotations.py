"""How the GitHub adapter words a pull-request comment (or drift issue) it could not write."""

from __future__ import annotations

from inferencekey_ensure.flow.annotations import TITLE, Annotation
from inferencekey_ensure.github.comments_api import PERMISSION, GitHubApiError

PERMISSIONS_FIX = "permissions:\n  contents: read\n  pull-requests: write"


def comment_failure(error: GitHubApiError) -> Annotation:
    """The warning for a comment that could not be written; the run's result stands."""
    if error.kind == PERMISSION:
        message = (
            f"Could not write the pull-request comment ({error}). The job's token needs permission to "
            f"comment on pull requests; add this to the job (or workflow):\n{PERMISSIONS_FIX}\n"
            "The plan above and the job summary are complete; only the comment is missing."
        )
    else:
        message = (
            f"Could not write the pull-request comment: {error}. The plan above and the job summary "
            "are complete; the next run will bring the comment up to date."
        )
    return Annotation(kind="warning", message=message, title=f"{TITLE}: no PR comment")


ISSUE_PERMISSIONS_FIX = "permissions:\n  contents: read\n  issues: write"


def issue_failure(error: GitHubApiError) -> Annotation:
    """The warning for a drift issue that could not be kept; the run's result stands."""
    if error.kind == PERMISSION:
        message = (f"Could not keep the drift issue ({error}). The job's token needs permission to open and "
                   f"edit issues; add this to the job (or workflow):\n{ISSUE_PERMISSIONS_FIX}")
    else:
        message = f"Could not keep the drift issue: {error}. The next run will bring it up to date."
    return Annotation(kind="warning", message=message, title=f"{TITLE}: no drift issue")
