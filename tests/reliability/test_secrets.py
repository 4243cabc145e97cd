"""The token is printed nowhere: every command, success and error paths, every output.

Each command runs with a recognisable token (``support.TOKEN``) in the environment,
against emulators set up for each error (401, each 403 code, 5xx until the retries
give up, a readiness error, a refused drift) and against a hostile server that
quotes the ``Authorization`` header back in its answers. Scanned: stdout, stderr,
``$GITHUB_OUTPUT``, the job summary, the PR comment bodies, state files, and every
error message in the JSON reports. The emulators' request logs show the token only
ever travelled in the ``Authorization`` header.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

from inferencekey_ensure.cli import exit_codes
from inferencekey_ensure.emulator import FaultConfig, TokenGrant
from support.action_harness import GITHUB_TOKEN, RunnerFiles, action_env, pull_request_event, write_spec
from support.fake_github import FakeGitHub
from support.loopback import ScriptedServer, Step, closed_port, echo_authorization

from .harness import PROJECT, SECRET_TAIL, TOKEN, child_env, ik_ensure, run_batch, start_emulator

pytestmark = pytest.mark.slow

LIVE_KEY = f"ik_live_abcd1234efgh_{SECRET_TAIL}"
# No id segment: the token pattern cannot spot it, only redaction of the known value can.
ODD_TOKEN = f"ik_sdk_{SECRET_TAIL}"
OTHER_TOKEN = "ik_sdk_other000_notTheTokenUnderTest0"
NEEDLES = (SECRET_TAIL, TOKEN, ODD_TOKEN, LIVE_KEY)

CHAT = {"name": "Chat", "slug": "chat", "model": "Qwen/Qwen2.5-7B-Instruct", "backend": "vllm",
        "command": "vllm serve Qwen/Qwen2.5-7B-Instruct"}
EMBED = {"name": "Embedder", "slug": "embedder", "model": "BAAI/bge-m3", "backend": "ollama",
         "task_type": "embedding"}
EMBED_LIVE = {"name": "Old embedder", "slug": "embedder", "task_type": "embedding",
              "backend": "ollama", "model_name": "BAAI/bge-m3"}
NOT_READY = {"name": "Never ready", "slug": "never-ready", "model": "m", "backend": "vllm"}


# Any 8 characters of the secret tail in a row count as a leak, not just the whole of it.
WINDOWS = tuple(SECRET_TAIL[start:start + 8] for start in range(len(SECRET_TAIL) - 7))


def _leaks(text: str) -> List[str]:
    return [needle for needle in NEEDLES + WINDOWS if needle in text]


def _spec_folder(root: Path, name: str, workloads: List[Dict[str, Any]], **extra: Any) -> str:
    folder = root / name
    folder.mkdir()
    (folder / "specs.json").write_text(
        json.dumps({"project": PROJECT, "workloads": [{**w, **extra} for w in workloads]}),
        encoding="utf-8")
    return str(folder)


def _quoting(status: int, code: str, as_json: bool = True) -> Step:
    """A hostile answer quoting the Authorization header, under a chosen error code or as HTML."""
    def step(handler: Any) -> None:
        quoted = f"you sent {handler.headers.get('Authorization')}"
        body = json.dumps({"error": {"code": code, "message": quoted}}) if as_json else f"<html>{quoted}</html>"
        handler.send_bytes(status, body.encode(), {"Content-Type": "application/json" if as_json else "text/html"})
    return step


def _hostile(step: Step) -> ScriptedServer:
    return ScriptedServer(fallback=step).start()


@pytest.fixture(scope="module")
def servers() -> Iterator[Dict[str, Any]]:
    started: Dict[str, Any] = {
        "ok": start_emulator(tokens={TOKEN: TokenGrant(PROJECT), ODD_TOKEN: TokenGrant(PROJECT)},
                             faults=FaultConfig(error_slugs=("never-ready",))),
        "unknown-token": start_emulator(tokens={OTHER_TOKEN: TokenGrant(PROJECT)}),
        "other-project": start_emulator(tokens={TOKEN: TokenGrant("beta")}),
        "read-only": start_emulator(tokens={TOKEN: TokenGrant.read_only(PROJECT)}),
        "always-503": start_emulator(faults=FaultConfig(fail_every_n=1, retry_after_s=0)),
        "echo-403": _hostile(_quoting(403, "wrong_credential_type")),
        "echo-401": _hostile(echo_authorization(401)),
        "echo-400": _hostile(echo_authorization(400)),
        "echo-500": _hostile(echo_authorization(500)),
        "echo-html-200": _hostile(_quoting(200, "", as_json=False)),
    }
    started["ok"].seed(PROJECT, EMBED_LIVE)
    yield started
    for server in started.values():
        server.stop()


def _cli_jobs(root: Path, servers: Dict[str, Any]) -> List[Tuple[str, List[str], Dict[str, Optional[str]], int]]:
    """(name, argv, environment, expected exit code) for every CLI path worth scanning."""
    ok = _spec_folder(root, "ok", [CHAT, EMBED])
    refused = _spec_folder(root, "refused", [EMBED], on_drift="fail")
    not_ready = _spec_folder(root, "not-ready", [NOT_READY])

    def env(server: str, token: str = TOKEN) -> Dict[str, Optional[str]]:
        url = servers[server].url if server in servers else server
        return {"INFERENCEKEY_SDK_TOKEN": token, "INFERENCEKEY_BASE_URL": url}

    jobs = [
        ("validate", ["validate", ok], env("ok"), 0),
        ("validate json", ["validate", "--format", "json", ok], env("ok"), 0),
        ("plan", ["plan", ok], env("ok"), 0),
        ("plan json", ["plan", "--json", "--detailed-exitcode", ok], env("ok"), 2),
        ("plan refused", ["plan", "--json", refused], env("ok"), 0),
        ("plan local", ["plan", "--local", ok], env("ok"), 0),
        ("apply refused", ["apply", "--json", refused], env("ok"), 1),
        ("apply", ["apply", "--json", ok], env("ok"), 0),
        ("apply wait", ["apply", "--wait", "--json", ok], env("ok"), 0),
        ("apply readiness error", ["apply", "--wait", "--json", not_ready], env("ok"), 1),
        ("apply odd-shaped token", ["apply", "--json", ok], env("ok", ODD_TOKEN), 0),
        ("401", ["apply", "--json", ok], env("unknown-token"), 1),
        ("403 project_scope_mismatch", ["apply", "--json", ok], env("other-project"), 1),
        ("403 scope_insufficient", ["apply", "--json", ok], env("read-only"), 1),
        ("403 wrong_credential_type (server)", ["plan", "--json", ok], env("echo-403"), 1),
        ("ik_live_ key refused locally", ["apply", "--json", ok], env("ok", LIVE_KEY), 1),
        ("5xx until retries give up", ["apply", "--json", ok], env("always-503"), 1),
        ("hostile 401 quoting the token", ["plan", ok], env("echo-401", ODD_TOKEN), 1),
        ("hostile 400 quoting the token", ["plan", "--json", ok], env("echo-400"), 1),
        ("hostile 500 quoting the token", ["apply", "--json", ok], env("echo-500", ODD_TOKEN), 1),
        ("hostile html 200 quoting the token", ["plan", "--json", ok], env("echo-html-200"), 1),
        ("bad base URL scheme", ["plan", ok], env("ftp://127.0.0.1/api"), 1),
        ("unreachable base URL", ["plan", "--json", ok], env(f"http://127.0.0.1:{closed_port()}"), 1),
        ("token in the base URL", ["plan", ok], env(f"http://{TOKEN}@127.0.0.1:1"), 1),
        ("token as a flag", ["apply", ok, "--token", TOKEN], env("ok"), exit_codes.USAGE),
    ]
    return jobs


@pytest.fixture(scope="module")
def cli_runs(servers, tmp_path_factory) -> Dict[str, Tuple[Dict[str, Any], int, Path]]:
    root = tmp_path_factory.mktemp("secrets")
    jobs = _cli_jobs(root, servers)
    results, _ = run_batch([(argv, env) for _, argv, env, _ in jobs], cwd=root, env=child_env())
    return {name: (result, code, root) for (name, _, _, code), result in zip(jobs, results)}


CLI_CASES = [
    "validate", "validate json", "plan", "plan json", "plan refused", "plan local", "apply refused",
    "apply", "apply wait", "apply readiness error", "apply odd-shaped token", "401",
    "403 project_scope_mismatch", "403 scope_insufficient", "403 wrong_credential_type (server)",
    "ik_live_ key refused locally", "5xx until retries give up", "hostile 401 quoting the token",
    "hostile 400 quoting the token", "hostile 500 quoting the token",
    "hostile html 200 quoting the token", "bad base URL scheme", "unreachable base URL",
    "token in the base URL", "token as a flag",
]


def _error_messages(stdout: str) -> List[str]:
    """Every error and fix string of a plan JSON document."""
    document = json.loads(stdout)
    messages = [error["message"] for error in document["errors"]]
    for workload in document["workloads"]:
        messages += [workload["error"] or "", *workload["notes"]]
    return [message for message in messages if message]


@pytest.mark.parametrize("name", CLI_CASES)
def test_no_cli_output_carries_the_token(cli_runs, name):
    result, code, _ = cli_runs[name]
    output = result["stdout"] + result["stderr"]
    assert result["code"] == code, output
    assert "Traceback" not in output
    assert _leaks(output) == []
    if "--json" in result["argv"]:
        for message in _error_messages(result["stdout"]):
            assert _leaks(message) == []


def test_the_error_paths_say_what_went_wrong(cli_runs):
    said = {name: cli_runs[name][0]["stdout"] + cli_runs[name][0]["stderr"] for name in CLI_CASES}
    assert "authentication failed" in said["401"]
    assert "permission denied [project_scope_mismatch]" in said["403 project_scope_mismatch"]
    assert "permission denied [scope_insufficient]" in said["403 scope_insufficient"]
    assert "permission denied [wrong_credential_type]" in said["403 wrong_credential_type (server)"]
    assert "permission denied [wrong_credential_type]" in said["ik_live_ key refused locally"]
    assert "503" in said["5xx until retries give up"]
    assert "failed to become ready" in said["apply readiness error"]
    assert "workload drifted from spec: name" in said["apply refused"]
    assert "rejected credentials Bearer" in said["hostile 500 quoting the token"]  # its words, redacted
    assert "ik_sdk_abcd1234…" in said["token as a flag"]


def test_the_local_state_file_holds_no_token(cli_runs):
    _, _, root = cli_runs["plan local"]
    state = (root / ".inferencekey" / "local-state.json").read_text(encoding="utf-8")
    assert _leaks(state) == []


def test_the_token_travelled_only_in_the_authorization_header(cli_runs, servers):
    for name in ("ok", "unknown-token", "other-project", "read-only", "always-503"):
        requests = servers[name].request_log
        assert requests, name
        for request in requests:
            assert request.headers["authorization"] in (f"Bearer {TOKEN}", f"Bearer {ODD_TOKEN}")
            elsewhere = request.path + request.body.decode("utf-8", "replace") + json.dumps(
                {key: value for key, value in request.headers.items() if key != "authorization"})
            assert _leaks(elsewhere) == [], (name, request.method, request.path)
    assert all(request.headers["authorization"] != f"Bearer {LIVE_KEY}"
               for server in ("ok",) for request in servers[server].request_log)


# ---------------------------------------------------------------------------
# ik-ensure emulator: its own output and state file.

def _start_emulator_cli(root: Path, *flags: str) -> Tuple[subprocess.Popen, str, Path]:
    log = root / "emulator.log"
    process = subprocess.Popen(ik_ensure("emulator", "--port", "0", "--readiness-step", "0", *flags),
                               cwd=str(root), env=child_env(), stdout=subprocess.PIPE,
                               stderr=open(log, "w"), text=True)  # noqa: SIM115 - the child owns the log
    deadline = time.monotonic() + 60
    seen = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        seen.append(line)
        if "http://127.0.0.1:" in line:
            return process, "http://" + line.split("http://", 1)[1].split()[0], log
    process.kill()
    raise AssertionError(f"the emulator printed no URL: {seen}")


@pytest.mark.parametrize("flags", [["--token", f"{TOKEN}={PROJECT}"], []], ids=["granted", "open-mode"])
def test_the_emulator_command_never_prints_or_stores_the_token(tmp_path, flags):
    process, url, log = _start_emulator_cli(tmp_path, "--state", "state.json", *flags)
    try:
        ok = _spec_folder(tmp_path, "ok", [CHAT, EMBED])
        results, _ = run_batch([["apply", "--json", ok], ["plan", ok]], cwd=tmp_path,
                               env=child_env(INFERENCEKEY_SDK_TOKEN=TOKEN, INFERENCEKEY_BASE_URL=url))
        assert [result["code"] for result in results] == [0, 0]
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, _ = process.communicate(timeout=60)
    assert process.returncode == 0
    printed = stdout + log.read_text(encoding="utf-8")
    assert "POST /api/projects/acme/workloads" in printed
    for text in (printed, (tmp_path / "state.json").read_text(encoding="utf-8"),
                 *(result["stdout"] + result["stderr"] for result in results)):
        assert _leaks(text) == []


# ---------------------------------------------------------------------------
# ik-ensure github-action: log, $GITHUB_OUTPUT, job summary, PR comment.

ACTION_CASES = [
    # (name, event, inputs, control plane, expected exit code)
    ("preview", "pull_request", {}, "ok", 0),
    ("reconcile", "push", {"mode": "reconcile", "wait": "true"}, "ok", 0),
    ("401", "pull_request", {}, "unknown-token", 1),
    ("403 scope_insufficient", "push", {"mode": "reconcile"}, "read-only", 1),
    ("5xx until retries give up", "pull_request", {}, "always-503", 1),
    ("hostile 500 quoting the token", "pull_request", {"sdk_token": ODD_TOKEN}, "echo-500", 1),
    ("ik_live_ key", "pull_request", {"sdk_token": LIVE_KEY}, "ok", 1),
    ("bad base URL", "pull_request", {}, "ftp://127.0.0.1/api", 1),
]


@pytest.fixture(scope="module")
def action_runs(servers, tmp_path_factory):
    root = tmp_path_factory.mktemp("action")
    workspace = root / "repo"
    write_spec(workspace)
    jobs, files = [], []
    with FakeGitHub(token=GITHUB_TOKEN) as github:
        for index, (_, event, inputs, server, _) in enumerate(ACTION_CASES):
            runner = RunnerFiles(root / f"runner-{index}")
            runner.reset(pull_request_event() if event == "pull_request" else {"ref": "refs/heads/main"})
            options = {"sdk_token": TOKEN, **inputs}
            base_url = servers[server].url if server in servers else server
            env = action_env(runner, workspace, event_name=event, api_url=github.url, base_url=base_url,
                             **options)
            jobs.append((["github-action"], env))
            files.append(runner)
        results, _ = run_batch(jobs, cwd=workspace, env=child_env())
        comments = json.dumps([request.body for request in github.requests])
    return results, files, comments


@pytest.mark.parametrize("index", range(len(ACTION_CASES)), ids=[case[0] for case in ACTION_CASES])
def test_no_action_output_carries_the_token(action_runs, index):
    results, files, _ = action_runs
    result, runner, expected = results[index], files[index], ACTION_CASES[index][4]
    log = result["stdout"] + result["stderr"]
    assert result["code"] == expected, log
    assert "Traceback" not in log
    # the runner is told to mask the tokens (the only place a token may be written, by design)
    masked = [line for line in log.splitlines() if line.startswith("::add-mask::")]
    assert masked and all(line[len("::add-mask::"):] in (*NEEDLES, GITHUB_TOKEN) for line in masked)
    rest = "\n".join(line for line in log.splitlines() if not line.startswith("::add-mask::"))
    assert _leaks(rest) == []
    assert _leaks(runner.output.read_text(encoding="utf-8")) == []
    assert _leaks(runner.summary.read_text(encoding="utf-8")) == []


def test_no_comment_body_sent_to_github_carries_the_token(action_runs):
    _, _, comments = action_runs
    assert "ik-ensure:comment-key=default" in comments
    assert _leaks(comments) == []
