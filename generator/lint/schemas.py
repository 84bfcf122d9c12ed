"""Rules about schemas and components, and the hazards they pose to generated Python."""

from __future__ import annotations

import ast
import importlib.util
import json
import keyword
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.lint.context import COMPONENT_KINDS, LintContext, escape
from generator.lint.registry import Problem, Severity, rule
from generator.naming import class_name, snake_case
from generator.refusals import all_of_cycles

_JSON_TYPES = {"string": str, "boolean": bool, "object": dict, "array": list, "null": type(None)}


@rule(
    "enum-type",
    Severity.ERROR,
    "enum values have the schema's type",
    peers=("spectral:typed-enum", "redocly:no-enum-type-mismatch"),
)
def enum_values_match_type(context: LintContext) -> Iterator[Problem]:
    """An enum value the schema's `type` refuses can never be sent nor received; the generated
    Literal would hold a value that fails validation."""
    for schema, pointer in context.schemas:
        values, declared = schema.get("enum"), schema.get("type")
        if not isinstance(values, list) or declared is None:
            continue
        types = declared if isinstance(declared, list) else [declared]
        if schema.get("nullable") is True:
            types = [*types, "null"]
        for index, value in enumerate(values):
            if not any(_has_type(value, kind) for kind in types):
                yield (
                    f"{pointer}/enum/{index}",
                    f"enum value {json.dumps(value)} is not of type {' or '.join(map(str, types))}",
                )


@rule(
    "enum-unique",
    Severity.WARN,
    "no value appears twice in an enum",
    peers=("spectral:duplicated-entry-in-enum", "redocly:no-duplicated-enum-values"),
)
def enum_values_unique(context: LintContext) -> Iterator[Problem]:
    """JSON Schema says enum values SHOULD be unique; a repeated one is a copy-and-paste slip."""
    for schema, pointer in context.schemas:
        values = schema.get("enum")
        if not isinstance(values, list):
            continue
        seen: set[str] = set()
        for index, value in enumerate(values):
            key = json.dumps(value, sort_keys=True)
            if key in seen:
                yield f"{pointer}/enum/{index}", f"enum value {key} appears more than once"
            seen.add(key)


@rule(
    "required-defined",
    Severity.WARN,
    "every name in `required` is one of the schema's properties",
    peers=("redocly:no-required-schema-properties-undefined",),
)
def required_properties_defined(context: LintContext) -> Iterator[Problem]:
    """A required name that no property defines is usually a typo: the generated model requires
    a field of unknown type. Schemas composed with allOf/anyOf/oneOf, `$ref` or pattern
    properties are left alone (the property may come from elsewhere)."""
    composed = ("allOf", "anyOf", "oneOf", "$ref", "patternProperties", "if", "dependentSchemas")
    for schema, pointer in context.schemas:
        properties, required = schema.get("properties"), schema.get("required")
        if not isinstance(required, list) or any(k in schema for k in composed):
            continue
        if not isinstance(properties, dict):
            if (
                schema.get("additionalProperties") not in (None, False)
                or schema.get("type") != "object"
            ):
                continue
            properties = {}
        for index, name in enumerate(required):
            if isinstance(name, str) and name not in properties:
                yield (
                    f"{pointer}/required/{index}",
                    f"required property `{name}` is not among the properties",
                )


@rule(
    "array-items",
    Severity.ERROR,
    "a `type: array` schema says what its `items` are",
    peers=("spectral:array-items",),
)
def array_items(context: LintContext) -> Iterator[Problem]:
    """OpenAPI 3.0 requires `items` with `type: array`; in 3.1 an array without `items` holds
    anything, which is rarely what was meant (the generated type is `list[Any]`)."""
    for schema, pointer in context.schemas:
        kinds = schema.get("type")
        is_array = kinds == "array" or (isinstance(kinds, list) and "array" in kinds)
        if (
            is_array
            and "items" not in schema
            and "prefixItems" not in schema
            and "$ref" not in schema
        ):
            yield pointer, "`type: array` without `items`: what do the items hold?"


@rule(
    "schema-type-mismatch",
    Severity.ERROR,
    "object keywords go with `type: object`, array keywords with `type: array`",
    peers=("redocly:no-schema-type-mismatch",),
)
def schema_type_mismatch(context: LintContext) -> Iterator[Problem]:
    """`type: string` with `properties`, or `type: object` with `items`: the keyword never
    applies, so what the author meant is lost."""
    for schema, pointer in context.schemas:
        kind = schema.get("type")
        if not isinstance(kind, str):
            continue
        if kind != "object" and "properties" in schema:
            yield (
                pointer + "/properties",
                f"`properties` in a schema of `type: {kind}` never applies",
            )
        if kind != "array" and "items" in schema:
            yield pointer + "/items", f"`items` in a schema of `type: {kind}` never applies"


@rule(
    "nullable-type",
    Severity.ERROR,
    "`nullable` (OpenAPI 3.0) goes with a `type`",
    peers=("redocly:nullable-type-sibling",),
)
def nullable_has_type(context: LintContext) -> Iterator[Problem]:
    """OpenAPI 3.0.3 says `nullable: true` only adds `null` to the values `type` allows; without
    a `type` it means nothing."""
    if context.version != (3, 0):
        return
    for schema, pointer in context.schemas:
        if "nullable" in schema and "type" not in schema:
            yield pointer + "/nullable", "`nullable` without `type` means nothing (OpenAPI 3.0.3)"


@rule(
    "nullable-in-31",
    Severity.WARN,
    "no `nullable` in OpenAPI 3.1, which does not know it",
)
def no_nullable_in_31(context: LintContext) -> Iterator[Problem]:
    """3.1 schemas are JSON Schema: `nullable: true` is an unknown keyword there, ignored, so
    `null` is still refused. Say `type: [string, "null"]` instead. Legal, hence a warning."""
    if context.version == (3, 0):
        return
    for schema, pointer in context.schemas:
        if schema.get("nullable") is True:
            yield pointer + "/nullable", '`nullable` is not a 3.1 keyword; add "null" to `type`'


@rule(
    "composition",
    Severity.WARN,
    "allOf/anyOf/oneOf are not empty, hold no empty schema and have more than one member",
    peers=("redocly:no-illogical-composition-keywords",),
)
def logical_composition(context: LintContext) -> Iterator[Problem]:
    """An empty list matches nothing (`anyOf`, `oneOf`) or anything (`allOf`); an empty schema
    in it matches anything; a one-member `anyOf`/`oneOf` (without a discriminator) is the member
    itself. A one-member `allOf` is the usual way to add a description to a `$ref` in 3.0 and is
    not reported."""
    for schema, pointer in context.schemas:
        for keyword_name in ("allOf", "anyOf", "oneOf"):
            members = schema.get(keyword_name)
            if not isinstance(members, list):
                continue
            at = f"{pointer}/{keyword_name}"
            if not members:
                yield at, f"`{keyword_name}` is empty"
                continue
            if len(members) == 1 and keyword_name != "allOf" and "discriminator" not in schema:
                yield at, f"`{keyword_name}` with one schema is that schema; use it directly"
            for index, member in enumerate(members):
                if member == {}:
                    yield f"{at}/{index}", f"an empty schema in `{keyword_name}` matches anything"


@rule(
    "schema-all-of-cycle",
    Severity.ERROR,
    "no schema is, through allOf, a member of itself",
)
def no_all_of_cycles(context: LintContext) -> Iterator[Problem]:
    """`A: {allOf: [{$ref: B}]}` and `B: {allOf: [{$ref: A}]}`: each extends the other, so
    neither can be written down (as a class, each would be its own base); `generate` refuses
    such a spec. A schema that holds itself through a property (a tree node) is fine."""
    return ((pointer, message) for _, pointer, message in all_of_cycles(context.spec))


@rule(
    "number-range",
    Severity.WARN,
    "a schema does not bound a number both inclusively and exclusively on one side",
    peers=("redocly:no-mixed-number-range-constraints",),
)
def number_range(context: LintContext) -> Iterator[Problem]:
    """`maximum: 10` with `exclusiveMaximum: 5` (3.1 numbers): only the tighter bound counts,
    and readers rarely see which one it is."""
    for schema, pointer in context.schemas:
        for inclusive, exclusive in (
            ("maximum", "exclusiveMaximum"),
            ("minimum", "exclusiveMinimum"),
        ):
            if _is_number(schema.get(inclusive)) and _is_number(schema.get(exclusive)):
                yield (
                    f"{pointer}/{exclusive}",
                    f"both `{inclusive}` and `{exclusive}`: keep one",
                )


@rule(
    "read-write-only",
    Severity.ERROR,
    "no schema is both `readOnly` and `writeOnly`",
)
def read_write_only(context: LintContext) -> Iterator[Problem]:
    """OpenAPI: a property MUST NOT be marked as both readOnly and writeOnly; such a property
    could be neither sent nor received."""
    for schema, pointer in context.schemas:
        if schema.get("readOnly") is True and schema.get("writeOnly") is True:
            yield (
                pointer + "/writeOnly",
                "both `readOnly` and `writeOnly`: it can be neither sent nor received",
            )


@rule(
    "unused-component",
    Severity.WARN,
    "every component is referenced somewhere",
    peers=("spectral:oas3-unused-component", "redocly:no-unused-components"),
)
def components_used(context: LintContext) -> Iterator[Problem]:
    """A component nothing refers to is dead weight, or a sign a `$ref` points elsewhere by
    mistake. Security schemes count as used when a security requirement names them. A spec that
    is a library of components should turn this rule off for its file."""
    components = context.document.get("components")
    if not isinstance(components, dict):
        return
    referenced = set(context.referenced)
    for schema, _ in context.schemas:
        mapping = (
            schema.get("discriminator", {}).get("mapping")
            if isinstance(schema.get("discriminator"), dict)
            else None
        )
        for target in mapping.values() if isinstance(mapping, dict) else ():
            if isinstance(target, str):
                referenced.add(
                    target[1:]
                    if target.startswith("#")
                    else "/components/schemas/" + escape(target)
                )
    referenced |= {_owner(target) for target in referenced}
    schemes_used = {
        name for requirement, _ in context.security_requirements for name in requirement
    }
    for kind in COMPONENT_KINDS:
        members = components.get(kind)
        for name in members if isinstance(members, dict) else ():
            pointer = f"/components/{kind}/{escape(name)}"
            used = name in schemes_used if kind == "securitySchemes" else pointer in referenced
            if not used:
                yield (
                    pointer,
                    f"components.{kind}.{name} is never {'used' if kind == 'securitySchemes' else 'referenced'}",
                )


@rule(
    "codegen-hazard",
    Severity.WARN,
    "names that collide once they are Python names, or that Python would hide",
)
def codegen_hazards(context: LintContext) -> Iterator[Problem]:
    """Two schema names that make one class name (`pet-item`, `PetItem`), two properties or two
    parameters that make one attribute: the generator renames one, and code written against the
    other name breaks."""
    components = context.document.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    first_of_class: dict[str, str] = {}
    for name in schemas if isinstance(schemas, dict) else ():
        python = class_name(name)
        if python in first_of_class:
            yield (
                f"/components/schemas/{escape(name)}",
                f"schemas `{first_of_class[python]}` and `{name}` both become class {python}; the second is renamed",
            )
        else:
            first_of_class[python] = name
    attribute_of: dict[str, str] = {}  # the same names recur in thousands of schemas
    for schema, pointer in context.schemas:
        properties = schema.get("properties")
        if not isinstance(properties, dict) or len(properties) < 2:
            continue
        seen: dict[str, str] = {}
        for name in properties:
            attribute = attribute_of.get(name)
            if attribute is None:
                attribute = attribute_of[name] = snake_case(name) if name.isidentifier() else name
            if name in seen.values() or (attribute in seen and name != seen[attribute]):
                yield (
                    f"{pointer}/properties/{escape(name)}",
                    f"properties `{seen.get(attribute)}` and `{name}` look alike to Python",
                )
            seen[attribute] = name
    for at in context.operations:
        names: dict[str, str] = {}
        parameters = at.operation.get("parameters")
        for index, parameter in enumerate(parameters if isinstance(parameters, list) else ()):
            if isinstance(parameter, dict) and isinstance(parameter.get("name"), str):
                python = snake_case(parameter["name"])
                if python in names and names[python] != parameter["name"]:
                    yield (
                        f"{at.pointer}/parameters/{index}",
                        f"parameters `{names[python]}` and `{parameter['name']}` both become the argument {python}",
                    )
                names[python] = parameter["name"]


@rule(
    "codegen-rename",
    Severity.INFO,
    "property names that need another Python name (keywords, pydantic members)",
)
def codegen_renames(context: LintContext) -> Iterator[Problem]:
    """`class`, `model_config` or `_id` cannot be attribute names of a pydantic model as they
    are; the model keeps the JSON name as an alias of another attribute. Said so that nobody is
    surprised."""
    reasons: dict[str, str | None] = {}
    for schema, pointer in context.schemas:
        properties = schema.get("properties")
        for name in properties if isinstance(properties, dict) else ():
            if name not in reasons:
                reasons[name] = _rename_reason(name)
            reason = reasons[name]
            if reason:
                yield (
                    f"{pointer}/properties/{escape(name)}",
                    f"property `{name}` {reason}; the model keeps it as the alias of another attribute",
                )


def _rename_reason(name: str) -> str | None:
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return "is a Python keyword"
    if name in _pydantic_members() or name.startswith("model_"):
        return "is a member of pydantic's BaseModel"
    if name.startswith("_"):
        return "starts with an underscore (pydantic would make it private)"
    if not name.isidentifier():
        return "is not a Python identifier"
    return None


def _pydantic_members() -> frozenset[str]:
    global _PYDANTIC_MEMBERS
    if _PYDANTIC_MEMBERS is None:
        _PYDANTIC_MEMBERS = _members_from_source() or _members_from_import()
    return _PYDANTIC_MEMBERS


def _members_from_source() -> frozenset[str]:
    """BaseModel's members as pydantic's main.py declares them, read without importing pydantic
    (a quarter of a second lint would spend on nothing else). Empty if the file looks different;
    a test checks that this equals what `dir(BaseModel)` says."""
    found = importlib.util.find_spec("pydantic")
    if found is None or not found.submodule_search_locations:
        return frozenset()
    main = Path(next(iter(found.submodule_search_locations))) / "main.py"
    try:
        tree = ast.parse(main.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return frozenset()
    model = next(
        (n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "BaseModel"), None
    )
    if model is None:
        return frozenset()
    names = frozenset(name for name in _declared(model.body) if not name.startswith("__"))
    return names if "model_dump" in names else frozenset()


def _declared(body: list[ast.stmt]) -> Iterator[str]:
    for statement in body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            yield statement.name
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            yield statement.target.id
        elif isinstance(statement, ast.Assign):
            yield from (t.id for t in statement.targets if isinstance(t, ast.Name))
        elif isinstance(statement, ast.If):
            yield from _declared(statement.body)
            yield from _declared(statement.orelse)


def _members_from_import() -> frozenset[str]:
    from pydantic import BaseModel

    return frozenset(name for name in dir(BaseModel) if not name.startswith("__"))


_PYDANTIC_MEMBERS: frozenset[str] | None = None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _has_type(value: Any, kind: object) -> bool:
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if kind == "number":
        return _is_number(value)
    expected = _JSON_TYPES.get(str(kind))
    return (
        expected is not None
        and isinstance(value, expected)
        and not (expected is not bool and isinstance(value, bool))
    )


def _owner(pointer: str) -> str:
    """`/components/schemas/A/properties/b` -> `/components/schemas/A`: using a part uses the whole."""
    return "/".join(pointer.split("/")[:4])
