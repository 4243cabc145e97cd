"""``ik-ensure`` run in the test's own process, as a user would type it."""

from __future__ import annotations

from typing import Any, Tuple

import pytest

from inferencekey_ensure.cli.main import main


def run_cli(capsys: pytest.CaptureFixture, *argv: Any) -> Tuple[int, str, str]:
    """Run ``ik-ensure ARGV`` in-process: (exit code, stdout, stderr); never a traceback."""
    try:
        code = main([str(word) for word in argv])
    except SystemExit as exit_:  # argparse refuses a bad flag this way
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err, "a user never sees a traceback"
    return code, captured.out, captured.err
