"""The guardrails as Markdown, for the PR comment and the job summary: the spend ceiling
(headline, changed workloads, uncapped ones) and the Policy section (each violation at its
file:line:col with its rule). Every user-written value is escaped for where it lands."""

from __future__ import annotations

from typing import List, Sequence

from inferencekey_ensure.diagnostics.problem import Problem
from inferencekey_ensure.domain.repo_config import is_policy_rule
from inferencekey_ensure.plan.spend import PlanSpend
from inferencekey_ensure.report import spend_text
from inferencekey_ensure.report.escaping import markdown_text, table_code

# Rows of the Policy table; the step log and SARIF have every one.
POLICY_ROWS = 20


def spend_block(spend: PlanSpend) -> str:
    """The headline in bold, then a list of the changed and the uncapped workloads; empty with no workload."""
    if not spend.workloads:
        return ""
    lines = [f"**{markdown_text(spend_text.headline(spend), 400)}**"]
    lines += [f"- {markdown_text(line, 400)}" for line in spend_text.spend_lines(spend)]
    return "\n".join(lines)


def policy_problems(problems: Sequence[Problem]) -> List[Problem]:
    return [problem for problem in problems if is_policy_rule(problem.rule)]


def policy_block(problems: Sequence[Problem]) -> str:
    """``#### Policy`` with one row per violation of the repository policy; empty when none."""
    found = policy_problems(problems)
    if not found:
        return ""
    errors = sum(1 for problem in found if problem.is_error)
    verdict = (f"\u274c {errors} mandatory violation(s): the job fails" if errors
               else "\u26a0\ufe0f advisory only: the job does not fail on these")
    lines = ["#### Policy", "", verdict + f" ({len(found)} in all).", "",
             "| Location | Rule | Severity | Violation |", "|---|---|---|---|"]
    for problem in found[:POLICY_ROWS]:
        location = table_code(f"{problem.path}:{problem.line}:{problem.column}", 160)
        lines.append(f"| {location} | {table_code(problem.rule, 60)} | {markdown_text(problem.severity, 10)} | "
                     f"{markdown_text(problem.message, 400)} |")
    if len(found) > POLICY_ROWS:
        lines.append(f"| \u2026 | | | {len(found) - POLICY_ROWS} more in the step log |")
    return "\n".join(lines)
