"""Progress as a build tool shows it: each stage with its time under -v, a status line on a terminal
only, warnings as they are found, one summary line per package, and nothing but warnings under -q.
"""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

from generator.format import Formatter
from generator.progress import STAGES, ConsoleReporter
from tests.conftest import ROOT, SPEC, SPECS, run_cli

AMBIGUOUS = SPECS / "good" / "ambiguous_discriminator.yaml"  # generates, with one warning
STAGE_LINE = re.compile(r"^(?P<label>\S+): (?P<stage>[a-z]+) \d+\.\d\ds$")


def test_a_reporter_off_a_terminal_writes_stage_lines_and_warnings_only() -> None:
    stream = io.StringIO()
    reporter = ConsoleReporter(stream, "out/p", verbose=True, live=False)
    with reporter.stage("load"):
        reporter.warning("a default that breaks its schema")
    with reporter.stage("format"):
        reporter.advance(1, 2)
    reporter.line("out/p: wrote 3 files")
    lines = stream.getvalue().splitlines()
    assert lines[0] == "warning: a default that breaks its schema"
    assert [m["stage"] for line in lines[1:3] if (m := STAGE_LINE.match(line))] == [
        "load",
        "format",
    ]
    assert lines[3] == "out/p: wrote 3 files"
    assert "\r" not in stream.getvalue()


def test_a_reporter_on_a_terminal_rewrites_one_status_line_and_erases_it() -> None:
    stream = io.StringIO()
    reporter = ConsoleReporter(stream, "out/p", verbose=False, live=True)
    with reporter.stage("format"):
        reporter.advance(1, 3)
        reporter.warning("careful")
        reporter.advance(3, 3)
    reporter.line("out/p: wrote 3 files")
    text = stream.getvalue()
    erase = "\r\x1b[K"
    assert text == (
        f"{erase}out/p: format{erase}out/p: format 1/3"
        f"{erase}warning: careful\n{erase}out/p: format 1/3"  # the warning above the status
        f"{erase}out/p: format 3/3{erase}"  # erased when the stage ends
        "out/p: wrote 3 files\n"
    )


def test_a_status_line_fits_the_terminal_and_keeps_the_stage(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "30")
    stream = io.StringIO()
    reporter = ConsoleReporter(stream, "/a/long/folder/of/packages/p", verbose=False, live=True)
    with reporter.stage("format"):
        reporter.advance(12, 345)
    assert "\r\x1b[K.../packages/p: format 12/345\r" in stream.getvalue()  # 29 columns
    monkeypatch.setenv("COLUMNS", "10")
    with reporter.stage("format"):
        pass
    assert stream.getvalue().endswith("\r\x1b[K...: format\r\x1b[K")


def test_a_failed_stage_erases_its_status_and_reports_no_time() -> None:
    stream = io.StringIO()
    reporter = ConsoleReporter(stream, "out/p", verbose=True, live=True)
    with pytest.raises(ValueError), reporter.stage("load"):
        raise ValueError("the caller reports it")
    assert stream.getvalue() == "\r\x1b[Kout/p: load\r\x1b[K"


def test_the_formatter_reports_every_unit_done() -> None:
    seen: list[tuple[int, int]] = []
    with Formatter(workers=1, progress=lambda done, total: seen.append((done, total))) as formatter:
        formatter.add("a.py", "x=1\ndef f():\n  return 1\nclass C:\n  pass\n")
        formatter.add("b.py", "y = 2\n")
        formatter.results()
    assert seen and seen[-1][0] == seen[-1][1] == 4  # four units: x=1, f, C, y = 2
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_verbose_shows_each_stage_as_it_ends_and_each_warning_after_its_stage(
    tmp_path: Path,
) -> None:
    result = run_cli("-v", "generate", AMBIGUOUS, "--out", tmp_path, "--package", "pkg")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    stages = [match["stage"] for line in lines if (match := STAGE_LINE.match(line))]
    assert stages == list(STAGES)
    warning = next(i for i, line in enumerate(lines) if line.startswith("warning: "))
    assert lines[warning + 1].startswith(f"{tmp_path / 'pkg'}: load ")  # found while loading
    written = sum(1 for path in (tmp_path / "pkg").rglob("*") if path.is_file())
    summary = rf"{re.escape(str(tmp_path / 'pkg'))}: wrote {written} files in \S+s"
    assert re.fullmatch(summary, lines[-1])
    assert "\r" not in result.stderr  # stderr is not a terminal: no status line


def test_quiet_leaves_warnings_and_errors_only(tmp_path: Path) -> None:
    result = run_cli("generate", AMBIGUOUS, "--out", tmp_path, "--package", "pkg", "-q")
    assert result.returncode == 0
    assert [line.split(" ")[0] for line in result.stderr.splitlines()] == ["warning:"]
    again = run_cli("-q", "generate", AMBIGUOUS, "--out", tmp_path, "--package", "pkg")
    # Unchanged: no summary line, but the spec's warnings again (they are kept in the manifest).
    assert again.returncode == 0 and again.stderr == result.stderr
    broken = run_cli("-q", "generate", SPECS / "bad" / "dangling_ref.yaml", "--out", tmp_path)
    assert broken.returncode == 2 and broken.stderr.startswith("error: ")


def test_global_options_go_before_the_command_or_after_it(tmp_path: Path) -> None:
    config = tmp_path / "specsmith.toml"
    config.write_text(f'[[targets]]\nspec = "{SPEC}"\nout = "out"\npackage = "p"\nparts = []\n')
    before = run_cli("-v", "--config", config, "generate", cwd=tmp_path)
    assert before.returncode == 0, before.stderr
    assert STAGE_LINE.match(before.stderr.splitlines()[0])
    after = run_cli("generate", "--check", "--config", config, "-v", cwd=tmp_path)
    assert after.returncode == 0 and "out/p: up to date in" in after.stderr
    assert run_cli("-q", "generate", "-v", "--config", config, cwd=tmp_path).returncode == 2


def test_a_terminal_sees_a_status_line_for_the_formatter(tmp_path: Path) -> None:
    """stderr on a pseudo-terminal, as in a shell: one line rewritten in place, then the summary."""
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "generate", SPEC, "--out", tmp_path, "--package", "p"],
            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=terminal,
            env={**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm"},
        )  # fmt: skip
        os.close(terminal)
        shown = _read_until_closed(controller)
        assert process.wait(timeout=300) == 0, shown
    finally:
        os.close(controller)
    assert re.search(r"\r\x1b\[K\S*/p: format \d+/\d+\r", shown), shown  # the label may be cut
    written = sum(1 for path in (tmp_path / "p").rglob("*") if path.is_file())
    assert shown.endswith(f"\r\x1b[K{tmp_path / 'p'}: wrote {written} files\r\n"), shown


def _read_until_closed(controller: int) -> str:
    """Everything written to the terminal until the last writer closes it (at most 300 s)."""
    chunks: list[bytes] = []
    for _ in range(3000):
        ready, _, _ = select.select([controller], [], [], 0.1)
        if not ready:
            continue
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the other side is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode()
