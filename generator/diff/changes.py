"""What a change is: a rule, a one-line reason, both places, and whom it breaks how badly.

A change to a spec can break the API's clients (code that sends requests and reads answers) and
its servers (the handler a team implements) differently: a property made optional in a response
breaks clients, the same in a request breaks servers. So a change carries a level for each
audience (`breaking`, `warning`, or none: safe for it), and its level is the worse of the two.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Literal

from generator.errors import Location

Audience = Literal["clients", "servers"]
AUDIENCES: tuple[Audience, ...] = ("clients", "servers")
Scope = Literal["wire", "package"]


class Level(IntEnum):
    """How bad a change is for one audience; `SAFE` when it breaks nothing."""

    SAFE = 0
    WARNING = 1
    BREAKING = 2

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Level:
        return cls[text.strip().upper()]


BREAKING, WARNING, SAFE = Level.BREAKING, Level.WARNING, Level.SAFE

# Whom a change breaks, and how: audience -> level (audiences it does not break are left out).
Impact = dict[Audience, Level]


@dataclass(frozen=True)
class Change:
    """One difference between two specs (or the packages made from them)."""

    rule: str  # what kind of change: `response-property-removed`, `model-renamed`, ...
    message: str  # one line: where, and what changed
    clients: Level  # what it does to the API's clients (or the generated client's callers)
    servers: Level  # what it does to servers (implementers of the generated handler)
    old: Location | None  # where it was (None: it is new)
    new: Location | None  # where it is, or where it would be (None: nothing near is left)
    scope: Scope = "wire"  # the HTTP API, or the Python API of the generated package

    @property
    def level(self) -> Level:
        return max(self.clients, self.servers)

    def level_for(self, audiences: Iterable[Audience]) -> Level:
        """The worst it does to any of `audiences` (SAFE when it breaks none of them)."""
        return max(
            (self.clients if a == "clients" else self.servers for a in audiences), default=SAFE
        )

    @property
    def breaks(self) -> tuple[Audience, ...]:
        """The audiences it does its worst to (none when it is safe)."""
        if self.level == SAFE:
            return ()
        return tuple(a for a in AUDIENCES if self.level_for((a,)) == self.level)

    @property
    def shown_at(self) -> Location:
        """The place to show it: in the new spec when it has one (that is what a pull request
        changes), else in the old."""
        location = self.new or self.old
        assert location is not None, "a change has at least one location"
        return location


def change(
    rule: str,
    message: str,
    impact: Impact,
    old: Location | None,
    new: Location | None,
    scope: Scope = "wire",
) -> Change:
    return Change(
        rule,
        message,
        impact.get("clients", SAFE),
        impact.get("servers", SAFE),
        old,
        new,
        scope,
    )
