"""Lint: findings about a spec, each with a rule id, a severity and a place in the file.

Rules are small functions in `rules.py`, each yielding `Finding`s; `lint_spec` runs them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import IntEnum

from generator.errors import Location
from generator.load import Spec


class Severity(IntEnum):
    INFO = 1
    WARN = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location} {self.severity} {self.rule} {self.message}"


Rule = Callable[[Spec], Iterable[Finding]]


def lint_spec(spec: Spec) -> list[Finding]:
    """Every rule's findings, in file order."""
    from generator.lint.rules import RULES

    findings = [finding for rule in RULES for finding in rule(spec)]
    return sorted(findings, key=_file_order)


def _file_order(finding: Finding) -> tuple[int, int, str, str]:
    location = finding.location
    return (location.line or 0, location.column or 0, finding.rule, finding.message)


def count(findings: Iterable[Finding], severity: Severity) -> int:
    return sum(1 for finding in findings if finding.severity == severity)


def at_or_above(findings: Iterable[Finding], severity: Severity) -> Iterator[Finding]:
    return (finding for finding in findings if finding.severity >= severity)
