"""``ik-ensure emulator``: flags, start and stop as a real process, clean errors."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from inferencekey_ensure.cli import exit_codes
from inferencekey_ensure.cli.emulator_cmd import config_from_args
from inferencekey_ensure.cli.main import build_parser, main
from inferencekey_ensure.emulator import EmulatorConfig, FaultConfig, TokenGrant
from support.emulator_http import READ_TOKEN, TOKEN, create_body, http_client, workloads_path

LISTENING = "InferenceKey emulator listening on "


def _config(argv: List[str]) -> EmulatorConfig:
    return config_from_args(build_parser(["emulator"]).parse_args(["emulator", *argv]))


def test_every_flag_reaches_the_emulator_config(tmp_path: Path) -> None:
    config = _config(
        [
            "--state", str(tmp_path / "s.json"),
            "--token", f"{TOKEN}=acme",
            "--token", f"{READ_TOKEN}=acme:read",
            "--readiness-step", "1.5",
            "--latency-ms", "50",
            "--fail-every", "3", "--fail-status", "429", "--retry-after", "2",
            "--non-json-every", "4",
            "--close-every", "5",
            "--lose-creates", "1",
            "--drop-streams", "2",
            "--error-slug", "Bad Bot", "--error-slug", "worse",
        ]
    )  # fmt: skip

    assert config == EmulatorConfig(
        state_path=tmp_path / "s.json",
        tokens={TOKEN: TokenGrant("acme"), READ_TOKEN: TokenGrant.read_only("acme")},
        readiness_step_s=1.5,
        faults=FaultConfig(
            latency_ms=50,
            fail_every_n=3,
            fail_status=429,
            retry_after_s=2,
            non_json_every_n=4,
            close_every_n=5,
            lose_create_responses=1,
            drop_streams=2,
            error_slugs=("bad-bot", "worse"),
        ),
    )


def test_without_flags_the_emulator_is_fault_free_in_memory_and_open() -> None:
    assert _config([]) == EmulatorConfig()


@pytest.mark.parametrize(
    "argv",
    [
        ["--token", TOKEN],
        ["--token", f"{TOKEN}="],
        ["--token", "ik_live_data1234_datasecretvalue0001=acme"],
        ["--fail-status", "404"],
        ["--latency-ms", "-5"],
        ["--readiness-step", "soon"],
    ],
)
def test_bad_flags_are_usage_errors_that_never_print_a_token(
    argv: List[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["emulator", *argv])

    assert exit_info.value.code == exit_codes.USAGE
    output = capsys.readouterr()
    for secret in ("acmesecretvalue0001", "datasecretvalue0001"):
        assert secret not in output.out + output.err


def test_one_token_granted_twice_differently_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["emulator", "--port", "0", "--token", f"{TOKEN}=acme", "--token", f"{TOKEN}=beta"])

    assert code == exit_codes.USAGE
    err = capsys.readouterr().err
    assert "given twice" in err and "acmesecretvalue0001" not in err


def test_an_unusable_state_file_exits_1_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    state = tmp_path / "broken.json"
    state.write_text("{oops", encoding="utf-8")

    assert main(["emulator", "--port", "0", "--state", str(state)]) == 1
    assert str(state) in capsys.readouterr().err


def test_a_taken_port_exits_1_with_a_clear_message(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]

        assert main(["emulator", "--port", str(port)]) == 1

    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def _start(*argv: str) -> "subprocess.Popen[str]":
    return subprocess.Popen(
        [sys.executable, "-m", "inferencekey_ensure", "emulator", "--port", "0", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _url(process: "subprocess.Popen[str]") -> str:
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith(LISTENING), line
    return line[len(LISTENING):].strip()


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_command_serves_until_a_signal_then_exits_cleanly_keeping_its_state(
    tmp_path: Path, stop_signal: signal.Signals
) -> None:
    state = tmp_path / "state.json"
    process = _start("--state", str(state), "--token", f"{TOKEN}=acme")
    try:
        url = _url(process)
        assert url.startswith("http://127.0.0.1:")
        with http_client(url) as client:
            created = client.post(workloads_path(), json=create_body()).json()
    finally:
        process.send_signal(stop_signal)
        out, err = process.communicate(timeout=60)

    assert process.returncode == 0
    assert "stopped" in err and "POST /api/projects/acme/workloads -> 201" in err
    assert "ik_sdk_acme1234…" in err
    assert "acmesecretvalue0001" not in out + err
    saved = json.loads(state.read_text(encoding="utf-8"))
    assert [entry["workload"] for entry in saved["workloads"]] == [created]


def test_fault_flags_apply_to_the_running_command() -> None:
    process = _start("--quiet", "--fail-every", "2", "--fail-status", "429", "--retry-after", "7")
    try:
        with http_client(_url(process)) as client:
            responses = [client.get(workloads_path()) for _ in range(2)]
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)

    assert [response.status_code for response in responses] == [200, 429]
    assert responses[1].headers["retry-after"] == "7"
    assert "GET /api" not in err  # --quiet
