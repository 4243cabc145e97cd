from __future__ import annotations

import copy
import json
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inferencekey_ensure.controlplane.errors import (
    MAX_DETAIL_CHARS,
    ApiError,
    AuthError,
    EnsureError,
    NotFoundError,
    PermissionDenied,
    ValidationError,
    error_for_response,
)

from .conftest import SECRET_TAIL, TOKEN


def _body(code: str, message: str) -> str:
    return json.dumps({"error": {"code": code, "message": message}})


def test_401_is_an_authentication_error_not_a_permission_error() -> None:
    error = error_for_response(401, _body("invalid_token", "token not recognised"))
    assert type(error) is AuthError
    assert str(error) == "authentication failed: token not recognised"
    assert error.category == "auth" and error.code == "invalid_token"


@pytest.mark.parametrize("code", ["wrong_credential_type", "project_scope_mismatch", "scope_insufficient"])
def test_403_keeps_the_code_of_an_error_object_body(code: str) -> None:
    error = error_for_response(403, _body(code, "nope"))
    assert type(error) is PermissionDenied
    assert str(error) == f"permission denied [{code}]: nope"
    assert error.code == code


def test_project_scope_mismatch_fix_points_at_the_other_projects_token_or_the_project_field() -> None:
    error = error_for_response(403, _body("project_scope_mismatch", "scoped to acme"))
    assert "another project" in error.fix and "`project`" in error.fix


@pytest.mark.parametrize(
    "body, code, message",
    [
        ('{"error": "forbidden here"}', "forbidden", "forbidden here"),
        ('{"code": "scope_insufficient", "message": "needs write"}', "scope_insufficient", "needs write"),
        ('{"detail": "not for you"}', "forbidden", "not for you"),
        ('{"error": {"code": "scope_insufficient"}}', "scope_insufficient", "Forbidden"),
        ("plain text refusal", "forbidden", "plain text refusal"),
        ("", "forbidden", "Forbidden"),
        ("[1, 2]", "forbidden", "[1, 2]"),
    ],
)
def test_403_tolerates_other_body_shapes(body: str, code: str, message: str) -> None:
    error = error_for_response(403, body, reason="Forbidden")
    assert isinstance(error, PermissionDenied)
    assert (error.code, str(error)) == (code, f"permission denied [{code}]: {message}")


@pytest.mark.parametrize(
    "status, cls, prefix, transient",
    [
        (400, ValidationError, "bad request: ", False),
        (404, NotFoundError, "not found: ", False),
        (409, ApiError, "api error (status 409): ", False),
        (500, ApiError, "api error (status 500): ", True),
        (503, ApiError, "api error (status 503): ", True),
        (429, ApiError, "api error (status 429): ", True),
    ],
)
def test_other_statuses_map_to_the_sdk_classes_and_message_shapes(
    status: int, cls: type, prefix: str, transient: bool
) -> None:
    error = error_for_response(status, _body("x", "what happened"))
    assert type(error) is cls
    assert str(error) == prefix + "what happened"
    assert error.status == status and error.transient is transient


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 429, 500, 502, 503, 504])
def test_every_error_carries_a_one_sentence_fix(status: int) -> None:
    fix = error_for_response(status, "").fix
    assert fix.endswith(".") and "\n" not in fix and len(fix) > 20


def test_the_attempt_count_is_reported_when_retries_gave_up() -> None:
    assert str(error_for_response(503, "busy", attempts=4)) == (
        "api error (status 503): busy (gave up after 4 attempts)"
    )


def test_long_bodies_are_truncated() -> None:
    error = error_for_response(500, "x" * 5000)
    assert len(str(error)) < MAX_DETAIL_CHARS + 100


def test_a_token_at_the_truncation_point_is_redacted_not_cut() -> None:
    body = "x" * (MAX_DETAIL_CHARS - 20) + TOKEN
    assert SECRET_TAIL[:4] not in str(error_for_response(500, body, secrets=[TOKEN]))


def test_a_configured_token_of_any_shape_is_redacted_from_messages_and_fixes() -> None:
    odd = "ik_sdk_odd-shaped-secret"
    error = EnsureError(f"saw {odd}", code=odd, fix=f"do not paste {odd}", secrets=[odd])
    assert odd not in str(error) + error.fix + error.code


@given(prefix=st.text(max_size=300), suffix=st.text(max_size=300), status=st.sampled_from([400, 401, 403, 404, 500]))
def test_the_token_never_survives_into_any_error_message(prefix: str, suffix: str, status: int) -> None:
    for body in (prefix + TOKEN + suffix, json.dumps({"error": {"code": TOKEN, "message": prefix + TOKEN}})):
        error = error_for_response(status, body, secrets=[TOKEN])
        assert SECRET_TAIL not in str(error) + error.fix + error.code


def test_copies_and_pickles_keep_the_message_and_attributes_exactly() -> None:
    original = error_for_response(403, _body("scope_insufficient", "read-only"), attempts=2)
    for clone in (copy.deepcopy(original), pickle.loads(pickle.dumps(original))):
        assert type(clone) is PermissionDenied
        assert str(clone) == str(original) == "permission denied [scope_insufficient]: read-only (gave up after 2 attempts)"
        assert (clone.code, clone.fix, clone.status, clone.transient) == (
            original.code, original.fix, original.status, original.transient)
