"""The ``ik-ensure`` entry point: a thin shell that parses arguments and dispatches.

Each subcommand lives in its own module exposing ``register(subparsers)``; the
module sets ``func`` on its parser, which returns the process exit code. Only the
module of the command being run is imported: ``validate`` runs on every commit and
must not pay for httpx and the emulator that ``plan`` needs.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
from typing import Callable, Dict, List, NoReturn, Optional, Sequence

from inferencekey_ensure import __version__
from inferencekey_ensure.cli import exit_codes
from inferencekey_ensure.domain.errors import IkEnsureError
from inferencekey_ensure.domain.secrets import redact_text
from inferencekey_ensure.domain.spec import project_refusal
from inferencekey_ensure.loading.errors import InstallationError, UsageError

COMMAND_MODULES: Dict[str, str] = {
    "validate": "inferencekey_ensure.cli.validate_cmd",
    "plan": "inferencekey_ensure.cli.plan_cmd",
    "apply": "inferencekey_ensure.cli.plan_cmd",
    "emulator": "inferencekey_ensure.cli.emulator_cmd",
    "github-action": "inferencekey_ensure.cli.action_cmd",
    "import": "inferencekey_ensure.cli.import_cmd",
    "init": "inferencekey_ensure.cli.init_cmd",
    "schema": "inferencekey_ensure.cli.schema_cmd",
    "projects": "inferencekey_ensure.cli.projects_cmd",
}

# The commands that read a project from ``--project`` or the environment.
# The action checks its own project input and environment, to say so as an annotation.
PROJECT_COMMANDS = ("validate", "plan", "apply", "projects")


def _modules_for(argv: Sequence[str]) -> List[str]:
    """The command modules to load: the requested one, or all of them for help and errors.

    Top-level options take no value, so the first word not starting with ``-`` names
    the command.
    """
    requested = next((word for word in argv if not word.startswith("-")), None)
    if requested in COMMAND_MODULES:
        return [COMMAND_MODULES[requested]]
    return list(dict.fromkeys(COMMAND_MODULES.values()))


class _Parser(argparse.ArgumentParser):
    """argparse quotes the offending argument in its error; a token pasted as one
    (``--token ik_sdk_...``, a misplaced ``$INFERENCEKEY_SDK_TOKEN``) must not reach the log.
    argparse exits 2 on a bad option, which ``plan --detailed-exitcode`` means as "changes
    pending"; a usage error exits ``USAGE`` instead. Subcommand parsers inherit this class."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(exit_codes.USAGE, f"{self.prog}: error: {redact_text(message)}\n")


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ik-ensure",
        description="Validate InferenceKey workload specs and ensure() them on the platform.",
    )
    parser.add_argument("--version", action="version", version=f"ik-ensure {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _modules_for(argv):
        importlib.import_module(module).register(subparsers)
    return parser


def _escape_unencodable_output() -> None:
    """Text that cannot be encoded (a file name that is not UTF-8, a lone surrogate a server
    sent) is printed as a ``\\udce9`` escape instead of ending the command."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def main(argv: Optional[Sequence[str]] = None) -> int:
    _escape_unencodable_output()
    words = list(argv) if argv is not None else sys.argv[1:]
    parser = build_parser(words)
    args = parser.parse_args(words)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return exit_codes.USAGE
    if args.command in PROJECT_COMMANDS:
        refused = _credential_as_project(args)
        if refused:
            print(f"ik-ensure {args.command}: error: {refused}", file=sys.stderr)
            return exit_codes.USAGE
    return last_resort(args.command, lambda: int(args.func(args)))


def last_resort(command: str, body: Callable[[], int]) -> int:
    """The one handler of every command for what the command itself did not handle.

    The package's own errors (``IkEnsureError``) are said as their message and fix: a
    ``UsageError`` exits ``USAGE``, a broken install ``INTERNAL``, any other ``FAILURE``; a
    file that cannot be read or written (``OSError``) is a failure too. Anything else is a
    bug: one redacted line and ``INTERNAL``, never a traceback.
    """
    try:
        return body()
    except KeyboardInterrupt:
        _say(command, "interrupted")
        return exit_codes.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (``| head``): nothing left to say to it.
        sys.stderr.close()
        return exit_codes.FAILURE
    except UsageError as error:
        _say(command, f"error: {error}", error.fix)
        return exit_codes.USAGE
    except InstallationError as error:
        _say(command, f"internal error: {error}", error.fix)
        return exit_codes.INTERNAL
    except IkEnsureError as error:
        _say(command, f"error: {error}", error.fix)
        return exit_codes.FAILURE
    except OSError as error:
        _say(command, f"error: {error}")
        return exit_codes.FAILURE
    except Exception as error:  # noqa: BLE001 - the contract is "never a traceback"
        _say(command, f"internal error: {type(error).__name__}: {error}; please report it")
        return exit_codes.INTERNAL


def _say(command: str, message: str, fix: Optional[str] = None) -> None:
    """One redacted line on stderr (and its fix); on a GitHub runner an error annotation too."""
    # Imported only when there is something to say: `validate` must not load httpx for it.
    from inferencekey_ensure.controlplane.settings import TOKEN_ENV
    from inferencekey_ensure.report.validation_text import printable

    secrets = [os.environ.get(TOKEN_ENV)]
    line = printable(redact_text(f"ik-ensure {command}: {message}", secrets))
    print(line, file=sys.stderr)
    if fix:
        print(printable(redact_text(f"  fix: {fix}", secrets)), file=sys.stderr)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        from inferencekey_ensure.github.commands import escape_data

        said = line + (f" (fix: {redact_text(fix, secrets)})" if fix else "")
        print(f"::error title=ik-ensure {command}::{escape_data(said)}", flush=True)


def _credential_as_project(args: argparse.Namespace) -> Optional[str]:
    """A token given as the project: refused before any command can print or store it."""
    return project_refusal(getattr(args, "project", None), "--project", os.environ)
