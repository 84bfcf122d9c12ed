"""How a run's findings are printed: text for people, json for tools, GitHub annotations, SARIF
for code scanning. However many specs a run lints, each format is one document: one JSON array,
one SARIF log with one run, one list of annotations.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from generator import __version__
from generator.lint import FileReport, LintRun
from generator.lint.registry import RULES, UNUSABLE, Finding, Severity

FORMATS = ("text", "json", "github", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARN: "warning", Severity.INFO: "note"}


def render_report(run: LintRun, output_format: str) -> str:
    render = {"text": _text, "json": _json, "github": _github, "sarif": _sarif}[output_format]
    return render(run)


def summary(report: FileReport) -> str:
    if report.unusable:
        return f"{report.path}: unusable, not linted"
    counts = {
        severity: sum(1 for f in report.findings if f.severity == severity) for severity in Severity
    }
    line = (
        f"{report.path}: {counts[Severity.ERROR]} errors, {counts[Severity.WARN]} warnings, "
        f"{counts[Severity.INFO]} infos"
    )
    return line + (f" ({report.ignored} known, in the ignore file)" if report.ignored else "")


def _text(run: LintRun) -> str:
    lines = [f"{finding}\n" for finding in run.findings]
    return "".join(lines) + "".join(summary(report) + "\n" for report in run.files)


def _json(run: LintRun) -> str:
    """One stable array for the whole run; lines and columns are 1-based; `pointer` is the JSON
    pointer in `file`; `fingerprint` stays the same while rule, file and pointer do."""
    rows = [
        {
            "rule": f.rule,
            "severity": str(f.severity),
            "message": f.message,
            "file": f.location.file,
            "pointer": f.location.pointer,
            "line": f.location.line,
            "column": f.location.column,
            "fingerprint": f.fingerprint,
        }
        for f in run.findings
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def _github(run: LintRun) -> str:
    """GitHub Actions workflow commands: each finding becomes an annotation on its line."""
    level = {Severity.ERROR: "error", Severity.WARN: "warning", Severity.INFO: "notice"}
    lines = []
    for f in run.findings:
        where = f"file={_escape_property(f.location.file)}"
        if f.location.line:
            where += f",line={f.location.line},col={f.location.column or 1}"
        lines.append(
            f"::{level[f.severity]} {where},title={_escape_property(f.rule)}::{_escape_data(f.message)}\n"
        )
    return "".join(lines) + "".join(summary(report) + "\n" for report in run.files)


def _sarif(run: LintRun) -> str:
    """SARIF 2.1.0, one run with every file's results, as GitHub code scanning takes it: rules
    with their default level and help, results pointing at them by index, a region per result
    when its line is known, and a partial fingerprint so that alerts follow findings."""
    findings = run.findings
    used = sorted({f.rule for f in findings})
    index = {rule_id: position for position, rule_id in enumerate(used)}
    results = [_sarif_result(f, index[f.rule]) for f in findings]
    driver = {
        "name": "specsmith",
        "version": __version__,
        "rules": [_sarif_rule(rule_id) for rule_id in used],
    }
    artifacts = [{"location": {"uri": _uri(str(report.path))}} for report in run.files]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "artifacts": artifacts,
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _sarif_rule(rule_id: str) -> dict[str, Any]:
    registered = RULES.get(rule_id)
    if registered is None:  # unusable-input: not a rule one can configure
        summary_text = "the file cannot be read as an OpenAPI 3.0/3.1 document"
        help_text, level = summary_text, "error"
    else:
        summary_text, help_text = registered.summary, registered.explanation
        level = _SARIF_LEVEL[registered.severity] if registered.severity else "none"
    return {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.replace("$", "").split("-")),
        "shortDescription": {"text": summary_text},
        "fullDescription": {"text": help_text},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": level},
        "properties": {"tags": ["openapi"] + (["unusable"] if rule_id == UNUSABLE else [])},
    }


def _sarif_result(f: Finding, rule_index: int) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(f.location.file)}}
    if f.location.line:
        physical["region"] = {"startLine": f.location.line, "startColumn": f.location.column or 1}
    location: dict[str, Any] = {"physicalLocation": physical}
    if f.location.pointer:
        location["logicalLocations"] = [
            {"fullyQualifiedName": f.location.pointer, "kind": "member"}
        ]
    return {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": _SARIF_LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [location],
        "partialFingerprints": {"specsmith/v1": f.fingerprint} if f.fingerprint else {},
    }


def _uri(file: str) -> str:
    """A relative path stays relative (GitHub resolves it against the repository); an absolute
    one becomes a file URI."""
    path = Path(file)
    return path.as_uri() if path.is_absolute() else path.as_posix()


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def rules_table(rules: Sequence[str]) -> str:
    """`lint --list-rules`: id, default level and summary, one rule a line."""
    width = max((len(rule_id) for rule_id in rules), default=0)
    lines = []
    for rule_id in rules:
        registered = RULES[rule_id]
        custom = (
            "" if registered.module.startswith("generator.lint.") else f"  [{registered.module}]"
        )
        lines.append(
            f"{rule_id.ljust(width)}  {registered.default_level:<5}  {registered.summary}{custom}"
        )
    return "\n".join(lines) + "\n"


def explanation(rule_id: str) -> str:
    """`lint --explain RULE`: what the rule checks, why, its default, and the peers' rules."""
    registered = RULES[rule_id]
    peers = ", ".join(registered.peers) if registered.peers else "none (specsmith's own)"
    return (
        f"{rule_id} (default: {registered.default_level}): {registered.summary}\n\n"
        f"{registered.explanation}\n\n"
        f"Stands for: {peers}\n"
        f'Configure: [tool.specsmith.lint] rules = {{ {rule_id} = "error" | "warn" | "info" | "off" }}\n'
    )
