"""Resource modules kept finished between runs (kept_modules.py): made again only when their
resource changed, byte for byte what a cold run makes, and never for templates of the user's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator import pipeline
from generator.cache import Cache
from generator.config import Target
from generator.kept_modules import KeptModules
from generator.pipeline import generate
from generator.render import environment
from tests.test_pipeline import _Runs

_THREE_RESOURCES: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Shop", "version": "1"},
    "paths": {
        f"/{name}": {
            "get": {
                "operationId": f"list_{name}",
                "description": f"All the {name}.",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Item"},
                                }
                            }
                        },
                    }
                },
            }
        }
        for name in ("pets", "stores", "owners")
    },
    "components": {
        "schemas": {"Item": {"type": "object", "properties": {"name": {"type": "string"}}}}
    },
}


def _resource_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The resources whose module `generate` renders from here on, by module name."""
    rendered: list[str] = []
    render_module = pipeline.render_module

    def spied(env: Any, template: str, context: dict[str, Any], cache: Any = None) -> str:
        if template == pipeline.RESOURCE_TEMPLATE:
            rendered.append(context["resource"].module)
        return render_module(env, template, context, cache)

    monkeypatch.setattr(pipeline, "render_module", spied)
    return rendered


def test_after_an_edit_only_the_resource_modules_it_touched_are_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = _Runs(tmp_path, json.loads(json.dumps(_THREE_RESOURCES)))
    first = runs.run("first", cached=True)
    rendered = _resource_renders(monkeypatch)
    assert runs.run("warm", cached=True) == first and rendered == []
    runs.edit(lambda document: document["paths"]["/stores"]["get"].update(description="Edited."))
    edited = runs.run("edited", cached=True)
    assert rendered == ["stores"]  # pets and owners were kept finished
    assert b"Edited." in edited["resources/stores.py"]
    rendered.clear()
    assert edited == runs.run("edited-cold", cached=False)
    assert sorted(rendered) == ["owners", "pets", "stores"]


def test_templates_of_the_users_see_the_whole_api_and_nothing_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = tmp_path / "templates" / "client" / "resources"
    templates.mkdir(parents=True)
    builtin = environment().loader.get_source(environment(), pipeline.RESOURCE_TEMPLATE)[0]  # type: ignore[union-attr]
    (templates / "resource.py.jinja").write_text(
        builtin.replace('"""', '"""From {{ api.title | docstring }}: ', 1)
    )
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(_THREE_RESOURCES))
    rendered = _resource_renders(monkeypatch)
    for name in ("first", "again"):
        config = Target(spec=spec, out=tmp_path / name, package="api")
        with Cache(tmp_path / "cache") as cache:
            generate(config, (tmp_path / "templates",), cache=cache)
        module = (tmp_path / name / "api" / "resources" / "pets.py").read_text()
        assert "From Shop: " in module
    assert sorted(rendered) == sorted(["owners", "pets", "stores"] * 2)


def test_a_piece_that_cannot_be_pickled_is_made_every_time(tmp_path: Path) -> None:
    with Cache(tmp_path / "cache") as cache:
        kept = KeptModules(cache, "namespace", "# header\n")
        assert kept.found({"a.py": lambda: None, "b.py": ("b",)}) == {}
        kept.keep({"a.py": "# header\nA = 1\n", "b.py": "# header\nB = 1\n"})
    with Cache(tmp_path / "cache") as cache:
        kept = KeptModules(cache, "namespace", "# another header\n")
        assert kept.found({"a.py": lambda: None, "b.py": ("b",)}) == {
            "b.py": "# another header\nB = 1\n"  # under this run's header
        }


def test_nothing_is_kept_without_a_cache() -> None:
    kept = KeptModules(Cache.off(), "namespace", "# header\n")
    kept.keep({"b.py": "# header\nB = 1\n"})
    assert kept.found({"b.py": ("b",)}) == {}
