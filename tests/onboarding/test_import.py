"""``ik-ensure import``: live workloads -> spec files that ``plan`` finds nothing to change in."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from inferencekey_ensure.controlplane.settings import BASE_URL_ENV, TOKEN_ENV
from inferencekey_ensure.onboarding.spec_files import MODELINE
from support.cli import run_cli as cli
from support.emulator import READ_ONLY_TOKEN, TOKEN

README = Path(__file__).resolve().parents[2] / "README.md"

ODD_NAMES = [
    "Résumé bot ✓ 日本語", 'He said "hi" \\ bye', "key: value", "- dash first", "#hash first",
    "@at first", "*star", "&anchor", "!tag", "%percent", "`tick`", "> folded", "| literal",
    "[flow]", "{map}", "'single", "? question", ", comma", "yes", "No", "on", "OFF", "null",
    "~", "y", "3.10", "0755", "1e3", "2024-01-01", "1:20", "0x1F", ".inf", "trailing ",
    " leading", "two\nlines", "tab\there", "nul\x00and\x7fdel\x85nel\u2028ls", "=", "<<",
]

# Every shape of execution policy the platform holds, plus custom backends and pins.
SHAPES: List[Dict[str, Any]] = [
    {"slug": "fixed", "backend": "vllm", "execution_policy": "fixed",
     "execution_policy_config": {"replicas": 2}},
    {"slug": "cron", "backend": "vllm", "execution_policy": "scheduled",
     "execution_policy_config": {"cron": "0 9 * * 1-5", "timezone": "Europe/Paris"}},
    {"slug": "window", "backend": "vllm", "execution_policy": "scheduled",
     "execution_policy_config": {"window": "09:00-17:00"}},
    {"slug": "cloud", "backend": "vllm", "execution_policy": "autoscaling",
     "execution_policy_config": {
         "min_workers": 0, "max_workers": 4, "max_hourly_cost_usd": 6.0,
         "workers": {"source": "cloud", "cloud_pool": {
             "gpu_pool": ["NVIDIA L4", "NVIDIA A10G"], "max_hourly_cost_usd": 2.5,
             "max_instances": 4, "allowed_cuda_versions": ["12.4", "12.10"]}}}},
    {"slug": "cloud-int-cost", "backend": "vllm", "execution_policy": "autoscaling",
     "execution_policy_config": {"max_hourly_cost_usd": 6, "min_workers": 1, "max_workers": 1,
                                 "workers": {"source": "cloud", "cloud_pool": {"gpu_pool": ["on"]}}}},
    {"slug": "tiny-cost", "backend": "vllm", "execution_policy": "autoscaling",
     "execution_policy_config": {"max_hourly_cost_usd": 1e-05, "max_workers": 1e20}},
    {"slug": "private", "backend": "vllm", "execution_policy": "autoscaling",
     "execution_policy_config": {"min_workers": 1, "max_workers": 2, "workers": {
         "source": "private", "private_worker_ids": ["wk_01", "0755", "yes"]}}},
    {"slug": "legacy-flat", "backend": "vllm", "execution_policy": "autoscaling",
     "execution_policy_config": {"min_workers": 0, "max_workers": 2, "max_hourly_cost_usd": 3.5,
                                 "gpu_pool": ["NVIDIA L4"], "scale_down_after_s": 300,
                                 "spot": True, "notes": None, "tags": [], "extra": {}}},
    {"slug": "policy-bare", "backend": "vllm", "execution_policy": "fixed"},
    {"slug": "custom-tts", "backend": "kokoro-tts", "task_type": "text2audio",
     "description": "multi\nline: description # not a comment"},
    {"slug": "pinned", "backend": "llamacpp", "worker_id": "1:20", "gpu_resource_id": "0x1F",
     "config": {"command": "llama-server -m /m.gguf --host 0.0.0.0:8080 # x"}},
    {"slug": "versioned", "backend": "vllm", "task_type": "embedding",
     "config": {"command": "vllm serve org/model-7B --port 8000", "vllm_version": "0.10"}},
    {"slug": "empty-description", "backend": "ollama", "description": ""},
]


def _seed(server: Any, project: str, fields: Dict[str, Any], index: int) -> None:
    body = {"name": f"workload {index}", "model_name": "org/model-7B", "task_type": "text2text", **fields}
    server.seed(project, body)


@pytest.fixture
def every_shape(platform: Any) -> Any:
    for index, fields in enumerate(SHAPES):
        _seed(platform, "acme", fields, index)
    for index, name in enumerate(ODD_NAMES):
        _seed(platform, "acme", {"slug": f"odd-{index}", "backend": "ollama", "name": name,
                                 "model_name": name, "description": name}, index)
    return platform


def test_plan_finds_nothing_to_change_in_freshly_imported_files_of_every_shape(every_shape, tmp_path, capsys):
    out = tmp_path / "specs"
    code, stdout, stderr = cli(capsys, "import", "--project", "acme", "--out", out)
    assert code == 0, stderr
    assert stderr == ""
    assert len(list(out.glob("*.yaml"))) == len(SHAPES) + len(ODD_NAMES)
    every_shape.clear_request_log()
    code, stdout, stderr = cli(capsys, "plan", out, "--detailed-exitcode", "--json")
    assert code == 0, stdout + stderr
    document = json.loads(stdout)
    assert document["summary"]["changes"] == 0
    assert {w["action"] for w in document["workloads"]} == {"no-change"}
    assert [r.method for r in every_shape.request_log] == ["GET"]


def test_imported_values_read_back_exactly_as_the_platform_holds_them(every_shape, tmp_path, capsys):
    out = tmp_path / "specs"
    assert cli(capsys, "import", "--project", "acme", "--out", out)[0] == 0
    for live in every_shape.workloads("acme"):
        spec = yaml.safe_load((out / f"{live['slug']}.yaml").read_text(encoding="utf-8"))
        assert spec["name"] == live["name"] and spec["model"] == live["model_name"]
        assert spec.get("execution_policy_config") == live.get("execution_policy_config")
        assert spec.get("description") == live.get("description")
        config = live.get("config") or {}
        assert (spec.get("command"), spec.get("vllm_version")) == (config.get("command"), config.get("vllm_version"))


def test_an_imported_file_has_the_modeline_first_and_only_the_fields_that_are_set(platform, tmp_path, capsys):
    platform.seed("acme", {"name": "Docs", "slug": "docs", "task_type": "text2text", "backend": "vllm",
                           "model_name": "BAAI/bge-m3", "config": {"command": "vllm serve BAAI/bge-m3",
                                                                   "vllm_version": "0.10.1"}})
    assert cli(capsys, "import", "--project", "acme", "--out", tmp_path)[0] == 0
    assert (tmp_path / "docs.yaml").read_text(encoding="utf-8") == (
        f"{MODELINE}\n"
        "project: acme\n"
        "name: Docs\n"
        "slug: docs\n"
        "model: BAAI/bge-m3\n"
        "backend: vllm\n"
        "command: vllm serve BAAI/bge-m3\n"
        'vllm_version: "0.10.1"\n'
    )


def test_the_modeline_names_the_schema_url_the_readme_uses():
    assert MODELINE in README.read_text(encoding="utf-8")


def test_the_default_folder_is_inferencekey_and_files_are_named_by_slug(platform, tmp_path, capsys, monkeypatch):
    platform.seed("acme", {"name": "Bot", "slug": "Support Bot", "task_type": "text2text",
                           "backend": "ollama", "model_name": "llama3.2:3b"})
    monkeypatch.chdir(tmp_path)
    code, stdout, _ = cli(capsys, "import", "--project", "acme")
    assert code == 0
    assert stdout == f"wrote {Path('inferencekey', 'support-bot.yaml')}\n"
    assert cli(capsys, "validate")[0] == 0


def test_a_config_key_the_spec_cannot_express_is_a_comment_a_warning_and_the_drift_plan_shows(
    platform, tmp_path, capsys
):
    platform.seed("acme", {"name": "Bot", "slug": "bot", "task_type": "text2text", "backend": "vllm",
                           "model_name": "m/m", "config": {"command": "vllm serve m/m", "gpu_memory": 0.9}})
    code, _, stderr = cli(capsys, "import", "--project", "acme", "--out", tmp_path)
    assert code == 0
    path = tmp_path / "bot.yaml"
    assert "`gpu_memory`" in stderr and "apply will remove" in stderr and str(path) in stderr
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == MODELINE
    assert text.splitlines()[1].startswith("# ik-ensure import: ") and "`gpu_memory`" in text.splitlines()[1]
    code, stdout, _ = cli(capsys, "plan", path, "--json")
    [workload] = json.loads(stdout)["workloads"]
    assert workload["action"] == "update" and [d["field"] for d in workload["diffs"]] == ["config"]


def test_a_config_without_a_command_is_left_unmanaged_with_a_warning(platform, tmp_path, capsys):
    platform.seed("acme", {"name": "Bot", "slug": "bot", "task_type": "text2text", "backend": "vllm",
                           "model_name": "m/m", "config": {"vllm_version": "0.10"}})
    code, _, stderr = cli(capsys, "import", "--project", "acme", "--out", tmp_path)
    assert code == 0 and "not managed" in stderr
    assert "vllm_version" not in yaml.safe_load((tmp_path / "bot.yaml").read_text(encoding="utf-8"))
    assert cli(capsys, "plan", tmp_path, "--detailed-exitcode")[0] == 0


def test_a_second_run_changes_nothing_and_names_the_files_it_left_alone(platform, tmp_path, capsys):
    platform.seed("acme", {"name": "Bot", "slug": "bot", "task_type": "text2text", "backend": "ollama",
                           "model_name": "m"})
    assert cli(capsys, "import", "--project", "acme", "--out", tmp_path)[0] == 0
    path = tmp_path / "bot.yaml"
    path.write_text("# edited by hand\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    code, stdout, _ = cli(capsys, "import", "--project", "acme", "--out", tmp_path)
    assert code == 0
    assert stdout == f"left alone {path}: it exists (--force overwrites it)\n"
    assert path.read_text(encoding="utf-8") == before
    code, stdout, _ = cli(capsys, "import", "--project", "acme", "--out", tmp_path, "--force")
    assert code == 0 and stdout == f"wrote {path}\n"
    assert not path.read_text(encoding="utf-8").startswith("# edited")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bot.yaml"]


def test_slug_selects_workloads_and_an_unknown_slug_writes_nothing(platform, tmp_path, capsys):
    for slug in ("a", "b", "c"):
        platform.seed("acme", {"name": slug, "slug": slug, "task_type": "text2text", "backend": "ollama",
                               "model_name": "m"})
    assert cli(capsys, "import", "--project", "acme", "--out", tmp_path, "--slug", "A", "--slug", "c")[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "c.yaml"]
    code, _, stderr = cli(capsys, "import", "--project", "acme", "--out", tmp_path / "x", "--slug", "b",
                          "--slug", "nope")
    assert code == 1 and 'no workload with slug "nope"' in stderr
    assert not (tmp_path / "x").exists()


def test_import_sends_only_get_requests(platform, tmp_path, capsys):
    platform.seed("acme", {"name": "Bot", "slug": "bot", "task_type": "text2text", "backend": "ollama",
                           "model_name": "m"})
    platform.clear_request_log()
    assert cli(capsys, "import", "--project", "acme", "--out", tmp_path)[0] == 0
    assert [(r.method, r.path) for r in platform.request_log] == [("GET", "/api/projects/acme/workloads")]


def _assert_one_redacted_error(code: int, stdout: str, stderr: str, tmp_path: Path) -> None:
    assert code == 1 and stdout == ""
    assert "Traceback" not in stderr and TOKEN not in stderr and READ_ONLY_TOKEN not in stderr
    assert stderr.startswith("ik-ensure import: error: project ") and "\n  fix: " in stderr
    assert len(stderr.splitlines()) == 2
    assert list(tmp_path.iterdir()) == []


def test_a_project_the_token_cannot_reach_is_one_redacted_error_and_writes_nothing(platform, tmp_path, capsys):
    code, stdout, stderr = cli(capsys, "import", "--project", "beta", "--out", tmp_path)
    _assert_one_redacted_error(code, stdout, stderr, tmp_path)
    assert "permission denied" in stderr


def test_a_rejected_token_is_one_redacted_error(platform, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, "ik_sdk_wrong000_onboard0test0secret0value")
    code, stdout, stderr = cli(capsys, "import", "--project", "acme", "--out", tmp_path)
    _assert_one_redacted_error(code, stdout, stderr, tmp_path)
    assert "ik_sdk_wrong000_onboard0test0secret0value" not in stderr
    assert "authentication failed" in stderr


@pytest.mark.slow
def test_an_unreachable_control_plane_is_one_error(tmp_path, capsys, monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.setenv(BASE_URL_ENV, f"http://127.0.0.1:{port}")
    code, stdout, stderr = cli(capsys, "import", "--project", "acme", "--out", tmp_path)
    _assert_one_redacted_error(code, stdout, stderr, tmp_path)


def test_local_apply_then_import_round_trips_through_the_embedded_control_plane(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    examples = Path(__file__).resolve().parents[2] / "examples"
    assert cli(capsys, "apply", "--local", examples)[0] == 0
    code, _stdout, stderr = cli(capsys, "import", "--local", "--project", "demo", "--out", "imported")
    assert code == 0, stderr
    assert cli(capsys, "plan", "--local", "imported", "--detailed-exitcode")[0] == 0



def test_a_live_value_holding_a_token_is_never_written_to_a_file(platform, tmp_path, capsys):
    secret = "ik_sdk_leak0001_onboard0test0secret0value"
    platform.seed("acme", {"name": "Bot", "slug": "leaky", "task_type": "text2text", "backend": "vllm",
                           "model_name": "m/m", "config": {"command": f"vllm serve m --api-key {secret}"}})
    platform.seed("acme", {"name": "Bot", "slug": "clean", "task_type": "text2text", "backend": "ollama",
                           "model_name": "m"})
    code, stdout, stderr = cli(capsys, "import", "--project", "acme", "--out", tmp_path)
    assert code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean.yaml"]
    assert "leaky.yaml not written: the live `command` holds a credential" in stderr
    assert secret not in stdout + stderr
