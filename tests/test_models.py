"""The models stage on its own: the document handed to datamodel-code-generator, and the module
it makes of it, for schemas written here."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from generator.analyse import analyse
from generator.config import ModelOptions, Target
from generator.load import load_spec
from generator.models import WIRE_BASE, models_document, render_models

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
    tmp_path: Path, profile: ModelOptions = DEFAULT_PROFILE, schemas: dict[str, Any] = SCHEMAS
) -> ModuleType:
    spec = load_spec(spec_path(tmp_path, schemas))
    source = render_models(spec, analyse(spec, Target(package="pkg")), profile)
    name = f"models_{abs(hash((str(tmp_path), profile)))}"
    (tmp_path / f"{name}.py").write_text(source)
    sys.path.insert(0, str(tmp_path))
    try:
        return importlib.import_module(name)
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
    assert issubclass(models.Item, getattr(models, WIRE_BASE))
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
