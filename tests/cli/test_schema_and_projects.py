"""``ik-ensure schema`` (the validator's schema, byte for byte) and ``ik-ensure projects``
(the projects the specs declare, as a matrix for ``fromJSON``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from inferencekey_ensure.cli import exit_codes
from support.cli import run_cli as cli

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


def test_schema_prints_the_schema_file_byte_for_byte():
    completed = subprocess.run([sys.executable, "-m", "inferencekey_ensure", "schema"],
                               capture_output=True, timeout=120)
    assert completed.returncode == 0 and completed.stderr == b""
    assert completed.stdout == (REPO / "schemas" / "workload-spec.schema.json").read_bytes()


def _spec(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


BODY = "name: x\nslug: {slug}\nmodel: m/m\nbackend: vllm\n"


def test_projects_json_is_one_sorted_json_array_on_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("INFERENCEKEY_PROJECT", raising=False)
    _spec(tmp_path, "a.yaml", "project: zeta\n" + BODY.format(slug="a"))
    _spec(tmp_path, "b.yaml", "project: acme\nworkloads:\n  - {name: b, slug: b, model: m, backend: vllm}\n"
                              "  - {name: c, slug: c, model: m, backend: vllm, project: beta}\n")
    _spec(tmp_path, "c.yaml", "project: acme\n" + BODY.format(slug="d"))
    code, stdout, stderr = cli(capsys, "projects", "--json", tmp_path)
    assert code == 0 and stderr == ""
    assert stdout == '["acme", "beta", "zeta"]\n'
    code, stdout, _ = cli(capsys, "projects", tmp_path)
    assert code == 0 and stdout == "acme\nbeta\nzeta\n"


def test_specs_with_no_project_fall_back_to_the_option_then_the_environment(tmp_path, capsys, monkeypatch):
    _spec(tmp_path, "a.yaml", BODY.format(slug="a"))
    monkeypatch.setenv("INFERENCEKEY_PROJECT", "from-env")
    assert cli(capsys, "projects", "--json", tmp_path)[1] == '["from-env"]\n'
    assert cli(capsys, "projects", "--json", "--project", "from-flag", tmp_path)[1] == '["from-flag"]\n'
    monkeypatch.delenv("INFERENCEKEY_PROJECT")
    code, stdout, stderr = cli(capsys, "projects", "--json", tmp_path)
    assert code == 1 and stdout == ""
    assert f'{tmp_path / "a.yaml"}:1:1: no project for workload "a"' in stderr and "fix:" in stderr


def test_invalid_specs_are_located_errors_and_exit_1(tmp_path, capsys):
    _spec(tmp_path, "bad.yaml", "project: acme\nname: x\nslug: x\nmodel: m\nbackend: vlm\n")
    code, stdout, stderr = cli(capsys, "projects", "--json", tmp_path)
    assert code == 1 and stdout == ""
    assert f"{tmp_path / 'bad.yaml'}:5:10: $.backend:" in stderr


def test_a_missing_path_is_a_usage_error(tmp_path, capsys):
    code, stdout, stderr = cli(capsys, "projects", "--json", tmp_path / "nope")
    assert code == exit_codes.USAGE and stdout == "" and "ik-ensure projects: error:" in stderr


@pytest.mark.parametrize("command", ["import", "init", "schema", "projects"])
def test_each_command_loads_only_its_own_module_and_schema_needs_no_http_stack(command):
    probe = (
        "import sys\n"
        "from inferencekey_ensure.cli.main import build_parser\n"
        f"build_parser([{command!r}])\n"
        "print(sorted(m for m in sys.modules if m.endswith('_cmd')), 'httpx' in sys.modules)\n"
    )
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    module = {"import": "import_cmd", "init": "init_cmd", "schema": "schema_cmd", "projects": "projects_cmd"}[command]
    assert completed.stdout == f"['inferencekey_ensure.cli.{module}'] False\n", completed.stderr


def test_an_empty_default_folder_lists_no_projects(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "inferencekey").mkdir()
    (tmp_path / "inferencekey" / ".gitkeep").write_text("", encoding="utf-8")
    assert cli(capsys, "projects", "--json")[:2] == (0, "[]\n")
    assert cli(capsys, "projects", "--json", "inferencekey")[0] == exit_codes.USAGE  # an explicit path must hold specs
