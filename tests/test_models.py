"""The models stage on its own: the document handed to datamodel-code-generator, and the module
it makes of it, for schemas written here."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from generator.analyse import analyse
from generator.config import ModelOptions, Target
from generator.load import load_spec
from generator.models import models_document, render_models
from generator.runtime import MODULES, source

SCHEMAS: dict[str, Any] = {
    "Amount": {"type": "number"},
    "Note": {"type": "string", "nullable": True},
    "Secret": {"type": "string", "format": "password"},
    "Item": {
        "type": "object",
        "required": ["id"],
        "properties": {
            "id": {"type": "string"},
            "schema": {"type": "string"},
            "price": {"$ref": "#/components/schemas/Amount"},
        },
    },
}


DEFAULT_PROFILE = ModelOptions()


def spec_path(tmp_path: Path, schemas: dict[str, Any] = SCHEMAS, version: str = "3.0.3") -> Path:
    path = tmp_path / "api.json"
    document = {"openapi": version, "info": {"title": "t", "version": "1"}, "paths": {}}
    path.write_text(json.dumps({**document, "components": {"schemas": schemas}}))
    return path


def models_of(
    tmp_path: Path,
    profile: ModelOptions = DEFAULT_PROFILE,
    schemas: dict[str, Any] = SCHEMAS,
    version: str = "3.0.3",
) -> ModuleType:
    """The models of `schemas`, imported from a package of their own with the models' runtime."""
    spec = load_spec(spec_path(tmp_path, schemas, version))
    package = f"models_{abs(hash((str(tmp_path), profile)))}"
    folder = tmp_path / package
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    for name in MODULES["models"]:
        (folder / name).write_text(source(name))
    (folder / "models.py").write_text(
        render_models(spec, analyse(spec, Target(package=package)), profile)
    )
    sys.path.insert(0, str(tmp_path))
    try:
        return importlib.import_module(f"{package}.models")
    finally:
        sys.path.remove(str(tmp_path))


def test_the_document_speaks_3_1_and_keeps_data_as_it_is(tmp_path: Path) -> None:
    spec = load_spec(spec_path(tmp_path))
    document = models_document(spec, analyse(spec, Target(package="pkg")), ModelOptions())
    schemas = document["components"]["schemas"]
    assert schemas["Amount"] == {"type": ["integer", "number"]}  # keep_integers
    assert schemas["Note"] == {"type": ["string", "null"]}  # nullable as 3.1 says it
    assert schemas["Secret"] == {"type": "string"}  # a password is a string, not a SecretStr


def test_every_model_stands_on_the_wire_base_and_round_trips(tmp_path: Path) -> None:
    models = models_of(tmp_path)
    assert issubclass(models.Item, models.WireModel)
    payload = {"id": "a", "schema": "s", "price": 0, "extra": {"kept": True}}
    item = models.Item.model_validate(payload)
    assert item.model_dump(mode="json", by_alias=True, exclude_unset=True) == payload
    assert item.schema_ == "s"


def test_the_profile_switches_change_the_models(tmp_path: Path) -> None:
    models = models_of(tmp_path, ModelOptions(keep_unknown_fields=False, keep_integers=False))
    item = models.Item.model_validate({"id": "a", "price": 0, "extra": 1})
    assert item.model_dump(mode="json", by_alias=True, exclude_unset=True) == {
        "id": "a",
        "price": 0.0,
    }


def test_schemas_named_like_what_models_import_get_other_class_names(tmp_path: Path) -> None:
    schemas = {
        "Field": {"type": "object"},
        "Literal": {"enum": ["a"]},
        "BaseModel": {"type": "string"},
    }
    spec = load_spec(spec_path(tmp_path, schemas))
    api = analyse(spec, Target(package="pkg"))
    assert [m.class_name for m in api.models] == ["FieldModel", "LiteralModel", "BaseModelModel"]
    models = models_of(tmp_path, schemas=schemas)
    assert models.LiteralModel.model_validate("a").root == "a"


def round_trip(model: type[BaseModel], payload: Any) -> Any:
    return model.model_validate(payload).model_dump(mode="json", by_alias=True, exclude_unset=True)


def rejects(model: type[BaseModel], payload: Any) -> bool:
    try:
        model.model_validate(payload)
    except ValidationError:
        return True
    return False


FAITHFUL: dict[str, Any] = {
    "Event": {
        "type": "object",
        "required": ["kind"],
        "properties": {
            "kind": {"type": "string"},
            "at": {"type": "string", "format": "date-time"},
            "day": {"type": "string", "format": "date", "default": "2024-02-29"},
            "link": {"type": "string", "format": "uri"},
            "every": {"type": "string", "format": "duration"},
            "host": {"type": "string", "format": "ipv6"},
            "id": {"type": "string", "format": "uuid"},
            "mail": {"type": "string", "format": "email"},
            "note": {"type": "string", "nullable": True},
            "when": {"type": "string", "format": "date-time", "nullable": True},
            "size": {"type": "number"},
            "ratio": {"type": "number", "enum": [1.4, 1.5]},
            "level": {"type": "integer", "enum": [1, 2]},
            "on": {"type": "boolean", "enum": [True]},
            "tag": {"type": "string", "pattern": r"^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$"},
            "code": {"type": "string", "pattern": r"^\d{3}$"},
            "pair": {
                "type": "array",
                "prefixItems": [{"type": "integer"}, {"$ref": "#/components/schemas/Point"}],
                "items": False,
                "minItems": 2,
            },
            "open": {
                "type": "array",
                "prefixItems": [{"type": "string"}],
                "items": {"type": "integer"},
            },
            "Field": {"type": "string", "enum": ["a", "b"]},
            "Literal": {"type": "string", "enum": ["c"]},
            "old": {"type": "string", "deprecated": 1},
            "free": {"type": "object", "additionalProperties": True},
        },
    },
    "Point": {"type": "object", "properties": {"x": {"type": "integer"}}},
}


@pytest.fixture(scope="module")
def faithful(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return models_of(tmp_path_factory.mktemp("faithful"), schemas=FAITHFUL)


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("at", "2024-01-01T00:00:00.000+00:00"),
        ("at", "1985-04-12T23:20:50.52z"),
        ("at", "2016-12-31T23:59:60Z"),
        ("at", "08:38:13.1973609-07:00".join(["2024-05-01T", ""])),
        ("link", "https://example.com"),
        ("link", "HTTP://Example.COM/a/../b?q=%7e#f"),
        ("every", "P10675199DT2H48M5.4775807S"),
        ("every", "PT0.5S"),
        ("host", "2001:0db8:0000:0000:0000:0000:0000:0001"),
        ("id", "F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6"),
        ("mail", '"a b"@[IPv6:::1]'),
        ("code", "123"),
    ],
)
def test_formats_are_checked_and_the_text_kept(faithful: ModuleType, field: str, text: str) -> None:
    payload = {"kind": "k", field: text}
    assert round_trip(faithful.Event, payload) == payload


def test_formats_have_typed_accessors_and_defaults_of_their_type(faithful: ModuleType) -> None:
    event = faithful.Event.model_validate({"kind": "k", "at": "2024-01-01T10:00:00+02:00"})
    assert event.at.as_datetime().utcoffset().total_seconds() == 7200
    assert isinstance(event.day, faithful.DateText) and event.day.as_date().day == 29
    assert faithful.Event(kind="k").model_dump(by_alias=True, exclude_unset=True) == {"kind": "k"}


@pytest.mark.parametrize(
    "payload",
    [
        {"kind": 1},  # wrong type
        {"kind": None},  # required and not nullable
        {},  # missing required
        {"kind": "k", "size": "1"},  # a string is no number
        {"kind": "k", "size": True},  # nor is a boolean
        {"kind": "k", "link": None},  # optional, but not nullable
        {"kind": "k", "at": "2024-01-01 00:00:00"},  # not RFC 3339
        {"kind": "k", "at": "2024-02-30T00:00:00Z"},
        {"kind": "k", "link": "example.com"},  # no scheme
        {"kind": "k", "every": "P1Y2W"},
        {"kind": "k", "host": "fe80::1%eth0"},
        {"kind": "k", "id": "f81d4fae7dec11d0a76500a0c91e6bf6"},
        {"kind": "k", "mail": "a..b@example.com"},
        {"kind": "k", "ratio": 1.6},  # out of the enum
        {"kind": "k", "level": True},  # `true` is not 1
        {"kind": "k", "on": 1},
        {"kind": "k", "tag": "aws:x"},
        {"kind": "k", "code": "١٢٣"},  # \d is ASCII
        {"kind": "k", "code": "123\n"},  # $ is the end
        {"kind": "k", "pair": [1, {"x": 1}, 3]},  # extra tuple item
        {"kind": "k", "pair": [1]},  # below minItems
        {"kind": "k", "pair": ["1", {"x": 1}]},
        {"kind": "k", "open": ["a", "b"]},
        {"kind": "k", "size": float("nan")},
        {"kind": "k", "size": float("inf")},
        {"kind": "k", "free": {"a": float("nan")}},
        {"kind": "k", "extra": float("inf")},
    ],
)
def test_what_the_schema_forbids_is_refused(faithful: ModuleType, payload: Any) -> None:
    assert rejects(faithful.Event, payload)


def test_what_the_schema_allows_round_trips(faithful: ModuleType) -> None:
    payload = {
        "kind": "k",
        "note": None,
        "when": None,
        "size": 0,
        "ratio": 1.5,
        "level": 1.0,  # JSON's 1.0 is the enum's 1, and stays 1.0
        "on": True,
        "tag": "héllo wörld",
        "pair": [1, {"x": 2}],
        "open": ["a", 1, 2],
        "Field": "a",
        "Literal": "c",
        "old": "x",
        "free": {"a": [1, 2.5, None]},
        "extra": 1e300,
    }
    assert round_trip(faithful.Event, payload) == payload


def test_json_has_no_nan_or_infinity(faithful: ModuleType) -> None:
    for text in (
        '{"kind": "k", "size": 1e400}',
        '{"kind": "k", "size": NaN}',
        '{"kind": "k", "x": Infinity}',
    ):
        with pytest.raises(ValidationError):
            faithful.Event.model_validate_json(text)


FIELD_OF = {"date-time": "at", "uri": "link", "duration": "every", "uuid": "id", "ipv6": "host"}
# Strings as real systems write them; each must come back byte for byte.
CORPUS: dict[str, list[str]] = {
    "date-time": [
        "2024-01-01T00:00:00.000+00:00",  # JavaScript's toISOString with an offset
        "2024-01-01T00:00:00.000Z",  # JavaScript's toISOString
        "2023-11-14T22:13:20Z",  # GitHub's API
        "2019-10-12T07:20:50.52Z",  # JSON Schema's spec
        "1985-04-12T23:20:50.52Z",  # RFC 3339, 5.8
        "1996-12-19T16:39:57-08:00",  # RFC 3339, 5.8
        "1990-12-31T23:59:60Z",  # RFC 3339, 5.8: a leap second
        "1990-12-31T15:59:60-08:00",
        "1937-01-01T12:00:27.87+00:20",  # RFC 3339, 5.8: Netherlands time
        "2024-05-01T08:38:13.1973609-07:00",  # .NET's DateTimeOffset "o", seven digits
        "2006-01-02T15:04:05.999999999+07:00",  # Go's RFC3339Nano
        "2024-03-10T12:13:35.123-08:00",
        "2024-02-29T23:59:59.999999+05:30",  # Python's isoformat, India
        "2024-06-30T12:00:00+14:00",  # Kiribati
        "2024-06-30T12:00:00-12:00",
        "2024-01-01t10:00:00z",  # lower-case T and Z
        "2024-01-01T10:00:00.000000000000Z",
        "0001-01-01T00:00:00Z",  # .NET's DateTime.MinValue
        "9999-12-31T23:59:59.9999999Z",  # .NET's DateTime.MaxValue
        "2024-01-01T00:00:00-00:00",  # RFC 3339: offset unknown
    ],
    "uri": [
        "https://example.com",
        "https://example.com/",
        "HTTP://Example.COM/a/../b?q=%7e#f",
        "https://api.openai.com/v1/chat/completions?stream=true",
        "https://user:pass@example.com:8443/path;params?q=1&r=2#frag",
        "https://[2001:db8::1]:8080/",
        "http://192.0.2.1/",
        "https://xn--nxasmq6b.example/",  # punycode
        "https://example.com/a%20b/%E2%82%AC",
        "https://example.com?",
        "https://example.com#",
        "mailto:someone@example.com",
        "urn:isbn:0451450523",
        "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
        "data:text/plain;base64,SGVsbG8=",
        "file:///etc/hosts",
        "tel:+1-816-555-1212",
        "ftp://ftp.is.co.za/rfc/rfc1808.txt",
        "ldap://[2001:db8::7]/c=GB?objectClass?one",
        "s3://bucket/key/with/slashes",
    ],
    "duration": [
        "P10675199DT2H48M5.4775807S",  # .NET's TimeSpan.MaxValue as XML writes it
        "PT0.5S",
        "P1D",
        "PT36H",
        "P1W",
        "P0D",
        "PT0S",
        "P1Y2M3DT4H5M6S",
        "P3Y6M4DT12H30M5S",
        "PT1M30S",
        "PT1.000S",
        "P1M",
        "PT1M",
        "P0Y0M0DT0H0M0S",
        "PT86400S",
        "P2Y",
    ],
    "uuid": [
        "f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
        "F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6",
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "018f3c2a-7b1e-7cde-9a4b-0123456789ab",
        "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
        "c232ab00-9414-11ec-b3c8-9e6bdeced846",
        "123e4567-E89b-12D3-a456-426614174000",
    ],
    "ipv6": [
        "2001:0db8:0000:0000:0000:0000:0000:0001",
        "2001:db8::1",
        "::",
        "::1",
        "::ffff:192.0.2.128",
        "2001:DB8::8:800:200C:417A",
        "fe80::1",
        "FF01:0:0:0:0:0:0:101",
        "0:0:0:0:0:0:0:1",
        "2001:db8:0:0:1:0:0:1",
        "2001:0db8::0001",
        "64:ff9b::192.0.2.33",
        "::ffff:0:0",
    ],
}


@pytest.mark.parametrize(
    ("kind", "text"), [(kind, text) for kind, texts in CORPUS.items() for text in texts]
)
def test_real_format_strings_come_back_byte_identical(
    faithful: ModuleType, kind: str, text: str
) -> None:
    wire = json.dumps({"kind": "k", FIELD_OF[kind]: text}, separators=(",", ":"))
    event = faithful.Event.model_validate_json(wire)
    assert event.model_dump_json(by_alias=True, exclude_unset=True) == wire


DISCRIMINATED: dict[str, Any] = {
    "Compare": {
        "type": "object",
        "required": ["type", "key"],
        "properties": {"type": {"type": "string", "enum": ["eq", "ne"]}, "key": {"type": "string"}},
    },
    "Compound": {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"const": "and"}},
    },
    "Filter": {
        "oneOf": [
            {"$ref": "#/components/schemas/Compare"},
            {"$ref": "#/components/schemas/Compound"},
        ],
        "discriminator": {
            "propertyName": "type",
            "mapping": {"and": "#/components/schemas/Compound"},
        },
    },
}


def test_a_discriminated_variant_keeps_the_tag_values_its_schema_lists(tmp_path: Path) -> None:
    """Not `Literal["Compare"]`, the name OpenAPI's implicit mapping would give it."""
    models = models_of(tmp_path, schemas=DISCRIMINATED, version="3.1.0")
    for payload in ({"type": "ne", "key": "k"}, {"type": "and"}):
        assert round_trip(models.Filter, payload) == payload
    assert rejects(models.Filter, {"type": "Compare", "key": "k"})
    assert rejects(models.Filter, {"type": "or"})


def test_a_completed_mapping_lists_the_tags_in_the_specs_order(tmp_path: Path) -> None:
    """In the order the variant's enum writes them, whatever the interpreter's hash seed: the
    models document is the models' cache key (the mapping was once filled from a set)."""
    many = {**DISCRIMINATED["Compare"], "properties": {"type": {"enum": list("zyxwvutsrq")}}}
    spec = load_spec(spec_path(tmp_path, {**DISCRIMINATED, "Compare": many}, "3.1.0"))
    document = models_document(spec, analyse(spec, Target(package="m")), ModelOptions())
    mapping = document["components"]["schemas"]["Filter"]["discriminator"]["mapping"]  # type: ignore[index,call-overload]
    assert list(mapping) == ["and", *"zyxwvutsrq"]
