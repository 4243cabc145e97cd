"""Shared helpers of the onboarding tests: a loopback emulator and the CLI in-process."""

from __future__ import annotations

from typing import Any, Tuple

import pytest

from inferencekey_ensure.cli.main import main
from inferencekey_ensure.emulator import EmulatorConfig, EmulatorServer, TokenGrant

TOKEN = "ik_sdk_acme0001_onboard0test0secret0value"
READ_ONLY_TOKEN = "ik_sdk_read0003_onboard0test0secret0value"
BETA_TOKEN = "ik_sdk_beta0002_onboard0test0secret0value"


def start_emulator() -> EmulatorServer:
    grants = {
        TOKEN: TokenGrant("acme"),
        READ_ONLY_TOKEN: TokenGrant.read_only("acme"),
        BETA_TOKEN: TokenGrant("beta"),
    }
    return EmulatorServer(EmulatorConfig(tokens=grants, readiness_step_s=0.01)).start()


def cli(capsys: pytest.CaptureFixture, *argv: Any) -> Tuple[int, str, str]:
    """Run ``ik-ensure`` in-process: (exit code, stdout, stderr)."""
    code = main([str(word) for word in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err
