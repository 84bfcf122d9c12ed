"""datamodel-code-generator's module finished on the runtime's terms, edit by edit."""

from __future__ import annotations

from generator.model_source import NOT_NULL_KEY, finish_source

HEAD = "from __future__ import annotations\n\nfrom typing import Annotated, Any\n\n"


def finished(body: str, constants: dict[str, str] | None = None) -> str:
    return finish_source(HEAD + body, constants or {})


def test_models_stand_on_the_runtime_bases() -> None:
    source = finished(
        "class A(BaseModel):\n    x: int\n\n\nclass B(RootModel[list[A]]):\n    root: list[A]\n"
    )
    assert "class A(WireModel):" in source
    assert "class B(WireRoot[list[A]]):" in source
    assert "class WireModel(BaseModel):" in source  # declared here, so linters see pydantic
    assert "class WireRoot(RootModel[RootT], Generic[RootT]):" in source
    assert "model_config = WIRE_CONFIG" in source


def test_any_is_json_any_in_types_and_nowhere_else() -> None:
    source = finished(
        'class A(BaseModel):\n    """Any text."""\n\n    x: dict[str, Any]\n    y: Literal["Any"]\n'
    )
    assert "x: dict[str, JsonAny]" in source
    assert '"""Any text."""' in source and 'Literal["Any"]' in source


def test_the_not_null_mark_becomes_the_runtime_rule_where_none_means_absent() -> None:
    mark = f"json_schema_extra={{{NOT_NULL_KEY!r}: True}}"
    source = finished(
        "class A(BaseModel):\n"
        f"    a: Annotated[str | None, Field({mark})] = None\n"
        f"    b: Annotated[str | None, Field(alias='b-b', {mark})] = None\n"
        f"    c: Annotated[str | None, Field({mark}, min_length=2)] = None\n"
        f"    d: Annotated[bool, Field({mark})] = True\n"
        f"    e: Annotated[bool, Field(alias='e-e', {mark})] = True\n"
    )
    assert "a: Annotated[str | None, NOT_NULL] = None" in source
    assert "b: Annotated[str | None, Field(alias='b-b'), NOT_NULL] = None" in source
    assert "c: Annotated[str | None, Field(min_length=2), NOT_NULL] = None" in source
    assert "d: bool = True" in source
    assert "e: Annotated[bool, Field(alias='e-e')] = True" in source
    assert NOT_NULL_KEY not in source


def test_a_format_default_is_a_value_of_the_format() -> None:
    source = finished(
        "class A(BaseModel):\n    day: DateText = '2024-01-01'\n    name: str = 'x'\n"
    )
    assert "day: DateText = DateText('2024-01-01')" in source
    assert "name: str = 'x'" in source


def test_constants_come_after_the_imports() -> None:
    source = finished(
        "class A(BaseModel):\n    x: Annotated[float, _ENUM_1]\n", {"JsonEnum(1.5, 2.5)": "_ENUM_1"}
    )
    imports_end = source.index("from ._formats import")
    assert imports_end < source.index("_ENUM_1 = JsonEnum(1.5, 2.5)") < source.index("class A")
