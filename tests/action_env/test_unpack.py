"""Direct unpacking: which locked wheels this Python needs, and what an archive may hold before it is unpacked."""

from __future__ import annotations

import hashlib
import io
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.tags import sys_tags
from packaging.utils import parse_wheel_filename

from inferencekey_ensure.action_env import unpack
from support.package_index import PackageIndex, action_wheels

ROOT = Path(__file__).resolve().parents[2]
PYLOCK = (ROOT / "action" / "pylock.toml").read_text(encoding="utf-8")


def test_this_python_gets_one_fitting_wheel_per_package_its_markers_select() -> None:
    chosen = unpack.locked_wheels(PYLOCK)
    assert chosen is not None
    expected = sorted(file.filename for file in action_wheels() if not file.filename.startswith("uv-"))
    assert sorted(wheel.filename for wheel in chosen) == expected
    here = set(sys_tags())
    assert all(set(parse_wheel_filename(wheel.filename)[3]) & here for wheel in chosen)
    assert len({wheel.project for wheel in chosen}) == len(chosen)


def test_a_package_with_no_wheel_for_this_platform_leaves_the_choice_to_uv() -> None:
    lock = ('[[packages]]\nname = "x"\nversion = "1"\nwheels = [{ url = "https://files.example/'
            'x-1-cp27-cp27m-win32.whl", hashes = { sha256 = "00" } }]\n')
    assert unpack.locked_wheels(lock) is None


def test_without_pip_s_packaging_this_python_cannot_choose(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pip._vendor.packaging.tags", None)
    assert unpack.locked_wheels(PYLOCK) is None


def _archive(names: list) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "x = 1\n")
    return out.getvalue()


@pytest.mark.parametrize("bad", ["demo-1.data/scripts/demo", "../outside.py", "/etc/demo.py"])
def test_an_archive_with_more_than_modules_is_refused_before_anything_is_written(tmp_path: Path, bad: str) -> None:
    # Two locked names served with archives whose hashes the test locks: one plain, one reaching out.
    first, second = [file for file in action_wheels() if file.project in ("idna", "certifi")]
    served = {first.filename: _archive(["demo/__init__.py"]), second.filename: _archive(["other/__init__.py", bad])}
    wheels = [unpack.LockedWheel(file.project, file.filename, file.url, hashlib.sha256(served[file.filename]).hexdigest())
              for file in (first, second)]
    site = tmp_path / "site-packages"
    site.mkdir()
    with PackageIndex([first, second], tampered=served) as mirror, pytest.raises(OSError, match="not a module"):
        unpack.install(wheels, site, mirror.simple_url)
    assert list(site.iterdir()) == []


def test_the_wheels_unpack_into_site_packages_with_their_record(tmp_path: Path, package_index: PackageIndex) -> None:
    chosen = unpack.locked_wheels(PYLOCK)
    assert chosen is not None
    site = tmp_path / "site-packages"
    site.mkdir()
    unpack.install(chosen, site, package_index.simple_url)
    assert (site / "yaml" / "__init__.py").is_file() and (site / "httpx" / "__init__.py").is_file()
    assert len(list(site.glob("*.dist-info/RECORD"))) == len(chosen)
