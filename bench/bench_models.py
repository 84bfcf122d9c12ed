"""Models for OpenAI's full spec: our pipeline beside datamodel-code-generator's own CLI.

Both write black-formatted models for the same file; one run each, side by side, as a ratio.
Run: .venv/bin/python bench/bench_models.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import OPENAI_SPEC, ratio_row, run_process, table

# Our stages up to a black-formatted models.py, in one process, as `generate` runs them.
_OURS = """
import sys
from pathlib import Path
from generator.analyse import analyse
from generator.format import Formatter
from generator.load import load_spec
from generator.models import render_models
spec = load_spec(Path(sys.argv[1]))
api = analyse(spec, "openai_api")
with Formatter() as formatter:
    formatter.add("models.py", render_models(spec, api))
    Path(sys.argv[2]).write_text(formatter.results()["models.py"])
"""


BENCH = "models: OpenAI spec"


def run(quick: bool = False) -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        baseline = run_process(
            [
                str(Path(sys.executable).parent / "datamodel-codegen"),
                "--input",
                str(OPENAI_SPEC),
                "--input-file-type",
                "openapi",
                "--output-model-type",
                "pydantic_v2.BaseModel",
                "--formatters",
                "black",
                "--disable-timestamp",
                "--output",
                str(out / "dcg_models.py"),
            ]
        )
        ours = run_process([sys.executable, "-c", _OURS, str(OPENAI_SPEC), str(out / "models.py")])
    return [
        ratio_row(BENCH, "datamodel-codegen CLI (black)", baseline, baseline),
        ratio_row(BENCH, "specsmith models (black)", ours, baseline),
    ]


if __name__ == "__main__":
    print(table(run(), ["bench", "subject", "seconds", "peak MiB", "ratio", "exit"]))
