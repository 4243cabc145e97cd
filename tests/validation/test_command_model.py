"""A ``command`` that serves another model than ``model`` warns at the command's line:
changing ``model`` alone leaves the old model running."""

from __future__ import annotations

import pytest

from inferencekey_ensure.validation.workload_rules import served_model
from support.validation import check

SPEC = "name: Chat\nslug: chat\nbackend: {backend}\nmodel: {model}\ncommand: {command}\n"


@pytest.mark.parametrize(("command", "served"), [
    ("vllm serve Qwen/Qwen3-8B --port 8000", "Qwen/Qwen3-8B"),
    ("/opt/venv/bin/vllm serve Qwen/Qwen3-8B", "Qwen/Qwen3-8B"),
    ("vllm serve --model Qwen/Qwen3-8B", "Qwen/Qwen3-8B"),
    ("python -m vllm.entrypoints.openai.api_server --model=Qwen/Qwen3-8B", None),
    ("llama-server -m /models/qwen3-8b-q4_k_m.gguf -ngl 99", "/models/qwen3-8b-q4_k_m.gguf"),
    ("llama-server --model /models/a.gguf", "/models/a.gguf"),
    ("llama-server -hf unsloth/Qwen3-8B-GGUF:Q4_K_M", "unsloth/Qwen3-8B-GGUF:Q4_K_M"),
    ("llama-server --hf-repo=unsloth/Qwen3-8B-GGUF", "unsloth/Qwen3-8B-GGUF"),
    ("-ngl 99 --ctx-size 8192", None),
    ("vllm serve 'unclosed", "'unclosed"),
])
def test_the_served_model_is_read_from_the_command(command, served):
    assert served_model(command) == served


@pytest.mark.parametrize(("backend", "model", "command"), [
    ("vllm", "Qwen/Qwen3-8B", "vllm serve Qwen/Qwen2.5-7B-Instruct"),
    ("llamacpp", "unsloth/Qwen3-8B-GGUF", "llama-server -hf unsloth/Qwen2.5-7B-Instruct-GGUF:Q4_K_M"),
    ("vllm", "Qwen/Qwen3-8B", "vllm serve --model Qwen/Qwen2.5-7B-Instruct"),
])
def test_a_command_serving_another_model_warns_at_the_command(tmp_path, backend, model, command):
    (problem,) = check(tmp_path, "s.yaml", SPEC.format(backend=backend, model=model, command=command))
    assert (problem.line, problem.column, problem.json_path) == (5, 10, "$.command")
    assert (problem.rule, problem.severity) == ("command-model", "warning")
    assert f"but `model` is '{model}'" in problem.message


@pytest.mark.parametrize(("backend", "model", "command"), [
    ("vllm", "Qwen/Qwen3-8B", "vllm serve Qwen/Qwen3-8B --max-model-len 8192"),
    ("vllm", "Qwen/Qwen3-8B", "vllm serve qwen/qwen3-8b"),
    ("llamacpp", "unsloth/Qwen3-8B-GGUF", "llama-server -hf unsloth/Qwen3-8B-GGUF:Q4_K_M"),
    # A file on the worker: which model it holds cannot be told from its name, so no guess.
    ("llamacpp", "unsloth/Qwen3-8B-GGUF", "llama-server -m /models/Qwen3-8B-Q4_K_M.gguf"),
    ("llamacpp", "unsloth/Qwen3-8B-GGUF", "llama-server -m /models/qwen2.5-7b-instruct-q4_k_m.gguf"),
    ("llamacpp", "unsloth/Qwen3-8B-GGUF", "-ngl 99"),
    ("vllm", "Qwen/Qwen3-8B", "vllm serve $MODEL"),
])
def test_a_command_serving_the_model_or_naming_none_is_fine(tmp_path, backend, model, command):
    problems = check(tmp_path, "s.yaml", SPEC.format(backend=backend, model=model, command=f'"{command}"'))
    assert [p.rule for p in problems if p.rule == "command-model"] == []
