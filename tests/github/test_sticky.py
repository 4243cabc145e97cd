"""Which comment is ours, and whether to create, edit or leave it."""

from __future__ import annotations

from inferencekey_ensure.github.comments_api import IssueComment
from inferencekey_ensure.github.sticky import ALWAYS, CREATE, NEVER, ON_CHANGE, SKIP, UPDATE, decide, find_ours

MARKER = "<!-- ik-ensure:comment-key=default -->"


def comment(comment_id: int, body: str, author_type: str = "Bot") -> IssueComment:
    return IssueComment(comment_id, body, f"https://github.example/c/{comment_id}", author_type)


def test_ours_is_the_comment_that_starts_with_the_marker_for_our_key() -> None:
    comments = [
        comment(1, "LGTM", "User"),
        comment(2, "<!-- ik-ensure:comment-key=staging -->\nstaging report"),
        comment(3, f"> {MARKER}\nquoted by a reviewer", "User"),
        comment(4, f"{MARKER}\nour report"),
    ]
    assert find_ours(comments, MARKER) == comments[3]


def test_a_bots_comment_wins_over_a_users_copy_and_the_oldest_over_later_duplicates() -> None:
    user_copy = comment(1, f"{MARKER}\nfake", "User")
    first, duplicate = comment(2, f"{MARKER}\na"), comment(3, f"{MARKER}\nb")
    assert find_ours([user_copy, first, duplicate], MARKER) == first
    assert find_ours([user_copy], MARKER) == user_copy
    assert find_ours([], MARKER) is None


def test_never_never_comments() -> None:
    assert decide(NEVER, comment(1, MARKER), "new", worth_reporting=True).action == SKIP


def test_an_existing_comment_is_edited_even_when_drift_is_gone() -> None:
    for policy in (ON_CHANGE, ALWAYS):
        decision = decide(policy, comment(9, f"{MARKER}\nold drift"), f"{MARKER}\nno changes", worth_reporting=False)
        assert (decision.action, decision.comment_id) == (UPDATE, 9)


def test_an_identical_comment_is_left_alone() -> None:
    body = f"{MARKER}\nsame"
    assert decide(ON_CHANGE, comment(9, body), body, worth_reporting=True).action == SKIP


def test_on_change_creates_only_when_there_is_something_to_report() -> None:
    assert decide(ON_CHANGE, None, "body", worth_reporting=True).action == CREATE
    assert decide(ON_CHANGE, None, "body", worth_reporting=False).action == SKIP


def test_always_creates_a_comment_even_without_changes() -> None:
    assert decide(ALWAYS, None, "body", worth_reporting=False).action == CREATE
