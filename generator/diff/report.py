"""How a diff is printed: text for people, json for tools, GitHub annotations, SARIF for code
scanning; the formats lint has, with what a change has and a finding has not: two places (before
and after) and a level for each audience.

Nothing of lint's report module is used: its finding has one place. The shapes follow it where
they can (json's `rule`, `severity`, `message`, `file`, `pointer`, `line`, `column`; one SARIF
run named specsmith).
"""

from __future__ import annotations

import json
from typing import Any

from generator import __version__
from generator.errors import Location

from . import Diff
from .changes import AUDIENCES, SAFE, Change, Level
from .rules import RULES
from .sources import Side

FORMATS = ("text", "json", "github", "sarif")


def render_diff(diff: Diff, output_format: str) -> str:
    return {"text": _text, "json": _json, "github": _github, "sarif": _sarif}[output_format](diff)


def summary(diff: Diff) -> str:
    """`OLD -> NEW: 2 breaking (clients 2, servers 1), 1 warning, 5 safe`."""
    counts = {level: sum(1 for c in diff.changes if c.level == level) for level in Level}
    per_audience = ", ".join(
        f"{audience} {sum(1 for c in diff.changes if c.level_for((audience,)) == Level.BREAKING)}"
        for audience in AUDIENCES
    )
    warnings = counts[Level.WARNING]
    return (
        f"{diff.old.label} -> {diff.new.label}: {counts[Level.BREAKING]} breaking ({per_audience}),"
        f" {warnings} warning{'' if warnings == 1 else 's'}, {counts[Level.SAFE]} safe"
    )


def audiences_text(change: Change) -> str:
    """Whom it breaks: `clients`, `clients, servers`, or `clients; servers: warning`."""
    worst = [a for a in change.breaks]
    milder = [
        f"{a}: {change.level_for((a,))}"
        for a in AUDIENCES
        if a not in worst and change.level_for((a,)) > SAFE
    ]
    return "; ".join(part for part in (", ".join(worst), ", ".join(milder)) if part)


def line(change: Change) -> str:
    """One change as text: where, how bad, for whom, what, and where it was."""
    whom = f" [{audiences_text(change)}]" if change.level > SAFE else ""
    was = f" (was {change.old})" if change.new is not None and change.old is not None else ""
    return f"{change.shown_at} {change.level} {change.rule}{whom} {change.message}{was}"


def _text(diff: Diff) -> str:
    return "".join(line(c) + "\n" for c in diff.changes) + summary(diff) + "\n"


def _location_json(location: Location | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {
        "file": location.file,
        "pointer": location.pointer,
        "line": location.line,
        "column": location.column,
    }


def _json(diff: Diff) -> str:
    """One document: both sides, every change (`file`... is where it is shown, `old` and `new`
    each side's place; lines and columns 1-based), and the counts."""
    rows = []
    for c in diff.changes:
        shown = c.shown_at
        rows.append(
            {
                "rule": c.rule,
                "severity": str(c.level),
                "clients": str(c.clients),
                "servers": str(c.servers),
                "scope": c.scope,
                "message": c.message,
                "file": shown.file,
                "pointer": shown.pointer,
                "line": shown.line,
                "column": shown.column,
                "old": _location_json(c.old),
                "new": _location_json(c.new),
            }
        )
    counts = {str(level): sum(1 for c in diff.changes if c.level == level) for level in Level}
    document = {"old": diff.old.label, "new": diff.new.label, "changes": rows, "summary": counts}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


_GITHUB_LEVELS = {Level.BREAKING: "error", Level.WARNING: "warning", Level.SAFE: "notice"}
_SARIF_LEVELS = {Level.BREAKING: "error", Level.WARNING: "warning", Level.SAFE: "note"}


def _github(diff: Diff) -> str:
    """GitHub Actions workflow commands: each change an annotation on its line of the new spec
    (files of a revision by their path in the repository)."""
    lines = []
    for c in diff.changes:
        location, side = _shown_with_side(diff, c)
        where = f"file={_escape_property(side.path_in_repository(location.file))}"
        if location.line:
            where += f",line={location.line},col={location.column or 1}"
        title = _escape_property(f"{c.rule} ({audiences_text(c) or 'safe'})")
        was = f" (was {c.old})" if c.new is not None and c.old is not None else ""
        lines.append(
            f"::{_GITHUB_LEVELS[c.level]} {where},title={title}::{_escape_data(c.message + was)}\n"
        )
    return "".join(lines) + summary(diff) + "\n"


def _sarif(diff: Diff) -> str:
    """SARIF 2.1.0, one run: each change's new place is its location, the old one a related
    location; whom it breaks is in its properties."""
    results = []
    for c in diff.changes:
        location, side = _shown_with_side(diff, c)
        result: dict[str, Any] = {
            "ruleId": c.rule,
            "level": _SARIF_LEVELS[c.level],
            "message": {"text": c.message},
            "locations": [_sarif_location(location, side)],
            "properties": {"clients": str(c.clients), "servers": str(c.servers), "scope": c.scope},
        }
        if c.old is not None and c.new is not None:
            related = _sarif_location(c.old, diff.old)
            related["id"] = 0
            related["message"] = {"text": f"before: {c.old}"}
            result["relatedLocations"] = [related]
        results.append(result)
    used = sorted({c.rule for c in diff.changes})
    driver = {
        "name": "specsmith",
        "version": __version__,
        "informationUri": "https://github.com/specsmith/specsmith",
        "rules": [
            {"id": rule, "shortDescription": {"text": RULES.get(rule, rule)}} for rule in used
        ],
    }
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results}],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _shown_with_side(diff: Diff, change: Change) -> tuple[Location, Side]:
    return (change.new, diff.new) if change.new is not None else (change.shown_at, diff.old)


def _sarif_location(location: Location, side: Side) -> dict[str, Any]:
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": side.path_in_repository(location.file).replace("\\", "/")}
    }
    if location.line:
        physical["region"] = {"startLine": location.line, "startColumn": location.column or 1}
    return {"physicalLocation": physical}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
