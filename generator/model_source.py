"""Stage 3a, models, after datamodel-code-generator: its module finished on the runtime's terms.

- Every model stands on one of two bases declared here: `WireModel` for objects, `WireRoot`
  for the rest, configured by the runtime (`_wire.WIRE_CONFIG`: strict, no NaN or infinities).
  They are declared in models.py, not imported, so that linters see pydantic's classes under
  every model (ruff's RUF012 knows a pydantic field's `= []` is no shared default).
- `Any` (what a schema leaves free) is `JsonAny`: any JSON value, with finite numbers only.
- A field marked not-null (models.py) gets `NOT_NULL`, and loses the mark.
- A string default of a format's field is written as the format's value (`DateText("2024-01-01")`),
  so that the default is what a validated value would be, to pydantic and to mypy.
- The constants the rewritten schemas refer to (`_ENUM_1 = JsonEnum(1.4, 1.5)`) are defined
  after the imports.

Edits are made by position on the parsed module, so no docstring or string is ever touched.
"""

from __future__ import annotations

import ast
import contextlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from generator.runtime import FORMAT_CLASSES

NOT_NULL_KEY = "x-specsmith-not-null"
"""The mark of a property that may be left out but not be `null` (a `json_schema_extra` key)."""

RUNTIME_NAMES = frozenset(
    {"WireModel", "WireRoot", "RootT", "NOT_NULL", "JsonAny", "JsonEnum", "EcmaPattern"}
    | {"PrefixItems", "FileBytes", "WIRE_CONFIG"}
    | set(FORMAT_CLASSES.values())
)
"""The runtime's names the models may use."""

_RUNTIME_IMPORTS = (
    "from ._wire import NOT_NULL, WIRE_CONFIG, EcmaPattern, FileBytes, JsonAny, JsonEnum, PrefixItems",
    "from pydantic import BaseModel, Field, RootModel",
    "from typing import Any, Generic, Literal, TypeVar",
    f"from ._formats import {', '.join(sorted(set(FORMAT_CLASSES.values())))}",
)


@dataclass(frozen=True, order=True)
class _Edit:
    start: int  # offsets in the source's characters
    end: int
    text: str


def finish_source(source: str, constants: Mapping[str, str]) -> str:
    """datamodel-code-generator's `source` finished (see the module's docstring); `constants`
    maps each expression to its name. Imports the runtime's names; unused imports are for the
    caller to drop."""
    return with_constants_and_imports(finish_body(source), constants)[0]


def finish_body(source: str) -> str:
    """`finish_source` without the module's prologue (the runtime's imports, the constants, the
    bases): what each piece of a module made in pieces gets on its own."""
    source = re.sub(r"^(class \w+)\(BaseModel\):", r"\1(WireModel):", source, flags=re.MULTILINE)
    source = re.sub(r"^(class \w+)\(RootModel\[", r"\1(WireRoot[", source, flags=re.MULTILINE)
    # Two parses of the module, not three: `_json_any` and `_format_defaults` edit disjoint
    # places (annotations and bases; default values), while `_not_null` may write a whole
    # annotation anew from its text, so it reads the text `_json_any` made.
    source = _edited(source, _json_any, _format_defaults)
    if NOT_NULL_KEY in source:
        source = _edited(source, _not_null)
    return source


def _edited(source: str, *edit_makers: _EditMaker) -> str:
    """`source` with the edits of every maker, which must not overlap, made at once."""
    tree = ast.parse(source)
    offsets = _Offsets(source)
    edits = sorted(
        (edit for edits_of in edit_makers for edit in edits_of(tree, offsets, source)),
        reverse=True,
    )
    pieces: list[str] = []
    end = len(source)
    for edit in edits:  # from the end, so that each offset still points where it did
        pieces += [source[edit.end : end], edit.text]
        end = edit.start
    pieces.append(source[:end])
    return "".join(reversed(pieces))


class _Offsets:
    """Character offsets of the (line, UTF-8 column) positions ast gives."""

    def __init__(self, source: str) -> None:
        self.lines = source.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def at(self, line: int, column: int) -> int:
        text = self.lines[line - 1]
        return self.starts[line - 1] + len(text.encode()[:column].decode(errors="ignore"))

    def span(self, node: ast.AST) -> tuple[int, int]:
        start = self.at(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self.at(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return start, end


_EditMaker = Callable[[ast.Module, _Offsets, str], Iterator[_Edit]]


def _fields(tree: ast.Module) -> Iterator[ast.AnnAssign]:
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                if isinstance(statement, ast.AnnAssign):
                    yield statement


def _json_any(tree: ast.Module, offsets: _Offsets, source: str) -> Iterator[_Edit]:
    """`Any` in annotations and in the type of a root model's base, as `JsonAny`."""
    places: list[ast.AST] = [field.annotation for field in _fields(tree)]
    places += [base for node in tree.body if isinstance(node, ast.ClassDef) for base in node.bases]
    for place in places:
        for node in ast.walk(place):
            if isinstance(node, ast.Name) and node.id == "Any":
                yield _Edit(*offsets.span(node), "JsonAny")


def _not_null(tree: ast.Module, offsets: _Offsets, source: str) -> Iterator[_Edit]:
    """`Field(json_schema_extra={NOT_NULL_KEY: True})` as `NOT_NULL` where the field's type
    admits None (that is, where a default of None stands for "absent"); dropped elsewhere."""
    for field in _fields(tree):
        annotation = field.annotation
        if not (isinstance(annotation, ast.Subscript) and _is_named(annotation.value, "Annotated")):
            continue
        elements = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else []
        for call in elements[1:]:
            marked = _marked_keyword(call)
            if marked is None:
                continue
            assert isinstance(call, ast.Call)
            admits_none = _admits_none(elements[0])
            others = [keyword for keyword in call.keywords if keyword is not marked]
            if others or call.args:
                index = call.keywords.index(marked)
                if index > 0:  # from the end of the keyword before it
                    start = offsets.span(call.keywords[index - 1])[1]
                    end = offsets.span(marked)[1]
                else:  # up to the keyword after it
                    start = offsets.span(marked)[0]
                    end = offsets.span(call.keywords[1])[0]
                yield _Edit(start, end, "")
                if admits_none:
                    at = offsets.span(call)[1]
                    yield _Edit(at, at, ", NOT_NULL")
            elif admits_none:
                yield _Edit(*offsets.span(call), "NOT_NULL")
            elif len(elements) == 2:  # `Annotated[T, Field(mark)]` is T
                start, end = offsets.span(elements[0])
                yield _Edit(*offsets.span(annotation), source[start:end])
            else:
                start = offsets.span(elements[elements.index(call) - 1])[1]
                yield _Edit(start, offsets.span(call)[1], "")


def _marked_keyword(node: ast.expr) -> ast.keyword | None:
    if not (isinstance(node, ast.Call) and _is_named(node.func, "Field")):
        return None
    for keyword in node.keywords:
        if keyword.arg == "json_schema_extra" and isinstance(keyword.value, ast.Dict):
            keys = [key.value for key in keyword.value.keys if isinstance(key, ast.Constant)]
            if keys == [NOT_NULL_KEY]:
                return keyword
    return None


def _admits_none(annotation: ast.expr) -> bool:
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return _admits_none(annotation.left) or _admits_none(annotation.right)
    return isinstance(annotation, ast.Constant) and annotation.value is None


def _format_defaults(tree: ast.Module, offsets: _Offsets, source: str) -> Iterator[_Edit]:
    """A string default of a field typed by one format class, as a value of that class."""
    classes = set(FORMAT_CLASSES.values())
    for field in _fields(tree):
        value = field.value
        if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
            continue
        named = {
            node.id
            for node in ast.walk(field.annotation)
            if isinstance(node, ast.Name) and node.id in classes
        }
        if len(named) == 1:
            start, end = offsets.span(value)
            yield _Edit(start, end, f"{named.pop()}({source[start:end]})")


def _is_named(node: ast.expr, name: str) -> bool:
    return (isinstance(node, ast.Name) and node.id == name) or (
        isinstance(node, ast.Attribute) and node.attr == name
    )


def with_constants_and_imports(source: str, constants: Mapping[str, str]) -> tuple[str, str]:
    """The runtime's imports after the module's, and the constants and the bases after all
    imports; and the prologue added after the imports (for the names it uses)."""
    tree = head_tree(source)
    imports_end = 0
    for node in tree.body:
        if not isinstance(node, ast.Import | ast.ImportFrom):
            break
        imports_end = node.end_lineno or node.lineno
    lines = source.splitlines(keepends=True)
    block = "".join(line + "\n" for line in _RUNTIME_IMPORTS)
    if constants:
        block += "\n" + "".join(
            f"{name} = {expression}\n" for expression, name in constants.items()
        )
    bases = _OBJECT_BASE + (_ROOT_BASE if "(WireRoot[" in source else "")
    prologue = block + bases + "\n"
    return "".join(lines[:imports_end]) + prologue + "".join(lines[imports_end:]), prologue


def head_tree(source: str) -> ast.Module:
    """The module up to its first class, parsed: datamodel-code-generator's imports are there (the
    whole module where that part does not parse on its own)."""
    first_class = re.search(r"^class ", source, flags=re.MULTILINE)
    if first_class:
        with contextlib.suppress(SyntaxError):
            return ast.parse(source[: first_class.start()])
    return ast.parse(source)


_OBJECT_BASE = '''

class WireModel(BaseModel):
    """The base of every object model here: strict, finite (see `_wire.py`), with `to_dict()`
    and `to_json()`, the faithful dump (wire names, fields that were never set left out,
    explicit nulls kept), as the openai SDK's models have them. A spec property called
    `to_dict` or `to_json` becomes `to_dict_` or `to_json_` (its wire name kept as alias)."""

    model_config = WIRE_CONFIG
    __pydantic_extra__: dict[str, JsonAny] = Field(init=False)

    def to_dict(
        self,
        *,
        mode: Literal["json", "python"] = "python",
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_none: bool = False,
    ) -> dict[str, Any]:
        """The model as a dict, as the wire has it (`mode="json"`: JSON values only)."""
        return self.model_dump(
            mode=mode,
            by_alias=use_api_names,
            exclude_unset=exclude_unset,
            exclude_none=exclude_none,
        )

    def to_json(
        self,
        *,
        indent: int | None = 2,
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_none: bool = False,
    ) -> str:
        """The model as JSON text, as the wire has it."""
        return self.model_dump_json(
            indent=indent,
            by_alias=use_api_names,
            exclude_unset=exclude_unset,
            exclude_none=exclude_none,
        )
'''
_ROOT_BASE = '''

RootT = TypeVar("RootT")


class WireRoot(RootModel[RootT], Generic[RootT]):
    """The base of every model here of a schema that is not an object, configured alike."""

    model_config = WIRE_CONFIG
'''
