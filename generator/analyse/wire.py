"""What values look like on the wire, where the wire is not JSON: parameters (a scalar, an array
spread by `style`, an object) and the fields of form and multipart bodies.

A parameter's schema is looked at through its alternatives (`anyOf`/`oneOf` members, a lone
`allOf`, `$ref`s followed, `null` left out), so that `anyOf: [{type: string}, {type: array}]`
and a referenced enum are both seen for what a caller passes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.ir import (
    FLOAT,
    INT,
    STR,
    DictOf,
    FormField,
    ListOf,
    LiteralOf,
    MediaKind,
    ParameterShape,
    SpecText,
    TypeRef,
)
from generator.load import JsonValue, Spec
from generator.pointer import join_pointer
from generator.refs import deref

from .types import Types, declared_types

_MAX_DEPTH = 8  # alternatives nested deeper than this say nothing a caller can use


@dataclass(frozen=True)
class Wire:
    spec: Spec
    types: Types

    def alternatives(self, schema: JsonValue, pointer: str, depth: int = 0) -> list[dict[str, Any]]:
        """The schemas a value may match, `$ref`s, `allOf` wrappers of one schema, `anyOf` and
        `oneOf` flattened; `null` left out."""
        if not isinstance(schema, dict) or depth > _MAX_DEPTH:
            return []
        schema, pointer = deref(self.spec, schema, pointer)
        if not isinstance(schema, dict):
            return []
        for key in ("anyOf", "oneOf"):
            if isinstance(schema.get(key), list) and "type" not in schema:
                return [
                    alternative
                    for index, member in enumerate(schema[key])
                    for alternative in self.alternatives(
                        member, f"{pointer}/{key}/{index}", depth + 1
                    )
                ]
        members = schema.get("allOf")
        if isinstance(members, list) and len(members) == 1 and "type" not in schema:
            return self.alternatives(members[0], pointer + "/allOf/0", depth + 1)
        if set(declared_types(schema)) == {"null"}:
            return []
        return [schema]

    def plain_type(self, schema: JsonValue, pointer: str, depth: int = 0) -> TypeRef | None:
        """A parameter's type without a model class where a builtin says it as well: an enum is
        a `Literal` (callers pass `"asc"`, not `models.Order("asc")`), an open enum `str`, a map
        of strings `dict[str, str]`, an array of them a list; None for anything else."""
        alternatives = self.alternatives(schema, pointer)
        if not alternatives or depth > 4:
            return None
        if len(alternatives) > 1:
            plain = [self.plain_type(a, pointer, depth + 1) for a in alternatives]
            text_like = all(p == STR or isinstance(p, LiteralOf) for p in plain)
            return STR if text_like and STR in plain else None
        chosen = alternatives[0]
        values = chosen.get("enum", [chosen["const"]] if "const" in chosen else None)
        if isinstance(values, list):
            literals = [v for v in values if isinstance(v, str | int) and not isinstance(v, bool)]
            if not literals or len(literals) != len([v for v in values if v is not None]):
                return None
            return LiteralOf(tuple(dict.fromkeys(literals)))
        if is_type(chosen, "array"):
            items = self.plain_type(chosen.get("items"), pointer + "/items", depth + 1)
            return ListOf(items) if items else None
        extra = chosen.get("additionalProperties")
        if is_object(chosen) and not chosen.get("properties") and isinstance(extra, dict):
            values_type = self.types.builtin(extra, pointer) if extra else None
            return DictOf(values_type) if values_type in (STR, INT, FLOAT) else None
        if "$ref" in (schema if isinstance(schema, dict) else {}) and not is_object(chosen):
            return self.types.builtin(chosen, pointer)
        return None

    def shape(self, schema: JsonValue, pointer: str) -> ParameterShape:
        alternatives = self.alternatives(schema, pointer)
        if alternatives and all(is_type(a, "array") for a in alternatives):
            return "array"
        if alternatives and all(is_object(a) for a in alternatives):
            return "object"
        return "scalar"

    def form_fields(self, media: dict[str, Any], pointer: str) -> tuple[FormField, ...]:
        """The properties of a form or multipart body, each as its parts carry it."""
        properties: dict[str, tuple[JsonValue, str]] = {}
        for schema in self.alternatives(media.get("schema"), pointer + "/schema"):
            parts = [schema, *(s for s in schema.get("allOf", ()) if isinstance(s, dict))]
            for index, part in enumerate(parts):
                part, at = deref(self.spec, part, pointer) if index else (part, pointer)
                found = part.get("properties") if isinstance(part, dict) else None
                for name, value in found.items() if isinstance(found, dict) else ():
                    properties.setdefault(name, (value, at + join_pointer("properties", name)))
        encoding = media.get("encoding")
        encodings: dict[str, Any] = encoding if isinstance(encoding, dict) else {}
        return tuple(
            self._form_field(name, value, at, encodings.get(name))
            for name, (value, at) in properties.items()
        )

    def _form_field(self, name: str, value: JsonValue, at: str, encoding: object) -> FormField:
        alternatives = self.alternatives(value, at)
        items = [
            item
            for a in alternatives
            if is_type(a, "array")
            for item in self.alternatives(a.get("items"), at + "/items")
        ]
        singles = [a for a in alternatives if not is_type(a, "array")]
        content_type = encoding.get("contentType") if isinstance(encoding, dict) else None
        return FormField(
            name=SpecText(name),
            file=any(is_binary(s) for s in singles + items),
            array=bool(alternatives) and not singles,
            json=any(is_object(s) for s in singles + items),
            content_type=SpecText(content_type) if isinstance(content_type, str) else None,
        )


def is_type(schema: dict[str, Any], kind: str) -> bool:
    return kind in declared_types(schema)


def is_object(schema: dict[str, Any]) -> bool:
    return is_type(schema, "object") or (
        "type" not in schema and ("properties" in schema or "additionalProperties" in schema)
    )


def is_binary(schema: dict[str, Any]) -> bool:
    """A file: `format: binary` (3.0), or a string with a non-text `contentMediaType` (3.1)."""
    if not is_type(schema, "string") and "type" in schema:
        return False
    if schema.get("format") == "binary":
        return True
    media = schema.get("contentMediaType")
    return (
        isinstance(media, str) and "contentEncoding" not in schema and media_kind(media) == "binary"
    )


def media_kind(content_type: str) -> MediaKind:
    """How a payload of this media type is encoded, from its essence (`text/plain; charset=x`
    is text): JSON (`+json` too), an event stream, a form, multipart, other text, or bytes."""
    essence = content_type.split(";", 1)[0].strip().lower()
    if essence == "text/event-stream":
        return "event-stream"
    if essence == "application/json" or essence.endswith("+json"):
        return "json"
    if essence == "application/x-www-form-urlencoded":
        return "form"
    if essence.startswith("multipart/"):
        return "multipart"
    if essence.startswith("text/"):
        return "text"
    return "binary"
