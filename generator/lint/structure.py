"""oas-schema: the document against the official OpenAPI meta-schema of its version.

`structure` says the validator's errors the way `messages` does (the missing or unexpected key,
the keyword with the wrong type): the lint rule's findings, and what `generate` prints for what
it tolerates.

The meta-schemas are openapi-spec-validator's own copies (the reference for structure), checked
by jsonschema-rs, a compiled validator: OpenAI's 3 MB spec takes milliseconds instead of seconds.
For 3.1, every Schema Object is also checked against the OpenAPI 3.1 schema dialect (JSON Schema
2020-12 plus OpenAPI's vocabulary), as the official `schema-base` meta-schema does.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

from generator.lint.context import LintContext
from generator.lint.messages import describe
from generator.lint.registry import Problem, Severity, rule
from generator.load import Spec

# The OpenAPI 3.1 base vocabulary's keywords (https://spec.openapis.org/oas/3.1/meta/base),
# written out here: openapi-spec-validator ships the dialect, but not this vocabulary document.
_OAS31_VOCABULARY = {
    "$id": "https://spec.openapis.org/oas/3.1/meta/base",
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$dynamicAnchor": "meta",
    "type": ["object", "boolean"],
    "properties": {
        "example": True,
        "discriminator": {
            "type": "object",
            "required": ["propertyName"],
            "properties": {
                "propertyName": {"type": "string"},
                "mapping": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
        "externalDocs": {
            "type": "object",
            "required": ["url"],
            "properties": {"url": {"type": "string"}},
        },
        "xml": {"type": "object"},
    },
}


@rule(
    "oas-schema",
    Severity.ERROR,
    "the document is valid against the OpenAPI 3.0/3.1 meta-schema",
    peers=("spectral:oas3-schema", "redocly:struct"),
)
def oas_schema(context: LintContext) -> Iterator[Problem]:
    """The official meta-schema of the document's version (openapi-spec-validator's copies),
    checked by jsonschema-rs; for 3.1, every Schema Object also against OpenAPI's schema dialect.
    A key that is missing, unexpected or of the wrong type is named, at the place it belongs."""
    return structure(context.spec)


def structure(spec: Spec) -> Iterator[Problem]:
    """The meta-schema's errors, each said the way `messages` says them (the missing or
    unexpected key, the keyword of the wrong type): lint's findings, and what `generate`
    prints for what it tolerates."""
    seen: set[Problem] = set()
    for error in _compiled(spec.openapi_version).iter_errors(spec.document):
        for path, message in describe(error, spec.document):
            problem = (_pointer(path), message)
            if problem not in seen:
                seen.add(problem)
                yield problem


def _pointer(path: tuple[str | int, ...]) -> str:
    return "".join("/" + str(token).replace("~", "~0").replace("/", "~1") for token in path)


@cache
def _compiled(version: tuple[int, int]) -> Any:
    if version == (3, 0):
        validator = jsonschema_rs.validator_for(_resource("schemas/v3.0/schema.json"))
    else:
        oas = _resource("schemas/v3.1/schema.json")
        dialect = json.loads(
            _package_folder("openapi_schema_validator")
            .joinpath("schemas", "oas3.1", "metaschema.json")
            .read_text()
        )
        with_schemas = {
            "$id": "urn:specsmith:oas-3.1-schema-base",
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": oas["$id"],
            "$defs": {"schema": {"$dynamicAnchor": "meta", "$ref": dialect["$id"]}},
        }
        resources = [
            (oas["$id"], oas),
            (dialect["$id"], dialect),
            (_OAS31_VOCABULARY["$id"], _OAS31_VOCABULARY),
        ]
        validator = jsonschema_rs.validator_for(
            with_schemas, registry=jsonschema_rs.Registry(resources)
        )
    return validator


def _resource(name: str) -> dict[str, Any]:
    path = _package_folder("openapi_spec_validator").joinpath("resources", *name.split("/"))
    return json.loads(path.read_text())  # type: ignore[no-any-return]


def _package_folder(package: str) -> Path:
    """Where a package's files are, without importing it (openapi-spec-validator's import pulls
    in half a second of modules that only its own validators need)."""
    found = importlib.util.find_spec(package)
    if found is None or not found.submodule_search_locations:
        raise RuntimeError(f"{package} is not installed")
    return Path(next(iter(found.submodule_search_locations)))
