"""`[tool.specsmith.lint]`: levels per file and per pointer, the ignore file, custom rules, and a
one-line error naming the key and the file for anything wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.errors import UsageError
from generator.lint.config import LintConfig
from generator.lint.registry import Severity
from tests.conftest import run_cli

SPEC = """\
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /legacy/a:
    get:
      responses: {'200': {description: ok}}
  /new/b:
    get:
      responses: {'200': {description: ok}}
"""


def lint_json(folder: Path, *arguments: str) -> tuple[int, list[dict[str, object]]]:
    result = run_cli("lint", *arguments, "--format", "json", cwd=folder)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "specs" / "old").mkdir(parents=True)
    (tmp_path / "specs" / "api.yaml").write_text(SPEC)
    (tmp_path / "specs" / "old" / "api.yaml").write_text(SPEC)
    return tmp_path


def test_overrides_by_file_and_by_pointer(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.specsmith.lint]\nrules = { operation-summary = "error" }\n'
        '[[tool.specsmith.lint.overrides]]\nfiles = ["specs/old/*.yaml"]\nrules = { operation-summary = "off" }\n'
        '[[tool.specsmith.lint.overrides]]\nfiles = ["specs/api.yaml"]\npointers = ["/paths/~1legacy*"]\n'
        'rules = { operation-summary = "info" }\n'
    )
    _, rows = lint_json(project, "specs/api.yaml", "specs/old/api.yaml")
    summaries = {
        (row["file"], row["pointer"], row["severity"])
        for row in rows
        if row["rule"] == "operation-summary"
    }
    assert summaries == {
        ("specs/api.yaml", "/paths/~1legacy~1a/get", "info"),
        ("specs/api.yaml", "/paths/~1new~1b/get", "error"),
    }


def test_the_ignore_file_keeps_known_findings_quiet(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.specsmith]\n")
    _, before = lint_json(project, "specs/api.yaml")
    generated = run_cli("lint", "specs/api.yaml", "--generate-ignore-file", cwd=project)
    assert generated.returncode == 0 and "known findings" in generated.stderr
    ignore_file = project / ".specsmith-lint-ignore.yaml"
    assert "specs/api.yaml:" in ignore_file.read_text()
    _, after = lint_json(project, "specs/api.yaml")
    assert before and after == []
    text = run_cli("lint", "specs/api.yaml", cwd=project).stdout
    assert f"({len(before)} known, in the ignore file)" in text
    # a new finding is reported; the known ones stay quiet
    (project / "specs" / "api.yaml").write_text(
        SPEC + "  /new/c/:\n    get:\n      responses: {'200': {description: ok}}\n"
    )
    _, new = lint_json(project, "specs/api.yaml")
    assert new and all(str(row["pointer"]).startswith("/paths/~1new~1c~1") for row in new)


def test_fingerprints_do_not_depend_on_lines_or_the_working_folder(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.specsmith]\n")
    _, from_root = lint_json(project, "specs/api.yaml")
    (project / "specs" / "api.yaml").write_text("# a comment moves every line\n" + SPEC)
    _, moved = lint_json(project / "specs", "api.yaml")
    assert [row["fingerprint"] for row in from_root] == [row["fingerprint"] for row in moved]
    assert [row["line"] for row in from_root] != [row["line"] for row in moved]


def test_custom_rules_from_a_module_named_in_the_configuration(project: Path) -> None:
    (project / "house_rules.py").write_text(
        "from generator.lint import LintContext, Severity, rule\n\n"
        "@rule('house-no-legacy', Severity.ERROR, 'no /legacy paths')\n"
        "def no_legacy(context: LintContext):\n"
        "    '''We retired /legacy in 2024.'''\n"
        "    for at in context.path_items:\n"
        "        if at.key.startswith('/legacy'):\n"
        "            yield at.pointer, f'{at.key} is a legacy path'\n"
    )
    (project / "pyproject.toml").write_text(
        '[tool.specsmith.lint]\ncustom_rules = ["house_rules"]\nrules = { house-no-legacy = "warn" }\n'
    )
    _, rows = lint_json(project, "specs/api.yaml")
    assert [
        (row["rule"], row["severity"], row["message"])
        for row in rows
        if row["rule"] == "house-no-legacy"
    ] == [("house-no-legacy", "warn", "/legacy/a is a legacy path")]
    listed = run_cli("lint", "--list-rules", cwd=project).stdout
    assert "house-no-legacy" in listed and "[house_rules]" in listed
    assert (
        "We retired /legacy" in run_cli("lint", "--explain", "house-no-legacy", cwd=project).stdout
    )


def test_a_custom_rule_that_fails_is_a_usage_error_naming_it(project: Path) -> None:
    (project / "rules.py").write_text(
        "from generator.lint import Severity, rule\n\n"
        "@rule('house-broken', Severity.ERROR, 'breaks')\n"
        "def broken(context):\n    raise KeyError('x')\n"
    )
    (project / "pyproject.toml").write_text('[tool.specsmith.lint]\ncustom_rules = ["rules.py"]\n')
    result = run_cli("lint", "specs/api.yaml", cwd=project)
    assert result.returncode == 2
    assert "custom lint rule house-broken" in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"failon": "error"}, "unknown option lint.failon"),
        ({"fail_on": "fatal"}, "lint.fail_on = 'fatal'"),
        ({"rules": {"x": "loud"}}, "lint.rules.x: level 'loud'"),
        ({"rules": []}, "lint.rules must be a table"),
        ({"overrides": {"files": []}}, "lint.overrides must be a list of tables"),
        ({"overrides": [{"files": ["a"]}]}, "lint.overrides[0] needs `rules`"),
        ({"overrides": [{"rules": {}, "pointer": []}]}, "lint.overrides[0]: unknown key 'pointer'"),
        ({"overrides": [{"rules": {}, "pointers": ["paths"]}]}, "is not a JSON pointer"),
        ({"custom_rules": "mine"}, "lint.custom_rules: expected a list of strings"),
        ({"ignore_file": 3}, "lint.ignore_file = 3"),
    ],
)
def test_a_bad_lint_table_names_the_key_and_the_file(
    table: dict[str, object], message: str
) -> None:
    with pytest.raises(UsageError, match=r"pyproject\.toml") as raised:
        LintConfig.from_table(table, "pyproject.toml", Path("."))
    assert message in str(raised.value)


def test_unknown_rules_are_named_with_their_key() -> None:
    config = LintConfig.from_table(
        {"overrides": [{"rules": {"nope": "off"}}]}, "pyproject.toml", Path(".")
    )
    with pytest.raises(
        UsageError, match=r"pyproject.toml: lint.overrides\[0\].rules.nope: no such rule"
    ):
        config.check_rules({"operation-id"})


def test_levels_for_a_file(tmp_path: Path) -> None:
    config = LintConfig.from_table(
        {
            "rules": {"a": "error", "b": "off"},
            "overrides": [
                {"files": ["x/*.yaml"], "rules": {"a": "warn"}},
                {"files": ["x/*.yaml"], "pointers": ["/paths"], "rules": {"b": "info"}},
            ],
        },
        "pyproject.toml",
        tmp_path,
    )
    levels = config.for_file(tmp_path / "x" / "s.yaml")
    assert levels.level("a", Severity.INFO, "/paths/~1a") == Severity.WARN
    assert levels.level("b", Severity.ERROR, "/paths/~1a") == Severity.INFO
    assert levels.level("b", Severity.ERROR, "/components") is None
    assert levels.may_report("b", None)
    assert config.for_file(tmp_path / "y.yaml").level("a", None, "") == Severity.ERROR
