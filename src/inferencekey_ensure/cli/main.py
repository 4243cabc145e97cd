"""The ``ik-ensure`` entry point: a thin shell that parses arguments and dispatches.

Each subcommand lives in its own module exposing ``register(subparsers)``; the
module sets ``func`` on its parser, which returns the process exit code.
"""

from __future__ import annotations

import argparse
import sys
from typing import List, NoReturn, Optional, Sequence

from inferencekey_ensure import __version__
from inferencekey_ensure.cli import action_cmd, emulator_cmd, plan_cmd, validate_cmd
from inferencekey_ensure.domain.secrets import redact_text

EXIT_USAGE = 2
COMMANDS = (validate_cmd, plan_cmd, emulator_cmd, action_cmd)


class _Parser(argparse.ArgumentParser):
    """argparse quotes the offending argument in its error; a token pasted as one
    (``--token ik_sdk_...``, a misplaced ``$INFERENCEKEY_SDK_TOKEN``) must not reach the log.
    Subcommand parsers inherit this class."""

    def error(self, message: str) -> NoReturn:
        super().error(redact_text(message))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ik-ensure",
        description="Validate InferenceKey workload specs and ensure() them on the platform.",
    )
    parser.add_argument("--version", action="version", version=f"ik-ensure {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv) if argv is not None else None)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("ik-ensure: interrupted", file=sys.stderr)
        return 130
