"""diff on OpenAI's 3 MB spec beside lint on it, in the same run: the spec against itself (the aim:
no change, in under twice lint's time; both sides are loaded, analysed and compared in full),
and against a copy with a schema renamed and an operation removed (the same work, and a report).

Whole processes, the median of three runs each (one with --quick). Run:
.venv/bin/python bench/bench_diff.py [SPEC] (default: OpenAI's spec, tests/data/).
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import OPENAI_SPEC, ProcessRun, median_run, ratio_row, run_process, table

BENCH = "diff: OpenAI spec"


def changed_copy(spec: Path, folder: Path) -> Path:
    """OpenAI's spec with `CreateChatCompletionRequest` renamed and the first path's first
    operation removed: a package change and a wire break."""
    text = spec.read_text()
    text = re.sub(r"\bCreateChatCompletionRequest\b", "ChatRequest", text)
    first_path = re.search(r"^paths:\n  (/\S+):\n    (\w+):\n", text, re.MULTILINE)
    if first_path:
        text = text.replace(
            f"  {first_path[1]}:\n    {first_path[2]}:\n",
            f"  {first_path[1]}:\n    x-gone-{first_path[2]}:\n",
            1,
        )
    copy = folder / "openai-changed.yaml"
    copy.write_text(text)
    return copy


def run(quick: bool = False, spec_path: Path = OPENAI_SPEC) -> list[dict[str, object]]:
    rounds = 1 if quick else 3
    python, spec = sys.executable, str(spec_path)
    with tempfile.TemporaryDirectory() as scratch:
        changed = str(changed_copy(spec_path, Path(scratch)))
        commands = {
            "specsmith lint (every rule)": [
                python,
                "-m",
                "generator",
                "lint",
                spec,
                "--format",
                "json",
            ],
            "specsmith diff, spec against itself": [
                python,
                "-m",
                "generator",
                "diff",
                spec,
                spec,
                "--format",
                "json",
            ],
            "specsmith diff, against a changed copy": [
                python,
                "-m",
                "generator",
                "diff",
                spec,
                changed,
                "--format",
                "json",
            ],
        }
        runs: dict[str, list[ProcessRun]] = {name: [] for name in commands}
        for _ in range(rounds):  # interleaved, so that a noisy moment hits each alike
            for name, command in commands.items():
                runs[name].append(run_process(command))
    baseline = median_run(runs["specsmith lint (every rule)"])
    return [
        ratio_row(BENCH, name, median_run(measured), baseline) for name, measured in runs.items()
    ]


if __name__ == "__main__":
    given = [argument for argument in sys.argv[1:] if not argument.startswith("--")]
    print(
        table(
            run(quick="--quick" in sys.argv, spec_path=Path(given[0]) if given else OPENAI_SPEC),
            ["bench", "subject", "seconds", "peak MiB", "ratio", "exit"],
        )
    )
