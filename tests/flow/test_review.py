"""The reviewed plan kept in a comment: written, read back, bounded, and judged."""

from __future__ import annotations

import base64
import zlib
from typing import Any, Dict, List

from inferencekey_ensure.flow.review import (
    DIFFERS,
    MATCHED,
    NO_PULL_REQUEST,
    NOT_REVIEWED,
    RECORD_DATA_LIMIT,
    REMAINDER,
    UNKNOWN,
    ReviewedPlan,
    ReviewLookup,
    read_record,
    reviewed_record,
    verdict,
)
from inferencekey_ensure.plan.digest import DigestCheck, canonical_json, plan_digest
from inferencekey_ensure.plan.model import Plan


def canonical(count: int, description: str = "Answers.") -> Dict[str, Any]:
    workloads: List[Dict[str, Any]] = [
        {"project": "acme", "slug": f"bot-{index:05d}", "action": "update",
         "fields": [["description", f"{description} {index * 7919 % 10007}", "Answers."]]}
        for index in range(count)
    ]
    return {"v": 1, "workloads": workloads, "unmanaged": []}


def seen(check: DigestCheck, plan: Dict[str, Any]) -> DigestCheck:
    """A check that saw ``plan`` (as the engine's ``may_write`` call would leave it)."""
    check.plan, check.digest = plan, plan_digest(plan)
    return check


def test_a_record_reads_back_its_digest_and_plan() -> None:
    plan = canonical(3)
    record = reviewed_record(ReviewedPlan(plan_digest(plan), plan))
    assert read_record(f"<!-- marker -->\n{record}\n### body") == ReviewedPlan(plan_digest(plan), plan)


def test_a_plan_too_large_for_the_comment_keeps_only_its_digest() -> None:
    plan = canonical(20_000)
    record = reviewed_record(ReviewedPlan(plan_digest(plan), plan))
    assert len(record) < RECORD_DATA_LIMIT
    assert read_record(record) == ReviewedPlan(plan_digest(plan), None)


def test_a_record_whose_plan_does_not_match_its_digest_keeps_no_plan() -> None:
    other = canonical(2, "Tampered")
    data = base64.b64encode(zlib.compress(canonical_json(other).encode())).decode()
    digest = plan_digest(canonical(2))
    assert read_record(f"<!-- ik-ensure:plan digest={digest} data={data} -->") == ReviewedPlan(digest, None)
    assert read_record("<!-- ik-ensure:plan digest=sha256:abc data= -->") is None
    assert read_record(f"<!-- ik-ensure:plan digest={digest} data=!!! -->") is None


def test_the_engine_check_lets_through_only_the_reviewed_plan_or_a_plan_writing_nothing_when_required() -> None:
    plan = Plan()
    reviewed = plan_digest({"v": 1, "workloads": [], "unmanaged": []})
    assert ReviewLookup(7, ReviewedPlan(reviewed)).check(required=True)(plan) is True
    # A plan with nothing to write applies nothing unreviewed, whatever the review was.
    assert ReviewLookup(7, ReviewedPlan("sha256:" + "0" * 64)).check(required=True)(plan) is True
    assert ReviewLookup().check(required=True)(plan) is False
    assert ReviewLookup().check(required=False)(plan) is True


def test_what_is_left_of_the_reviewed_plan_is_a_remainder_that_passes_and_anything_more_is_refused() -> None:
    reviewed = canonical(2)
    rest = {**reviewed, "workloads": [reviewed["workloads"][1]]}
    lookup = ReviewLookup(7, ReviewedPlan(plan_digest(reviewed), reviewed))
    judged = verdict(lookup, seen(lookup.check(True), rest), True, "abc1234", "default")
    assert judged is not None and judged.state == REMAINDER and not judged.refused
    assert "what is left to apply of the one reviewed on pull request #7" in judged.why
    digest_only = ReviewLookup(7, ReviewedPlan(plan_digest(reviewed)))
    judged = verdict(digest_only, seen(digest_only.check(True), rest), True, "abc1234", "default")
    assert judged is not None and judged.state == DIFFERS and judged.refused


def test_the_verdicts_say_what_happened_and_which_refuse() -> None:
    current = canonical(1, "Edited")
    reviewed = canonical(1)
    cases = {
        MATCHED: ReviewLookup(7, ReviewedPlan(plan_digest(current), current)),
        DIFFERS: ReviewLookup(7, ReviewedPlan(plan_digest(reviewed), reviewed)),
        NOT_REVIEWED: ReviewLookup(7),
        NO_PULL_REQUEST: ReviewLookup(),
        UNKNOWN: ReviewLookup(error="HTTP 403: Resource not accessible by integration"),
    }
    for state, lookup in cases.items():
        required = verdict(lookup, seen(lookup.check(True), current), True, "abc1234", "default")
        optional = verdict(lookup, seen(lookup.check(False), current), False, "abc1234", "default")
        assert required is not None and optional is not None
        assert required.state == optional.state == state
        assert required.refused is (state != MATCHED)
        assert optional.refused is False
    differs = verdict(cases[DIFFERS], seen(DigestCheck(None), current), True, "abc1234", "default")
    assert differs is not None and differs.differences[0] == "acme/bot-00000: update, with different values"
    assert "commit abc1234 came from no merged pull request" in str(
        verdict(cases[NO_PULL_REQUEST], seen(DigestCheck(None), current), True, "abc1234", "default"))


def test_no_verdict_when_the_run_ended_before_any_plan() -> None:
    assert verdict(ReviewLookup(7), DigestCheck(None), True, "abc1234", "default") is None
