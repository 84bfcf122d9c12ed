"""References: every `$ref` can be followed, none leads through `$ref`s alone back to itself, and
no key sits beside a `$ref` that ignores it."""

from __future__ import annotations

from collections.abc import Iterator

from generator.lint.context import LintContext, escape
from generator.lint.registry import Problem, Severity, rule
from generator.load import spliced_kind
from generator.pointer import MISSING
from generator.refs import CYCLE


@rule(
    "ref-resolves",
    Severity.ERROR,
    "every $ref resolves, inside the spec's folder, and is not remote",
    peers=("redocly:no-unresolved-refs",),
)
def references_resolve(context: LintContext) -> Iterator[Problem]:
    """A `$ref` to nothing, to a file outside the spec's folder or to a URL (never fetched)
    leaves a hole where a schema or an object should be; `generate` refuses such a spec."""
    return ((at, message) for at, message in _problems(context) if not message.startswith(CYCLE))


@rule(
    "ref-cycle",
    Severity.ERROR,
    "no pure $ref cycles (recursive schemas through properties are fine)",
)
def no_reference_cycles(context: LintContext) -> Iterator[Problem]:
    """`A: {$ref: B}` and `B: {$ref: A}` describe nothing; Redocly crashes on them and
    openapi-spec-validator recurses without end. A schema that holds itself through a property
    (a tree node) is fine."""
    return ((at, message) for at, message in _problems(context) if message.startswith(CYCLE))


@rule(
    "ref-placement",
    Severity.WARN,
    "`$ref`s only where OpenAPI allows a Reference Object",
)
def references_where_allowed(context: LintContext) -> Iterator[Problem]:
    """An operation (`get: {$ref: resources/x.yml}`, as DigitalOcean's spec writes them), the
    `paths` object or a whole map of components cannot be a Reference Object in OpenAPI. specsmith
    follows such a `$ref` (inside the spec's folder), as Redocly does; other tools may not."""
    for pointer, target in context.spec.spliced.items():
        yield (
            pointer,
            f"{spliced_kind(pointer)} cannot be a `$ref` in OpenAPI; it is followed to "
            f"{context.where(target)}",
        )


@rule(
    "ref-siblings",
    Severity.WARN,
    "no keys beside a `$ref` where OpenAPI ignores them",
    peers=("spectral:no-$ref-siblings", "redocly:spec-ref-siblings"),
)
def no_ignored_siblings(context: LintContext) -> Iterator[Problem]:
    """In OpenAPI 3.0 a Reference Object is replaced by its target, so every key beside `$ref`
    is ignored. In 3.1 a schema's `$ref` is a keyword like the others, and a Reference Object may
    carry `summary` and `description`; anything else is still ignored. Path items merge `$ref`
    with their own keys and are not checked."""
    allowed = {"$ref"} if context.version == (3, 0) else {"$ref", "summary", "description"}
    for at in context.refs:
        if at.kind == "path-item" or (at.kind == "schema" and context.version != (3, 0)):
            continue
        for key in at.holder:
            if key not in allowed and not key.startswith("x-"):
                yield (
                    f"{at.pointer}/{escape(key)}",
                    f"`{key}` beside `$ref` is ignored (OpenAPI {context.version[0]}.{context.version[1]})",
                )


def _problems(context: LintContext) -> list[Problem]:
    return context.memo("reference-problems", lambda: list(_reference_problems(context)))


def _reference_problems(context: LintContext) -> Iterator[Problem]:
    """What `generator.refs.reference_problems` finds, from the references the shared walk has
    already filed (no second walk of the document): files not bundled, broken targets, cycles."""
    yield from context.spec.unbundled
    verdicts: dict[str, str | None] = {}  # target pointer -> problem found following it, if any
    for at in context.refs:
        ref = at.holder["$ref"]
        if not ref.startswith("#"):
            continue  # not bundled: already reported through `unbundled`
        if ref != "#" and not ref.startswith("#/"):
            yield at.pointer + "/$ref", f"malformed $ref {ref!r}: a JSON pointer starts with '#/'"
            continue
        problem = _follow(context, ref[1:], verdicts)
        if problem:
            yield at.pointer + "/$ref", problem


def _follow(context: LintContext, target: str, verdicts: dict[str, str | None]) -> str | None:
    """Follow `$ref`s alone from `target`: a missing target or a cycle is a problem."""
    chain: list[str] = []
    while True:
        if target in verdicts:
            problem = verdicts[target]
            break
        if target in chain:
            loop = " -> ".join("#" + pointer for pointer in chain[chain.index(target) :])
            problem = f"{CYCLE}: {loop} -> #{target}"
            break
        chain.append(target)
        value = context.value_at(target)
        if value is MISSING:
            problem = f"$ref target #{target} does not exist"
            break
        ref = value.get("$ref") if isinstance(value, dict) else None
        if not isinstance(ref, str) or not ref.startswith("#/"):
            problem = None
            break
        target = ref[1:]
    for visited in chain:
        verdicts[visited] = problem
    return problem
