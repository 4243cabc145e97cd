"""What validate says about values people copy from SDK code: enum members, environment variables, ``config``."""

from __future__ import annotations

import pytest

from support.validation import MINIMAL, check


@pytest.mark.parametrize("field, written, value", [
    ("backend", "Backend.VLLM", "vllm"),
    ("backend", "Backend.VLLM_OMNI", "vllm-omni"),
    ("backend", "Backend.VllmOmni", "vllm-omni"),
    ("backend", "Backend.STABLE_DIFFUSION_CPP", "stablediffusioncpp"),
    ("task_type", "TaskType.TEXT2TEXT", "text2text"),
    ("task_type", "TaskType.EMBEDDING", "embedding"),
    ("execution_policy", "ExecutionPolicy.FIXED", "fixed"),
    ("on_drift", "OnDrift.RECONCILE", "reconcile"),
    ("on_drift", "OnDrift.DRY_RUN", "dry_run"),
])
def test_an_sdk_enum_member_is_an_error_offering_its_value(tmp_path, field, written, value):
    text = MINIMAL.replace("backend: vllm\n", "") + ("backend: vllm\n" if field != "backend" else "") + f"{field}: {written}\n"
    problems = [problem for problem in check(tmp_path, "s.yaml", text) if problem.json_path == f"$.{field}"]
    assert [(problem.rule, problem.severity) for problem in problems] == [("sdk-spelling", "error")]
    assert problems[0].message == f"`{written}` is the SDK's enum member; a spec file takes its value: write `{value}`"


def test_an_unknown_enum_member_still_gets_the_list_of_values(tmp_path):
    (problem,) = check(tmp_path, "s.yaml", MINIMAL + "task_type: TaskType.SPEECH\n")
    assert problem.rule == "schema" and "expected one of: text2text" in problem.message


@pytest.mark.parametrize("written, variable", [("${WORKER_ID}", "WORKER_ID"), ("$WORKER_ID", "WORKER_ID"), ("%WORKER_ID%", "WORKER_ID")])
def test_an_environment_variable_in_an_id_is_an_error_naming_it(tmp_path, written, variable):
    (problem,) = check(tmp_path, "s.yaml", MINIMAL + f"worker_id: '{written}'\n")
    assert (problem.line, problem.json_path, problem.rule, problem.severity) == (5, "$.worker_id", "interpolation", "error")
    assert f"reads the environment variable {variable}, but spec files are not interpolated" in problem.message
    assert problem.message.endswith("write the literal value instead")


def test_an_environment_variable_as_the_project_points_at_the_action_input(tmp_path):
    (problem,) = check(tmp_path, "s.yaml", "project: ${INFERENCEKEY_PROJECT}\nworkloads:\n  - name: A\n    slug: a\n    model: m\n    backend: vllm\n")
    assert (problem.json_path, problem.severity) == ("$.project", "error")
    assert "set the action's `project` input" in problem.message


def test_an_environment_variable_inside_the_policy_config_is_an_error(tmp_path):
    problems = check(tmp_path, "s.yaml", MINIMAL + (
        "execution_policy: autoscaling\nexecution_policy_config:\n  workers:\n    source: private\n"
        "    private_worker_ids: [\"${WORKER_ID}\"]\n"
    ))
    assert [(p.json_path, p.severity) for p in problems] == [("$.execution_policy_config.workers.private_worker_ids[0]", "error")]


def test_an_environment_variable_in_a_command_is_only_a_warning(tmp_path):
    (problem,) = check(tmp_path, "s.yaml", MINIMAL + "command: vllm serve Qwen/Qwen2.5-7B-Instruct --port $PORT\n")
    assert (problem.json_path, problem.rule, problem.severity) == ("$.command", "interpolation", "warning")


def test_dollar_amounts_and_percentages_are_not_variables(tmp_path):
    assert check(tmp_path, "s.yaml", MINIMAL + "description: costs $5 at 100% load\n") == []


def test_a_config_that_will_not_be_sent_is_a_warning_at_the_key(tmp_path):
    (problem,) = check(tmp_path, "s.yaml", MINIMAL + "config:\n  sglang_version: '0.5.14'\n")
    assert (problem.line, problem.column, problem.json_path) == (5, 1, "$.config")
    assert (problem.rule, problem.severity) == ("unsent", "warning")
    assert "`config` is not sent to the platform (as in the official SDK)" in problem.message
