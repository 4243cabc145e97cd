"""Validation results as Markdown for the job summary, including runs that could only validate.

With no SDK token, or on a pull request from a fork, the action validates and then
explains why no preview ran and how to give it a token safely: a run that silently
did less than the user expects is worse than one that says so.
"""

from __future__ import annotations

from typing import List, Optional, Sequence

from inferencekey_ensure.diagnostics.problem import Problem
from inferencekey_ensure.report.escaping import markdown_text, table_code
from inferencekey_ensure.report.markdown import comment_marker
from inferencekey_ensure.report.markdown_guardrails import policy_block, policy_problems
from inferencekey_ensure.report.markdown_sections import Footer, footer

NO_TOKEN = "no-token"
FORK = "fork"
# Rows of problems in the job summary, and in a PR comment (which must stay far below 65,536 characters).
PROBLEM_ROWS = 300
COMMENT_PROBLEM_ROWS = 20

_EXPLANATIONS = {
    NO_TOKEN: [
        "**No preview ran: this job has no InferenceKey SDK token.** A preview reads the live workloads, "
        "which takes a control-plane token (`ik_sdk_...`, scoped to one project).",
        "To set it up safely:",
        "1. Create an SDK token for the one project these specs target. Never use a data-plane key "
        "(`ik_live_...`); ik-ensure refuses it.",
        "2. Store it as an encrypted Actions secret: a read-only token as `INFERENCEKEY_SDK_READ_TOKEN` for "
        "previews and drift checks; the write token as `INFERENCEKEY_SDK_TOKEN` only for the reconcile job, "
        "an environment secret behind required reviewers.",
        "3. Pass it to the action: `sdk-token: ${{ secrets.INFERENCEKEY_SDK_READ_TOKEN }}` in a preview "
        "(`${{ secrets.INFERENCEKEY_SDK_TOKEN }}` in the reconcile). "
        "The action masks it in the log before anything else runs.",
    ],
    FORK: [
        "**No preview ran: this pull request comes from a fork.** GitHub gives fork pull requests no "
        "secrets, and ik-ensure does not preview them even under `pull_request_target`, where a token "
        "would be available: the fork's spec files would reach your control plane with your token.",
        "The specs were validated. Their drift shows on the first run after a maintainer merges them "
        "(or pushes the branch to this repository).",
    ],
}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def problems_table(problems: Sequence[Problem], max_rows: int = PROBLEM_ROWS) -> str:
    """One row per problem (capped), every cell escaped."""
    if not problems:
        return ""
    lines = ["| Location | Severity | Rule | Problem |", "|---|---|---|---|"]
    for problem in problems[:max_rows]:
        location = table_code(f"{problem.path}:{problem.line}:{problem.column}", 160)
        message = markdown_text(f"{problem.json_path}: {problem.message}", 400)
        lines.append(f"| {location} | {markdown_text(problem.severity, 10)} | {table_code(problem.rule, 40)} | {message} |")
    if len(problems) > max_rows:
        lines.append(f"| \u2026 | | | {len(problems) - max_rows} more in the step log |")
    return "\n".join(lines)


def _not_policy(problems: Sequence[Problem]) -> List[Problem]:
    """The problems the Policy section does not show."""
    policy = set(map(id, policy_problems(problems)))
    return [problem for problem in problems if id(problem) not in policy]


def validation_verdict(problems: Sequence[Problem], files: int, workloads: int) -> str:
    errors = sum(1 for problem in problems if problem.is_error)
    warnings = len(problems) - errors
    counted = f"{_plural(files, 'spec file')}, {_plural(workloads, 'workload')}"
    if errors:
        return f"\u274c {counted}: **{_plural(errors, 'error')}**" + (f", {_plural(warnings, 'warning')}" if warnings else "")
    if warnings:
        return f"\u26a0\ufe0f {counted}: valid, {_plural(warnings, 'warning')}"
    return f"\u2705 {counted}: all valid"


def render_validation_summary(
    problems: Sequence[Problem], files: int, workloads: int, reason: Optional[str]
) -> str:
    """The job summary of a run that stopped after validation (``reason`` says why, if not errors)."""
    blocks: List[str] = ["### InferenceKey ensure \u00b7 validate", validation_verdict(problems, files, workloads)]
    if reason in _EXPLANATIONS:
        blocks.append("\n".join("> " + line for line in ["[!NOTE]"] + _EXPLANATIONS[reason]))
    blocks += [policy_block(problems), problems_table(_not_policy(problems))]
    return "\n\n".join(block for block in blocks if block) + "\n"


def render_validation_comment(
    problems: Sequence[Problem], files: int, workloads: int, comment_key: str, info: Footer,
    *, record: str = "", title: str = "validate",
) -> str:
    """The sticky comment when the specs are invalid: no plan could run, so no drift is shown.

    Keeps an earlier drift report from going stale while the specs are broken. ``record``
    (hidden) and ``title`` (trusted Markdown) serve a reconcile reporting back to its PR.
    """
    blocks = [
        comment_marker(comment_key) + ("\n" + record if record else ""),
        f"### InferenceKey ensure \u00b7 {title}",
        validation_verdict(problems, files, workloads) + ". No plan ran; fix the specs to see the drift.",
        policy_block(problems),
        problems_table(_not_policy(problems), COMMENT_PROBLEM_ROWS),
        footer(info),
    ]
    return "\n\n".join(block for block in blocks if block) + "\n"
