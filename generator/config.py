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

Every option is declared once, in OPTIONS below, with its type, default and a one-line description;
`python -m generator config --show` prints the effective values and where each came from. Unknown
keys are errors that name the key and the file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomllib

from generator.errors import UsageError
from generator.lint.config import LintConfig
from generator.lint.registry import RULES

TOOL = "specsmith"
PARTS = ("client", "server")


@dataclass(frozen=True)
class Option:
    type: type | tuple[type, ...]
    default: Any
    description: str
    changes_output: bool = True


# Options of one target (a generated package). Dotted names are sub-tables (`client = {...}`).
TARGET_OPTIONS: dict[str, Option] = {
    "spec": Option(
        str, None, "the OpenAPI file (YAML or JSON), relative to the configuration file", False
    ),
    "out": Option(str, "generated", "the folder that holds the package", False),
    "package": Option(str, None, "the package's name, a Python identifier", False),
    "parts": Option(list, list(PARTS), "what to generate besides the models: client, server"),
    "include_tags": Option(list, [], "only operations with one of these tags (empty: all)"),
    "exclude_tags": Option(list, [], "leave out operations with one of these tags"),
    "include_operations": Option(list, [], "only these operationIds (empty: all)"),
    "exclude_operations": Option(list, [], "leave out these operationIds"),
    "stream_terminators": Option(
        dict,
        {},
        'operationId -> the `data:` payload that ends its event stream (as "[DONE]"), for'
        " specs that say it only in prose; the spec's own x-stream-terminator wins",
    ),
    "client.base_url": Option(
        (str, type(None)), None, "the client's default base URL (else the spec's first server)"
    ),
    "client.base_url_env": Option(
        (str, type(None)), None, "environment variable for the base URL (else <PACKAGE>_BASE_URL)"
    ),
    "client.token_env": Option(
        (str, type(None)), None, "environment variable for the token (else <PACKAGE>_TOKEN)"
    ),
    "client.timeout": Option((int, float), 600.0, "default seconds per request"),
    "client.max_retries": Option(int, 2, "default retries of a failed request"),
    "models.keep_unknown_fields": Option(
        bool, True, "faithful JSON: models keep fields the spec does not list"
    ),
    "models.keep_integers": Option(
        bool, True, "faithful JSON: `type: number` keeps 0 as 0, not 0.0"
    ),
}
GLOBAL_OPTIONS: dict[str, Option] = {
    "templates_dir": Option(
        (str, type(None)), None, "a folder of templates that replace built-in ones by name"
    ),
}


@dataclass(frozen=True)
class Target:
    """One package to generate, with every option resolved."""

    values: Mapping[str, Any]
    sources: Mapping[str, str]
    base: Path  # relative paths in the configuration are relative to this folder

    @property
    def spec(self) -> Path:
        return self.base / str(self.values["spec"])

    @property
    def out(self) -> Path:
        return self.base / str(self.values["out"])

    @property
    def package(self) -> str:
        return str(self.values["package"])

    def get(self, name: str) -> Any:
        return self.values[name]

    def output_digest(self, template_dirs: tuple[Path, ...]) -> str:
        """A hash of everything besides the spec that changes what is generated (the stamp)."""
        chosen = {
            name: self.values[name]
            for name, option in TARGET_OPTIONS.items()
            if option.changes_output
        }
        digest = hashlib.sha256(json.dumps(chosen, sort_keys=True).encode())
        for folder in template_dirs:
            for path in sorted(folder.rglob("*.jinja")):
                digest.update(
                    path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes()
                )
        return digest.hexdigest()


@dataclass(frozen=True)
class Config:
    targets: tuple[Target, ...]
    values: Mapping[str, Any]
    sources: Mapping[str, str]
    base: Path
    file: Path | None = None
    lint: LintConfig = field(default_factory=LintConfig)  # [tool.specsmith.lint]

    @property
    def template_dirs(self) -> tuple[Path, ...]:
        folder = self.values["templates_dir"]
        return (self.base / folder,) if folder else ()

    def target_for(self, spec: Path, out: Path | None, package: str | None) -> Target:
        """The target a command line names: the configured one for that spec, with flags on top."""
        configured = next((t for t in self.targets if t.spec.resolve() == spec.resolve()), None)
        values = dict(configured.values) if configured else _defaults(TARGET_OPTIONS)
        sources = (
            dict(configured.sources) if configured else dict.fromkeys(TARGET_OPTIONS, "default")
        )
        base = configured.base if configured else Path.cwd()
        values["spec"], sources["spec"] = str(spec.resolve()), "command line"
        for name, value in (("out", out), ("package", package)):
            if value is not None:
                values[name], sources[name] = (
                    str(Path(value).resolve()) if name == "out" else value,
                    "command line",
                )
        if not values["package"]:
            raise UsageError("--package is required (no configured target for this spec names one)")
        return Target(values, sources, base)


def load_config(explicit: Path | None = None, start: Path | None = None) -> Config:
    """The configuration from `--config FILE`, else from the nearest pyproject.toml, else defaults."""
    file = explicit or find_pyproject(start or Path.cwd())
    table: dict[str, Any] = {}
    if file is not None:
        table = _read_table(file, tool_table_only=explicit is None)
    where = str(file) if file else "default"
    base = file.parent.resolve() if file else (start or Path.cwd()).resolve()
    values, sources = _resolve(table, GLOBAL_OPTIONS, where, ignore=("targets", "lint"))
    lint = LintConfig.from_table(table.get("lint", {}), where, base)
    if not lint.custom_rules:  # checked now, so that every command refuses a bad one
        lint.check_rules(RULES)
    targets = []
    for index, raw in enumerate(table.get("targets", [])):
        if not isinstance(raw, dict):
            raise UsageError(f"{where}: targets[{index}] must be a table")
        target_values, target_sources = _resolve(raw, TARGET_OPTIONS, f"{where} targets[{index}]")
        for required in ("spec", "package"):
            if not target_values[required]:
                raise UsageError(f"{where}: targets[{index}] needs `{required}`")
        _check_parts(target_values["parts"], f"{where} targets[{index}]")
        _check_terminators(target_values["stream_terminators"], f"{where} targets[{index}]")
        targets.append(Target(target_values, target_sources, base))
    return Config(tuple(targets), values, sources, base, file, lint)


def find_pyproject(start: Path) -> Path | None:
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def describe(config: Config) -> str:
    """The effective configuration, one option a line: name = value  # source: description."""
    lines = [f"# configuration: {config.file or 'defaults (no pyproject.toml found)'}"]
    lines += _describe_options(config.values, config.sources, GLOBAL_OPTIONS)
    lines += config.lint.describe()
    for index, target in enumerate(config.targets):
        lines.append(f"\n[[targets]]  # {index}: {target.package}")
        lines += _describe_options(target.values, target.sources, TARGET_OPTIONS)
    return "\n".join(lines) + "\n"


def _describe_options(
    values: Mapping[str, Any], sources: Mapping[str, str], options: Mapping[str, Option]
) -> list[str]:
    return [
        f"{name} = {json.dumps(values[name])}  # {sources[name]}: {option.description}"
        for name, option in options.items()
    ]


def _read_table(file: Path, *, tool_table_only: bool) -> dict[str, Any]:
    try:
        document = tomllib.loads(file.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UsageError(f"{file}: cannot read the configuration: {error}") from None
    tool = document.get("tool", {}).get(TOOL)
    if tool is not None or tool_table_only:
        return dict(tool or {})
    return document


def _resolve(
    table: Mapping[str, Any],
    options: Mapping[str, Option],
    where: str,
    ignore: tuple[str, ...] = (),
) -> tuple[dict[str, Any], dict[str, str]]:
    flat = _flatten(table, options, where, ignore)
    values, sources = _defaults(options), dict.fromkeys(options, "default")
    for name, value in flat.items():
        option = options[name]
        if not isinstance(value, option.type) or (option.type is int and isinstance(value, bool)):
            raise UsageError(f"{where}: {name} = {value!r}: expected {_type_name(option.type)}")
        if isinstance(value, list) and not all(isinstance(item, str) for item in value):
            raise UsageError(f"{where}: {name}: expected a list of strings")
        values[name], sources[name] = value, where
    return values, sources


def _flatten(
    table: Mapping[str, Any], options: Mapping[str, Option], where: str, ignore: tuple[str, ...]
) -> dict[str, Any]:
    """`{client: {timeout: 3}}` -> `{"client.timeout": 3}`; an unknown key is an error."""
    tables = {name.split(".")[0] for name in options if "." in name}
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if key in ignore:
            continue
        if key in tables and isinstance(value, dict):
            for inner, inner_value in value.items():
                flat[_known(f"{key}.{inner}", options, where)] = inner_value
        else:
            flat[_known(key, options, where)] = value
    return flat


def _known(name: str, options: Mapping[str, Option], where: str) -> str:
    if name not in options:
        raise UsageError(f"{where}: unknown option {name!r} (known: {', '.join(options)})")
    return name


def _check_parts(parts: list[str], where: str) -> None:
    unknown = [part for part in parts if part not in PARTS]
    if unknown:
        raise UsageError(
            f"{where}: parts: unknown {', '.join(map(repr, unknown))} (known: {', '.join(PARTS)})"
        )


def _check_terminators(terminators: dict[str, Any], where: str) -> None:
    for operation, terminator in terminators.items():
        if not isinstance(terminator, str) or not terminator:
            raise UsageError(
                f"{where}: stream_terminators.{operation} must be a non-empty string,"
                f" not {terminator!r}"
            )


def _defaults(options: Mapping[str, Option]) -> dict[str, Any]:
    return {
        name: (list(option.default) if isinstance(option.default, list) else option.default)
        for name, option in options.items()
    }


def _type_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {
        int: "a whole number",
        float: "a number",
        str: "a string",
        bool: "true or false",
        list: "a list",
        dict: "a table",
    }
    return " or ".join(names.get(k, "nothing") for k in kinds if k is not type(None)) + (
        " (or omitted)" if type(None) in kinds else ""
    )
