"""The lint hook's entry point: it lints the OpenAPI documents among the files pre-commit hands it
and skips any other YAML or JSON file without a word. (pre-commit itself runs the hooks in
tests/test_workflows.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.hooks import looks_like_openapi, main
from tests.conftest import SPEC


@pytest.mark.parametrize(
    ("name", "text", "openapi"),
    [
        ("api.yaml", "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n", True),
        ("api.yaml", "# comment\n---\n'openapi': \"3.0.3\"\n", True),
        ("api.json", json.dumps({"info": {}, "openapi": "3.1.0"}), True),
        ("api.json", json.dumps({"openapi": "3.1.0"}, indent=2), True),
        (
            ".pre-commit-config.yaml",
            "repos:\n  - repo: x\n    hooks: [{id: specsmith-lint}]\n",
            False,
        ),
        ("ci.yml", "jobs:\n  openapi:\n    runs-on: x\n", False),  # a nested key is not it
        ("swagger.yaml", "swagger: '2.0'\ninfo: {}\n", False),
        ("package.json", json.dumps({"name": "x", "keywords": ["openapi"]}), False),
    ],
)
def test_what_looks_like_an_openapi_document(
    tmp_path: Path, name: str, text: str, openapi: bool
) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert looks_like_openapi(path) is openapi


def test_only_other_files_means_nothing_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text("repos: []\n")
    assert main(["lint", str(config)]) == 0
    assert capsys.readouterr() == ("", "")


def test_openapi_documents_are_linted_with_the_options_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "settings.yaml"
    other.write_text("debug: true\n")
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.1.0\ninfo:\n  title: x\npaths: {}\n")  # no info.version
    assert main(["lint", "--format", "json", str(other), str(SPEC)]) == 0
    linted = {row["file"] for row in json.loads(capsys.readouterr().out or "[]")}
    assert str(other) not in linted
    assert main(["lint", str(other), str(broken)]) == 1
    out = capsys.readouterr().out
    assert f"{broken}:" in out and str(other) not in out


def test_anything_but_lint_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate"]) == 2
    assert "usage: python -m generator.hooks lint" in capsys.readouterr().err
