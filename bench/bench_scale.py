"""Scale as a property: generate and lint on synthetic specs of growing size, as a growth curve.

Two families, each a whole process per point with its peak memory (the process tree's):
- `schemas`: N small schemas (four properties, one a `$ref` to another schema, one an array),
  and an operation for every hundred of them: 100, 1k, 10k, 100k;
- `chain`: N schemas each only a `$ref` to the next, the last an object: 1k, 10k.

Each row has its wall and CPU time (the machines here are shared: load stretches wall time, not
CPU time), and the CPU time per thousand units with its ratio to the smallest point of its family:
about 1 all along is linear growth; a ratio that grows with N is super-linear. Not timed
assertions: figures for the notes (the issue's bounds: 100,000 schemas in under 5 minutes and
2 GB, a 10,000-long chain in under 30 s).

    .venv/bin/python bench/bench_scale.py [--sizes 100 1000 10000 100000] [--chains 1000 10000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import ProcessRun, run_process, table

SIZES = (100, 1_000, 10_000, 100_000)
CHAINS = (1_000, 10_000)


def schemas_spec(count: int) -> dict[str, Any]:
    """`count` small schemas that refer to one another, and an operation per hundred."""
    schemas = {
        f"S{index}": {
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string", "maxLength": 50},
                "tags": {"type": "array", "items": {"type": "string"}},
                "parent": {"$ref": f"#/components/schemas/S{(index * 7 + 1) % count}"},
            },
        }
        for index in range(count)
    }
    paths = {
        f"/s{index}/{{id}}": {
            "get": {
                "operationId": f"getS{index}",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {"200": _json_response(f"S{index}")},
            }
        }
        for index in range(0, count, 100)
    }
    return _document(paths, schemas)


def chain_spec(length: int) -> dict[str, Any]:
    """`length` schemas, each only a `$ref` to the next; the last is an object."""
    schemas: dict[str, Any] = {
        f"S{index}": {"$ref": f"#/components/schemas/S{index + 1}"} for index in range(length - 1)
    }
    schemas[f"S{length - 1}"] = {"type": "object", "properties": {"a": {"type": "string"}}}
    paths = {"/x": {"get": {"operationId": "getX", "responses": {"200": _json_response("S0")}}}}
    return _document(paths, schemas)


def _json_response(schema: str) -> dict[str, Any]:
    return {
        "description": "ok",
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _document(paths: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Scale", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


def measure(family: str, size: int, folder: Path) -> list[dict[str, object]]:
    spec = folder / f"{family}-{size}.json"
    document = schemas_spec(size) if family == "schemas" else chain_spec(size)
    spec.write_text(json.dumps(document))
    megabytes = spec.stat().st_size / 1e6
    rows = []
    for command in ("generate", "lint"):
        arguments = [sys.executable, "-m", "generator", command, str(spec)]
        if command == "generate":
            arguments += ["--out", str(folder / "out"), "--package", f"p{size}", "-q"]
        run = run_process(arguments, timeout=3600)
        rows.append(_row(family, command, size, megabytes, run))
    return rows


def _row(
    family: str, command: str, size: int, megabytes: float, run: ProcessRun
) -> dict[str, object]:
    return {
        "family": family,
        "command": command,
        "N": size,
        "MB": megabytes,
        "seconds": run.seconds,
        "CPU s": run.cpu_seconds,
        "peak MiB": run.peak_mib,
        "CPU s per 1k": run.cpu_seconds / size * 1000,
        "exit": run.returncode,
    }


def with_growth(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Each row's time per unit against the smallest point of its family and command."""
    first: dict[tuple[object, object], float] = {}
    for row in rows:
        key = (row["family"], row["command"])
        per_unit = float(row["CPU s per 1k"])  # type: ignore[arg-type]
        first.setdefault(key, per_unit)
        row["per-unit ratio"] = per_unit / first[key]
    return rows


def run(
    quick: bool = False, sizes: tuple[int, ...] = SIZES, chains: tuple[int, ...] = CHAINS
) -> list[dict[str, object]]:
    if quick:
        sizes, chains = (100, 1_000), (1_000,)
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as scratch:
        for family, points in (("schemas", sizes), ("chain", chains)):
            for size in points:
                rows += measure(family, size, Path(scratch))
                print(
                    table(with_growth(list(rows))[-2:], list(rows[-1])), file=sys.stderr, flush=True
                )
    return with_growth(rows)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--chains", type=int, nargs="*", default=list(CHAINS))
    arguments = parser.parse_args()
    rows = run(sizes=tuple(arguments.sizes), chains=tuple(arguments.chains))
    columns = list(dict.fromkeys(key for row in rows for key in row))
    print(table(rows, columns))
    return 0


if __name__ == "__main__":
    sys.exit(main())
