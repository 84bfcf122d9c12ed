"""Stage 3a, models, last step: a note on each field that is right at run time and wrong to mypy.

Two kinds of field in datamodel-code-generator's output type-check badly though pydantic handles
them as the spec means:

- a JSON default that pydantic validates into the field's type (`validate_default=True`), such as
  `"medium"` for a field typed as the RootModel of an enum;
- a field that an `allOf` subclass gives another type than its base does (OpenAI's spec narrows a
  status enum, or names the same integer range twice): what allOf means, and what pydantic allows,
  but not a subtype to mypy.

Such a line gets `# type: ignore[assignment, unused-ignore]`. Defaults and overrides that a type
checker accepts as they are (`"auto"` for `Literal["auto"] | X`, `str` over `str | None`) get
nothing; `unused-ignore` keeps a note harmless where a checker follows more than we judge here.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

NOTE = "  # type: ignore[assignment, unused-ignore]"


@dataclass(frozen=True)
class _Field:
    annotation: ast.expr
    shape: str  # ast.dump of the annotation: equal shapes are equal types


def with_type_checker_notes(source: str, tree: ast.Module) -> str:
    """`source` (whose parse is `tree`) with the note on each such field; no line is added."""
    fields_of: dict[str, dict[str, _Field]] = {}
    bases_of: dict[str, list[str]] = {}
    marked: set[int] = set()
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        bases_of[node.name] = [base.id for base in node.bases if isinstance(base, ast.Name)]
        inherited = _inherited_fields(node.name, fields_of, bases_of)
        fields = fields_of.setdefault(node.name, {})
        for statement in node.body:
            if not (
                isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
            ):
                continue
            field = _Field(statement.annotation, ast.dump(statement.annotation))
            fields[statement.target.id] = field
            base_field = inherited.get(statement.target.id)
            checker_balks = (
                statement.value is not None
                and _validates_default(statement.annotation)
                and not _default_fits(statement.annotation, statement.value)
            ) or (base_field is not None and not _narrows(field, base_field))
            if checker_balks and statement.lineno == statement.end_lineno:  # a line for the note
                marked.add(statement.lineno - 1)
    lines = source.splitlines(keepends=True)
    for index in marked:
        lines[index] = lines[index].rstrip("\n") + NOTE + "\n"
    return "".join(lines)


def _inherited_fields(
    name: str, fields_of: dict[str, dict[str, _Field]], bases_of: dict[str, list[str]]
) -> dict[str, _Field]:
    """The fields a class inherits from the classes of this module above it, as Python resolves
    them: a base's own fields over its ancestors', an earlier base over a later one."""
    inherited: dict[str, _Field] = {}
    for base in bases_of.get(name, []):
        through_base = {**_inherited_fields(base, fields_of, bases_of), **fields_of.get(base, {})}
        for field_name, field in through_base.items():
            inherited.setdefault(field_name, field)
    return inherited


def _validates_default(annotation: ast.expr) -> bool:
    return any(
        keyword.arg == "validate_default"
        for call in ast.walk(annotation)
        if isinstance(call, ast.Call)
        for keyword in call.keywords
    )


def _default_fits(annotation: ast.expr, default: ast.expr) -> bool:
    """Whether a type checker takes the literal `default` for the annotation as it is."""
    try:
        value = ast.literal_eval(default)
    except ValueError:
        return False
    return any(_accepts(member, value) for member in _members(annotation))


def _narrows(field: _Field, base: _Field) -> bool:
    """Whether the field's type is the base's or, member by member, part of it."""
    if field.shape == base.shape:
        return True
    base_members = _members(base.annotation)
    base_shapes = {ast.dump(member) for member in base_members}
    for member in _members(field.annotation):
        if ast.dump(member) in base_shapes:
            continue
        values = _literal_values(member)
        if values is None or not all(
            any(_accepts(base_member, value) for base_member in base_members) for value in values
        ):
            return False
    return True


def _members(annotation: ast.expr) -> list[ast.expr]:
    """The members of a union annotation, with `Annotated[...]` unwrapped."""
    if isinstance(annotation, ast.Subscript) and _name(annotation.value) == "Annotated":
        inner = annotation.slice
        return _members(inner.elts[0] if isinstance(inner, ast.Tuple) else inner)
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return _members(annotation.left) + _members(annotation.right)
    return [annotation]


def _accepts(member: ast.expr, value: object) -> bool:
    """Whether the single (non-union) type `member` holds the JSON value `value` to mypy."""
    if isinstance(member, ast.Constant) and member.value is None:
        return value is None
    values = _literal_values(member)
    if values is not None:
        return any(type(value) is type(allowed) and value == allowed for allowed in values)
    name = _name(member.value if isinstance(member, ast.Subscript) else member)
    if name == "Any":
        return True
    if isinstance(value, bool):
        return name == "bool"
    if isinstance(value, int):
        return name in ("int", "float")
    if isinstance(value, float):
        return name == "float"
    if isinstance(value, str):
        return name == "str"
    return value in ([], {}) and name == type(value).__name__  # empty list or dict


def _literal_values(member: ast.expr) -> list[object] | None:
    if not (isinstance(member, ast.Subscript) and _name(member.value) == "Literal"):
        return None
    elements = member.slice.elts if isinstance(member.slice, ast.Tuple) else [member.slice]
    try:
        return [ast.literal_eval(element) for element in elements]
    except ValueError:
        return None


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None
