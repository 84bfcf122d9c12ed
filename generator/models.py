"""Stage 3a, models: Pydantic v2 models through datamodel-code-generator, called as a library.

We hand it a document of our own making: only `components.schemas`, every schema under the class
name the IR chose (so client and server know the names), with the faithful-JSON profile's
rewrites applied. Its output is checked for every class the IR promised.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.config import ModelOptions
from generator.errors import SpecError
from generator.imports import sort_import_block
from generator.ir import Api
from generator.load import JsonValue, Spec
from generator.naming import AMBIGUOUS_NAMES
from generator.pointer import join_pointer, split_pointer
from generator.refs import value_at
from generator.render import escape_look_alikes
from generator.type_notes import with_type_checker_notes

# Keywords tolerate.py may find unusable (a default that fails its schema, a pattern pydantic
# cannot compile): `drop_defaults` names those to leave out.
_DROPPABLE = frozenset({"default", "pattern"})
# The methods `WireModel` adds to pydantic's: a field of that name gets a trailing `_`.
WIRE_BASE_MEMBERS = frozenset({"to_dict", "to_json"})
# Keys whose values are data, not schemas: rewrites must not reach into them.
_DATA_KEYS = frozenset({"example", "examples", "default", "enum", "const"})


def datamodel_options(profile: ModelOptions) -> dict[str, Any]:
    """datamodel-code-generator's options for the faithful-JSON profile: what comes in goes out
    unchanged, `model_validate(x).model_dump(mode="json", by_alias=True, exclude_unset=True) == x`
    for every valid payload."""
    # Imported here: a run whose models document is unchanged (see pipeline) takes them from the
    # cache, and never loads datamodel-code-generator (a quarter of a second).
    from datamodel_code_generator import DataModelType, LiteralType, PythonVersion

    return {
        "output_model_type": DataModelType.PydanticV2BaseModel,
        "target_python_version": PythonVersion.PY_310,
        "extra_fields": "allow" if profile.keep_unknown_fields else "ignore",
        "strict_nullable": True,  # a required, nullable field still accepts null
        "allow_population_by_field_name": True,  # `schema_` and `schema` both populate
        # A field called `l`, `O` or `I` is `l_` (wire name kept as alias): ruff refuses the
        # letters as names (E741).
        "aliases": {name: name + "_" for name in sorted(AMBIGUOUS_NAMES | WIRE_BASE_MEMBERS)},
        # Every enum a `Literal`: open enums (`anyOf: [{enum: [...]}, {type: string}]`) stay
        # `Literal[...] | str`, and no Enum class rewrites a value.
        "enum_field_as_literal": LiteralType.All,
        "use_annotated": True,
        "field_constraints": True,
        "use_schema_description": True,
        "use_field_description": True,
        "use_double_quotes": True,
        "keep_model_order": False,
        "disable_timestamp": True,
        "formatters": [],  # black runs once, over every file, in `format`
        # A property's default stays on the property: copied onto the root models made of
        # its `anyOf` branches, a string default would land on an integer branch.
        "keep_field_defaults_off_branch_roots": True,
        # `format: email` as a string: pydantic's EmailStr needs email-validator, which the
        # package does not declare (and it rewrites what it reads).
        "type_mappings": ["email=string", "idn-email=string"],
    }


def render_models(
    spec: Spec,
    api: Api,
    profile: ModelOptions | None = None,
    drop_defaults: frozenset[str] = frozenset(),
) -> str:
    """The source of models.py (unformatted, without our header). `drop_defaults` are pointers of
    `default`s to leave out (those that do not match their schema: see tolerate.py), and of
    `pattern`s pydantic cannot compile."""
    profile = profile or ModelOptions()
    return models_source(models_document(spec, api, profile, drop_defaults), api, profile)


def models_source(document: dict[str, JsonValue], api: Api, profile: ModelOptions) -> str:
    """The source of models.py for the document `models_document` made: all that it depends
    on is that document, the profile, datamodel-code-generator and this code."""
    if not api.models:  # datamodel-code-generator refuses a document without schemas
        return (
            "from __future__ import annotations\n\nfrom typing import Any, Literal\n\n"
            "from pydantic import BaseModel, ConfigDict\n" + _WIRE_BASE_CLASS
        )
    from datamodel_code_generator import InputFileType, generate

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its FutureWarnings speak of its CLI, not of the spec
        try:
            source = generate(
                document, input_file_type=InputFileType.OpenAPI, **datamodel_options(profile)
            )
        except (
            Exception
        ) as error:  # it raises many kinds; each means "these schemas cannot be modelled"
            raise SpecError(
                f"the schemas cannot be turned into models: {_first_line(error)}"
            ) from None
    if not isinstance(source, str):
        raise SpecError("the schemas cannot be turned into models: expected one module")
    _check_promised_classes(source, api)
    # Descriptions with blank-but-indented lines would leave whitespace at line ends (ruff W291/W293).
    source = re.sub(r"[ \t]+$", "", _without_banner(source), flags=re.MULTILINE)
    source, needs = _constrained_types_as_annotated(source)
    source = escape_look_alikes(source)  # its string literals are never raw: it escapes `\`
    tree = ast.parse(source)
    source = with_type_checker_notes(source, tree)  # adds no line: the tree still fits
    base_imports = ("from typing import Any, Literal", "from pydantic import BaseModel, ConfigDict")
    source = sort_import_block(source, (*base_imports, *needs), tree)
    return _on_wire_base(source)


WIRE_BASE = "WireModel"  # reserved in naming.RESERVED_MODULE_NAMES, so no schema takes it
_WIRE_BASE_CLASS = f"""

class {WIRE_BASE}(BaseModel):
    \"\"\"The base of every model here: pydantic's, letting a field be named `model_dump_`, with
    `to_dict()` and `to_json()`, the faithful dump (wire names, fields that were never set left
    out, explicit nulls kept), as the openai SDK's models have them.

    A spec property called `model_dump` becomes the attribute `model_dump_` (wire name kept as
    its alias); pydantic's protected namespaces would warn about it on every import. One called
    `to_dict` or `to_json` becomes `to_dict_` or `to_json_` the same way.
    \"\"\"

    model_config = ConfigDict(protected_namespaces=())

    def to_dict(
        self,
        *,
        mode: Literal["json", "python"] = "python",
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_none: bool = False,
    ) -> dict[str, Any]:
        \"\"\"The model as a dict, as the wire has it (`mode="json"`: JSON values only).\"\"\"
        return self.model_dump(
            mode=mode, by_alias=use_api_names, exclude_unset=exclude_unset, exclude_none=exclude_none
        )

    def to_json(
        self,
        *,
        indent: int | None = 2,
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_none: bool = False,
    ) -> str:
        \"\"\"The model as JSON text, as the wire has it.\"\"\"
        return self.model_dump_json(
            indent=indent,
            by_alias=use_api_names,
            exclude_unset=exclude_unset,
            exclude_none=exclude_none,
        )
"""


def _on_wire_base(source: str) -> str:
    """Put `WireModel` under every generated model (datamodel-code-generator writes `BaseModel`)."""
    source = re.sub(r"^(class \w+)\(BaseModel\):", rf"\1({WIRE_BASE}):", source, flags=re.MULTILINE)
    first_class = source.find("\nclass ")
    if first_class < 0:
        return source
    return source[:first_class] + _WIRE_BASE_CLASS + source[first_class:]


def models_document(
    spec: Spec, api: Api, profile: ModelOptions, drop_defaults: frozenset[str] = frozenset()
) -> dict[str, JsonValue]:
    rename = {model.pointer: model.class_name for model in api.models}
    rename.update({alias: model.class_name for model in api.models for alias in model.aliases})
    rewrite = _Rewriter(spec, rename, profile, drop_defaults)
    aliased = _alias_ends(spec, api, rename)
    schemas = {
        model.class_name: _without_root_deprecation(
            {"$ref": "#" + join_pointer("components", "schemas", aliased[model.class_name])}
            if model.class_name in aliased
            else rewrite.schema(value_at(spec, model.pointer), model.pointer)
        )
        for model in api.models
    }
    schemas = {name: _one_enum_all_of_as_ref(schema, schemas) for name, schema in schemas.items()}
    return {
        "openapi": str(spec.document.get("openapi")),
        "info": {"title": "models", "version": "0"},
        "paths": {},
        "components": {"schemas": schemas},
    }


# Keywords that say something of a schema without changing the values it allows (besides
# `default`, which datamodel-code-generator reads beside a `$ref` as well).
_ANNOTATIONS = frozenset(
    {"title", "description", "default", "example", "examples", "deprecated", "readOnly",
     "writeOnly", "externalDocs", "xml", "$comment"}
)  # fmt: skip


def _one_enum_all_of_as_ref(schema: JsonValue, schemas: Mapping[str, JsonValue]) -> JsonValue:
    """A class that is `allOf` one `$ref` to an enum, with only annotations beside it (how
    FastAPI writes an enum parameter with a description or a default), said as that `$ref` with
    the annotations: the same values, and datamodel-code-generator writes a class for it (for the
    `allOf` form it writes none, and the class the package promises would be missing)."""
    if not isinstance(schema, dict) or not set(schema) - {"allOf"} <= _ANNOTATIONS:
        return schema
    members = schema.get("allOf")
    if not (isinstance(members, list) and len(members) == 1 and isinstance(members[0], dict)):
        return schema
    ref = members[0].get("$ref")
    if set(members[0]) != {"$ref"} or not isinstance(ref, str):
        return schema
    target = (
        schemas.get(ref.rsplit("/", 1)[-1]) if ref.startswith("#/components/schemas/") else None
    )
    if not (isinstance(target, dict) and "enum" in target):
        return schema
    return {"$ref": ref, **{key: value for key, value in schema.items() if key != "allOf"}}


def _alias_ends(spec: Spec, api: Api, rename: Mapping[str, str]) -> dict[str, str]:
    """Class name -> the class its chain of aliases ends at, for every schema that is only a
    `$ref` to another class (`S0: {$ref: S1}`, `S1: {$ref: S2}`...). Handed to
    datamodel-code-generator as `S0 -> S2` and `S1 -> S2`, the same JSON, it writes each as one
    root model of the end (a chain of root models nests a validation per link), and its own
    passes, which take time that grows with the square of a chain's length, stay linear."""
    next_of: dict[str, str] = {}
    for model in api.models:
        value = value_at(spec, model.pointer)
        ref = value.get("$ref") if isinstance(value, dict) and len(value) == 1 else None
        if isinstance(ref, str) and ref.startswith("#/"):
            target = rename.get(spec.unspliced(ref[1:]))
            if target is not None and target != model.class_name:
                next_of[model.class_name] = target
    ends: dict[str, str] = {}
    for start in next_of:
        chain = [start]
        while chain[-1] in next_of and chain[-1] not in ends and len(chain) <= len(next_of):
            chain.append(next_of[chain[-1]])
        end = ends.get(chain[-1], chain[-1])
        for name in chain[:-1] if chain[-1] not in ends else chain:
            ends.setdefault(name, end)
    return {name: end for name, end in ends.items() if name != end}


# Keywords datamodel-code-generator reads that neither OpenAPI nor JSON Schema defines: it would
# import the module a spec names (`customTypePath: some.module.Type`) or change the classes it
# writes. A spec's extensions (`x-python-type`, `x-is-base-class`, ...) are for other tools.
_GENERATOR_ONLY_KEYWORDS = frozenset({"customTypePath", "customBasePath", "$id", "$schema"})


@dataclass(frozen=True)
class _Rewriter:
    spec: Spec
    rename: Mapping[str, str]
    profile: ModelOptions
    drop_defaults: frozenset[str] = frozenset()
    # Pointers of schemas being written out in place of a reference to them (see `_inline`).
    inlining: list[str] = field(default_factory=list)

    def schema(self, value: JsonValue, pointer: str) -> JsonValue:
        if isinstance(value, list):
            return [self.schema(item, f"{pointer}/{index}") for index, item in enumerate(value)]
        if not isinstance(value, dict):
            return value
        result = {
            key: item if key in _DATA_KEYS else self.schema(item, _child(pointer, key))
            for key, item in value.items()
            if not (key in _DROPPABLE and pointer + "/" + key in self.drop_defaults)
            and not key.startswith("x-")
            and key not in _GENERATOR_ONLY_KEYWORDS
        }
        if isinstance(result.get("$ref"), str):
            ref = self._ref(result["$ref"])
            if isinstance(ref, dict):
                siblings = {key: item for key, item in result.items() if key != "$ref"}
                result = {**ref, **siblings}
            else:
                result["$ref"] = ref
        if result.get("format") == "password":
            # A hint for forms, not a type: as pydantic's SecretStr, a password would be sent
            # and dumped as "**********".
            del result["format"]
        if self.profile.keep_integers:
            result = _number_keeps_integers(result)
        if result.get("nullable") is True:
            result = _nullable_as_type(result)
        return result

    def _ref(self, ref: str) -> str | dict[str, JsonValue]:
        """Point a reference at the renamed schema (or into it); a reference to a schema that is
        no class (a plain string schema in another file) becomes that schema, written out."""
        if not ref.startswith("#/"):
            return ref
        target = self.spec.unspliced(ref[1:])
        tokens = split_pointer(target)
        for length in range(len(tokens), 0, -1):
            owner = join_pointer(*tokens[:length])
            if owner in self.rename:
                return "#" + join_pointer(
                    "components", "schemas", self.rename[owner], *tokens[length:]
                )
        return self._inline(target)

    def _inline(self, target: str) -> dict[str, JsonValue]:
        if target in self.inlining:  # analyse names a schema that holds itself (_on_cycles)
            raise AssertionError(f"#{target} holds itself and has no class")
        self.inlining.append(target)
        try:
            value = self.schema(value_at(self.spec, target), target)
        finally:
            self.inlining.pop()
        return value if isinstance(value, dict) else {}


def _without_root_deprecation(schema: JsonValue) -> JsonValue:
    """`deprecated` on a whole schema marks no field; on a root model it would mark `root`, which
    pydantic then refuses to read (AttributeError: root)."""
    if isinstance(schema, dict) and "deprecated" in schema:
        return {key: value for key, value in schema.items() if key != "deprecated"}
    return schema


def _child(pointer: str, key: str) -> str:
    return pointer + "/" + key.replace("~", "~0").replace("/", "~1")


_CONSTRAINED = re.compile(r"\bcon(int|float)\(([^()]*)\)")
_PYDANTIC_IMPORT = re.compile(r"^from pydantic import (.*)$", re.MULTILINE)


def _constrained_types_as_annotated(source: str) -> tuple[str, tuple[str, ...]]:
    """`conint(ge=0)` -> `Annotated[int, Field(ge=0)]`: the same to pydantic, and a type to mypy
    (datamodel-code-generator writes con* calls inside unions, which type checkers reject).
    Returns the source and the imports it now needs."""
    if not _CONSTRAINED.search(source):
        return source, ()
    imported = _PYDANTIC_IMPORT.search(source)
    names = [name.strip() for name in imported[1].split(",")] if imported else []
    field = next((name.split(" as ")[1] for name in names if name.startswith("Field as ")), "Field")
    source = _CONSTRAINED.sub(lambda m: f"Annotated[{m[1]}, {field}({m[2]})]", source)
    kept = [name for name in names if name not in ("conint", "confloat")]
    source = _PYDANTIC_IMPORT.sub(
        lambda m: f"from pydantic import {', '.join(kept)}", source, count=1
    )
    needs = ("from typing import Annotated",) + (
        ("from pydantic import Field",) if field == "Field" else ()
    )
    return source, needs


def _number_keeps_integers(schema: dict[str, Any]) -> dict[str, Any]:
    declared = schema.get("type")
    if declared == "number":
        return {**schema, "type": ["integer", "number"]}
    if isinstance(declared, list) and "number" in declared and "integer" not in declared:
        return {**schema, "type": ["integer", *declared]}
    return schema


def _nullable_as_type(schema: dict[str, Any]) -> dict[str, Any]:
    """OpenAPI 3.0's `nullable: true` as 3.1 says it (OpenAI's 3.1 spec still uses the 3.0 form)."""
    rest = {key: value for key, value in schema.items() if key != "nullable"}
    declared = rest.get("type")
    if isinstance(rest.get("enum"), list) and None not in rest["enum"]:
        rest["enum"] = [*rest["enum"], None]
    if isinstance(declared, str):
        return {**rest, "type": [declared, "null"]}
    if isinstance(declared, list):
        return {**rest, "type": [*declared, "null"]} if "null" not in declared else rest
    outer: dict[str, Any] = {
        key: rest.pop(key) for key in ("description", "title", "default") if key in rest
    }
    return {**outer, "anyOf": [rest, {"type": "null"}]}


def _check_promised_classes(source: str, api: Api) -> None:
    defined = set(re.findall(r"^class (\w+)\b", source, flags=re.MULTILINE))
    defined |= set(re.findall(r"^(\w+)\s*(?::\s*TypeAlias\s*)?=", source, flags=re.MULTILINE))
    missing = [model.class_name for model in api.models if model.class_name not in defined]
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise SpecError(f"datamodel-code-generator did not produce the classes {shown}")


def _without_banner(source: str) -> str:
    """Drop datamodel-code-generator's own header: ours, with the spec's hash, replaces it."""
    lines = source.splitlines(keepends=True)
    start = 0
    while start < len(lines) and (lines[start].startswith("#") or not lines[start].strip()):
        start += 1
    return "".join(lines[start:])


def _first_line(error: BaseException) -> str:
    message = str(error).strip().splitlines()
    return message[0] if message else type(error).__name__
