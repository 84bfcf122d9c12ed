"""Lint on OpenAI's 3 MB spec with every rule, beside openapi-spec-validator's validation alone.

Both are whole processes (start-up, YAML load and all), one run each, side by side; the aim is the
whole linter in at most half the validator's time. Run: .venv/bin/python bench/bench_lint.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import OPENAI_SPEC, ratio_row, run_process, table

# What `openapi-spec-validator --validation-errors all` does, without its output of 25 long errors.
_VALIDATOR = """
import sys, yaml
from openapi_spec_validator import OpenAPIV31SpecValidator
document = yaml.load(open(sys.argv[1]), Loader=yaml.CSafeLoader)
print(sum(1 for _ in OpenAPIV31SpecValidator(document).iter_errors()))
"""


BENCH = "lint: OpenAI spec"


def run(quick: bool = False) -> list[dict[str, object]]:
    baseline = run_process([sys.executable, "-c", _VALIDATOR, str(OPENAI_SPEC)])
    ours = run_process(
        [sys.executable, "-m", "generator", "lint", str(OPENAI_SPEC), "--format", "json"]
    )
    return [
        ratio_row(BENCH, "openapi-spec-validator (structure only)", baseline, baseline),
        ratio_row(BENCH, "specsmith lint (every rule)", ours, baseline),
    ]


if __name__ == "__main__":
    print(table(run(), ["bench", "subject", "seconds", "peak MiB", "ratio", "exit"]))
