"""The SSE decoder (`generator/runtime/_sse.py`) against the WHATWG event-stream rules.

https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
Pure and fast: bytes in, events out, fed whole and split at every possible byte.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.runtime._sse import ServerSentEvent, SSEDecoder


def decode(*chunks: bytes) -> tuple[list[ServerSentEvent], ServerSentEvent | None]:
    decoder = SSEDecoder()
    events = [event for chunk in chunks for event in decoder.feed(chunk)]
    tail, pending = decoder.end()
    return events + tail, pending


def events_of(stream: bytes) -> list[ServerSentEvent]:
    return decode(stream)[0]


@pytest.mark.parametrize(
    ("stream", "expected"),
    [
        (b"data: a\n\n", [ServerSentEvent("a")]),
        (b"data:a\n\n", [ServerSentEvent("a")]),  # the space after the colon is optional...
        (b"data:  a\n\n", [ServerSentEvent(" a")]),  # ...and only one is removed
        (b"data: a\ndata: b\n\n", [ServerSentEvent("a\nb")]),  # multi-line data
        (b"data: a\r\n\r\n", [ServerSentEvent("a")]),  # CRLF
        (b"data: a\r\rdata: b\r\r", [ServerSentEvent("a"), ServerSentEvent("b")]),  # CR alone
        (b": keep-alive\n\n: ping\ndata: a\n\n", [ServerSentEvent("a")]),  # comments
        (b"\n\n\n", []),  # empty lines alone dispatch nothing
        (b"event: x\n\n", []),  # no data line: nothing dispatched
        (b"data\n\n", [ServerSentEvent("")]),  # a field name alone: empty value
        (b"data:\n\n", [ServerSentEvent("")]),
        (b"data:\ndata:\n\n", [ServerSentEvent("\n")]),
        (
            b"event: delta\ndata: a\n\ndata: b\n\n",
            [ServerSentEvent("a", "delta"), ServerSentEvent("b")],
        ),
        (
            b"id: 7\ndata: a\n\ndata: b\n\n",
            [ServerSentEvent("a", id="7"), ServerSentEvent("b", id="7")],
        ),
        (
            b"id: 7\ndata: a\n\nid\ndata: b\n\n",
            [ServerSentEvent("a", id="7"), ServerSentEvent("b", id="")],
        ),
        (
            b"id: 7\ndata: a\n\nid: x\x00y\ndata: b\n\n",
            [ServerSentEvent("a", id="7"), ServerSentEvent("b", id="7")],
        ),
        (b"retry: 1500\ndata: a\n\n", [ServerSentEvent("a", retry=1500)]),
        (b"retry: 15x\ndata: a\n\n", [ServerSentEvent("a")]),  # not all digits: ignored
        (b"foo: bar\ndata: a\n\n", [ServerSentEvent("a")]),  # unknown fields ignored
        (b"\xef\xbb\xbfdata: a\n\n", [ServerSentEvent("a")]),  # a leading BOM is dropped
        (b"data: \xef\xbb\xbfa\n\n", [ServerSentEvent("\ufeffa")]),  # elsewhere it is data
        (b"data: w\xc3\xb6rld\n\n", [ServerSentEvent("wörld")]),
        (b"data: \xff\n\n", [ServerSentEvent("\ufffd")]),  # invalid UTF-8: replacement character
        (b"data: a\n\ndata: [DONE]\n\n", [ServerSentEvent("a"), ServerSentEvent("[DONE]")]),
    ],
)
def test_whatwg_rules(stream: bytes, expected: list[ServerSentEvent]) -> None:
    assert events_of(stream) == expected


def test_an_unfinished_event_is_not_dispatched_but_handed_back() -> None:
    events, pending = decode(b"data: a\n\ndata: [DONE]")
    assert events == [ServerSentEvent("a")]
    assert pending == ServerSentEvent("[DONE]")
    events, pending = decode(b'data: a\n\ndata: {"cut')
    assert pending == ServerSentEvent('{"cut')
    assert decode(b"data: a\n\n")[1] is None


def test_reconnection_time_and_last_event_id_persist() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"retry: 250\nid: 3\ndata: a\n\ndata: b\n\n")
    assert decoder.reconnection_time == 250
    assert decoder.last_event_id == "3"


STREAMS = [
    b"\xef\xbb\xbfdata: one\r\ndata: two\r\n\r\n: comment\r\rid: 5\revent: e\rdata: w\xc3\xb6rld\r\r"
    b"data: x\n\ndata\n\nretry: 10\ndata: [DONE]\n\n",
    b'data: {"a": 1,\ndata: "b": [1, 2]}\n\n: keep-alive\n\n\n\ndata: tail\n',
]


@pytest.mark.parametrize("stream", STREAMS)
def test_any_split_gives_the_same_events(stream: bytes) -> None:
    whole = decode(stream)
    for cut in range(len(stream) + 1):
        assert decode(stream[:cut], stream[cut:]) == whole, cut
    assert decode(*(stream[i : i + 1] for i in range(len(stream)))) == whole  # byte by byte


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(STREAMS), st.lists(st.integers(min_value=0, max_value=200), max_size=8))
def test_random_splits(stream: bytes, cuts: list[int]) -> None:
    points = sorted({min(cut, len(stream)) for cut in cuts})
    pieces = [stream[a:b] for a, b in zip([0, *points], [*points, len(stream)], strict=True)]
    assert decode(*pieces) == decode(stream)
