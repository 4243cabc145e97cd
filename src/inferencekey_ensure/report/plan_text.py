"""The human view of a run: the plan with ``-``/``+`` field diffs, then the EndpointRefs.

Written for a CI log first (plain text, one finding per line, stable wording), a
terminal second (colour, only when the stream is a terminal and NO_COLOR is not
set: escape codes in a saved log are noise).
"""

from __future__ import annotations

import json
from typing import Any, Callable, List, Mapping, Sequence, TextIO

from inferencekey_ensure.domain.fields import on_drift_outcomes
from inferencekey_ensure.engine.request import RECONCILE
from inferencekey_ensure.engine.results import (
    FAILED,
    LEFT_DRIFTED,
    REFUSED,
    STATUS_OK,
    RunError,
    RunReport,
    UnmanagedResult,
    WorkloadResult,
)
from inferencekey_ensure.plan.model import (
    CREATE,
    DRIFT_LEFT,
    DRIFT_REFUSED,
    NO_CHANGE,
    PRUNE,
    REPLACE,
    UNKNOWN,
    UPDATE,
)
from inferencekey_ensure.report import spend_text

RESET = "\033[0m"
RED, GREEN, YELLOW, BOLD, DIM = "\033[31m", "\033[32m", "\033[33m", "\033[1m", "\033[2m"

SYMBOLS = {CREATE: "+", UPDATE: "~", NO_CHANGE: "=", REPLACE: "!", DRIFT_LEFT: "?",
           DRIFT_REFUSED: "x", UNKNOWN: "?"}
PREVIEW_LABELS = {
    CREATE: "will be created", UPDATE: "will be updated", NO_CHANGE: "no change",
    REPLACE: "needs replacement", DRIFT_LEFT: "drift left in place",
    DRIFT_REFUSED: "drift refused", UNKNOWN: "unknown (project not listed)",
}
RECONCILE_LABELS = {**PREVIEW_LABELS, CREATE: "created", UPDATE: "updated"}
# A reconcile that applied none of its plan (RunReport.refused).
REFUSED_LABELS = {**PREVIEW_LABELS, CREATE: "would be created - not applied",
                  UPDATE: "would be updated - not applied"}
WORDING_LABELS = {"preview": PREVIEW_LABELS, "reconcile": RECONCILE_LABELS, "refused": REFUSED_LABELS}
# A workload whose write failed says which write (its ``error:`` line says why).
FAILED_LABELS = {CREATE: "create FAILED", UPDATE: "update FAILED", REPLACE: "needs replacement - not applied",
                 UNKNOWN: PREVIEW_LABELS[UNKNOWN]}
ACTION_COLOURS = {CREATE: GREEN, UPDATE: YELLOW, REPLACE: RED, DRIFT_LEFT: YELLOW,
                  DRIFT_REFUSED: RED, UNKNOWN: RED}

Paint = Callable[[str, str], str]


def use_colour(stream: TextIO, env: Mapping[str, str]) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    isatty = getattr(stream, "isatty", None)
    return "NO_COLOR" not in env and bool(isatty and isatty())


def _painter(colour: bool) -> Paint:
    def paint(text: str, code: str) -> str:
        return f"{code}{text}{RESET}" if colour and code else text
    return paint


def format_value(value: Any) -> str:
    """JSON, compact: strings quoted, so ``""`` and a missing value read differently."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _label(result: WorkloadResult, mode: str) -> str:
    labels = WORDING_LABELS.get(mode, PREVIEW_LABELS)
    label = labels.get(result.action, result.action)
    if result.action == DRIFT_LEFT and result.planned.live is None:
        label = f"missing, not created (on_drift={result.planned.on_drift})"
    if result.status != FAILED:
        return label
    if result.action == CREATE and result.exists:
        return "created, then FAILED"
    return FAILED_LABELS.get(result.action, f"{label} - FAILED")


def state_word(result: WorkloadResult) -> str:
    """Where a workload stands, in words that read true: one not created yet is not "ok"."""
    if result.status == FAILED:
        return "failed"
    if result.status == REFUSED:
        return "refused"
    if not result.exists:
        return "not created yet"
    return "drift left in place" if result.status == LEFT_DRIFTED else "ok"


def _diff_lines(result: WorkloadResult, paint: Paint) -> List[str]:
    lines = []
    planned = result.planned
    for diff in planned.spec_diffs:
        if planned.live is not None:
            lines.append(paint(f"    - {diff.field}: {format_value(diff.live)}", RED))
        lines.append(paint(f"    + {diff.field}: {format_value(diff.desired)}", GREEN))
    if planned.replacement is not None:
        change = planned.replacement
        lines.append(paint(f"    - {change.field}: {format_value(change.live)}", RED))
        lines.append(paint(f"    + {change.field}: {format_value(change.desired)}"
                           "  (cannot be changed in place)", GREEN))
    return lines


def _workload_lines(result: WorkloadResult, mode: str, paint: Paint) -> List[str]:
    planned = result.planned
    symbol = SYMBOLS.get(result.action, "?")
    colour = RED if result.status in (FAILED, REFUSED) else ACTION_COLOURS.get(result.action, "")
    head = f"{symbol} {planned.project}/{planned.slug}  {_label(result, mode)}"
    lines = [f"{paint(head, colour)}  {paint(str(planned.declared.location), DIM)}"]
    lines.extend(_diff_lines(result, paint))
    lines.extend(f"    note: {note}" for note in result.notes)
    if result.error:
        lines.append(paint(f"    error: {result.error}", RED))
    if result.fix:
        lines.append(f"    fix: {result.fix}")
    return lines


def _named(result: UnmanagedResult) -> str:
    workload = result.workload
    name = f' "{workload.name}"' if workload.name else ""
    return f"{workload.project}/{workload.slug}{name}"


def deletion_lines(report: RunReport, paint: Paint) -> List[str]:
    """A preview's deletions, before anything else: what ``--prune`` would remove."""
    doomed = [result for result in report.unmanaged if result.workload.action == PRUNE]
    if report.wording == RECONCILE or not doomed:
        return []
    what = ("NOT APPLIED: {} workload(s) would have been deleted by --prune" if report.refused
            else "DELETIONS: {} workload(s) will be deleted by --prune")
    lines = [paint(what.format(len(doomed)) + " (live, declared by no spec):", RED + BOLD)]
    lines.extend(paint(f"  - {_named(result)}", RED) for result in doomed)
    return lines + [""]


def _unmanaged_lines(results: Sequence[UnmanagedResult], mode: str, paint: Paint) -> List[str]:
    if not results:
        return []
    lines = ["", "Unmanaged (on the platform, declared by no spec):"]
    for result in results:
        if result.workload.action != PRUNE:
            what = "kept (pass --prune to delete it)"
        elif mode == "refused":
            what = paint("would have been deleted (--prune, listed above); not applied", RED)
        elif mode != RECONCILE:
            what = paint("will be deleted (--prune, listed above)", RED)
        elif result.status == STATUS_OK:
            what = paint("deleted (--prune)", RED)
        elif result.status == REFUSED:
            what = paint(f"NOT deleted: {result.error}", RED)
        else:
            what = paint(f"delete FAILED: {result.error}", RED)
        lines.append(f"  - {_named(result)}  {what}")
    return lines


def _error_lines(errors: Sequence[RunError], paint: Paint) -> List[str]:
    lines = []
    for error in errors:
        where = f"project {error.project}: " if error.project else ""
        lines.append(paint(f"error: {where}{error.message}", RED))
        if error.fix:
            lines.append(f"  fix: {error.fix}")
    return lines


def summary_line(report: RunReport) -> str:
    counts = report.summary()
    verbs = ("created", "updated", "replaced", "deleted") if report.mode == RECONCILE else (
        "to create", "to update", "needing replacement", "to prune")
    parts = [
        f"{counts['create']} {verbs[0]}", f"{counts['update']} {verbs[1]}",
        f"{counts['replace']} {verbs[2]}", f"{counts['no_change']} unchanged",
        f"{counts['drift_left']} drift left", f"{counts['refused']} refused",
        f"{counts['prune']} {verbs[3]}", f"{counts['unmanaged']} unmanaged",
    ]
    if counts["failed"]:
        parts.append(f"{counts['failed']} failed")
    refused = " Nothing was written: the apply was refused." if report.refused else ""
    return "Summary: " + ", ".join(parts) + "." + refused


def endpoint_table(results: Sequence[WorkloadResult]) -> List[str]:
    rows = [("PROJECT", "WORKLOAD", "STATE", "ENDPOINT")]
    for result in results:
        ref = result.endpoint_ref
        rows.append((ref.project_slug, ref.workload_slug, state_word(result), ref.endpoint_path))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return ["  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
            for row in rows]


def render_plan(report: RunReport, *, colour: bool = False) -> str:
    """The whole human report (validation problems are printed by the caller)."""
    paint = _painter(colour)
    if report.stopped_before_planning:
        return "\n".join(_error_lines(report.errors, paint)) + "\n" if report.errors else ""
    if report.refused:
        title = "Apply refused (nothing was written)"
    elif report.mode == RECONCILE:
        title = f"Apply ({on_drift_outcomes(result.planned.on_drift for result in report.workloads)})"
    else:
        title = "Plan (preview, nothing is changed)"
    projects = sorted({result.planned.project for result in report.workloads})
    lines = [paint(f"{title}: {len(report.workloads)} workload(s) in "
                   f"{len(projects)} project(s)", BOLD), ""]
    if report.errors:
        # First: a refusal (the prune limit) stands above the deletions it refuses.
        lines.extend(_error_lines(report.errors, paint) + [""])
    lines.extend(deletion_lines(report, paint))
    for result in report.workloads:
        lines.extend(_workload_lines(result, report.wording, paint))
    lines.extend(_unmanaged_lines(report.unmanaged, report.wording, paint))
    lines.extend(["", summary_line(report)])
    if report.spend.workloads:
        lines.extend(["", paint(spend_text.headline(report.spend), BOLD)])
        lines.extend(f"  {line}" for line in spend_text.spend_lines(report.spend))
    if report.workloads:
        lines.extend(["", "EndpointRefs:"])
        lines.extend(endpoint_table(report.workloads))
    return "\n".join(lines) + "\n"


def drift_warnings(report: RunReport) -> List[str]:
    """One warning per workload whose drift ``on_drift: warn`` left in place (the SDK is silent)."""
    warnings = []
    for result in report.workloads:
        planned = result.planned
        if result.action == DRIFT_LEFT and planned.on_drift == "warn":
            fields = [diff.field for diff in planned.spec_diffs]
            if planned.replacement is not None:
                fields.append(planned.replacement.field)
            warnings.append(
                f"warning: {planned.project}/{planned.slug} ({planned.declared.location}) "
                f"drifted from spec: {', '.join(fields)}; on_drift=warn left it in place"
            )
    return warnings
