"""The reviewed plan: kept in the change request's comment, read back by the reconcile, compared.

A preview's comment carries, hidden next to its marker, the plan's digest and the
canonical plan itself (zlib-compressed, base64), so that a later reconcile can tell
whether it is about to apply exactly what was reviewed and, when not, which
workloads and fields differ. The canonical plan is dropped (the digest stays) when
it would take more than ``RECORD_DATA_LIMIT`` characters of the comment's 65,536.

A reconcile that applied its plan marks the comment with ``RECONCILED_MARK``, so that a
later run of the same job (re-run after a platform edit, say) never turns that outcome into
a refusal on the pull request.

Which comment is "ours" is the host adapter's to say (only a comment the run's own
identity wrote may be read: anyone can paste a record into a comment of their own).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from dataclasses import dataclass
from typing import List, Optional, Tuple

from inferencekey_ensure.plan.digest import (
    CANONICAL_ERRORS,
    CanonicalPlan,
    DigestCheck,
    canonical_bytes,
    plan_differences,
    plan_digest,
    writes_nothing,
)

RECORD_DATA_LIMIT = 20_000
# A record's plan never inflates beyond this (a comment holds at most 65,536 characters).
_INFLATED_LIMIT = 8 * 1024 * 1024
# The hidden line a reconciled comment carries after the record.
RECONCILED_MARK = "<!-- ik-ensure:outcome=reconciled -->"
_RECORD = re.compile(r"<!-- ik-ensure:plan digest=(sha256:[0-9a-f]{64}) data=([A-Za-z0-9+/=]*) -->")

MATCHED = "matched"
# Not the reviewed digest, but only what is left of the reviewed plan (part of it was applied).
REMAINDER = "remainder"
DIFFERS = "differs"
NO_PULL_REQUEST = "no-pull-request"
NOT_REVIEWED = "not-reviewed"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class ReviewedPlan:
    digest: str
    plan: Optional[CanonicalPlan] = None


def reviewed_record(reviewed: ReviewedPlan) -> str:
    """The hidden line for a reviewed plan; its canonical plan only when it fits."""
    packed = ""
    if reviewed.plan is not None:
        packed = base64.b64encode(zlib.compress(canonical_bytes(reviewed.plan), 9)).decode("ascii")
    if len(packed) > RECORD_DATA_LIMIT:
        packed = ""
    return f"<!-- ik-ensure:plan digest={reviewed.digest} data={packed} -->"


def _unpacked(data: str, digest: str) -> Optional[CanonicalPlan]:
    """The canonical plan kept in a record, or None when absent or not the one ``digest`` names."""
    if not data:
        return None
    try:
        inflater = zlib.decompressobj()
        text = inflater.decompress(base64.b64decode(data, validate=True), _INFLATED_LIMIT)
        plan = json.loads(text.decode("utf-8", CANONICAL_ERRORS))
    except (binascii.Error, zlib.error, ValueError):
        return None
    if not isinstance(plan, dict) or plan_digest(plan) != digest:
        return None
    return plan


def read_record(body: str) -> Optional[ReviewedPlan]:
    """The reviewed plan a comment body carries, or None."""
    found = _RECORD.search(body)
    if found is None:
        return None
    digest, data = found.groups()
    return ReviewedPlan(digest, _unpacked(data, digest))


def is_reconciled(body: str) -> bool:
    """Whether a comment body reports a reconcile that applied its plan."""
    return RECONCILED_MARK in body


@dataclass(frozen=True)
class ReviewLookup:
    """What the host found about the review of the commit being reconciled.

    ``change_request`` is the merged pull request the commit came from (None: none,
    a direct push); ``reviewed`` the plan its comment keeps; ``reconciled`` whether that
    comment already reports a reconcile that applied its plan; ``error`` says why the
    host could not be asked (then nothing else is known), ``fix`` what makes it answerable
    (a sentence, then ``fix_lines`` to copy, such as the job's ``permissions:`` block).
    """

    change_request: Optional[int] = None
    reviewed: Optional[ReviewedPlan] = None
    error: Optional[str] = None
    reconciled: bool = False
    fix: str = "Re-run this job"
    fix_lines: Tuple[str, ...] = ()

    def check(self, required: bool) -> DigestCheck:
        """The run's ``may_write``: when ``required``, only the reviewed plan or what is left of it passes."""
        if self.reviewed is None:
            return DigestCheck(None, enforce=required)
        return DigestCheck(self.reviewed.digest, enforce=required, remainder=True, reviewed=self.reviewed.plan)


@dataclass(frozen=True)
class ReviewVerdict:
    """How the plan about to be applied compares with the reviewed one, in words; ``fix``: lines
    to copy that would let the review be read (shown after ``why``)."""

    state: str
    required: bool
    change_request: Optional[int]
    digest: str
    differences: List[str]
    why: str
    fix: Tuple[str, ...] = ()

    @property
    def agrees(self) -> bool:
        """The plan is the reviewed one, or what is left of it."""
        return self.state in (MATCHED, REMAINDER)

    @property
    def refused(self) -> bool:
        return self.required and not self.agrees


def _where(lookup: ReviewLookup) -> str:
    return f"pull request #{lookup.change_request}" if lookup.change_request is not None else "no pull request"


def verdict(lookup: ReviewLookup, check: DigestCheck, required: bool, short_sha: str, comment_key: str) -> Optional[ReviewVerdict]:
    """The verdict once the run saw its plan; None when the run ended before any plan."""
    if check.digest is None or check.plan is None:
        return None
    digest, reviewed = check.digest, lookup.reviewed
    how = ("Merge changes through a pull request whose preview job runs ik-ensure with the same "
           f"`comment-key` ({comment_key}) and may comment, so the plan is reviewed there")
    if lookup.error is not None:
        return ReviewVerdict(UNKNOWN, required, None, digest, [],
                             f"the reviewed plan could not be read: {lookup.error}. {lookup.fix}", lookup.fix_lines)
    if lookup.change_request is None:
        return ReviewVerdict(NO_PULL_REQUEST, required, None, digest, [],
                             f"commit {short_sha} came from no merged pull request (a direct push?), so no "
                             f"plan was reviewed for it. {how}")
    if reviewed is None:
        return ReviewVerdict(NOT_REVIEWED, required, lookup.change_request, digest, [],
                             f"{_where(lookup)} has no ik-ensure plan for comment-key {comment_key} (its preview "
                             "never ran, or could not comment; a pull request from a fork never gets one). Re-run "
                             "that pull request's preview job, then this job; for a fork's, push its commits to a "
                             "branch of this repository and merge them through a pull request from that branch")
    if reviewed.digest == digest:
        return ReviewVerdict(MATCHED, required, lookup.change_request, digest, [],
                             f"the plan is the one reviewed on {_where(lookup)}")
    if check.is_remainder:
        why = (f"nothing is left to apply of the plan reviewed on {_where(lookup)}" if writes_nothing(check.plan)
               else f"the plan is what is left to apply of the one reviewed on {_where(lookup)} "
                    "(the rest of it is applied already)")
        return ReviewVerdict(REMAINDER, required, lookup.change_request, digest, [], why)
    return ReviewVerdict(DIFFERS, required, lookup.change_request, digest,
                         plan_differences(reviewed.plan, check.plan),
                         f"the plan changed since the review on {_where(lookup)} (reviewed {reviewed.digest}, "
                         f"now {digest})")
