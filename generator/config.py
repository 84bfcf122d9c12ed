"""One typed configuration for generate, lint and check: `[tool.specsmith]` in pyproject.toml (found
from the working folder upward) or a TOML file given with `--config`.

    [tool.specsmith]
    templates_dir = "templates_local"       # optional: templates that replace built-in ones by name

    [[tool.specsmith.targets]]              # one per generated package; `make generate` makes all
    spec = "spec/openapi.yaml"
    out = "generated"
    package = "chat_completions"
    parts = ["client", "server"]            # besides the models, which are always generated
    exclude_tags = ["internal"]
    client = { timeout = 30.0, max_retries = 3 }
    models = { keep_unknown_fields = true }

    [tool.specsmith.lint]
    fail_on = "error"
    rules = { unused-component = "off" }

Every option is a field of a frozen dataclass below (`Target`, `ClientOptions`, `ModelOptions`,
`Settings`), declared once with its default and a one-line description in its metadata. That
metadata is the whole documentation: `python -m generator config --show` prints the effective
values and where each came from, and `option_table()` is the README's table (a test keeps them
equal). Unknown keys are errors that name the key and the file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomllib

from generator.errors import UsageError
from generator.lint.config import OPTIONS as LINT_OPTIONS
from generator.lint.config import LintConfig
from generator.lint.registry import RULES

TOOL = "specsmith"
PARTS = ("client", "server", "tests")
DEFAULT_PARTS = ("client", "server")  # `tests` (the contract suite) is asked for by name


def option(default: Any, doc: str, *, changes_output: bool = True) -> Any:
    """A configuration field: its default, the line that documents it, and whether a change of
    it changes the generated files (such options are hashed into every file's header)."""
    metadata = {"doc": doc, "changes_output": changes_output, "default": default}
    if isinstance(default, Mapping):  # tables are made fresh for each object
        return field(
            default_factory=lambda: types.MappingProxyType(dict(default)), metadata=metadata
        )
    return field(default=default, metadata=metadata)


def section(kind: type[Any], doc: str) -> Any:
    """A sub-table of options (`client = {...}`), documented by its own fields."""
    return field(default_factory=kind, metadata={"doc": doc, "section": True})


@dataclass(frozen=True)
class ClientOptions:
    """The generated client's defaults."""

    base_url: str | None = option(
        None, "the client's default base URL (else the spec's first absolute server URL)"
    )
    base_url_env: str | None = option(
        None, "environment variable the client reads for the base URL (else `<PACKAGE>_BASE_URL`)"
    )
    token_env: str | None = option(
        None, "environment variable the client reads for the token (else `<PACKAGE>_TOKEN`)"
    )
    log_env: str | None = option(
        None,
        "environment variable that turns request logging on, `debug` or `info` (else"
        " `<PACKAGE>_LOG`); the token is never logged",
    )
    timeout: float = option(
        600.0, "default seconds per request (long answers take a while); connecting gets at most 5"
    )
    max_retries: int = option(2, "default retries of a failed request")


@dataclass(frozen=True)
class ModelOptions:
    """The faithful-JSON profile of the models: each switch is one part of the promise that
    what comes in goes out unchanged."""

    keep_unknown_fields: bool = option(True, "models keep fields the spec does not list")
    keep_integers: bool = option(True, "`type: number` keeps `0` as `0`, not `0.0`")


@dataclass(frozen=True)
class Target:
    """One package to generate, with every option resolved."""

    spec: Path = option(
        Path(),
        "the OpenAPI file (YAML or JSON), relative to the configuration file",
        changes_output=False,
    )
    package: str = option("", "the package's name, a Python identifier", changes_output=False)
    out: Path = option(Path("generated"), "the folder that holds the package", changes_output=False)
    parts: tuple[str, ...] = option(
        DEFAULT_PARTS,
        "what to generate besides the models: client, server, tests (the contract suite,"
        " `contract_tests.py`, which needs the other two)",
    )
    include_tags: tuple[str, ...] = option(
        (), "only operations with one of these tags (empty: all)"
    )
    exclude_tags: tuple[str, ...] = option((), "leave out operations with one of these tags")
    include_operations: tuple[str, ...] = option((), "only these operationIds (empty: all)")
    exclude_operations: tuple[str, ...] = option((), "leave out these operationIds")
    stream_terminators: Mapping[str, str] = option(
        {},
        "operationId → the `data:` payload that ends its event stream (`createChatCompletion ="
        ' "[DONE]"`), for specs that say it only in prose; the spec\'s `x-stream-terminator` wins',
    )
    resource_grouping: str = option(
        "path",
        "how operations become resources of the client and the handler: `path` (nested by"
        " the path's segments: `client.chat.completions.create`), `tags` (one resource per"
        " tag), `flat` (every operation a method of the client, named by its operationId)",
    )
    resources: Mapping[str, str] = option(
        {},
        'operationId → `"resource.path.method"`, or tag → `"resource.path"`: where an'
        ' operation (or a tag\'s operations) goes instead (`"method"` alone: on the client)',
    )
    pagination: Mapping[str, str] = option(
        {},
        "operationId → how its list pages, where the spec does not say it unambiguously:"
        " `cursor`, `token`, `offset`, `page` or `next_link`, with `param=`, `next=`,"
        ' `item_field=`, `has_more=`, `items=` as needed (`"cursor param=after next=last_id"`),'
        " or `none`",
    )
    client: ClientOptions = section(ClientOptions, "the generated client's defaults")
    models: ModelOptions = section(ModelOptions, "the models' faithful-JSON profile")
    # Where each value came from ("default", a file and table, "command line"): for `config
    # --show`; not an option.
    sources: Mapping[str, str] = field(
        default_factory=dict, compare=False, hash=False, metadata={"internal": True}
    )

    def admits(self, operation_id: str, tags: list[str]) -> bool:
        """Whether an operation becomes methods and routes (the models cover every schema)."""
        if self.include_operations and operation_id not in self.include_operations:
            return False
        if self.include_tags and not set(self.include_tags).intersection(tags):
            return False
        return operation_id not in self.exclude_operations and not set(
            self.exclude_tags
        ).intersection(tags)

    def output_digest(self, template_dirs: tuple[Path, ...] = ()) -> str:
        """A hash of everything besides the spec that changes what is generated (the stamp)."""
        chosen = {
            name: _plain(value)
            for name, value, metadata in _flat_fields(self)
            if metadata["changes_output"]
        }
        digest = hashlib.sha256(json.dumps(chosen, sort_keys=True).encode())
        for folder in template_dirs:
            for path in sorted(folder.rglob("*.jinja")):
                digest.update(
                    path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes()
                )
        return digest.hexdigest()


@dataclass(frozen=True)
class Settings:
    """Options of the whole configuration, beside its targets."""

    templates_dir: Path | None = option(
        None, "a folder of templates that replace built-in ones by name"
    )


@dataclass(frozen=True)
class Config:
    targets: tuple[Target, ...]
    settings: Settings
    sources: Mapping[str, str]  # where each of the settings came from
    base: Path  # relative paths in the configuration are relative to this folder
    file: Path | None = None
    lint: LintConfig = field(default_factory=LintConfig)  # [tool.specsmith.lint], lint/config.py

    @property
    def template_dirs(self) -> tuple[Path, ...]:
        folder = self.settings.templates_dir
        return (folder,) if folder else ()

    def target_for(self, spec: Path, out: Path | None, package: str | None) -> Target:
        """The target a command line names: the configured one for that spec, with flags on top."""
        configured = next((t for t in self.targets if t.spec.resolve() == spec.resolve()), None)
        target = configured or Target(sources=_default_sources(Target))
        changes: dict[str, Any] = {"spec": spec.resolve()}
        if out is not None:
            changes["out"] = out.resolve()
        if package is not None:
            changes["package"] = package
        sources = {**target.sources, **dict.fromkeys(changes, "command line")}
        target = dataclasses.replace(target, **changes, sources=sources)
        if not target.package:
            raise UsageError("--package is required (no configured target for this spec names one)")
        return target


def load_config(explicit: Path | None = None, start: Path | None = None) -> Config:
    """The configuration from `--config FILE`, else from the nearest pyproject.toml, else defaults."""
    file = explicit or find_pyproject(start or Path.cwd())
    table: dict[str, Any] = {}
    if file is not None:
        table = _read_table(file, tool_table_only=explicit is None)
    where = str(file) if file else "default"
    base = file.parent.resolve() if file else (start or Path.cwd()).resolve()
    raw_targets = table.pop("targets", [])
    lint = LintConfig.from_table(table.pop("lint", {}), where, base)
    if not lint.custom_rules:  # checked now, so that every command refuses a bad one
        lint.check_rules(RULES)
    settings_values, settings_sources = _read_fields(Settings, table, where, base)
    settings = Settings(**settings_values)
    if not isinstance(raw_targets, list):
        raise UsageError(f"{where}: targets must be an array of tables ([[targets]])")
    targets = tuple(_target(raw, where, index, base) for index, raw in enumerate(raw_targets))
    return Config(targets, settings, settings_sources, base, file, lint)


def _target(raw: object, file: str, index: int, base: Path) -> Target:
    where = f"{file} targets[{index}]"
    if not isinstance(raw, dict):
        raise UsageError(f"{file}: targets[{index}] must be a table")
    values, sources = _read_fields(Target, _flatten_sections(raw), where, base)
    for required in ("spec", "package"):
        if not raw.get(required):
            raise UsageError(f"{file}: targets[{index}] needs `{required}`")
    target = Target(**values, sources=sources)
    _check_parts(target.parts, where)
    _check_terminators(target.stream_terminators, where)
    _check_grouping(target, where)
    _check_pagination(target.pagination, where)
    return target


def find_pyproject(start: Path) -> Path | None:
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


# --- describing the options -----------------------------------------------------------------------


@dataclass(frozen=True)
class OptionDoc:
    """One option as people read it: its TOML name, type, default and meaning."""

    name: str  # dotted for sub-tables: `client.timeout`; `targets[].` is left to the reader
    type_name: str
    default: Any
    doc: str
    in_target: bool


def options() -> Iterator[OptionDoc]:
    """Every option, settings first, then a target's, in declaration order."""
    for name, kind, metadata in _field_docs(Settings):
        yield OptionDoc(name, _type_name(kind), metadata["default"], metadata["doc"], False)
    for lint in LINT_OPTIONS:
        yield OptionDoc(f"lint.{lint.name}", lint.type_name, lint.default, lint.doc, False)
    for name, kind, metadata in _field_docs(Target):
        yield OptionDoc(name, _type_name(kind), metadata["default"], metadata["doc"], True)


def option_table() -> str:
    """The README's table of options, made from the fields' metadata."""
    rows = ["| option | type | default | meaning |", "| --- | --- | --- | --- |"]
    for doc in options():
        name = f"targets[].{doc.name}" if doc.in_target else doc.name
        rows.append(f"| `{name}` | {doc.type_name} | {_shown_default(doc)} | {doc.doc} |")
    return "\n".join(rows) + "\n"


def describe(config: Config) -> str:
    """The effective configuration, one option a line: name = value  # source: description."""
    lines = [f"# configuration: {config.file or 'defaults (no pyproject.toml found)'}"]
    for name, value, metadata in _flat_fields(config.settings):
        lines.append(_describe_line(name, value, config.sources.get(name, "default"), metadata))
    lines += config.lint.describe()
    for index, target in enumerate(config.targets):
        lines.append(f"\n[[targets]]  # {index}: {target.package}")
        for name, value, metadata in _flat_fields(target):
            lines.append(_describe_line(name, value, target.sources.get(name, "default"), metadata))
    return "\n".join(lines) + "\n"


def _describe_line(name: str, value: Any, source: str, metadata: Mapping[str, Any]) -> str:
    return f"{name} = {json.dumps(_plain(value))}  # {source}: {metadata['doc']}"


def _shown_default(doc: OptionDoc) -> str:
    if doc.name in ("spec", "package"):
        return "required"
    if doc.default is None:
        return "none"
    return f"`{json.dumps(_plain(doc.default))}`"


# --- reading fields from TOML ---------------------------------------------------------------------


def _field_docs(kind: type[Any], prefix: str = "") -> Iterator[tuple[str, Any, Mapping[str, Any]]]:
    """(dotted name, type, metadata with the default) of every option of `kind`, sections opened."""
    hints = typing.get_type_hints(kind)
    for item in dataclasses.fields(kind):
        if item.metadata.get("internal"):
            continue
        if item.metadata.get("section"):
            yield from _field_docs(hints[item.name], f"{prefix}{item.name}.")
            continue
        yield prefix + item.name, hints[item.name], item.metadata


def _flat_fields(value: Any, prefix: str = "") -> Iterator[tuple[str, Any, Mapping[str, Any]]]:
    """(dotted name, value, metadata) of every option set on a configuration object."""
    for item in dataclasses.fields(value):
        if item.metadata.get("internal"):
            continue
        if item.metadata.get("section"):
            yield from _flat_fields(getattr(value, item.name), f"{prefix}{item.name}.")
            continue
        yield prefix + item.name, getattr(value, item.name), item.metadata


def _flatten_sections(table: Mapping[str, Any]) -> dict[str, Any]:
    """`{client: {timeout: 3}}` -> `{"client.timeout": 3}` for the sections of a target."""
    sections = {item.name for item in dataclasses.fields(Target) if item.metadata.get("section")}
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if key in sections and isinstance(value, dict):
            flat.update({f"{key}.{inner}": inner_value for inner, inner_value in value.items()})
        else:
            flat[key] = value
    return flat


def _read_fields(
    kind: type[Any], flat: Mapping[str, Any], where: str, base: Path
) -> tuple[dict[str, Any], dict[str, str]]:
    """The constructor arguments of `kind` from a flat table, type-checked, and their sources."""
    documented = {name: hint for name, hint, _ in _field_docs(kind)}
    for key in flat:
        if key not in documented:
            known = ", ".join([*documented, *(("lint",) if kind is Settings else ())])
            raise UsageError(f"{where}: unknown option {key!r} (known: {known})")
    sources = dict.fromkeys(documented, "default")
    chosen: dict[str, Any] = {}
    for name, value in flat.items():
        chosen[name] = _converted(value, documented[name], f"{where}: {name}", base)
        sources[name] = where
    return _nest(kind, chosen), sources


def _nest(kind: type[Any], chosen: Mapping[str, Any]) -> dict[str, Any]:
    """Constructor arguments for `kind`, its sections built from their dotted names."""
    hints = typing.get_type_hints(kind)
    arguments: dict[str, Any] = {}
    for item in dataclasses.fields(kind):
        if item.metadata.get("section"):
            inner = {
                name.split(".", 1)[1]: value
                for name, value in chosen.items()
                if name.startswith(item.name + ".")
            }
            arguments[item.name] = hints[item.name](**inner)
        elif item.name in chosen:
            arguments[item.name] = chosen[item.name]
    return arguments


def _converted(value: Any, hint: Any, where: str, base: Path) -> Any:
    """`value` as the field's type wants it, or a UsageError naming the key and the type."""
    kinds = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    if value is None and type(None) in kinds:
        return None
    for kind in kinds:
        origin = typing.get_origin(kind) or kind
        if origin is Path and isinstance(value, str):
            return base / value
        if origin is bool and isinstance(value, bool):
            return value
        if origin is int and isinstance(value, int) and not isinstance(value, bool):
            return value
        if origin is float and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if origin is str and isinstance(value, str):
            return value
        if origin is tuple and isinstance(value, list):
            if not all(isinstance(item, str) for item in value):
                raise UsageError(f"{where}: expected a list of strings")
            return tuple(value)
        if origin is Mapping and isinstance(value, dict):
            return types.MappingProxyType(dict(value))
    raise UsageError(f"{where} = {value!r}: expected {_type_name(hint)}")


_TYPE_NAMES: dict[Any, str] = {
    Path: "a path",
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    str: "a string",
    tuple: "a list of strings",
    Mapping: "a table",
}


def _type_name(hint: Any) -> str:
    """How a message names a field's type: "a number", "a string (or omitted)"."""
    kinds = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    names = [_TYPE_NAMES[typing.get_origin(k) or k] for k in kinds if k is not type(None)]
    return " or ".join(names) + (" (or omitted)" if type(None) in kinds else "")


def _plain(value: Any) -> Any:
    """A configuration value as JSON shows it (and as the digest hashes it)."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Path):
        return str(value)
    return value


def _default_sources(kind: type[Any]) -> dict[str, str]:
    return {name: "default" for name, _, _ in _field_docs(kind)}


def _read_table(file: Path, *, tool_table_only: bool) -> dict[str, Any]:
    try:
        document = tomllib.loads(file.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UsageError(f"{file}: cannot read the configuration: {error}") from None
    tool = document.get("tool", {}).get(TOOL)
    if tool is not None or tool_table_only:
        return dict(tool or {})
    return document


def _check_parts(parts: tuple[str, ...], where: str) -> None:
    unknown = [part for part in parts if part not in PARTS]
    if unknown:
        raise UsageError(
            f"{where}: parts: unknown {', '.join(map(repr, unknown))} (known: {', '.join(PARTS)})"
        )
    if "tests" in parts and not {"client", "server"} <= set(parts):
        raise UsageError(
            f"{where}: parts: tests (the contract suite) drives the client and the server:"
            " list them too"
        )


def _check_terminators(terminators: Mapping[str, Any], where: str) -> None:
    for operation, terminator in terminators.items():
        if not isinstance(terminator, str) or not terminator:
            raise UsageError(
                f"{where}: stream_terminators.{operation} must be a non-empty string,"
                f" not {terminator!r}"
            )


GROUPINGS = ("path", "tags", "flat")
PAGINATION_STYLES = ("cursor", "token", "offset", "page", "next_link", "none")
PAGINATION_KEYS = ("items", "param", "next", "item_field", "has_more")


def _check_grouping(target: Target, where: str) -> None:
    if target.resource_grouping not in GROUPINGS:
        raise UsageError(
            f"{where}: resource_grouping = {target.resource_grouping!r}: expected one of"
            f" {', '.join(GROUPINGS)}"
        )
    for key, value in target.resources.items():
        names = value.split(".") if isinstance(value, str) else []
        if not names or not all(name.isidentifier() for name in names):
            raise UsageError(
                f"{where}: resources.{key} = {value!r}: expected names joined by dots"
                ' ("chat.completions.create")'
            )


def _check_pagination(declared: Mapping[str, Any], where: str) -> None:
    for operation, value in declared.items():
        words = value.split() if isinstance(value, str) else []
        if not words or words[0] not in PAGINATION_STYLES:
            raise UsageError(
                f"{where}: pagination.{operation} = {value!r}: expected one of"
                f" {', '.join(PAGINATION_STYLES)}, then key=value pairs"
            )
        for word in words[1:]:
            key, equals, given = word.partition("=")
            if key not in PAGINATION_KEYS or not equals or not given:
                raise UsageError(
                    f"{where}: pagination.{operation}: {word!r}: expected key=value with a key"
                    f" of {', '.join(PAGINATION_KEYS)}"
                )
