"""What a lint rule is: an id, a default severity, a one-line summary, and a check.

A check takes the loaded spec and yields `(pointer, message)` pairs; the registry turns them into
findings with the rule's id, its (configured) severity and the place in the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.strip().upper().replace("WARNING", "WARN")]


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location} {self.severity} {self.rule} {self.message}"


Problem = tuple[str, str]  # (JSON pointer, message)
Check = Callable[[Spec], Iterable[Problem]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str
    check: Check


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: Severity, summary: str) -> Callable[[Check], Check]:
    """Register a check under `rule_id`, with the severity it has unless configured otherwise."""

    def register(check: Check) -> Check:
        RULES[rule_id] = Rule(rule_id, severity, summary, check)
        return check

    return register
