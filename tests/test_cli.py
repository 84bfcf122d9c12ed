"""The command line as CI and people use it: exit codes 0 / 1 / 2 and one clear line on failure."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SPEC, run_cli


def test_lint_passes_our_spec() -> None:
    result = run_cli("lint", SPEC)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stdout


def test_lint_reports_every_bad_example_with_its_line(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    text = SPEC.read_text()
    text = (
        text.replace('"n": 0,', '"n": "zero",', 1)
        if '"n": 0,' in text
        else text.replace("n: 0\n", "n: zero\n", 1)
    )
    text = text.replace("finish_reason: stop", "finish_reason: 7", 1)
    spec.write_text(text)
    result = run_cli("lint", spec)
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if "example-valid" in line]
    assert len(lines) >= 2, result.stdout
    for line in lines:
        location, severity, rule, _ = line.split(" ", 3)
        file, line_number, column = location.rsplit(":", 2)
        assert file == str(spec) and int(line_number) > 0 and int(column) > 0
        assert (severity, rule) == ("error", "example-valid")


def test_lint_reports_structural_errors(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo:\n  title: x\npaths:\n  /a:\n    get:\n      responses: 5\n"
    )
    result = run_cli("lint", spec)
    assert result.returncode == 1
    assert "spec.yaml:2:1 error oas-schema missing key `version` in `info`" in result.stdout
    assert "spec.yaml:7:7 error oas-schema `responses` must be an object, not 5" in result.stdout


def test_unusable_input_exits_2_with_one_line(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: [\n")
    for command in (
        ("lint", spec),
        ("generate", spec, "--out", tmp_path / "out", "--package", "p"),
    ):
        result = run_cli(*command)
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and result.stderr.startswith(
            f"error: {spec}:3:1: invalid YAML"
        )
        assert not (tmp_path / "out").exists()


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = run_cli("lint", tmp_path / "nope.yaml")
    assert result.returncode == 2 and "no such file" in result.stderr


def test_a_bad_package_name_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("generate", SPEC, "--out", tmp_path, "--package", "not-a-name")
    assert result.returncode == 2 and "--package" in result.stderr


def test_usage_errors_exit_2() -> None:
    unconfigured = SPEC.parent.parent / "tests" / "specs" / "good" / "recursive.yaml"
    assert run_cli("generate", unconfigured).returncode == 2  # no --out, and no target names one
    assert run_cli().returncode == 2


def test_version() -> None:
    from generator import __version__

    result = run_cli("--version")
    assert result.returncode == 0 and __version__ in result.stdout


def test_a_broken_ref_is_a_lint_finding_and_stops_generate(tmp_path: Path) -> None:
    """As the README's exit codes say: 1 for lint (a ref-resolves finding), 2 for generate."""
    spec = SPEC.parent.parent / "tests" / "specs" / "bad" / "dangling_ref.yaml"
    lint = run_cli("lint", spec)
    assert lint.returncode == 1 and " error ref-resolves " in lint.stdout
    generate = run_cli("generate", spec, "--out", tmp_path, "--package", "p")
    assert generate.returncode == 2 and generate.stderr.startswith("error: ")
