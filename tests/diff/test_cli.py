"""`python -m generator diff` as CI runs it: exit 0 clean, 1 at or above the threshold, 2 on
unusable input, with one line of error."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import OPENAI_SPEC, SPEC, run_cli
from tests.diff.pairs import Mutation, both, drop, put, spec_with, write
from tests.diff.test_spec import LIMIT, PET, PID


def pair(tmp_path: Path, *mutations: Mutation) -> tuple[Path, Path]:
    old = write(tmp_path / "old.yaml", spec_with())
    new = write(tmp_path / "new.yaml", spec_with(*mutations))
    return old, new


def test_a_spec_against_itself_exits_0(tmp_path: Path) -> None:
    result = run_cli("diff", SPEC, SPEC)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("0 breaking (clients 0, servers 0), 0 warnings, 0 safe\n")


def test_a_breaking_change_exits_1(tmp_path: Path) -> None:
    old, new = pair(tmp_path, drop(*PET, "properties", "name"))
    result = run_cli("diff", old, new, "--format", "json")
    assert result.returncode == 1 and result.stderr == ""
    assert json.loads(result.stdout)["summary"]["breaking"] >= 1


def test_warnings_fail_only_when_asked(tmp_path: Path) -> None:
    old, new = pair(tmp_path, drop(*PET, "properties", "tag"))  # optional: a warning
    assert run_cli("diff", old, new, "--scope", "wire").returncode == 0
    assert run_cli("diff", old, new, "--scope", "wire", "--fail-on", "warning").returncode == 1


def test_whose_breaks_fail_is_chosen_by_audience(tmp_path: Path) -> None:
    """A new required response property breaks servers (their handler must send it) only."""
    old, new = pair(
        tmp_path,
        both(
            put(*PET, "properties", "owner", value={"type": "string"}),
            put(*PET, "required", value=["id", "name", "nick", "owner"]),
        ),
    )
    assert run_cli("diff", old, new, "--scope", "wire").returncode == 0
    assert run_cli("diff", old, new, "--scope", "wire", "--audience", "servers").returncode == 1
    assert run_cli("diff", old, new, "--scope", "wire", "--audience", "all").returncode == 1


def test_removing_what_was_deprecated_is_a_warning_unless_told(tmp_path: Path) -> None:
    old, new = pair(tmp_path, drop("paths", PID, "delete"))
    assert run_cli("diff", old, new).returncode == 0
    strict = run_cli("diff", old, new, "--deprecated-removal", "breaking")
    assert strict.returncode == 1 and "breaking operation-removed" in strict.stdout


def test_unusable_input_exits_2_with_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.1.0\ninfo: [\n")
    for arguments in ((broken, SPEC), (SPEC, tmp_path / "missing.yaml")):
        result = run_cli("diff", *arguments)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    dangling = write(
        tmp_path / "dangling.yaml",
        spec_with(put(*LIMIT, "schema", value={"$ref": "#/components/schemas/Nope"})),
    )
    result = run_cli("diff", write(tmp_path / "old.yaml", spec_with()), dangling)
    assert result.returncode == 2 and "dangling.yaml:" in result.stderr and "Nope" in result.stderr


def test_openais_spec_against_itself_reports_nothing() -> None:
    """Both sides of a 3 MB spec loaded, analysed and compared in full: no change found."""
    result = run_cli("diff", OPENAI_SPEC, OPENAI_SPEC, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["breaking"] == 0
    assert json.loads(result.stdout)["changes"] == []
