"""A workload's spend ceiling: the most it can cost an hour, as its fields declare it.

InferenceKey publishes no price list, so nothing here estimates a bill: the ceiling is what
a spec (or a live workload) caps itself at. Cloud autoscaling carries
``execution_policy_config.max_hourly_cost_usd``; private workers (``workers.source: private``,
or a ``worker_id``) rent nothing, so 0; anything else declares no ceiling and is *uncapped*,
which is never counted as 0. Spec and wire use the same names for the three fields read
here, so one function serves the declared and the live side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Mapping, Optional

# Why a ceiling is what it is; the plan JSON's per-workload ``basis`` values.
CeilingBasis = Literal["cloud-cap", "private", "uncapped"]
CLOUD_CAP: CeilingBasis = "cloud-cap"
PRIVATE: CeilingBasis = "private"
UNCAPPED: CeilingBasis = "uncapped"

CURRENCY = "USD"
# The month the monthly figure assumes: 365 days * 24 h / 12.
HOURS_PER_MONTH = 730


@dataclass(frozen=True)
class Ceiling:
    """USD an hour at most; ``hourly_usd`` is None exactly when ``basis`` is uncapped."""

    basis: CeilingBasis
    hourly_usd: Optional[float] = None

    @property
    def capped(self) -> bool:
        return self.hourly_usd is not None


def _number(value: Any) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def ceiling_of(fields: Mapping[str, Any]) -> Ceiling:
    """The ceiling of a workload whose spec (or wire) fields are ``fields``."""
    worker_id = fields.get("worker_id")
    config = fields.get("execution_policy_config")
    config = config if isinstance(config, Mapping) else {}
    workers = config.get("workers")
    if (isinstance(worker_id, str) and worker_id.strip()) or (
        isinstance(workers, Mapping) and workers.get("source") == "private"
    ):
        return Ceiling(PRIVATE, 0.0)
    cap = _number(config.get("max_hourly_cost_usd"))
    if fields.get("execution_policy") == "autoscaling" and cap is not None and cap > 0:
        return Ceiling(CLOUD_CAP, cap)
    return Ceiling(UNCAPPED)


def usd(amount: float, signed: bool = False) -> str:
    """``$1,234.50``; with ``signed`` a ``+`` or ``-`` in front (``+$12.00``)."""
    sign = ("+" if amount >= 0 else "-") if signed else ("-" if amount < 0 else "")
    return f"{sign}${abs(amount):,.2f}"


def usd_whole(amount: float, signed: bool = False) -> str:
    """``+$8,760``: a monthly figure, to the dollar."""
    sign = ("+" if amount >= 0 else "-") if signed else ("-" if amount < 0 else "")
    return f"{sign}${abs(round(amount)):,}"
