"""Lint: findings about a spec, each with a rule id, a severity and a place in the file.

Each rule is a small function in one of the modules below, registered with `@rule`; `lint_spec`
runs them all and applies the configured severities (a rule can be re-levelled or turned off).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from generator.lint import examples, operations, references, schemas, structure  # noqa: F401 (registers)
from generator.lint.registry import RULES, Finding, Rule, Severity
from generator.load import Spec

__all__ = ["RULES", "Finding", "Rule", "Severity", "lint_spec"]

Levels = Mapping[str, Severity | None]  # rule id -> severity, or None for "off"


def lint_spec(spec: Spec, levels: Levels | None = None) -> list[Finding]:
    """Every enabled rule's findings, in file order."""
    levels = levels or {}
    findings = []
    for rule in RULES.values():
        severity = levels.get(rule.id, rule.severity)
        if severity is None:
            continue
        for pointer, message in rule.check(spec):
            findings.append(Finding(rule.id, severity, spec.locate(pointer), message))
    return sorted(findings, key=_file_order)


def _file_order(finding: Finding) -> tuple[str, int, int, str, str]:
    location = finding.location
    return (location.file, location.line or 0, location.column or 0, finding.rule, finding.message)


def count(findings: Iterable[Finding], severity: Severity) -> int:
    return sum(1 for finding in findings if finding.severity == severity)
