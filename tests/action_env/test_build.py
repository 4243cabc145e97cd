"""The installers behind direct unpacking: uv, and pip where uv cannot be had; both isolated and hash-bound.

The set-up step unpacks the locked wheels itself where it can (test_unpack.py);
uv installs where it cannot, pip where uv has no wheel for the machine or cannot
be fetched. Everything comes from the tests' loopback package index, as from a
private mirror.
"""

from __future__ import annotations

import io
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from inferencekey_ensure.action_env import build
from inferencekey_ensure.action_env.interpreter import Interpreter
from inferencekey_ensure.action_env.locks import REQUIREMENTS_LOCK, UvWheel, uv_wheel_for
from inferencekey_ensure.action_env.verify import environment_problems, site_packages
from support.package_index import PackageIndex, action_wheels, altered

ROOT = Path(__file__).resolve().parents[2]
# Imported by any Python that has the planted folder on its path: each leaves a mark.
PLANTED = "import os\nopen(os.path.join({marks!r}, {name!r}), 'a').close()\n"


def uv_wheel() -> UvWheel:
    here = Interpreter.current()
    wheels = [UvWheel(file.sha256, file.filename, file.url) for file in action_wheels() if file.project == "uv"]
    found = uv_wheel_for(wheels, here.system, here.machine, here.libc)
    assert found is not None, "uv ships a wheel for this test machine"
    return found


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
    files = [file for file in action_wheels() if not file.filename.startswith("uv-")]
    victim = next(file for file in files if file.project == "idna")
    with PackageIndex(files, tampered={victim.filename: altered(victim)}) as mirror:
        work = tmp_path / "work"
        work.mkdir()
        python = build.create_venv(tmp_path / "env", work)
        with pytest.raises(build.TamperedWheel) as refused:
            build.install_with_pip(python, ROOT / REQUIREMENTS_LOCK, work, mirror.simple_url)
    assert victim.sha256 in str(refused.value) and "nothing ran" in str(refused.value)
    root = site_packages(tmp_path / "env")
    assert root is not None and not list(root.glob("*.dist-info"))


def test_uv_from_the_mirror_installs_the_lock_and_the_environment_verifies(tmp_path: Path,
                                                                          package_index: PackageIndex) -> None:
    work = tmp_path / "work"
    work.mkdir()
    uv = build.fetch_uv(uv_wheel(), work, package_index.simple_url)
    python = build.create_venv(tmp_path / "env", work)
    build.install_with_uv(uv, python, ROOT / REQUIREMENTS_LOCK, work, package_index.simple_url)
    assert environment_problems(tmp_path / "env", Interpreter.current()) == []
    done = subprocess.run([str(python), "-I", "-c", "import httpx, yaml"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_tampered_uv_wheel_is_refused_naming_its_hash_and_never_unpacked(tmp_path: Path) -> None:
    locked = uv_wheel()
    # A "uv" that would leave a mark if anything ran it.
    marks = tmp_path / "ran"
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("uv-0.0.0.data/scripts/uv", f"#!/bin/sh\ntouch {marks}\n")
    files = [file for file in action_wheels() if file.filename == locked.filename]
    with PackageIndex(files, tampered={locked.filename: evil.getvalue()}) as mirror:
        work = tmp_path / "work"
        work.mkdir()
        with pytest.raises(build.TamperedWheel) as refused:
            build.fetch_uv(locked, work, mirror.simple_url)
    assert locked.sha256 in str(refused.value)
    assert os.listdir(work) == [] and not marks.exists()


def test_uv_refuses_a_tampered_locked_wheel_naming_the_hash(tmp_path: Path, package_index: PackageIndex) -> None:
    work = tmp_path / "work"
    work.mkdir()
    uv = build.fetch_uv(uv_wheel(), work, package_index.simple_url)
    files = [file for file in action_wheels() if not file.filename.startswith("uv-")]
    victim = next(file for file in files if file.project == "certifi")
    with PackageIndex(files, tampered={victim.filename: altered(victim)}) as mirror:
        python = build.create_venv(tmp_path / "env", work)
        with pytest.raises(build.TamperedWheel) as refused:
            build.install_with_uv(uv, python, ROOT / REQUIREMENTS_LOCK, work, mirror.simple_url)
    assert victim.sha256 in str(refused.value)
    root = site_packages(tmp_path / "env")
    assert root is not None and not list(root.glob("*.dist-info"))
