"""Every kind of broken spec, one file each in tests/specs/bad/: one located line, exit 2, no
traceback, and the output folder exactly as it was. The good specs beside them generate."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SPECS, run_cli

BAD = SPECS / "bad"
# file -> (line:col of the fault, or "" when the file as a whole is at fault; words of the message)
EXPECTED = {
    "alias_bomb.yaml": ("10:6", "alias bomb"),
    "all_of_cycle.yaml": (
        "7:7",
        "allOf cycle: #/components/schemas/Animal -> #/components/schemas/Pet",
    ),
    "dangling_ref.yaml": ("15:17", "#/components/schemas/Nowhere does not exist"),
    "duplicate_keys.yaml": ("10:5", "duplicate key 'Pet'"),
    "duplicate_operation_ids.yaml": ("13:7", "operationId 'getThing' is also used at"),
    "equivalent_paths.yaml": (
        "11:3",
        "/pets/{name} is the same path as /pets/{id} (WHERE:4:3) up to parameter names; both"
        " declare GET, so one operation would be lost",
    ),
    "empty.yaml": ("", "the file is empty"),
    "invalid_yaml.yaml": ("6:1", "invalid YAML"),
    "malformed_ref.yaml": ("15:17", "malformed $ref"),
    "missing_external.yaml": ("15:17", "no such file"),
    "missing_operation_file": (
        "7:7",
        "$ref 'resources/droplets/list_all_droplets.yml': no such file",
    ),
    "no_openapi.yaml": ("1:1", "no 'openapi' field (supported: OpenAPI 3.0.x and 3.1.x)"),
    "not_utf8.yaml": ("3:13", "not UTF-8"),
    "nul_in_ref.yaml": ("13:17", "holds a NUL byte"),
    "operation_holds_itself.yaml": ("6:7", "$ref '#/paths' names a place that holds it"),
    "outside_ref.yaml": ("15:17", "leaves the spec's folder"),
    "ref_cycle.yaml": ("15:17", "$ref cycle"),
    "remote_ref.yaml": (
        "15:17",
        "remote $ref 'https://example.com/schemas.yaml#/Pet' is not fetched",
    ),
    "root_list.yaml": ("1:1", "root must be a mapping"),
    "swagger2.yaml": ("1:1", "Swagger 2.0 is not supported"),
    "truncated.json": ("3:1", "invalid JSON"),
}


def bad_spec(name: str) -> Path:
    """A bad spec by name: a file, or a folder whose spec is openapi.yaml (the spec refers to
    other files beside it)."""
    path = BAD / name
    return path / "openapi.yaml" if path.is_dir() else path


def test_every_bad_spec_has_an_expectation() -> None:
    assert sorted(path.name for path in BAD.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_generate_refuses_with_one_located_line_and_writes_nothing(
    tmp_path: Path, name: str
) -> None:
    out = tmp_path / "out"
    (out / "pkg").mkdir(parents=True)
    (out / "pkg" / "models.py").write_text("# what was there before\n")
    spec = bad_spec(name)
    result = run_cli("generate", spec, "--out", out, "--package", "pkg")
    place, words = EXPECTED[name]
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: {spec}:{place}" if place else f"error: {spec}: ")
    assert words.replace("WHERE", str(spec)) in result.stderr
    assert [p.name for p in out.iterdir()] == ["pkg"]
    assert [p.name for p in (out / "pkg").iterdir()] == ["models.py"]
    assert (out / "pkg" / "models.py").read_text() == "# what was there before\n"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_lint_reports_or_refuses(name: str) -> None:
    """Unreadable files are refused (exit 2); readable ones with broken references get findings."""
    result = run_cli("lint", bad_spec(name))
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr
    if result.returncode == 1:
        assert EXPECTED[name][1].split(" ")[0] in result.stdout


def test_an_alias_bomb_fails_fast() -> None:
    import time

    start = time.perf_counter()
    run_cli("lint", BAD / "alias_bomb.yaml")
    assert time.perf_counter() - start < 30  # a bound against hanging, not a benchmark


@pytest.mark.parametrize(
    "name",
    [
        "yaml11_surprises.yaml",
        "external_ref.yaml",
        "recursive.yaml",
        "deep_ref_chain.yaml",
        "deep_nesting_chain.yaml",
        "no_schemas.yaml",
    ],
)
def test_good_specs_generate_and_import(tmp_path: Path, name: str) -> None:
    result = run_cli("generate", SPECS / "good" / name, "--out", tmp_path, "--package", "pkg")
    assert result.returncode == 0, result.stderr
    probe = subprocess.run(
        [sys.executable, "-c", "import pkg.models, pkg.client, pkg.server"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr[-2000:]


def test_an_undecidable_discriminator_is_tolerated_with_a_warning(tmp_path: Path) -> None:
    spec = SPECS / "good" / "ambiguous_discriminator.yaml"
    result = run_cli("generate", spec, "--out", tmp_path, "--package", "pkg")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert (
        "discriminator 'type' cannot decide (UserMessage, AssistantMessage share type='message')"
        in warnings[0]
    )
    probe = """
import json, pkg.models as m
for payload in ({"type": "message", "role": "assistant", "text": "hi"}, {"type": "tool_call", "name": "f"}):
    item = m.Item.model_validate(payload)
    assert item.model_dump(mode="json", by_alias=True, exclude_unset=True) == payload, item
    print(type(item.root).__name__)
"""
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["AssistantMessage", "ToolCall"]
