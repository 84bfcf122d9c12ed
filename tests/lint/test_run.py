"""Several specs in one run: one JSON document, one SARIF log; unusable files are findings and the
run goes on; exit codes; `lint` with no SPEC; --list-rules and --explain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import SPEC, run_cli

GOOD = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"
BAD_EXAMPLE = GOOD + "components:\n  schemas:\n    A: {type: integer, example: x}\n"

# What GitHub code scanning requires of an upload (docs: "SARIF support for code scanning"):
# SARIF 2.1.0, one run per tool, a driver name, rules with ids, results with a rule, a message
# and a location whose region starts on a line >= 1.
GITHUB_SARIF = {
    "type": "object",
    "required": ["version", "$schema", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "maxItems": 1,
            "items": {
                "type": "object",
                "required": ["tool", "results"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name", "rules"],
                                "properties": {
                                    "name": {"type": "string", "minLength": 1},
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["id", "shortDescription"],
                                            "properties": {
                                                "defaultConfiguration": {
                                                    "properties": {
                                                        "level": {
                                                            "enum": [
                                                                "none",
                                                                "note",
                                                                "warning",
                                                                "error",
                                                            ]
                                                        }
                                                    }
                                                }
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["ruleId", "message", "locations"],
                            "properties": {
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "message": {"type": "object", "required": ["text"]},
                                "locations": {
                                    "type": "array",
                                    "minItems": 1,
                                    "items": {
                                        "type": "object",
                                        "required": ["physicalLocation"],
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "required": ["artifactLocation"],
                                                "properties": {
                                                    "artifactLocation": {
                                                        "type": "object",
                                                        "required": ["uri"],
                                                    },
                                                    "region": {
                                                        "type": "object",
                                                        "required": ["startLine"],
                                                        "properties": {
                                                            "startLine": {
                                                                "type": "integer",
                                                                "minimum": 1,
                                                            },
                                                            "startColumn": {
                                                                "type": "integer",
                                                                "minimum": 1,
                                                            },
                                                        },
                                                    },
                                                },
                                            }
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


@pytest.fixture
def specs(tmp_path: Path) -> list[Path]:
    paths = [tmp_path / "a.yaml", tmp_path / "b.yaml", tmp_path / "broken.yaml"]
    paths[0].write_text(BAD_EXAMPLE)
    paths[1].write_text(BAD_EXAMPLE.replace("example: x", "example: y"))
    paths[2].write_text("openapi: 3.1.0\ninfo: [\n")
    return paths


def test_several_specs_give_one_json_document(specs: list[Path]) -> None:
    result = run_cli("lint", *specs, "--format", "json")
    rows = json.loads(result.stdout)  # one document, not one per file
    assert {Path(row["file"]).name for row in rows} == {"a.yaml", "b.yaml", "broken.yaml"}
    assert all(len(row["fingerprint"]) == 20 for row in rows)
    unusable = [row for row in rows if row["rule"] == "unusable-input"]
    assert [(Path(r["file"]).name, r["line"], r["severity"]) for r in unusable] == [
        ("broken.yaml", 3, "error")
    ]


def test_several_specs_give_one_sarif_log(specs: list[Path]) -> None:
    log = json.loads(run_cli("lint", *specs, "--format", "sarif").stdout)
    jsonschema.validate(log, GITHUB_SARIF)
    run: dict[str, Any] = log["runs"][0]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert len(rules) == len(set(rules))
    files = set()
    for result in run["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]
        assert result["partialFingerprints"]["specsmith/v1"]
        files.add(Path(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]).name)
    assert files == {"a.yaml", "b.yaml", "broken.yaml"}


def test_an_unusable_file_among_several_is_an_error_finding_and_the_run_goes_on(
    specs: list[Path],
) -> None:
    result = run_cli("lint", specs[2], specs[0])
    assert result.returncode == 1
    assert (
        "a.yaml: 1 errors" in result.stdout and "broken.yaml: unusable, not linted" in result.stdout
    )
    assert (
        result.stderr
        == f"error: {specs[2]}:3:1: invalid YAML: did not find expected node content\n"
    )


def test_only_unusable_files_exit_2(specs: list[Path], tmp_path: Path) -> None:
    result = run_cli("lint", specs[2], tmp_path / "missing.yaml", "--format", "json")
    assert result.returncode == 2
    assert [row["rule"] for row in json.loads(result.stdout)] == ["unusable-input"] * 2


def test_an_unusable_file_fails_even_when_only_info_would(specs: list[Path]) -> None:
    assert run_cli("lint", specs[2], SPEC, "--fail-on", "error").returncode == 1


def test_lint_without_spec_lints_the_configured_targets(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(BAD_EXAMPLE)
    (tmp_path / "pyproject.toml").write_text(
        '[[tool.specsmith.targets]]\nspec = "api.yaml"\npackage = "api"\n'
        '[[tool.specsmith.targets]]\nspec = "api.yaml"\npackage = "api_again"\n'
    )
    result = run_cli("lint", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.count("api.yaml: 1 errors") == 1  # one spec, linted once


def test_lint_without_spec_or_targets_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.specsmith]\n")
    result = run_cli("lint", cwd=tmp_path)
    assert result.returncode == 2 and "no SPEC given" in result.stderr


def test_list_rules_and_explain() -> None:
    listed = run_cli("lint", "--list-rules")
    assert listed.returncode == 0
    lines = listed.stdout.splitlines()
    assert len(lines) > 60 and any(line.startswith("path-equivalent ") for line in lines)
    assert any(line.split()[:2] == ["operation-security", "off"] for line in lines)
    explained = run_cli("lint", "--explain", "path-equivalent")
    assert explained.returncode == 0
    assert "redocly:no-identical-paths" in explained.stdout and "default: error" in explained.stdout
    unknown = run_cli("lint", "--explain", "no-such-rule")
    assert unknown.returncode == 2 and "no such rule" in unknown.stderr


def test_equivalent_paths_name_both_places(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        GOOD.replace("paths: {}\n", "")
        + "paths:\n  /p/{a}:\n    get:\n      responses: {'200': {description: ok}}\n"
        "  /p/{b}:\n    get:\n      responses: {'200': {description: ok}}\n"
    )
    lines = [
        line for line in run_cli("lint", spec).stdout.splitlines() if "path-equivalent" in line
    ]
    assert lines == [
        f"{spec}:7:3 error path-equivalent /p/{{b}} is the same path as /p/{{a}} (line 4) up to "
        "parameter names; both declare GET, so one operation would be lost"
    ]
