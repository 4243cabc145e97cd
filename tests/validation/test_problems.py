"""What ``ik-ensure validate`` says about each kind of mistake, and where it points."""

from __future__ import annotations

import textwrap

import pytest

from inferencekey_ensure.specset.validate import validate_paths
from support.cli import run_cli
from support.validation import MINIMAL, check, write

from .corpus import INVALID_WORKLOADS


def located(problems):
    return [(p.line, p.column, p.json_path, p.rule, p.severity) for p in problems]


@pytest.mark.parametrize("name, document, path", INVALID_WORKLOADS, ids=[case[0] for case in INVALID_WORKLOADS])
def test_every_invalid_workload_gets_an_error_at_the_offending_path(tmp_path, name, document, path):
    import json

    problems = check(tmp_path, "spec.json", json.dumps(document, indent=1))
    assert any(problem.is_error and problem.json_path == path for problem in problems), problems


def test_a_misspelt_field_is_reported_at_its_name_with_a_suggestion(tmp_path):
    (problem,) = check(tmp_path, "s.yaml", MINIMAL + "modle: x\n")
    assert located([problem]) == [(5, 1, "$.modle", "schema", "error")]
    assert problem.message == "unknown field 'modle'; did you mean 'model'?"


def test_an_unknown_field_without_a_near_name_lists_the_allowed_ones(tmp_path):
    (problem,) = check(tmp_path, "s.yaml", MINIMAL + "gpu: big\n")
    assert "unknown field 'gpu' (allowed: name, slug, model, backend" in problem.message


def test_a_missing_required_field_points_at_the_start_of_its_workload(tmp_path):
    problems = check(tmp_path, "s.yaml", """\
        project: demo
        workloads:
          - name: Chat
            slug: chat
            model: m
          - name: Other
        """)
    assert located(problems) == [
        (3, 5, "$.workloads[0]", "schema", "error"),
        (6, 5, "$.workloads[1]", "schema", "error"),
        (6, 5, "$.workloads[1]", "schema", "error"),
        (6, 5, "$.workloads[1]", "schema", "error"),
    ]
    assert problems[0].message == "missing required field 'backend'"


def test_a_misspelt_workloads_key_is_not_mistaken_for_one_workload(tmp_path):
    (problem,) = check(tmp_path, "s.yaml", "project: demo\nworkload:\n  - name: x\n")
    assert problem.message.startswith("unknown field 'workload'; did you mean 'workloads'?")


def test_a_near_miss_backend_is_an_error_with_a_suggestion(tmp_path):
    (problem,) = check(tmp_path, "s.yaml", MINIMAL.replace("backend: vllm", "backend: vlm"))
    assert located([problem]) == [(4, 10, "$.backend", "backend", "error")]
    assert problem.message == "'vlm' is not a known backend; did you mean 'vllm'?"


@pytest.mark.parametrize("backend, native", [("llama-cpp", "llamacpp"), ("olama", "ollama"), ("sg-lang", "sglang")])
def test_custom_backend_names_one_typo_from_a_native_engine_are_refused(tmp_path, backend, native):
    (problem,) = check(tmp_path, "s.yaml", MINIMAL.replace("backend: vllm", f"backend: {backend}"))
    assert problem.rule == "backend" and f"did you mean '{native}'" in problem.message


def test_a_real_custom_backend_slug_is_fine(tmp_path):
    assert check(tmp_path, "s.yaml", MINIMAL.replace("backend: vllm", "backend: kokoro-tts")) == []


def test_a_backend_that_is_not_a_slug_says_what_is_expected(tmp_path):
    (problem,) = check(tmp_path, "s.yaml", MINIMAL.replace("backend: vllm", "backend: Llama.CPP"))
    assert problem.message == (
        "'Llama.CPP' is not a native backend (ollama, vllm, vllm-omni, sglang, llamacpp, stablediffusioncpp) "
        "nor a custom backend slug (lower-case letters and digits, words joined by single '-'); did you mean 'llamacpp'?"
    )


def test_an_unknown_enum_value_suggests_the_closest_one(tmp_path):
    (problem,) = check(tmp_path, "s.yaml", MINIMAL + "task_type: embeddings\n")
    assert problem.message.startswith("'embeddings' is not a valid task_type; did you mean 'embedding'? (expected one of: text2text,")


def test_an_unquoted_version_is_a_coercion_error_telling_to_quote_it(tmp_path):
    (problem,) = check(tmp_path, "s.yaml", MINIMAL + "vllm_version: 0.10\n")
    assert located([problem]) == [(5, 15, "$.vllm_version", "coercion", "error")]
    assert problem.message == '`0.10` is read as the number 0.1 (YAML 1.1), not a string; quote it: "0.10"'


@pytest.mark.parametrize("text, read_as", [
    ("yes", "the boolean true"), ("off", "the boolean false"), ("0755", "the integer 493"), ("1:30", "the integer 90"), ("~", "null"),
])
def test_yaml_11_guesses_in_string_fields_must_be_quoted(tmp_path, text, read_as):
    (problem,) = check(tmp_path, "s.yaml", MINIMAL.replace("name: Chat", f"name: {text}"))
    assert problem.rule == "coercion" and f"`{text}` is read as {read_as}" in problem.message and "quote it" in problem.message


def test_json_files_get_plain_type_errors_not_yaml_hints(tmp_path):
    (problem,) = check(tmp_path, "s.json", '{"name": "a", "slug": "a", "model": "m", "backend": "vllm", "vllm_version": 0.1}')
    assert (problem.rule, problem.message) == ("schema", "expected a string, got the number 0.1")


def test_ambiguous_yaml_in_free_form_values_is_a_warning(tmp_path):
    problems = check(tmp_path, "s.yaml", MINIMAL + "config:\n  trust_remote_code: yes\n  mode: 0644\n  ratio: 1e3\n  ok: true\n")
    assert [(p.json_path, p.rule, p.severity) for p in problems] == [
        ("$.config", "unsent", "warning"),
        ("$.config.trust_remote_code", "yaml-1.1", "warning"),
        ("$.config.mode", "yaml-1.1", "warning"),
        ("$.config.ratio", "yaml-1.1", "warning"),
    ]
    assert "the integer 420 here (YAML 1.1) but as the integer 644 by YAML 1.2 tools" in problems[2].message


def test_a_slug_that_canonicalises_to_nothing_is_refused(tmp_path):
    (problem,) = check(tmp_path, "s.yaml", MINIMAL.replace("slug: chat", "slug: '--- ...'"))
    assert (problem.rule, problem.json_path) == ("slug", "$.slug")
    assert "canonicalises to an empty slug" in problem.message


def test_min_and_max_replicas_are_refused_with_the_right_keys_named(tmp_path):
    problems = check(tmp_path, "s.yaml", MINIMAL + "execution_policy: autoscaling\nexecution_policy_config:\n"
                     "  min_replicas: 1\n  max_replicas: 3\n  max_hourly_cost_usd: 2\n")
    assert [(p.line, p.column, p.json_path) for p in problems] == [
        (7, 3, "$.execution_policy_config.min_replicas"), (8, 3, "$.execution_policy_config.max_replicas"),
    ]
    assert problems[0].message.startswith("field 'min_replicas' is refused: use `min_workers` instead")
    assert "use `max_workers` instead" in problems[1].message


def test_autoscaling_cloud_pool_rules(tmp_path):
    problems = check(tmp_path, "s.yaml", MINIMAL + textwrap.dedent("""\
        execution_policy: autoscaling
        execution_policy_config:
          min_workers: 3
          max_workers: 1
          workers:
            source: cloud
            cloud_pool:
              gpu_pool: []
        """))
    messages = {(p.json_path, p.message) for p in problems}
    assert any(
        where == "$.execution_policy_config" and "needs max_hourly_cost_usd above 0" in message for where, message in messages
    )
    assert ("$.execution_policy_config.workers.cloud_pool.gpu_pool", "must not be empty") in messages
    assert ("$.execution_policy_config.max_workers", "max_workers (1) is below min_workers (3)") in messages


def test_a_scheduled_policy_needs_cron_or_window(tmp_path):
    (problem,) = check(tmp_path, "s.yaml", MINIMAL + "execution_policy: scheduled\nexecution_policy_config:\n  timezone: UTC\n")
    assert (problem.json_path, problem.message) == ("$.execution_policy_config", "needs 'cron' or 'window'")


def test_a_misspelt_policy_key_is_a_warning_since_other_keys_pass_through(tmp_path):
    (problem,) = check(tmp_path, "s.yaml", MINIMAL + "execution_policy: fixed\nexecution_policy_config:\n  replicas: 1\n  replica: 2\n")
    assert (problem.rule, problem.severity) == ("unknown-key", "warning")
    assert "did you mean 'replicas'?" in problem.message


def test_a_key_of_another_policy_kind_is_an_error_since_the_platform_refuses_it(tmp_path):
    (problem,) = check(tmp_path, "s.yaml", MINIMAL + "execution_policy: autoscaling\nexecution_policy_config:\n"
                       "  replicas: 2\n  max_workers: 2\n  max_hourly_cost_usd: 1\n")
    assert located([problem]) == [(7, 13, "$.execution_policy_config.replicas", "policy", "error")]
    assert problem.message.startswith("'replicas' configures the 'fixed' policy, not 'autoscaling'")


def test_keys_no_policy_kind_uses_still_pass_through(tmp_path):
    assert check(tmp_path, "s.yaml", MINIMAL + "execution_policy: fixed\nexecution_policy_config:\n  replicas: 1\n  zone: eu-west\n") == []


@pytest.mark.parametrize("where, text", [
    ("$.command", "command: vllm serve m --api-key ik_sdk_abcd1234_Zq9secretpart0000\n"),
    ("$.description", "description: ik_live_abcd1234_Zq9secretpart0000\n"),
    ("$.config.env[0].value", "config:\n  env:\n    - value: ik_sdk_abcd1234_Zq9secretpart0000\n"),
    ("$.config['ik_live_\u2026']", "config:\n  ik_live_abcd1234_Zq9secretpart0000: 1\n"),
])
def test_credentials_anywhere_are_errors_that_never_echo_the_secret(tmp_path, capsys, where, text):
    problems = validate_paths([str(write(tmp_path, "s.yaml", MINIMAL + text))]).problems
    secret = [p for p in problems if p.rule == "secret"]
    assert [p.json_path for p in secret] == [where]
    for output_format in ("text", "json", "github"):
        _, out, err = run_cli(capsys, "validate", "--format", output_format, str(tmp_path / "s.yaml"))
        assert "Zq9secretpart0000" not in out + err


def test_two_workloads_whose_slugs_canonicalise_alike_collide_at_the_second(tmp_path):
    write(tmp_path, "a.yaml", "project: demo\nworkloads:\n  - {name: A, slug: Support Bot, model: m, backend: vllm}\n")
    write(tmp_path, "b.yaml", "project: demo\nworkloads:\n  - {name: B, slug: support-bot, model: m, backend: vllm}\n")
    write(tmp_path, "c.yaml", "project: other\nworkloads:\n  - {name: C, slug: support-bot, model: m, backend: vllm}\n")
    (problem,) = validate_paths([str(tmp_path)]).problems
    assert (problem.path.endswith("b.yaml"), problem.line, problem.column, problem.rule) == (True, 3, 21, "slug-collision")
    assert problem.message.endswith(f"already used in project 'demo' by the workload at {tmp_path.as_posix()}/a.yaml:3:21")


def test_a_workload_project_wins_over_the_file_project_for_collisions(tmp_path):
    write(tmp_path, "a.yaml", "project: demo\nworkloads:\n  - {name: A, slug: bot, model: m, backend: vllm, project: other}\n"
          "  - {name: B, slug: bot, model: m, backend: vllm}\n")
    assert validate_paths([str(tmp_path)]).problems == []


def test_workloads_without_any_project_share_the_default_project(tmp_path):
    write(tmp_path, "a.yaml", MINIMAL)
    write(tmp_path, "b.yaml", MINIMAL.replace("slug: chat", "slug: Chat"))
    (problem,) = validate_paths([str(tmp_path)]).problems
    assert "the default project" in problem.message and "(canonically 'chat')" in problem.message


@pytest.mark.parametrize("backend", ["ollama", "sglang"])
def test_a_command_on_ollama_or_sglang_is_a_warning(tmp_path, backend):
    (problem,) = check(tmp_path, "s.yaml", MINIMAL.replace("vllm", backend) + "command: serve\n")
    assert (problem.json_path, problem.rule, problem.severity) == ("$.command", "command-unused", "warning")


def test_vllm_version_on_another_backend_is_a_warning(tmp_path):
    (problem,) = check(tmp_path, "s.yaml", MINIMAL.replace("vllm", "sglang") + "vllm_version: '0.10'\n")
    assert (problem.json_path, problem.rule, problem.severity) == ("$.vllm_version", "vllm-version-unused", "warning")


def test_vllm_version_on_a_custom_backend_is_fine_since_it_may_run_vllm(tmp_path):
    assert check(tmp_path, "s.yaml", MINIMAL.replace("vllm", "my-vllm-fork") + "vllm_version: '0.10'\n") == []


def test_a_llamacpp_command_must_launch_llama_server(tmp_path):
    problems = check(tmp_path, "s.yaml", MINIMAL.replace("vllm", "llamacpp") + "command: ./main -m x.gguf\n")
    assert [(p.rule, p.severity) for p in problems] == [("llamacpp-command", "warning")]


def test_a_stray_document_separator_is_an_empty_document_error(tmp_path):
    (problem,) = check(tmp_path, "s.yaml", MINIMAL + "---\n")
    assert (problem.line, problem.rule) == (5, "empty")


def test_every_document_of_a_multi_document_file_is_checked(tmp_path):
    problems = check(tmp_path, "s.yaml", MINIMAL + "---\n" + MINIMAL.replace("chat", "other").replace("vllm", "vlm"))
    assert located(problems) == [(9, 10, "$.backend", "backend", "error")]


def test_a_document_that_is_not_a_mapping_says_what_a_spec_is(tmp_path):
    (problem,) = check(tmp_path, "s.yaml", "- name: a\n")
    assert problem.message == "a spec document must be a mapping (one workload's fields, or `workloads: [...]`), not a list"


def test_problems_of_every_file_are_reported_in_one_run(tmp_path):
    write(tmp_path, "a.yaml", MINIMAL + "modle: x\n")
    write(tmp_path, "b.yaml", MINIMAL.replace("vllm", "vlm").replace("slug: chat", "slug: other"))
    write(tmp_path, "c.json", "{")
    run = validate_paths([str(tmp_path)])
    assert [p.path.rsplit("/", 1)[1] for p in run.problems] == ["a.yaml", "b.yaml", "c.json"]
    assert (run.errors, run.warnings, len(run.files), len(run.workloads)) == (3, 0, 3, 2)


def test_every_example_is_valid_without_warnings():
    from support.validation import EXAMPLES

    run = validate_paths([str(EXAMPLES)])
    assert run.problems == []
    assert (len(run.files), len(run.workloads)) == (8, 9)


def test_a_llamacpp_command_of_server_flags_only_is_fine_as_in_the_official_examples(tmp_path):
    assert check(tmp_path, "s.yaml", MINIMAL.replace("vllm", "llamacpp") + "command: -ngl 99 -c 4096\n") == []


def test_a_word_starting_a_credential_prefix_inside_a_value_is_a_secret_error(tmp_path):
    (problem,) = check(tmp_path, "s.yaml", MINIMAL + "command: vllm serve Qwen/Qwen2.5-7B-Instruct --api-key ik_live_secret\n")
    assert (problem.json_path, problem.rule, problem.severity) == ("$.command", "secret", "error")
    assert "ik_live_secret" not in problem.message


def test_a_bare_credential_prefix_mentioned_in_text_is_no_secret(tmp_path):
    assert check(tmp_path, "s.yaml", MINIMAL + "description: see the ik_live_ docs\n") == []
