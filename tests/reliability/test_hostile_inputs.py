"""Hostile and broken input: a located error, exit 1 (64 only for usage), no traceback,
no request to the platform, bounded memory; for ``validate``, ``plan`` and ``apply``.

The committed corpus lives in ``hostile/`` (one file per case, the slug collision
is a folder of two); what is too big to commit or cannot be committed (50 MB, 10,000
workloads, symbolic-link loops, directories) is made in a temporary folder. Every
command runs in child processes (see ``cli_batch``) against a loopback emulator,
with a recognisable token in the environment that must never be printed.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
import yaml

from inferencekey_ensure.cli import exit_codes
from support.hostile_files import write_huge_spec, write_many_unknown_keys

from .harness import (
    PROJECT,
    SECRET_TAIL,
    TOKEN,
    child_env,
    ik_ensure,
    run_batch,
    run_child,
    start_emulator,
)

pytestmark = pytest.mark.slow

HOSTILE = Path(__file__).with_name("hostile")
COMMANDS = ("validate", "plan", "apply")
MEMORY_BOUND_MIB = 500

MALFORMED_YAML = "malformed YAML"
MALFORMED_JSON = "malformed JSON"
ALIAS_BOMB = "alias bombs"
DEEP = "1,000-deep nesting"
ENCODING = "non-UTF-8 and binary"
BOM = "UTF-8 BOM"
EMPTY = "empty files"
DUPLICATE = "duplicate keys"
UNKNOWN = "unknown fields"
YAML11 = "YAML 1.1 coercions"
WRONG_TYPE = "wrong types"
SECRET = "secrets in string fields"
EMPTY_SLUG = "slugs canonicalising to empty"
COLLISION = "slug collisions across files"
KEYS = "hostile keys"
RUNNER = "runner commands, bidi controls, lone surrogates, huge integers"


def _libyaml_refuses_deep_flow() -> bool:
    """Newer libyaml builds (bundled with PyYAML 6.0.4) stop a flow collection at 1,000 levels
    while scanning ahead, before any event reaches our own depth limit; older ones do not."""
    loader = getattr(yaml, "CBaseLoader", None)
    if loader is None:
        return False
    try:
        list(yaml.parse("[" * 1001 + "]" * 1001, Loader=loader))
    except yaml.YAMLError:
        return True
    return False


# Where the 1,000-deep flow sequence is stopped: libyaml's own limit, else ours at 64 levels.
DEEP_FLOW_YAML_VERDICT = ("5:1008", "syntax") if _libyaml_refuses_deep_flow() else ("5:72", "depth")


# (path under hostile/, category, where the error must point, the rule it must carry)
CASES: List[Tuple[str, str, str, str]] = [
    ("yaml-unclosed-flow.yaml", MALFORMED_YAML, "3:8", "syntax"),  # where the `[` opened
    ("yaml-bad-indentation.yaml", MALFORMED_YAML, "2:3", "syntax"),  # the indented key
    ("yaml-tab-indentation.yaml", MALFORMED_YAML, "2:1", "syntax"),
    ("yaml-unclosed-quote.yaml", MALFORMED_YAML, "1:7", "syntax"),  # where the quote opened
    ("yaml-mapping-in-scalar.yaml", MALFORMED_YAML, "1:11", "syntax"),
    ("yaml-python-tag.yaml", MALFORMED_YAML, "5:14", "yaml-type"),
    ("yaml-second-document-invalid.yaml", MALFORMED_YAML, "6:1", "schema"),
    ("json-trailing-comma.json", MALFORMED_JSON, "6:1", "syntax"),
    ("json-single-quotes.json", MALFORMED_JSON, "2:3", "syntax"),
    ("json-comment.json", MALFORMED_JSON, "2:3", "syntax"),
    ("json-truncated.json", MALFORMED_JSON, "3:11", "syntax"),
    ("json-nan.json", MALFORMED_JSON, "7:43", "syntax"),
    ("alias-billion-laughs.yaml", ALIAS_BOMB, "6:8", "alias"),
    ("alias-mapping-bomb.yaml", ALIAS_BOMB, "5:52", "alias"),
    ("alias-self-reference.yaml", ALIAS_BOMB, "1:11", "alias"),
    ("deep-1000.yaml", DEEP, *DEEP_FLOW_YAML_VERDICT),
    ("deep-1000-block.yaml", DEEP, "65:65", "depth"),
    ("deep-1000.json", DEEP, "1:455", "depth"),
    ("latin1.yaml", ENCODING, "1:1", "file"),
    ("utf16.json", ENCODING, "1:1", "file"),
    ("binary-png.yaml", ENCODING, "1:1", "file"),
    ("invalid-utf8-line-3.yaml", ENCODING, "1:1", "file"),
    ("nul-byte.yaml", ENCODING, "1:1", "file"),
    ("bom-unknown-field.yaml", BOM, "5:1", "schema"),
    ("bom-wrong-type.json", BOM, "5:14", "schema"),
    ("bom-only.yaml", BOM, "1:1", "file"),
    ("empty.yaml", EMPTY, "1:1", "file"),
    ("whitespace-only.yml", EMPTY, "1:1", "file"),
    ("comment-only.yaml", EMPTY, "1:1", "file"),
    ("document-marker-only.yaml", EMPTY, "1:1", "empty"),
    ("null-document.yaml", EMPTY, "1:1", "schema"),
    ("empty-object.json", EMPTY, "1:1", "schema"),
    ("duplicate-key.yaml", DUPLICATE, "5:1", "duplicate-key"),
    ("duplicate-key-nested.yaml", DUPLICATE, "8:3", "duplicate-key"),
    ("duplicate-key.json", DUPLICATE, "6:3", "duplicate-key"),
    ("unknown-field-typo.yaml", UNKNOWN, "5:1", "schema"),
    ("unknown-field-provider.yaml", UNKNOWN, "5:1", "schema"),
    ("unknown-field-min-vram.yaml", UNKNOWN, "5:1", "schema"),
    ("unknown-file-key.yaml", UNKNOWN, "2:1", "schema"),
    ("yaml11-boolean-name.yaml", YAML11, "1:7", "coercion"),
    ("yaml11-float-version.yaml", YAML11, "6:15", "coercion"),
    ("yaml11-octal-slug.yaml", YAML11, "2:7", "coercion"),
    ("yaml11-sexagesimal-worker.yaml", YAML11, "5:12", "coercion"),
    ("yaml11-date-description.yaml", YAML11, "5:14", "yaml-type"),
    ("yaml11-null-model.yaml", YAML11, "3:8", "coercion"),
    ("yaml11-off-on-drift.yaml", YAML11, "5:11", "schema"),
    ("wrong-type-name.yaml", WRONG_TYPE, "4:7", "schema"),
    ("wrong-type-slug.yaml", WRONG_TYPE, "4:7", "schema"),
    ("wrong-type-model.yaml", WRONG_TYPE, "4:8", "coercion"),
    ("wrong-type-backend.yaml", WRONG_TYPE, "4:10", "schema"),
    ("wrong-type-project.yaml", WRONG_TYPE, "5:10", "schema"),
    ("wrong-type-description.yaml", WRONG_TYPE, "5:14", "schema"),
    ("wrong-type-command.yaml", WRONG_TYPE, "5:10", "schema"),
    ("wrong-type-vllm-version.yaml", WRONG_TYPE, "5:15", "schema"),
    ("wrong-type-task-type.yaml", WRONG_TYPE, "5:12", "schema"),
    ("wrong-type-config.yaml", WRONG_TYPE, "5:9", "schema"),
    ("wrong-type-execution-policy.yaml", WRONG_TYPE, "5:19", "schema"),
    ("wrong-type-execution-policy-config.yaml", WRONG_TYPE, "5:26", "schema"),
    ("wrong-type-worker-id.yaml", WRONG_TYPE, "5:12", "coercion"),
    ("wrong-type-gpu-resource-id.yaml", WRONG_TYPE, "5:18", "schema"),
    ("wrong-type-on-drift.yaml", WRONG_TYPE, "5:11", "schema"),
    ("wrong-type-workloads.yaml", WRONG_TYPE, "3:3", "schema"),
    ("wrong-type-workload-item.yaml", WRONG_TYPE, "3:5", "schema"),
    ("wrong-type-top-level-list.json", WRONG_TYPE, "1:1", "schema"),
    ("secret-name.yaml", SECRET, "4:7", "secret"),
    ("secret-slug.yaml", SECRET, "4:7", "secret"),
    ("secret-model.yaml", SECRET, "4:8", "secret"),
    ("secret-backend.yaml", SECRET, "4:10", "secret"),
    ("secret-project.yaml", SECRET, "5:10", "secret"),
    ("secret-description.yaml", SECRET, "5:14", "secret"),
    ("secret-command.yaml", SECRET, "5:10", "secret"),
    ("secret-vllm-version.yaml", SECRET, "5:15", "secret"),
    ("secret-task-type.yaml", SECRET, "5:12", "secret"),
    ("secret-execution-policy.yaml", SECRET, "5:19", "secret"),
    ("secret-worker-id.yaml", SECRET, "5:12", "secret"),
    ("secret-gpu-resource-id.yaml", SECRET, "5:18", "secret"),
    ("secret-on-drift.yaml", SECRET, "5:11", "secret"),
    ("secret-nested-config.yaml", SECRET, "8:14", "secret"),
    ("secret-config-list.yaml", SECRET, "6:21", "secret"),
    ("secret-execution-policy-config.yaml", SECRET, "10:26", "secret"),
    ("secret-as-key.yaml", SECRET, "6:3", "secret"),
    ("secret-file-project.yaml", SECRET, "1:10", "secret"),
    ("secret-in-json.json", SECRET, "6:18", "secret"),
    ("slug-only-dashes.yaml", EMPTY_SLUG, "2:7", "slug"),
    ("slug-only-spaces.yaml", EMPTY_SLUG, "2:7", "slug"),
    ("slug-non-ascii.yaml", EMPTY_SLUG, "2:7", "slug"),
    ("slug-punctuation.json", EMPTY_SLUG, "1:26", "slug"),
    ("slug-collision", COLLISION, "second.yaml:4:11", "slug-collision"),
    ("non-string-key.yaml", KEYS, "5:1", "key"),
    ("complex-key.yaml", KEYS, "5:3", "key"),
    ("newline-in-key.json", KEYS, "1:67", "schema"),
    ("control-chars-in-key.yaml", KEYS, "5:1", "schema"),
    ("legacy-command-key.yaml", RUNNER, "5:1", "schema"),
    ("legacy-command-in-value.yaml", RUNNER, "5:19", "schema"),
    ("bidi-override-key.yaml", RUNNER, "5:1", "schema"),
    ("json-lone-surrogate.json", RUNNER, "2:11", "syntax"),
    ("integer-4000-digits.yaml", RUNNER, "7:13", "yaml-type"),
    ("integer-5000-digits.json", RUNNER, "4:43", "syntax"),
    ("integer-beyond-64-bits.yaml", RUNNER, "7:13", "yaml-type"),
]
FORMATS = ("text", "json", "github")
# A raw control character (other than the line feeds between lines) in output can start a
# line of its own, a GitHub workflow command, or recolour and hide a CI log.
_RAW_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


def _where(path: str, location: str) -> str:
    """``path:line:col`` as printed: the folder case points into one of its files."""
    if location.count(":") == 2:
        return f"{path}/{location}"
    return f"{path}:{location}"


@pytest.fixture(scope="module")
def emulator():
    server = start_emulator()
    yield server
    server.stop()


def _env(server: Any) -> Dict[str, str]:
    return child_env(INFERENCEKEY_SDK_TOKEN=TOKEN, INFERENCEKEY_BASE_URL=server.url,
                     INFERENCEKEY_PROJECT=PROJECT)


@pytest.fixture(scope="module")
def corpus_runs(emulator):
    """Every case through every command (and every validate format), in one child."""
    jobs = [[command, path] for command in COMMANDS for path, *_ in CASES]
    jobs += [["validate", "--format", fmt, path] for fmt in FORMATS for path, *_ in CASES]
    results, child = run_batch(jobs, cwd=HOSTILE, env=_env(emulator))
    return {tuple(result["argv"]): result for result in results}, child


def category_counts() -> Dict[str, int]:
    """category -> number of corpus files (the README's table)."""
    counts: Counter = Counter()
    for path, category, *_ in CASES:
        counts[category] += sum(1 for item in (HOSTILE / path).rglob("*") if item.is_file()) or 1
    return dict(counts)


def test_the_corpus_is_every_committed_file_and_at_least_forty_of_them():
    listed = {path for path, *_ in CASES}
    on_disk = {item.name for item in HOSTILE.iterdir()}
    assert on_disk == listed
    assert sum(category_counts().values()) >= 40
    assert len(category_counts()) == 16


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("path, category, location, rule", CASES, ids=[case[0] for case in CASES])
def test_a_hostile_file_gets_a_located_error_and_exit_1_without_a_traceback(
    corpus_runs, command, path, category, location, rule,
):
    result = corpus_runs[0][(command, path)]
    output = result["stdout"] + result["stderr"]
    assert result["code"] == 1, output
    assert "Traceback" not in output
    where = _where(path, location)
    lines = output.splitlines()
    assert any(line.startswith(f"{where}: ") and line.endswith(f"[{rule}]") for line in lines), output
    assert SECRET_TAIL not in output


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_validate_format_locates_every_hostile_file(corpus_runs, fmt):
    for path, _, location, _ in CASES:
        result = corpus_runs[0][("validate", "--format", fmt, path)]
        assert result["code"] == 1 and "Traceback" not in result["stderr"], path
        file, line, column = _where(path, location).rsplit(":", 2)
        if fmt == "json":
            problems = json.loads(result["stdout"])["problems"]
            assert {"path": file, "line": int(line), "column": int(column)}.items() <= next(
                problem for problem in problems if problem["line"] == int(line)).items(), path
        elif fmt == "github":
            assert f"file={file},line={line},col={column}," in result["stdout"], path
        assert SECRET_TAIL not in result["stdout"] + result["stderr"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_validate_format_prints_a_raw_control_character(corpus_runs, fmt):
    for path, *_ in CASES:
        result = corpus_runs[0][("validate", "--format", fmt, path)]
        assert not _RAW_CONTROL.search(result["stdout"]), (path, result["stdout"])


def test_no_output_can_command_the_runner_or_run_long(corpus_runs):
    """Neither syntax of workflow command (``::`` at a line's start, ``##[`` anywhere), no raw
    bidirectional control in an annotation, and no line a number could make endless."""
    for argv, result in corpus_runs[0].items():
        output = result["stdout"] + result["stderr"]
        for line in output.splitlines():
            assert len(line) < 1_000, (argv, line[:200])
            if "github" in argv:
                assert "##[" not in line and "\u202e" not in line, (argv, line)
                assert not line.startswith("::") or re.match(r"::(error|warning|notice) ", line), (argv, line)


def test_plan_and_apply_print_no_raw_control_character_either(corpus_runs):
    for command in ("plan", "apply"):
        for path, *_ in CASES:
            result = corpus_runs[0][(command, path)]
            assert not _RAW_CONTROL.search(result["stdout"] + result["stderr"]), (command, path)


def test_no_hostile_file_made_a_single_request(corpus_runs, emulator):
    assert emulator.request_log == []


def test_the_whole_corpus_stays_within_the_memory_bound(corpus_runs):
    _, child = corpus_runs
    assert child.max_rss_mib < MEMORY_BOUND_MIB


# ---------------------------------------------------------------------------
# Made at test time: too big to commit, or not committable at all.

@pytest.mark.parametrize("command", COMMANDS)
def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path, emulator, command):
    write_huge_spec(tmp_path)
    child = run_child(ik_ensure(command, "huge.yaml"), cwd=tmp_path, env=_env(emulator))
    output = child.stdout + child.stderr
    assert child.code == 1 and "Traceback" not in output
    assert "huge.yaml:1:1: $: file is too large (50.0 MiB; the limit is 5.0 MiB) [file]" in output
    assert child.max_rss_mib < MEMORY_BOUND_MIB
    assert emulator.request_log == []


TEN_THOUSAND = 10_000


@pytest.fixture(scope="module")
def ten_thousand(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ten-thousand")
    lines = ["project: acme", "workloads:"]
    for i in range(TEN_THOUSAND):
        lines += [f"  - name: Workload {i}", f"    slug: workload-{i}", "    model: m",
                  "    backend: vllm"]
    (folder / "many.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_ten_thousand_workloads_in_one_file_are_valid(ten_thousand, emulator):
    child = run_child(ik_ensure("validate", "many.yaml"), cwd=ten_thousand, env=_env(emulator))
    assert child.code == 0, child.stdout + child.stderr
    assert child.stdout.strip() == "1 file, 10000 workloads: all valid"
    assert child.max_rss_mib < MEMORY_BOUND_MIB


def test_ten_thousand_workloads_plan_with_one_list_request(ten_thousand):
    """Product decision: no workload-count limit; the plan of 10,000 costs one GET."""
    server = start_emulator()
    try:
        child = run_child(ik_ensure("plan", "--json", "--detailed-exitcode", "many.yaml"),
                          cwd=ten_thousand, env=_env(server))
        assert [(r.method, r.path) for r in server.request_log] == [
            ("GET", f"/api/projects/{PROJECT}/workloads")]
    finally:
        server.stop()
    assert child.code == exit_codes.CHANGES_PENDING, child.stderr
    document = json.loads(child.stdout)
    assert document["summary"]["create"] == TEN_THOUSAND
    assert len({workload["slug"] for workload in document["workloads"]}) == TEN_THOUSAND
    assert child.max_rss_mib < MEMORY_BOUND_MIB


BAD_SPEC = "name: Chat\nslug: chat\nmodel: m\nbackend: vllm\nmodle: typo\n"


@pytest.fixture(scope="module")
def filesystem_traps(tmp_path_factory) -> Path:
    """Symbolic-link loops and directories where files are expected; links out of the
    repository (to a file, to ``/``) and inside it; a name that is not UTF-8; 180,000 unknown keys."""
    root = tmp_path_factory.mktemp("traps")
    loops = root / "loops"
    loops.mkdir()
    (loops / "loop.yaml").symlink_to("loop.yaml")
    (loops / "ping.yaml").symlink_to("pong.yaml")
    (loops / "pong.yaml").symlink_to("ping.yaml")
    tree = root / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "sub" / "bad.yaml").write_text(BAD_SPEC, encoding="utf-8")
    (tree / "sub" / "back").symlink_to("..", target_is_directory=True)
    (tree / "again").symlink_to(".", target_is_directory=True)
    dirs = root / "dirs"
    (dirs / "inner.yaml").mkdir(parents=True)
    (dirs / "bad.yaml").write_text(BAD_SPEC, encoding="utf-8")
    (root / "empty-dir.yaml").mkdir()
    (root / ".git").mkdir()  # the repository whose root the CLI keeps to
    outside = tmp_path_factory.mktemp("elsewhere")
    (outside / "passwd").write_text("root:x:0:0:TARGET-CONTENT\n", encoding="utf-8")
    links = root / "links"
    links.mkdir()
    (links / "out.yaml").symlink_to(outside / "passwd")
    (links / "machine").symlink_to("/", target_is_directory=True)
    (links / "inside.yaml").symlink_to("../dirs/bad.yaml")
    odd = root / "odd"
    odd.mkdir()
    (odd / os.fsdecode(b"caf\xe9.yaml")).write_text(BAD_SPEC, encoding="utf-8")
    write_many_unknown_keys(root / "flood")
    return root


# (argv after the command, exit code, what the output must say)
TRAPS = [
    (["loops"], 1, "loops/loop.yaml:1:1: $: cannot read file: Too many levels of symbolic links [file]"),
    (["loops"], 1, "loops/ping.yaml:1:1: $: cannot read file: Too many levels of symbolic links [file]"),
    (["tree"], 1, "tree/sub/bad.yaml:5:1: $.modle: unknown field 'modle'; did you mean 'model'? [schema]"),
    (["dirs"], 1, "dirs/bad.yaml:5:1: $.modle: unknown field 'modle'; did you mean 'model'? [schema]"),
    (["loops/loop.yaml"], exit_codes.USAGE, "'loops/loop.yaml' is a broken symbolic link"),
    (["empty-dir.yaml"], exit_codes.USAGE, "no spec files (*.yaml, *.yml, *.json) found in 'empty-dir.yaml'"),
    (["no/such/spec.yaml"], exit_codes.USAGE, "path not found: 'no/such/spec.yaml'"),
    (["inferencekey/*.yaml"], exit_codes.USAGE, "no file matches 'inferencekey/*.yaml'"),
    (["links"], 1, "links/out.yaml:1:1: $: a symbolic link to outside the workspace: not read [file]"),
    (["links"], 1, "links/machine:1:1: $: a symbolic link to outside the workspace: not read [file]"),
    (["links"], 1, "links/inside.yaml:5:1: $.modle: unknown field 'modle'; did you mean 'model'? [schema]"),
    # The batch captures text, not bytes: the name's surrogate escape as Python holds it.
    (["odd"], 1, os.fsdecode(b"odd/caf\xe9.yaml") + ":5:1: $.modle: unknown field 'modle'; did you mean 'model'? [schema]"),
    (["flood"], 1, "flood/keys.yaml:104:1: $: 179,900 more problems in this file are not shown"),
]
BAD_FLAGS = [
    ["validate", "--no-such-flag", "dirs"],
    ["validate", "--format", "xml", "dirs"],
    ["plan", "--on-drift", "sometimes", "dirs"],
    ["plan", "--local", "--base-url", "http://127.0.0.1:9", "dirs"],
    ["apply", "--parallelism", "0", "dirs"],
    ["apply", "--wait-timeout", "5", "dirs"],
    ["apply", "--token", TOKEN, "dirs"],
    ["apply", "dirs", "--token", TOKEN],
    ["plan", "--on-drift", TOKEN, "dirs"],
    ["validate", "--format", TOKEN, "dirs"],
]


@pytest.fixture(scope="module")
def trap_runs(filesystem_traps, emulator):
    jobs = [[command, *args] for command in COMMANDS for args, _, _ in TRAPS] + BAD_FLAGS
    results, child = run_batch(jobs, cwd=filesystem_traps, env=_env(emulator))
    return {tuple(result["argv"]): result for result in results}, child


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("args, code, says", TRAPS, ids=[" ".join(t[0]) + f"-{i}" for i, t in enumerate(TRAPS)])
def test_links_directories_and_missing_paths_end_cleanly(trap_runs, command, args, code, says):
    result = trap_runs[0][(command, *args)]
    output = result["stdout"] + result["stderr"]
    assert result["code"] == code, output
    assert says in output
    assert "Traceback" not in output and SECRET_TAIL not in output
    if code == 1:
        assert output.count(says) == 1  # a file reached through a loop is read once
    assert "TARGET-CONTENT" not in output and "elsewhere" not in output
    assert len(output.splitlines()) < 200  # 180,000 unknown keys: the first hundred and a count


def test_a_folder_named_like_a_spec_file_is_walked_not_read(trap_runs):
    result = trap_runs[0][("validate", "dirs")]
    assert "inner.yaml" not in result["stdout"] + result["stderr"]


@pytest.mark.parametrize("argv", BAD_FLAGS, ids=[f"{argv[0]}-{i}" for i, argv in enumerate(BAD_FLAGS)])
def test_a_bad_flag_is_a_usage_error_that_leaks_nothing(trap_runs, argv):
    result = trap_runs[0][tuple(argv)]
    output = result["stdout"] + result["stderr"]
    assert result["code"] == exit_codes.USAGE, output
    assert "Traceback" not in output and SECRET_TAIL not in output
    assert "error" in result["stderr"]


def test_no_trap_made_a_request_and_memory_stayed_bounded(trap_runs, emulator):
    assert emulator.request_log == []
    assert trap_runs[1].max_rss_mib < MEMORY_BOUND_MIB
