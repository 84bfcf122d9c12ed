"""Property checks of a package's models against every component schema of its spec: instances
drawn from a schema come back exactly (JSON values and number types), and instances mutated to
break it are refused.

What "valid" means is decided by a reference validator (openapi-schema-validator, formats
checked), never by the models: a drawn instance the reference refuses is not counted, and only
mutants the reference refuses are counted as mutants. The instances are drawn by the mock's
`SchemaValues` (deterministic for a seed, so a failure reproduces); the mutations are the ones
the issue lists: a wrong type, `null`, a key left out, a value outside every enum, an extra item.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from openapi_schema_validator import OAS30Validator, OAS31Validator
from pydantic import BaseModel, ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from generator.ir import ModelSchema
from generator.runtime._server_mock import SchemaValues

_URI = "urn:specsmith:properties"
MUTATIONS = ("wrong type", "null", "missing key", "out of enum", "extra item")
_WRONG_TYPE = {"dict": [], "list": {}, "str": 12, "int": "12", "float": "1.5", "bool": "true"}


def exact(value: Any) -> Any:
    """A JSON value with every number's type made visible (`0` is not `0.0` on the wire)."""
    if isinstance(value, dict):
        return {key: exact(item) for key, item in value.items()}
    if isinstance(value, list):
        return [exact(item) for item in value]
    return (type(value).__name__, value)


@dataclass
class Tally:
    """What the checks found: counts, and the first failures of each schema to show."""

    drawn: int = 0
    round_tripped: int = 0
    mutants: int = 0
    refused: int = 0
    changed: dict[str, Any] = field(default_factory=dict)  # class -> (payload, what came back)
    accepted: dict[str, Any] = field(default_factory=dict)  # class -> (mutation, mutant)

    @property
    def round_trip_rate(self) -> float:
        return self.round_tripped / self.drawn if self.drawn else 0.0

    @property
    def rejection_rate(self) -> float:
        return self.refused / self.mutants if self.mutants else 0.0

    def summary(self) -> str:
        return (
            f"{self.round_tripped}/{self.drawn} drawn instances round-trip"
            f" ({self.round_trip_rate:.2%}); {self.refused}/{self.mutants} mutants refused"
            f" ({self.rejection_rate:.2%})"
        )


class Checker:
    """Checks the models of one spec document, schema by schema."""

    def __init__(self, document: Mapping[str, Any], models: Any) -> None:
        self.document = document
        self.models = models
        self.values = SchemaValues(document)
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(_URI, resource)
        version = str(document.get("openapi", "3.1"))
        self.validator_class = OAS30Validator if version.startswith("3.0") else OAS31Validator

    def check(self, schema: ModelSchema, seeds: range, tally: Tally) -> None:
        model = getattr(self.models, schema.class_name)
        assert issubclass(model, BaseModel)
        validator = self.validator_class(
            {"$ref": _URI + "#" + quote(schema.pointer, safe="/~")},
            registry=self.registry,
            format_checker=self.validator_class.FORMAT_CHECKER,
        )
        for seed in seeds:
            rng = random.Random(seed)
            instance = self.values.draw(schema.pointer, rng)
            if not validator.is_valid(instance):
                continue  # the drawer's best effort fell short: not an instance of the schema
            tally.drawn += 1
            back = _round_trip(model, instance)
            if exact(back) == exact(instance):
                tally.round_tripped += 1
            else:
                tally.changed.setdefault(schema.class_name, (instance, back))
            for mutation, mutant in mutants(instance, rng):
                if validator.is_valid(mutant):
                    continue  # this change happens to be allowed there: no mutant
                tally.mutants += 1
                if _refused(model, mutant):
                    tally.refused += 1
                else:
                    tally.accepted.setdefault(schema.class_name, (mutation, mutant))


def _round_trip(model: type[BaseModel], instance: Any) -> Any:
    try:
        validated = model.model_validate(instance)
    except ValidationError as error:
        return f"refused: {error.errors()[0]}"
    return validated.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _refused(model: type[BaseModel], mutant: Any) -> bool:
    try:
        model.model_validate(mutant)
    except ValidationError:
        return True
    return False


def _places(value: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield at, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _places(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _places(item, (*at, index))


def mutants(instance: Any, rng: random.Random, tries: int = 3) -> Iterator[tuple[str, Any]]:
    """Copies of `instance` with one change each, at places picked by `rng`."""
    places = list(_places(instance))
    for mutation in MUTATIONS:
        for _ in range(tries):
            at, target = places[rng.randrange(len(places))]
            changed = _changed(target, mutation, rng)
            if changed is not _SAME:
                yield mutation, _replaced(instance, at, changed)


_SAME = object()


def _changed(target: Any, mutation: str, rng: random.Random) -> Any:
    if mutation == "wrong type":
        return _WRONG_TYPE.get(type(target).__name__, 0)
    if mutation == "null":
        return _SAME if target is None else None
    if mutation == "missing key" and isinstance(target, dict) and target:
        keys = list(target)
        dropped = keys[rng.randrange(len(keys))]
        return {key: item for key, item in target.items() if key != dropped}
    if mutation == "out of enum" and isinstance(target, str):
        return target + "-not-listed"
    if mutation == "out of enum" and isinstance(target, int) and not isinstance(target, bool):
        return target + 7919
    if mutation == "extra item" and isinstance(target, list):
        return [*target, copy.deepcopy(target[-1]) if target else 1]
    return _SAME


def _replaced(instance: Any, at: tuple[Any, ...], new: Any) -> Any:
    if not at:
        return new
    result = copy.deepcopy(instance)
    parent = result
    for key in at[:-1]:
        parent = parent[key]
    parent[at[-1]] = new
    return result
