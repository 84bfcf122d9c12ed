"""Lint: findings about specs, each with a rule id, a severity and a place in the file.

Each rule is a small function in one of the modules below (one per family), registered with
`@rule`; custom rules register the same way from a module the configuration names. `lint_files`
lints several specs in one run: an unusable file is a finding of that file (`unusable-input`)
and the run goes on; rule levels come from the configuration (per file and per pointer), and
known findings from the ignore file are counted, not reported.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from generator.collector import collector_off
from generator.errors import Location, SpecError, UsageError
from generator.lint import (  # noqa: F401 (each registers its rules)
    document,
    examples,
    operations,
    paths,
    references,
    schemas,
    structure,
)
from generator.lint.config import FileLevels, LintConfig
from generator.lint.context import LintContext
from generator.lint.ignore import IgnoreFile
from generator.lint.registry import (
    RULES,
    UNUSABLE,
    Finding,
    Problem,
    Rule,
    Severity,
    fingerprint,
    rule,
)
from generator.load import Spec, load_spec

__all__ = [
    "RULES",
    "UNUSABLE",
    "FileReport",
    "Finding",
    "LintContext",
    "LintRun",
    "Problem",
    "Rule",
    "Severity",
    "lint_files",
    "lint_spec",
    "load_custom_rules",
    "rule",
]

Levels = Mapping[str, Severity | None]  # rule id -> severity, or None for "off"


@dataclass(frozen=True)
class FileReport:
    path: Path
    findings: tuple[Finding, ...]
    ignored: int = 0
    unusable: bool = False
    seconds: float = 0.0


@dataclass(frozen=True)
class LintRun:
    files: tuple[FileReport, ...]

    @property
    def findings(self) -> list[Finding]:
        return [finding for report in self.files for finding in report.findings]

    @property
    def all_unusable(self) -> bool:
        return bool(self.files) and all(report.unusable for report in self.files)


def lint_spec(spec: Spec, levels: Levels | None = None) -> list[Finding]:
    """Every enabled rule's findings for one loaded spec, in file order."""
    return _lint(LintContext.of(spec), FileLevels(levels or {}, ()), lambda f: False)


def lint_files(
    specs: Sequence[Path], config: LintConfig, ignore: IgnoreFile | None = None
) -> LintRun:
    """Lint each spec; an unusable one is reported as such and the others are still linted."""
    with collector_off():  # see collector.py
        return LintRun(tuple(_lint_file(path, config, ignore) for path in specs))


def _lint_file(path: Path, config: LintConfig, ignore: IgnoreFile | None) -> FileReport:
    started = time.perf_counter()
    try:
        spec = load_spec(path)
    except SpecError as error:
        location = error.location or Location(str(path))
        finding = Finding(UNUSABLE, Severity.ERROR, location, error.message)
        return FileReport(path, (_fingerprinted(finding, config),), unusable=True)
    ignored = 0

    def known(finding: Finding) -> bool:
        nonlocal ignored
        file = config.relative(Path(finding.location.file))
        if ignore is not None and ignore.ignores(file, finding.rule, finding.location.pointer):
            ignored += 1
            return True
        return False

    findings = _lint(LintContext.of(spec), config.for_file(path), known)
    findings = [_fingerprinted(finding, config) for finding in findings]
    return FileReport(path, tuple(findings), ignored, seconds=time.perf_counter() - started)


def _lint(
    context: LintContext, levels: FileLevels, known: Callable[[Finding], bool]
) -> list[Finding]:
    findings = []
    for registered in list(RULES.values()):
        if not levels.may_report(registered.id, registered.severity):
            continue
        for pointer, message in _run(registered, context):
            severity = levels.level(registered.id, registered.severity, pointer)
            if severity is None:
                continue
            finding = Finding(registered.id, severity, context.locate(pointer), message)
            if not known(finding):
                findings.append(finding)
    return sorted(findings, key=_file_order)


def _run(registered: Rule, context: LintContext) -> Iterable[Problem]:
    """A rule's problems; a custom rule that fails is a usage error naming it, not a crash."""
    if registered.module.startswith("generator.lint."):
        return list(registered.check(context))
    try:
        return list(registered.check(context))
    except Exception as error:
        raise UsageError(
            f"custom lint rule {registered.id} ({registered.module}) failed on "
            f"{context.spec.path}: {type(error).__name__}: {error}"
        ) from None


def _fingerprinted(finding: Finding, config: LintConfig) -> Finding:
    relative = config.relative(Path(finding.location.file))
    return replace(
        finding, fingerprint=fingerprint(finding.rule, relative, finding.location.pointer)
    )


def load_custom_rules(config: LintConfig) -> list[str]:
    """Import the modules `custom_rules` names (module names, or `.py` files relative to the
    configuration); their `@rule`s join the registry. Returns the ids they added."""
    before = set(RULES)
    for entry in config.custom_rules:
        where = f"{config.where}: lint.custom_rules: {entry}"
        try:
            if entry.endswith(".py") or "/" in entry:
                _import_file(config.base / entry, where)
            else:
                _import_module(entry, config.base)
        except UsageError:
            raise
        except Exception as error:
            raise UsageError(
                f"{where}: cannot be imported: {type(error).__name__}: {error}"
            ) from None
    return sorted(set(RULES) - before)


def _import_file(path: Path, where: str) -> None:
    if not path.is_file():
        raise UsageError(f"{where}: no such file ({path})")
    name = f"specsmith_custom_rules.{path.stem}"
    if name in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise UsageError(f"{where}: not a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


def _import_module(name: str, base: Path) -> None:
    sys.path.insert(0, str(base))
    try:
        importlib.import_module(name)
    finally:
        sys.path.remove(str(base))


def _file_order(finding: Finding) -> tuple[str, int, int, str, str]:
    location = finding.location
    return (location.file, location.line or 0, location.column or 0, finding.rule, finding.message)


def count(findings: Iterable[Finding], severity: Severity) -> int:
    return sum(1 for finding in findings if finding.severity == severity)
