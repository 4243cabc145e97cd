"""The plan digest: the plan's meaning, not its wording; and ``apply --expect-digest``."""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List

import httpx
import pytest

from inferencekey_ensure.cli import exit_codes
from inferencekey_ensure.cli.argtypes import plan_digest_arg
from inferencekey_ensure.cli.main import main
from inferencekey_ensure.controlplane.settings import BASE_URL_ENV, TOKEN_ENV
from inferencekey_ensure.domain.drift import FieldDiff
from inferencekey_ensure.domain.spec import DeclaredWorkload, SourceLocation, WorkloadSpec
from inferencekey_ensure.emulator import EmulatorConfig, EmulatorServer
from inferencekey_ensure.plan.digest import (
    canonical_json,
    canonical_plan,
    plan_differences,
    plan_digest,
    remainder_of,
)
from inferencekey_ensure.plan.model import EndpointRef, PlannedWorkload, Target, UnmanagedWorkload
from support.cli import run_cli

TOKEN = "ik_sdk_plan0001_digest0test0secret0value"

# One meaning, written five ways.
AS_LIST = """\
project: acme
workloads:
  - name: Support bot
    slug: support-bot
    model: llama3:8b
    backend: ollama
    description: Answers support tickets.
  - name: Embedder
    slug: embedder
    model: nomic-embed-text
    backend: ollama
"""
REORDERED_AND_QUOTED = """\
# the same two workloads, keys in another order, values quoted
workloads:
  - backend: "ollama"
    description: 'Answers support tickets.'   # a comment
    model: "llama3:8b"
    slug: support-bot
    name: "Support bot"
  - {slug: embedder, backend: ollama, name: Embedder, model: nomic-embed-text}
project: "acme"
"""
FOLDED = """\
project: acme
workloads:
  - name: Support bot
    slug: support-bot
    model: llama3:8b
    backend: ollama
    description: >-
      Answers support
      tickets.
  - name: Embedder
    slug: embedder
    model: nomic-embed-text
    backend: ollama
"""
SINGLE_BOT = """\
project: acme
name: Support bot
slug: support-bot
model: llama3:8b
backend: ollama
description: Answers support tickets.
"""
SINGLE_EMBEDDER = """\
project: acme
name: Embedder
slug: embedder
model: nomic-embed-text
backend: ollama
"""
AS_JSON = json.dumps({"workloads": [
    {"slug": "embedder", "name": "Embedder", "backend": "ollama", "model": "nomic-embed-text", "project": "acme"},
    {"description": "Answers support tickets.", "backend": "ollama", "model": "llama3:8b", "name": "Support bot",
     "slug": "support-bot", "project": "acme"},
]})
WORDINGS: Dict[str, Dict[str, str]] = {
    "list": {"a.yaml": AS_LIST},
    "reordered-quoted-commented": {"b.yaml": REORDERED_AND_QUOTED},
    "folded": {"c.yaml": FOLDED},
    "single-files": {"bot.yaml": SINGLE_BOT, "embedder.yml": SINGLE_EMBEDDER},
    "json": {"all.json": AS_JSON},
}


@pytest.fixture
def platform(monkeypatch: pytest.MonkeyPatch) -> Iterator[EmulatorServer]:
    with EmulatorServer(EmulatorConfig(readiness_step_s=0)) as server:
        monkeypatch.setenv(TOKEN_ENV, TOKEN)
        monkeypatch.setenv(BASE_URL_ENV, server.url)
        monkeypatch.delenv("INFERENCEKEY_PROJECT", raising=False)
        yield server


def spec_folder(root: Path, files: Dict[str, str]) -> Path:
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def plan_json(capsys: pytest.CaptureFixture[str], folder: Path) -> Dict[str, Any]:
    code, out, err = run_cli(capsys, "plan", folder, "--json")
    assert code == 0, err
    document: Dict[str, Any] = json.loads(out)
    return document


def edit_on_platform(server: EmulatorServer, slug: str, **fields: Any) -> None:
    [workload] = [w for w in server.workloads("acme") if w["slug"] == slug]
    response = httpx.patch(f"{server.url}/api/workloads/{workload['id']}", json=fields,
                           headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text


def test_every_wording_of_the_same_specs_has_the_same_digest(platform, tmp_path, capsys):
    # Drift on one workload, so the digest covers live values too, not only creates.
    platform.seed("acme", {"name": "Support bot", "slug": "support-bot", "task_type": "text2text",
                           "backend": "ollama", "model_name": "llama3:8b", "description": "Old text."})
    digests = {name: plan_json(capsys, spec_folder(tmp_path / name, files))["plan_digest"]
               for name, files in WORDINGS.items()}
    assert len(set(digests.values())) == 1, digests
    assert next(iter(digests.values())).startswith("sha256:")


def test_a_platform_edit_after_the_review_changes_the_digest(platform, tmp_path, capsys):
    folder = spec_folder(tmp_path / "specs", {"a.yaml": AS_LIST})
    assert run_cli(capsys, "apply", folder)[0] == 0
    reviewed = plan_json(capsys, folder)["plan_digest"]
    edit_on_platform(platform, "support-bot", description="Edited in the console.")
    now = plan_json(capsys, folder)["plan_digest"]
    assert now != reviewed


def test_a_changed_desired_value_changes_the_digest(platform, tmp_path, capsys):
    before = plan_json(capsys, spec_folder(tmp_path / "a", {"a.yaml": AS_LIST}))["plan_digest"]
    after = plan_json(capsys, spec_folder(tmp_path / "b", {"a.yaml": AS_LIST.replace("llama3:8b", "llama3:70b")}))
    assert after["plan_digest"] != before


def _planned(slug: str, action: Any, diffs: List[FieldDiff]) -> PlannedWorkload:
    spec = WorkloadSpec(name=slug, slug=slug, model="llama3:8b", backend="ollama")
    target = Target(DeclaredWorkload(spec, SourceLocation("inferencekey/a.yaml", 1, 1)), "acme")
    return PlannedWorkload(target, slug, action, "reconcile", EndpointRef("acme", slug), tuple(diffs))


def _plan(description: str, unmanaged_action: Any = "none") -> Dict[str, Any]:
    planned = [_planned("support-bot", "update", [FieldDiff("description", description, "Answers.")]),
               _planned("embedder", "no-change", [])]
    return canonical_plan(planned, [UnmanagedWorkload("acme", "old-bot", "Old", "w-9", unmanaged_action)])


def test_the_canonical_text_is_pinned_so_the_digest_is_the_same_on_every_python():
    plan = _plan("Old \u00e9")
    assert canonical_json(plan) == (
        '{"unmanaged":[{"action":"none","project":"acme","slug":"old-bot"}],"v":1,"workloads":['
        '{"action":"no-change","fields":[],"project":"acme","slug":"embedder"},'
        '{"action":"update","fields":[["description","Old \u00e9","Answers."]],"project":"acme","slug":"support-bot"}]}'
    )
    assert plan_digest(plan) == "sha256:" + hashlib.sha256(canonical_json(plan).encode()).hexdigest()


def test_the_digest_does_not_depend_on_hash_randomisation(tmp_path):
    script = ("import json,sys;from inferencekey_ensure.plan.digest import plan_digest;"
              "print(plan_digest(json.loads(sys.stdin.read())))")
    source = json.dumps(_plan("Old"))
    digests = {
        subprocess.run([sys.executable, "-c", script], input=source, capture_output=True, text=True, check=True,
                       env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}).stdout.strip()
        for seed in ("0", "1", "12345")
    }
    assert digests == {plan_digest(_plan("Old"))}


def test_differences_name_the_workload_and_field_and_the_unmanaged_change():
    reviewed, current = _plan("Old"), _plan("Edited", unmanaged_action="prune")
    lines = plan_differences(reviewed, current)
    assert lines == [
        "acme/support-bot: update, with different values",
        '  description: live value was "Old" at the review, is "Edited" now',
        "unmanaged acme/old-bot: action was none at the review, is prune now",
    ]
    assert plan_differences(current, current) == []
    assert "only its digest is known" in plan_differences(None, current)[0]


def test_what_is_left_of_the_reviewed_plan_is_a_remainder_of_it_and_nothing_else_is():
    reviewed = canonical_plan(
        [_planned("support-bot", "update", [FieldDiff("description", "Old", "Answers.")]),
         _planned("embedder", "create", [FieldDiff("model", None, "nomic-embed-text")])],
        [UnmanagedWorkload("acme", "old-bot", "Old", "w-9", "prune")])
    half_done = canonical_plan(
        [_planned("support-bot", "no-change", []),
         _planned("embedder", "create", [FieldDiff("model", None, "nomic-embed-text")])], [])
    assert remainder_of(reviewed, reviewed) and remainder_of(reviewed, half_done)
    assert remainder_of(None, canonical_plan([_planned("embedder", "no-change", [])], [])), "nothing to write"
    assert not remainder_of(None, half_done), "only the digest kept: only a plan writing nothing passes"
    live_moved = canonical_plan([_planned("support-bot", "update", [FieldDiff("description", "Edited", "Answers.")])],
                                [])
    other_action = canonical_plan([_planned("embedder", "replace", [FieldDiff("model", None, "nomic-embed-text")])],
                                  [])
    unreviewed_deletion = canonical_plan([], [UnmanagedWorkload("acme", "stray", "Stray", "w-1", "prune")])
    unreviewed_write = canonical_plan([_planned("new-bot", "create", [])], [])
    for current in (live_moved, other_action, unreviewed_deletion, unreviewed_write):
        assert not remainder_of(reviewed, current), current


def test_apply_expect_digest_applies_the_reviewed_plan(platform, tmp_path, capsys):
    folder = spec_folder(tmp_path / "specs", {"a.yaml": AS_LIST})
    digest = plan_json(capsys, folder)["plan_digest"]
    code, _out, _ = run_cli(capsys, "apply", folder, "--expect-digest", digest)
    assert code == 0
    assert sorted(w["slug"] for w in platform.workloads("acme")) == ["embedder", "support-bot"]


def test_apply_expect_digest_writes_nothing_when_the_plan_changed(platform, tmp_path, capsys):
    folder = spec_folder(tmp_path / "specs", {"a.yaml": AS_LIST})
    assert run_cli(capsys, "apply", folder)[0] == 0
    reviewed = plan_json(capsys, folder)["plan_digest"]
    edit_on_platform(platform, "support-bot", description="Edited in the console.")
    platform.clear_request_log()
    code, _, err = run_cli(capsys, "apply", folder, "--expect-digest", reviewed)
    assert code == 1
    assert [r.method for r in platform.request_log if r.method != "GET"] == []
    assert reviewed in err and "nothing was written" in err
    assert [w["description"] for w in platform.workloads("acme") if w["slug"] == "support-bot"] == [
        "Edited in the console."]


def test_expect_digest_accepts_exactly_the_digests_plan_writes():
    digest = plan_digest(_plan("Old"))
    assert plan_digest_arg(f" {digest} ") == digest
    for malformed in (digest.upper(), digest[:-1], digest + "0", "md5:" + digest[7:]):
        with pytest.raises(argparse.ArgumentTypeError):
            plan_digest_arg(malformed)


def test_apply_expect_digest_refuses_a_malformed_digest_as_a_usage_error(platform, tmp_path, capsys):
    folder = spec_folder(tmp_path / "specs", {"a.yaml": AS_LIST})
    with pytest.raises(SystemExit) as exit_info:
        main(["apply", str(folder), "--expect-digest", "abc"])
    assert exit_info.value.code == exit_codes.USAGE
    assert "sha256:<64 hex digits>" in capsys.readouterr().err
    assert platform.request_log == []
