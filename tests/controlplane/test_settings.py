from __future__ import annotations

import inspect
import re

import pytest

from inferencekey_ensure.controlplane.errors import ConfigurationError, CredentialRefused, PermissionDenied
from inferencekey_ensure.controlplane.retry import RetryPolicy
from inferencekey_ensure.controlplane.settings import DEFAULT_BASE_URL, resolve_settings
from support.loopback import ScriptedServer

from .conftest import SECRET_TAIL, TOKEN

ENV = {"INFERENCEKEY_SDK_TOKEN": TOKEN}


def test_explicit_base_url_beats_the_environment_which_beats_the_default() -> None:
    env = {**ENV, "INFERENCEKEY_BASE_URL": "http://127.0.0.1:9/from-env"}
    assert resolve_settings("http://127.0.0.1:8", env).base_url == "http://127.0.0.1:8"
    assert resolve_settings(None, env).base_url == "http://127.0.0.1:9/from-env"
    assert resolve_settings("", env).base_url == "http://127.0.0.1:9/from-env"
    assert resolve_settings(None, ENV).base_url == DEFAULT_BASE_URL


def test_trailing_slashes_are_trimmed_from_the_base_url() -> None:
    assert resolve_settings("http://127.0.0.1:8/prefix///", ENV).base_url == "http://127.0.0.1:8/prefix"


@pytest.mark.parametrize("url", ["ftp://127.0.0.1", "127.0.0.1:8080", "http://", "not a url"])
def test_a_base_url_that_is_not_http_is_refused(url: str) -> None:
    with pytest.raises(ConfigurationError, match="base URL"):
        resolve_settings(url, ENV)


def test_the_token_has_no_parameter_it_comes_only_from_the_environment() -> None:
    parameters = inspect.signature(resolve_settings).parameters
    assert not any("token" in name for name in parameters)
    assert resolve_settings(None, ENV).token == TOKEN


def test_surrounding_whitespace_of_a_pasted_token_is_ignored() -> None:
    assert resolve_settings(None, {"INFERENCEKEY_SDK_TOKEN": f"  {TOKEN}\n"}).token == TOKEN


def test_a_missing_token_is_a_configuration_error_naming_the_variable() -> None:
    with pytest.raises(ConfigurationError) as caught:
        resolve_settings(None, {"INFERENCEKEY_SDK_TOKEN": "  "})
    assert str(caught.value) == "configuration error: INFERENCEKEY_SDK_TOKEN is not set"


def test_a_data_plane_key_is_refused_locally_with_the_sdk_wording(server: ScriptedServer) -> None:
    live = "ik_live_abcd1234_LiveSecretTail999"
    env = {"INFERENCEKEY_SDK_TOKEN": live, "INFERENCEKEY_BASE_URL": server.url}
    with pytest.raises(CredentialRefused) as caught:
        resolve_settings(None, env)
    error = caught.value
    assert str(error).startswith("permission denied [wrong_credential_type]: ")
    assert isinstance(error, PermissionDenied) and isinstance(error, ConfigurationError)
    assert error.code == "wrong_credential_type" and error.category == "permission"
    assert "LiveSecretTail999" not in str(error) + error.fix
    assert server.requests == []


@pytest.mark.parametrize("token", ["sk-abc123def456", "ik_sdkabc", "ik_sdk_ab cd_efgh", "IK_SDK_ABCD_1234"])
def test_a_token_without_the_sdk_prefix_is_refused_before_any_request(token: str) -> None:
    with pytest.raises(CredentialRefused) as caught:
        resolve_settings(None, {"INFERENCEKEY_SDK_TOKEN": token})
    assert str(caught.value).startswith("permission denied [wrong_credential_type]: ")
    assert token not in str(caught.value)


def test_timeouts_and_retry_policy_are_configurable() -> None:
    policy = RetryPolicy(max_attempts=2)
    settings = resolve_settings(None, ENV, connect_timeout=1.5, read_timeout=2.5, retry=policy)
    assert (settings.connect_timeout, settings.read_timeout, settings.retry) == (1.5, 2.5, policy)
    defaults = resolve_settings(None, ENV)
    assert (defaults.connect_timeout, defaults.read_timeout) == (5.0, 30.0)


@pytest.mark.parametrize("value", [0, -1.0, float("nan")])
def test_a_timeout_that_is_not_positive_is_refused(value: float) -> None:
    with pytest.raises(ConfigurationError, match="read timeout"):
        resolve_settings(None, ENV, read_timeout=value)


def test_user_agent_names_the_tool_its_home_and_runtime() -> None:
    agent = resolve_settings(None, ENV).user_agent
    pattern = (
        r"ik-ensure/\d+\.\d+\.\d+\S* \(\+https://github\.com/inferencekey/ensure-action\) "
        r"python/\d+\.\d+ httpx/\S+"
    )
    assert re.fullmatch(pattern, agent)


def test_settings_never_show_the_token_when_printed() -> None:
    settings = resolve_settings(None, ENV)
    for text in (repr(settings), str(settings), f"{settings}"):
        assert SECRET_TAIL not in text
        assert "ik_sdk_t3stt0k3…" in text
