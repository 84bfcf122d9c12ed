"""Changes of the generated package: what regenerating it does to code that uses it.

Two IRs (`analyse` of each side) are compared as Python, not as HTTP: client methods and handler
methods added, removed or renamed; their parameters added, removed, renamed or made required;
the types they take and return; models renamed or removed, and their fields. A spec change that
is harmless on the wire (a schema renamed `Pet` -> `Animal`) can still break every `import` of
`models.Pet`, and a wire break can leave the Python API as it was (an operation moved to another
path keeps its methods); this is what a team vendoring the package reads before regenerating.

Clients here are the code that calls the generated client; servers, the handler a team writes:
the server calls it with keywords, so a parameter added or removed breaks it as a renamed
method does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generator.errors import Location
from generator.ir import (
    Api,
    Builtin,
    DictOf,
    Generic,
    ListOf,
    LiteralOf,
    ModelRef,
    Operation,
    Parameter,
    TypeRef,
    UnionOf,
)
from generator.pointer import join_pointer
from generator.refs import value_at
from generator.render import annotation

from .changes import BREAKING, SAFE, Change, Impact, Level, change
from .schemas import SchemaComparer, unwrap, view
from .sources import Side


@dataclass
class PackageDiff:
    """Compares the IRs of the two sides; `run` lists the changes."""

    old: Side
    new: Side
    old_api: Api
    new_api: Api
    schemas: SchemaComparer
    deprecated_removal: Level
    changes: list[Change] = field(default_factory=list)
    renamed_models: dict[str, str] = field(default_factory=dict)  # old class name -> new

    def run(self) -> list[Change]:
        self._models()
        old_ops = {_operation_key(op): op for op in self.old_api.operations}
        new_ops = {_operation_key(op): op for op in self.new_api.operations}
        by_id = {op.operation_id: op for key, op in new_ops.items() if key not in old_ops}
        matched_new: set[tuple[str, str]] = set()
        for key, old_op in old_ops.items():
            new_op = new_ops.get(key) or by_id.get(old_op.operation_id)
            if new_op is None:
                self._removed_operation(old_op)
                continue
            matched_new.add(_operation_key(new_op))
            self._operation(old_op, new_op)
        for key, new_op in new_ops.items():
            if key not in matched_new and key not in old_ops:
                self._added_operation(new_op)
        return self.changes

    # --- operations -----------------------------------------------------------------------------

    def _removed_operation(self, op: Operation) -> None:
        level = min(BREAKING, self.deprecated_removal) if op.deprecated else BREAKING
        self._add(
            "client-method-removed",
            f"client method {op.client_method.dotted} removed"
            f" ({op.method.upper()} {op.path}{' was deprecated' if op.deprecated else ''})",
            {"clients": level},
            _operation_pointer(op),
            _operation_pointer(op),
        )

    def _added_operation(self, op: Operation) -> None:
        self._add(
            "handler-method-added",
            f"handler method {op.client_method.dotted} added ({op.method.upper()} {op.path}):"
            f" every handler must implement it; client method {op.client_method.dotted} added",
            {"servers": BREAKING},
            None,
            _operation_pointer(op),
        )

    def _operation(self, old: Operation, new: Operation) -> None:
        at = (_operation_pointer(old), _operation_pointer(new))
        before, after = old.client_method.dotted, new.client_method.dotted
        if before != after:
            # The handler tree has the client's shape: a method that moves moves on both.
            self._add(
                "handler-method-renamed",
                f"handler method {before} renamed {after}",
                {"servers": BREAKING},
                *at,
            )
            self._add(
                "client-method-renamed",
                f"client method {before} -> {after}",
                {"clients": BREAKING},
                *at,
            )
        lost = _calls(old) - _calls(new)
        if lost:
            self._add(
                "client-method-removed",
                f"client method {after} can no longer {' or '.join(sorted(lost))}"
                f" ({new.method.upper()} {new.path})",
                {"clients": BREAKING},
                *at,
            )
        self._parameters(old, new, at)
        self._body(old, new, at)
        self._returns(old, new, at)

    def _parameters(self, old: Operation, new: Operation, at: tuple[str, str]) -> None:
        """Parameters matched by where they are sent and their wire name, then the ones left
        over: a path parameter by its place in the path, another by being the only one left
        of its kind and type (a parameter renamed on the wire is one renamed in Python)."""
        method = new.client_method.dotted
        after = {_parameter_key(p): p for p in new.parameters}
        gone = []
        for param in old.parameters:
            match = after.pop(_parameter_key(param), None)
            if match is None:
                gone.append(param)
            else:
                self._parameter(method, param, match, at)
        for param in gone:
            match = self._renamed_parameter(param, list(after.values()))
            if match is None:
                self._add(
                    "argument-removed",
                    f"{method}: parameter {param.python_name} removed",
                    {"clients": BREAKING, "servers": BREAKING},
                    *at,
                )
                continue
            after.pop(_parameter_key(match))
            self._parameter(method, param, match, at)
        for param in after.values():
            required = "" if param.has_default else "required "
            self._add(
                "argument-added",
                f"{method}: {required}parameter {param.python_name} added",
                {"clients": SAFE if param.has_default else BREAKING, "servers": BREAKING},
                *at,
            )

    def _renamed_parameter(self, old: Parameter, left: list[Parameter]) -> Parameter | None:
        same_kind = [p for p in left if p.location == old.location]
        if old.location == "path":
            return same_kind[0] if same_kind else None
        alike = [p for p in same_kind if p.type == self._renamed(old.type)]
        return alike[0] if len(alike) == 1 else None

    def _parameter(self, method: str, old: Parameter, new: Parameter, at: tuple[str, str]) -> None:
        if old.python_name != new.python_name:
            self._add(
                "argument-renamed",
                f"{method}: parameter {old.python_name} renamed {new.python_name}",
                {"clients": BREAKING, "servers": BREAKING},
                *at,
            )
        if old.has_default and not new.has_default:
            self._add(
                "argument-became-required",
                f"{method}: parameter {new.python_name} has no default any more",
                {"clients": BREAKING},
                *at,
            )
        if old.required and not new.required:
            self._add(
                "argument-became-optional",
                f"{method}: parameter {new.python_name} may now be None in the handler",
                {"servers": BREAKING},
                *at,
            )
        # Optionality is said above; the types compared are those of a value that is given.
        self._types(
            "argument-type-changed",
            f"{method}: parameter {new.python_name}",
            (old.type, new.type),
            (old.type, new.type),
            at,
        )

    def _body(self, old: Operation, new: Operation, at: tuple[str, str]) -> None:
        method = new.client_method.dotted
        if old.body is None and new.body is not None:
            self._add(
                "body-added",
                f"{method}: {'a required' if new.body.required else 'an optional'} body added",
                {"clients": BREAKING if new.body.required else SAFE, "servers": BREAKING},
                *at,
            )
        elif old.body is not None and new.body is None:
            self._add(
                "body-removed",
                f"{method}: body removed",
                {"clients": BREAKING, "servers": BREAKING},
                *at,
            )
        elif old.body is not None and new.body is not None:
            self._types(
                "body-type-changed",
                f"{method}: body",
                (old.body.client_type, new.body.client_type),
                (old.body.handler_type, new.body.handler_type),
                at,
            )

    def _returns(self, old: Operation, new: Operation, at: tuple[str, str]) -> None:
        """What a call returns (the client reads it) and what a handler returns (the server
        sends it): the reverse of what a method takes."""
        was, now = self._renamed(old.result.type), new.result.type
        handler_was, handler_now = self._renamed(old.handler_type), new.handler_type
        impact: Impact = {}
        if was != now and not covers(was, now):
            impact["clients"] = BREAKING
        if handler_was != handler_now and not covers(handler_now, handler_was):
            impact["servers"] = BREAKING
        if was != now or handler_was != handler_now:
            shown = (
                f"{annotation(was)} -> {annotation(now)}"
                if was != now
                else f"handler: {annotation(handler_was)} -> {annotation(handler_now)}"
            )
            self._add(
                "return-type-changed", f"{new.client_method.dotted}: returns {shown}", impact, *at
            )
        if old.stream is not None and new.stream is not None:
            chunk_was, chunk_now = self._renamed(old.stream.chunk_type), new.stream.chunk_type
            if chunk_was != chunk_now:
                stream_impact: Impact = {}
                if not covers(chunk_was, chunk_now):
                    stream_impact["clients"] = BREAKING
                if not covers(chunk_now, chunk_was):
                    stream_impact["servers"] = BREAKING
                self._add(
                    "stream-type-changed",
                    f"{new.client_method.dotted}: streams {annotation(chunk_was)} -> {annotation(chunk_now)}",
                    stream_impact,
                    *at,
                )

    def _types(
        self,
        rule: str,
        label: str,
        client: tuple[TypeRef, TypeRef],
        handler: tuple[TypeRef, TypeRef],
        at: tuple[str, str],
    ) -> None:
        """What a method takes: callers break when the new type refuses what they passed,
        handlers when it holds what they never got."""
        client_was, client_now = self._renamed(client[0]), client[1]
        handler_was, handler_now = self._renamed(handler[0]), handler[1]
        if client_was == client_now and handler_was == handler_now:
            return
        impact: Impact = {}
        if not covers(client_now, client_was):
            impact["clients"] = BREAKING
        if not covers(handler_was, handler_now):
            impact["servers"] = BREAKING
        if client_was != client_now:
            shown = f"{annotation(client_was)} -> {annotation(client_now)}"
        else:
            shown = f"the handler gets {annotation(handler_now)}, was {annotation(handler_was)}"
        self._add(rule, f"{label}: {shown}", impact, *at)

    # --- models ---------------------------------------------------------------------------------

    def _models(self) -> None:
        before = {m.pointer: m.class_name for m in self.old_api.models}
        after = {m.pointer: m.class_name for m in self.new_api.models}
        pairs = [(p, p) for p in before if p in after]
        pairs += self._moved_models(
            [p for p in before if p not in after], [p for p in after if p not in before]
        )
        paired_old = {old for old, _ in pairs}
        paired_new = {new for _, new in pairs}
        for old_at, new_at in pairs:
            old_name, new_name = before[old_at], after[new_at]
            if old_name != new_name:
                self.renamed_models[old_name] = new_name
                moved = f" (its schema moved from {old_at} to {new_at})" if old_at != new_at else ""
                self._add(
                    "model-renamed",
                    f"models.{old_name} renamed models.{new_name}{moved}",
                    {"clients": BREAKING, "servers": BREAKING},
                    old_at,
                    new_at,
                )
            self._fields(f"models.{new_name}", old_at, new_at)
        for pointer, name in before.items():
            if pointer not in paired_old:
                deprecated = _schema_flag(self.old, pointer, "deprecated")
                level = min(BREAKING, self.deprecated_removal) if deprecated else BREAKING
                note = " (it was deprecated)" if deprecated else ""
                self._add(
                    "model-removed",
                    f"models.{name} removed{note}",
                    {"clients": level, "servers": level},
                    pointer,
                    pointer,
                )
        for pointer, name in after.items():
            if pointer not in paired_new:
                self._add("model-added", f"models.{name} added", {}, None, pointer)

    def _moved_models(self, gone: list[str], arrived: list[str]) -> list[tuple[str, str]]:
        """Schemas gone from one place and equal to one new at another: the same, renamed.
        Compared only within groups of the same outline, so that a refactoring of hundreds of
        schemas costs no comparison of each with each."""
        groups: dict[Any, list[str]] = {}
        for pointer in arrived:
            groups.setdefault(_outline(self.new, pointer), []).append(pointer)
        pairs = []
        for pointer in gone:
            candidates = groups.get(_outline(self.old, pointer), [])
            old_schema = value_at(self.old.spec, pointer)
            for candidate in candidates:
                if self.schemas.equal(
                    old_schema, pointer, value_at(self.new.spec, candidate), candidate
                ):
                    pairs.append((pointer, candidate))
                    candidates.remove(candidate)
                    break
        return pairs

    def _fields(self, model: str, old_at: str, new_at: str) -> None:
        old_schema, new_schema = value_at(self.old.spec, old_at), value_at(self.new.spec, new_at)
        if old_schema == new_schema and not _composed(old_schema):
            return  # the same properties, written the same way
        before, after = _fields(self.old, old_at), _fields(self.new, new_at)
        gone = {name: at for name, at in before.items() if name not in after}
        arrived = {name: at for name, at in after.items() if name not in before}
        for name, at in gone.items():
            renamed = next(
                (
                    other
                    for other, other_at in arrived.items()
                    if self.schemas.equal(
                        value_at(self.old.spec, at), at, value_at(self.new.spec, other_at), other_at
                    )
                ),
                None,
            )
            if renamed is not None:
                new_field_at = arrived.pop(renamed)
                self._add(
                    "field-renamed",
                    f"{model}: field {name} renamed {renamed}",
                    {"clients": BREAKING, "servers": BREAKING},
                    at,
                    new_field_at,
                )
                continue
            deprecated = _schema_flag(self.old, at, "deprecated")
            level = min(BREAKING, self.deprecated_removal) if deprecated else BREAKING
            note = " (it was deprecated)" if deprecated else ""
            self._add(
                "field-removed",
                f"{model}: field {name} removed{note}",
                {"clients": level, "servers": level},
                at,
                new_at,
            )

    # --- helpers --------------------------------------------------------------------------------

    def _renamed(self, type_: TypeRef) -> TypeRef:
        """An old type with its models under their new names: a rename is reported once, as
        such, not again in every type that mentions the model."""
        return renamed(type_, self.renamed_models) if self.renamed_models else type_

    def _add(
        self, rule: str, message: str, impact: Impact, old_at: str | None, new_at: str | None
    ) -> None:
        self.changes.append(
            change(
                rule,
                message,
                impact,
                self._location(self.old, old_at),
                self._location(self.new, new_at),
                "package",
            )
        )

    def _location(self, side: Side, pointer: str | None) -> Location | None:
        return None if pointer is None else side.locate(side.nearest(pointer))


# --- types ----------------------------------------------------------------------------------------


_LITERAL_KINDS: dict[str, tuple[type, ...]] = {"str": (str,), "int": (int,), "float": (int, float)}


def covers(wide: TypeRef, narrow: TypeRef) -> bool:
    """Every value of `narrow` is a value of `wide` (by value: `list[int]` is in
    `list[int | None]`; an `int` is a `float`, as Python's typing has it)."""
    if wide == narrow or wide.is_any:
        return True
    if isinstance(narrow, UnionOf):
        return all(covers(wide, option) for option in narrow.options)
    if isinstance(wide, UnionOf):
        if isinstance(narrow, LiteralOf):  # `Literal['a'] | Literal['b']` holds `Literal['a', 'b']`
            return all(any(covers(o, LiteralOf((v,))) for o in wide.options) for v in narrow.values)
        return any(covers(option, narrow) for option in wide.options)
    match wide, narrow:
        case LiteralOf(values=wide_values), LiteralOf(values=narrow_values):
            return set(narrow_values) <= set(wide_values)
        case Builtin(name=name), LiteralOf(values=values):
            kinds = _LITERAL_KINDS.get(name)
            return kinds is not None and all(
                isinstance(v, kinds) and not isinstance(v, bool) for v in values
            )
        case Builtin(name="float"), Builtin(name="int"):
            return True
        case ListOf(item=wide_item), ListOf(item=narrow_item):
            return covers(wide_item, narrow_item)
        case DictOf(value=wide_value), DictOf(value=narrow_value):
            return covers(wide_value, narrow_value)
        case Generic(name=wide_name, arguments=wide_arguments), Generic(
            name=narrow_name, arguments=narrow_arguments
        ):
            return (
                wide_name == narrow_name
                and len(wide_arguments) == len(narrow_arguments)
                and all(covers(w, n) for w, n in zip(wide_arguments, narrow_arguments, strict=True))
            )
    return False


def renamed(type_: TypeRef, names: dict[str, str]) -> TypeRef:
    """`type_` with the models of `names` (old -> new) under their new names."""
    match type_:
        case ModelRef(class_name=name):
            return ModelRef(names.get(name, name))
        case ListOf(item=item):
            return ListOf(renamed(item, names))
        case DictOf(value=value):
            return DictOf(renamed(value, names))
        case UnionOf(options=options):
            return UnionOf(tuple(renamed(option, names) for option in options))
        case Generic(name=name, arguments=arguments):
            return Generic(name, tuple(renamed(argument, names) for argument in arguments))
    return type_


# --- reading the IR -------------------------------------------------------------------------------


def _operation_key(op: Operation) -> tuple[str, str]:
    return op.method, re.sub(r"\{[^}/]*\}", "{}", op.path)


def _operation_pointer(op: Operation) -> str:
    return join_pointer("paths", op.path, op.method)


def _calls(op: Operation) -> set[str]:
    """The ways a client can call the operation: for its result, for a stream, or both
    (`stream=True` chooses)."""
    calls = set()
    if op.plain_call:
        calls.add("be called without streaming")
    if op.stream is not None:
        calls.add("stream")
    return calls


def _parameter_key(param: Parameter) -> tuple[str, str]:
    return param.location, param.name.lower() if param.location == "header" else str(param.name)


def _fields(side: Side, pointer: str) -> dict[str, str]:
    """A model's fields (its properties, those of its `allOf` parts too) -> their pointers."""
    node, at, nullable = unwrap(side.spec, value_at(side.spec, pointer), pointer)
    if not isinstance(node, dict):
        return {}
    return {
        name: where for name, (_, where) in view(side.spec, node, at, nullable).properties.items()
    }


def _composed(schema: Any) -> bool:
    """Its properties may come from elsewhere (a `$ref`, `allOf` parts)."""
    return isinstance(schema, dict) and ("$ref" in schema or "allOf" in schema)


def _outline(side: Side, pointer: str) -> Any:
    """A cheap summary two equal schemas share: their type and property names."""
    node, at, nullable = unwrap(side.spec, value_at(side.spec, pointer), pointer)
    if not isinstance(node, dict):
        return repr(node)
    seen = view(side.spec, node, at, nullable)
    return seen.types, tuple(sorted(seen.properties)), len(seen.options), repr(node.get("enum"))


def _schema_flag(side: Side, pointer: str, key: str) -> bool:
    value = value_at(side.spec, pointer)
    return isinstance(value, dict) and value.get(key) is True


PACKAGE_RULES = {
    "client-method-removed": "a method of the generated client is gone",
    "client-method-renamed": "a method of the generated client has another name",
    "handler-method-added": "the handler has a method to implement (the client one to call)",
    "handler-method-renamed": "a method of the handler has another name",
    "argument-removed": "a method no longer takes a parameter",
    "argument-added": "a method takes a new parameter (handlers get it as a keyword)",
    "argument-renamed": "a method's parameter has another Python name",
    "argument-became-required": "a client method's parameter has no default any more",
    "argument-became-optional": "a handler's parameter may now be None",
    "argument-type-changed": "a parameter's Python type changed",
    "body-added": "a method takes a body",
    "body-removed": "a method no longer takes a body",
    "body-type-changed": "a body's Python type changed",
    "return-type-changed": "what a client method returns (or a handler) changed",
    "stream-type-changed": "the type of a stream's events changed",
    "model-renamed": "a class of models.py has another name",
    "model-removed": "a class of models.py is gone",
    "model-added": "models.py has a new class",
    "field-renamed": "a field of a model has another name",
    "field-removed": "a field of a model is gone",
}
