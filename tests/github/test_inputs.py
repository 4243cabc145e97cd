"""Inputs arrive as INPUT_* strings; each is checked and named when wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import pytest
import yaml

from inferencekey_ensure.github.inputs import InputError, env_name, read_inputs


def test_defaults_when_nothing_is_set() -> None:
    inputs = read_inputs({})
    assert inputs.specs == ("inferencekey/",)
    assert (inputs.mode, inputs.on_drift, inputs.comment, inputs.comment_key) == ("preview", "reconcile", "on-change", "default")
    assert not (inputs.fail_on_drift or inputs.wait or inputs.prune)
    assert inputs.sdk_token is None and inputs.wait_timeout_s == 600


def test_every_input_is_read_from_its_variable() -> None:
    env = {
        env_name("specs"): "inferencekey/\n\n  more/*.yaml  \n",
        env_name("mode"): "Reconcile",
        env_name("on-drift"): "warn",
        env_name("project"): "acme",
        env_name("sdk-token"): " ik_sdk_x_y ",
        env_name("base-url"): "http://127.0.0.1:1",
        env_name("github-token"): "ghs_x",
        env_name("comment"): "always",
        env_name("comment-key"): "production/eu",
        env_name("fail-on-drift"): "TRUE",
        env_name("wait"): "yes",
        env_name("wait-timeout"): "90.5",
        env_name("prune"): "false",
        env_name("working-directory"): "infra",
        env_name("drift-issue"): "true",
    }
    inputs = read_inputs(env)
    assert inputs.specs == ("inferencekey/", "more/*.yaml")
    assert (inputs.mode, inputs.on_drift, inputs.project, inputs.sdk_token) == ("reconcile", "warn", "acme", "ik_sdk_x_y")
    assert (inputs.comment, inputs.comment_key, inputs.fail_on_drift, inputs.wait) == ("always", "production/eu", True, True)
    assert (inputs.wait_timeout_s, inputs.prune, inputs.working_directory) == (90.5, False, "infra")
    assert inputs.drift_issue is True
    assert inputs.secrets == ["ik_sdk_x_y", "ghs_x"]


def test_the_token_may_come_from_the_environment_instead() -> None:
    assert read_inputs({"INFERENCEKEY_SDK_TOKEN": "ik_sdk_a_b"}).sdk_token == "ik_sdk_a_b"


def test_repr_never_shows_a_token() -> None:
    assert "ik_sdk_" not in repr(read_inputs({env_name("sdk-token"): "ik_sdk_abc_secret"}))


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("mode", "deploy", "input `mode` must be one of preview, reconcile"),
        ("comment", "sometimes", "input `comment` must be one of on-change, always, never"),
        ("on-drift", "explode", "input `on-drift` must be one of"),
        ("fail-on-drift", "maybe", "input `fail-on-drift` must be true or false"),
        ("drift-issue", "weekly", "input `drift-issue` must be true or false"),
        ("wait-timeout", "soon", "input `wait-timeout` must be a number of seconds"),
        ("wait-timeout", "-1", "must be more than 0 seconds"),
        ("wait-timeout", "nan", "must be more than 0 seconds"),
        ("comment-key", "a key with spaces", "input `comment-key` must be 1-64 letters"),
        ("comment-key", "x" * 65, "input `comment-key` must be 1-64 letters"),
        ("prune-limit", "many", "input `prune-limit` must be a whole number of 1 or more"),
        ("prune-limit", "0", "input `prune-limit` must be a whole number of 1 or more"),
        ("prune-limit", "-2", "input `prune-limit` must be a whole number of 1 or more"),
    ],
)
def test_unusable_inputs_are_named(name: str, value: str, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        read_inputs({env_name(name): value})


def test_prune_limit_defaults_to_3_and_is_read_as_a_count() -> None:
    assert read_inputs({}).prune_limit == 3
    assert read_inputs({env_name("prune"): "true", env_name("prune-limit"): " 12 "}).prune_limit == 12


@pytest.mark.parametrize("prune", [None, "false"])
def test_prune_limit_without_prune_is_an_input_error_naming_both(prune: Optional[str]) -> None:
    env = {env_name("prune-limit"): "12", **({env_name("prune"): prune} if prune else {})}
    with pytest.raises(InputError, match="input `prune-limit` needs `prune: true`"):
        read_inputs(env)


def test_the_action_sets_no_prune_limit_unless_the_workflow_does() -> None:
    # A default in action.yml would reach every run, and a limit set without prune could not be told apart.
    action = yaml.safe_load((Path(__file__).resolve().parents[2] / "action.yml").read_text(encoding="utf-8"))
    assert action["inputs"]["prune-limit"].get("default", "") == ""
