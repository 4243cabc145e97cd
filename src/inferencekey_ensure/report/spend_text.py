"""The words of the spend ceiling, shared by the terminal text and the Markdown: the headline,
one line per workload whose ceiling changes, and the uncapped workloads named apart."""

from __future__ import annotations

from typing import Callable, List, Optional

from inferencekey_ensure.domain.spend import HOURS_PER_MONTH, PRIVATE, Ceiling, usd, usd_whole
from inferencekey_ensure.plan.spend import PlanSpend, WorkloadSpend

# Workloads listed one by one at most; the rest are counted (the JSON has them all).
LISTED = 20


def ceiling_words(ceiling: Optional[Ceiling], absent: str) -> str:
    if ceiling is None:
        return absent
    if ceiling.hourly_usd is None:
        return "uncapped"
    if ceiling.basis == PRIVATE:
        return f"{usd(0)}/h (private workers)"
    return f"{usd(ceiling.hourly_usd)}/h"


def headline(spend: PlanSpend) -> str:
    """``Spend ceiling: $6.00/h -> $18.00/h (+$12.00/h, about +$8,760 a month at 730 h)``."""
    rise = spend.increase_hourly_usd
    change = (f"{usd(rise, signed=True)}/h, about {usd_whole(rise * HOURS_PER_MONTH, signed=True)} a month "
              f"at {HOURS_PER_MONTH} h") if rise else "no change"
    text = f"Spend ceiling: {usd(spend.before_hourly_usd)}/h -> {usd(spend.after_hourly_usd)}/h ({change})"
    if spend.unbounded:
        text += f"; unbounded: {len(spend.unbounded)} workload(s) would run uncapped"
    return text


def workload_change(item: WorkloadSpend) -> str:
    return f"{ceiling_words(item.before, 'not there')} -> {ceiling_words(item.after, 'gone')}"


def spend_lines(spend: PlanSpend, name: Callable[[str], str] = str) -> List[str]:
    """The changed workloads (``name`` renders a ``project/slug``), then the uncapped ones."""
    lines = [f"{name(item.name)}: {workload_change(item)}" for item in spend.changed[:LISTED]]
    if len(spend.changed) > LISTED:
        lines.append(f"... and {len(spend.changed) - LISTED} more (see the plan JSON)")
    if spend.uncapped_after:
        shown = ", ".join(name(item) for item in spend.uncapped_after[:LISTED])
        more = f" and {len(spend.uncapped_after) - LISTED} more" if len(spend.uncapped_after) > LISTED else ""
        lines.append(f"uncapped (no ceiling declared, not counted in the sum): {shown}{more}")
    return lines
