"""The formats a diff prints in: text for people, one JSON document, GitHub annotations, one
SARIF run; each change with both its places."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.diff import Diff
from generator.diff.report import FORMATS, line, render_diff
from tests.diff.pairs import both, diff_of, drop, put
from tests.diff.test_spec import LIMIT, PET


@pytest.fixture
def diff(tmp_path: Path) -> Diff:
    """One breaking change for clients, one warning for servers, one safe change."""
    return diff_of(
        tmp_path,
        both(
            drop(*PET, "properties", "name"),
            put(*LIMIT, "schema", "maximum", value=200),
            put("paths", "/pets", "get", "deprecated", value=True),
        ),
        options=None,
    )


def test_text_has_a_line_per_change_and_a_summary(diff: Diff) -> None:
    text = render_diff(diff, "text")
    lines = text.splitlines()
    assert len(lines) == len(diff.changes) + 1
    removed = next(item for item in lines if "response-property-removed" in item)
    location, level, rule, whom, _ = removed.split(" ", 4)
    assert location.split(":")[0].endswith("new.yaml") and int(location.split(":")[1]) > 0
    assert (level, rule, whom) == ("breaking", "response-property-removed", "[clients]")
    assert "(was " in removed and "old.yaml:" in removed
    assert lines[-1].endswith("safe") and " breaking (clients " in lines[-1]


def test_a_change_with_levels_for_both_audiences_says_both(tmp_path: Path) -> None:
    diff = diff_of(tmp_path, put(*LIMIT, "schema", value={"type": "string"}), options=None)
    texts = [line(c) for c in diff.changes]
    assert any("[clients, servers]" in text for text in texts), texts


def test_json_is_one_document_with_both_places(diff: Diff) -> None:
    document = json.loads(render_diff(diff, "json"))
    assert document["old"].endswith("old.yaml") and document["new"].endswith("new.yaml")
    assert len(document["changes"]) == len(diff.changes)
    assert set(document["summary"]) == {"breaking", "warning", "safe"}
    row = next(r for r in document["changes"] if r["rule"] == "response-property-removed")
    assert (row["severity"], row["clients"], row["servers"], row["scope"]) == (
        "breaking",
        "breaking",
        "safe",
        "wire",
    )
    assert row["old"]["pointer"] == "/components/schemas/Pet/properties/name"
    assert row["new"]["line"] == row["line"] and row["file"] == row["new"]["file"]


def test_github_annotates_each_change(diff: Diff) -> None:
    lines = render_diff(diff, "github").splitlines()
    commands = [item for item in lines if item.startswith("::")]
    assert len(commands) == len(diff.changes)
    assert any(item.startswith("::error file=") and ",line=" in item for item in commands)
    assert any(item.startswith("::warning ") for item in commands)
    assert any(item.startswith("::notice ") for item in commands)


def test_sarif_is_one_run_with_related_old_places(diff: Diff) -> None:
    log = json.loads(render_diff(diff, "sarif"))
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    assert len(run["results"]) == len(diff.changes)
    rules = {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    for result in run["results"]:
        assert result["ruleId"] in rules
        assert result["level"] in ("error", "warning", "note")
        (location,) = result["locations"]
        assert location["physicalLocation"]["region"]["startLine"] > 0
    related = [r for r in run["results"] if "relatedLocations" in r]
    assert related and all(
        r["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("old.yaml")
        for r in related
    )


def test_every_format_renders_an_empty_diff(tmp_path: Path) -> None:
    empty = diff_of(tmp_path, lambda spec: None)
    for output_format in FORMATS:
        assert render_diff(empty, output_format).endswith("\n")


def test_diff_speaks_lints_formats() -> None:
    """The command line offers lint's format names for diff too."""
    from generator.diff.report import FORMATS as DIFF_FORMATS
    from generator.lint.report import FORMATS as LINT_FORMATS

    assert tuple(DIFF_FORMATS) == tuple(LINT_FORMATS)
