"""What generate tolerates, and the one warning line it gives for each."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.lint import defaults
from generator.load import load_spec
from generator.tolerate import tolerate, unmodellable_keywords


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


# Defaults a look can judge, and some it must leave to the validator (each beside a valid one).
_DEFAULTS = [
    {"type": "integer", "default": 3, "minimum": 1, "maximum": 3},
    {"type": "integer", "default": 4, "maximum": 3},
    {"type": "integer", "default": True},
    {"type": "integer", "default": 1.0},
    {"type": "number", "default": 1},
    {"type": "boolean", "default": 0},
    {"type": "string", "default": "abc", "maxLength": 2},
    {"type": "string", "default": "\U0001f600", "maxLength": 1},
    {"type": "string", "default": "a", "enum": ["a", "b"]},
    {"type": "string", "default": "c", "enum": ["a", "b"]},
    {"enum": [True], "default": 1},
    {"enum": [1], "default": True},
    {"type": "array", "items": {"type": "string"}, "default": ["a", 1]},
    {"type": "array", "items": {"type": "string"}, "default": ["a"], "maxItems": 1},
    {"type": "array", "items": {"type": "string"}, "default": ["a", "b"], "maxItems": 1},
    {"type": "array", "items": False, "default": []},
    {"type": "object", "default": {}},
    {"type": "string", "default": "x", "readOnly": True, "format": "date", "nullable": True},
    {"type": "string", "default": "x", "pattern": "^y$"},
    {"type": ["string", "null"], "default": "x"},
    {"type": "integer", "default": 5, "minimum": 5, "exclusiveMinimum": True},
    {"anyOf": [{"type": "number"}, {"type": "null"}], "default": 1},
    {"anyOf": [{"type": "string", "enum": ["a"]}, {"type": "string"}], "default": "b"},
    {"anyOf": [{"type": "string"}, {"type": "null"}], "default": 1},
    {"anyOf": [{"$ref": "#/components/schemas/S0"}], "default": 3},
    {"allOf": [{"type": "integer"}, {"maximum": 2}], "default": 2},
    {"allOf": [{"type": "integer"}, {"maximum": 2}], "default": 3},
    {"oneOf": [{"type": "integer"}, {"type": "number"}], "default": 1},
]


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_a_default_judged_by_a_look_is_one_the_validator_finds_valid(
    tmp_path: Path, version: str
) -> None:
    path = tmp_path / "api.json"
    schemas = {f"S{index}": schema for index, schema in enumerate(_DEFAULTS)}
    document = {"openapi": version, "info": {"title": "t", "version": "1"}, "paths": {}}
    path.write_text(json.dumps({**document, "components": {"schemas": schemas}}))
    spec = load_spec(path)
    errors_of = defaults._validator(spec)
    looked = 0
    for name, schema in schemas.items():
        if defaults.plainly_valid_default(schema):
            looked += 1
            assert errors_of(schema["default"], f"/components/schemas/{name}") == [], schema
    assert looked == 11  # the rest are the validator's to judge


def test_plainly_valid_defaults_need_no_validator(tmp_path: Path) -> None:
    """A spec whose defaults a look can judge never imports the reference validator (a third
    of a second of every small spec's generation)."""
    path = tmp_path / "api.json"
    schemas = {"A": {"type": "object", "properties": {"n": {"type": "integer", "default": 1}}}}
    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    path.write_text(json.dumps({**document, "components": {"schemas": schemas}}))
    check = (
        "import sys; from pathlib import Path; from generator.load import load_spec;"
        " from generator.tolerate import tolerate;"
        f" tolerate(load_spec(Path({str(path)!r})));"
        " print('openapi_schema_validator' in sys.modules)"
    )
    found = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "False"


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


def test_keywords_the_models_cannot_hold_are_left_out_and_non_schemas_read_as_any(
    tmp_path: Path,
) -> None:
    schemas = {
        "A": {
            "type": "object",
            "required": True,
            "properties": {"n": {"type": {"type": "string"}}, "m": None, "k": {"maxLength": -1}},
            "allOf": [{"type": "object"}, "object"],
        },
        "B": {"oneOf": [{"type": "object"}], "discriminator": {"propertyName": 5}},
        "Fine": {"type": ["string", "null"], "minLength": 2.0, "maximum": 1.5},
    }
    path = tmp_path / "api.json"
    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    path.write_text(json.dumps({**document, "components": {"schemas": schemas}}))
    spec = load_spec(path)
    roots = [f"/components/schemas/{name}" for name in schemas]
    result = unmodellable_keywords(spec, roots)
    assert result.dropped_defaults == {
        "/components/schemas/A/required",
        "/components/schemas/A/allOf/1",
        "/components/schemas/A/properties/m",
        "/components/schemas/A/properties/n/type",
        "/components/schemas/A/properties/k/maxLength",
        "/components/schemas/B/discriminator",
    }
    assert len(result.warnings) == 6
    # The malformed discriminator is left out, not reported as one that cannot decide.
    assert not any("cannot decide" in warning for warning in tolerate(spec).warnings)
