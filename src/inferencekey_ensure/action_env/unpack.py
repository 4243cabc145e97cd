"""The fastest cold install: download the locked wheels this Python needs and unpack them, no installer.

The locked set is small (httpx, PyYAML and what they need, about 1 MB) and every
wheel in it is a plain archive of modules and its ``.dist-info``, so installing
one into a fresh venv is unpacking it into site-packages: its RECORD then names
every file with its hash, as after pip. ``action/pylock.toml`` names each
wheel's URL and sha256; which wheels fit this Python is decided by the markers
and the platform tags, evaluated with the ``packaging`` library that pip vendors
(pip comes with nearly every CPython; without it, or for a wheel that is more
than modules, ``locked_wheels`` says None and uv installs instead). Each file is
checked against its locked sha256 before anything of it is written.
"""

from __future__ import annotations

import hashlib
import io
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Dict, List, Optional

from inferencekey_ensure.action_env import index
from inferencekey_ensure.action_env.build import TamperedWheel

PARALLEL_DOWNLOADS = 8


@dataclass(frozen=True)
class LockedWheel:
    project: str
    filename: str
    url: str
    sha256: str


def _toml(text: str) -> Dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib  # noqa: PLC0415 - imported only where needed
    else:
        from pip._vendor import tomli as tomllib  # noqa: PLC0415 - pip's copy on 3.9 and 3.10
    return dict(tomllib.loads(text))


def locked_wheels(pylock_text: str) -> Optional[List[LockedWheel]]:
    """The one best wheel of every locked package this Python needs; None when this Python cannot tell.

    None also when a needed package has no wheel for this platform; uv (or pip) then decides.
    """
    try:
        from pip._vendor.packaging.markers import Marker  # noqa: PLC0415 - optional: pip may be absent
        from pip._vendor.packaging.tags import sys_tags  # noqa: PLC0415
        from pip._vendor.packaging.utils import parse_wheel_filename  # noqa: PLC0415
        lock = _toml(pylock_text)
    except (ImportError, ValueError):
        return None
    priority = {tag: rank for rank, tag in enumerate(sys_tags())}
    chosen = []
    for package in lock.get("packages", []):
        if "marker" in package and not Marker(package["marker"]).evaluate():
            continue
        ranked = []
        for wheel in package.get("wheels", []):
            filename = str(wheel["url"]).rsplit("/", 1)[-1]
            ranks = [priority[tag] for tag in parse_wheel_filename(filename)[3] if tag in priority]
            if ranks:
                ranked.append((min(ranks), LockedWheel(str(package["name"]), filename, str(wheel["url"]),
                                                       str(wheel["hashes"]["sha256"]))))
        if not ranked:
            return None
        chosen.append(min(ranked, key=lambda pair: pair[0])[1])
    return chosen


def _fetch(wheel: LockedWheel, index_url: str) -> bytes:
    data = index.download(index.locked_file_url(index_url, wheel.project, wheel.filename, wheel.url))
    actual = hashlib.sha256(data).hexdigest()
    if actual != wheel.sha256:
        raise TamperedWheel(f"{wheel.filename} from {index.shown(index_url)} has sha256 {actual}, but "
                           f"action/pylock.toml says {wheel.sha256}: it was not installed, nothing ran")
    return data


def _members(archive: zipfile.ZipFile, filename: str) -> List[str]:
    """The archive's files, when all of them go to site-packages (no ``.data`` folder, no path out)."""
    names = [info.filename for info in archive.infolist() if not info.is_dir()]
    for name in names:
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts or "\\" in name or path.parts[0].endswith(".data"):
            raise OSError(f"{filename} holds {name!r}, which is not a module to unpack")
    return names


def install(wheels: List[LockedWheel], site_packages: Path, index_url: str) -> None:
    """Download every wheel (in parallel) and check its hash, then unpack them all into ``site_packages``.

    Nothing is written until every file is there, checked and found to be modules
    only, so a refusal leaves the venv empty for the next installer.
    """
    with ThreadPoolExecutor(max_workers=PARALLEL_DOWNLOADS) as pool:
        archives = [zipfile.ZipFile(io.BytesIO(data)) for data in pool.map(lambda w: _fetch(w, index_url), wheels)]
    contents = [(archive, _members(archive, wheel.filename)) for wheel, archive in zip(wheels, archives)]
    for archive, names in contents:
        with archive:
            for name in names:
                target = site_packages.joinpath(*PurePosixPath(name).parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(name))
