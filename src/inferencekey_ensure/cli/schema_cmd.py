"""``ik-ensure schema``: print the JSON Schema the validator uses, byte for byte.

Editors and offline tools (check-jsonschema, IDE plugins) can then use exactly the
contract this version enforces, without fetching it from the network.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from inferencekey_ensure.cli import exit_codes


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "schema", help="print the JSON Schema of spec files",
        description="Print the JSON Schema (Draft 2020-12) the validator checks spec files against.",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from inferencekey_ensure.loading.schema_resource import schema_text

    # A broken install (no schema file) raises InstallationError to the last-resort handler.
    text = schema_text()
    # Bytes, not text: the platform's newline translation must not alter the file.
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()
    return exit_codes.OK
