"""ARCHITECTURE.md is true: the modules it names exist, each imports only what its row allows,
and each has tests of its own."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import ROOT

GENERATOR = ROOT / "generator"
PAGE = (ROOT / "ARCHITECTURE.md").read_text()


def table(heading: str) -> list[list[str]]:
    """The rows of the first table under `## heading`, as cells."""
    section = PAGE.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]


def names(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def module_name(path: Path) -> str:
    parts = path.relative_to(GENERATOR).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in GENERATOR.rglob("*.py") if module_name(path)}


def package_of(name: str) -> str:
    return name.split(".")[0]


def generator_imports(name: str, path: Path) -> set[str]:
    """The `generator` modules (and `__version__`) that `path` imports, relative ones resolved."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)]
            stem = ".".join([*base, node.module] if node.module else base)
            found |= (
                {f"{stem}.{a.name}".strip(".") for a in node.names} if not node.module else {stem}
            )
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator"):
            stem = node.module.removeprefix("generator").strip(".") if node.module else ""
            found |= {a.name for a in node.names} if not stem else {stem}
        elif isinstance(node, ast.Import):
            found |= {
                a.name.removeprefix("generator.")
                for a in node.names
                if a.name.startswith("generator.")
            }
    return {module for module in found if module} - {name}


def allowed_for(name: str) -> set[str] | None:
    for row in table("What may import what"):
        for pattern in names(row[0]):
            if pattern == name or (pattern.endswith(".*") and package_of(name) == pattern[:-2]):
                return set() if row[1] == "nothing" else set(names(row[1]))
    return None


def permitted(module: str, allowed: set[str]) -> bool:
    return module in allowed or f"{package_of(module)}.*" in allowed


def test_every_module_named_exists_and_every_module_is_named() -> None:
    named = {name for row in table("Modules") for name in names(row[0])}
    present = modules()
    assert named - set(present) == set(), "ARCHITECTURE.md names modules that do not exist"
    top_level = {package_of(name) for name in present} - {"__main__"}
    assert top_level - {package_of(name) for name in named} == set(), (
        "modules missing from the page"
    )


def test_each_module_imports_only_what_its_row_allows() -> None:
    wrong = []
    for name, path in sorted(modules().items()):
        allowed = allowed_for(name)
        assert allowed is not None, f"{name} has no row in 'What may import what'"
        for module in sorted(generator_imports(name, path)):
            own_package = package_of(module) == package_of(name) and "." in name + module
            if not own_package and not permitted(module, allowed):
                wrong.append(f"{name} imports {module}")
    assert wrong == []


def test_every_module_has_a_test_file_of_its_own() -> None:
    untested = [
        name
        for name in {package_of(n) for n in modules()} - {"__main__"}
        if not (ROOT / "tests" / f"test_{name}.py").exists()
        and not (ROOT / "tests" / name).is_dir()
    ]
    assert sorted(untested) == []


def test_the_wheel_carries_every_package_of_the_generator() -> None:
    """pyproject.toml lists the packages a wheel (pre-commit's install, say) holds."""
    import tomllib

    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    packages = {
        "generator" + "".join("." + part for part in path.parent.relative_to(GENERATOR).parts)
        for path in GENERATOR.rglob("__init__.py")
    }
    assert packages - listed == set()
