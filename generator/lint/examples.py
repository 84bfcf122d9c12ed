"""Examples: every example, named example and schema default validates against its schema; an
Example Object has `value` or `externalValue`, not both.

Validation runs in jsonschema-rs (compiled; one validator per distinct schema, all sharing one
registry of the document), with OpenAPI 3.0's dialect mapped onto JSON Schema draft 4
(`nullable: true` adds `null` to `type` and `enum`). All errors of every example are reported,
each at the place in the example that is wrong. A request example need not hold `readOnly`
properties, a response example `writeOnly` ones. An example of a `text/event-stream` body that is
a list is taken as the list of its events.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

import jsonschema_rs
from jsonschema_rs import ValidationError, ValidationErrorKind

from generator.lint.context import LintContext, escape
from generator.lint.messages import describe
from generator.lint.registry import Problem, Severity, rule
from generator.load import Spec

_SPEC_URI = "urn:specsmith:spec"  # the name the whole document goes by inside the validator
_ANNOTATIONS = frozenset(("example", "examples", "description", "title", "default", "deprecated"))


@dataclass(frozen=True)
class _Example:
    value: Any
    pointer: str
    schema_pointer: str
    direction: str | None  # "request", "response", or None (a schema's own example)
    events: bool  # a list of server-sent events


@rule(
    "example-valid",
    Severity.ERROR,
    "every example, named example and schema default matches its schema",
    peers=(
        "spectral:oas3-valid-media-example",
        "spectral:oas3-valid-schema-example",
        "redocly:no-invalid-media-type-examples",
        "redocly:no-invalid-parameter-examples",
        "redocly:no-invalid-schema-examples",
    ),
)
def examples_match_their_schemas(context: LintContext) -> Iterator[Problem]:
    """An example that does not match its schema misleads every reader and breaks mock servers
    and contract tests that replay it. Checked: `example` and `examples` of media types,
    parameters and headers, and a schema's own `example`, `examples` and `default`. A request
    example may leave out required `readOnly` properties, a response example `writeOnly` ones
    (Spectral demands them, #1274). A `null` default of a `nullable` 3.0 schema is fine."""
    for _, where, message in _mismatches(context, defaults=True):
        yield where, message


def example_problems(spec: Spec) -> Iterator[tuple[str, str]]:
    """The examples that do not match their schemas, one (pointer, message) each, what `generate`
    warns of; the mock leaves out a response's. Defaults are `default_problems`' (generate drops
    them)."""
    context = LintContext.of(spec)
    found: dict[str, tuple[_Example, list[str]]] = {}
    for example, _, message in _mismatches(context, defaults=False):
        found.setdefault(example.pointer, (example, []))[1].append(message)
    for at, (example, messages) in found.items():
        more = f" (and {len(messages) - 1} more)" if len(messages) > 1 else ""
        sent = "; the mock never sends it" if example.direction == "response" else ""
        yield at, messages[0] + more + sent


def _mismatches(context: LintContext, *, defaults: bool) -> Iterator[tuple[_Example, str, str]]:
    """(the example, where in it, what is wrong) for every error of every example."""
    validate = _Validators(context)
    for example in _examples(context, defaults):
        values = (
            list(enumerate(example.value))
            if example.events and isinstance(example.value, list)
            else [(None, example.value)]
        )
        for index, item in values:
            at = example.pointer if index is None else f"{example.pointer}/{index}"
            errors = [
                error
                for error in validate(item, example.schema_pointer)
                if not _may_be_left_out(context, error, example.direction)
            ]
            against = _schema_name(context, example.schema_pointer) if errors else ""
            for error in errors:
                for path, message in describe(error, item, "the example"):
                    where = at + "".join("/" + escape(str(token)) for token in path)
                    yield example, where, f"example does not match {against}: {message}"


@rule(
    "example-value-or-external",
    Severity.ERROR,
    "an Example Object has `value` or `externalValue`, not both",
    peers=(
        "redocly:no-example-value-and-externalValue",
        "spectral:oas3-examples-value-or-externalValue",
    ),
)
def value_xor_external_value(context: LintContext) -> Iterator[Problem]:
    """OpenAPI says `value` and `externalValue` are mutually exclusive: which one would a tool
    show? (An example with neither is `example-empty`'s finding.)"""
    for example, pointer in context.examples:
        if "value" in example and "externalValue" in example:
            yield pointer + "/value", "an example has both `value` and `externalValue`; keep one"


@rule(
    "example-empty",
    Severity.WARN,
    "an Example Object has a `value` or an `externalValue`",
    peers=("spectral:oas3-examples-value-or-externalValue",),
)
def example_has_a_value(context: LintContext) -> Iterator[Problem]:
    """An Example Object with only a `summary` or `description` shows nothing."""
    for example, pointer in context.examples:
        if "value" not in example and "externalValue" not in example:
            yield pointer, "an example has neither `value` nor `externalValue`"


def default_problems(spec: Spec) -> Iterator[tuple[str, str]]:
    """The defaults `generate` leaves out of the models (see `generator.lint.defaults`)."""
    from generator.lint import defaults  # here, not above: lint itself does not need it

    return defaults.default_problems(spec)


def _examples(context: LintContext, defaults: bool) -> Iterator[_Example]:
    for media in context.media_types:
        events = media.content_type.split(";")[0].strip().lower() == "text/event-stream"
        yield from _owner_examples(context, media.media, media.pointer, media.direction, events)
    for parameter, pointer in context.parameters:
        yield from _owner_examples(context, parameter, pointer, "request", False)
    for header, pointer in context.headers:
        yield from _owner_examples(context, header, pointer, "response", False)
    nullable_default_is_fine = context.version == (3, 0)
    for schema, pointer in context.schemas:
        if "example" in schema:
            yield _Example(schema["example"], pointer + "/example", pointer, None, False)
        examples = schema.get("examples")
        if isinstance(examples, list):
            for index, value in enumerate(examples):
                yield _Example(value, f"{pointer}/examples/{index}", pointer, None, False)
        if (
            defaults
            and "default" in schema
            and not (
                nullable_default_is_fine and schema["default"] is None and schema.get("nullable")
            )
        ):
            yield _Example(schema["default"], pointer + "/default", pointer, None, False)


def _owner_examples(
    context: LintContext, owner: dict[str, Any], pointer: str, direction: str, events: bool
) -> Iterator[_Example]:
    """The examples of a media type, parameter or header, against its `schema`."""
    if not isinstance(owner.get("schema"), dict):
        return
    schema_pointer = pointer + "/schema"
    if "example" in owner:
        yield _Example(owner["example"], pointer + "/example", schema_pointer, direction, events)
    examples = owner.get("examples")
    for name, example in examples.items() if isinstance(examples, dict) else ():
        example, at = context.resolve(example, f"{pointer}/examples/{escape(name)}")
        if isinstance(example, dict) and "value" in example:
            yield _Example(example["value"], at + "/value", schema_pointer, direction, events)


class _Validators:
    """Compiled validators of the document's schemas, one per schema, sharing one registry."""

    def __init__(self, context: LintContext) -> None:
        self.context = context
        draft4 = context.version == (3, 0)
        self.draft = jsonschema_rs.Draft4 if draft4 else jsonschema_rs.Draft202012
        self.validator_class = (
            jsonschema_rs.Draft4Validator if draft4 else jsonschema_rs.Draft202012Validator
        )
        self.compiled: dict[str, Any] = {}  # schema pointer -> validator (None: unusable)
        self.by_content: dict[str, Any] = {}
        self._registry: Any = None

    def __call__(self, value: Any, schema_pointer: str) -> list[ValidationError]:
        schema, target = self.context.resolve(self.context.value_at(schema_pointer), schema_pointer)
        if target not in self.compiled:
            self.compiled[target] = self._shared(schema, target)
        validator = self.compiled[target]
        if validator is None:
            return []  # a broken or cyclic `$ref`: ref-resolves and ref-cycle say so
        try:
            return list(validator.iter_errors(value))
        except (ValueError, jsonschema_rs.ReferencingError):
            return []

    def _shared(self, schema: Any, pointer: str) -> Any:
        """One validator for schemas that say the same (GitHub's 6,600 example schemas are 2,200
        different ones): a `$ref` inside is a fragment of the one document wherever it sits.
        Annotations of the schema itself (its own examples, its description) do not count."""
        if not isinstance(schema, dict):
            return self._compile(pointer)
        key = json.dumps({k: v for k, v in schema.items() if k not in _ANNOTATIONS}, default=str)
        if '"$id"' in key:  # a base URI of its own: `$ref`s inside resolve elsewhere
            return self._compile(pointer)
        if key not in self.by_content:
            self.by_content[key] = self._compile(pointer)
        return self.by_content[key]

    def _compile(self, pointer: str) -> Any:
        schema = {"$ref": _SPEC_URI + "#" + quote(pointer, safe="/~")}
        try:
            return self.validator_class(schema, registry=self.registry, validate_formats=False)
        except (ValueError, jsonschema_rs.ReferencingError, RecursionError):
            return None

    @property
    def registry(self) -> Any:
        if self._registry is None:
            with _nullable_as_json_schema(self.context):
                self._registry = jsonschema_rs.Registry(
                    [(_SPEC_URI, self.context.document)], draft=self.draft
                )
        return self._registry


class _nullable_as_json_schema:
    """OpenAPI 3.0's `nullable: true`, said in JSON Schema for as long as the registry copies the
    document: `null` joins `type` and `enum`. The document is restored on the way out."""

    def __init__(self, context: LintContext) -> None:
        self.changed: list[tuple[dict[str, Any], str, Any]] = []
        if context.version != (3, 0):
            return
        for schema, _ in context.schemas:
            if schema.get("nullable") is not True:
                continue
            kind, values = schema.get("type"), schema.get("enum")
            if isinstance(kind, str):
                self.changed.append((schema, "type", kind))
            if isinstance(values, list) and None not in values:
                self.changed.append((schema, "enum", values))

    def __enter__(self) -> None:
        for schema, key, value in self.changed:
            schema[key] = [value, "null"] if key == "type" else [*value, None]

    def __exit__(self, *exception: object) -> None:
        for schema, key, value in self.changed:
            schema[key] = value


def _may_be_left_out(context: LintContext, error: ValidationError, direction: str | None) -> bool:
    """A required property a request example need not hold (`readOnly`), or a response example
    (`writeOnly`)."""
    if direction is None or not isinstance(error.kind, ValidationErrorKind.Required):
        return False
    location = unquote(str(error.absolute_keyword_location or "").partition("#")[2])
    owner = context.value_at(location.rpartition("/")[0])
    properties = owner.get("properties") if isinstance(owner, dict) else None
    if not isinstance(properties, dict):
        return False
    schema, _ = context.resolve(properties.get(error.kind.property), location)
    flag = "readOnly" if direction == "request" else "writeOnly"
    return isinstance(schema, dict) and schema.get(flag) is True


def _schema_name(context: LintContext, pointer: str) -> str:
    """`Repository` for a component schema (also through a `$ref`), else the schema's line."""
    _, target = context.resolve(context.value_at(pointer), pointer)
    prefix = "/components/schemas/"
    if target.startswith(prefix) and target.count("/") == 3:
        return f"schema `{target[len(prefix) :].replace('~1', '/').replace('~0', '~')}`"
    return f"its schema ({context.where(target)})"
