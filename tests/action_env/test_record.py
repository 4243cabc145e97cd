"""Installed files against their RECORD: a foreign file or .pth, an altered or missing file is reported."""

from __future__ import annotations

from inferencekey_ensure.action_env.record import parse_record, tree_problems

RECORD = """\
yaml/__init__.py,sha256=AAAA,10
yaml/__pycache__/__init__.cpython-311.pyc,sha256=PPPP,20
PyYAML-6.0.dist-info/RECORD,,
../../../bin/some-script,sha256=BBBB,5
"""


def recorded() -> dict:
    return parse_record(RECORD, "PyYAML-6.0.dist-info")


def test_files_matching_their_record_hashes_pass() -> None:
    present = {"yaml/__init__.py": "AAAA", "yaml/__pycache__/__init__.cpython-311.pyc": "PPPP",
               "PyYAML-6.0.dist-info/RECORD": "ZZZ"}
    assert tree_problems(recorded(), present) == []


def test_rows_outside_site_packages_are_not_expected_there() -> None:
    assert "../../../bin/some-script" not in recorded()


def test_a_pth_file_no_record_names_is_reported_as_foreign() -> None:
    present = {"yaml/__init__.py": "AAAA", "yaml/__pycache__/__init__.cpython-311.pyc": "PPPP",
               "PyYAML-6.0.dist-info/RECORD": "", "evil.pth": "CCCC"}
    assert tree_problems(recorded(), present) == [
        "foreign .pth file evil.pth (it would run code whenever the environment's Python starts)"]


def test_a_planted_module_and_an_altered_file_are_both_reported() -> None:
    present = {"yaml/__init__.py": "XXXX", "yaml/__pycache__/__init__.cpython-311.pyc": "PPPP",
               "PyYAML-6.0.dist-info/RECORD": "", "platform.py": "DDDD"}
    assert tree_problems(recorded(), present) == [
        "foreign file platform.py (no installed wheel's RECORD names it)",
        "yaml/__init__.py differs from its RECORD hash",
    ]


def test_a_recorded_file_that_is_gone_is_reported() -> None:
    assert tree_problems(recorded(), {"PyYAML-6.0.dist-info/RECORD": "", "yaml/__init__.py": "AAAA"}) == [
        "yaml/__pycache__/__init__.cpython-311.pyc is missing"]


def test_bytecode_is_checked_like_source() -> None:
    present = {"yaml/__init__.py": "AAAA", "yaml/__pycache__/__init__.cpython-311.pyc": "EVIL",
               "yaml/__pycache__/extra.cpython-311.pyc": "EVIL", "PyYAML-6.0.dist-info/RECORD": ""}
    assert tree_problems(recorded(), present) == [
        "yaml/__pycache__/__init__.cpython-311.pyc differs from its RECORD hash",
        "foreign file yaml/__pycache__/extra.cpython-311.pyc (no installed wheel's RECORD names it)",
    ]


def test_a_file_recorded_without_a_hash_is_accepted_only_for_record_itself() -> None:
    rows = parse_record("yaml/__init__.py,,\n", "PyYAML-6.0.dist-info")
    assert tree_problems(rows, {"yaml/__init__.py": "AAAA", "PyYAML-6.0.dist-info/RECORD": ""}) == [
        "yaml/__init__.py has no hash in its RECORD"]
