"""action/requirements.lock satisfies pyproject.toml everywhere the action runs, and pins every wheel by hash.

Environments: CPython 3.9-3.13 on Linux x86_64 and aarch64 and on macOS x86_64
and arm64, each with its own markers. After changing ``[project] dependencies``,
``python scripts/relock_action.py`` makes these pass again.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Set, Tuple

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.tags import Tag, compatible_tags, cpython_tags, mac_platforms
from packaging.utils import parse_wheel_filename

from inferencekey_ensure.action_env.locks import REQUIREMENTS_LOCK, UV_WHEELS_LOCK, parse_uv_wheels, uv_wheel_for

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
PYLOCK = Path("action", "pylock.toml")
PYTHONS = ["3.9", "3.10", "3.11", "3.12", "3.13"]
PLATFORMS = [("linux", "Linux", "x86_64"), ("linux", "Linux", "aarch64"),
             ("darwin", "Darwin", "x86_64"), ("darwin", "Darwin", "arm64")]
ENVIRONMENTS = [(python, *platform) for python in PYTHONS for platform in PLATFORMS]
HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})")


def marker_environment(python: str, sys_platform: str, system: str, machine: str) -> Dict[str, str]:
    return {
        "python_version": python, "python_full_version": f"{python}.0", "sys_platform": sys_platform,
        "platform_system": system, "platform_machine": machine, "os_name": "posix",
        "implementation_name": "cpython", "platform_python_implementation": "CPython",
        "implementation_version": f"{python}.0", "platform_release": "", "platform_version": "", "extra": "",
    }


def locked() -> List[Tuple[Requirement, List[str]]]:
    text = (ROOT / REQUIREMENTS_LOCK).read_text(encoding="utf-8")
    entries = re.sub(r"\\\n\s*", " ", text)
    pins = []
    for line in entries.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            requirement, _, hashes = line.partition(" --hash=")
            pins.append((Requirement(requirement.strip()), HASH.findall("--hash=" + hashes)))
    return pins


def runtime_dependencies() -> List[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(text) for text in project["dependencies"]]


def active_pins(environment: Dict[str, str]) -> Dict[str, Tuple[Requirement, List[str]]]:
    active: Dict[str, Tuple[Requirement, List[str]]] = {}
    for requirement, hashes in locked():
        if requirement.marker is None or requirement.marker.evaluate(environment):
            name = requirement.name.lower().replace("_", "-")
            assert name not in active, f"{name} is pinned twice for {environment['python_version']}"
            active[name] = (requirement, hashes)
    return active


def supported_tags(python: str, system: str, machine: str) -> Set[Tag]:
    """The wheel tags CPython ``python`` accepts on a GitHub-hosted-like runner of that OS and CPU."""
    minor = int(python.split(".")[1])
    if system == "Linux":
        platforms = [f"manylinux_2_{glibc}_{machine}" for glibc in range(35, 4, -1)]
        platforms += [f"manylinux{legacy}_{machine}" for legacy in ("2014", "2010", "1")]
    else:
        platforms = list(mac_platforms((14, 0), machine))
    version = (3, minor)
    return set(cpython_tags(version, platforms=platforms)) | set(compatible_tags(version, f"cp3{minor}", platforms))


def wheel_name(wheel: Dict[str, Any]) -> str:
    """PEP 751 makes ``name`` optional: the URL's last part is the file name then."""
    return str(wheel.get("name") or wheel["url"].rsplit("/", 1)[1])


def pylock_packages() -> List[Dict[str, Any]]:
    return list(tomllib.loads((ROOT / PYLOCK).read_text(encoding="utf-8"))["packages"])


def test_the_pylock_is_the_same_resolution_as_the_requirements_lock() -> None:
    pins = {(requirement.name, next(iter(requirement.specifier)).version): set(hashes)
            for requirement, hashes in locked()}
    packages = pylock_packages()
    assert {(package["name"], package["version"]) for package in packages} == set(pins)
    for package in packages:
        wheel_hashes = {wheel["hashes"]["sha256"] for wheel in package["wheels"]}
        assert wheel_hashes <= pins[(package["name"], package["version"])], package["name"]
        assert "sdist" not in package, package["name"]


@pytest.mark.parametrize("python,sys_platform,system,machine", ENVIRONMENTS)
def test_every_locked_package_has_a_hashed_wheel_for_each_environment(python: str, sys_platform: str, system: str,
                                                                     machine: str) -> None:
    environment = marker_environment(python, sys_platform, system, machine)
    tags = supported_tags(python, system, machine)
    needed = [package for package in pylock_packages()
              if "marker" not in package or Marker(package["marker"]).evaluate(environment)]
    assert needed
    for package in needed:
        fitting = [wheel for wheel in package["wheels"] if parse_wheel_filename(wheel_name(wheel))[3] & tags]
        assert fitting, f"no wheel of {package['name']} {package['version']} for Python {python} on {system} {machine}"


def test_every_lock_entry_is_an_exact_version_with_at_least_one_sha256() -> None:
    pins = locked()
    assert pins
    for requirement, hashes in pins:
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", str(requirement)
        assert hashes, f"{requirement.name} has no hash"


@pytest.mark.parametrize("python,sys_platform,system,machine", ENVIRONMENTS)
def test_the_lock_pins_every_runtime_dependency_within_its_range(python: str, sys_platform: str, system: str,
                                                                  machine: str) -> None:
    environment = marker_environment(python, sys_platform, system, machine)
    pins = active_pins(environment)
    for dependency in runtime_dependencies():
        if dependency.marker is not None and not dependency.marker.evaluate(environment):
            continue
        name = dependency.name.lower().replace("_", "-")
        assert name in pins, f"{name} is not locked for Python {python} on {system} {machine}"
        version = next(iter(pins[name][0].specifier)).version
        assert dependency.specifier.contains(version, prereleases=True), f"{name}=={version} is outside {dependency}"


def test_the_uv_lock_has_one_hashed_wheel_of_one_version_for_each_supported_platform() -> None:
    wheels = parse_uv_wheels((ROOT / UV_WHEELS_LOCK).read_text(encoding="utf-8"))
    assert len({wheel.filename.split("-")[1] for wheel in wheels}) == 1
    for sys_platform, _, machine in PLATFORMS:
        for libc in (("glibc", "") if sys_platform == "linux" else ("",)):
            wheel = uv_wheel_for(wheels, sys_platform, machine, libc)
            assert wheel is not None, (sys_platform, machine, libc)
            assert re.fullmatch(r"[0-9a-f]{64}", wheel.sha256) and wheel.url.endswith("/" + wheel.filename)
