"""The plan digest: one hash for "what this plan would do", to compare a reviewed plan with
the plan about to be applied.

The digest covers only the plan's meaning: per workload the project, slug and action,
and for each field it would change the live and desired values (a create lists every
field it sends); the unmanaged workloads with what becomes of them (``prune`` or
``none``). Everything is sorted, and nothing about how the specs were written enters it
(no file, line, key order, quoting, comments or wording), so a spec
re-worded with the same meaning keeps the digest while a platform edit after the review
changes it. It is sha256 over canonical JSON (sorted keys, no whitespace, UTF-8), so
it is the same on every Python version and machine: no ``hash()`` randomisation.

The canonical plan is also what a PR comment keeps next to the digest, so that a later
run can say which workloads and fields differ (``plan_differences``), and whether a plan
is what is left of the reviewed one after part of it was applied (``remainder_of``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Dict, List, Optional, Sequence, Tuple

from inferencekey_ensure.plan.model import CREATE, PRUNE, REPLACE, UPDATE, Plan, PlannedWorkload, UnmanagedWorkload

CANONICAL_VERSION = 1
DIGEST_PREFIX = "sha256:"

# The canonical plan as JSON values: {"v": 1, "workloads": [...], "unmanaged": [...]}.
CanonicalPlan = Dict[str, Any]

# The canonical entries' actions that send a write.
_WRITING_ACTIONS = (CREATE, UPDATE, REPLACE)


def _workload(planned: PlannedWorkload) -> Dict[str, Any]:
    fields = sorted([diff.field, diff.live, diff.desired] for diff in planned.diffs)
    if planned.replacement is not None:
        change = planned.replacement
        fields = sorted(fields + [[change.field, change.live, change.desired]])
    return {"project": planned.project, "slug": planned.slug, "action": planned.action, "fields": fields}


def canonical_plan(
    workloads: Sequence[PlannedWorkload], unmanaged: Sequence[UnmanagedWorkload]
) -> CanonicalPlan:
    """The plan's meaning as sorted JSON values; the input to ``plan_digest``."""
    return {
        "v": CANONICAL_VERSION,
        "workloads": sorted((_workload(planned) for planned in workloads),
                            key=lambda entry: (entry["project"], entry["slug"])),
        "unmanaged": sorted(
            ({"project": item.project, "slug": item.slug, "action": item.action} for item in unmanaged),
            key=lambda entry: (entry["project"], entry["slug"]),
        ),
    }


def canonical_json(plan: CanonicalPlan) -> str:
    """The one text of a canonical plan: sorted keys, no whitespace, non-ASCII kept."""
    return json.dumps(plan, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


# A platform value may hold a lone surrogate (JSON's ``"\\ud800"``), which strict UTF-8
# cannot encode; this gives it its one byte form, so every plan has bytes (and a digest),
# and a plan without one keeps its bytes. Decode with the same handler.
CANONICAL_ERRORS = "surrogatepass"


def canonical_bytes(plan: CanonicalPlan) -> bytes:
    """The canonical JSON as UTF-8 (lone surrogates passed through)."""
    return canonical_json(plan).encode("utf-8", CANONICAL_ERRORS)


def plan_digest(plan: CanonicalPlan) -> str:
    """``sha256:<64 hex>`` of the canonical JSON."""
    return DIGEST_PREFIX + hashlib.sha256(canonical_bytes(plan)).hexdigest()


def _keyed(entries: Any) -> Dict[Tuple[str, str], Dict[str, Any]]:
    keyed: Dict[Tuple[str, str], Dict[str, Any]] = {}
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            keyed[(str(entry.get("project")), str(entry.get("slug")))] = entry
    return keyed


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _field_changes(reviewed: Dict[str, Any], current: Dict[str, Any]) -> List[str]:
    def by_field(entry: Dict[str, Any]) -> Dict[str, Tuple[Any, Any]]:
        listed = entry.get("fields")
        fields: List[Any] = listed if isinstance(listed, list) else []
        return {str(item[0]): (item[1], item[2]) for item in fields if isinstance(item, list) and len(item) == 3}

    before, after = by_field(reviewed), by_field(current)
    lines = []
    for name in sorted(set(before) | set(after)):
        if before.get(name) == after.get(name):
            continue
        if name not in before:
            live, desired = after[name]
            lines.append(f"{name}: unchanged in the reviewed plan; now live {_value(live)}, desired {_value(desired)}")
        elif name not in after:
            live, desired = before[name]
            lines.append(f"{name}: changed in the reviewed plan (live {_value(live)}, desired {_value(desired)}); "
                         "unchanged now")
        else:
            (old_live, old_desired), (new_live, new_desired) = before[name], after[name]
            parts = []
            if old_live != new_live:
                parts.append(f"live value was {_value(old_live)} at the review, is {_value(new_live)} now")
            if old_desired != new_desired:
                parts.append(f"desired value was {_value(old_desired)}, is {_value(new_desired)} now")
            lines.append(f"{name}: " + "; ".join(parts))
    return lines


def _entry_changes(kind: str, reviewed: Any, current: Any) -> List[str]:
    before, after = _keyed(reviewed), _keyed(current)
    lines = []
    for key in sorted(set(before) | set(after)):
        name = f"{kind}{key[0]}/{key[1]}"
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if old is None:
            lines.append(f"{name}: not in the reviewed plan; now {new.get('action') if new else ''}")
        elif new is None:
            lines.append(f"{name}: in the reviewed plan ({old.get('action')}); no longer in the plan")
        else:
            head = f"{name}: "
            if old.get("action") != new.get("action"):
                head += f"action was {old.get('action')} at the review, is {new.get('action')} now"
            else:
                head += f"{new.get('action')}, with different values"
            lines.append(head)
            lines.extend(f"  {line}" for line in _field_changes(old, new))
    return lines


def plan_differences(reviewed: Optional[CanonicalPlan], current: CanonicalPlan) -> List[str]:
    """What differs between two canonical plans, one line per workload or field, sorted.

    ``reviewed`` is None when only the digest was kept (the canonical plan did not fit in
    the comment): then the difference cannot be itemised, and the one line says so.
    """
    if reviewed is None:
        return ["the reviewed plan's details were not kept (too large for the comment); "
                "only its digest is known, and it differs"]
    return (_entry_changes("", reviewed.get("workloads"), current.get("workloads"))
            + _entry_changes("unmanaged ", reviewed.get("unmanaged"), current.get("unmanaged")))


def _writes(plan: CanonicalPlan) -> List[Dict[str, Any]]:
    """The entries of ``plan`` that would send a write: creates, updates, replaces and prunes."""
    workloads, unmanaged = plan.get("workloads"), plan.get("unmanaged")
    return ([entry for entry in _keyed(workloads).values() if entry.get("action") in _WRITING_ACTIONS]
            + [dict(entry, unmanaged=True) for entry in _keyed(unmanaged).values() if entry.get("action") == PRUNE])


def writes_nothing(plan: CanonicalPlan) -> bool:
    """Whether applying ``plan`` would send no write at all."""
    return not _writes(plan)


def remainder_of(reviewed: Optional[CanonicalPlan], current: CanonicalPlan) -> bool:
    """Whether applying ``current`` writes nothing the review of ``reviewed`` did not show.

    True when every write of ``current`` is, unchanged (same action, same live and desired
    values), a write of ``reviewed``: what is left of the reviewed plan once part of it
    was applied (a reconcile run again, or after a partial failure). A deletion the review
    did not list is never part of it. A plan that writes nothing is always a remainder;
    with only the reviewed digest known (``reviewed`` None) nothing else is.
    """
    writes = _writes(current)
    if not writes:
        return True
    if reviewed is None:
        return False
    reviewed_writes = {_entry_key(entry): entry for entry in _writes(reviewed)}
    return all(reviewed_writes.get(_entry_key(entry)) == entry for entry in writes)


def _entry_key(entry: Dict[str, Any]) -> Tuple[bool, str, str]:
    return bool(entry.get("unmanaged")), str(entry.get("project")), str(entry.get("slug"))


def is_digest(text: str) -> bool:
    """Whether ``text`` is a digest as ``plan_digest`` writes it."""
    hexpart = text[len(DIGEST_PREFIX):]
    return text.startswith(DIGEST_PREFIX) and len(hexpart) == 64 and all(c in "0123456789abcdef" for c in hexpart)


class DigestCheck:
    """A run's ``may_write``: sees the plan about to be written and lets it through only when
    its digest is ``expected`` (always, when ``enforce`` is False: then it only records).

    With ``remainder=True`` (the reviewed-plan flow, where ``reviewed`` is the canonical
    plan behind ``expected``, None when only the digest was kept) a plan that is what is
    left of the reviewed one passes too (``remainder_of``), so a reconcile run again, or
    re-run after a partial failure, applies the rest instead of being refused.
    ``apply --expect-digest`` keeps strict equality: its caller holds the digest of the
    very plan they mean, and can plan again.

    What it saw stays on it (``plan``, ``digest``) so the caller can say what differed.
    """

    def __init__(self, expected: Optional[str], *, enforce: bool = True,
                 remainder: bool = False, reviewed: Optional[CanonicalPlan] = None) -> None:
        self.expected = expected
        self.enforce = enforce
        self.remainder = remainder
        self.reviewed = reviewed
        self.plan: Optional[CanonicalPlan] = None
        self.digest: Optional[str] = None

    @property
    def matched(self) -> bool:
        return self.digest is not None and self.digest == self.expected

    @property
    def is_remainder(self) -> bool:
        """Not the expected digest, but what is left of the reviewed plan (only when ``remainder``)."""
        return (self.remainder and self.expected is not None and self.plan is not None and not self.matched
                and remainder_of(self.reviewed, self.plan))

    @property
    def passes(self) -> bool:
        return self.matched or self.is_remainder

    @property
    def refused(self) -> bool:
        """The plan was seen and not written because it is not the expected one."""
        return self.enforce and self.digest is not None and not self.passes

    def __call__(self, plan: Plan) -> bool:
        return self.see(canonical_plan(plan.workloads, plan.unmanaged))

    def see(self, plan: CanonicalPlan) -> bool:
        """Judge a plan that is only previewed (a merge queue's check): what a reconcile would do with it."""
        self.plan = plan
        self.digest = plan_digest(plan)
        return self.passes or not self.enforce
