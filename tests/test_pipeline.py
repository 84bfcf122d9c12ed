"""The pipeline called from Python, as scripts and other tools call it."""

from __future__ import annotations

from pathlib import Path

from generator.config import Target
from generator.manifest import MANIFEST
from generator.pipeline import generate, part_modules
from generator.render import environment
from tests.conftest import SPEC, check_static, generate_package


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
