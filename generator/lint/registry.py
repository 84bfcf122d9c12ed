"""What a lint rule is: an id, a default severity, a one-line summary, an explanation and a check.

A check takes a `LintContext` (the loaded spec and the indexes every rule shares) and yields
`(pointer, message)` pairs; the runner turns them into findings with the rule's id, its
(configured) severity and the place in the file. Built-in rules and custom ones (a module named in
`[tool.specsmith.lint] custom_rules`) register the same way, with `@rule`.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING

from generator.errors import Location

if TYPE_CHECKING:
    from generator.lint.context import LintContext


class Severity(IntEnum):
    INFO = 1
    WARN = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.strip().upper().replace("WARNING", "WARN")]


LEVELS = ("error", "warn", "info", "off")  # what a rule can be set to in the configuration
UNUSABLE = "unusable-input"  # not a rule: a file that could not be read as OpenAPI at all


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    location: Location
    message: str
    fingerprint: str = ""  # see `fingerprint`; set by the runner, which knows the project's root

    def __str__(self) -> str:
        return f"{self.location} {self.severity} {self.rule} {self.message}"


def fingerprint(rule_id: str, file: str, pointer: str) -> str:
    """A stable id of a finding: its rule, its file (relative to the project) and its pointer.

    Lines and messages are left out on purpose, so that an edit elsewhere in the file, or a
    better-worded message in a later release, keeps a known finding known.
    """
    text = "\0".join((rule_id, file.replace("\\", "/"), pointer))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


Problem = tuple[str, str]  # (JSON pointer, message)
Check = Callable[["LintContext"], Iterable[Problem]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity | None  # None: off unless configured
    summary: str
    check: Check
    peers: tuple[str, ...] = ()  # "spectral:rule-id" / "redocly:rule-id" this rule stands for
    module: str = field(default="")

    @property
    def explanation(self) -> str:
        """The check's docstring: why the rule exists and what it accepts."""
        return inspect.cleandoc(self.check.__doc__ or self.summary)

    @property
    def default_level(self) -> str:
        return str(self.severity) if self.severity is not None else "off"


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    severity: Severity | None,
    summary: str,
    *,
    peers: tuple[str, ...] = (),
) -> Callable[[Check], Check]:
    """Register a check under `rule_id`, with the severity it has unless configured otherwise
    (None: a rule that is off until the configuration turns it on)."""

    def register(check: Check) -> Check:
        known = RULES.get(rule_id)
        if known is not None and known.module != check.__module__:
            raise ValueError(f"lint rule {rule_id!r} is already registered by {known.module}")
        RULES[rule_id] = Rule(rule_id, severity, summary, check, peers, check.__module__)
        return check

    return register
