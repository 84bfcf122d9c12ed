"""Timing helpers shared by the benchmarks: whole processes, wall time and peak memory.

Machines here are shared and noisy, so every figure is reported beside a baseline measured in the
same run, as a ratio.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
OPENAI_SPEC = SHARED / "specs" / "openai-openapi.yaml"

# Runs a command and reports its wall time and the peak RSS of its process tree's largest member.
_WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
result = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mib": peak, "returncode": result.returncode, "stderr": result.stderr[-2000:]}))
"""


@dataclass(frozen=True)
class ProcessRun:
    seconds: float
    peak_mib: float
    returncode: int
    stderr: str


def run_process(command: list[str], *, cwd: Path = ROOT, timeout: float = 900) -> ProcessRun:
    output = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    return ProcessRun(**json.loads(output.stdout))


def ratio_row(
    bench: str, subject: str, measured: ProcessRun, baseline: ProcessRun
) -> dict[str, object]:
    """One process run as a table row, its time as a ratio to the baseline of the same run."""
    return {
        "bench": bench,
        "subject": subject,
        "seconds": measured.seconds,
        "peak MiB": measured.peak_mib,
        "ratio": measured.seconds / baseline.seconds,
        "exit": measured.returncode,
    }


def table(rows: list[dict[str, object]], columns: list[str]) -> str:
    widths = {
        column: max(len(column), *(len(_cell(row.get(column))) for row in rows))
        for column in columns
    }
    lines = ["  ".join(column.ljust(widths[column]) for column in columns)]
    lines += [
        "  ".join(_cell(row.get(column)).ljust(widths[column]) for column in columns)
        for row in rows
    ]
    return "\n".join(lines)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return "" if value is None else str(value)
