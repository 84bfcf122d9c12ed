"""A pytest plugin: a test skipped because a file is missing fails instead.

The repository carries everything its tests read (tests/data/, the committed generated package, the
wheelhouse `make setup` builds); a skip for a missing file hides a test that a fresh clone should
run, as the 288-operation check once was when a folder beside the clone was absent. Other skips
(a check that would reach beyond this machine, say) stay skips, and `-rs` prints their reasons.

A skip is for a missing file when its reason says so in the words people and pytest use for it
(`importorskip`'s "could not import" included), or names a file that is not there.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from pathlib import Path

import pytest

_SAYS_MISSING = re.compile(
    r"(?i)\b(no such file|not found|is not here|are not here|missing|does not exist|"
    r"do not exist|could not import|no module named|run `make setup`)"
)
# Absolute paths, and relative ones that end like a file: a version range such as "3.0/3.1" is not.
_PATH = re.compile(
    r"(?<![\w.])/(?:[\w.-]+/)*[\w.-]+"
    r"|(?<![\w./])[\w.-]+(?:/[\w.-]+)*\.(?:ya?ml|json|toml|py|txt|md|whl|cfg|ini)\b"
)


def skip_is_for_a_missing_file(reason: str, root: Path) -> bool:
    """Whether a skip's reason says that something is missing, or names a file that is not there
    (a relative name is taken from `root`)."""
    if _SAYS_MISSING.search(reason):
        return True
    return any(not (root / path).exists() for path in _PATH.findall(reason))


def _reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return text.removeprefix("Skipped: ")


def _fail_if_for_a_missing_file(
    report: pytest.TestReport | pytest.CollectReport, root: Path
) -> None:
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    reason = _reason(report)
    if skip_is_for_a_missing_file(reason, root):
        report.outcome = "failed"
        report.longrepr = (
            f"skipped for a missing file, which the repository must carry: {reason}\n"
            "(tests/missing_files.py turns such skips into failures)"
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    _fail_if_for_a_missing_file(report, item.config.rootpath)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    """Module-level skips (`importorskip` at import time) happen while collecting."""
    report = yield
    _fail_if_for_a_missing_file(report, collector.config.rootpath)
    return report
