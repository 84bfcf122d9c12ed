"""Lines and columns of JSON pointers in a JSON file, fast enough for a 13 MB spec.

The loader reads JSON with the standard library, which keeps no positions; building a YAML node
graph of a large JSON file to find a few hundred places costs seconds. Here one regular-expression
pass pairs every bracket outside strings (a fraction of a second), and a container's members are
listed only when a pointer goes through it, so finding a place costs a few steps per token.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from itertools import accumulate

from generator.errors import Location
from generator.pointer import split_pointer

# A run of text without quotes or brackets, or a whole string, any number of times, then one
# bracket: each match is the next bracket outside strings. Atomic (`++`, `*+`), so that a file
# without a further bracket fails the match at once instead of backtracking.
_NEXT_BRACKET = re.compile(r'(?:[^"\[\]{}]++|"(?:[^"\\]++|\\.)*+")*+([\[\]{}])', re.DOTALL)
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_SCALAR = re.compile(r"[^,}\]\s]*")
_SPACE = re.compile(r"\s*")


def looks_like_json(file: str, text: str) -> bool:
    """The loader's own test: a `.json` name, or text that starts like JSON."""
    return file.lower().endswith(".json") or text.lstrip().startswith(("{", "["))


@dataclass
class JsonPositions:
    file: str
    text: str
    _closing: dict[int, int] | None = field(default=None, repr=False)
    _newlines: list[int] = field(default_factory=list, repr=False)
    _members: dict[int, dict[str, tuple[int, int]]] = field(default_factory=dict, repr=False)
    _items: dict[int, list[int]] = field(default_factory=dict, repr=False)

    def locate(self, pointer: str) -> Location | None:
        """Where `pointer` is shown: a member's key, an item, or the deepest part that exists."""
        if self._closing is None:
            self._index()
        position = _SPACE.match(self.text).end()  # type: ignore[union-attr]
        shown = position
        for token in split_pointer(pointer):
            found = self._child(position, token)
            if found is None:
                break
            shown, position = found
        return self._location(pointer, shown)

    def _index(self) -> None:
        closing: dict[int, int] = {}
        opened: list[int] = []
        for match in _NEXT_BRACKET.finditer(self.text):
            at = match.start(1)
            if match.group(1) in "{[":
                opened.append(at)
            elif opened:
                closing[opened.pop()] = at
        self._closing = closing
        # the offset of every newline: the running sum of the lengths of the lines before it
        lengths = accumulate(len(line) + 1 for line in self.text.split("\n"))
        self._newlines = [end - 1 for end in lengths][:-1]

    def _location(self, pointer: str, position: int) -> Location:
        line = bisect.bisect_left(self._newlines, position)
        line_start = self._newlines[line - 1] + 1 if line else 0
        return Location(self.file, pointer, line + 1, position - line_start + 1)

    def _child(self, position: int, token: str) -> tuple[int, int] | None:
        """(where to show it, where its value starts) of one member or item of a container."""
        opener = self.text[position : position + 1]
        if opener == "{":
            members = self._members.get(position)
            if members is None:
                members = self._members[position] = self._list_members(position)
            return members.get(token)
        if opener == "[" and token.isdigit():
            items = self._items.get(position)
            if items is None:
                items = self._items[position] = self._list_items(position)
            index = int(token)
            return (items[index], items[index]) if index < len(items) else None
        return None

    def _list_members(self, position: int) -> dict[str, tuple[int, int]]:
        members: dict[str, tuple[int, int]] = {}
        text = self.text
        at = _SPACE.match(text, position + 1).end()  # type: ignore[union-attr]
        while at < len(text) and text[at] == '"':
            key_match = _STRING.match(text, at)
            if key_match is None:
                break
            raw = key_match.group()
            key = json.loads(raw) if "\\" in raw else raw[1:-1]
            colon = _SPACE.match(text, key_match.end()).end()  # type: ignore[union-attr]
            value = _SPACE.match(text, colon + 1).end()  # type: ignore[union-attr]
            members.setdefault(key, (at, value))
            at = self._after_value(value)
        return members

    def _list_items(self, position: int) -> list[int]:
        items = []
        text = self.text
        at = _SPACE.match(text, position + 1).end()  # type: ignore[union-attr]
        while at < len(text) and text[at] != "]":
            items.append(at)
            at = self._after_value(at)
        return items

    def _after_value(self, value: int) -> int:
        """The start of the next member or item after the value at `value` (past the comma)."""
        text = self.text
        first = text[value : value + 1]
        if first in ("{", "["):
            end = (self._closing or {}).get(value, len(text) - 1) + 1
        elif first == '"':
            match = _STRING.match(text, value)
            end = match.end() if match else len(text)
        else:
            end = _SCALAR.match(text, value).end()  # type: ignore[union-attr]
        end = _SPACE.match(text, end).end()  # type: ignore[union-attr]
        if text[end : end + 1] == ",":
            end = _SPACE.match(text, end + 1).end()  # type: ignore[union-attr]
        return end
