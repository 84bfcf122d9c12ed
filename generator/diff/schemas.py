"""Two schemas compared by structure, `$ref`s followed on both sides, in a given direction.

What a schema change means depends on who produces the value: a request's schema is what clients
send, a response's what servers send. The comparison only records what changed, as `Fact`s of a
few kinds (`enum-value-added`, `property-became-optional`, ...); `spec.py` says whom each breaks.

Both sides are resolved before they are compared, so a schema renamed but unchanged (`Pet` now
`Animal`) compares equal. Each pair of schemas is compared once per direction (recursive schemas
end there, and a component used by a hundred operations is reported once); the work is a stack,
never Python recursion, so a spec nested deeply costs no stack. A subtree equal on both sides is
skipped but for the `$ref`s inside it, whose targets may still differ: diffing a spec against
itself reads each schema once.

Spellings that mean the same are made the same first: `allOf: [$ref]` is the referred schema,
`anyOf: [X, {type: 'null'}]` is a nullable X (OpenAPI 3.1's spelling of 3.0's `nullable: true`),
and `allOf` parts' properties are the object's own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from generator.load import JsonValue, Spec
from generator.pointer import join_pointer, split_pointer
from generator.refs import deref
from generator.walk import (
    SUBSCHEMA_KEYWORDS,
    SUBSCHEMA_LIST_KEYWORDS,
    SUBSCHEMA_MAP_KEYWORDS,
    ref_holders,
)

Direction = Literal["request", "response"]

# Keywords that say nothing about which values are valid: ignored by the comparison.
ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "example",
        "examples",
        "externalDocs",
        "$comment",
        "xml",
        "deprecated",
        "readOnly",
        "writeOnly",
        "default",
        "nullable",
        "discriminator",
        "$schema",
        "$id",
        "$anchor",
    }
)
# Upper and lower bounds: a lower maximum (or a higher minimum) accepts less.
UPPER_BOUNDS = ("maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties")
LOWER_BOUNDS = ("minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties")
_COMPONENT = re.compile(r"/components/schemas/([^/]+)")


@dataclass(frozen=True)
class Fact:
    """One difference between two schemas: its kind, what it is about, and where on each side."""

    kind: str  # one of KINDS
    subject: str  # the value it is about: `'Pet.name'`, or "the schema"
    detail: str  # what changed, for the message: "maxLength 100 -> 50"
    old_pointer: str | None
    new_pointer: str | None  # where it is in the new spec, or where it would be
    required: bool = False  # property-removed: it was required
    deprecated: bool = False  # property-removed: it was deprecated
    closed: bool = False  # property-removed: the new object allows no other properties


# Each kind, and whether it makes the schema accept less ("narrow"), more ("widen"), or other
# values ("both"); `spec.py` turns that and the direction into whom it breaks.
KINDS: dict[str, str] = {
    "type-narrowed": "narrow",
    "type-widened": "widen",
    "type-changed": "both",
    "format-changed": "both",
    "nullable-removed": "narrow",
    "nullable-added": "widen",
    "enum-value-removed": "narrow",
    "enum-value-added": "widen",
    "enum-added": "narrow",
    "enum-removed": "widen",
    "constraint-tightened": "narrow",
    "constraint-relaxed": "widen",
    "constraint-changed": "both",
    "property-removed": "widen",
    "required-property-added": "narrow",
    "property-added": "widen",
    "property-became-required": "narrow",
    "property-became-optional": "widen",
    "additional-properties-restricted": "narrow",
    "additional-properties-allowed": "widen",
    "option-removed": "narrow",
    "option-added": "widen",
    "discriminator-changed": "both",
}


@dataclass
class View:
    """A schema as the comparison reads it: spellings that mean the same made the same."""

    node: dict[str, Any]  # the schema's own keywords, after wrappers are unwrapped
    pointer: str
    nullable: bool
    types: frozenset[str] | None  # declared types but null; None: any type (or see `options`)
    properties: dict[str, tuple[Any, str]]  # name -> (schema, pointer), allOf parts' included
    required: frozenset[str]
    options: list[tuple[Any, str]]  # anyOf / oneOf branches, null ones left out


@dataclass(frozen=True)
class _Task:
    old: Any
    old_pointer: str
    new: Any
    new_pointer: str
    subject: str  # the dotted name of the value so far ("" at the root)
    old_null: bool = False  # a wrapper on the way made it nullable
    new_null: bool = False


@dataclass
class SchemaComparer:
    """Compares schemas of two specs; remembers which pairs it has compared, per direction."""

    old: Spec
    new: Spec
    _done: set[tuple[str, bool, str, bool, Direction]] = field(default_factory=set)
    _equal: dict[tuple[str, str], bool] = field(default_factory=dict)
    # The `$ref`s inside a subtree, by its pointer in the old spec: read once, not per direction.
    _references: dict[str, list[tuple[dict[str, Any], str]]] = field(default_factory=dict)

    def compare(
        self,
        old: JsonValue,
        old_pointer: str,
        new: JsonValue,
        new_pointer: str,
        direction: Direction,
    ) -> list[Fact]:
        """Every difference between the two schemas (and the schemas inside them), each pair
        compared once in `direction` over the comparer's life."""
        facts: list[Fact] = []
        stack = [_Task(old, old_pointer, new, new_pointer, "")]
        while stack:
            task = stack.pop()
            old_node, old_at, old_null = unwrap(self.old, task.old, task.old_pointer)
            new_node, new_at, new_null = unwrap(self.new, task.new, task.new_pointer)
            old_null, new_null = old_null or task.old_null, new_null or task.new_null
            key = (old_at, old_null, new_at, new_null, direction)
            if key in self._done:
                continue
            self._done.add(key)
            subject = _subject_at(old_at, new_at, task.subject)
            if old_node == new_node and old_null == new_null:
                if old_at not in self._references:
                    self._references[old_at] = ref_holders(old_node)
                refs = self._references[old_at]
                stack.extend(_inner_references(refs, old_at, new_node, new_at, subject))
                continue
            if not isinstance(old_node, dict) or not isinstance(new_node, dict):
                facts.append(
                    self._fact("type-changed", subject, "is another schema", old_at, new_at)
                )
                continue
            old_view = view(self.old, old_node, old_at, old_null)
            new_view = view(self.new, new_node, new_at, new_null)
            children: list[_Task] = []
            facts.extend(self._node(old_view, new_view, subject, direction, children))
            stack.extend(reversed(children))
        return facts

    def equal(self, old: JsonValue, old_pointer: str, new: JsonValue, new_pointer: str) -> bool:
        """The two schemas accept the same values (annotations aside), `$ref`s followed; two
        recursive schemas are equal when no difference is ever found (a bisimulation)."""
        key = (old_pointer, new_pointer)
        if key not in self._equal:
            self._equal[key] = self._bisimilar(old, old_pointer, new, new_pointer)
        return self._equal[key]

    # --- one pair of nodes ----------------------------------------------------------------------

    def _node(
        self, old: View, new: View, subject: str, direction: Direction, children: list[_Task]
    ) -> Iterator[Fact]:
        at = (old.pointer, new.pointer)
        if bool(old.options) != bool(new.options):  # the rest is the paired branch's to say
            yield from self._one_sided_options(old, new, subject, children)
            return
        yield from _types(old, new, subject, at)
        yield from _nullable(old, new, subject, at)
        yield from _enum(old.node, new.node, subject, at)
        yield from _format(old.node, new.node, subject, at)
        yield from _bounds(old.node, new.node, subject, at)
        yield from self._properties(old, new, subject, direction, children)
        yield from self._additional(old, new, subject, children)
        for key in ("items", "contains", "propertyNames", "not"):
            if isinstance(old.node.get(key), dict) and isinstance(new.node.get(key), dict):
                children.append(
                    _Task(
                        old.node[key], f"{old.pointer}/{key}", new.node[key], f"{new.pointer}/{key}",
                        subject + ("[]" if key == "items" else ""),
                    )
                )  # fmt: skip
        if old.options and new.options:
            yield from self._options(old, new, subject, children)
        yield from _discriminator(old.node, new.node, subject, at)

    def _properties(
        self, old: View, new: View, subject: str, direction: Direction, children: list[_Task]
    ) -> Iterator[Fact]:
        skipped = "readOnly" if direction == "request" else "writeOnly"  # never in this direction
        closed = new.node.get("additionalProperties") is False
        for name, (schema, pointer) in old.properties.items():
            inner = _dotted(subject, name)
            if self._flag(self.old, schema, pointer, skipped):
                continue
            if name not in new.properties:
                yield Fact(
                    "property-removed",
                    f"'{inner}'",
                    "",
                    pointer,
                    join_pointer(*split_pointer(new.pointer), "properties", name),
                    required=name in old.required,
                    deprecated=self._flag(self.old, schema, pointer, "deprecated"),
                    closed=closed,
                )
                continue
            new_schema, new_pointer = new.properties[name]
            if self._flag(self.new, new_schema, new_pointer, skipped):
                continue
            if name in old.required and name not in new.required:
                yield Fact("property-became-optional", f"'{inner}'", "", pointer, new_pointer)
            elif name in new.required and name not in old.required:
                yield Fact("property-became-required", f"'{inner}'", "", pointer, new_pointer)
            children.append(_Task(schema, pointer, new_schema, new_pointer, inner))
        for name, (schema, pointer) in new.properties.items():
            if name in old.properties or self._flag(self.new, schema, pointer, skipped):
                continue
            kind = "required-property-added" if name in new.required else "property-added"
            yield Fact(kind, f"'{_dotted(subject, name)}'", "", old.pointer, pointer)

    def _additional(
        self, old: View, new: View, subject: str, children: list[_Task]
    ) -> Iterator[Fact]:
        before, after = old.node.get("additionalProperties"), new.node.get("additionalProperties")
        change = (_openness(before), _openness(after))
        at = (old.pointer, new.pointer)
        if change in (("open", "closed"), ("open", "schema"), ("schema", "closed")):
            yield self._fact("additional-properties-restricted", subject, "", *at)
        elif change in (("closed", "open"), ("closed", "schema"), ("schema", "open")):
            yield self._fact("additional-properties-allowed", subject, "", *at)
        elif change == ("schema", "schema"):
            old_at = old.pointer + "/additionalProperties"
            new_at = new.pointer + "/additionalProperties"
            children.append(_Task(before, old_at, after, new_at, subject + "{}"))

    def _options(self, old: View, new: View, subject: str, children: list[_Task]) -> Iterator[Fact]:
        """anyOf / oneOf branches paired (see `_pair`); the rest were removed or added."""
        pairs, removed, added = self._pair(old.options, new.options)
        for (a, a_at), (b, b_at) in pairs:
            children.append(_Task(a, a_at, b, b_at, subject))
        for branch in removed:
            name = self._branch_name(branch, self.old)
            yield self._fact("option-removed", subject, name, branch[1], new.pointer)
        for branch in added:
            name = self._branch_name(branch, self.new)
            yield self._fact("option-added", subject, name, old.pointer, branch[1])

    def _one_sided_options(
        self, old: View, new: View, subject: str, children: list[_Task]
    ) -> Iterator[Fact]:
        """A schema that became a union (or a union that became one schema): the plain side is
        paired with its equal, else with the branch of its type; every other branch is an
        option added (or removed)."""
        became_union = bool(new.options)
        plain, union = (old, new) if became_union else (new, old)
        union_spec = self.new if became_union else self.old
        whole = (plain.node, plain.pointer)

        def equal(branch: tuple[Any, str]) -> bool:
            pair = (whole, branch) if became_union else (branch, whole)
            return self.equal(pair[0][0], pair[0][1], pair[1][0], pair[1][1])

        def same_type(branch: tuple[Any, str]) -> bool:
            resolved = unwrap(union_spec, branch[0], branch[1])[0]
            return bool(_declared(resolved) & (plain.types or frozenset()))

        match = next(filter(equal, union.options), None) or next(
            filter(same_type, union.options), None
        )
        if match is None:
            yield self._fact(
                "type-changed", subject, "one schema <-> a union", old.pointer, new.pointer
            )
            yield from _nullable(old, new, subject, (old.pointer, new.pointer))
            return
        # The branch stands for the whole union, null branch and all.
        a, b = (whole, match) if became_union else (match, whole)
        old_null, new_null = (plain.nullable, union.nullable)[:: 1 if became_union else -1]
        children.append(_Task(a[0], a[1], b[0], b[1], subject, old_null, new_null))
        for branch in union.options:
            if branch[1] == match[1]:
                continue
            name = self._branch_name(branch, union_spec)
            if became_union:
                yield self._fact("option-added", subject, name, old.pointer, branch[1])
            else:
                yield self._fact("option-removed", subject, name, branch[1], new.pointer)

    def _pair(
        self, old: list[tuple[Any, str]], new: list[tuple[Any, str]]
    ) -> tuple[
        list[tuple[tuple[Any, str], tuple[Any, str]]], list[tuple[Any, str]], list[tuple[Any, str]]
    ]:
        """Branches of two lists paired: by the schema they refer to, then by equality, then a
        lone leftover on each side with the other."""
        left, right = list(old), list(new)
        pairs = []
        by_target = {self._target(b, self.new): b for b in right if self._target(b, self.new)}
        for branch in list(left):
            match = by_target.get(self._target(branch, self.old) or "")
            if match is not None and match in right:
                pairs.append((branch, match))
                left.remove(branch)
                right.remove(match)
        for branch in list(left):
            match = next((b for b in right if self.equal(branch[0], branch[1], b[0], b[1])), None)
            if match is not None:
                pairs.append((branch, match))
                left.remove(branch)
                right.remove(match)
        if len(left) == len(right) == 1:
            pairs.append((left.pop(), right.pop()))
        pairs += self._pair_alike(left, right)
        return pairs, left, right

    def _pair_alike(
        self, left: list[tuple[Any, str]], right: list[tuple[Any, str]]
    ) -> list[tuple[tuple[Any, str], tuple[Any, str]]]:
        """Branches that changed inside, paired with the branch most like them: sharing at
        least half of what marks them (property names, constant values, the schemas their
        parts refer to). Removes what it pairs from `left` and `right`."""
        marks = {b[1]: _marks(self.new, b) for b in right}
        pairs = []
        for branch in list(left):
            own = _marks(self.old, branch)
            scored = [(_likeness(own, marks[b[1]]), b) for b in right]
            best = max(scored, key=lambda item: item[0], default=None)
            if best is not None and best[0] >= 0.5:
                pairs.append((branch, best[1]))
                left.remove(branch)
                right.remove(best[1])
        return pairs

    # --- helpers ----------------------------------------------------------------------------------

    def _flag(self, spec: Spec, schema: JsonValue, pointer: str, key: str) -> bool:
        """The schema (or a wrapper on the way to its own keywords) says `key: true`."""
        for _ in range(64):  # wrappers nest a few levels at most; a bound all the same
            if not isinstance(schema, dict):
                return False
            if schema.get(key) is True:
                return True
            if "$ref" in schema:
                schema, pointer = deref(spec, schema, pointer)
                continue
            parts = schema.get("allOf")
            if isinstance(parts, list) and len(parts) == 1 and _significant(schema) == {"allOf"}:
                schema, pointer = parts[0], pointer + "/allOf/0"
                continue
            return False
        return False

    def _target(self, branch: tuple[Any, str], spec: Spec) -> str | None:
        """Where a branch that is a `$ref` leads (None for an inline branch)."""
        schema, pointer = branch
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            return str(unwrap(spec, schema, pointer)[1])
        return None

    def _branch_name(self, branch: tuple[Any, str], spec: Spec) -> str:
        """How a message names a branch: the component it refers to, or its place."""
        target = self._target(branch, spec)
        if target and _COMPONENT.fullmatch(target):
            return split_pointer(target)[-1]
        return "#" + str(int(split_pointer(branch[1])[-1]) + 1)

    def _fact(self, kind: str, subject: str, detail: str, old: str, new: str) -> Fact:
        return Fact(kind, f"'{subject}'" if subject else "the schema", detail, old, new)

    def _bisimilar(self, old: JsonValue, old_at: str, new: JsonValue, new_at: str) -> bool:
        assumed: set[tuple[str, str]] = set()
        stack = [(old, old_at, new, new_at)]
        while stack:
            a, a_at, b, b_at = stack.pop()
            a, a_at = deref(self.old, a, a_at)
            b, b_at = deref(self.new, b, b_at)
            if (a_at, b_at) in assumed:
                continue
            assumed.add((a_at, b_at))
            if not isinstance(a, dict) or not isinstance(b, dict):
                if a != b:
                    return False
                continue
            for key in (a.keys() | b.keys()) - ANNOTATIONS:
                if key.startswith("x-"):
                    continue
                va, vb = a.get(key), b.get(key)
                if key in SUBSCHEMA_KEYWORDS and isinstance(va, dict) and isinstance(vb, dict):
                    stack.append((va, f"{a_at}/{key}", vb, f"{b_at}/{key}"))
                elif (
                    key in SUBSCHEMA_MAP_KEYWORDS and isinstance(va, dict) and isinstance(vb, dict)
                ):
                    if va.keys() != vb.keys():
                        return False
                    for name in va:
                        stack.append(
                            (va[name], join_pointer(*split_pointer(a_at), key, name),
                             vb[name], join_pointer(*split_pointer(b_at), key, name))
                        )  # fmt: skip
                elif (
                    key in SUBSCHEMA_LIST_KEYWORDS and isinstance(va, list) and isinstance(vb, list)
                ):
                    if len(va) != len(vb):
                        return False
                    for index, (x, y) in enumerate(zip(va, vb, strict=True)):
                        stack.append((x, f"{a_at}/{key}/{index}", y, f"{b_at}/{key}/{index}"))
                elif va != vb:
                    return False
        return True


# --- reading a schema -----------------------------------------------------------------------------


def unwrap(spec: Spec, schema: JsonValue, pointer: str) -> tuple[JsonValue, str, bool]:
    """The schema's own keywords past `$ref`s and wrappers, where they are, and whether a
    wrapper made it nullable (`anyOf: [X, {type: 'null'}]`, `allOf: [X], nullable: true`)."""
    nullable = False
    for _ in range(64):  # a bound: wrappers of wrappers are rare, endless ones impossible
        schema, pointer = deref(spec, schema, pointer)
        if not isinstance(schema, dict):
            break
        significant = _significant(schema)
        parts = schema.get("allOf")
        if significant == {"allOf"} and isinstance(parts, list) and len(parts) == 1:
            nullable = nullable or schema.get("nullable") is True
            schema, pointer = parts[0], pointer + "/allOf/0"
            continue
        branch = _lone_non_null_branch(spec, schema, pointer, significant)
        if branch is None:
            break
        nullable = True
        schema, pointer = branch
    return schema, pointer, nullable


def _lone_non_null_branch(
    spec: Spec, schema: dict[str, Any], pointer: str, significant: set[str]
) -> tuple[Any, str] | None:
    for key in ("anyOf", "oneOf"):
        branches = schema.get(key)
        if significant != {key} or not isinstance(branches, list):
            continue
        rest = [
            (branch, f"{pointer}/{key}/{index}")
            for index, branch in enumerate(branches)
            if not _is_null(deref(spec, branch, f"{pointer}/{key}/{index}")[0])
        ]
        if len(rest) == 1 and len(branches) > 1:
            return rest[0]
    return None


def view(spec: Spec, node: dict[str, Any], pointer: str, nullable: bool) -> View:
    """The schema at `pointer` as the comparison reads it (`node` already unwrapped)."""
    declared = _declared(node)
    properties: dict[str, tuple[Any, str]] = {}
    required: set[str] = set()
    pending = [(node, pointer)]
    for _ in range(256):  # allOf parts of allOf parts, a bounded number of them
        if not pending:
            break
        part, at = pending.pop(0)
        part, at = deref(spec, part, at)
        if not isinstance(part, dict):
            continue
        own = part.get("properties")
        for name, schema in own.items() if isinstance(own, dict) else ():
            properties.setdefault(
                name, (schema, join_pointer(*split_pointer(at), "properties", name))
            )
        listed = part.get("required")
        if isinstance(listed, list):
            required.update(r for r in listed if isinstance(r, str))
        if part is not node and not declared:
            declared = _declared(part)
        parts = part.get("allOf")
        pending.extend(
            (p, f"{at}/allOf/{i}") for i, p in enumerate(parts if isinstance(parts, list) else ())
        )
    branches = list(_branches(node, pointer))
    options = [b for b in branches if not _is_null(deref(spec, b[0], b[1])[0])]
    types = declared - {"null"} if declared else None
    if types is None and not options and ("properties" in node or "additionalProperties" in node):
        types = frozenset({"object"})
    null = nullable or "null" in declared or node.get("nullable") is True
    if len(options) < len(branches):  # a branch that is null makes the whole nullable
        null = True
    return View(node, pointer, null, types or None, properties, frozenset(required), options)


def _branches(node: dict[str, Any], pointer: str) -> Iterator[tuple[Any, str]]:
    """The anyOf and oneOf branches of a schema, with their pointers."""
    for key in ("anyOf", "oneOf"):
        listed = node.get(key)
        for index, branch in enumerate(listed if isinstance(listed, list) else ()):
            yield branch, f"{pointer}/{key}/{index}"


def _declared(schema: JsonValue) -> frozenset[str]:
    if not isinstance(schema, dict):
        return frozenset()
    declared = schema.get("type")
    kinds = declared if isinstance(declared, list) else [declared] if declared is not None else []
    return frozenset(str(kind) for kind in kinds)


def _is_null(schema: JsonValue) -> bool:
    return isinstance(schema, dict) and _declared(schema) == {"null"}


def _significant(schema: dict[str, Any]) -> set[str]:
    return {key for key in schema if key not in ANNOTATIONS and not key.startswith("x-")}


def _inner_references(
    references: list[tuple[dict[str, Any], str]],
    old_at: str,
    new: JsonValue,
    new_at: str,
    subject: str,
) -> Iterator[_Task]:
    """Equal subtrees still differ where their `$ref`s lead to schemas that differ."""
    for holder, at in references:
        counterpart = _at(new, at)
        if isinstance(counterpart, dict):
            yield _Task(holder, old_at + at, counterpart, new_at + at, subject)


def _marks(spec: Spec, branch: tuple[Any, str]) -> frozenset[str]:
    """What tells a branch from its siblings: its types, property names, the values of its
    constant properties (`type: {enum: [merge]}`) and the schemas its parts refer to."""
    node, at, _ = unwrap(spec, branch[0], branch[1])
    if not isinstance(node, dict):
        return frozenset({repr(node)})
    seen = view(spec, node, at, False)
    marks = {f"type:{kind}" for kind in seen.types or ()}
    for name, (schema, pointer) in seen.properties.items():
        marks.add(f"property:{name}")
        inner = unwrap(spec, schema, pointer)[0]
        values = _enum_values(inner) if isinstance(inner, dict) else None
        if values is not None and len(values) == 1:
            marks.add(f"value:{name}={next(iter(values))}")
    parts = node.get("allOf")
    for part in parts if isinstance(parts, list) else ():
        if isinstance(part, dict) and isinstance(part.get("$ref"), str):
            marks.add(f"part:{part['$ref']}")
    return frozenset(marks)


def _likeness(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def _openness(value: JsonValue) -> str:
    """additionalProperties as open (absent, true, {}), closed (false) or a schema."""
    if value is False:
        return "closed"
    return "schema" if isinstance(value, dict) and value else "open"


def _at(node: JsonValue, pointer: str) -> JsonValue:
    for token in split_pointer(pointer):
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


# --- the keywords, one kind of difference each ----------------------------------------------------


def _types(old: View, new: View, subject: str, at: tuple[str, str]) -> Iterator[Fact]:
    if old.types == new.types:
        return
    shown = _fact_maker(subject, at)
    if old.types is None or new.types is None:
        if old.types is None and not old.options:
            yield shown("type-narrowed", f"any type -> {_types_text(new.types)}", "type")
        elif new.types is None and not new.options:
            yield shown("type-widened", f"{_types_text(old.types)} -> any type", "type")
        return
    lost = {t for t in old.types if not _covers(new.types, t)}
    gained = {t for t in new.types if not _covers(old.types, t)}
    detail = f"{_types_text(old.types)} -> {_types_text(new.types)}"
    if lost and gained:
        yield shown("type-changed", detail, "type")
    elif lost:
        yield shown("type-narrowed", detail, "type")
    elif gained:
        yield shown("type-widened", detail, "type")


def _covers(types: frozenset[str], kind: str) -> bool:
    return kind in types or (kind == "integer" and "number" in types)


def _types_text(types: frozenset[str] | None) -> str:
    return " | ".join(sorted(types)) if types else "any type"


def _nullable(old: View, new: View, subject: str, at: tuple[str, str]) -> Iterator[Fact]:
    shown = _fact_maker(subject, at)
    if old.nullable and not new.nullable:
        yield shown("nullable-removed", "no longer accepts null")
    elif new.nullable and not old.nullable:
        yield shown("nullable-added", "may now be null")


def _enum(
    old: dict[str, Any], new: dict[str, Any], subject: str, at: tuple[str, str]
) -> Iterator[Fact]:
    before, after = _enum_values(old), _enum_values(new)
    maker = _fact_maker(subject, at)
    keyword = "const" if "const" in old or "const" in new else "enum"

    def shown(kind: str, detail: str) -> Fact:
        return maker(kind, detail, keyword)

    if before is None and after is None:
        return
    if before is None:
        yield shown("enum-added", f"now limited to {_values_text(after or {})}")
    elif after is None:
        yield shown("enum-removed", f"no longer limited to {_values_text(before)}")
    else:
        removed = {k: v for k, v in before.items() if k not in after}
        added = {k: v for k, v in after.items() if k not in before}
        if removed:
            yield shown("enum-value-removed", f"enum value {_values_text(removed)} removed")
        if added:
            yield shown("enum-value-added", f"enum value {_values_text(added)} added")


def _enum_values(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The values an enum (or a const) allows, by their JSON text; null left to nullability."""
    if "const" in schema:
        values = [schema["const"]]
    elif isinstance(schema.get("enum"), list):
        values = schema["enum"]
    else:
        return None
    return {json.dumps(v, sort_keys=True): v for v in values if v is not None}


def _values_text(values: dict[str, Any]) -> str:
    shown = list(values)[:3]
    more = f" (and {len(values) - 3} more)" if len(values) > 3 else ""
    return ", ".join(shown) + more


def _format(
    old: dict[str, Any], new: dict[str, Any], subject: str, at: tuple[str, str]
) -> Iterator[Fact]:
    before, after = old.get("format"), new.get("format")
    if before == after:
        return
    shown = _fact_maker(subject, at)
    if before is None:
        yield shown("constraint-tightened", f"format {after} added", "format")
    elif after is None:
        yield shown("constraint-relaxed", f"format {before} removed", "format")
    else:
        yield shown("format-changed", f"format {before} -> {after}", "format")


def _bounds(
    old: dict[str, Any], new: dict[str, Any], subject: str, at: tuple[str, str]
) -> Iterator[Fact]:
    shown = _fact_maker(subject, at)
    for key in (*UPPER_BOUNDS, *LOWER_BOUNDS):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        upper = key in UPPER_BOUNDS
        if isinstance(before, bool) or isinstance(after, bool):  # OpenAPI 3.0's exclusive flags
            tighter = bool(after) and not before
        elif before is None or after is None:
            tighter = before is None
        elif not isinstance(before, int | float) or not isinstance(after, int | float):
            yield shown("constraint-changed", f"{key} {before} -> {after}", key)
            continue
        else:
            tighter = after < before if upper else after > before
        text = (
            f"{key} {after} added"
            if before is None
            else f"{key} {before} removed"
            if after is None
            else f"{key} {before} -> {after}"
        )
        yield shown("constraint-tightened" if tighter else "constraint-relaxed", text, key)
    for key in ("pattern", "multipleOf"):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if before is None:
            yield shown("constraint-tightened", f"{key} {after!r} added", key)
        elif after is None:
            yield shown("constraint-relaxed", f"{key} {before!r} removed", key)
        else:
            yield shown("constraint-changed", f"{key} {before!r} -> {after!r}", key)
    if bool(old.get("uniqueItems")) != bool(new.get("uniqueItems")):
        tighter = bool(new.get("uniqueItems"))
        yield shown(
            "constraint-tightened" if tighter else "constraint-relaxed",
            "items must now be unique" if tighter else "items need no longer be unique",
        )


def _discriminator(
    old: dict[str, Any], new: dict[str, Any], subject: str, at: tuple[str, str]
) -> Iterator[Fact]:
    before, after = old.get("discriminator"), new.get("discriminator")
    name_before = before.get("propertyName") if isinstance(before, dict) else None
    name_after = after.get("propertyName") if isinstance(after, dict) else None
    if name_before and name_after and name_before != name_after:
        yield _fact_maker(subject, at)(
            "discriminator-changed", f"discriminator {name_before} -> {name_after}"
        )


def _fact_maker(subject: str, at: tuple[str, str]) -> Callable[..., Fact]:
    """Makes facts about one pair of nodes, placed at the keyword that changed (where a side
    has no such keyword, its place is the node's: see `Side.nearest`)."""

    def make(kind: str, detail: str, keyword: str = "") -> Fact:
        old, new = (f"{p}/{keyword}" if keyword else p for p in at)
        return Fact(kind, f"'{subject}'" if subject else "the schema", detail, old, new)

    return make


def _subject_at(old_pointer: str, new_pointer: str, subject: str) -> str:
    """A component schema compared with itself is named by its own name wherever it is
    reached from: it is compared, and reported, once. (One compared with another keeps the
    name of the place that now refers elsewhere.)"""
    same = old_pointer == new_pointer and _COMPONENT.fullmatch(old_pointer)
    return split_pointer(old_pointer)[-1] if same else subject


def _dotted(subject: str, name: str) -> str:
    return f"{subject}.{name}" if subject else name
