"""Stage 1, load: read a spec file into plain JSON values, safely, and remember where each came from.

YAML is read with YAML 1.2 rules, as OpenAPI 3 means it: `200:` is the string "200", `on` and `no`
are strings, only `true`/`false` are booleans. Duplicate keys, unknown tags and alias bombs are
refused with the line they are on. JSON takes a fast path through the standard library; its
positions are found again only when a message needs one.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from generator.errors import Location, SpecError
from generator.pointer import MISSING, join_pointer, resolve, split_pointer
from generator.walk import ref_holders, schemas

# An alias may repeat a subtree; past this many nodes after expansion the input is an alias bomb,
# not an API description (OpenAI's 3 MB spec has about 250,000).
MAX_EXPANDED_NODES = 2_000_000
SUPPORTED_VERSIONS = "3.0.x and 3.1.x"

JsonValue = Any  # dict[str, JsonValue] | list[JsonValue] | str | int | float | bool | None


BUNDLE_KEY = "x-specsmith-bundle"  # where other files' documents are placed inside the root one


@dataclass(frozen=True)
class Spec:
    """A loaded spec: its JSON value, where each value came from, and the hash stamped on output.

    Files the spec refers to (`$ref: common.yaml#/Pet`, inside the spec's folder) are bundled into
    `document` under `x-specsmith-bundle`, their references rewritten to local ones, so every later
    stage sees one self-contained document. References that could not be bundled (remote, outside
    the folder, missing) are left as they are and listed in `unbundled`.

    A `$ref` where OpenAPI allows no Reference Object, but where specs put one all the same (an
    operation, `get: {$ref: resources/x.yml}`; the `paths` object; a map of components), is
    followed: the place holds its target, `spliced` lists it, and `locate` finds what lies under
    it in the target's file.
    """

    path: Path
    document: dict[str, JsonValue]
    source: SourceMap
    sha256: str
    openapi_version: tuple[int, int]
    bundled_sources: dict[str, SourceMap] = field(default_factory=dict)
    unbundled: tuple[tuple[str, str], ...] = ()  # (pointer of the `$ref`, why it was not followed)
    spliced: dict[str, str] = field(default_factory=dict)  # pointer -> pointer of what it holds

    @cached_property
    def schema_objects(self) -> list[tuple[dict[str, JsonValue], str]]:
        """Every Schema Object in the document, nested ones included, with its pointer
        (`walk.schemas`), walked once: refusals, tolerate and lint each look at all of them, and
        on a large spec a walk is a third of a second. Later stages do not change schemas."""
        return list(schemas(self.document))

    def locate(self, pointer: str) -> Location:
        source, inner = self.origin(pointer)
        return (self.bundled_sources[source] if source else self.source).locate(inner)

    def origin(self, pointer: str) -> tuple[str, str]:
        """The file a pointer's value came from ("" for the root spec, else its bundled name)
        and the pointer inside that file."""
        pointer = self.unspliced(pointer)
        tokens = split_pointer(pointer) if pointer.startswith("/" + BUNDLE_KEY) else []
        if len(tokens) >= 2 and tokens[0] == BUNDLE_KEY and tokens[1] in self.bundled_sources:
            return tokens[1], join_pointer(*tokens[2:])
        return "", pointer

    def unspliced(self, pointer: str) -> str:
        """Where the value at `pointer` lives when a spliced `$ref` is on its way. The spliced
        place itself stays where it is: there, the file has the `$ref`."""
        for _ in range(len(self.spliced) + 1):
            if not self.spliced:
                return pointer
            for end in _prefix_ends(pointer):
                target = self.spliced.get(pointer[:end])
                if target is not None:
                    pointer = target + pointer[end:]
                    break
            else:
                return pointer
        return pointer


def _prefix_ends(pointer: str) -> Iterator[int]:
    """The ends of `pointer`'s proper prefixes that are pointers themselves, longest first."""
    end = pointer.rfind("/")
    while end > 0:
        yield end
        end = pointer.rfind("/", 0, end)


def spliced_kind(pointer: str) -> str:
    """What the place of a spliced `$ref` holds, in words."""
    tokens = split_pointer(pointer)
    if tokens[-1:] == ["paths"] or tokens == ["webhooks"]:
        return f"the `{tokens[-1]}` object"
    if tokens[:1] == ["components"]:
        return "the `components` object" if len(tokens) == 1 else f"the map components.{tokens[-1]}"
    return "an operation"


def load_spec(path: Path) -> Spec:
    """Read an OpenAPI 3.0/3.1 document, or raise SpecError saying what is wrong and where."""
    raw = _read_bytes(path)
    text = _decode(raw, path)
    document, source = load_text(text, path)
    if not isinstance(document, dict):
        kind = type(document).__name__ if document is not None else "empty"
        raise SpecError(f"the document's root must be a mapping, not {kind}", source.locate(""))
    _keep_version_text(document, source)
    version = _openapi_version(document, source)
    bundle = _Bundler(path.resolve().parent, document, path.parent)
    bundle.run(path.resolve())
    bundle.decode_percent_escapes()
    spliced = _Splicer(document, bundle.unbundled).run()
    digest = hashlib.sha256(raw)
    for name in sorted(bundle.raw):
        digest.update(name.encode() + b"\0" + bundle.raw[name])
    return Spec(
        path,
        document,
        source,
        digest.hexdigest(),
        version,
        bundle.sources,
        tuple(bundle.unbundled),
        spliced,
    )


@dataclass
class _Bundler:
    """Pulls the files a spec refers to into its document, rewriting references to local ones."""

    folder: Path
    root: dict[str, JsonValue]
    shown_folder: Path  # the spec's folder as the user named it: messages name files from it
    sources: dict[str, SourceMap] = field(default_factory=dict)
    raw: dict[str, bytes] = field(default_factory=dict)
    unbundled: list[tuple[str, str]] = field(default_factory=list)
    escaped: list[dict[str, JsonValue]] = field(default_factory=list)  # refs with a `%`

    def run(self, root_file: Path) -> None:
        pending: list[tuple[JsonValue, Path, str]] = [(self.root, root_file, "")]
        while pending:
            document, file, prefix = pending.pop()
            for holder, at in ref_holders(document, skip=BUNDLE_KEY):
                ref = holder["$ref"]
                if "%" in ref:
                    self.escaped.append(holder)
                if ref.startswith("#"):
                    if prefix:  # a local reference inside a bundled file: local to that file
                        holder["$ref"] = "#" + prefix + ref[1:]
                    continue
                where = prefix + at + "/$ref"
                target, fragment = self._target(ref, file, where)
                if target is None:
                    continue
                name = target.relative_to(self.folder).as_posix()
                if name not in self.sources:
                    loaded = self._load(target, name, where)
                    if loaded is None:
                        continue
                    pending.append((loaded, target, join_pointer(BUNDLE_KEY, name)))
                holder["$ref"] = "#" + join_pointer(BUNDLE_KEY, name) + fragment

    def decode_percent_escapes(self) -> None:
        """`#/paths/~1items~1%7Bid%7D` is a URI fragment: percent-encoded, as RFC 6901 (section 6)
        says it may be. A reference that names nothing as written, and something once decoded,
        is rewritten decoded, so that every later stage reads plain pointers."""
        for holder in self.escaped:
            ref = holder["$ref"]
            if not ref.startswith("#/") or _resolves(self.root, ref[1:]):
                continue
            try:
                decoded = unquote(ref, errors="strict")
            except UnicodeDecodeError:
                continue
            if _resolves(self.root, decoded[1:]):
                holder["$ref"] = decoded

    def _target(self, ref: str, file: Path, where: str) -> tuple[Path | None, str]:
        location, _, fragment = ref.partition("#")
        if "://" in location or location.startswith("//"):
            self.unbundled.append((where, f"remote $ref {ref!r} is not fetched"))
            return None, ""
        if "\0" in location:
            self.unbundled.append((where, f"$ref {ref!r} holds a NUL byte, which no file name can"))
            return None, ""
        try:
            target = self._file(file.parent, location)
            if target is None:
                self.unbundled.append((where, f"$ref {ref!r}: no such file"))
                return None, ""
        except _Outside:
            self.unbundled.append((where, f"$ref {ref!r} leaves the spec's folder"))
            return None, ""
        except OSError as error:
            reason = error.strerror or type(error).__name__
            self.unbundled.append((where, f"$ref {ref!r}: the file cannot be read ({reason})"))
            return None, ""
        return target, unquote(fragment) if "%" in fragment else fragment

    def _file(self, folder: Path, location: str) -> Path | None:
        """The file a reference's location names, as written or percent-decoded (a URI
        reference: `my%20pet.yaml` is `my pet.yaml`), inside the spec's folder."""
        for written in dict.fromkeys((location, unquote(location))):
            target = (folder / written).resolve()
            if not target.is_relative_to(self.folder):
                raise _Outside
            if target.is_file():
                return target
        return None

    def _load(self, target: Path, name: str, where: str) -> JsonValue:
        shown = self.shown_folder / name
        if shown.resolve() != target:  # the spec is a link to another folder
            shown = target
        raw = _read_bytes(target)
        document, source = load_text(_decode(raw, shown), shown)
        self.sources[name], self.raw[name] = source, raw
        self.root.setdefault(BUNDLE_KEY, {})[name] = document
        return document


class _Outside(Exception):
    """A reference's file is outside the spec's folder."""


def _resolves(document: JsonValue, pointer: str) -> bool:
    return resolve(document, pointer) is not MISSING


# Components whose maps a spec may well refer to as a whole (`schemas: {$ref: schemas.yaml}`).
_COMPONENT_MAPS = (
    "schemas", "responses", "parameters", "examples", "requestBodies", "headers",
    "securitySchemes", "links", "callbacks", "pathItems",
)  # fmt: skip
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass
class _Splicer:
    """Follows the `$ref`s that stand where OpenAPI allows none (see `Spec`): the place is given
    the target itself, and remembers where that came from."""

    root: dict[str, JsonValue]
    problems: list[tuple[str, str]]  # (pointer of a `$ref`, why it cannot be followed)
    spliced: dict[str, str] = field(default_factory=dict)

    def run(self) -> dict[str, str]:
        paths = self.splice(self.root, "paths", "")
        components = self.splice(self.root, "components", "")
        if isinstance(components, dict):
            for kind in _COMPONENT_MAPS:
                self.splice(components, kind, "/components")
        for section in ("paths", "webhooks"):
            items = paths if section == "paths" else self.splice(self.root, section, "")
            for key, item in items.items() if isinstance(items, dict) else ():
                self.operations(item, join_pointer(section, key))
        path_items = components.get("pathItems") if isinstance(components, dict) else None
        for key, item in path_items.items() if isinstance(path_items, dict) else ():
            self.operations(item, join_pointer("components", "pathItems", key))
        return self.spliced

    def operations(self, item: JsonValue, pointer: str) -> None:
        """A path item's operations that are `$ref`s (the path item itself may be one)."""
        item, pointer = self.follow(item, pointer)
        if isinstance(item, dict):
            for method in _METHODS:
                self.splice(item, method, pointer)

    def splice(self, owner: dict[str, JsonValue], key: str, pointer: str) -> JsonValue:
        """`owner[key]`, with the target put in its place when it is a `$ref`."""
        value = owner.get(key)
        if not (isinstance(value, dict) and isinstance(value.get("$ref"), str)):
            return value
        at = pointer + "/" + key
        target, target_pointer = self.follow(value, at)
        if not isinstance(target, dict) or "$ref" in target:
            return value  # broken, remote or not a mapping: the reference checks say why
        if at.startswith(target_pointer + "/"):
            ref = value["$ref"]
            self.problems.append((at + "/$ref", f"$ref {ref!r} names a place that holds it"))
            return value
        owner[key] = target
        self.spliced[at] = target_pointer
        return target

    def follow(self, value: JsonValue, pointer: str) -> tuple[JsonValue, str]:
        """Follow local `$ref`s from `value` to what they name (or stop where one is broken)."""
        seen = set()
        while isinstance(value, dict) and isinstance(value.get("$ref"), str):
            ref = value["$ref"]
            if not ref.startswith("#") or ref in seen:
                return value, pointer
            seen.add(ref)
            target = resolve(self.root, ref[1:])
            if target is MISSING:
                return value, pointer
            value, pointer = target, ref[1:]
        return value, pointer


def load_text(text: str, path: Path) -> tuple[JsonValue, SourceMap]:
    """Parse JSON or YAML text (JSON when it looks like JSON) into JSON values and a source map."""
    if not text.strip():
        raise SpecError("the file is empty", Location(str(path)))
    source = SourceMap(str(path), text)
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("{", "[")):
        return _parse_json(text, source), source
    return _parse_yaml(text, source), source


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SpecError("no such file", Location(str(path))) from None
    except IsADirectoryError:
        raise SpecError("is a folder, not a spec file", Location(str(path))) from None
    except OSError as error:
        raise SpecError(f"cannot read: {error.strerror}", Location(str(path))) from None


def _decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        message = f"not UTF-8: byte 0x{raw[error.start]:02x} cannot be decoded"
        raise SpecError(message, Location(str(path), line=line, column=column)) from None


def _keep_version_text(document: dict[str, JsonValue], source: SourceMap) -> None:
    """`version: 1.10` is a string to OpenAPI; YAML 1.2 reads a float 1.1. Keep what was written."""
    for owner, key in ((document, "openapi"), (document.get("info"), "version")):
        if (
            isinstance(owner, dict)
            and isinstance(owner.get(key), int | float)
            and not isinstance(owner[key], bool)
        ):
            pointer = "/" + key if owner is document else "/info/" + key
            owner[key] = source.text_at(pointer) or str(owner[key])


def _openapi_version(document: dict[str, JsonValue], source: SourceMap) -> tuple[int, int]:
    if "swagger" in document:
        message = f"Swagger {document['swagger']} is not supported; supported: OpenAPI {SUPPORTED_VERSIONS}"
        raise SpecError(message, source.locate("/swagger"))
    declared = document.get("openapi")
    if declared is None:
        message = (
            f"not an OpenAPI document: no 'openapi' field (supported: OpenAPI {SUPPORTED_VERSIONS})"
        )
        raise SpecError(message, source.locate(""))
    match = re.fullmatch(r"(\d+)\.(\d+)(\.\d+)?(-.+)?", str(declared))
    if not match or (int(match[1]), int(match[2])) not in {(3, 0), (3, 1)}:
        message = f"OpenAPI {declared} is not supported; supported: {SUPPORTED_VERSIONS}"
        raise SpecError(message, source.locate("/openapi"))
    return int(match[1]), int(match[2])


# --- JSON ---------------------------------------------------------------------------------------


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _reject_duplicates(pairs: list[tuple[str, JsonValue]]) -> dict[str, JsonValue]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


def _parse_json(text: str, source: SourceMap) -> JsonValue:
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicates)
    except json.JSONDecodeError as error:
        location = Location(source.file, line=error.lineno, column=error.colno)
        raise SpecError(f"invalid JSON: {error.msg}", location) from None
    except _DuplicateKey:
        # The YAML reader knows where every key is; JSON is YAML for this purpose.
        return _parse_yaml(text, source)
    except RecursionError:
        raise SpecError("nested too deeply to read", Location(source.file)) from None


# --- YAML ---------------------------------------------------------------------------------------


class _ComposeOnly(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Builds the node graph only; scalars stay untyped text so that YAML 1.2 rules can apply.

    The parser asks the resolver for the tag of every node written without one (110,000 times
    for OpenAI's spec), and PyYAML's resolver, asking its empty tables, took a third of the
    compose. Ours answers at once: a plain scalar is `_PLAIN`, for `_Constructor` to type by YAML
    1.2's rules; a quoted one a string; a collection its kind's tag. (A scalar tagged `!!str`
    never gets here, so it stays a string: before, it was typed as if plain.)
    """

    def resolve(self, kind: type[yaml.Node], value: object, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return _MAP if kind is yaml.MappingNode else _SEQ

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        """No path resolvers: nothing to track."""

    def ascend_resolver(self) -> None:
        """No path resolvers: nothing to track."""


_STR, _INT, _FLOAT, _BOOL, _NULL, _MAP, _SEQ = (
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq")
)
_PLAIN = "tag:specsmith,2026:plain"  # an untagged plain scalar: text until typed by YAML 1.2
_INT_RE = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT_RE = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {
    ".inf": float("inf"),
    "+.inf": float("inf"),
    "-.inf": float("-inf"),
    ".nan": float("nan"),
}


def _compose(text: str, file: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_ComposeOnly)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        location = (
            Location(file, line=mark.line + 1, column=mark.column + 1) if mark else Location(file)
        )
        problem = error.problem or error.context or "unreadable"
        raise SpecError(f"invalid YAML: {problem}", location) from None
    except yaml.YAMLError as error:
        raise SpecError(f"invalid YAML: {error}", Location(file)) from None
    except RecursionError:
        raise SpecError("nested too deeply to read", Location(file)) from None


def _parse_yaml(text: str, source: SourceMap) -> JsonValue:
    root = _compose(text, source.file)
    source.adopt(root)
    if root is None:
        raise SpecError("the file holds no document", Location(source.file))
    if _may_hold_anchors(text):  # without anchors there are no aliases, nothing to expand
        _check_expansion(root, source.file)
    try:
        return _Constructor(source.file).value(root)
    except RecursionError:
        raise SpecError("nested too deeply to read", Location(source.file)) from None


# Where a YAML anchor (`&name`) may start: after a space, a line's start or a flow indicator. An
# `&` elsewhere (`?a=1&b=2` in a URL) is text; a false alarm only costs the check below.
_AMPERSAND = re.compile(r"&\S")


def _may_hold_anchors(text: str) -> bool:
    # Looking for the `&` first: a pattern that starts with the character before it is tried
    # at every position of the text (0.15 s on OpenAI's 3 MB spec, against 2 ms).
    for match in _AMPERSAND.finditer(text):
        before = text[match.start() - 1] if match.start() else "\n"
        if before.isspace() or before in "[{,":
            return True
    return False


def _check_expansion(root: yaml.Node, file: str) -> None:
    """Count the nodes the graph expands to (an alias repeats its anchor's subtree) without expanding it."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = list(_children(node))
        if children_done or not children:
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[id(node)] > MAX_EXPANDED_NODES:
                where = Location(
                    file, line=node.start_mark.line + 1, column=node.start_mark.column + 1
                )
                message = f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (an alias bomb?)"
                raise SpecError(message, where)
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield value
    elif isinstance(node, yaml.SequenceNode):
        yield from node.value


@dataclass
class _Constructor:
    file: str

    def value(self, node: yaml.Node) -> JsonValue:
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node)
        if isinstance(node, yaml.SequenceNode):
            if node.tag not in (_SEQ, "!"):
                raise self._error(f"unsupported YAML tag {node.tag}", node)
            return [self.value(item) for item in node.value]
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode) -> dict[str, JsonValue]:
        if node.tag not in (_MAP, "!"):
            raise self._error(f"unsupported YAML tag {node.tag}", node)
        result: dict[str, JsonValue] = {}
        merged: dict[str, JsonValue] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self._error("a mapping key must be a plain value, not a collection", key_node)
            if key_node.value == "<<" and not key_node.style:
                merged.update(self._merge_sources(value_node))
                continue
            key = key_node.value  # keys keep their text: `200:` is "200", as OpenAPI means it
            if key in result:
                raise self._error(f"duplicate key {key!r}", key_node)
            result[key] = self.value(value_node)
        return {**merged, **result} if merged else result

    def _merge_sources(self, node: yaml.Node) -> dict[str, JsonValue]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        merged: dict[str, JsonValue] = {}
        for source in reversed(sources):
            value = self.value(source)
            if not isinstance(value, dict):
                raise self._error("a merge key `<<` takes a mapping", source)
            merged.update(value)
        return merged

    def _scalar(self, node: yaml.ScalarNode) -> JsonValue:
        text = node.value
        if node.tag == _PLAIN:
            return _plain_scalar(text)
        if node.tag == _STR:  # quoted, or tagged `!!str`
            return text
        explicit = {
            _NULL: lambda: None,
            _BOOL: lambda: _plain_scalar(text.lower()),
            _INT: lambda: int(text, 0),
        }
        explicit[_FLOAT] = lambda: float(text)
        if node.tag not in explicit:
            raise self._error(f"unsupported YAML tag {node.tag}", node)
        try:
            return explicit[node.tag]()  # type: ignore[no-untyped-call]
        except ValueError:
            raise self._error(
                f"{text!r} is not a valid {node.tag.rsplit(':', 1)[-1]}", node
            ) from None

    def _error(self, message: str, node: yaml.Node) -> SpecError:
        mark = node.start_mark
        return SpecError(message, Location(self.file, line=mark.line + 1, column=mark.column + 1))


def _plain_scalar(text: str) -> JsonValue:
    """Resolve an unquoted scalar by YAML 1.2's core schema."""
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if _INT_RE.fullmatch(text):
        return (
            int(text, 8)
            if text.startswith("0o")
            else int(text, 0)
            if text.startswith("0x")
            else int(text)
        )
    if _FLOAT_RE.fullmatch(text):
        return float(text)
    if text.lower() in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text.lower()]
    return text


# --- Source map ---------------------------------------------------------------------------------


@dataclass
class SourceMap:
    """Finds the line and column of a JSON pointer in the file it came from.

    The node graph is kept from a YAML load; for JSON it is built only when first asked, since
    most runs never need a position.
    """

    file: str
    text: str
    _root: yaml.Node | None = field(default=None, repr=False)
    _composed: bool = field(default=False, repr=False)

    def adopt(self, root: yaml.Node | None) -> None:
        self._root, self._composed = root, True

    def locate(self, pointer: str) -> Location:
        node = self._node_at(pointer)
        if node is None:
            return Location(self.file, pointer)
        mark = node.start_mark
        return Location(self.file, pointer, mark.line + 1, mark.column + 1)

    def text_at(self, pointer: str) -> str | None:
        """The source text of the scalar at `pointer`, as written."""
        _, node, complete = self._walk(pointer)
        return node.value if complete and isinstance(node, yaml.ScalarNode) else None

    def _node_at(self, pointer: str) -> yaml.Node | None:
        """The node that best shows `pointer`: a member's key, an item, or the deepest that exists."""
        return self._walk(pointer)[0]

    def _walk(self, pointer: str) -> tuple[yaml.Node | None, yaml.Node | None, bool]:
        """(the node to show, the value node, whether the whole pointer was found)."""
        if not self._composed:
            try:
                self.adopt(_compose(self.text, self.file))
            except SpecError:
                self.adopt(None)
        node, shown = self._root, self._root
        for token in split_pointer(pointer):
            found = _child(node, token) if node is not None else None
            if found is None:
                return shown, node, False
            shown, node = found
        return shown, node, True


def _child(node: yaml.Node, token: str) -> tuple[yaml.Node, yaml.Node] | None:
    """(what to show, the child) for one pointer token: a mapping member shows its key."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == token:
                return key, value
    elif isinstance(node, yaml.SequenceNode) and token.isdigit() and int(token) < len(node.value):
        item = node.value[int(token)]
        return item, item
    return None
