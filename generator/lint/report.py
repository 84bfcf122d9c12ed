"""How findings are printed: text for people, json for tools, GitHub annotations, SARIF for code scanning."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from generator import __version__
from generator.lint.registry import RULES, Finding, Severity

FORMATS = ("text", "json", "github", "sarif")


def render_report(findings: Sequence[Finding], spec: Path, output_format: str) -> str:
    return {"text": _text, "json": _json, "github": _github, "sarif": _sarif}[output_format](
        findings, spec
    )


def summary(findings: Sequence[Finding], spec: Path) -> str:
    counts = {severity: sum(1 for f in findings if f.severity == severity) for severity in Severity}
    return f"{spec}: {counts[Severity.ERROR]} errors, {counts[Severity.WARN]} warnings, {counts[Severity.INFO]} infos"


def _text(findings: Sequence[Finding], spec: Path) -> str:
    return "".join(f"{finding}\n" for finding in findings) + summary(findings, spec) + "\n"


def _json(findings: Sequence[Finding], spec: Path) -> str:
    """A stable array; lines and columns are 1-based; `pointer` is the JSON pointer in the file."""
    rows = [
        {
            "rule": f.rule,
            "severity": str(f.severity),
            "message": f.message,
            "file": f.location.file,
            "pointer": f.location.pointer,
            "line": f.location.line,
            "column": f.location.column,
        }
        for f in findings
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def _github(findings: Sequence[Finding], spec: Path) -> str:
    """GitHub Actions workflow commands: each finding becomes an annotation on its line."""
    level = {Severity.ERROR: "error", Severity.WARN: "warning", Severity.INFO: "notice"}
    lines = []
    for f in findings:
        where = f"file={_escape_property(f.location.file)}"
        if f.location.line:
            where += f",line={f.location.line},col={f.location.column or 1}"
        lines.append(
            f"::{level[f.severity]} {where},title={_escape_property(f.rule)}::{_escape_data(f.message)}\n"
        )
    return "".join(lines) + summary(findings, spec) + "\n"


def _sarif(findings: Sequence[Finding], spec: Path) -> str:
    level = {Severity.ERROR: "error", Severity.WARN: "warning", Severity.INFO: "note"}
    used = sorted({f.rule for f in findings})
    results = []
    for f in findings:
        region = (
            {"startLine": f.location.line, "startColumn": f.location.column or 1}
            if f.location.line
            else {}
        )
        location = {
            "physicalLocation": {
                "artifactLocation": {"uri": Path(f.location.file).as_posix()},
                **({"region": region} if region else {}),
            }
        }
        results.append(
            {
                "ruleId": f.rule,
                "level": level[f.severity],
                "message": {"text": f.message},
                "locations": [location],
            }
        )
    driver = {
        "name": "specsmith",
        "version": __version__,
        "rules": [
            {
                "id": rule,
                "shortDescription": {"text": RULES[rule].summary if rule in RULES else rule},
            }
            for rule in used
        ],
    }
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results}],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
