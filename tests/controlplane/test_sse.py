from __future__ import annotations

from typing import List

import pytest

from inferencekey_ensure.controlplane.sse import SseDecoder, decode_event_objects


def _feed(lines: List[str]) -> List[str]:
    decoder = SseDecoder()
    return [data for data in map(decoder.feed, lines) if data is not None]


def test_an_event_ends_at_a_blank_line() -> None:
    assert _feed(['data: {"phase": "ready"}', ""]) == ['{"phase": "ready"}']


def test_comments_and_keep_alives_are_not_events() -> None:
    assert _feed([": keep-alive", "", ":", "", 'data: {"a": 1}', ": ping", ""]) == ['{"a": 1}']


def test_multi_line_data_is_joined_with_newlines() -> None:
    assert _feed(['data: {"phase":', 'data: "ready"}', ""]) == ['{"phase":\n"ready"}']


def test_only_one_leading_space_is_removed_and_a_missing_space_is_fine() -> None:
    assert _feed(["data:x", "", "data:  y", ""]) == ["x", " y"]


def test_event_id_retry_and_unknown_fields_are_ignored() -> None:
    assert _feed(["event: progress", "id: 7", "retry: 1000", "data: z", "whatever", ""]) == ["z"]


def test_an_event_without_data_is_not_dispatched() -> None:
    assert _feed(["event: ping", "", "id: 3", ""]) == []


def test_a_stream_that_ends_mid_event_drops_the_incomplete_event() -> None:
    assert _feed(["data: 1", "", "data: 2"]) == ["1"]


def test_a_byte_order_mark_on_the_first_line_is_ignored() -> None:
    assert _feed(["\ufeffdata: 1", ""]) == ["1"]


def test_one_object_spread_over_lines_decodes_as_one_event() -> None:
    assert decode_event_objects('{"phase":\n"ready"}') == [{"phase": "ready"}]


def test_one_object_per_data_line_decodes_as_several_events() -> None:
    data = '{"phase": "scheduling"}\n{"phase": "ready"}'
    assert decode_event_objects(data) == [{"phase": "scheduling"}, {"phase": "ready"}]


@pytest.mark.parametrize("data", ["not json", "[1, 2]", '"ready"', '{"a": 1}\n[2]'])
def test_anything_but_json_objects_is_refused(data: str) -> None:
    with pytest.raises(ValueError):
        decode_event_objects(data)
