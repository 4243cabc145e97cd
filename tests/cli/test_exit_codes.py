"""One table of exit codes for every command, one last-resort handler, one error root."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path
from typing import Callable, List

import pytest

from inferencekey_ensure.cli import exit_codes
from inferencekey_ensure.cli.main import last_resort
from inferencekey_ensure.domain.errors import IkEnsureError
from inferencekey_ensure.loading.errors import InstallationError, UsageError
from support.cli import run_cli

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src" / "inferencekey_ensure"
TOKEN = "ik_sdk_abcdef12_SECRETvalue0123456789"


@pytest.mark.parametrize("argv", [
    ["plan", "--detailed-exitcode", "--no-such-option"],
    ["plan", "--detailed-exitcode", "no/such/path.yaml"],
    ["plan", "--detailed-exitcode", "--prune-limit", "2"],
])
def test_a_usage_error_never_reads_as_changes_pending(capsys, argv):
    code, out, err = run_cli(capsys, *argv)
    assert code == exit_codes.USAGE == 64
    assert code != exit_codes.CHANGES_PENDING
    assert out == "" and "error:" in err


def test_the_codes_are_all_different_so_a_script_can_tell_them_apart():
    codes = [exit_codes.OK, exit_codes.FAILURE, exit_codes.CHANGES_PENDING, exit_codes.USAGE,
             exit_codes.INTERNAL, exit_codes.INTERRUPTED]
    assert len(set(codes)) == len(codes)


def _raises(error: BaseException) -> Callable[[], int]:
    def body() -> int:
        raise error
    return body


@pytest.mark.parametrize(("error", "code", "said"), [
    (UsageError("no spec files in nowhere/"), exit_codes.USAGE, "ik-ensure plan: error: no spec files in nowhere/"),
    (IkEnsureError("the state file is unreadable", "delete it"), exit_codes.FAILURE,
     "ik-ensure plan: error: the state file is unreadable\n  fix: delete it"),
    (InstallationError("the schema file is missing"), exit_codes.INTERNAL, "ik-ensure plan: internal error: the schema"),
    (PermissionError(13, "Permission denied", "out/a.yaml"), exit_codes.FAILURE, "ik-ensure plan: error: [Errno 13]"),
    (RuntimeError(f"boom with {TOKEN}"), exit_codes.INTERNAL, "ik-ensure plan: internal error: RuntimeError: boom"),
    (KeyboardInterrupt(), exit_codes.INTERRUPTED, "ik-ensure plan: interrupted"),
])
def test_the_last_resort_handler_says_each_error_once_with_its_code(capsys, monkeypatch, error, code, said):
    monkeypatch.setenv("INFERENCEKEY_SDK_TOKEN", TOKEN)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert last_resort("plan", _raises(error)) == code
    captured = capsys.readouterr()
    assert captured.err.startswith(said)
    assert "Traceback" not in captured.err and TOKEN not in captured.err
    assert captured.out == ""


def test_on_a_github_runner_the_last_resort_also_annotates(capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert last_resort("github-action", _raises(RuntimeError("line one\n::error::forged"))) == exit_codes.INTERNAL
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith("::error title=ik-ensure github-action::ik-ensure github-action: internal")
    assert "\n::error::forged" not in out[0]


def test_a_bug_inside_a_command_is_an_internal_error_not_a_traceback(capsys, monkeypatch):
    import inferencekey_ensure.specset.validate as validate_module

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(validate_module, "validate_paths", broken)
    code, out, err = run_cli(capsys, "validate", "whatever.yaml")
    assert code == exit_codes.INTERNAL and out == ""
    assert err == "ik-ensure validate: internal error: ZeroDivisionError: a bug; please report it\n"


def _exception_classes() -> List[str]:
    """Every public exception class the package defines, as ``module:Name``."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        module = ".".join(path.relative_to(SOURCE.parent).with_suffix("").parts)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                cls = getattr(importlib.import_module(module), node.name)
                if isinstance(cls, type) and issubclass(cls, BaseException):
                    found.append((module, cls))
    return found


def test_every_exception_class_of_the_package_has_the_one_root():
    classes = _exception_classes()
    assert len(classes) >= 15  # the guard sees the classes it judges
    assert [f"{module}:{cls.__name__}" for module, cls in classes if not issubclass(cls, IkEnsureError)] == []


def test_the_docs_table_is_the_module_table():
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    section = text[text.index("## Exit codes"):]
    rows = re.findall(r"^\| `(\d+)` \| `(\w+)` \|", section, flags=re.MULTILINE)
    assert {name: int(code) for code, name in rows} == {
        name: value for name, value in vars(exit_codes).items() if name.isupper()}
