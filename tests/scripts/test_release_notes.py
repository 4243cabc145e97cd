"""``scripts/release_notes.py``, and that the tag it releases is the one every document points at.

The release workflow tags ``v<pyproject version>`` and publishes that version's CHANGELOG
section; README, docs/ and what ``init``/``import`` write pin ``@vX.Y.Z``, ``rev: vX.Y.Z`` and
``$schema`` URLs under ``/vX.Y.Z/``. These tests hold the two to one version.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from inferencekey_ensure import __version__
from inferencekey_ensure.onboarding.precommit_config import HOOK_REV
from inferencekey_ensure.onboarding.spec_files import SCHEMA_URL
from inferencekey_ensure.onboarding.workflow_templates import ACTION_REF

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "release_notes.py"
sys.path.insert(0, str(SCRIPT.parent))
from release_notes import changelog_section, project_version  # noqa: E402 - the script is not a package

CHANGELOG = """\
# Changelog

## [Unreleased]

## [1.2.0] - 2027-01-05

### Added
- a thing

## 1.1.0

- older

[1.2.0]: https://example.com/compare
"""
VERSION = project_version((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_project_version_is_read_from_the_project_table_only():
    text = '[tool.other]\nversion = "9.9.9"\n\n[project]\nname = "x"\nversion = "1.2.3"\n\n[tool.x]\nversion = "0"\n'
    assert project_version(text) == "1.2.3"
    with pytest.raises(ValueError, match=r"no \[project\] version"):
        project_version('[tool.x]\nversion = "1"\n')


def test_a_section_runs_to_the_next_version_heading_without_link_definitions():
    assert changelog_section(CHANGELOG, "1.2.0") == "### Added\n- a thing"
    assert changelog_section(CHANGELOG, "1.1.0") == "- older"


def test_a_version_is_matched_whole_and_an_empty_or_missing_section_is_none():
    assert changelog_section(CHANGELOG, "1.2") is None
    assert changelog_section(CHANGELOG, "1.2.0.1") is None
    assert changelog_section(CHANGELOG, "Unreleased") == ""


def _script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60)


def test_the_script_prints_the_version_and_its_notes_and_refuses_a_version_with_none():
    assert _script("version").stdout == f"{VERSION}\n"
    notes = _script("notes", VERSION)
    assert notes.returncode == 0 and notes.stdout.startswith("The first release.")
    missing = _script("notes", "99.0.0")
    assert missing.returncode == 1 and "no section '## [99.0.0]'" in missing.stderr and missing.stdout == ""
    assert _script().returncode == 2


def test_the_package_and_what_init_writes_carry_the_version_the_release_tags():
    assert __version__ == VERSION
    assert f"inferencekey/ensure-action@v{VERSION}" == ACTION_REF
    assert f"v{VERSION}" == HOOK_REV
    assert f"/ensure-action/v{VERSION}/schemas/" in SCHEMA_URL


def test_every_document_pins_the_tag_the_release_makes():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    pins = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        pins += re.findall(r"inferencekey/ensure-action@(v[\w.]+)", text)
        pins += re.findall(r"repo: https://github.com/inferencekey/ensure-action\s+rev: (\S+)", text)
        pins += re.findall(r"inferencekey/ensure-action/(v[\w.]+)/schemas/", text)
        pins += re.findall(r"ensure-action@(v[\w.]+)", text)
    assert pins and set(pins) == {f"v{VERSION}"}


def test_the_release_workflow_tags_the_pyproject_version_and_publishes_its_changelog_section():
    workflow = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    assert "python scripts/release_notes.py version" in workflow
    assert 'python scripts/release_notes.py notes "$VERSION"' in workflow
    assert changelog_section((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), VERSION)
