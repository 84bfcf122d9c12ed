"""The base of every generated model, and the rules of JSON Schema that pydantic lacks.

A model accepts what its schema allows and nothing else, and gives back what it got:

- the models' bases (models.py declares them, so that linters see pydantic's classes under
  them) take `WIRE_CONFIG`: they validate strictly (no `"1"` for an integer, no `1` for
  `true`) and refuse what JSON cannot carry (NaN, Infinity, and `1e400`, which parses to
  infinity), in declared fields and, through `JsonAny`, in the unknown ones they keep alike;
- `NOT_NULL` refuses an explicit `null` for an optional property whose schema does not allow
  it (absent stays absent);
- `JsonEnum` checks an `enum` or `const` of numbers or booleans by JSON's equality, where
  `Literal[1]` would take `true` and turn `1.0` into `1`;
- `EcmaPattern` checks a `pattern` that pydantic's own engine cannot compile (look-around,
  back-references) with the `regex` package, which the package then depends on;
- `PrefixItems` validates `prefixItems` arrays position by position.

Server code that reads strings (forms, parameters) validates with `strict=False`, which
pydantic lets a call say over the models' configuration.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Any, get_args, get_origin

from pydantic import AfterValidator, ConfigDict, GetCoreSchemaHandler, Strict
from pydantic_core import PydanticCustomError, core_schema
from typing_extensions import Unpack

if TYPE_CHECKING:
    import regex

__all__ = [
    "NOT_NULL",
    "WIRE_CONFIG",
    "EcmaPattern",
    "FileBytes",
    "JsonAny",
    "JsonEnum",
    "PrefixItems",
]


def _finite(value: Any) -> Any:
    """`value` when no number in it is NaN or infinite (JSON has neither)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise PydanticCustomError("finite_number", "Input should be a finite number")
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return value


JsonAny = Annotated[Any, AfterValidator(_finite)]
"""Any JSON value (what a schema leaves free), with only finite numbers."""

FileBytes = Annotated[bytes, Strict(False)]
"""A file's content (`format: binary`): bytes, from a form's file part or from text."""

WIRE_CONFIG = ConfigDict(strict=True, allow_inf_nan=False, protected_namespaces=())
"""The configuration of every model: strict, finite, and free to name a field `model_dump_`
(pydantic's protected namespaces would warn about it on every import)."""


class _NotNull:
    """Refuses `null` before the field's own type sees it."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(_refuse_null, handler(source))

    def __repr__(self) -> str:
        return "NOT_NULL"


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError(
            "null_not_allowed",
            "Input should not be null: the schema does not allow it (leave the field out)",
        )
    return value


NOT_NULL = _NotNull()
"""On an optional property that is not nullable: `None` stands for "absent" in Python, but an
explicit `null` is refused."""


def _json_equal(left: Any, right: Any) -> bool:
    """JSON's equality: `1 == 1.0`, but `true` is no number."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(map(_json_equal, left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_json_equal(left[k], right[k]) for k in left)
    return type(left) is type(right) and left == right


class JsonEnum:
    """The values an `enum` (or `const`) allows, compared as JSON compares them; the input is
    kept as it came (`1.0` stays `1.0` where the enum says `1`)."""

    __slots__ = ("values",)

    def __init__(self, *values: Any) -> None:
        self.values = values

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            self._check, json_schema_input_schema=core_schema.any_schema()
        )

    def _check(self, value: Any) -> Any:
        if any(_json_equal(value, allowed) for allowed in self.values):
            return value
        raise PydanticCustomError(
            "enum",
            "Input should be one of {expected}",
            {"expected": ", ".join(map(repr, self.values))},
        )

    def __repr__(self) -> str:
        return f"JsonEnum{self.values!r}"


class EcmaPattern:
    """A `pattern` checked with the `regex` package (search semantics, as JSON Schema reads
    `pattern`); the generator translated it from ECMA-262 into that package's syntax."""

    __slots__ = ("_compiled", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._compiled: regex.Pattern[str] | None = None

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def _check(self, value: Any) -> Any:
        if self._compiled is None:
            import regex  # a dependency of the package only when one of its patterns needs it

            self._compiled = regex.compile(self.pattern)
        if isinstance(value, str) and self._compiled.search(value) is None:
            raise PydanticCustomError(
                "string_pattern_mismatch",
                "String should match pattern '{pattern}'",
                {"pattern": self.pattern},
            )
        return value

    def __repr__(self) -> str:
        return f"EcmaPattern({self.pattern!r})"


def _no_array_fits(value: Any) -> Any:
    raise PydanticCustomError("too_long", "No array fits the schema's length bounds")


class PrefixItems:
    """`prefixItems` on a tuple type: `tuple[A, B]` types the leading positions, and a last
    `Unpack[tuple[C, ...]]` any further item (without it the tuple is closed, as `items: false`
    says), between `min_items` and `max_items` long. An array shorter than the prefix is allowed
    down to `min_items`, as JSON Schema says (its static type is the whole tuple's)."""

    __slots__ = ("closed", "max_items", "min_items")

    def __init__(self, *, closed: bool, min_items: int = 0, max_items: int | None = None) -> None:
        self.closed = closed
        self.min_items = min_items
        self.max_items = max_items

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        positions = list(get_args(source))
        rest = None
        if positions and get_origin(positions[-1]) is Unpack:
            rest = get_args(get_args(positions.pop())[0])[0]
        items = [handler.generate_schema(position) for position in positions]
        longest = len(items) if self.max_items is None else min(len(items), self.max_items)
        choices: list[core_schema.CoreSchema] = [
            core_schema.tuple_schema(items[:length], strict=False)
            for length in range(longest, self.min_items - 1, -1)
            if length < len(items) or rest is None
        ]
        if rest is not None and (self.max_items is None or self.max_items > len(items)):
            choices.insert(
                0,
                core_schema.tuple_schema(
                    [*items, handler.generate_schema(rest)],
                    variadic_item_index=len(items),
                    min_length=max(self.min_items, len(items)),
                    max_length=self.max_items,
                    strict=False,
                ),
            )
        if not choices:  # the bounds leave no length: no array fits
            return core_schema.no_info_plain_validator_function(_no_array_fits)
        if len(choices) == 1:
            return choices[0]
        return core_schema.union_schema(list[Any](choices))

    def __repr__(self) -> str:
        return f"PrefixItems(closed={self.closed!r})"
