"""Breaking-change detection: what a spec change does to the API's clients and servers, on the
wire and in the generated package.

    diff = diff_specs(open_side("main:spec/openapi.yaml"), open_side("spec/openapi.yaml"))
    diff.worst(("clients",))  # Level.BREAKING, WARNING or SAFE

`spec.py` compares the HTTP APIs (schemas by structure, `$ref`s resolved, in `schemas.py`);
`package.py` the Python APIs of the packages `analyse` makes of each side; `report.py` prints the
changes as lint's findings are printed (text, json, github, sarif).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from generator.analyse import analyse
from generator.config import Config, Target
from generator.errors import SpecError

from .changes import AUDIENCES, BREAKING, SAFE, WARNING, Audience, Change, Level, Scope
from .package import PackageDiff
from .rules import RULES
from .schemas import SchemaComparer
from .sources import Side, open_side
from .spec import WireDiff

__all__ = [
    "AUDIENCES",
    "BREAKING",
    "RULES",
    "SAFE",
    "WARNING",
    "Audience",
    "Change",
    "Diff",
    "DiffOptions",
    "Level",
    "Scope",
    "Side",
    "diff_specs",
    "open_side",
    "target_for",
]


@dataclass(frozen=True)
class DiffOptions:
    """What to compare, and how hard to judge removals of what was deprecated."""

    # The package the IRs are made for: its operation filters and stream terminators matter.
    target: Target = field(default_factory=lambda: Target(package="api"))
    deprecated_removal: Level = WARNING  # removing what was `deprecated: true`
    scopes: tuple[Scope, ...] = ("wire", "package")  # the HTTP API, the generated package


@dataclass(frozen=True)
class Diff:
    """The changes from one side to the other, wire first, each list in document order."""

    old: Side
    new: Side
    changes: tuple[Change, ...]

    def worst(self, audiences: Iterable[Audience] = AUDIENCES) -> Level:
        """The worst any change does to any of `audiences`."""
        chosen = tuple(audiences)
        return max((c.level_for(chosen) for c in self.changes), default=SAFE)


def diff_specs(old: Side, new: Side, options: DiffOptions | None = None) -> Diff:
    """Compare two loaded specs. A `$ref` the comparison must follow and cannot is a SpecError
    (one that nothing reaches is no concern of a diff's)."""
    try:
        return _diff(old, new, options or DiffOptions())
    except SpecError as error:
        where = error.location
        if where is not None:
            where = replace(where, file=new.shown(old.shown(where.file)))
        raise SpecError(error.message, where) from None


def _diff(old: Side, new: Side, options: DiffOptions) -> Diff:
    schemas = SchemaComparer(old.spec, new.spec)
    changes: list[Change] = []
    if "wire" in options.scopes:
        changes += WireDiff(old, new, schemas, options.deprecated_removal).run()
    if "package" in options.scopes:
        old_api = analyse(old.spec, options.target)
        new_api = analyse(new.spec, options.target)
        changes += PackageDiff(
            old, new, old_api, new_api, schemas, options.deprecated_removal
        ).run()
    return Diff(old, new, tuple(changes))


def target_for(config: Config, side: Side) -> Target:
    """The configured target of the side's spec (its operation filters shape the package), or a
    package of default options."""
    wanted = side.file.resolve()
    return next((t for t in config.targets if t.spec.resolve() == wanted), Target(package="api"))
