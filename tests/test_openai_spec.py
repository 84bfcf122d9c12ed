"""OpenAI's published spec (3 MB, 288 operations): the generator is no toy that knows one endpoint.

Models for the whole spec generate, compile and import; every example in the spec, and the
examples of chat completions in its `x-oaiMeta`, round-trip through them exactly, except where
OpenAI's own examples break OpenAI's own schemas, which `lint` reports (and this test checks).
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from generator import walk
from generator.analyse import analyse
from generator.config import Target
from generator.ir import Api, ModelRef, ModelSchema
from generator.lint import lint_spec
from generator.load import Spec, load_spec
from generator.models import render_models
from generator.runtime import MODULES
from generator.runtime import source as runtime_source
from generator.tolerate import tolerate
from tests.conftest import OPENAI_SPEC
from tests.test_roundtrip import exact

pytestmark = pytest.mark.slow

Example = tuple[str, str, Any]  # (class name, pointer of the example, value)


@dataclasses.dataclass(frozen=True)
class Generated:
    spec: Spec
    api: Api
    models: ModuleType
    examples: list[Example]
    source: str


@pytest.fixture(scope="module")
def openai(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """OpenAI's models, plus a class for every schema that carries an example, so that each
    example has a model to go through (the extra classes only exist in this test)."""
    spec = load_spec(OPENAI_SPEC)
    api = analyse(spec, Target(package="openai_api"))
    examples, extra = schema_examples(
        spec, {model.pointer: model.class_name for model in api.models}
    )
    for operation in api.operations:
        media = [
            *(operation.body.media if operation.body else ()),
            *(m for r in operation.responses for m in r.media),
        ]
        for item in media:
            if isinstance(item.type, ModelRef):
                for example in item.examples:
                    examples.append((item.type.class_name, example.pointer, example.value))
    with_examples = dataclasses.replace(api, models=api.models + tuple(extra))
    source = render_models(spec, with_examples, drop_defaults=tolerate(spec).dropped_defaults)
    package = tmp_path_factory.mktemp("openai") / "openai_api"
    write_models_package(package, source)
    sys.path.insert(0, str(package.parent))
    try:
        models = importlib.import_module("openai_api.models")
    finally:
        sys.path.remove(str(package.parent))
    return Generated(spec, api, models, examples, source)


def write_models_package(package: Path, models: str) -> None:
    """A package of `models` and the runtime modules they import."""
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name in MODULES["models"]:
        (package / name).write_text(runtime_source(name))
    (package / "models.py").write_text(models)


def schema_examples(spec: Spec, classes: dict[str, str]) -> tuple[list[Example], list[ModelSchema]]:
    examples: list[Example] = []
    extra: list[ModelSchema] = []
    for schema, pointer in walk.schemas(spec.document):
        values = [(pointer + "/example", schema["example"])] if "example" in schema else []
        listed = schema.get("examples")
        values += (
            [(f"{pointer}/examples/{i}", v) for i, v in enumerate(listed)]
            if isinstance(listed, list)
            else []
        )
        if not values:
            continue
        if pointer not in classes:
            classes[pointer] = f"ExampleSchema{len(extra)}"
            extra.append(ModelSchema(classes[pointer], pointer))
        examples += [(classes[pointer], at, value) for at, value in values]
    return examples, extra


def round_trip(model: type[BaseModel], value: Any) -> Any:
    return model.model_validate(value).model_dump(mode="json", by_alias=True, exclude_unset=True)


def test_models_generate_compile_and_import(openai: Generated) -> None:
    assert len(openai.api.operations) == 288
    compile(openai.source, "models.py", "exec")
    for model in openai.api.models:
        assert isinstance(getattr(openai.models, model.class_name), type)


def test_every_example_in_the_spec_round_trips_or_is_a_lint_finding(openai: Generated) -> None:
    findings = [f.location.pointer for f in lint_spec(openai.spec) if f.rule == "example-valid"]
    exact_trips, known_faults = 0, []
    for class_name, pointer, value in openai.examples:
        model = getattr(openai.models, class_name)
        try:
            dumped = round_trip(model, value)
        except ValidationError:
            # OpenAI's example breaks OpenAI's schema: lint must have said so, at that example.
            assert any(found.startswith(pointer) for found in findings), pointer
            known_faults.append(pointer)
            continue
        assert exact(dumped) == exact(value), pointer
        exact_trips += 1
    assert exact_trips >= 290  # 293 today, of 306 examples
    assert len(known_faults) <= 15  # 13 today: each one reported by lint


def oai_meta_examples(spec: Spec) -> Iterator[tuple[str, str, Any]]:
    """(title, "request" or "response", JSON value) from createChatCompletion's x-oaiMeta."""
    operation = spec.document["paths"]["/chat/completions"]["post"]
    for example in operation["x-oaiMeta"]["examples"]:
        curl = example["request"]["curl"]
        body = re.search(r"-d '(.*)'", curl, flags=re.DOTALL)
        if body:
            yield example["title"], "request", json.loads(body[1])
        for value in json_values(example["response"]):
            yield example["title"], "response", value


def json_values(text: str) -> Iterator[Any]:
    """Every JSON value in a text (a stream example is chunks one after another, with "...."
    standing for the ones left out)."""
    decoder, position = json.JSONDecoder(), 0
    while True:
        match = re.compile(r"(?:\s|\.\.\.\.|data:)*").match(text, position)  # "...." elides chunks
        position = match.end() if match else position
        if position >= len(text) or text.startswith("[DONE]", position):
            return
        value, position = decoder.raw_decode(text, position)
        yield value


# OpenAI's own x-oaiMeta examples that break OpenAI's schema, and why.
KNOWN_BROKEN = {
    ("Functions", "response"): "choices[0].message leaves out `refusal`, which the schema requires",
    ("Logprobs", "response"): "choices[0].message leaves out `refusal`, which the schema requires",
}


def test_chat_completions_x_oai_meta_examples_round_trip(openai: Generated) -> None:
    models = openai.models
    broken = set()
    seen = 0
    for title, kind, value in oai_meta_examples(openai.spec):
        seen += 1
        if kind == "request":
            model: type[BaseModel] = models.CreateChatCompletionRequest
        elif value.get("object") == "chat.completion.chunk":
            model = models.CreateChatCompletionStreamResponse
        else:
            model = models.CreateChatCompletionResponse
        try:
            dumped = round_trip(model, value)
        except ValidationError as error:
            assert (title, kind) in KNOWN_BROKEN, f"{title} {kind}: {error}"
            broken.add((title, kind))
            continue
        assert exact(dumped) == exact(value), (title, kind)
    assert seen >= 10  # five requests, four responses and the stream's chunks
    assert broken == set(KNOWN_BROKEN)


def test_what_generate_tolerates_in_openais_spec_is_said_one_line_each() -> None:
    tolerated = tolerate(load_spec(OPENAI_SPEC))
    text = "\n".join(tolerated.warnings)
    assert text.count(": tolerated: ") == 10  # the meta-schema errors, generated as written
    assert len(tolerated.dropped_defaults) >= 15  # defaults that break their own schema
    # The eight unions whose declared discriminator cannot decide (three variants share "message").
    assert "InputMessage, OutputMessage share type='message'" in text
    assert "RealtimeConversationItemMessageSystem, RealtimeConversationItemMessageUser" in text
    assert all("\n" not in warning for warning in tolerated.warnings)


def test_models_import_from_a_fresh_process(openai: Generated, tmp_path: Path) -> None:
    import subprocess

    package = tmp_path / "fresh"
    write_models_package(package, openai.source)
    probe = "import fresh.models as m; print(len([n for n in dir(m) if not n.startswith('_')]))"
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout) > 1400
