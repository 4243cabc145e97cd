"""The building blocks of the Markdown report: headline, table rows, diffs, notices, footer.

Every block is a pure function of the run's report and returns finished Markdown in
which all untrusted text has gone through ``escaping``. ``markdown`` decides which
blocks fit; nothing here knows about size limits beyond per-value caps.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from typing import Any, List, Optional, Sequence

from inferencekey_ensure.domain.fields import on_drift_outcomes
from inferencekey_ensure.engine.results import RunReport, UnmanagedResult, WorkloadResult
from inferencekey_ensure.report.escaping import (
    code_fence,
    html_text,
    markdown_text,
    one_line,
    reveal_bidi,
    table_code,
)
from inferencekey_ensure.report.run_errors import error_lines

# How many items a notice lists by name before it only counts the rest.
NOTICE_ITEMS = 30
# A single diffed value longer than this (in characters) is cut inside its fence.
VALUE_CHARS = 20_000

_VERBS = {
    "preview": {"create": "to create", "update": "to update", "replace": "to replace", "prune": "to prune"},
    "reconcile": {"create": "created", "update": "updated", "replace": "replaced", "prune": "pruned"},
}
_ACTION_LABELS = {
    "create": "\u2795 create",
    "update": "\u270f\ufe0f update",
    "replace": "\u267b\ufe0f replace",
    "no-change": "no change",
    "drift-left": "\u26a0\ufe0f drift left",
    "drift-refused": "\u26d4 drift refused",
}
_DONE_LABELS = {"create": "\u2795 created", "update": "\u270f\ufe0f updated", "replace": "\u267b\ufe0f replaced"}
_UNSAFE_URL_CHARS = re.compile(r"[^A-Za-z0-9\-._~:/?#\[\]@!$&'*+,;=%]")


@dataclass(frozen=True)
class Footer:
    """Where this report came from: shown under it and used to point at the full report."""

    tool_version: str = ""
    short_sha: str = ""
    commit_url: Optional[str] = None
    run_url: Optional[str] = None


def safe_url(url: Optional[str]) -> Optional[str]:
    """An http(s) URL fit for a Markdown link destination, or None.

    URLs come from the runner's environment; percent-encoding anything outside the
    URL alphabet (spaces, parentheses, angle brackets) keeps the link from ending early.
    """
    if not url or not url.lower().startswith(("https://", "http://")):
        return None
    return _UNSAFE_URL_CHARS.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode("utf-8")), url)


def headline(report: RunReport, comment_key: Optional[str] = None, title_text: Optional[str] = None) -> str:
    """Title line plus one sentence of counts; always rendered in full.

    ``title_text`` (trusted Markdown) replaces the mode in the title: a reconcile's
    outcome on the pull request ("reconciled at ...") says what happened there.
    """
    title = f"### InferenceKey ensure \u00b7 {title_text or markdown_text(report.mode, 20)}"
    if title_text is None and report.refused is not None:
        title += " (refused, not applied)"
    elif title_text is None and report.mode == "reconcile":
        title += f" ({markdown_text(on_drift_outcomes(result.planned.on_drift for result in report.workloads), 200)})"
    if comment_key:
        title += f" \u00b7 {table_code(comment_key, 64)}"
    if report.stopped_before_planning:
        return f"{title}\n\n\u274c **Stopped before planning.** Nothing was planned or changed; the errors below say why."
    verbs = _VERBS.get(report.mode, _VERBS["preview"])
    summary = report.summary()
    counts = [
        f"{summary['create']} {verbs['create']}",
        f"{summary['update']} {verbs['update']}",
    ]
    optional = [
        ("replace", verbs["replace"]),
        ("prune", verbs["prune"]),
        ("drift_left", "drift left as is"),
        ("refused", "refused"),
    ]
    counts += [f"{summary[key]} {label}" for key, label in optional if summary[key]]
    counts += [f"{summary['no_change']} unchanged", f"{summary['failed']} failed"]
    if summary["unmanaged"]:
        counts.append(f"{summary['unmanaged']} unmanaged")
    changed = summary["changes"]
    changes = f"{changed} change{'s' if changed != 1 else ''}"
    planned = report.planned()["changes"]
    if report.refused is not None:
        why = "the prune limit" if report.refused == "prune-limit" else "the plan is not the expected one"
        status = (f"\u26d4 **Not applied.** {planned} change{'s' if planned != 1 else ''} planned; "
                  f"nothing was written: refused by {why} (see below).")
    elif report.failed:
        status = "\u274c **Something failed.** The table and the notices below say what."
    elif changed and report.mode == "reconcile":
        status = f"\u2705 **{changes} applied.**"
    elif changed:
        status = f"\u26a0\ufe0f **{changes} to apply.** Nothing was changed: this is a preview."
    elif summary["drift_left"]:
        status = "\u26a0\ufe0f **Drift left as it is**, as the specs' `on_drift` asks."
    else:
        status = f"\u2705 **No changes.** The platform matches the specs ({len(report.workloads)} workloads)."
    return f"{title}\n\n{status}\n\n" + " \u00b7 ".join(counts)


TABLE_HEADER = "| Workload | Action | Fields changed | EndpointRef |\n|---|---|---|---|"


def table_row(entry: WorkloadResult, mode: str) -> str:
    """One table row; every cell is escaped and capped, so a row stays small."""
    planned = entry.planned
    location = planned.declared.location
    workload = markdown_text(planned.declared.spec.name or planned.slug, 80)
    if location.path:
        workload += "<br>" + table_code(f"{location.path}:{location.line}", 100)
    if mode == "reconcile" and entry.status == "ok" and entry.action in _DONE_LABELS:
        action = _DONE_LABELS[entry.action]
    else:
        action = _ACTION_LABELS.get(entry.action) or markdown_text(entry.action, 30)
        if entry.action == "drift-left" and planned.live is None:
            # Nothing live to drift from: on_drift dry_run left it uncreated.
            action = f"not created yet ({table_code('on_drift: ' + planned.on_drift, 40)})"
        if mode == "refused" and entry.action in _DONE_LABELS:
            action += " \u00b7 not applied"
    if entry.is_problem:
        action += f" \u00b7 \u274c {markdown_text(entry.status, 20)}"
        if entry.error:
            action += ": " + markdown_text(entry.error, 200)
    diffs = planned.spec_diffs
    fields = ", ".join(table_code(diff.field, 40) for diff in diffs[:12])
    if len(diffs) > 12:
        fields += f" and {len(diffs) - 12} more"
    ref = entry.endpoint_ref
    ref_cell = table_code(f"{ref.project_slug}/{ref.workload_slug}", 120)
    return f"| {workload} | {action} | {fields or chr(0x2014)} | {ref_cell} |"


def more_rows_row(hidden: int, hidden_unchanged: int) -> str:
    """Stands in for the rows that did not fit."""
    detail = f" ({hidden_unchanged} unchanged)" if hidden_unchanged else ""
    return f"| \u2026 | {hidden} more workload{'s' if hidden != 1 else ''}{detail} not shown | | |"


def row_priority(entry: WorkloadResult) -> int:
    """Which rows survive when the table itself must shrink: problems, then changes, then the rest."""
    if entry.is_problem:
        return 0
    if entry.is_change or entry.is_drift:
        return 1
    return 2


def _render_value(value: Any) -> List[str]:
    if isinstance(value, (dict, list)):
        text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    if len(text) > VALUE_CHARS:
        text = text[:VALUE_CHARS] + "\u2026 (cut)"
    return text.split("\n")


def _changed_lines(live: List[str], desired: List[str]) -> List[str]:
    if len(live) == 1 and len(desired) == 1:
        # Scalars (the common case) need no line matching.
        return [f"  {live[0]}"] if live == desired else [f"- {live[0]}", f"+ {desired[0]}"]
    lines: List[str] = []
    matcher = difflib.SequenceMatcher(a=live, b=desired, autojunk=False)
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag == "equal":
            lines.extend(f"  {line}" for line in live[a_start:a_end])
            continue
        lines.extend(f"- {line}" for line in live[a_start:a_end])
        lines.extend(f"+ {line}" for line in desired[b_start:b_end])
    return lines


def _has_live_side(entry: WorkloadResult) -> bool:
    """A workload that is (or was just) created had nothing live to compare: no ``- null`` noise."""
    return entry.action != "create" and entry.exists


def diff_lines(entry: WorkloadResult) -> List[str]:
    """``-`` live / ``+`` desired lines per field, with unchanged lines of nested values as context."""
    lines: List[str] = []
    for diff in entry.planned.spec_diffs:
        lines.append(f"@@ {one_line(diff.field)} @@")
        desired = _render_value(diff.desired)
        if _has_live_side(entry):
            lines.extend(_changed_lines(_render_value(diff.live), desired))
        else:
            lines.extend(f"+ {line}" for line in desired)
    return lines


def diff_block(entry: WorkloadResult) -> str:
    """A collapsible section holding one workload's field diff in a fence nothing can close."""
    body = reveal_bidi("\n".join(diff_lines(entry)))
    fence = code_fence(body)
    planned = entry.planned
    count = len(planned.spec_diffs)
    summary = (
        f"<code>{html_text(planned.slug or planned.declared.spec.name, 120)}</code> \u00b7 "
        f"{html_text(entry.action, 30)} \u00b7 {count} field{'s' if count != 1 else ''}"
    )
    return f"<details><summary>{summary}</summary>\n\n{fence}diff\n{body}\n{fence}\n\n</details>"


def diffed_entries(report: RunReport) -> List[WorkloadResult]:
    """Workloads whose diff the report shows."""
    return [entry for entry in report.workloads if entry.planned.diffs and (entry.is_change or entry.is_drift)]


def _listed(items: Sequence[str]) -> List[str]:
    shown = [f"> - {item}" for item in items[:NOTICE_ITEMS]]
    if len(items) > NOTICE_ITEMS:
        shown.append(f"> - \u2026 and {len(items) - NOTICE_ITEMS} more")
    return shown


def deletions_notice(report: RunReport) -> str:
    """A preview's deletions, right under the headline: nobody should scroll to find them."""
    doomed = [entry for entry in report.unmanaged if entry.workload.action == "prune"]
    if report.wording == "reconcile" or not doomed:
        return ""
    if report.wording == "refused":
        lines = ["> [!CAUTION]", f"> **{len(doomed)} workload(s) would have been deleted** by `prune`: live on "
                 "the platform, declared in no spec file. Not applied: nothing was deleted."]
    else:
        lines = ["> [!CAUTION]", f"> **{len(doomed)} workload(s) will be deleted** by `prune`: live on "
                 "the platform, declared in no spec file."]
    return "\n".join(lines + _listed([_unmanaged_item(entry, report.wording) for entry in doomed]))


def _unmanaged_item(entry: UnmanagedResult, mode: str) -> str:
    workload = entry.workload
    text = table_code(f"{workload.project}/{workload.slug}")
    if workload.name:
        text += f" ({markdown_text(workload.name, 80)})"
    if workload.action == "prune":
        if mode == "preview":
            text += " \u00b7 to be pruned"
        elif mode == "refused":
            text += " \u00b7 would have been pruned, not applied"
        elif entry.status == "ok":
            text += " \u00b7 pruned"
    if entry.status in ("failed", "refused"):
        text += f" \u00b7 \u274c {'failed' if entry.status == 'failed' else 'not deleted'}"
        if entry.error:
            text += ": " + markdown_text(entry.error, 200)
    return text


def errors_notice(report: RunReport) -> str:
    """The run's errors, right under the headline: above the deletions a refusal refuses."""
    errors = error_lines(report)
    if not errors:
        return ""
    lines = ["> [!CAUTION]", f"> **{len(errors)} run error(s)**"]
    return "\n".join(lines + _listed([
        (f"project {table_code(error.project)}: " if error.project else "") + markdown_text(error.message, 300)
        for error in errors
    ]))


def notices(report: RunReport, compact: bool) -> str:
    """Replacement-needed, notes and unmanaged notices; ``compact`` keeps only counts."""
    blocks: List[str] = []
    replaced = [entry for entry in report.workloads if entry.action == "replace"]
    if replaced:
        lines = ["> [!WARNING]", f"> **Replacement needed** for {len(replaced)} workload(s): "
                 "they can only reach their spec by being deleted and re-created."]
        if not compact:
            lines += _listed([
                table_code(entry.planned.slug)
                + (": " + markdown_text("; ".join(entry.notes_and_fix), 300) if entry.notes_and_fix else "")
                for entry in replaced
            ])
        blocks.append("\n".join(lines))
    noted = [entry for entry in report.workloads if entry.notes_and_fix and entry.action != "replace"]
    if noted and not compact:
        blocks.append("\n".join(["> [!NOTE]", "> **Notes**"] + _listed([
            f"{table_code(entry.planned.slug)}: {markdown_text('; '.join(entry.notes_and_fix), 300)}"
            for entry in noted
        ])))
    unmanaged = report.unmanaged
    if unmanaged:
        lines = ["> [!NOTE]", f"> **{len(unmanaged)} unmanaged workload(s)**: live on the platform, "
                 "declared in no spec file."]
        if any(entry.workload.action != "prune" for entry in unmanaged):
            lines[-1] += " Set `prune: true` to delete them."
        if not compact:
            lines += _listed([_unmanaged_item(entry, report.wording) for entry in unmanaged])
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def omitted_diffs_note(omitted: int, limit_name: str, elsewhere: str) -> str:
    """Says how many diffs were cut to fit, and where to find them."""
    plural = "s" if omitted != 1 else ""
    return (
        f"> [!NOTE]\n> {omitted} field diff{plural} (the largest first) left out to stay within "
        f"{limit_name}; {elsewhere} has them all."
    )


def footer(info: Footer) -> str:
    """Tool version, short commit SHA and a link to the run."""
    parts = [f"ik-ensure {markdown_text(info.tool_version, 20)}" if info.tool_version else "ik-ensure"]
    if info.short_sha:
        sha = markdown_text(info.short_sha, 12)
        commit_url = safe_url(info.commit_url)
        parts.append(f"commit [{sha}]({commit_url})" if commit_url else f"commit {sha}")
    run_url = safe_url(info.run_url)
    if run_url:
        parts.append(f"[workflow run]({run_url})")
    return "<sub>" + " \u00b7 ".join(parts) + "</sub>"
