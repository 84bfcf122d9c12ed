"""The command line as CI and people use it: exit codes 0 / 1 / 2 and one clear line on failure."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.conftest import ROOT, SPEC, SPECS, run_cli


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


class _Lines:
    """The stderr lines of a running process, each waited for with a bound."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self._queue: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        assert process.stderr is not None
        stream = process.stderr
        threading.Thread(
            target=lambda: [self._queue.put(line) for line in stream], daemon=True
        ).start()

    def next_matching(self, pattern: str, timeout: float = 180) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                break
            self.seen.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern!r} in {self.seen}")


def test_watch_generates_on_every_save_and_ctrl_c_ends_it(tmp_path: Path) -> None:
    spec = tmp_path / "tree.yaml"
    spec.write_text((SPECS / "good" / "recursive.yaml").read_text())
    command = [sys.executable, "-m", "generator", "generate", str(spec), "--watch"]
    process = subprocess.Popen(
        [*command, "--out", str(tmp_path / "out"), "--package", "tree"],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        lines = _Lines(process)
        first = lines.next_matching(r"tree: wrote \d+ files in \d+\.\d\ds$")
        assert first.startswith("out/tree: ")  # as given, relative to the working folder
        spec.write_text(spec.read_text().replace("title: Tree", "title: Forest"))
        lines.next_matching(r"tree: wrote \d+ files \(\d+ changed\) in \d+\.\d\ds: .*client\.py")
        spec.write_text("openapi: 3.1.0\ninfo: [\n")  # saved half-way: one error, and on
        lines.next_matching(r"^error: .*tree\.yaml:\d+:\d+")
        spec.write_text((SPECS / "good" / "recursive.yaml").read_text())
        lines.next_matching(r"tree: wrote \d+ files \(\d+ changed\) in \d+\.\d\ds")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
        lines.next_matching(r"^stopped watching$", timeout=10)
        assert not any("Traceback" in line for line in lines.seen), lines.seen
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
