"""Imported specs -> the files ``import`` writes: names, text, and the slug filter.

Each file opens with the schema modeline the README's examples use, so editors
validate it at once, then one comment per thing the spec cannot express exactly.
"""

from __future__ import annotations

from typing import List, Sequence, Tuple

from inferencekey_ensure import __version__
from inferencekey_ensure.domain.slug import canonical_slug
from inferencekey_ensure.domain.wire import LiveWorkload
from inferencekey_ensure.onboarding.live_to_spec import ImportedSpec
from inferencekey_ensure.onboarding.yaml_text import comment_lines, mapping_document

SCHEMA_URL = (
    f"https://raw.githubusercontent.com/inferencekey/ensure-action/v{__version__}"
    "/schemas/workload-spec.schema.json"
)
MODELINE = f"# yaml-language-server: $schema={SCHEMA_URL}"
NOTE_PREFIX = "ik-ensure import: "


def spec_file_name(imported: ImportedSpec, fallback: str) -> str:
    """``<slug>.yaml``; the slug is canonical on the platform, so it is a safe file name."""
    return f"{canonical_slug(imported.slug) or fallback}.yaml"


def spec_file_text(imported: ImportedSpec) -> str:
    notes = comment_lines(NOTE_PREFIX + note for note in imported.notes)
    return mapping_document(imported.fields, [MODELINE, *notes])


def select_slugs(
    workloads: Sequence[LiveWorkload], wanted: Sequence[str]
) -> Tuple[List[LiveWorkload], List[str]]:
    """The workloads ``wanted`` names (all when empty), and the wanted slugs none has.

    A slug is matched as the platform matches it, canonicalised (``Support Bot``
    finds ``support-bot``).
    """
    if not wanted:
        return list(workloads), []
    by_slug = {canonical_slug(workload.slug): workload for workload in workloads}
    keys = list(dict.fromkeys(canonical_slug(slug) for slug in wanted))
    selected = [by_slug[key] for key in keys if key in by_slug]
    missing = [slug for slug in wanted if canonical_slug(slug) not in by_slug]
    return selected, missing
