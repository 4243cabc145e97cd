"""The pip fallback installs the same locked wheels, isolated from the job's Python settings.

Used where uv has no wheel for the machine or cannot be fetched. Installs from
the tests' loopback package index, as from a private mirror.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from inferencekey_ensure.action_env import build
from inferencekey_ensure.action_env.interpreter import Interpreter
from inferencekey_ensure.action_env.locks import REQUIREMENTS_LOCK
from inferencekey_ensure.action_env.verify import environment_problems, site_packages
from support.package_index import PackageIndex

ROOT = Path(__file__).resolve().parents[2]
# Imported by any Python that has the planted folder on its path: each leaves a mark.
PLANTED = "import os\nopen(os.path.join({marks!r}, {name!r}), 'a').close()\n"


def test_pip_installs_the_lock_and_the_compiled_environment_verifies(tmp_path: Path,
                                                                     package_index: PackageIndex) -> None:
    env, work = tmp_path / "env", tmp_path / "work"
    work.mkdir()
    python = build.create_venv(env, work)
    build.install_with_pip(python, ROOT / REQUIREMENTS_LOCK, work, package_index.simple_url)
    build.compile_and_record(env)
    assert environment_problems(env, Interpreter.current()) == []
    root = site_packages(env)
    assert root is not None and list(root.glob("yaml/__pycache__/*.pyc"))
    done = subprocess.run([str(python), "-I", "-c", "import httpx, yaml"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert environment_problems(env, Interpreter.current()) == []


def test_the_pip_fallback_imports_nothing_from_pythonpath_the_user_site_or_the_current_folder(
        tmp_path: Path, package_index: PackageIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    planted, marks, work = tmp_path / "workspace", tmp_path / "marks", tmp_path / "work"
    for folder in (planted, marks, work):
        folder.mkdir()
    for name in ("platform", "sitecustomize", "usercustomize"):
        (planted / f"{name}.py").write_text(PLANTED.format(marks=str(marks), name=name))
    (planted / "startup.py").write_text(PLANTED.format(marks=str(marks), name="startup"))
    monkeypatch.chdir(planted)
    for name, value in {"PYTHONPATH": str(planted), "PYTHONSTARTUP": str(planted / "startup.py"),
                        "PYTHONUSERBASE": str(planted), "PYTHONINSPECT": ""}.items():
        monkeypatch.setenv(name, value)
    python = build.create_venv(tmp_path / "env", work)
    build.install_with_pip(python, ROOT / REQUIREMENTS_LOCK, work, package_index.simple_url)
    assert sorted(os.listdir(marks)) == []
    assert "pyyaml" in " ".join(package_index.served()).lower()


def test_a_tampered_wheel_stops_pip_naming_the_hash_and_nothing_is_installed(tmp_path: Path) -> None:
    from support.package_index import action_wheels

    files = [file for file in action_wheels() if not file.filename.startswith("uv-")]
    victim = next(file for file in files if file.project == "idna")
    with PackageIndex(files, tampered={victim.filename: b"not the locked wheel"}) as mirror:
        work = tmp_path / "work"
        work.mkdir()
        python = build.create_venv(tmp_path / "env", work)
        with pytest.raises(build.TamperedWheel) as refused:
            build.install_with_pip(python, ROOT / REQUIREMENTS_LOCK, work, mirror.simple_url)
    assert victim.sha256 in str(refused.value) and "nothing ran" in str(refused.value)
    root = site_packages(tmp_path / "env")
    assert root is not None and not list(root.glob("*.dist-info"))
