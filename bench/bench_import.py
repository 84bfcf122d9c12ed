"""What importing a client costs: the package generated from OpenAI's spec beside the openai SDK.

Side by side in one run, in fresh interpreters taking turns (so that a busy spell of the machine
falls on both), each figure the median over rounds of what `python -X importtime -c "import X"`
reports for the modules the import brings in (the interpreter's own start-up left out):

    openai SDK                   import openai (the baseline)
    generated client             import <package>.client: httpx, pydantic, the runtime; no resource
                                 module and no model (they load on first use)
    generated client, first use  ... then `client.files` and `client.chat.completions`, and the
                                 parsing of one answer: what a first call pays, the models included

The package is generated once, into a scratch folder, with the configuration the tests use.
Run: .venv/bin/python bench/bench_import.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import OPENAI_SPEC, ROOT, table

PACKAGE = "openai_import_bench"
FIRST_USE = (
    f"import {PACKAGE}.client as c\n"
    "client = c.Client(base_url='http://127.0.0.1:9', token='t')\n"
    "client.files, client.chat.completions\n"
    f"from {PACKAGE}.resources.files import _list_files_result\n"
    "_list_files_result()\n"
)


def importtime(code: str, cwd: Path) -> float:
    """Seconds the imports of `code` take, as `-X importtime` reports them: the cumulative time
    of every top-level import `code` makes (those the interpreter makes at start-up left out)."""
    baseline = _top_level(_importtime("pass", cwd))
    measured = _top_level(_importtime(code, cwd))
    return sum(micros for name, micros in measured.items() if name not in baseline) / 1e6


def _importtime(code: str, cwd: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return result.stderr


def _top_level(report: str) -> dict[str, int]:
    """Module -> cumulative microseconds, for the imports made at the top (not nested)."""
    found: dict[str, int] = {}
    for line in report.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        if name.strip() and not name.startswith("  ") and cumulative.strip().isdigit():
            found[name.strip()] = int(cumulative)
    return found


def generate(folder: Path) -> None:
    config = folder / "specsmith.toml"
    config.write_text(
        "[[targets]]\n"
        f"spec = {json.dumps(str(OPENAI_SPEC))}\nout = {json.dumps(str(folder))}\n"
        f"package = {PACKAGE!r}\n"
        '[targets.stream_terminators]\ncreateChatCompletion = "[DONE]"\n'
    )
    command = ["-m", "generator", "generate", "--config", str(config), str(OPENAI_SPEC)]
    subprocess.run([sys.executable, *command], cwd=ROOT, capture_output=True, check=True)


def run(quick: bool = False) -> list[dict[str, object]]:
    rounds = 3 if quick else 9
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        generate(folder)
        subjects = {
            "openai SDK: import openai": "import openai",
            f"generated: import {PACKAGE}.client": f"import {PACKAGE}.client",
            "generated: the client, then its first use": FIRST_USE,
        }
        times: dict[str, list[float]] = {name: [] for name in subjects}
        for _ in range(rounds):
            for name, code in subjects.items():
                times[name].append(importtime(code, folder))
    baseline = statistics.median(times["openai SDK: import openai"])
    return [
        {
            "bench": "import",
            "subject": name,
            "seconds": statistics.median(values),
            "best": min(values),
            "ratio": statistics.median(values) / baseline,
        }
        for name, values in times.items()
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 rounds instead of 9")
    rows = run(quick=parser.parse_args().quick)
    print(table(rows, ["subject", "seconds", "best", "ratio"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
