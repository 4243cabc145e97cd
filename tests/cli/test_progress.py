"""Progress on stderr: plain lines in a log, one live line on an interactive terminal."""

from __future__ import annotations

import io
import threading
from typing import Dict

import pytest

from inferencekey_ensure.cli.progress import progress_printer
from inferencekey_ensure.controlplane.settings import TOKEN_ENV
from inferencekey_ensure.engine.events import DeletionsWithheld, WriteDone, WritesStarting

CREATED = WriteDone("acme", "bot", "created", 0.125)
FAILED = WriteDone("acme", "broken", "failed", 0.5, error="api error: 500")
DELETED = WriteDone("acme", "old", "deleted", 0.01, deletion=True)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_log_gets_one_plain_line_per_event_in_the_order_told():
    stream = io.StringIO()
    printer = progress_printer(stream, {}, TOKEN_ENV)
    for event in (WritesStarting(3), CREATED, FAILED, DELETED, DeletionsWithheld(2, 1)):
        printer(event)
    printer.close()
    assert stream.getvalue().splitlines() == [
        "applying 3 write(s); each is listed as it completes",
        "created acme/bot (0.12s)",
        "failed acme/broken (0.50s): write failed: api error: 500",
        "deleted acme/old (0.01s)",
        "deletions withheld: 2 workload(s) not deleted, because 1 workload(s) failed or were "
        "refused first",
    ]
    assert "\r" not in stream.getvalue() and "\033" not in stream.getvalue()


def test_a_terminal_gets_a_live_line_and_failures_in_full():
    stream = Terminal()
    printer = progress_printer(stream, {"TERM": "xterm"}, TOKEN_ENV)
    for event in (WritesStarting(3), CREATED, FAILED, DELETED):
        printer(event)
    printer.close()
    text = stream.getvalue()
    assert "\r\033[2K[1/3] created acme/bot (0.12s)" in text
    assert "\r\033[2Kfailed acme/broken (0.50s): write failed: api error: 500\n" in text
    assert "[3/3] deleted acme/old" in text
    assert text.endswith("\r\033[2K"), "the live line is cleared before the report prints"


@pytest.mark.parametrize("env", [{"NO_COLOR": "1", "TERM": "xterm"}, {"TERM": "dumb"}],
                         ids=["NO_COLOR", "TERM=dumb"])
def test_a_terminal_that_asks_for_plain_output_gets_plain_lines(env: Dict[str, str]):
    stream = Terminal()
    printer = progress_printer(stream, env, TOKEN_ENV)
    printer(WritesStarting(1))
    printer(CREATED)
    printer.close()
    assert stream.getvalue() == ("applying 1 write(s); each is listed as it completes\n"
                                 "created acme/bot (0.12s)\n")


def test_a_token_in_an_error_is_redacted_even_when_it_does_not_look_like_one():
    stream = io.StringIO()
    printer = progress_printer(stream, {TOKEN_ENV: "plainsecretvalue"}, TOKEN_ENV)
    printer(WriteDone("acme", "bot", "failed", 0.1, error="rejected plainsecretvalue"))
    assert "plainsecretvalue" not in stream.getvalue()


def test_lines_from_many_threads_never_cut_into_one_another():
    stream = io.StringIO()
    printer = progress_printer(stream, {}, TOKEN_ENV)
    threads = [threading.Thread(target=lambda: [printer(CREATED) for _ in range(50)])
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert stream.getvalue().splitlines() == ["created acme/bot (0.12s)"] * 200
