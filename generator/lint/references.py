"""References: every `$ref` can be followed, and none leads through `$ref`s alone back to itself."""

from __future__ import annotations

from collections.abc import Iterator

from generator.lint.registry import Problem, Severity, rule
from generator.load import Spec
from generator.refs import CYCLE, reference_problems


@rule(
    "ref-resolves",
    Severity.ERROR,
    "every $ref resolves, inside the spec's folder, and is not remote",
)
def references_resolve(spec: Spec) -> Iterator[Problem]:
    return (
        (at, message) for at, message in reference_problems(spec) if not message.startswith(CYCLE)
    )


@rule(
    "ref-cycle",
    Severity.ERROR,
    "no pure $ref cycles (recursive schemas through properties are fine)",
)
def no_reference_cycles(spec: Spec) -> Iterator[Problem]:
    return ((at, message) for at, message in reference_problems(spec) if message.startswith(CYCLE))
