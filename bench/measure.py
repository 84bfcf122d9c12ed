"""Timing helpers shared by the benchmarks: whole processes, wall time and peak memory.

Machines here are shared and noisy, so every figure is reported beside a baseline measured in the
same run, as a ratio.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"  # one copy for tests and benchmarks (tests/data/README.md)
OPENAI_SPEC = DATA / "openai-openapi.yaml"
SEED = DATA / "seed"

# Runs a command and reports its wall time, its CPU time (user and system, of the whole process
# tree: every descendant is waited for) and peak memory. On Linux the peak is that of the whole
# process tree at once (the RSS of every descendant, sampled every 20 ms), since our generator
# formats in worker processes; elsewhere, the largest single process (getrusage).
_WRAPPER = """
import json, os, resource, subprocess, sys, threading, time

def tree_rss_kib(root):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/status") as status:
                total += next((int(l.split()[1]) for l in status if l.startswith("VmRSS:")), 0)
        except OSError:
            pass
    return total

limit = float(sys.argv[1])
start = time.perf_counter()
process = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
peak_kib = 0
if os.path.isdir("/proc"):
    def sample():
        global peak_kib
        while process.poll() is None:
            peak_kib = max(peak_kib, tree_rss_kib(process.pid))
            time.sleep(0.02)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
try:
    stderr = process.communicate(timeout=limit)[1]
except subprocess.TimeoutExpired:
    os.killpg(process.pid, 9)  # the command and whatever it started
    stderr = process.communicate()[1] + f"\ntimed out after {limit:.0f}s"
except BaseException:  # interrupted: nothing of the command's is left running
    os.killpg(process.pid, 9)
    raise
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
peak = max(peak_kib, usage.ru_maxrss) / 1024
print(json.dumps({"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_mib": peak, "returncode": process.returncode, "stderr": stderr[-2000:]}))
"""


@dataclass(frozen=True)
class ProcessRun:
    seconds: float
    peak_mib: float
    returncode: int
    stderr: str
    cpu_seconds: float = 0.0  # a shared machine's load stretches wall time, not this


def run_process(
    command: list[str],
    *,
    cwd: Path = ROOT,
    timeout: float = 900,
    env: Mapping[str, str] | None = None,
) -> ProcessRun:
    """`command`'s wall time and peak memory; `env` adds to this process's environment."""
    output = subprocess.run(
        [sys.executable, "-c", _WRAPPER, str(timeout), *command],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout + 60,
        check=True,
    )
    return ProcessRun(**json.loads(output.stdout))


def median_run(runs: list[ProcessRun]) -> ProcessRun:
    """The run of median time (its own memory and exit code with it)."""
    return sorted(runs, key=lambda run: run.seconds)[len(runs) // 2]


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
