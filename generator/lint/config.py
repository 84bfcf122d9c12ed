"""`[tool.specsmith.lint]`: how lint is configured, parsed from the raw TOML table into one frozen
value, with a one-line UsageError naming the key and the file for anything wrong.

    [tool.specsmith.lint]
    fail_on = "error"                                   # exit 1 on findings at least this severe
    rules = { unused-component = "off", operation-summary = "error" }
    ignore_file = ".specsmith-lint-ignore.yaml"          # known findings (--generate-ignore-file)
    custom_rules = ["lint_rules"]                        # modules (or .py files) with @rule checks

    [[tool.specsmith.lint.overrides]]                    # later overrides win over earlier ones
    files = ["specs/legacy/*.yaml"]                      # globs, relative to the configuration
    pointers = ["/paths/~1v1*"]                          # optional: only under these pointers
    rules = { operation-summary = "off" }

Rule ids are checked against the registry once custom rules are loaded (`check_rules`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path
from typing import Any

from generator.errors import UsageError
from generator.lint.registry import LEVELS, Severity

DEFAULT_IGNORE_FILE = ".specsmith-lint-ignore.yaml"
Level = Severity | None  # None: off


@dataclass(frozen=True)
class LintOption:
    """One key of `[tool.specsmith.lint]`, as `config --show` and the README's table show it."""

    name: str
    type_name: str
    default: Any
    doc: str


OPTIONS = (
    LintOption(
        "fail_on",
        "`error`, `warn`, `info`",
        "error",
        "lint exits 1 on findings at least this severe",
    ),
    LintOption("rules", "a table", {}, "rule id → `error`, `warn`, `info` or `off`"),
    LintOption(
        "ignore_file",
        "a path",
        DEFAULT_IGNORE_FILE,
        "known findings lint counts but does not report",
    ),
    LintOption(
        "custom_rules",
        "a list of strings",
        [],
        "modules (importable from the configuration's folder) or `.py` files whose `@rule`s join"
        " the built-in ones",
    ),
    LintOption(
        "overrides",
        "a list of tables",
        [],
        "`files` (globs), `pointers` (JSON pointers or globs, optional), `rules`: levels for those"
        " files and places",
    ),
)
_KEYS = tuple(option.name for option in OPTIONS)
_OVERRIDE_KEYS = ("files", "pointers", "rules")


@dataclass(frozen=True)
class Override:
    """Rule levels for some files, and optionally only under some pointers of them."""

    files: tuple[str, ...]
    pointers: tuple[str, ...]
    rules: Mapping[str, Level]
    where: str  # "pyproject.toml: lint.overrides[0]", for messages

    def applies_to_file(self, relative: str) -> bool:
        return not self.files or any(fnmatchcase(relative, pattern) for pattern in self.files)

    def applies_to_pointer(self, pointer: str) -> bool:
        return not self.pointers or any(_pointer_matches(pointer, p) for p in self.pointers)


@dataclass(frozen=True)
class FileLevels:
    """The levels that hold in one file: `level(rule, pointer)` for each finding."""

    levels: Mapping[str, Level]
    by_pointer: tuple[Override, ...]

    def level(self, rule_id: str, default: Level, pointer: str) -> Level:
        level = self.levels.get(rule_id, default)
        for override in self.by_pointer:
            if rule_id in override.rules and override.applies_to_pointer(pointer):
                level = override.rules[rule_id]
        return level

    def may_report(self, rule_id: str, default: Level) -> bool:
        """Whether a rule can report anything in this file (so whether to run it at all)."""
        if self.levels.get(rule_id, default) is not None:
            return True
        return any(override.rules.get(rule_id) is not None for override in self.by_pointer)


@dataclass(frozen=True)
class LintConfig:
    fail_on: Severity = Severity.ERROR
    rules: Mapping[str, Level] = field(default_factory=dict)
    overrides: tuple[Override, ...] = ()
    ignore_file: Path | None = None  # None: DEFAULT_IGNORE_FILE beside the configuration
    custom_rules: tuple[str, ...] = ()
    base: Path = field(default_factory=Path.cwd)  # relative paths are relative to this folder
    where: str = "default"  # the configuration file, for messages

    @classmethod
    def from_table(cls, table: Mapping[str, Any], where: str, base: Path) -> LintConfig:
        """Parse `[tool.specsmith.lint]` (already read from `where`)."""
        if not isinstance(table, Mapping):
            raise UsageError(f"{where}: lint must be a table")
        for key in table:
            if key not in _KEYS:
                raise UsageError(f"{where}: unknown option lint.{key} (known: {', '.join(_KEYS)})")
        fail_on = table.get("fail_on", "error")
        if fail_on not in ("error", "warn", "info"):
            raise UsageError(f"{where}: lint.fail_on = {fail_on!r}: expected error, warn or info")
        ignore_file = table.get("ignore_file")
        if ignore_file is not None and (not isinstance(ignore_file, str) or not ignore_file):
            raise UsageError(f"{where}: lint.ignore_file = {ignore_file!r}: expected a file name")
        return cls(
            fail_on=Severity.parse(fail_on),
            rules=_levels(table.get("rules", {}), f"{where}: lint.rules"),
            overrides=tuple(_overrides(table.get("overrides", []), where)),
            ignore_file=base / ignore_file if ignore_file else None,
            custom_rules=tuple(
                _strings(table.get("custom_rules", []), f"{where}: lint.custom_rules")
            ),
            base=base,
            where=where,
        )

    def describe(self) -> list[str]:
        """`config --show` lines: name = value  # source: description."""
        levels = {rule_id: str(level) if level else "off" for rule_id, level in self.rules.items()}
        values = {
            "fail_on": str(self.fail_on),
            "rules": levels,
            "ignore_file": str(self.ignore_path),
            "custom_rules": list(self.custom_rules),
            "overrides": len(self.overrides),
        }
        return [
            f"lint.{option.name} = {json.dumps(values[option.name])}  # {self.where}: {option.doc}"
            for option in OPTIONS
        ]

    @property
    def ignore_path(self) -> Path:
        return self.ignore_file or self.base / DEFAULT_IGNORE_FILE

    def check_rules(self, known: Iterable[str]) -> None:
        """Every rule id the configuration names is a registered rule (custom ones loaded)."""
        known = set(known)
        named = [(rule_id, "lint.rules") for rule_id in self.rules]
        for index, override in enumerate(self.overrides):
            named += [(rule_id, f"lint.overrides[{index}].rules") for rule_id in override.rules]
        for rule_id, key in named:
            if rule_id not in known:
                raise UsageError(
                    f"{self.where}: {key}.{rule_id}: no such rule (see `lint --list-rules`)"
                )

    def for_file(self, path: Path) -> FileLevels:
        relative = self.relative(path)
        levels = dict(self.rules)
        by_pointer = []
        for override in self.overrides:
            if not override.applies_to_file(relative):
                continue
            if override.pointers:
                by_pointer.append(override)
            else:
                levels.update(override.rules)
        return FileLevels(levels, tuple(by_pointer))

    def relative(self, path: Path) -> str:
        """A spec's path as the configuration's globs and the ignore file see it."""
        return _relative(str(path), str(self.base))


@lru_cache(maxsize=1024)
def _relative(path: str, base: str) -> str:
    resolved, root = Path(path).resolve(), Path(base).resolve()
    return (
        resolved.relative_to(root).as_posix()
        if resolved.is_relative_to(root)
        else resolved.as_posix()
    )


def _levels(rules: Any, where: str) -> dict[str, Level]:
    if not isinstance(rules, Mapping):
        raise UsageError(f"{where} must be a table of rule id = level")
    levels: dict[str, Level] = {}
    for rule_id, level in rules.items():
        text = level.lower() if isinstance(level, str) else level
        if text == "warning":
            text = "warn"
        if text not in LEVELS:
            raise UsageError(
                f"{where}.{rule_id}: level {level!r} is not one of {', '.join(LEVELS)}"
            )
        levels[rule_id] = None if text == "off" else Severity.parse(text)
    return levels


def _overrides(raw: Any, where: str) -> Iterable[Override]:
    if not isinstance(raw, list):
        raise UsageError(
            f"{where}: lint.overrides must be a list of tables ([[...lint.overrides]])"
        )
    for index, table in enumerate(raw):
        at = f"{where}: lint.overrides[{index}]"
        if not isinstance(table, Mapping):
            raise UsageError(f"{at} must be a table")
        for key in table:
            if key not in _OVERRIDE_KEYS:
                raise UsageError(f"{at}: unknown key {key!r} (known: {', '.join(_OVERRIDE_KEYS)})")
        if "rules" not in table:
            raise UsageError(f"{at} needs `rules`")
        files = tuple(_strings(table.get("files", []), f"{at}.files"))
        pointers = tuple(_strings(table.get("pointers", []), f"{at}.pointers"))
        for pointer in pointers:
            if pointer and not pointer.startswith("/"):
                raise UsageError(
                    f"{at}.pointers: {pointer!r} is not a JSON pointer (it starts with /)"
                )
        yield Override(files, pointers, _levels(table["rules"], f"{at}.rules"), at)


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise UsageError(f"{where}: expected a list of strings")
    return list(value)


def _pointer_matches(pointer: str, pattern: str) -> bool:
    """A pointer is under a pattern: equal, below it (`/paths/~1a` covers `/paths/~1a/get`), or
    matching it as a glob (`/paths/~1v1*`)."""
    if pointer == pattern or pointer.startswith(pattern.rstrip("/") + "/"):
        return True
    return fnmatchcase(pointer, pattern) or fnmatchcase(pointer, pattern.rstrip("/") + "/*")
