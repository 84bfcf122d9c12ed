"""The runtime's sources (generator/runtime/__init__.py): each part's modules are closed under
their imports, kept black-formatted as the generator formats, and copied into a package as they
are."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import black
import pytest

from generator.config import DEFAULT_PARTS
from generator.format import black_mode
from generator.runtime import MODULES, THIRD_PARTY, source
from tests.conftest import GENERATED, PACKAGE

RUNTIME = Path(__file__).resolve().parents[2] / "generator" / "runtime"
EVERY_MODULE = [(part, name) for part, names in MODULES.items() for name in names]


def imports_of(name: str) -> list[tuple[int, str]]:
    """(level, module) of every import in a runtime module: level 0 is absolute, and a relative
    `from . import x` is (1, "x")."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source(name))):
        if isinstance(node, ast.Import):
            found.extend((0, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.append((0, node.module or ""))
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module] if node.module else [alias.name for alias in node.names]
            found.extend((node.level, module) for module in modules)
    return found


def test_every_runtime_module_belongs_to_one_part() -> None:
    on_disk = sorted(path.name for path in RUNTIME.glob("*.py") if path.name != "__init__.py")
    listed = [name for _, name in EVERY_MODULE]
    assert sorted(listed) == on_disk
    assert len(set(listed)) == len(listed)


@pytest.mark.parametrize(("part", "name"), EVERY_MODULE)
def test_a_part_imports_only_itself_the_standard_library_and_its_dependencies(
    part: str, name: str
) -> None:
    siblings = {module.removesuffix(".py") for module in MODULES[part]}
    for level, module in imports_of(name):
        if level:
            # Relative imports stay inside the part: never models, client, server or errors,
            # which are the spec's, nor another part's runtime.
            assert level == 1 and module in siblings, f"{name} imports {'.' * level}{module}"
        else:
            top = module.partition(".")[0]
            allowed = top in sys.stdlib_module_names or top in THIRD_PARTY[part]
            assert allowed and top != "generator", f"{name} imports {module}"


def test_the_import_check_sees_every_kind_of_import() -> None:
    assert (0, "httpx") in imports_of("_base_client.py")
    assert (1, "_streaming") in imports_of("_base_client.py")
    assert (1, "_server_http") in imports_of("_server_runtime.py")  # imported inside main()
    assert (0, "uvicorn") in imports_of("_server_http.py")


@pytest.mark.parametrize("name", [name for _, name in EVERY_MODULE])
def test_sources_are_black_formatted_as_the_generator_formats(name: str) -> None:
    text = source(name)
    assert black.format_str(text, mode=black_mode()) == text


# generated/ holds the default parts; the `tests` part's copy is checked where a package is
# generated with it (tests/test_contract_tests.py).
@pytest.mark.parametrize(
    ("part", "name"), [(part, name) for part, name in EVERY_MODULE if part in DEFAULT_PARTS]
)
def test_a_package_holds_the_source_under_its_header(part: str, name: str) -> None:
    package = GENERATED / PACKAGE
    header = "".join((package / "models.py").read_text().splitlines(keepends=True)[:3])
    assert (package / name).read_text() == header + source(name)
