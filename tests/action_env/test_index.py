"""The ``index-url`` input and a simple index's project page, as the set-up step reads them."""

from __future__ import annotations

import re
from typing import List

import pytest

from inferencekey_ensure.action_env import index


def test_an_empty_input_is_the_public_index_and_a_mirror_loses_its_trailing_slash() -> None:
    assert index.index_url("") == index.index_url("  ") == "https://pypi.org/simple"
    assert index.index_url("https://mirror.example/simple/") == "https://mirror.example/simple"


@pytest.mark.parametrize("value", ["ftp://mirror.example/simple", "mirror.example/simple", "https:///simple",
                                   "https://mirror.example/sim ple", "https://mirror.example/simple\n::stop"])
def test_anything_but_an_http_url_is_an_input_error(value: str) -> None:
    with pytest.raises(index.IndexProblem, match="input `index-url` must be an http"):
        index.index_url(value)


def test_credentials_in_a_mirror_url_never_reach_a_message() -> None:
    assert index.shown("https://user:s3cret@mirror.example:8443/simple") == "https://***@mirror.example:8443/simple"
    with pytest.raises(index.IndexProblem) as refused:
        index.index_url("ftp://user:s3cret@mirror.example/simple")
    assert "s3cret" not in str(refused.value)


def test_the_locked_file_is_found_by_name_on_the_project_page_relative_or_absolute() -> None:
    page = ('<a href="../../files/ab/uv-1.0-py3-none-win32.whl#sha256=00">uv-1.0-py3-none-win32.whl</a>\n'
            '<a href="https://cdn.example/uv-1.0-py3-none-manylinux_2_17_x86_64.whl#sha256=11">'
            'uv-1.0-py3-none-manylinux_2_17_x86_64.whl</a>')
    base = "https://mirror.example/simple/uv/"
    assert index.file_url(base, page, "uv-1.0-py3-none-win32.whl") == "https://mirror.example/files/ab/uv-1.0-py3-none-win32.whl"
    assert (index.file_url(base, page, "uv-1.0-py3-none-manylinux_2_17_x86_64.whl")
            == "https://cdn.example/uv-1.0-py3-none-manylinux_2_17_x86_64.whl")
    with pytest.raises(index.IndexProblem, match=re.escape("does not list uv-1.0-py3-none-any.whl")):
        index.file_url(base, page, "uv-1.0-py3-none-any.whl")


def test_the_public_index_uses_the_lock_s_own_url_without_asking_for_a_page() -> None:
    assert index.locked_file_url(index.DEFAULT_INDEX_URL, "uv", "f.whl", "https://files.example/f.whl") == \
        "https://files.example/f.whl"


def test_a_download_is_tried_three_times_then_fails_naming_the_url() -> None:
    from support.loopback import closed_port

    waits: List[float] = []
    url = f"http://127.0.0.1:{closed_port()}/simple/uv/"
    with pytest.raises(OSError, match="could not be read"):
        index.download(url, sleep=waits.append)
    assert waits == [1.0, 2.0]
