"""The live -> spec mapping is the exact inverse of ``domain/wire.py``'s spec -> wire mapping,
and the YAML it is written as reads back as the same JSON values."""

from __future__ import annotations

from typing import Any, Dict

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inferencekey_ensure.domain.drift import compute_drift, replacement_diff, same_json
from inferencekey_ensure.domain.spec import WorkloadSpec
from inferencekey_ensure.domain.wire import create_body, normalise_live
from inferencekey_ensure.onboarding.live_to_spec import live_to_spec
from inferencekey_ensure.onboarding.spec_files import spec_file_text
from inferencekey_ensure.onboarding.yaml_text import mapping_document, scalar
from inferencekey_ensure.specset.load import load_workloads
from support.strategies import spec_fields

_ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | _ANY_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_ANY_TEXT, inner, max_size=3),
    max_leaves=8,
)


def _live(fields: Dict[str, Any]) -> Any:
    return normalise_live({"id": "w-1", **create_body(WorkloadSpec(**fields))})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=spec_fields())
def test_the_imported_file_loads_to_a_spec_with_the_same_wire_body_and_no_drift(fields, tmp_path):
    live = _live(fields)
    imported = live_to_spec(live, "acme")
    assert imported.notes == [] and imported.complete
    path = tmp_path / "spec.yaml"
    path.write_text(spec_file_text(imported), encoding="utf-8")
    loaded = load_workloads([str(path)])
    assert loaded.ok and not loaded.problems, [p.message for p in loaded.problems]
    [declared] = loaded.workloads
    assert create_body(declared.spec) == create_body(WorkloadSpec(**fields))
    assert compute_drift(declared.spec, live) == [] and replacement_diff(declared.spec, live) is None


@given(value=_JSON)
def test_any_json_value_reads_back_as_itself(value):
    read = yaml.safe_load(mapping_document({"value": value}))
    assert same_json(read, {"value": value})


@pytest.mark.parametrize("text", ["yes", "No", "ON", "off", "y", "N", "null", "Null", "~", "true",
                                  "0.10", "1e3", "0o17", "0x1F", "1:20", "2024-01-01", ".inf", "-", "",
                                  " a", "a ", "a: b", "a #b", "@x", "!x", "&x", "*x", "%x", "`x`"])
def test_a_string_any_yaml_reader_could_misread_is_double_quoted(text):
    assert scalar(text).startswith('"') and yaml.safe_load(scalar(text)) == text


@pytest.mark.parametrize("value, text", [(6.0, "6.0"), (1e-05, "1.0e-05"), (1e20, "1.0e+20"), (6, "6"),
                                         (True, "true"), ("NVIDIA L4", "NVIDIA L4")])
def test_numbers_keep_their_json_type_and_ordinary_words_stay_plain(value, text):
    assert scalar(value) == text
    assert same_json(yaml.safe_load(text), value)


def test_a_blank_required_live_field_is_flagged_incomplete():
    live = normalise_live({"id": "w", "slug": "s", "name": " ", "backend": "vllm", "model_name": "m"})
    imported = live_to_spec(live, None)
    assert not imported.complete and "`name`" in imported.notes[0]
    assert "project" not in imported.fields


@given(keys=st.lists(_ANY_TEXT.filter(lambda key: key not in ("command", "vllm_version")), min_size=1, max_size=3))
def test_a_drift_comment_naming_any_live_key_keeps_the_file_readable(keys):
    live = normalise_live({"id": "w", "slug": "s", "name": "n", "backend": "vllm", "model_name": "m",
                           "config": {"command": "run", **{key: 1 for key in keys}}})
    imported = live_to_spec(live, "acme")
    assert imported.notes
    text = spec_file_text(imported)
    assert all(line.startswith("# ") for line in text.splitlines()[:1 + len(imported.notes)])
    assert yaml.safe_load(text)["command"] == "run"


def test_every_field_the_platform_holds_has_a_place_in_a_written_file():
    from inferencekey_ensure.domain.fields import FIELDS
    from inferencekey_ensure.onboarding.live_to_spec import FILE_ORDER

    platform_held = {row.spec_name for row in FIELDS if row.wire is not None} | {"project"}
    assert set(FILE_ORDER) == platform_held
