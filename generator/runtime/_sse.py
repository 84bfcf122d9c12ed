"""Server-sent events: an incremental decoder that follows the WHATWG rules.

https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation

Bytes go in as they arrive off the wire, complete events come out. Lines end with CRLF, LF or CR
(a CR at the end of one chunk and an LF at the start of the next are one line end); a leading
byte order mark is dropped; lines starting with `:` are comments (keep-alives); `data` lines
accumulate, joined by LF; `event`, `id` and `retry` set the event's type, the last event id
and the reconnection time; an empty line dispatches the event, unless no `data` line came.
Nothing here knows about HTTP, JSON or terminators: `_streaming` builds on it.

Decoding takes time linear in the input, however long a line is and however it is cut into
chunks (the start of an unfinished line is kept as a list of pieces, joined once when its end
arrives), and an event may hold at most `max_event_size` characters (`EventTooLarge` past it),
so a server cannot make the client hold a line without end.
"""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

__all__ = ["DEFAULT_MAX_EVENT_SIZE", "EventTooLarge", "SSEDecoder", "ServerSentEvent"]

_LINE_END = re.compile(r"\r\n|\r|\n")
_BOM = "\ufeff"

DEFAULT_MAX_EVENT_SIZE = 16 * 1024 * 1024
"""The most characters one event may hold by default (its lines, field names included): 16 Mi,
room for a large base64 image in one event."""


def _first_line_end(text: str) -> int:
    """Where the first CR or LF of `text` is (-1: none), found at C speed."""
    lf = text.find("\n")
    cr = text.find("\r", 0, lf if lf >= 0 else len(text))
    return cr if cr >= 0 else lf


class ServerSentEvent(NamedTuple):
    """One dispatched event: its `data` (lines joined by LF), type, last event id and retry."""

    data: str
    event: str = "message"
    id: str = ""
    retry: int | None = None  # the `retry` field of this event, when it had a valid one


class EventTooLarge(ValueError):
    """An event (or a line of one) grew past the decoder's `max_event_size` characters."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"an event of the stream is longer than {limit} characters")
        self.limit = limit


class SSEDecoder:
    """Feed it bytes with `feed`, get the events completed so far; `end` at end of input.

    `max_event_size` caps the characters of one event (None: no cap); `feed` raises
    `EventTooLarge` once an event, or a line still without its end, passes it."""

    __slots__ = (
        "_data",
        "_decoder",
        "_event",
        "_held",
        "_last_id",
        "_partial",
        "_retry",
        "_size",
        "_skip_lf",
        "_started",
        "max_event_size",
        "reconnection_time",
    )

    def __init__(self, max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._partial: list[str] = []  # the pieces of a line whose end has not arrived yet
        self._held = 0  # their length
        self._skip_lf = False  # the last chunk ended in CR: an LF next is part of that line end
        self._started = False  # a byte order mark may only come first
        self._data: list[str] = []
        self._size = 0  # characters of the event so far (its lines as they came)
        self._event = ""
        self._last_id = ""
        self._retry: int | None = None
        self.max_event_size = max_event_size
        self.reconnection_time: int | None = None  # ms, from the last valid `retry` field

    @property
    def last_event_id(self) -> str:
        return self._last_id

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """The events that `chunk` completes (often none, sometimes several)."""
        return self.feed_text(self._decoder.decode(chunk))

    def feed_text(self, text: str) -> list[ServerSentEvent]:
        if not text:
            return []
        if self._skip_lf:
            self._skip_lf = False
            if text[0] == "\n":
                text = text[1:]
        if not self._started:
            if not self._partial and text.startswith(_BOM):
                text = text[1:]
            self._started = bool(self._partial or text)
        if not text:
            return []
        events: list[ServerSentEvent] = []
        if self._partial:  # finish the line that earlier chunks started, in one join
            end = _first_line_end(text)
            if end < 0:
                self._hold(text)
                return events
            self._partial.append(text[:end])
            line = "".join(self._partial)
            self._partial = []
            self._held = 0
            self._line(line, events)
            if text[end] == "\r":
                if end + 1 == len(text):
                    self._skip_lf = True
                elif text[end + 1] == "\n":
                    end += 1
            text = text[end + 1 :]
        if "\r" not in text:  # the common case: LF only
            lines = text.split("\n")
            rest = lines.pop()
            for line in lines:
                self._line(line, events)
        else:
            position = 0
            for match in _LINE_END.finditer(text):
                self._line(text[position : match.start()], events)
                position = match.end()
            if text.endswith("\r"):
                self._skip_lf = True
            rest = text[position:]
        if rest:
            self._hold(rest)
        return events

    def end(self) -> tuple[list[ServerSentEvent], ServerSentEvent | None]:
        """End of input: the events still completed, and the event left incomplete, if any.

        WHATWG drops an event that no empty line completed; it is handed back here instead of
        being dispatched, so that the caller can tell what was cut off.
        """
        events = self.feed_text(self._decoder.decode(b"", final=True))
        if self._partial:
            line = "".join(self._partial)
            self._partial = []
            self._held = 0
            self._line(line, events)
        pending = None
        if self._data:
            pending = ServerSentEvent(
                "\n".join(self._data), self._event or "message", self._last_id
            )
        self._reset()
        return events, pending

    def _hold(self, piece: str) -> None:
        """Keep the start of a line until its end arrives, within the event's cap."""
        self._held += len(piece)
        limit = self.max_event_size
        if limit is not None and self._size + self._held > limit:
            raise EventTooLarge(limit)
        self._partial.append(piece)

    def _line(self, line: str, events: list[ServerSentEvent]) -> None:
        if not line:
            self._dispatch(events)
            return
        if line[0] == ":":
            return  # a comment: keep-alives are sent as these
        self._size += len(line) + 1
        limit = self.max_event_size
        if limit is not None and self._size > limit:
            raise EventTooLarge(limit)
        if line.startswith("data:"):  # the common field, taken with one copy of a long value
            self._data.append(line[6:] if line[5:6] == " " else line[5:])
            return
        name, colon, value = line.partition(":")
        if colon and value[:1] == " ":
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._last_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self._retry = self.reconnection_time = int(value)
        # any other field name is ignored

    def _dispatch(self, events: list[ServerSentEvent]) -> None:
        if self._data:
            events.append(
                ServerSentEvent(
                    "\n".join(self._data), self._event or "message", self._last_id, self._retry
                )
            )
        self._reset()

    def _reset(self) -> None:
        self._data = []
        self._size = 0
        self._event = ""
        self._retry = None
