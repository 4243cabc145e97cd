"""``ik-ensure emulator``: run the local InferenceKey control plane until stopped.

A dev and test tool: it listens on loopback by default and has no real
authentication, so any other host is the user's explicit choice and gets a
warning. Token values are never printed, only their redacted form.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from dataclasses import fields
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from inferencekey_ensure.cli import exit_codes
from inferencekey_ensure.cli.argtypes import non_negative_int, non_negative_seconds
from inferencekey_ensure.domain.secrets import SDK_PREFIX, redact_token
from inferencekey_ensure.emulator import EmulatorConfig, EmulatorServer, FaultConfig, StateError, TokenGrant
from inferencekey_ensure.emulator.config import DEFAULT_HOST, DEFAULT_READINESS_STEP_S
from inferencekey_ensure.emulator.faults import FAIL_STATUSES

DEFAULT_PORT = 8787
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def _token_grant(value: str) -> Tuple[str, TokenGrant]:
    """Parse ``TOKEN=PROJECT[:read]``; messages show the token only redacted."""
    token, separator, target = value.partition("=")
    token = token.strip()
    if not separator or not token or not target.strip():
        raise argparse.ArgumentTypeError("expected TOKEN=PROJECT or TOKEN=PROJECT:read")
    if not token.startswith(SDK_PREFIX):
        raise argparse.ArgumentTypeError(f"{redact_token(token)} is not a control-plane token (ik_sdk_...)")
    project, read_only = target.strip(), False
    if project.endswith(":read"):
        project, read_only = project[: -len(":read")], True
    if not project:
        raise argparse.ArgumentTypeError("expected TOKEN=PROJECT or TOKEN=PROJECT:read")
    return token, TokenGrant.read_only(project) if read_only else TokenGrant(project)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "emulator",
        help="run a local InferenceKey control plane (no account needed)",
        description=(
            "Serve the InferenceKey control-plane API locally: the same routes, slug rules, "
            "token scoping and readiness events as the platform, with optional injected faults."
        ),
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=non_negative_int, default=DEFAULT_PORT, help="port; 0 picks a free one (default: %(default)s)")
    parser.add_argument("--state", type=Path, metavar="FILE", help="keep the state in FILE across restarts (default: in memory)")
    parser.add_argument(
        "--token",
        type=_token_grant,
        action="append",
        default=[],
        metavar="TOKEN=PROJECT[:read]",
        help="accept TOKEN for PROJECT only (':read' = read-only); repeatable. "
        "Without any, every ik_sdk_ token is bound to the first project it uses",
    )
    parser.add_argument(
        "--readiness-step",
        type=non_negative_seconds,
        default=DEFAULT_READINESS_STEP_S,
        metavar="S",
        help="seconds each readiness phase lasts (default: %(default)s)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log each request to stderr")
    faults = parser.add_argument_group("faults (for tests)")
    faults.add_argument("--latency-ms", type=non_negative_int, default=0, metavar="N", help="delay every answer by N ms")
    faults.add_argument("--fail-every", type=non_negative_int, default=0, metavar="N", help="answer every N-th request with --fail-status, unapplied")
    faults.add_argument("--fail-status", type=int, choices=FAIL_STATUSES, default=503, help="status of --fail-every answers (default: %(default)s)")
    faults.add_argument("--retry-after", type=non_negative_int, default=None, metavar="S", help="send 'Retry-After: S' with failure answers")
    faults.add_argument("--non-json-every", type=non_negative_int, default=0, metavar="N", help="apply every N-th request, then answer 200 with an HTML body")
    faults.add_argument("--close-every", type=non_negative_int, default=0, metavar="N", help="apply every N-th request, then close the connection mid-answer")
    faults.add_argument("--lose-creates", type=non_negative_int, default=0, metavar="N", help="store the next N creates, then answer them 503")
    faults.add_argument("--drop-streams", type=non_negative_int, default=0, metavar="N",
                        help="cut each workload's readiness stream N times before it may finish")
    faults.add_argument("--error-slug", action="append", default=[], metavar="SLUG", help="readiness ends in 'error' for SLUG; repeatable")
    parser.set_defaults(func=run)


def _grants(pairs: List[Tuple[str, TokenGrant]]) -> Dict[str, TokenGrant]:
    grants: Dict[str, TokenGrant] = {}
    for token, grant in pairs:
        if token in grants and grants[token] != grant:
            raise ValueError(f"--token {redact_token(token)} is given twice with different grants")
        grants[token] = grant
    return grants


def config_from_args(args: argparse.Namespace) -> EmulatorConfig:
    """The emulator setup the parsed flags describe; ``ValueError`` when they contradict."""
    faults = FaultConfig(
        latency_ms=args.latency_ms,
        fail_every_n=args.fail_every,
        fail_status=args.fail_status,
        retry_after_s=args.retry_after,
        non_json_every_n=args.non_json_every,
        close_every_n=args.close_every,
        lose_create_responses=args.lose_creates,
        drop_streams=args.drop_streams,
        error_slugs=tuple(args.error_slug),
    )
    return EmulatorConfig(
        state_path=args.state,
        tokens=_grants(args.token),
        faults=faults,
        readiness_step_s=args.readiness_step,
    )


def _describe(config: EmulatorConfig) -> List[str]:
    lines = [f"state: {config.state_path}" if config.state_path else "state: in memory (use --state FILE to keep it)"]
    if config.tokens:
        for token, grant in config.tokens.items():
            access = "read-only" if not grant.can_write else "read-write"
            lines.append(f"token {redact_token(token)} -> project {grant.project!r} ({access})")
    else:
        lines.append("tokens: any ik_sdk_ token, bound to the first project it uses")
    if config.faults != FaultConfig():
        default = FaultConfig()
        active = [
            f"{item.name}={getattr(config.faults, item.name)}"
            for item in fields(FaultConfig)
            if getattr(config.faults, item.name) != getattr(default, item.name)
        ]
        lines.append("faults: " + ", ".join(active))
    return lines


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    try:
        config = config_from_args(args)
    except ValueError as error:
        _stderr(f"ik-ensure emulator: {error}")
        return exit_codes.USAGE
    if args.host not in LOOPBACK_HOSTS:
        _stderr(
            f"ik-ensure emulator: warning: listening on {args.host}, not loopback; the emulator has no real "
            "authentication, so anyone who can reach this address can use it"
        )
    try:
        server = EmulatorServer(config, args.host, args.port, log=None if args.quiet else _stderr)
        server.start()
    except StateError as error:
        _stderr(f"ik-ensure emulator: {error}")
        return exit_codes.FAILURE
    except OSError as error:
        _stderr(f"ik-ensure emulator: cannot listen on {args.host}:{args.port}: {error.strerror or error}")
        return exit_codes.FAILURE
    return _serve_until_stopped(server, config)


def _serve_until_stopped(server: EmulatorServer, config: EmulatorConfig) -> int:
    stop = threading.Event()
    previous: Dict[int, Optional[Any]] = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        previous[signum] = signal.signal(signum, lambda *_: stop.set())
    try:
        print(f"InferenceKey emulator listening on {server.url}", flush=True)
        for line in _describe(config):
            _stderr(line)
        _stderr(f"point the tools at it: export INFERENCEKEY_BASE_URL={server.url}")
        _stderr("press Ctrl+C to stop")
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for number, handler in previous.items():
            signal.signal(number, handler)
    _stderr("InferenceKey emulator stopped")
    return exit_codes.OK
