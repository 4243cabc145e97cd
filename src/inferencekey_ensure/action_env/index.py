"""The package index the set-up step installs from: the public one, or the ``index-url`` input's mirror.

A runner behind a firewall reaches only its own mirror (a PEP 503 "simple"
index: Artifactory, devpi, a folder served over HTTP). uv and every locked wheel
then come from there, but the hash locks still decide what is installed: the
index only says where to download, a file whose sha256 is not the locked one is
refused. With the public index the uv wheel is fetched from the URL in the
lock (one request less); a mirror is asked for its ``uv`` page, which must list
the locked file name.
"""

from __future__ import annotations

import html.parser
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Callable, List, Optional, Tuple

from inferencekey_ensure.domain.errors import IkEnsureError

DEFAULT_INDEX_URL = "https://pypi.org/simple"
INDEX_INPUT = "INPUT_INDEX_URL"
DOWNLOAD_TIMEOUT_S = 60
DOWNLOAD_ATTEMPTS = 3
RETRY_DELAY_S = 1.0


class IndexProblem(IkEnsureError):
    """The index input or the index's answer is not usable; the message says what to fix."""


def index_url(value: str) -> str:
    """The ``index-url`` input as the installers take it; empty means the public index."""
    value = value.strip()
    if not value:
        return DEFAULT_INDEX_URL
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(ch.isspace() for ch in value):
        raise IndexProblem(f"input `index-url` must be an http(s) URL of a simple index, such as "
                          f"{DEFAULT_INDEX_URL}; got {shown(value)!r}")
    return value.rstrip("/")


def shown(url: str) -> str:
    """``url`` without a user name or password, for messages (a mirror's URL may carry credentials)."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"***@{host}" + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: List[Tuple[str, str]] = []
        self._href: Optional[str] = None
        self._text: List[str] = []

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text).strip()))
            self._href = None


def file_url(page_url: str, page: str, filename: str) -> str:
    """The download URL a simple-index project page gives ``filename`` (its hash fragment dropped)."""
    parser = _Links()
    parser.feed(page)
    for href, text in parser.links:
        link = urllib.parse.urljoin(page_url, href)
        path = urllib.parse.urlsplit(link).path
        if text == filename or path.rsplit("/", 1)[-1] == filename:
            return urllib.parse.urldefrag(link)[0]
    raise IndexProblem(f"the index {shown(page_url)} does not list {filename}")


def download(url: str, sleep: Callable[[float], None] = time.sleep) -> bytes:
    """The body at ``url``; a transport failure or 5xx is tried again, up to ``DOWNLOAD_ATTEMPTS`` times."""
    attempt = 1
    while True:
        try:
            with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response:  # noqa: S310 - http(s) only
                return bytes(response.read())
        except urllib.error.HTTPError as error:
            if error.code < 500 or attempt == DOWNLOAD_ATTEMPTS:
                raise OSError(f"{shown(url)} answered HTTP {error.code}") from None
        except OSError as error:
            if attempt == DOWNLOAD_ATTEMPTS:
                raise OSError(f"{shown(url)} could not be read: {error}") from None
        sleep(RETRY_DELAY_S * attempt)
        attempt += 1


def locked_file_url(index: str, project: str, filename: str, locked_url: str) -> str:
    """Where to download a locked file: the lock's own URL from the public index, else the mirror's link."""
    if index == DEFAULT_INDEX_URL:
        return locked_url
    page_url = f"{index}/{project}/"
    return file_url(page_url, download(page_url).decode("utf-8", "replace"), filename)
