"""Changes of the HTTP API: what two specs' differences do on the wire, and to whom.

Operations are matched by method and path (path parameters by position, so renaming one is not
a new path), parameters by `in` and name, responses by status (a `4XX` range stands in for a
code it covers), media types by their essence. Schemas are compared by `schemas.py`, after their
`$ref`s are resolved on both sides.

Whom a schema change breaks follows from who sends the value: a request schema that accepts less
breaks clients (what they send may now be refused), one that accepts more breaks servers (their
handler may get what it never got); a response schema that accepts more breaks clients, one that
accepts less breaks servers (what their handler returns may no longer be valid).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from generator.errors import Location
from generator.load import JsonValue
from generator.pointer import join_pointer, split_pointer
from generator.refs import deref
from generator.walk import OperationAt, operations

from .changes import BREAKING, SAFE, WARNING, Audience, Change, Impact, Level, change
from .schemas import KINDS, Direction, Fact, SchemaComparer
from .sources import Side

# Where a schema is used, as rule ids begin: `parameter-enum-value-removed`, ...
SITES: dict[str, Direction] = {
    "parameter": "request",
    "request": "request",
    "response": "response",
    "response-header": "response",
}
# How bad each kind of schema change is, per direction: (for the audience that sends the value
# when the schema now accepts less, for the audience that reads it when it accepts more).
_LEVELS: dict[str, dict[Direction, tuple[Level, Level]]] = {
    "enum-value-added": {"request": (SAFE, WARNING), "response": (SAFE, WARNING)},
    "enum-removed": {"request": (SAFE, WARNING), "response": (SAFE, WARNING)},
    "constraint-tightened": {"request": (BREAKING, SAFE), "response": (WARNING, SAFE)},
    "constraint-relaxed": {"request": (SAFE, WARNING), "response": (SAFE, WARNING)},
    "constraint-changed": {"request": (BREAKING, WARNING), "response": (WARNING, WARNING)},
    "additional-properties-restricted": {"request": (BREAKING, SAFE), "response": (WARNING, SAFE)},
    "additional-properties-allowed": {"request": (SAFE, WARNING), "response": (SAFE, WARNING)},
    "property-added": {"request": (SAFE, SAFE), "response": (SAFE, SAFE)},
}
_DEFAULT_LEVELS = (BREAKING, BREAKING)


def schema_impact(fact: Fact, direction: Direction, deprecated_removal: Level) -> Impact:
    """Whom a schema change breaks, and how badly, where values go in `direction`."""
    if fact.kind == "property-removed":
        return _removed_property_impact(fact, direction, deprecated_removal)
    effect = KINDS[fact.kind]
    narrow_level, widen_level = _LEVELS.get(fact.kind, {}).get(direction, _DEFAULT_LEVELS)
    sender: Audience = "clients" if direction == "request" else "servers"
    reader: Audience = "servers" if direction == "request" else "clients"
    impact: Impact = {}
    if effect in ("narrow", "both") and narrow_level:
        impact[sender] = narrow_level
    if effect in ("widen", "both") and widen_level:
        impact[reader] = widen_level
    return impact


def _removed_property_impact(fact: Fact, direction: Direction, deprecated_removal: Level) -> Impact:
    """A request property removed: clients still send it, and the server ignores it (unless the
    object is now closed). A response property removed: clients reading it get nothing, which
    breaks them when it was required (they need not have checked)."""
    if direction == "request":
        level = BREAKING if fact.closed else WARNING
    else:
        level = BREAKING if fact.required else WARNING
    if fact.deprecated:
        level = min(level, deprecated_removal)
    return {"clients": level}


# --- the comparison -------------------------------------------------------------------------------


@dataclass
class WireDiff:
    """Compares two specs operation by operation; `run` lists the changes."""

    old: Side
    new: Side
    schemas: SchemaComparer
    deprecated_removal: Level = WARNING  # what removing what was deprecated is
    changes: list[Change] = field(default_factory=list)

    def run(self) -> list[Change]:
        old_ops = {_operation_key(op): op for op in operations(self.old.spec.document)}
        new_ops = {_operation_key(op): op for op in operations(self.new.spec.document)}
        moved = self._moved(old_ops, new_ops)
        for key, old_op in old_ops.items():
            if key in new_ops:
                self._operation(old_op, new_ops[key])
            elif key in moved:
                new_op = moved[key]
                self._add(
                    "operation-moved",
                    f"{_label(old_op)} moved to {_label(new_op)} (operationId {_operation_id(old_op)})",
                    {"clients": BREAKING, "servers": BREAKING},
                    old_op.pointer,
                    new_op.pointer,
                )
                self._operation(old_op, new_op)
            else:
                impact: Impact = {"clients": BREAKING}
                if old_op.operation.get("deprecated") is True:
                    impact = {"clients": min(BREAKING, self.deprecated_removal)}
                note = " (it was deprecated)" if old_op.operation.get("deprecated") is True else ""
                self._add(
                    "operation-removed",
                    f"{_label(old_op)} removed{note}",
                    impact,
                    old_op.pointer,
                    old_op.pointer,
                )
        moved_to = {_operation_key(op) for op in moved.values()}
        for key, new_op in new_ops.items():
            if key not in old_ops and key not in moved_to:
                self._add("operation-added", f"{_label(new_op)} added", {}, None, new_op.pointer)
        self._security_schemes()
        return self.changes

    def _moved(
        self,
        old_ops: dict[tuple[str, str], OperationAt],
        new_ops: dict[tuple[str, str], OperationAt],
    ) -> dict[tuple[str, str], OperationAt]:
        """Operations gone from their path whose operationId is now at another one."""
        arrived = {
            _operation_id(op): op
            for key, op in new_ops.items()
            if key not in old_ops and _operation_id(op)
        }
        return {
            key: arrived[_operation_id(op)]
            for key, op in old_ops.items()
            if key not in new_ops and _operation_id(op) in arrived
        }

    # --- one operation --------------------------------------------------------------------------

    def _operation(self, old: OperationAt, new: OperationAt) -> None:
        label = _label(new)
        if new.operation.get("deprecated") is True and old.operation.get("deprecated") is not True:
            self._add("operation-deprecated", f"{label} deprecated", {}, old.pointer, new.pointer)
        self._parameters(old, new, label)
        self._request_body(old, new, label)
        self._responses(old, new, label)
        self._security(old, new, label)

    def _parameters(self, old: OperationAt, new: OperationAt, label: str) -> None:
        before = _parameters(self.old, old)
        after = _parameters(self.new, new)
        renamed_paths = _path_parameter_renames(old.path, new.path)
        for (location, name), (param, at) in before.items():
            key = (location, name)
            if key not in after and location == "path" and name in renamed_paths:
                renamed = renamed_paths[name]
                match = after.get(("path", renamed))
                if match:
                    self._add(
                        "path-parameter-renamed",
                        f"{label}: path parameter '{name}' renamed '{renamed}' (the URL is the same)",
                        {},
                        at,
                        match[1],
                    )
                    self._parameter(
                        param, at, match[0], match[1], f"{label}: path parameter '{renamed}'"
                    )
                    after.pop(("path", renamed))
                    continue
            if key in after:
                new_param, new_at = after.pop(key)
                self._parameter(
                    param, at, new_param, new_at, f"{label}: {location} parameter '{name}'"
                )
                continue
            moved = next(((k, v) for k, v in after.items() if k[1] == name), None)
            if moved is not None:
                after.pop(moved[0])
                self._add(
                    "parameter-moved",
                    f"{label}: parameter '{name}' moved from {location} to {moved[0][0]}",
                    {"clients": BREAKING, "servers": BREAKING},
                    at,
                    moved[1][1],
                )
                continue
            renamed_to = self._renamed_parameter(param, at, location, after)
            if renamed_to is not None:
                new_param, new_at = after.pop(renamed_to)
                self._add(
                    "parameter-renamed",
                    f"{label}: {location} parameter '{name}' renamed '{renamed_to[1]}'",
                    {"clients": BREAKING},
                    at,
                    new_at,
                )
                continue
            self._add(
                "parameter-removed",
                f"{label}: {location} parameter '{name}' removed",
                {"clients": WARNING},
                at,
                new.pointer + "/parameters",
            )
        for (location, name), (param, at) in after.items():
            if param.get("required") is True or location == "path":
                self._add(
                    "parameter-added-required",
                    f"{label}: required {location} parameter '{name}' added",
                    {"clients": BREAKING},
                    old.pointer,
                    at,
                )
            else:
                self._add(
                    "parameter-added",
                    f"{label}: {location} parameter '{name}' added",
                    {},
                    old.pointer,
                    at,
                )

    def _renamed_parameter(
        self,
        param: dict[str, Any],
        at: str,
        location: str,
        after: dict[tuple[str, str], tuple[dict[str, Any], str]],
    ) -> tuple[str, str] | None:
        """A new parameter of the same `in` whose schema equals this one's: the same one, renamed."""
        old_schema, old_at = _parameter_schema(param, at)
        for key, (candidate, candidate_at) in after.items():
            if key[0] != location:
                continue
            new_schema, new_at = _parameter_schema(candidate, candidate_at)
            if (
                old_schema is not None
                and new_schema is not None
                and self.schemas.equal(old_schema, old_at, new_schema, new_at)
            ):
                return key
        return None

    def _parameter(
        self, old: dict[str, Any], old_at: str, new: dict[str, Any], new_at: str, label: str
    ) -> None:
        was, now = _required(old), _required(new)
        if now and not was:
            self._add(
                "parameter-became-required",
                f"{label} became required",
                {"clients": BREAKING},
                old_at,
                new_at,
            )
        elif was and not now:
            self._add(
                "parameter-became-optional",
                f"{label} became optional",
                {"servers": BREAKING},
                old_at,
                new_at,
            )
        if _serialisation(old) != _serialisation(new):
            self._add(
                "parameter-serialisation-changed",
                f"{label}: sent as {_serialisation_text(_serialisation(new))}, was {_serialisation_text(_serialisation(old))}",
                {"clients": BREAKING, "servers": BREAKING},
                old_at,
                new_at,
            )
        old_schema, old_schema_at = _parameter_schema(old, old_at)
        new_schema, new_schema_at = _parameter_schema(new, new_at)
        if old_schema is not None and new_schema is not None:
            self._schema("parameter", old_schema, old_schema_at, new_schema, new_schema_at, label)

    def _request_body(self, old: OperationAt, new: OperationAt, label: str) -> None:
        before, old_at = self._resolved(
            self.old, old.operation.get("requestBody"), old.pointer + "/requestBody"
        )
        after, new_at = self._resolved(
            self.new, new.operation.get("requestBody"), new.pointer + "/requestBody"
        )
        if before is None and after is None:
            return
        if before is None:
            assert after is not None
            if after.get("required") is True:
                self._add(
                    "request-body-added-required",
                    f"{label}: a required request body added",
                    {"clients": BREAKING},
                    old.pointer,
                    new_at,
                )
            else:
                self._add(
                    "request-body-added",
                    f"{label}: an optional request body added",
                    {},
                    old.pointer,
                    new_at,
                )
            return
        if after is None:
            self._add(
                "request-body-removed",
                f"{label}: request body removed",
                {"clients": WARNING},
                old_at,
                new.pointer,
            )
            return
        was, now = before.get("required") is True, after.get("required") is True
        if now and not was:
            self._add(
                "request-body-became-required",
                f"{label}: request body became required",
                {"clients": BREAKING},
                old_at,
                new_at,
            )
        elif was and not now:
            self._add(
                "request-body-became-optional",
                f"{label}: request body became optional",
                {"servers": BREAKING},
                old_at,
                new_at,
            )
        self._content("request", before, old_at, after, new_at, f"{label} request body")

    def _responses(self, old: OperationAt, new: OperationAt, label: str) -> None:
        before = _mapping(old.operation.get("responses"))
        after = _mapping(new.operation.get("responses"))
        old_base, new_base = old.pointer + "/responses", new.pointer + "/responses"
        for status, value in before.items():
            old_at = join_pointer(*split_pointer(old_base), status)
            match = (
                status
                if status in after
                else _range_of(status)
                if _range_of(status) in after
                else None
            )
            if match is None:
                success = status[:1] in "23"
                self._add(
                    "response-status-removed",
                    f"{label}: response {status} removed",
                    {"clients": BREAKING if success else WARNING},
                    old_at,
                    new_base,
                )
                continue
            new_at = join_pointer(*split_pointer(new_base), match)
            old_response, old_at = self._resolved(self.old, value, old_at)
            new_response, new_at = self._resolved(self.new, after[match], new_at)
            if old_response is not None and new_response is not None:
                where = f"{label} -> {status}" + (f" (now {match})" if match != status else "")
                self._content("response", old_response, old_at, new_response, new_at, where)
                self._headers(old_response, old_at, new_response, new_at, where)
        for status in after:
            covered = status in before or any(_range_of(s) == status for s in before)
            if not covered:
                at = join_pointer(*split_pointer(new_base), status)
                self._add(
                    "response-status-added", f"{label}: response {status} added", {}, old_base, at
                )

    def _content(
        self,
        site: str,
        old: dict[str, Any],
        old_at: str,
        new: dict[str, Any],
        new_at: str,
        label: str,
    ) -> None:
        before, after = _media_types(old.get("content")), _media_types(new.get("content"))
        for essence, (name, media) in before.items():
            media_at = join_pointer(*split_pointer(old_at), "content", name)
            if essence not in after:
                rule = f"{site}-media-type-removed"
                self._add(
                    rule,
                    f"{label}: media type {name} removed",
                    {"clients": BREAKING},
                    media_at,
                    new_at,
                )
                continue
            new_name, new_media = after[essence]
            new_media_at = join_pointer(*split_pointer(new_at), "content", new_name)
            old_schema, new_schema = media.get("schema"), new_media.get("schema")
            if isinstance(old_schema, dict | bool) and isinstance(new_schema, dict | bool):
                self._schema(
                    site,
                    old_schema,
                    media_at + "/schema",
                    new_schema,
                    new_media_at + "/schema",
                    f"{label} ({essence})",
                )
        for essence, (name, _) in after.items():
            if essence not in before:
                at = join_pointer(*split_pointer(new_at), "content", name)
                self._add(
                    f"{site}-media-type-added", f"{label}: media type {name} added", {}, old_at, at
                )

    def _headers(
        self, old: dict[str, Any], old_at: str, new: dict[str, Any], new_at: str, label: str
    ) -> None:
        before = {
            name.lower(): (name, value) for name, value in _mapping(old.get("headers")).items()
        }
        after = {
            name.lower(): (name, value) for name, value in _mapping(new.get("headers")).items()
        }
        for lowered, (name, value) in before.items():
            header, at = self._resolved(
                self.old, value, join_pointer(*split_pointer(old_at), "headers", name)
            )
            if header is None:
                continue
            if lowered not in after:
                level = BREAKING if header.get("required") is True else WARNING
                self._add(
                    "response-header-removed",
                    f"{label}: header {name} removed",
                    {"clients": level},
                    at,
                    new_at,
                )
                continue
            new_name, new_value = after[lowered]
            new_header, new_header_at = self._resolved(
                self.new, new_value, join_pointer(*split_pointer(new_at), "headers", new_name)
            )
            if new_header is None:
                continue
            if header.get("required") is True and new_header.get("required") is not True:
                self._add(
                    "response-header-became-optional",
                    f"{label}: header {name} became optional",
                    {"clients": BREAKING},
                    at,
                    new_header_at,
                )
            old_schema, old_schema_at = _parameter_schema(header, at)
            new_schema, new_schema_at = _parameter_schema(new_header, new_header_at)
            if old_schema is not None and new_schema is not None:
                self._schema(
                    "response-header",
                    old_schema,
                    old_schema_at,
                    new_schema,
                    new_schema_at,
                    f"{label}: header {name}",
                )

    def _schema(
        self, site: str, old: JsonValue, old_at: str, new: JsonValue, new_at: str, label: str
    ) -> None:
        direction = SITES[site]
        for fact in self.schemas.compare(old, old_at, new, new_at, direction):
            impact = schema_impact(fact, direction, self.deprecated_removal)
            self._add(
                f"{site}-{fact.kind}",
                f"{label}: {_fact_text(fact)}",
                impact,
                fact.old_pointer,
                fact.new_pointer,
            )

    # --- security -------------------------------------------------------------------------------

    def _security(self, old: OperationAt, new: OperationAt, label: str) -> None:
        before = _security(self.old.spec.document, old.operation)
        after = _security(self.new.spec.document, new.operation)
        if before == after:
            return
        old_at = old.pointer + "/security" if "security" in old.operation else "/security"
        new_at = new.pointer + "/security" if "security" in new.operation else "/security"
        anonymous_before, anonymous_after = (
            frozenset() in before or not before,
            frozenset() in after or not after,
        )
        if anonymous_before and not anonymous_after:
            self._add(
                "security-added",
                f"{label}: now requires {_alternatives_text(after)}",
                {"clients": BREAKING},
                old_at,
                new_at,
            )
            return
        if anonymous_after and not anonymous_before:
            self._add(
                "security-removed",
                f"{label}: no longer requires credentials",
                {"servers": WARNING},
                old_at,
                new_at,
            )
            return
        for alternative in before - after:
            if not alternative:
                continue
            schemes = {name for name, _ in alternative}
            wider = [a for a in after if {name for name, _ in a} == schemes]
            if wider and all(_scopes(w) >= _scopes(alternative) for w in wider):
                added = sorted(set().union(*(_scopes(w) for w in wider)) - _scopes(alternative))
                self._add(
                    "security-scopes-added",
                    f"{label}: {_alternative_text(alternative)} now needs scopes {', '.join(added)}",
                    {"clients": BREAKING},
                    old_at,
                    new_at,
                )
            elif not wider:
                self._add(
                    "security-requirement-removed",
                    f"{label}: {_alternative_text(alternative)} no longer accepted",
                    {"clients": BREAKING},
                    old_at,
                    new_at,
                )
        for alternative in after - before:
            schemes = {name for name, _ in alternative}
            if alternative and not any({name for name, _ in a} == schemes for a in before):
                self._add(
                    "security-requirement-added",
                    f"{label}: {_alternative_text(alternative)} also accepted",
                    {"servers": WARNING},
                    old_at,
                    new_at,
                )

    def _security_schemes(self) -> None:
        """A scheme kept under its name but sending credentials differently breaks both sides."""
        before = _mapping(_mapping(self.old.spec.document.get("components")).get("securitySchemes"))
        after = _mapping(_mapping(self.new.spec.document.get("components")).get("securitySchemes"))
        for name in before.keys() & after.keys():
            old_at = join_pointer("components", "securitySchemes", name)
            new_at = old_at
            old_scheme, old_at = self._resolved(self.old, before[name], old_at)
            new_scheme, new_at = self._resolved(self.new, after[name], new_at)
            if old_scheme is None or new_scheme is None:
                continue
            was, now = _scheme_transport(old_scheme), _scheme_transport(new_scheme)
            if was != now:
                self._add(
                    "security-scheme-changed",
                    f"security scheme {name}: {_transport_text(was)} -> {_transport_text(now)}",
                    {"clients": BREAKING, "servers": BREAKING},
                    old_at,
                    new_at,
                )

    # --- helpers --------------------------------------------------------------------------------

    def _resolved(
        self, side: Side, value: JsonValue, pointer: str
    ) -> tuple[dict[str, Any] | None, str]:
        resolved, at = deref(side.spec, value, pointer)
        return (resolved if isinstance(resolved, dict) else None), at

    def _add(
        self, rule: str, message: str, impact: Impact, old_at: str | None, new_at: str | None
    ) -> None:
        self.changes.append(
            change(rule, message, impact, self._old_location(old_at), self._new_location(new_at))
        )

    def _old_location(self, pointer: str | None) -> Location | None:
        return None if pointer is None else self.old.locate(self.old.nearest(pointer))

    def _new_location(self, pointer: str | None) -> Location | None:
        return None if pointer is None else self.new.locate(self.new.nearest(pointer))


# --- reading operations ---------------------------------------------------------------------------


def _operation_key(op: OperationAt) -> tuple[str, str]:
    """Method and path, path parameters by position: `/pets/{id}` is `/pets/{petId}`."""
    return op.method, re.sub(r"\{[^}/]*\}", "{}", op.path)


def _operation_id(op: OperationAt) -> str | None:
    found = op.operation.get("operationId")
    return found if isinstance(found, str) else None


def _label(op: OperationAt) -> str:
    return f"{op.method.upper()} {op.path}"


def _path_parameter_renames(old_path: str, new_path: str) -> dict[str, str]:
    """Old name -> new name of path parameters at the same place of the same route."""
    before, after = re.findall(r"\{([^}/]*)\}", old_path), re.findall(r"\{([^}/]*)\}", new_path)
    return {a: b for a, b in zip(before, after, strict=False) if a != b}


def _parameters(side: Side, op: OperationAt) -> dict[tuple[str, str], tuple[dict[str, Any], str]]:
    """(in, name) -> (parameter, pointer): the path's, then the operation's (which win). Header
    names are compared ignoring case."""
    found: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
    item_pointer = join_pointer("paths", op.path)
    for owner, base in ((op.path_item, item_pointer), (op.operation, op.pointer)):
        listed = owner.get("parameters")
        for index, value in enumerate(listed if isinstance(listed, list) else ()):
            param, at = deref(side.spec, value, f"{base}/parameters/{index}")
            if (
                isinstance(param, dict)
                and isinstance(param.get("name"), str)
                and isinstance(param.get("in"), str)
            ):
                name = param["name"].lower() if param["in"] == "header" else param["name"]
                found[(param["in"], name)] = (param, at)
    return found


def _required(param: dict[str, Any]) -> bool:
    return param.get("in") == "path" or param.get("required") is True


def _parameter_schema(param: dict[str, Any], pointer: str) -> tuple[JsonValue, str]:
    """A parameter's (or header's) schema: `schema`, or that of its single `content` entry."""
    if "schema" in param:
        return param["schema"], pointer + "/schema"
    for name, media in _mapping(param.get("content")).items():
        if isinstance(media, dict) and "schema" in media:
            return media["schema"], join_pointer(*split_pointer(pointer), "content", name, "schema")
    return None, pointer


_DEFAULT_STYLES = {"query": "form", "cookie": "form", "path": "simple", "header": "simple"}


def _serialisation(param: dict[str, Any]) -> tuple[str, bool, str | None]:
    """How a parameter's value is written: style, explode, or the media type of its content."""
    content = _mapping(param.get("content"))
    if content:
        return "content", False, next(iter(content)).split(";")[0].strip().lower()
    style = param.get("style") or _DEFAULT_STYLES.get(str(param.get("in")), "simple")
    explode = param.get("explode")
    return str(style), bool(explode) if isinstance(explode, bool) else style == "form", None


def _serialisation_text(serialisation: tuple[str, bool, str | None]) -> str:
    style, explode, media = serialisation
    if media:
        return media
    return f"style {style}{', exploded' if explode else ''}"


def _media_types(content: JsonValue) -> dict[str, tuple[str, dict[str, Any]]]:
    """essence -> (the media type as written, its object)."""
    return {
        name.split(";", 1)[0].strip().lower(): (name, media)
        for name, media in _mapping(content).items()
        if isinstance(media, dict)
    }


def _range_of(status: str) -> str:
    """The range a status code is in: `404` -> `4XX`."""
    return status[0] + "XX" if len(status) == 3 and status.isdigit() else ""


def _mapping(value: JsonValue) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _security(
    document: dict[str, Any], operation: dict[str, Any]
) -> frozenset[frozenset[tuple[str, frozenset[str]]]]:
    """The alternatives an operation accepts, each a set of (scheme, scopes); the empty one is
    "no credential"."""
    declared = operation["security"] if "security" in operation else document.get("security", [])
    alternatives = set()
    for requirement in declared if isinstance(declared, list) else ():
        if isinstance(requirement, dict):
            alternatives.add(
                frozenset(
                    (
                        name,
                        frozenset(s for s in scopes if isinstance(s, str))
                        if isinstance(scopes, list)
                        else frozenset(),
                    )
                    for name, scopes in requirement.items()
                )
            )
    return frozenset(alternatives)


def _scopes(alternative: frozenset[tuple[str, frozenset[str]]]) -> set[str]:
    return {f"{name}:{scope}" for name, scopes in alternative for scope in scopes}


def _alternative_text(alternative: frozenset[tuple[str, frozenset[str]]]) -> str:
    return " + ".join(sorted(name for name, _ in alternative))


def _alternatives_text(alternatives: frozenset[frozenset[tuple[str, frozenset[str]]]]) -> str:
    return " or ".join(sorted(_alternative_text(a) for a in alternatives if a))


def _scheme_transport(scheme: dict[str, Any]) -> tuple[str, ...]:
    """What a client must do to send a credential by this scheme."""
    kind = str(scheme.get("type"))
    if kind == "apiKey":
        return kind, str(scheme.get("in")), str(scheme.get("name"))
    if kind == "http":
        return kind, str(scheme.get("scheme", "")).lower()
    if kind == "openIdConnect":
        return kind, str(scheme.get("openIdConnectUrl"))
    return (kind,)


def _transport_text(transport: tuple[str, ...]) -> str:
    return " ".join(transport)


def _fact_text(fact: Fact) -> str:
    """The message of a schema change: what it is about, and what happened to it."""
    texts = {
        "property-removed": f"property {fact.subject} removed"
        + (" (it was deprecated)" if fact.deprecated else ""),
        "required-property-added": f"required property {fact.subject} added",
        "property-added": f"optional property {fact.subject} added",
        "property-became-required": f"property {fact.subject} became required",
        "property-became-optional": f"property {fact.subject} became optional",
        "additional-properties-restricted": f"{fact.subject} no longer allows other properties",
        "additional-properties-allowed": f"{fact.subject} now allows other properties",
        "option-removed": f"{fact.subject}: option {fact.detail} removed",
        "option-added": f"{fact.subject}: option {fact.detail} added",
    }
    return texts.get(fact.kind) or f"{fact.subject}: {fact.detail}"


WIRE_RULES = {
    "operation-removed": "an operation is gone",
    "operation-moved": "an operation (by its operationId) has another method or path",
    "operation-added": "a new operation",
    "operation-deprecated": "an operation is now deprecated",
    "parameter-removed": "a parameter is gone: what clients send is ignored",
    "parameter-added": "a new optional parameter",
    "parameter-added-required": "a new required parameter",
    "parameter-became-required": "a parameter is now required",
    "parameter-became-optional": "a parameter is now optional: handlers may not get it",
    "parameter-moved": "a parameter moved (`in` changed)",
    "parameter-renamed": "a parameter has another name (and the same schema)",
    "path-parameter-renamed": "a path parameter has another name (the URL is the same)",
    "parameter-serialisation-changed": "a parameter is written differently (style, explode, content)",
    "request-body-added": "an operation takes an optional body",
    "request-body-added-required": "an operation requires a body",
    "request-body-removed": "an operation takes no body any more",
    "request-body-became-required": "a request body is now required",
    "request-body-became-optional": "a request body is now optional",
    "request-media-type-removed": "a request body can no longer be sent as a media type",
    "request-media-type-added": "a request body can be sent as a new media type",
    "response-status-removed": "a response status is gone",
    "response-status-added": "a new response status",
    "response-media-type-removed": "a response no longer comes as a media type",
    "response-media-type-added": "a response may come as a new media type",
    "response-header-removed": "a response header is gone",
    "response-header-became-optional": "a response header is no longer always sent",
    "security-added": "an operation now requires credentials",
    "security-removed": "an operation no longer requires credentials",
    "security-scopes-added": "an operation's credentials need more scopes",
    "security-requirement-removed": "an operation no longer accepts a kind of credential",
    "security-requirement-added": "an operation accepts another kind of credential",
    "security-scheme-changed": "a security scheme sends credentials differently",
}


def schema_rules() -> Iterator[tuple[str, str]]:
    """(rule id, summary) of every schema change at every site."""
    for site, direction in SITES.items():
        for kind in KINDS:
            yield f"{site}-{kind}", f"{direction} schema ({site}): {kind.replace('-', ' ')}"
