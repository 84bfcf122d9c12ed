"""The render stage on its own: spec text reaches source only through escaping filters, types
only through `annotation`, and a wrong template is reported at its file and line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jinja2
import pytest

from generator.config import Target
from generator.errors import UsageError
from generator.ir import (
    ANY,
    ANY_MAPPING,
    INT,
    NONE,
    STR,
    DictOf,
    Generic,
    ListOf,
    LiteralOf,
    ModelRef,
    SpecText,
    union,
)
from generator.pipeline import generate
from generator.render import (
    RenderError,
    StoredBytecode,
    annotation,
    environment,
    overriding_nothing,
    python_literal,
    render,
)
from tests.conftest import ROOT, check_static


@pytest.mark.parametrize(
    ("value", "source"),
    [
        (union(ListOf(ModelRef("Item")), NONE), "list[models.Item] | None"),
        (DictOf(INT), "dict[str, int]"),
        (union(ModelRef("Upload"), ANY_MAPPING), "models.Upload | Mapping[str, Any]"),
        (Generic("Multipart", (ModelRef("Form"),)), "Multipart[models.Form]"),
        (union(STR, ANY), "Any"),
        (LiteralOf(("asc", 1)), "Literal['asc', 1]"),
    ],
)
def test_types_render_as_python_source(value: object, source: str) -> None:
    assert annotation(value) == source  # type: ignore[arg-type]


def test_literal_values_are_escaped_like_every_spec_string() -> None:
    rendered = annotation(LiteralOf(("a\u2019b", "it's", 'say "hi"\n')))
    assert rendered == "Literal['a\\u2019b', \"it's\", 'say \"hi\"\\n']"
    assert eval(rendered.removeprefix("Literal")) == ["a\u2019b", "it's", 'say "hi"\n']


def inline(source: str) -> jinja2.Environment:
    env = environment()
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({"t.jinja": source}), env.loader])  # type: ignore[list-item]
    return env


def test_spec_text_and_types_need_their_filters() -> None:
    with pytest.raises(RenderError, match="without an escaping filter"):
        render(inline("{{ text }}"), "t.jinja", text=SpecText("x"))
    with pytest.raises(RenderError, match="without the `annotation` filter"):
        render(inline("{{ kind }}"), "t.jinja", kind=STR)
    assert (
        render(
            inline("{{ text | py }} {{ kind | annotation }}"),
            "t.jinja",
            text=SpecText("x"),
            kind=STR,
        )
        == "'x' str"
    )


def test_a_template_error_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "client").mkdir()
    (tmp_path / "client" / "client.py.jinja").write_text("ok\n{{ api.no_such_field | py }}\n")
    env = environment([tmp_path])
    with pytest.raises(RenderError) as raised:
        render(env, "client/client.py.jinja", api=object())
    assert str(raised.value).startswith(f"{tmp_path / 'client' / 'client.py.jinja'}:2: ")
    assert "no_such_field" in str(raised.value)
    (tmp_path / "client" / "client.py.jinja").write_text("{% if x %}\n")
    with pytest.raises(RenderError, match=r"client\.py\.jinja:1: Unexpected end of template"):
        render(environment([tmp_path]), "client/client.py.jinja")


def test_a_missing_templates_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such templates folder"):
        environment([tmp_path / "nowhere"])


def test_an_override_that_replaces_nothing_is_warned_about(tmp_path: Path) -> None:
    (tmp_path / "client").mkdir()
    (tmp_path / "client" / "clinet.py.jinja").write_text("")
    (tmp_path / "client" / "client.py.jinja").write_text("")
    (warning,) = overriding_nothing([tmp_path])
    assert "clinet.py.jinja: replaces no built-in template" in warning


def test_the_cli_reports_a_broken_override_at_its_line(tmp_path: Path) -> None:
    overrides = tmp_path / "overrides" / "package"
    overrides.mkdir(parents=True)
    (overrides / "__init__.py.jinja").write_text('"""x"""\n{{ api.titel | py }}\n')
    result = subprocess.run(
        [sys.executable, "-m", "generator", "generate", ROOT / "spec" / "openapi.yaml",
         "--out", tmp_path / "out", "--package", "p", "--templates", tmp_path / "overrides"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: template {overrides / '__init__.py.jinja'}:2: ")
    assert "titel" in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_an_enum_value_with_a_look_alike_reaches_no_source_raw(tmp_path: Path) -> None:
    """`a\\u2019b` (a typographic apostrophe between a and b) as an enum parameter's value: a `Literal` in client and
    server, written escaped, so ruff finds no ambiguous character (RUF001)."""
    spec = tmp_path / "quotes.json"
    order = {"name": "order", "in": "query", "schema": {"type": "string", "enum": ["a\u2019b"]}}
    responses = {"200": {"description": "ok", "content": {"application/json": {"schema": {}}}}}
    paths = {"/q": {"get": {"operationId": "quote", "parameters": [order], "responses": responses}}}
    spec.write_text(
        json.dumps({"openapi": "3.1.0", "info": {"title": "q", "version": "1"}, "paths": paths})
    )
    generate(Target(spec=spec, out=tmp_path, package="quotes"))
    for module in ("resources/q.py", "server.py"):
        source = (tmp_path / "quotes" / module).read_text()
        assert "\u2019" not in source and "a\\u2019b" in source
    check_static(tmp_path / "quotes", mypy=False)


def test_python_literal_of_undefined_names_what_is_missing() -> None:
    with pytest.raises(RenderError, match="'nothing' is undefined"):
        render(inline("{{ nothing | py }}"), "t.jinja")
    assert python_literal(["a", 1, None, {"k": 1.5}]) == "['a', 1, None, {'k': 1.5}]"


_A_TEMPLATE = "client/errors.py.jinja"


def _compiled_with(
    beside: Path, store: dict[str, bytes], namespace: str = "n", overrides: tuple[Path, ...] = ()
) -> int:
    """How many templates an environment compiles to load `_A_TEMPLATE` (and what it imports),
    keeping compiled code in `store` and `beside`."""
    bytecode = StoredBytecode(store.get, store.__setitem__, namespace, beside)
    env = environment(overrides, bytecode)
    compiled = 0
    compile_source = env.compile

    def counted(*arguments: Any, **options: Any) -> Any:
        nonlocal compiled
        compiled += 1
        return compile_source(*arguments, **options)

    env.compile = counted  # type: ignore[method-assign, assignment]
    env.get_template(_A_TEMPLATE)
    return compiled


def test_built_in_templates_compiled_once_are_kept_beside_them_for_an_empty_cache(
    tmp_path: Path,
) -> None:
    beside = tmp_path / "__pycache__"
    assert _compiled_with(beside, {}) == 1
    kept = sorted(beside.iterdir())
    assert [path.suffix for path in kept] == [".jbc"]
    assert _compiled_with(beside, {}) == 0  # a new, empty cache: taken from beside the template
    assert _compiled_with(beside, {}, namespace="another generator") == 1  # stale: compiled
    assert sorted(beside.iterdir()) == kept  # and replaced, not added to


def test_compiled_templates_are_kept_in_the_cache_where_beside_cannot_be_written(
    tmp_path: Path,
) -> None:
    (tmp_path / "a file").write_text("")
    beside = tmp_path / "a file" / "__pycache__"
    store: dict[str, bytes] = {}
    assert _compiled_with(beside, store) == 1
    assert len(store) == 1
    assert _compiled_with(beside, store) == 0


def test_an_overriding_template_is_not_kept_beside_the_built_in_ones(tmp_path: Path) -> None:
    overrides = tmp_path / "templates"
    (overrides / "client").mkdir(parents=True)
    (overrides / _A_TEMPLATE).write_text("# an override\n")
    beside = tmp_path / "__pycache__"
    assert _compiled_with(beside, {}, overrides=(overrides,)) == 1
    assert not beside.exists()
