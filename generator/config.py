"""Configuration from `pyproject.toml`: `[tool.specsmith]`, found from the working folder upward.

For now it holds lint rule levels:

    [tool.specsmith.lint.rules]
    unused-component = "off"     # or "error", "warn", "info"
"""

from __future__ import annotations

from pathlib import Path

import tomllib

from generator.errors import UsageError
from generator.lint.registry import RULES, Severity

TOOL = "specsmith"


def find_pyproject(start: Path) -> Path | None:
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def lint_levels(pyproject: Path | None) -> dict[str, Severity | None]:
    """Rule id -> configured severity (None: off). Unknown rules and levels are usage errors."""
    if pyproject is None:
        return {}
    try:
        table = tomllib.loads(pyproject.read_text()).get("tool", {}).get(TOOL, {})
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise UsageError(f"{pyproject}: cannot read: {error}") from None
    rules = table.get("lint", {}).get("rules", {})
    levels: dict[str, Severity | None] = {}
    for rule_id, level in rules.items():
        where = f"{pyproject}: [tool.{TOOL}.lint.rules] {rule_id}"
        if rule_id not in RULES:
            raise UsageError(f"{where}: no such rule (rules: {', '.join(sorted(RULES))})")
        if level == "off":
            levels[rule_id] = None
        elif isinstance(level, str) and level.lower() in ("error", "warn", "warning", "info"):
            levels[rule_id] = Severity.parse(level)
        else:
            raise UsageError(f"{where}: level {level!r} is not one of error, warn, info, off")
    return levels
