"""The pipeline called from Python, as scripts and other tools call it."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest

from generator import format as format_stage
from generator import pipeline
from generator.analyse import HTTP_METHODS
from generator.cache import Cache
from generator.config import Target
from generator.errors import SpecError, UsageError
from generator.load import load_spec
from generator.manifest import MANIFEST
from generator.pipeline import generate, part_modules
from generator.render import environment
from tests.conftest import OPENAI_SPEC, SPEC, check_static, generate_package


def test_generate_makes_every_file_then_takes_the_fast_path(tmp_path: Path) -> None:
    config = Target(spec=SPEC, out=tmp_path, package="gateway", parts=("client",))
    first = generate(config)
    assert first.stale and first.target == tmp_path / "gateway"
    assert {"client.py", "models.py", "__init__.py", MANIFEST} <= set(first.files)
    assert "server.py" not in first.files
    again = generate(config)
    assert again.stale == [] and again.files == {}  # the manifest says nothing changed
    checked = generate(config, check=True)
    assert checked.stale == []


def test_a_part_is_its_folder_of_templates() -> None:
    modules = part_modules(environment(), ("server",))
    assert "server.py" in modules and "client.py" not in modules
    assert all(not name.startswith("_server_macros") for name in modules)  # macros are not modules


def test_names_ruff_finds_ambiguous_pass_its_default_rules(tmp_path: Path) -> None:
    """Properties and parameters called `l`, `O` and `I` (E741's letters) pass ruff's defaults."""
    letters = {name: {"type": "string"} for name in ("l", "O", "I")}
    parameters = [{"name": name, "in": "query", "schema": {"type": "string"}} for name in letters]
    ok = {
        "description": "ok",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/P"}}},
    }
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "letters", "version": "1"},
        "paths": {
            "/a": {"get": {"operationId": "a", "parameters": parameters, "responses": {"200": ok}}}
        },
        "components": {"schemas": {"P": {"type": "object", "properties": letters}}},
    }
    check_static(generate_package(spec, tmp_path, "letters"))


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _first_operation(document: dict[str, Any]) -> dict[str, Any]:
    path_item = next(iter(document["paths"].values()))
    return next(value for method, value in path_item.items() if method in HTTP_METHODS)


def _described(document: dict[str, Any]) -> None:
    """One description edited: an operation's (the models document stays the same)."""
    _first_operation(document)["description"] = "Edited: one description changed."


def _with_a_property(document: dict[str, Any]) -> None:
    """One schema edited: a property added to the first object schema with properties."""
    schema = next(s for s in document["components"]["schemas"].values() if "properties" in s)
    schema["properties"]["added_by_an_edit"] = {"type": "string", "description": "New."}


class _Runs:
    """Runs of `generate` on a copy of a spec that tests edit, each into a folder of its own,
    with the cache folder shared, or with no cache (a cold run, the reference)."""

    def __init__(self, tmp_path: Path, document: dict[str, Any]) -> None:
        self.root = tmp_path
        self.document = document
        self.spec = tmp_path / "spec.json"
        self.spec.write_text(json.dumps(document))
        self.cache = tmp_path / "cache"

    def edit(self, change: Callable[[dict[str, Any]], None]) -> None:
        change(self.document)
        self.spec.write_text(json.dumps(self.document))

    def run(self, name: str, *, cached: bool) -> dict[str, bytes]:
        config = Target(spec=self.spec, out=self.root / name, package="api")
        with Cache(self.cache) if cached else Cache.off() as cache:
            generate(config, cache=cache)
        return _tree(self.root / name / "api")


def test_cold_warm_and_edited_runs_write_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = _Runs(tmp_path, load_spec(SPEC).document)
    cold = runs.run("cold", cached=False)
    assert runs.run("first", cached=True) == cold  # an empty cache: all made, and kept
    with monkeypatch.context() as nothing_made:
        nothing_made.setattr(pipeline, "models_source", None)  # datamodel-code-generator
        nothing_made.setattr(format_stage, "_black", None)
        nothing_made.setattr(format_stage, "_black_whole", None)
        assert runs.run("warm", cached=True) == cold

    made: list[str] = []
    models_source = pipeline.models_source
    monkeypatch.setattr(
        pipeline, "models_source", lambda *a: made.append("models") or models_source(*a)
    )
    runs.edit(_described)
    described = runs.run("described-cold", cached=False)
    assert described != cold and made == ["models"]
    assert runs.run("described", cached=True) == described
    assert made == ["models"]  # the same models document: models.py came from the cache

    runs.edit(_with_a_property)
    with_a_property = runs.run("with-a-property-cold", cached=False)
    assert b"added_by_an_edit" in with_a_property["models.py"]
    assert runs.run("with-a-property", cached=True) == with_a_property
    assert made == ["models"] * 3  # a schema changed: datamodel-code-generator again


@pytest.mark.slow
def test_cold_warm_and_edited_runs_of_openais_spec_write_the_same_bytes(tmp_path: Path) -> None:
    runs = _Runs(tmp_path, load_spec(OPENAI_SPEC).document)
    cold = runs.run("cold", cached=True)  # the cache is empty: this run makes everything
    assert runs.run("warm", cached=True) == cold
    runs.edit(_described)
    runs.edit(_with_a_property)
    edited = runs.run("edited", cached=True)
    assert edited == runs.run("edited-cold", cached=False)
    assert edited != cold


def test_a_run_gives_the_cycle_collector_back_as_it_found_it(tmp_path: Path) -> None:
    """The spec and the IR are frozen out of the collector's reach during a run (pipeline's
    `collector.collector_spared`), and given back at its end, whether it succeeds or fails."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"
        "components: {schemas: {A: {$ref: '#/nowhere'}}}\n"
    )
    for spec in (SPEC, bad):
        with pytest.raises(SpecError) if spec is bad else nullcontext():
            generate(Target(spec=spec, out=tmp_path / "out", package="api"))
        assert gc.isenabled()
        assert gc.get_freeze_count() == 0


def test_a_cache_inside_the_package_folder_is_refused(tmp_path: Path) -> None:
    config = Target(spec=SPEC, out=tmp_path, package="gateway")
    with pytest.raises(UsageError, match=r"cache folder .* is inside the package folder"):
        generate(config, cache=Cache(tmp_path / "gateway" / ".cache"))
