"""What generate tolerates, and the one warning line it gives for each."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.load import load_spec
from generator.tolerate import tolerate


def tolerated(tmp_path: Path, schemas: dict[str, Any]) -> Any:
    path = tmp_path / "api.json"
    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    path.write_text(json.dumps({**document, "components": {"schemas": schemas}}))
    return tolerate(load_spec(path))


def test_a_default_that_does_not_fit_is_left_out_with_a_warning(tmp_path: Path) -> None:
    result = tolerated(tmp_path, {"A": {"type": "integer", "default": "ten"}})
    assert result.dropped_defaults == frozenset({"/components/schemas/A/default"})
    (warning,) = result.warnings
    assert "default left out of the model" in warning and "api.json:" in warning


def test_an_undecidable_discriminator_is_named(tmp_path: Path) -> None:
    variant = {"type": "object", "properties": {"kind": {"const": "x"}}}
    schemas = {
        "V1": variant,
        "V2": variant,
        "U": {
            "oneOf": [{"$ref": "#/components/schemas/V1"}, {"$ref": "#/components/schemas/V2"}],
            "discriminator": {"propertyName": "kind"},
        },
    }
    (warning,) = tolerated(tmp_path, schemas).warnings
    assert "discriminator 'kind' cannot decide (V1, V2 share kind='x')" in warning


def test_a_clean_spec_is_tolerated_silently(tmp_path: Path) -> None:
    result = tolerated(tmp_path, {"A": {"type": "integer", "default": 1}})
    assert result.warnings == () and result.dropped_defaults == frozenset()


def test_an_example_that_does_not_match_its_schema_is_a_warning(tmp_path: Path) -> None:
    thing = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
    content = {
        "application/json": {
            "schema": thing,
            "examples": {"good": {"value": {"name": "a"}}, "bad": {"value": {"name": 5}}},
        }
    }
    operation = {
        "operationId": "make",
        "requestBody": {"content": {"application/json": {"schema": thing, "example": {}}}},
        "responses": {"200": {"description": "ok", "content": content}},
    }
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/things": {"post": operation}},
    }
    path = tmp_path / "api.json"
    path.write_text(json.dumps(document, indent=1))
    request, response = tolerate(load_spec(path)).warnings
    assert "example does not match" in request and "missing key `name`" in request
    assert "never sends it" not in request
    assert "`name` must be a string, not 5; the mock never sends it" in response
    assert response.startswith(f"{path}:") and "good" not in response


def test_a_default_its_format_refuses_is_left_out_with_a_warning(tmp_path: Path) -> None:
    result = tolerated(
        tmp_path,
        {
            "Day": {"type": "string", "format": "date", "default": "xxx"},
            "Id": {
                "type": "string",
                "format": "uuid",
                "default": "F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6",
            },
        },
    )
    assert result.dropped_defaults == frozenset({"/components/schemas/Day/default"})
    (warning,) = result.warnings
    assert "default left out of the model: 'xxx' is not a valid date" in warning
