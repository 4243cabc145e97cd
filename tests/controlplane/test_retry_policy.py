from __future__ import annotations

from email.utils import formatdate

import pytest

from inferencekey_ensure.controlplane.retry import (
    Delivery,
    RetryPolicy,
    is_transient_status,
    may_have_been_processed,
)
from inferencekey_ensure.pacing import parse_retry_after


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_rate_limit_and_gateway_failures_are_transient(status: int) -> None:
    assert is_transient_status(status)


@pytest.mark.parametrize("status", [200, 400, 401, 403, 404, 409, 500])
def test_client_errors_and_500_are_permanent(status: int) -> None:
    assert not is_transient_status(status)


def test_backoff_is_full_jitter_under_an_exponential_ceiling_capped_at_max_delay() -> None:
    policy = RetryPolicy(base_delay_s=0.5, max_delay_s=3.0)
    assert policy.backoff_s(1, 0.0) == 0.0
    assert policy.backoff_s(1, 0.5) == pytest.approx(0.25)
    assert policy.backoff_s(2, 0.5) == pytest.approx(0.5)
    assert policy.backoff_s(3, 0.5) == pytest.approx(1.0)
    assert policy.backoff_s(4, 0.999) < 3.0
    assert policy.backoff_s(10, 0.5) == pytest.approx(1.5)


def test_backoff_stays_finite_for_huge_attempt_counts() -> None:
    policy = RetryPolicy(max_attempts=10_000, max_delay_s=8.0)
    assert policy.backoff_s(5_000, 1.0) == 8.0


def test_gives_up_once_max_attempts_have_failed() -> None:
    policy = RetryPolicy(max_attempts=3)
    assert policy.delay_before_retry(failed_attempts=2, elapsed_s=0, retry_after_s=None, rand=0.5) is not None
    assert policy.delay_before_retry(failed_attempts=3, elapsed_s=0, retry_after_s=None, rand=0.5) is None


def test_retry_after_wins_over_the_computed_backoff() -> None:
    policy = RetryPolicy(max_delay_s=1.0)
    assert policy.delay_before_retry(failed_attempts=1, elapsed_s=0, retry_after_s=7.0, rand=0.5) == 7.0


def test_gives_up_now_when_the_wait_would_overrun_the_total_budget() -> None:
    policy = RetryPolicy(max_attempts=100, total_budget_s=10.0)
    assert policy.delay_before_retry(failed_attempts=1, elapsed_s=5.0, retry_after_s=6.0, rand=0.5) is None
    assert policy.delay_before_retry(failed_attempts=1, elapsed_s=5.0, retry_after_s=5.0, rand=0.5) == 5.0


@pytest.mark.parametrize(
    "policy_args",
    [{"max_attempts": 0}, {"total_budget_s": -1.0}, {"base_delay_s": -0.1}, {"max_delay_s": -2.0}],
)
def test_nonsensical_policies_are_refused(policy_args: dict) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**policy_args)


def test_retry_after_in_seconds() -> None:
    assert parse_retry_after("12", now=0.0) == 12.0
    assert parse_retry_after(" 0 ", now=0.0) == 0.0


def test_retry_after_as_http_date_is_measured_from_now() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after(formatdate(now + 30, usegmt=True), now=now) == pytest.approx(30.0)


def test_retry_after_in_the_past_means_retry_now() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after(formatdate(now - 300, usegmt=True), now=now) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "1.5e3", "Mon, 99 Foo 2020 99:99:99 GMT"])
def test_unreadable_retry_after_gives_no_advice(value: object) -> None:
    assert parse_retry_after(value, now=0.0) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "delivery, status, processed",
    [
        (Delivery.NOT_SENT, None, False),
        (Delivery.MAYBE_SENT, None, True),
        (Delivery.ANSWERED, 429, False),
        (Delivery.ANSWERED, 400, False),
        (Delivery.ANSWERED, 409, False),
        (Delivery.ANSWERED, 500, True),
        (Delivery.ANSWERED, 502, True),
        (Delivery.ANSWERED, 503, True),
        (Delivery.ANSWERED, 504, True),
        (Delivery.ANSWERED, 200, True),
    ],
)
def test_only_requests_that_never_reached_a_handler_count_as_unprocessed(
    delivery: Delivery, status: object, processed: bool
) -> None:
    assert may_have_been_processed(delivery, status) is processed  # type: ignore[arg-type]
