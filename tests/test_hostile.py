"""Spec text is data, never code: a spec full of quotes, backslashes, control characters, Jinja
syntax, keywords and pydantic's own names generates a package that compiles, imports without side
effects, shows every string exactly as written, and round-trips the odd names."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.load import load_spec
from generator.render import docstring, python_literal
from tests.conftest import ROOT, SPECS, check_static

HOSTILE = SPECS / "hostile" / "hostile.yaml"
SPEC = load_spec(HOSTILE).document


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            str(HOSTILE),
            "--out",
            str(out),
            "--package",
            "hostile",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return out


def run_python(package: Path, code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        cwd=package,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_imports_with_no_side_effect_and_no_warning(package: Path) -> None:
    run_python(package, "import hostile, hostile.models, hostile.client, hostile.server")
    assert not (package / "CANARY").exists()
    assert not list(package.rglob("CANARY"))


def test_strings_arrive_exactly_as_written(package: Path) -> None:
    code = """
import json, typing, hostile, hostile.client as c, hostile.models as m
kind = m.OptionalModel.model_fields["kind"].annotation
literal = [a for a in typing.get_args(kind) if typing.get_origin(a) is typing.Literal][0]
print(json.dumps({"doc": hostile.__doc__, "kinds": list(typing.get_args(literal)), "version": hostile.SPEC_VERSION}))
"""
    shown = json.loads(run_python(package, code))
    assert SPEC["info"]["title"] in shown["doc"]  # {{ 7*7 }} stays {{ 7*7 }}: nothing was rendered
    assert "{{ 7*7 }}" in shown["doc"] and "49" not in shown["doc"]
    assert shown["version"] == SPEC["info"]["version"]
    assert (
        shown["kinds"]
        == SPEC["components"]["schemas"]["Optional"]["properties"]["kind"]["anyOf"][0]["enum"]
    )


def test_odd_property_names_round_trip(package: Path) -> None:
    example = SPEC["paths"]["/items/{item-id}/o'quote\"s/{class}"]["post"]["requestBody"][
        "content"
    ]["application/json"]["examples"]
    value = next(iter(example.values()))["value"]
    code = f"""
import json, hostile.models as m
value = json.loads({json.dumps(json.dumps(value))})
dumped = m.BaseModelModel.model_validate(value).model_dump(mode="json", by_alias=True, exclude_unset=True)
print(json.dumps(dumped))
"""
    assert json.loads(run_python(package, code)) == value


def test_every_file_compiles_and_passes_ruff(package: Path) -> None:
    for path in (package / "hostile").glob("*.py"):
        compile(path.read_text(), str(path), "exec")
    check_static(package / "hostile", mypy=False)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_python_literals_evaluate_to_the_value(value: object) -> None:
    assert eval(python_literal(value), {"__builtins__": {}, "float": float}) == value


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_docstrings_show_the_text_and_nothing_else(text: str) -> None:
    source = f'def f():\n    """{docstring(text)}"""\n'
    namespace: dict[str, object] = {}
    exec(compile(source, "<docstring>", "exec"), namespace)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip(" \t\n").split("\n")
    assert namespace["f"].__doc__ == "\n".join(line.rstrip(" \t") for line in lines)
