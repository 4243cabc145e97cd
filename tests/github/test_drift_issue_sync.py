"""Which REST login the drift issue is listed under, from GraphQL's login and the token's shape."""

from __future__ import annotations

from inferencekey_ensure.github.drift_issue_sync import rest_logins


def test_an_installation_token_is_an_apps_bot_and_a_personal_token_a_user() -> None:
    assert rest_logins("github-actions", "ghs_x") == ["github-actions[bot]"]
    assert rest_logins("alice", "ghp_x") == ["alice"] == rest_logins("alice", "github_pat_x")


def test_a_login_with_its_suffix_is_taken_as_it_is_and_an_unknown_token_is_tried_both_ways() -> None:
    assert rest_logins("github-actions[bot]", "anything") == ["github-actions[bot]"]
    assert rest_logins("ci", "0123abcd") == ["ci", "ci[bot]"]
