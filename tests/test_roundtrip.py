"""Faithful JSON: every example payload goes through the generated models and comes back unchanged.

`model_validate(x).model_dump(mode="json", by_alias=True, exclude_unset=True) == x`, with nulls
kept, nothing added and no key renamed; key order is kept too.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis_jsonschema import from_schema
from pydantic import BaseModel

from generator.analyse import analyse
from generator.config import Target
from generator.ir import MediaType, ModelRef
from generator.load import load_spec
from tests.conftest import PACKAGE, SEED, SPEC
from tests.schema_properties import Checker, Tally

models = importlib.import_module(f"{PACKAGE}.models")
SPEC_LOADED = load_spec(SPEC)
API = analyse(SPEC_LOADED, Target(package=PACKAGE))


def model_named(class_name: str) -> type[BaseModel]:
    model = getattr(models, class_name)
    assert issubclass(model, BaseModel)
    return model


def round_trip(model: type[BaseModel], payload: Any) -> Any:
    return model.model_validate(payload).model_dump(mode="json", by_alias=True, exclude_unset=True)


def exact(value: Any) -> Any:
    """A JSON value with every number's type made visible: `0` and `0.0` are equal in Python but
    not in the bytes a peer receives, and a faithful round trip keeps `0` as `0`. Object key order
    is not part of a JSON value (RFC 8259), so it is not compared."""
    if isinstance(value, dict):
        return {key: exact(item) for key, item in value.items()}
    if isinstance(value, list):
        return [exact(item) for item in value]
    return (type(value).__name__, value)


def spec_examples() -> Iterator[tuple[str, MediaType, Any]]:
    for operation in API.operations:
        body_media = operation.body.media if operation.body else ()
        response_media = [media for response in operation.responses for media in response.media]
        for media in (*body_media, *response_media):
            for example in media.examples:
                values = (
                    example.value
                    if media.kind == "event-stream" and isinstance(example.value, list)
                    else [example.value]
                )
                for index, value in enumerate(values):
                    yield (
                        f"{operation.name}:{media.content_type}:{example.name}[{index}]",
                        media,
                        value,
                    )


EXAMPLES = list(spec_examples())


@pytest.mark.parametrize(
    ("request_file", "schema"),
    [
        ("request.json", "CreateChatCompletionRequest"),
        ("response.json", "CreateChatCompletionResponse"),
    ],
)
def test_seed_payloads_round_trip_exactly(request_file: str, schema: str) -> None:
    seed = json.loads((SEED / request_file).read_text())
    dumped = round_trip(getattr(models, schema), seed)
    assert dumped == seed
    assert exact(dumped) == exact(seed)  # and 0 stays 0


def test_the_spec_carries_the_seed_payloads_as_examples() -> None:
    request = json.loads((SEED / "request.json").read_text())
    response = json.loads((SEED / "response.json").read_text())
    values = [value for _, _, value in EXAMPLES]
    assert request in values and response in values


def test_every_media_type_with_examples_is_covered() -> None:
    assert len(EXAMPLES) >= 10
    assert {media.kind for _, media, _ in EXAMPLES} >= {"json", "event-stream"}


@pytest.mark.parametrize(
    ("name", "media", "value"), EXAMPLES, ids=[name for name, _, _ in EXAMPLES]
)
def test_every_spec_example_round_trips(name: str, media: MediaType, value: Any) -> None:
    assert isinstance(media.type, ModelRef), f"{name} has no model"
    dumped = round_trip(model_named(media.type.class_name), value)
    assert exact(dumped) == exact(value)


def test_unknown_fields_survive_at_every_depth() -> None:
    payload = {
        "model": "m",
        "messages": [{"role": "user", "content": "hi", "x_vendor": {"nested": [1, None]}}],
        "x_top": None,
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "n", "schema": {"a": 1}, "extra": True},
        },
    }
    assert exact(round_trip(models.CreateChatCompletionRequest, payload)) == exact(payload)


def test_open_enums_accept_values_the_spec_does_not_list() -> None:
    payload = {
        "model": "m",
        "messages": [{"role": "narrator", "content": None}],
        "service_tier": "gold",
    }
    assert round_trip(models.CreateChatCompletionRequest, payload) == payload


def test_python_names_and_wire_names_both_populate() -> None:
    by_wire = models.JsonSchemaFormat.model_validate({"name": "n", "schema": {"type": "object"}})
    by_python = models.JsonSchemaFormat(name="n", schema_={"type": "object"})
    assert by_wire.model_dump(by_alias=True, exclude_unset=True) == by_python.model_dump(
        by_alias=True, exclude_unset=True
    )


def component_schema(name: str) -> dict[str, Any]:
    """A schema that hypothesis-jsonschema can read: the component, with the others beside it."""
    components = SPEC_LOADED.document["components"]["schemas"]
    return {"$ref": f"#/components/schemas/{name}", "components": {"schemas": components}}


@pytest.mark.parametrize(
    "schema",
    [
        "CreateChatCompletionRequest",
        "CreateChatCompletionResponse",
        "CreateChatCompletionStreamResponse",
        "ErrorResponse",
    ],
)
def test_payloads_drawn_from_the_schemas_round_trip(schema: str) -> None:
    """Hypothesis' instances of the top-level schemas come back exactly (an independent drawer;
    every component is checked below with the mock's, which is fast enough for all of them)."""
    model = getattr(models, schema)
    seen: set[str] = set()

    @settings(
        max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    @given(from_schema(component_schema(schema)))
    def check(payload: Any) -> None:
        seen.add(json.dumps(payload))
        assert exact(round_trip(model, payload)) == exact(payload)

    check()
    assert len(seen) >= 10, "the strategy drew too few distinct payloads to mean anything"


def test_examples_come_from_this_file() -> None:
    assert Path(SPEC_LOADED.path) == SPEC


def test_every_component_schema_round_trips_and_refuses_its_mutants() -> None:
    """Every model of the spec, 20 instances each drawn from its schema: all come back exactly,
    and every mutant that the reference validator refuses, the models refuse too."""
    checker = Checker(SPEC_LOADED.document, models)
    tally = Tally()
    for schema in API.models:
        checker.check(schema, range(20), tally)
    assert tally.drawn >= 20 * len(API.models) * 0.9, tally.summary()
    assert tally.changed == {}, tally.summary()
    assert tally.accepted == {}, tally.summary()
    assert tally.mutants >= 5 * tally.drawn, tally.summary()
