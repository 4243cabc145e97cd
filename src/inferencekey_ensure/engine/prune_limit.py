"""The blast-radius limit of ``--prune``: how many deletions one run may make.

A spec set that lost a file, a wrong ``--project`` or a token for the wrong project
all look, to a pruning run, like workloads nobody declares. Past the limit the run
refuses before any write and lists what would have gone; a larger clean-up needs
the count said out loud (``--prune-limit N``, action input ``prune-limit``).
"""

from __future__ import annotations

from typing import Optional, Sequence

from inferencekey_ensure.engine.results import RunError
from inferencekey_ensure.plan.model import PRUNE, UnmanagedWorkload

# How many doomed workloads the refusal names before it only counts the rest.
LISTED = 20


def over_prune_limit(unmanaged: Sequence[UnmanagedWorkload], limit: int) -> Optional[RunError]:
    """The refusal when the plan deletes more than ``limit`` workloads, else None."""
    doomed = [workload for workload in unmanaged if workload.action == PRUNE]
    if len(doomed) <= limit:
        return None
    names = [f"{workload.project}/{workload.slug}" for workload in doomed[:LISTED]]
    if len(doomed) > LISTED:
        names.append(f"and {len(doomed) - LISTED} more")
    return RunError(
        f"--prune would delete {len(doomed)} workloads, more than the limit of {limit}: "
        f"{', '.join(names)}; apply refuses and writes nothing",
        fix=(f"If every one of these should go, re-run with --prune-limit {len(doomed)} "
             f"(action input prune-limit: {len(doomed)}); if not, check the spec paths, "
             "the project and the token."),
    )
