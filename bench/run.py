"""`make bench`: every benchmark in bench/, each figure beside its same-run baseline.

Each `bench_*.py` module has `run(quick: bool = False) -> list[dict]` (and a `corpus` folder, for
those that take one: `--corpus DIR`); rows are printed as one table per module and saved to
bench/results/latest.json for closing notes.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import ROOT, table

BENCH = ROOT / "bench"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="only these benchmarks (e.g. models client)")
    parser.add_argument("--quick", action="store_true", help="fewer rounds, for a smoke test")
    parser.add_argument(
        "--corpus", type=Path, help="a folder of real specs, for the benchmarks that take one"
    )
    arguments = parser.parse_args()
    results: dict[str, list[dict[str, object]]] = {}
    for path in sorted(BENCH.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if arguments.names and name not in arguments.names:
            continue
        module = importlib.import_module(f"bench.{path.stem}")
        options = {"quick": arguments.quick}
        if "corpus" in inspect.signature(module.run).parameters:
            options["corpus"] = arguments.corpus
        rows = module.run(**options)
        results[name] = rows
        columns = list(dict.fromkeys(key for row in rows for key in row))
        print(f"\n== {name}\n{table(rows, columns)}", flush=True)
    out = BENCH / "results" / "latest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
