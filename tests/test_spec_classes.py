"""Specs as real ones are written, one minimal spec per kind under tests/specs/good/: each
generates a package that imports in a fresh interpreter, whose server starts (`create_app`
with the mock, its lifespan, a request) and that has every operation in client and server.
And what the command line does with what is not a spec's fault: names, folders, Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import OPENAI_SPEC, SPECS, run_cli

GOOD = SPECS / "good"

# spec -> the operations (METHOD /path) its package must have
OPERATIONS = {
    "split_operations/openapi.yaml": ["GET /pets", "POST /pets", "GET /pets/{pet_id}"],
    "split_path_items/openapi.yaml": [
        "GET /owners",
        "GET /owners/{owner_id}",
        "DELETE /owners/{owner_id}",
    ],
    "whole_file_component/openapi.yaml": ["GET /pets/{id}"],
    "percent_encoded_pointer.yaml": ["GET /items/{id}", "POST /items/{id}/copy"],
    "external_ref.yaml": ["GET /pets/{id}"],
    "info_missing.yaml": ["GET /ping"],
    "info_empty.yaml": ["GET /ping"],
    "undeclared_template_parameter.yaml": ["GET /items/{itemId}", "DELETE /items/{itemId}"],
    "relative_server.yaml": ["GET /ping"],
    "generator_keywords.yaml": ["GET /things"],
    "type_null.yaml": ["GET /a"],
    "unreadable_pattern.yaml": ["POST /things"],
    "enum_all_of_parameter.yaml": ["GET /bills"],
    "malformed_keywords.yaml": ["POST /items"],
}

_PROBE = """
import inspect, json, re, sys
from starlette.testclient import TestClient
import pkg.models, pkg.client
from pkg import server
try:
    app = server.create_app(server.MockHandler())
except TypeError:  # the spec protects its operations
    app = server.create_app(server.MockHandler(), authenticate=server.accept_any_token)
with TestClient(app) as client:
    assert client.get("/openapi.json").status_code == 200
base = inspect.signature(server.create_app).parameters["base_path"].default
own = [r for r in app.routes if hasattr(r, "methods") and r.path not in ("/openapi.json", "/redoc") and "/docs" not in r.path]
routes = sorted(f"{m} {re.sub(r'[{][^{}]*[}]', '{}', r.path.removeprefix(base))}" for r in own for m in r.methods if m != "HEAD")
handlers = [c for n, c in vars(server).items() if isinstance(c, type) and n.endswith("Handler") and n != "MockHandler" and c.__module__ == server.__name__]
handler = sorted(f"{c.__name__}.{n}" for c in handlers for n, v in vars(c).items() if inspect.iscoroutinefunction(v))
print(json.dumps({"routes": routes, "base_path": base, "handler": handler, "base_url": pkg.client.DEFAULT_BASE_URL}))
"""


def probe(folder: Path) -> dict[str, object]:
    """Import the package `pkg` generated into `folder` and serve it, in a fresh interpreter; its
    routes as the spec's paths (without the base path they are served under)."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_the_package_imports_serves_and_has_every_operation(tmp_path: Path, name: str) -> None:
    result = run_cli("generate", GOOD / name, "--out", tmp_path, "--package", "pkg")
    assert result.returncode == 0, result.stderr
    assert "internal error" not in result.stderr
    found = probe(tmp_path)
    assert found["routes"] == sorted(re.sub(r"[{][^{}]*[}]", "{}", op) for op in OPERATIONS[name])
    assert len(found["handler"]) == len(OPERATIONS[name])  # type: ignore[arg-type]


def test_operations_in_other_files_are_generated_as_written(tmp_path: Path) -> None:
    """DigitalOcean's layout: the operations' own names, typed parameters, bodies and results
    come from their files, never made-up names and `-> None`; one warning says what was followed."""
    spec = GOOD / "split_operations" / "openapi.yaml"
    result = run_cli("generate", spec, "--out", tmp_path, "--package", "pkg")
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        f"warning: {spec}:11:5: tolerated: an operation is a `$ref` (and 2 more like it), which"
        " OpenAPI does not allow there; followed"
    ]
    client = (tmp_path / "pkg" / "resources" / "pets.py").read_text()
    assert "def retrieve(" in client and "pet_id: int" in client and "-> models.Pet:" in client
    assert "def create(" in client and "body: models.Pet" in client
    assert "per_page: int | None = None" in client
    models = (tmp_path / "pkg" / "models.py").read_text()
    assert (
        "class Pet(WireModel):" in models and "owner: Annotated[Owner | None, NOT_NULL]" in models
    )
    assert "class Owner(WireModel):" in models and "RootModel[Any]" not in models


def test_a_schema_in_another_file_is_a_class_of_its_own(tmp_path: Path) -> None:
    """external_ref.yaml's Pet refers to Owner in its own file: both are real classes."""
    result = run_cli("generate", GOOD / "external_ref.yaml", "--out", tmp_path, "--package", "pkg")
    assert result.returncode == 0, result.stderr
    models = (tmp_path / "pkg" / "models.py").read_text()
    assert "class Owner(WireModel):" in models
    assert "pets: Annotated[list[Pet] | None, NOT_NULL] = None" in models
    assert "RootModel[Any]" not in models


def test_a_whole_file_component_is_its_files_class(tmp_path: Path) -> None:
    spec = GOOD / "whole_file_component" / "openapi.yaml"
    result = run_cli("generate", spec, "--out", tmp_path, "--package", "pkg")
    assert result.returncode == 0, result.stderr
    models = (tmp_path / "pkg" / "models.py").read_text()
    assert "class Pet(WireModel):" in models
    assert "parent: Annotated[Pet | None, NOT_NULL] = None" in models
    assert "tags: Annotated[list[Tag] | None, NOT_NULL] = None" in models


def test_a_missing_title_and_version_are_said_and_filled_in(tmp_path: Path) -> None:
    for name in ("info_missing.yaml", "info_empty.yaml"):
        result = run_cli("generate", GOOD / name, "--out", tmp_path, "--package", "pkg")
        assert "info.version is" in result.stderr and "the package says '0.0.0'" in result.stderr
        assert "info.title is" in result.stderr and "the package says 'pkg'" in result.stderr


def test_servers_that_are_no_urls_give_no_base_path(tmp_path: Path) -> None:
    result = run_cli(
        "generate", GOOD / "relative_server.yaml", "--out", tmp_path, "--package", "pkg"
    )
    assert result.returncode == 0, result.stderr
    found = probe(tmp_path)
    assert found["base_path"] == "" and found["routes"] == ["GET /ping"]  # not "api/v1"
    assert found["base_url"] == "https://api.example.com/v2"  # variables filled in


def test_keywords_only_the_model_generator_reads_are_left_out(tmp_path: Path) -> None:
    result = run_cli(
        "generate", GOOD / "generator_keywords.yaml", "--out", tmp_path, "--package", "pkg"
    )
    assert result.returncode == 0, result.stderr
    models = (tmp_path / "pkg" / "models.py").read_text()
    assert "nowhere" not in models and "EmailStr" not in models
    assert "contact: Annotated[EmailText | None, NOT_NULL]" in models  # the runtime's check


def test_a_pattern_no_engine_can_check_is_left_out_with_a_warning(tmp_path: Path) -> None:
    spec = GOOD / "unreadable_pattern.yaml"
    result = run_cli("generate", spec, "--out", tmp_path, "--package", "pkg")
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    # `[z-a]` is no regular expression; the look-ahead is ECMA-262, and `regex` checks it.
    assert {line.split(": ", 2)[1] for line in warnings} == {f"{spec}:20:30"}
    assert any("pattern left out of the model: " in w and "out of order" in w for w in warnings)
    models = (tmp_path / "pkg" / "models.py").read_text()
    assert "^[a-z]+$" in models and "(?!x)" in models and "z-a" not in models


def test_keywords_of_the_wrong_kind_are_left_out_of_the_model_each_with_a_warning(
    tmp_path: Path,
) -> None:
    spec = GOOD / "malformed_keywords.yaml"
    result = run_cli("generate", spec, "--out", tmp_path, "--package", "pkg")
    assert result.returncode == 0, result.stderr
    said = sorted(
        line.split(": ", 2)[1:]
        for line in result.stderr.splitlines()
        if "left out of the model" in line or "read as any value" in line
    )
    assert [where.removeprefix(f"{spec}:") for where, _ in said] == [
        "29:30", "30:30", "30:46", "31:31", "32:52", "33:9", "36:11", "40:11", "41:7"
    ]  # fmt: skip
    messages = "\n".join(message for _, message in said)
    assert "`type` left out of the model: it must be a type name or a list of them, not {" in (
        messages
    )
    assert "`required` left out of the model: it must be a list, not true" in messages
    assert "`properties` member 'note' read as any value: it must be a schema" in messages
    assert "cannot decide" not in result.stderr  # a malformed discriminator is no undecidable one
    models = (tmp_path / "pkg" / "models.py").read_text()
    assert "note: JsonAny | None = None" in models and "root: Shape1 | JsonAny" in models
    assert "multiple_of" not in models and "min_length" not in models


def test_warnings_are_printed_again_when_the_package_is_unchanged(tmp_path: Path) -> None:
    spec = GOOD / "info_empty.yaml"
    first = run_cli("generate", spec, "--out", tmp_path, "--package", "pkg")
    again = run_cli("generate", spec, "--out", tmp_path, "--package", "pkg")
    checked = run_cli("generate", spec, "--out", tmp_path, "--package", "pkg", "--check")
    assert "unchanged" in again.stderr and checked.returncode == 0
    warnings = [line for line in first.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2
    for run in (again, checked):
        assert [line for line in run.stderr.splitlines() if line.startswith("warning:")] == warnings


def test_a_document_without_paths_is_told_what_is_missing(tmp_path: Path) -> None:
    spec = tmp_path / "empty.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: {title: t, version: '1'}\n")
    result = run_cli("generate", spec, "--out", tmp_path / "out", "--package", "pkg")
    assert result.returncode == 0, result.stderr
    assert (
        f"warning: {spec}:1:1: tolerated: missing one of the keys `paths`, `components`,"
        " `webhooks` at the top level"
    ) in result.stderr
    assert "anyOf" not in result.stderr


@pytest.mark.parametrize(
    "package",
    [
        "os",
        "json",
        "typing",
        "http",
        "asyncio",
        "pydantic",
        "httpx",
        "fastapi",
        "starlette",
        "uvicorn",
    ],
)
def test_a_package_name_that_would_hide_a_module_is_refused(tmp_path: Path, package: str) -> None:
    result = run_cli("generate", GOOD / "info_empty.yaml", "--out", tmp_path, "--package", package)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert f"--package {package!r} is a module" in result.stderr
    assert not (tmp_path / package).exists()


def test_a_package_name_too_long_for_a_file_system_is_refused(tmp_path: Path) -> None:
    result = run_cli(
        "generate", GOOD / "info_empty.yaml", "--out", tmp_path, "--package", "p" * 300
    )
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "--package is 300 characters long; at most 100" in result.stderr


def test_an_out_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file\n")
    for out in (tmp_path / "taken", tmp_path / "taken" / "deeper"):
        result = run_cli("generate", GOOD / "info_empty.yaml", "--out", out, "--package", "pkg")
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert f"is not a folder: {tmp_path / 'taken'} is a file" in result.stderr
    assert (tmp_path / "taken").read_text() == "a file\n"


def test_ctrl_c_is_one_line_and_exit_130(tmp_path: Path) -> None:
    """SIGINT to the whole process group, as a terminal sends it, once generation is under way."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator",
            "-v",
            "generate",
            str(OPENAI_SPEC),
            "--out",
            str(tmp_path),
            "--package",
            "pkg",
        ],
        cwd=SPECS.parent.parent,
        env={**os.environ, "PYTHONPATH": str(SPECS.parent.parent)},
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stderr is not None
    for _ in range(100_000):  # until the first stage has finished (bounded: the file ends)
        line = process.stderr.readline()
        if not line or ": load " in line:
            break
    os.killpg(process.pid, signal.SIGINT)
    rest = process.communicate(timeout=120)[1]
    assert process.returncode == 130, rest
    errors = [line for line in rest.splitlines() if not line.startswith(("warning:", "pkg"))]
    assert errors == ["error: interrupted"] and "Traceback" not in rest
