"""Generating everything for OpenAI's spec, as `make generate` would in a build pipeline.

Side by side in one run, each a whole process with its peak memory:
- specsmith, cold: models, client and server, black-formatted, into an empty folder (the median
  of three rounds, taking turns with the baseline's);
- specsmith, nothing changed: the same command again (the manifest's fast path);
- datamodel-code-generator's CLI alone (models only, black), the baseline;
- fastapi-code-generator and openapi-python-client, where `make bench-peers` installed them
  (each in an environment of its own under .venv-peers/, since they pin other versions).
Run: .venv/bin/python bench/bench_generate.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import (
    OPENAI_SPEC,
    ROOT,
    ProcessRun,
    median_run,
    ratio_row,
    run_process,
    table,
)

PEERS = ROOT / ".venv-peers"


def run(quick: bool = False) -> list[dict[str, object]]:
    rows: list[tuple[str, ProcessRun]] = []
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        ours = [
            sys.executable,
            "-m",
            "generator",
            "generate",
            str(OPENAI_SPEC),
            "--out",
            str(out / "ours"),
            "--package",
            "openai_api",
        ]
        # The baseline and our cold run take turns, so that a busy spell of the machine falls on
        # both; each row is the median of its rounds.
        baseline_runs, cold_runs = [], []
        for _ in range(1 if quick else 3):
            shutil.rmtree(out / "ours", ignore_errors=True)
            baseline_runs.append(run_process(_dcg(out)))
            cold_runs.append(run_process(ours))
        rows.append(("datamodel-codegen CLI (models only, black)", median_run(baseline_runs)))
        rows.append(("specsmith cold (models+client+server, black)", median_run(cold_runs)))
        rows.append(("specsmith again, nothing changed", run_process(ours)))
        rows.append(("specsmith --check, nothing changed", run_process([*ours, "--check"])))
        fcg = PEERS / "fastapi-code-generator" / "bin" / "fastapi-codegen"
        if fcg.exists():
            rows.append(
                (
                    "fastapi-code-generator",
                    run_process(
                        [str(fcg), "--input", str(OPENAI_SPEC), "--output", str(out / "fcg")]
                    ),
                )
            )
        opc = PEERS / "openapi-python-client" / "bin" / "openapi-python-client"
        if opc.exists():
            command = [
                str(opc),
                "generate",
                "--path",
                str(OPENAI_SPEC),
                "--output-path",
                str(out / "opc"),
                "--overwrite",
            ]
            rows.append(("openapi-python-client", run_process(command)))
    baseline = rows[0][1]
    return [
        ratio_row("generate: OpenAI spec", subject, measured, baseline)
        for subject, measured in rows
    ]


def _dcg(out: Path) -> list[str]:
    return [
        str(Path(sys.executable).parent / "datamodel-codegen"),
        "--input", str(OPENAI_SPEC), "--input-file-type", "openapi",
        "--output-model-type", "pydantic_v2.BaseModel", "--formatters", "black",
        "--disable-timestamp", "--output", str(out / "dcg_models.py"),
    ]  # fmt: skip


if __name__ == "__main__":
    print(table(run(), ["bench", "subject", "seconds", "peak MiB", "ratio", "exit"]))
