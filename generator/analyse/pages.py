"""Lists and their pages: which results are lists of items, and how a list operation pages.

A result is a list when its JSON schema is an array, or an object with an array of items
(`data`, `items`, `results`, or its only array property). Such an operation pages when the spec
says how unambiguously, by the names OpenAPI documents commonly use:

- `cursor`: an `after` (or `starting_after`) query parameter and a boolean `has_more`; the next
  cursor is the response's `last_id`, else the last item's `id` (OpenAI's lists, Stripe's);
- `token`: a token parameter (`cursor`, `page_token`, a string `page`, ...) and one response
  field that gives the next token (`next_cursor`, `next_page_token`, `next_page`, ...);
- `offset`: an integer `offset` parameter; `page`: an integer `page` parameter;
- `next_link`: a response field holding the next page's URL (`next` as a URI, `next_url`, ...).

Where two styles fit, or a list pages in a way the names do not say, the configuration declares
it (`pagination`: `listThings = "cursor param=after next=last_id"`), or switches it off
(`"none"`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from generator.ir import Operation, Pagination, PaginationStyle, SpecText, TypeRef
from generator.load import JsonValue, Spec
from generator.refs import deref, value_at

from .params import object_properties
from .types import Types

ITEM_PROPERTIES = ("data", "items", "results", "records", "entries")
# Fields only a list's envelope has: an object with one of them and one array is a list of it.
LIST_HINTS = frozenset(
    {"has_more", "total", "total_count", "count", "first_id", "last_id", "next", "cursor"}
    | {"next_cursor", "next_page", "next_page_token", "nextPageToken", "page", "per_page"}
)
CURSOR_PARAMETERS = ("after", "starting_after")
TOKEN_PARAMETERS = (
    "cursor",
    "page_token",
    "pageToken",
    "next_token",
    "continuation_token",
    "page_cursor",
)
NEXT_TOKENS = (
    "next_cursor",
    "nextCursor",
    "next_page_token",
    "nextPageToken",
    "next_token",
    "next_page",
    "continuation_token",
)
NEXT_LINKS = ("next_url", "nextUrl", "next_link", "nextLink", "next_page_url")
PAGE_PARAMETERS = ("page", "page_number")
STYLES: tuple[PaginationStyle, ...] = ("cursor", "token", "offset", "page", "next_link")
DECLARED_KEYS = ("items", "param", "next", "item_field", "has_more")


@dataclass(frozen=True)
class ListShape:
    """Where a list result keeps its items."""

    items: str | None  # the response property holding them; None: the response is an array
    item_schema: JsonValue
    item_pointer: str
    fields: Mapping[str, tuple[JsonValue, str]]  # the response's properties (none for an array)


def list_shape(spec: Spec, op: Operation) -> ListShape | None:
    """Where the operation's result keeps its items; None when it is not a list."""
    media = op.result.media
    if media is None or media.kind != "json" or media.schema_pointer is None:
        return None
    schema, pointer = deref(spec, value_at(spec, media.schema_pointer), media.schema_pointer)
    if not isinstance(schema, dict):
        return None
    if _is(schema, "array"):
        return ListShape(None, schema.get("items"), pointer + "/items", {})
    fields, _ = object_properties(spec, schema, pointer)
    arrays = [
        name for name, (value, at) in fields.items() if _is(_resolved(spec, value, at), "array")
    ]
    chosen = next((name for name in ITEM_PROPERTIES if name in arrays), None)
    if chosen is None and len(arrays) == 1 and LIST_HINTS.intersection(fields):
        chosen = arrays[0]
    if chosen is None:
        return None
    value, at = fields[chosen]
    array, array_at = deref(spec, value, at)
    items = array.get("items") if isinstance(array, dict) else None
    return ListShape(chosen, items, array_at + "/items", fields)


def pagination(
    spec: Spec, types: Types, op: Operation, declared: str | None
) -> tuple[Pagination | None, str | None]:
    """How the operation's list pages (None: it does not), and a warning when the configuration
    declares what the spec cannot back."""
    shape = list_shape(spec, op)
    if declared is not None and declared.split()[0] == "none":
        return None, None
    if shape is None:
        if declared is None:
            return None, None
        return None, f"pagination: {op.operation_id!r} does not answer with a list; not paged"
    if declared is None:
        return _detected(
            spec, op, shape, types.of_named(shape.item_schema, shape.item_pointer)
        ), None
    return _declared(spec, types, op, shape, declared)


# --- detection -----------------------------------------------------------------------------------


def _detected(spec: Spec, op: Operation, shape: ListShape, item_type: TypeRef) -> Pagination | None:
    candidates = [
        candidate
        for style in STYLES
        if (candidate := _style(spec, op, shape, item_type, style, {})) is not None
    ]
    return candidates[0] if len(candidates) == 1 else None


def _declared(
    spec: Spec, types: Types, op: Operation, shape: ListShape, declared: str
) -> tuple[Pagination | None, str | None]:
    style, given = parse_declaration(declared)
    if "items" in given and given["items"] != shape.items:
        shape = _with_items(spec, shape, given["items"])
    item_type = types.of_named(shape.item_schema, shape.item_pointer)
    found = _style(spec, op, shape, item_type, style, given)
    if found is None:
        return None, (
            f"pagination: {op.operation_id!r} = {declared!r}: the spec does not say"
            f" {_needs(style)}; not paged"
        )
    return found, None


def _style(
    spec: Spec,
    op: Operation,
    shape: ListShape,
    item_type: TypeRef,
    style: PaginationStyle,
    given: Mapping[str, str],
) -> Pagination | None:
    query = {str(p.name): p for p in op.parameters if p.location == "query"}
    fields = shape.fields
    has_more = given.get("has_more") or _boolean_field(spec, fields, "has_more")
    base = Pagination(
        style,
        item_type,
        SpecText(shape.items) if shape.items else None,
        None,
        has_more=_text(has_more),
    )
    if style == "cursor":
        param = given.get("param") or next((n for n in CURSOR_PARAMETERS if n in query), None)
        if param is None or (has_more is None and "next" not in given):
            return None
        next_field = given.get("next") or ("last_id" if "last_id" in fields else None)
        item_field = given.get("item_field") or ("id" if _item_has(spec, shape, "id") else None)
        if next_field is None and item_field is None:
            return None
        return replace(
            base, param=SpecText(param), next=_text(next_field), item_field=_text(item_field)
        )
    if style == "token":
        params = [n for n in TOKEN_PARAMETERS if n in query]
        params += [n for n in PAGE_PARAMETERS if n in query and _parameter_is(op, n, "str")]
        nexts = [n for n in NEXT_TOKENS if n in fields and _string_field(spec, fields, n)]
        param = given.get("param") or (params[0] if len(params) == 1 else None)
        next_field = given.get("next") or (nexts[0] if len(nexts) == 1 else None)
        if param is None or next_field is None:
            return None
        return replace(base, param=SpecText(param), next=SpecText(next_field))
    if style in ("offset", "page"):
        names = ("offset",) if style == "offset" else PAGE_PARAMETERS
        param = given.get("param") or next(
            (n for n in names if n in query and _parameter_is(op, n, "int")), None
        )
        if param is None:
            return None
        return replace(base, param=SpecText(param), first=_first_page(op, param))
    links = [n for n in NEXT_LINKS if n in fields and _string_field(spec, fields, n)]
    if "next" in fields and _string_field(spec, fields, "next", uri=True):
        links.append("next")
    next_field = given.get("next") or (links[0] if len(links) == 1 else None)
    cursor_like = any(n in query for n in (*CURSOR_PARAMETERS, *TOKEN_PARAMETERS))
    if next_field is None or (cursor_like and "next" not in given):
        return None
    return replace(base, next=SpecText(next_field))


def parse_declaration(declared: str) -> tuple[PaginationStyle, dict[str, str]]:
    """`"cursor param=after next=last_id"` as its style and its `key=value`s (the
    configuration has checked them)."""
    words = declared.split()
    style = next(known for known in STYLES if known == words[0])
    return style, dict(word.split("=", 1) for word in words[1:])


def _needs(style: str) -> str:
    return {
        "cursor": "a cursor parameter (param=) and the next cursor (next= or item_field=)",
        "token": "a token parameter (param=) and the response field of the next token (next=)",
        "offset": "an offset parameter (param=)",
        "page": "a page parameter (param=)",
        "next_link": "the response field of the next page's URL (next=)",
    }.get(style, "how it pages")


# --- small helpers -------------------------------------------------------------------------------


def _with_items(spec: Spec, shape: ListShape, name: str) -> ListShape:
    value, at = shape.fields.get(name, (None, ""))
    array, array_at = deref(spec, value, at) if value is not None else (None, at)
    items = array.get("items") if isinstance(array, dict) else None
    return ListShape(name, items, array_at + "/items", shape.fields)


def _resolved(spec: Spec, schema: JsonValue, pointer: str) -> dict[str, Any]:
    resolved, _ = deref(spec, schema, pointer)
    return resolved if isinstance(resolved, dict) else {}


def _is(schema: JsonValue, kind: str) -> bool:
    if not isinstance(schema, dict):
        return False
    declared = schema.get("type")
    return declared == kind or (isinstance(declared, list) and kind in declared)


def _boolean_field(
    spec: Spec, fields: Mapping[str, tuple[JsonValue, str]], name: str
) -> str | None:
    value = fields.get(name)
    return name if value is not None and _is(_resolved(spec, *value), "boolean") else None


def _string_field(
    spec: Spec, fields: Mapping[str, tuple[JsonValue, str]], name: str, *, uri: bool = False
) -> bool:
    schema = _resolved(spec, *fields[name])
    alternatives = [schema, *(s for s in schema.get("anyOf", ()) if isinstance(s, dict))]
    strings = [s for s in alternatives if _is(s, "string")]
    return bool(strings) and (
        not uri or any(s.get("format") in ("uri", "uri-reference", "url") for s in strings)
    )


def _item_has(spec: Spec, shape: ListShape, name: str) -> bool:
    fields, _ = object_properties(spec, shape.item_schema, shape.item_pointer)
    return name in fields


def _parameter_is(op: Operation, name: str, kind: str) -> bool:
    parameter = next(p for p in op.parameters if p.location == "query" and p.name == name)
    return any(getattr(part, "name", None) == kind for part in parameter.type.walk())


def _first_page(op: Operation, name: str) -> int:
    """The number of a list's first page: the page parameter's minimum, else 1."""
    parameter = next((p for p in op.parameters if p.location == "query" and p.name == name), None)
    if parameter is None:
        return 1
    minimum = parameter.constraints.minimum
    return int(minimum) if minimum is not None and minimum >= 0 else 1


def _text(value: str | None) -> SpecText | None:
    return SpecText(value) if value is not None else None
