"""Which files ``import`` writes for a project's live workloads, and what it says about each.

Pure: the command reads the platform, calls ``plan_import``, then writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Sequence, Set

from inferencekey_ensure.domain.wire import LiveWorkload
from inferencekey_ensure.onboarding.file_writes import PendingFile
from inferencekey_ensure.onboarding.live_to_spec import live_to_spec
from inferencekey_ensure.onboarding.spec_files import spec_file_name, spec_file_text


@dataclass
class ImportPlan:
    """Files to write; per file, the drift warnings; files that need a hand edit; refusals."""

    files: List[PendingFile] = field(default_factory=list)
    notes: Dict[Path, List[str]] = field(default_factory=dict)
    incomplete: Set[Path] = field(default_factory=set)
    refused: List[str] = field(default_factory=list)


def plan_import(workloads: Sequence[LiveWorkload], project: str, out: Path) -> ImportPlan:
    plan = ImportPlan()
    for workload in workloads:
        imported = live_to_spec(workload, project)
        path = out / spec_file_name(imported, fallback=f"workload-{workload.id}")
        if imported.credential_in is not None:
            plan.refused.append(
                f"{path} not written: the live `{imported.credential_in}` holds a credential, and secrets "
                "never go in spec files; remove it from the workload"
            )
            continue
        plan.files.append(PendingFile(path, spec_file_text(imported)))
        plan.notes[path] = imported.notes
        if not imported.complete:
            plan.incomplete.add(path)
    return plan
