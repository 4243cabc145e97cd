"""A package index on 127.0.0.1 for the tests, filled once from a hash-checked cache outside the repository.

What the action installs (the locked wheels of ``action/pylock.toml`` that fit
this Python, the pinned uv wheel of ``action/uv-wheels.lock``) and what
pre-commit's pip needs to build this package into a hook environment
(``hook-build-wheels.lock``) is downloaded once, with retries, checked against
its locked sha256 and kept in ``$XDG_CACHE_HOME/ik-ensure-tests/wheels/<sha256>/``
(``~/.cache`` without it; ``IK_ENSURE_TEST_WHEELS`` overrides the folder). A
file already there with the right hash is never fetched again, so once filled
the suite needs no network beyond loopback. ``PackageIndex`` serves the cache as
a PEP 503 simple index, the same way the action's ``index-url`` input takes a
private mirror; ``tampered`` makes it serve other bytes under a locked name.

Fill the cache ahead of an offline run (``.ci/run`` does) with
``python tests/support/package_index.py``.
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import re
import sys
import threading
import zipfile
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from packaging.markers import Marker
from packaging.tags import sys_tags
from packaging.utils import canonicalize_name, parse_wheel_filename

from inferencekey_ensure.action_env import index
from inferencekey_ensure.action_env.interpreter import Interpreter
from inferencekey_ensure.action_env.locks import UV_WHEELS_LOCK, parse_uv_wheels, uv_wheel_for

if not __package__:  # run as a script (to fill the cache): ``support`` is this file's folder
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from support.loopback import LoopbackServer

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9 and 3.10
    import tomli as tomllib

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HOOK_BUILD_LOCK = Path(__file__).with_name("hook-build-wheels.lock")
CACHE_ENV = "IK_ENSURE_TEST_WHEELS"


@dataclass(frozen=True)
class LockedFile:
    sha256: str
    filename: str
    url: str

    @property
    def project(self) -> str:
        return str(canonicalize_name(self.filename.split("-", 1)[0]))


def cache_folder() -> Path:
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ik-ensure-tests" / "wheels"


def _fits_here(filename: str) -> bool:
    here = set(sys_tags())
    return any(tag in here for tag in parse_wheel_filename(filename)[3])


def action_wheels(root: Path = PROJECT_ROOT) -> List[LockedFile]:
    """The locked wheels this Python installs, and the uv wheel for this machine."""
    lock = tomllib.loads((root / "action" / "pylock.toml").read_text(encoding="utf-8"))
    files = []
    for package in lock["packages"]:
        if "marker" in package and not Marker(package["marker"]).evaluate():
            continue
        files += [LockedFile(wheel["hashes"]["sha256"], wheel["url"].rsplit("/", 1)[-1], wheel["url"])
                  for wheel in package["wheels"] if _fits_here(wheel["url"].rsplit("/", 1)[-1])]
    here = Interpreter.current()
    uv = uv_wheel_for(parse_uv_wheels((root / UV_WHEELS_LOCK).read_text(encoding="utf-8")),
                      here.system, here.machine, here.libc)
    return files + ([LockedFile(uv.sha256, uv.filename, uv.url)] if uv else [])


def hook_build_wheels() -> List[LockedFile]:
    return [LockedFile(wheel.sha256, wheel.filename, wheel.url)
            for wheel in parse_uv_wheels(HOOK_BUILD_LOCK.read_text(encoding="utf-8"))]


def every_file() -> List[LockedFile]:
    return action_wheels() + hook_build_wheels()


def cached(file: LockedFile, folder: Optional[Path] = None) -> Path:
    """The cached copy of ``file``, downloaded (with retries) and hash-checked when not there yet."""
    target = (folder or cache_folder()) / file.sha256 / file.filename
    if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == file.sha256:
        return target
    try:
        data = index.download(file.url)
    except OSError as error:
        raise RuntimeError(f"{file.filename} is not in the test cache {target.parent} and could not be "
                           f"downloaded ({error}); fill the cache where the package index can be reached: "
                           f"python tests/support/package_index.py") from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != file.sha256:
        raise RuntimeError(f"{file.url} has sha256 {actual}, the lock says {file.sha256}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
    partial.write_bytes(data)
    os.replace(partial, target)
    return target


def altered(file: LockedFile) -> bytes:
    """``file``'s wheel with one module more: a well-formed archive that is not the locked one."""
    out = io.BytesIO()
    with zipfile.ZipFile(cached(file)) as original, zipfile.ZipFile(out, "w") as copy:
        for info in original.infolist():
            copy.writestr(info, original.read(info))
        copy.writestr("planted_by_the_mirror.py", "raise SystemExit('a planted module ran')\n")
    return out.getvalue()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        return

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        owner: PackageIndex = self.server.package_index  # type: ignore[attr-defined]
        owner.requested.append(self.path)
        status, body, kind = owner.answer(self.path)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class PackageIndex(LoopbackServer):
    """The cached files as a PEP 503 index at ``simple_url``; every requested path is kept in ``requested``."""

    def __init__(self, files: List[LockedFile], tampered: Optional[Dict[str, bytes]] = None) -> None:
        super().__init__(_Handler)
        self._httpd.package_index = self  # type: ignore[attr-defined]
        self.requested: List[str] = []
        self._paths = {file.filename: cached(file) for file in files}
        self._projects: Dict[str, List[str]] = {}
        for file in files:
            self._projects.setdefault(file.project, []).append(file.filename)
        self._tampered = dict(tampered or {})

    @property
    def simple_url(self) -> str:
        return f"{self.url}/simple"

    def body(self, filename: str) -> bytes:
        return self._tampered.get(filename) or self._paths[filename].read_bytes()

    def answer(self, path: str) -> Tuple[int, bytes, str]:
        page = re.fullmatch(r"/simple/([^/]+)/?", path)
        if path.rstrip("/") == "/simple":
            links = "".join(f'<a href="/simple/{name}/">{name}</a>\n' for name in sorted(self._projects))
            return 200, _html(links), "text/html"
        if page and canonicalize_name(page.group(1)) in self._projects:
            links = ""
            for filename in sorted(self._projects[canonicalize_name(page.group(1))]):
                digest = hashlib.sha256(self.body(filename)).hexdigest()  # a mirror's own, honest, hash
                links += f'<a href="/files/{html.escape(filename)}#sha256={digest}">{html.escape(filename)}</a>\n'
            return 200, _html(links), "text/html"
        served = re.fullmatch(r"/files/([^/]+)", path)
        if served and served.group(1) in self._paths:
            return 200, self.body(served.group(1)), "application/octet-stream"
        return 404, b"not in this index", "text/plain"

    def pip_env(self) -> Dict[str, str]:
        """What makes a pip (pre-commit's included) install from this index alone, ignoring pip.conf."""
        return {"PIP_INDEX_URL": self.simple_url, "PIP_CONFIG_FILE": os.devnull, "PIP_NO_CACHE_DIR": "1"}

    def served(self) -> List[str]:
        """The file names downloaded so far, in order."""
        return [path.rsplit("/", 1)[-1] for path in self.requested if path.startswith("/files/")]


def _html(links: str) -> bytes:
    return f"<!DOCTYPE html>\n<html><body>\n{links}</body></html>\n".encode()


if __name__ == "__main__":
    for locked in every_file():
        print(cached(locked))
