"""One list request per project, all projects at once: the only reads a plan needs."""

from __future__ import annotations

from typing import Dict, List, Sequence, Tuple, Union

from inferencekey_ensure.controlplane.client import ControlPlaneClient
from inferencekey_ensure.controlplane.errors import EnsureError
from inferencekey_ensure.domain.wire import LiveWorkload, MalformedWorkload, normalise_live
from inferencekey_ensure.engine.pool import run_bounded
from inferencekey_ensure.engine.results import RunError

Listing = Union[List[LiveWorkload], RunError]


def list_project(client: ControlPlaneClient, project: str) -> List[LiveWorkload]:
    """The project's workloads; raises ``EnsureError`` or ``MalformedWorkload``."""
    return [normalise_live(item) for item in client.list_workloads(project)]


def _listing(client: ControlPlaneClient, project: str) -> Listing:
    try:
        return list_project(client, project)
    except EnsureError as exc:
        return RunError(exc.message, project=project, fix=exc.fix)
    except MalformedWorkload as exc:
        return RunError(f"api error: {exc}", project=project,
                        fix="The platform sent a malformed workload list; re-run later.")


def list_projects(
    client: ControlPlaneClient, projects: Sequence[str], parallelism: int
) -> Tuple[Dict[str, List[LiveWorkload]], List[RunError]]:
    """Listings of the projects that answered, and one error per project that did not."""
    listings = run_bounded(lambda project: _listing(client, project), projects, parallelism)
    live: Dict[str, List[LiveWorkload]] = {}
    errors: List[RunError] = []
    for project, listing in zip(projects, listings):
        if isinstance(listing, RunError):
            errors.append(listing)
        else:
            live[project] = listing
    return live, errors
