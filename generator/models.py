"""Stage 3a, models: Pydantic v2 models through datamodel-code-generator, called as a library.

We hand it a document of our own making: only `components.schemas`, every schema under the class
name the IR chose (so client and server know the names), with the faithful-JSON profile's
rewrites applied. Its output is checked for every class the IR promised, then finished by
model_source.py.

The profile: a model accepts what its schema allows and gives back what it got.

- A string `format` the runtime checks (date-time, uri, uuid, email, ...) is typed as the
  runtime's class for it (`_formats.py`), which checks the text and keeps it; other formats are
  annotations (a number's `int64`, `double`), except `binary` (file content, bytes).
- `enum` and `const` of numbers or booleans are checked by JSON's equality (`JsonEnum`):
  `Literal` would take `true` for `1` and turn `1.0` into `1`.
- A `pattern` means what ECMA-262 says (patterns.py): translated for pydantic's engine where it
  compiles there, else checked by the `regex` package (`EcmaPattern`).
- `prefixItems` is a tuple, each position typed (`PrefixItems`); `items: false` closes it.
- An optional property whose schema does not allow `null` is marked, and model_source.py puts
  `NOT_NULL` on its field: absent stays absent, an explicit `null` is refused.
- `nullable: true` (OpenAPI 3.0) is said as 3.1 says it; `deprecated` that is no boolean is
  dropped (pydantic refuses it); a `number` may be an integer (`keep_integers`).
"""

from __future__ import annotations

import ast
import gc
import itertools
import json
import multiprocessing
import re
import signal
import warnings
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from generator.collector import collector_off
from generator.config import ModelOptions
from generator.errors import SpecError
from generator.imports import (
    drop_imports_unused_by,
    names_used,
    names_used_beside_imports,
    sort_import_block,
)
from generator.ir import Api
from generator.load import JsonValue, Spec
from generator.model_pieces import join, piece_document, pieces, repeated_names
from generator.model_source import (
    NOT_NULL_KEY,
    RUNTIME_NAMES,
    finish_body,
    head_tree,
    with_constants_and_imports,
)
from generator.naming import AMBIGUOUS_NAMES
from generator.patterns import PatternError, engine_for
from generator.pointer import join_pointer, split_pointer
from generator.refs import deref, tag_values, value_at
from generator.render import escape_look_alikes
from generator.runtime import FORMAT_CLASSES
from generator.type_notes import with_type_checker_notes

_EXTRAS = "x-specsmith-models"  # the document's key for what models_source needs besides
# The methods `WireModel` adds to pydantic's: a field of that name gets a trailing `_`.
WIRE_BASE_MEMBERS = frozenset({"to_dict", "to_json"})
# Keys whose values are data, not schemas: rewrites must not reach into them.
_DATA_KEYS = frozenset({"example", "examples", "default", "enum", "const"})
# Keys whose values map names to schemas: a property may be called `format` or `nullable`.
_SCHEMA_MAPS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)
# What models.py imports besides pydantic's own: a field by one of these names gets a trailing
# `_` (its wire name kept as alias), or it would shadow the name in its class.
MODULE_NAMES = frozenset(
    {"Annotated", "Any", "Literal", "BaseModel", "ConfigDict", "Field", "RootModel", "Unpack"}
    | RUNTIME_NAMES
)


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
        # letters as names (E741). One called as something the module imports (`Field`,
        # `Literal`) would shadow it in its class, and one called as a method `WireModel` adds
        # (`to_dict`) would hide it.
        "aliases": {
            name: name + "_" for name in sorted(AMBIGUOUS_NAMES | MODULE_NAMES | WIRE_BASE_MEMBERS)
        },
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
        "field_extra_keys": {NOT_NULL_KEY},  # read back by model_source.py
    }


def render_models(
    spec: Spec,
    api: Api,
    profile: ModelOptions | None = None,
    drop_defaults: frozenset[str] = frozenset(),
) -> str:
    """The source of models.py (unformatted, without our header). `drop_defaults` are pointers of
    `default`s, `pattern`s and other keywords to leave out (those that cannot mean what the schema
    says: see tolerate.py), and of members of `allOf`, `properties`... to read as `{}`."""
    profile = profile or ModelOptions()
    return models_source(models_document(spec, api, profile, drop_defaults), api, profile)


def models_source(document: dict[str, JsonValue], api: Api, profile: ModelOptions) -> str:
    """The source of models.py for the document `models_document` made: all that it depends
    on is that document, the profile, datamodel-code-generator and this code."""
    if not api.models:  # datamodel-code-generator refuses a document without schemas
        return "from __future__ import annotations\n"
    extras = document.get(_EXTRAS)
    extras = extras if isinstance(extras, dict) else {}
    constants = extras.get("constants")
    constants = constants if isinstance(constants, dict) else {}
    hoisted = extras.get("hoisted")
    hoisted = hoisted if isinstance(hoisted, list) else []
    document = {key: value for key, value in document.items() if key != _EXTRAS}
    modules = _modelled(document, profile)
    defined = _defined_names(modules)
    _check_promised_classes(defined, [model.class_name for model in api.models])
    _check_promised_classes(defined, [str(name) for name in hoisted])
    # The syntax trees made from here on have no cycles (reference counting frees them), and
    # the collector, left on, would walk their millions of nodes again and again: on 10,000
    # schemas, more than half of the time spent after datamodel-code-generator.
    with collector_off():
        return _finished(modules, {str(key): str(value) for key, value in constants.items()})


def _modelled(document: dict[str, JsonValue], profile: ModelOptions) -> list[str]:
    """datamodel-code-generator's modules for the document, without their banners: one, or one
    a piece where the document may be modelled in pieces (see model_pieces.py)."""
    components = document["components"]
    assert isinstance(components, dict) and isinstance(components["schemas"], dict)
    groups = pieces(components["schemas"])
    if len(groups) > 1:
        modules = _generated_side_by_side(
            [piece_document(document, group) for group in groups], profile
        )
        if not repeated_names(modules):
            return modules
    return [_generated(document, profile)]


def _generated_side_by_side(
    documents: list[dict[str, JsonValue]], profile: ModelOptions
) -> list[str]:
    """`_generated` of each piece, two at a time in processes of their own (each holds one
    piece's parse, so memory stays bounded while both cores work)."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    try:
        with ProcessPoolExecutor(2, mp_context=context, initializer=_ignore_interrupts) as pool:
            return list(pool.map(_generated, documents, itertools.repeat(profile)))
    except (OSError, BrokenProcessPool):  # no processes to be had here: one after another
        return [_generated(document, profile) for document in documents]


def _ignore_interrupts() -> None:
    """Ctrl-C is for the generator, which stops the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _generated(document: dict[str, JsonValue], profile: ModelOptions) -> str:
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
    gc.collect()  # what it leaves behind is garbage in cycles: gone before the next piece
    return _without_banner(source)


def _finished(modules: list[str], constants: Mapping[str, str]) -> str:
    """datamodel-code-generator's modules on our terms (see model_source.py), each finished on
    its own (a piece's syntax tree is all that is held at a time), joined, imports sorted and
    those nothing uses dropped."""
    texts: list[str] = []
    needs: set[str] = set()
    used: set[str] = set()
    for module in modules:
        text, module_needs, module_used = _finished_piece(module)
        texts.append(text)
        needs.update(module_needs)
        used |= module_used
    source = texts[0] if len(texts) == 1 else join(texts)
    source, prologue = with_constants_and_imports(source, constants)
    used |= names_used(prologue)
    source = escape_look_alikes(source)  # the constants' strings too; the rest is escaped
    source = sort_import_block(source, tuple(sorted(needs)), head_tree(source))
    return drop_imports_unused_by(source, _imports_head(source), used)


def _finished_piece(module: str) -> tuple[str, tuple[str, ...], set[str]]:
    """A module finished but for its prologue; the imports it needs besides its own, and the
    names it uses."""
    # Descriptions with blank-but-indented lines would leave whitespace at line ends (ruff W291/W293).
    source = re.sub(r"[ \t]+$", "", module, flags=re.MULTILINE)
    source, needs = _constrained_types_as_annotated(source)
    source = finish_body(source)
    source = escape_look_alikes(source)  # its string literals are never raw: it escapes `\`
    tree = ast.parse(source)
    source = with_type_checker_notes(source, tree)  # adds no line: the tree still fits
    return source, needs, names_used_beside_imports(tree)  # comments change no use


def models_document(
    spec: Spec,
    api: Api,
    profile: ModelOptions,
    drop_defaults: frozenset[str] = frozenset(),
    rewrite: _Rewriter | None = None,
) -> dict[str, JsonValue]:
    rewrite = rewrite or _Rewriter(spec, api, profile, drop_defaults)
    aliased = _alias_ends(spec, api, rewrite.rename)
    schemas: dict[str, JsonValue] = {}
    for model in api.models:
        rewrite.owner = model.class_name
        if model.class_name in aliased:
            end = aliased[model.class_name]
            schema: JsonValue = {"$ref": "#" + join_pointer("components", "schemas", end)}
        else:
            schema = rewrite.schema(value_at(spec, model.pointer), model.pointer)
        schemas[model.class_name] = _without_root_deprecation(schema)
    schemas = {name: _one_enum_all_of_as_ref(schema, schemas) for name, schema in schemas.items()}
    schemas.update(rewrite.hoisted)
    return {
        "openapi": str(spec.document.get("openapi")),
        "info": {"title": "models", "version": "0"},
        "paths": {},
        "components": {"schemas": schemas},
        # What models_source needs besides (datamodel-code-generator never sees it), so that the
        # document alone decides models.py, as the pipeline's cache assumes.
        _EXTRAS: {"constants": dict(rewrite.constants), "hoisted": sorted(rewrite.hoisted)},
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


_PYTHON_TYPE = "x-python-type"  # datamodel-code-generator writes this annotation as the type
_PLAIN_TYPES = {
    '"string"': "str",
    '"integer"': "int",
    '["integer", "number"]': "int | float",
    '"number"': "float",
    '"boolean"': "bool",
    '"null"': "None",
}
_STRING_OR_NULL = (["string", "null"], ["null", "string"])
_OUTER_KEYS = frozenset(
    {"description", "title", "default", "deprecated", "readOnly", "writeOnly", "examples"}
)


class _Rewriter:
    """The faithful-JSON profile's rewrites of one document's schemas, and what they need besides:
    the module-level constants the models refer to (`_ENUM_1 = JsonEnum(...)`, by expression),
    and the schemas of tuple positions hoisted into classes of their own (by class name)."""

    def __init__(
        self, spec: Spec, api: Api, profile: ModelOptions, drop: frozenset[str] = frozenset()
    ) -> None:
        self.spec = spec
        self.rename = {model.pointer: model.class_name for model in api.models}
        self.rename.update(
            {alias: model.class_name for model in api.models for alias in model.aliases}
        )
        self.profile = profile
        self.drop = drop
        self.owner = ""  # the class whose schema is being rewritten
        self.constants: dict[str, str] = {}
        self.hoisted: dict[str, JsonValue] = {}
        self._taken = {model.class_name for model in api.models}
        # Pointers of schemas being written out in place of a reference to them (see `_inline`).
        self.inlining: list[str] = []

    def schema(self, value: JsonValue, pointer: str) -> JsonValue:
        if pointer in self.drop:  # a member of `allOf`, `properties`... that is no schema
            return {}
        if isinstance(value, list):
            return [self.schema(item, f"{pointer}/{index}") for index, item in enumerate(value)]
        if not isinstance(value, dict):
            return value
        result: dict[str, Any] = {}
        for key, item in value.items():
            at = _child(pointer, key)
            # A spec's extensions (`x-python-type`, ...) and the keywords only
            # datamodel-code-generator reads are for other tools: never handed to it.
            if at in self.drop or key.startswith("x-") or key in _GENERATOR_ONLY_KEYWORDS:
                continue
            if key in _DATA_KEYS:
                result[key] = item
            elif key in _SCHEMA_MAPS and isinstance(item, dict):  # names, not keywords, as keys
                result[key] = {
                    name: self.schema(sub, _child(at, name)) for name, sub in item.items()
                }
            else:
                result[key] = self.schema(item, at)
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
        if isinstance(result.get("discriminator"), dict):
            result["discriminator"] = self._discriminator(value, pointer, result["discriminator"])
        if "deprecated" in result and not isinstance(result["deprecated"], bool):
            del result["deprecated"]  # JSON Schema says a boolean; pydantic refuses anything else
        if self.profile.keep_integers:
            result = _number_keeps_integers(result)
        if result.get("nullable") is True:
            result = _nullable_as_type(result)
        result.pop("nullable", None)
        result = self._enum_of_numbers(result) or self._pattern(self._format(result))
        result = self._prefix_items(result)
        if isinstance(value.get("properties"), dict) and isinstance(result.get("properties"), dict):
            self._mark_not_null(value, result, pointer)
        return result

    def _discriminator(
        self, value: dict[str, Any], pointer: str, discriminator: dict[str, Any]
    ) -> dict[str, Any]:
        """The discriminator with a mapping entry for every tag value of every variant.

        Without one, a variant is known by its schema's name (OpenAPI's implicit mapping), and
        datamodel-code-generator types its tag `Literal["<ClassName>"]`, refusing the values the
        variant's schema lists (`type: {enum: [eq, ne]}`). Left as written when the tags cannot
        decide (a variant without a value, or a value two share): `tolerate` warns of those."""
        tag = discriminator.get("propertyName")
        variants = value.get("oneOf") or value.get("anyOf")
        if not isinstance(tag, str) or not isinstance(variants, list):
            return discriminator
        written = discriminator.get("mapping")
        written = written if isinstance(written, dict) else {}
        mapping = {
            key: self._class_ref(ref) if isinstance(ref, str) else ref
            for key, ref in written.items()
        }
        owners: dict[Any, str] = {}
        for index, variant in enumerate(variants):
            ref = _variant_ref(variant, pointer)
            if ref is None:
                return discriminator
            tags = tag_values(self.spec, {"$ref": ref}, f"{pointer}/oneOf/{index}", tag)
            tags += [key for key, target in written.items() if target == ref and key not in tags]
            if not tags or any(owners.get(item, ref) != ref for item in tags):
                return discriminator
            owners.update(dict.fromkeys(tags, ref))
        for item, ref in owners.items():
            if isinstance(item, str):
                mapping.setdefault(item, self._class_ref(ref))
        return {**discriminator, "mapping": mapping}

    def _class_ref(self, ref: str) -> str:
        """`_ref` for a discriminator's mapping, which names classes: a schema that is no class
        keeps the reference as written."""
        renamed = self._ref(ref)
        return renamed if isinstance(renamed, str) else ref

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

    def _constant(self, prefix: str, expression: str) -> str:
        """The name of the module-level constant holding `expression` (one per expression)."""
        if expression not in self.constants:
            self.constants[expression] = f"_{prefix}_{len(self.constants) + 1}"
        return self.constants[expression]

    def _enum_of_numbers(self, schema: dict[str, Any]) -> dict[str, Any] | None:
        """An `enum` or `const` with numbers or booleans, checked by JSON's equality."""
        values = schema.get("enum") if "enum" in schema else None
        if values is None and "const" in schema:
            values = [schema["const"]]
        if not isinstance(values, list) or not any(
            isinstance(value, bool | int | float) for value in values
        ):
            return None
        if any(isinstance(value, dict | list) for value in values):
            return None  # objects or arrays beside the numbers: left as datamodel writes them
        literal = [repr(value) for value in values if isinstance(value, bool | int | str)]
        members = [f"Literal[{', '.join(literal)}]"] if literal else []
        members += ["float"] if any(type(value) is float for value in values) else []
        members += ["None"] if None in values else []
        check = self._constant("ENUM", f"JsonEnum({', '.join(repr(value) for value in values)})")
        rest = {key: item for key, item in schema.items() if key not in ("enum", "const")}
        # One declared type (any will do, the annotation is ours): datamodel-code-generator
        # writes an annotation only where it differs from what one type would make.
        kind = "boolean" if all(isinstance(value, bool) for value in values) else "number"
        return {**rest, "type": kind, _PYTHON_TYPE: f"Annotated[{' | '.join(members)}, {check}]"}

    def _format(self, schema: dict[str, Any]) -> dict[str, Any]:
        """A string format as the runtime's class that checks it and keeps the text; any other
        format (of numbers, or one the runtime does not check) as the annotation it is."""
        kind = schema.get("format")
        if kind is None:
            return schema
        rest = {key: item for key, item in schema.items() if key != "format"}
        # binary: a file's content, bytes (from a form) or text (in JSON)
        checked = "FileBytes" if kind == "binary" else FORMAT_CLASSES.get(str(kind))
        if checked is None or "enum" in rest or "const" in rest or _PYTHON_TYPE in rest:
            return rest
        if rest.get("type") == "string":
            return {**rest, _PYTHON_TYPE: checked}
        if rest.get("type") in _STRING_OR_NULL:
            split = _or_null(rest, {_PYTHON_TYPE: checked})
            split["anyOf"][0] = self._pattern(split["anyOf"][0])
            return split
        return rest  # a format beside other types than string: no type to give it

    def _pattern(self, schema: dict[str, Any]) -> dict[str, Any]:
        """A `pattern` in the syntax of the engine that checks it: pydantic's where it compiles
        there, else the `regex` package's, through the runtime's `EcmaPattern`."""
        source = schema.get("pattern")
        if not isinstance(source, str):
            return schema
        rest = {key: item for key, item in schema.items() if key != "pattern"}
        try:
            engine, translated = engine_for(source)
        except PatternError:
            return rest  # tolerate() has warned of it and left it out already
        if engine == "rust":
            return {**schema, "pattern": translated}
        check = self._constant("PATTERN", f"EcmaPattern({translated!r})")
        if rest.get("type") == "string":
            return {**rest, _PYTHON_TYPE: f"Annotated[{rest.get(_PYTHON_TYPE, 'str')}, {check}]"}
        if rest.get("type") in _STRING_OR_NULL:
            return _or_null(rest, {_PYTHON_TYPE: f"Annotated[str, {check}]"})
        return rest  # a pattern beside other types than string: JSON Schema applies it to none

    def _prefix_items(self, schema: dict[str, Any]) -> dict[str, Any]:
        """`prefixItems` as a tuple, each position typed; `items: false` closes it."""
        prefix = schema.get("prefixItems")
        if not isinstance(prefix, list) or not prefix:
            return schema
        items = schema.get("items", True)
        closed = items is False
        types = [self._position_type(item, index) for index, item in enumerate(prefix)]
        if not closed:
            types.append(f"Unpack[tuple[{self._position_type(items, len(prefix))}, ...]]")
        arguments = [f"closed={closed!r}"]
        if isinstance(schema.get("minItems"), int) and schema["minItems"] > 0:
            arguments.append(f"min_items={schema['minItems']!r}")
        if isinstance(schema.get("maxItems"), int):
            arguments.append(f"max_items={schema['maxItems']!r}")
        check = self._constant("TUPLE", f"PrefixItems({', '.join(arguments)})")
        rest = {
            key: item
            for key, item in schema.items()
            if key not in ("prefixItems", "items", "minItems", "maxItems")
        }
        python_type = f"Annotated[tuple[{', '.join(types)}], {check}]"
        declared = rest.get("type")
        if isinstance(declared, list) and "null" in declared:
            return _or_null(rest, {_PYTHON_TYPE: python_type}, "array")
        return {**rest, "type": "array", _PYTHON_TYPE: python_type}

    def _position_type(self, schema: JsonValue, index: int) -> str:
        """The Python type of one tuple position: a class's name, a plain type, or the name of
        a class made of the position's schema."""
        if schema is True or schema == {}:
            return "JsonAny"
        if isinstance(schema, dict):
            keys = set(schema) - {"description", "title"}
            ref = schema.get("$ref")
            prefix = "#/components/schemas/"
            if (
                keys == {"$ref"}
                and isinstance(ref, str)
                and ref.startswith(prefix)
                and ref[len(prefix) :] in self._taken
            ):
                return ref[len(prefix) :]
            if keys == {"type", _PYTHON_TYPE} and schema["type"] == "string":
                return str(schema[_PYTHON_TYPE])
            plain = _PLAIN_TYPES.get(json.dumps(schema.get("type")))
            if keys == {"type"} and plain is not None:
                return plain
        name = f"{self.owner}Item{index}"
        while name in self._taken:
            name += "_"
        self._taken.add(name)
        self.hoisted[name] = schema
        return name

    def _mark_not_null(
        self, original: dict[str, Any], result: dict[str, Any], pointer: str
    ) -> None:
        """Mark the optional properties whose schema does not allow `null`; model_source.py
        puts `NOT_NULL` on their fields."""
        required = original.get("required")
        required_names = set(required) if isinstance(required, list) else set()
        for name, schema in original["properties"].items():
            rewritten = result["properties"].get(name)
            if name in required_names or not isinstance(rewritten, dict):
                continue
            at = _child(_child(pointer, "properties"), name)
            if not self._allows_null(schema, at, 0):
                rewritten[NOT_NULL_KEY] = True

    def _allows_null(self, schema: JsonValue, pointer: str, depth: int) -> bool:
        """Whether `null` is valid for `schema` as written (OpenAPI 3.0's `nullable` too)."""
        if not isinstance(schema, dict):
            return schema is not False
        if depth > 32:
            return True  # references in a cycle: say nothing rather than guess
        if "$ref" in schema:
            try:
                target, at = deref(self.spec, schema, pointer)
            except SpecError:
                return True
            if not self._allows_null(target, at, depth + 1):
                return False
        if schema.get("nullable") is True:
            return True
        allowed = True
        declared = schema.get("type")
        if isinstance(declared, str):
            allowed = declared == "null"
        elif isinstance(declared, list):
            allowed = "null" in declared
        if isinstance(schema.get("enum"), list):
            allowed = allowed and None in schema["enum"]
        if "const" in schema:
            allowed = allowed and schema["const"] is None
        for union in ("anyOf", "oneOf"):
            branches = schema.get(union)
            if isinstance(branches, list) and branches:
                allowed = allowed and any(
                    self._allows_null(branch, f"{pointer}/{union}/{index}", depth + 1)
                    for index, branch in enumerate(branches)
                )
        parts = schema.get("allOf")
        if isinstance(parts, list):
            allowed = allowed and all(
                self._allows_null(part, f"{pointer}/allOf/{index}", depth + 1)
                for index, part in enumerate(parts)
            )
        return allowed


def _or_null(schema: dict[str, Any], added: dict[str, Any], kind: str = "string") -> dict[str, Any]:
    """`type: [kind, null]` as `anyOf: [kind, null]`, with `added` to the `kind` branch: the
    branch can then have a Python type of its own."""
    outer = {key: item for key, item in schema.items() if key in _OUTER_KEYS}
    inner = {key: item for key, item in schema.items() if key not in outer and key != "type"}
    return {**outer, "anyOf": [{**inner, "type": kind, **added}, {"type": "null"}]}


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


def _defined_names(modules: list[str]) -> set[str]:
    defined: set[str] = set()
    for source in modules:
        defined |= set(re.findall(r"^class (\w+)\b", source, flags=re.MULTILINE))
        defined |= set(re.findall(r"^(\w+)\s*(?::\s*TypeAlias\s*)?=", source, flags=re.MULTILINE))
    return defined


def _check_promised_classes(defined: set[str], promised: list[str]) -> None:
    missing = [name for name in promised if name not in defined]
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise SpecError(f"datamodel-code-generator did not produce the classes {shown}")


def _imports_head(source: str) -> str:
    """The lines before the module's first class or constant: its imports, all of them."""
    after_imports = re.search(r"^(?:class |_[A-Z0-9_]+ = )", source, flags=re.MULTILINE)
    return source[: after_imports.start()] if after_imports else source


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


def _variant_ref(variant: Any, pointer: str) -> str | None:
    """Where a variant's schema is: its `$ref`, or for `$recursiveRef` (OpenAI writes it for a
    filter that nests itself) the component schema it sits in."""
    if not isinstance(variant, dict):
        return None
    if isinstance(variant.get("$ref"), str):
        return str(variant["$ref"])
    tokens = split_pointer(pointer)
    if "$recursiveRef" in variant and tokens[:2] == ["components", "schemas"] and len(tokens) > 2:
        return "#" + join_pointer(*tokens[:3])
    return None
