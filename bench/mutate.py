"""Mutated specs through `lint` and `generate`: no traceback, no internal error, ever.

Each mutant is a seed spec with one small change a hand or a tool might make: a key deleted, a
value replaced by null, a list, a mapping or a string of the wrong kind, a path template that no
longer names its parameter, a broken or odd `$ref` (a NUL byte, percent-encoding, a cycle), a
`type: null`, an `allOf` that holds itself. The same seed and count always give the same
mutants. Not part of CI (tests/test_mutations.py runs three dozen of them); one command:

    .venv/bin/python bench/mutate.py [SPEC...] [--count 500] [--seed 1] [--generate-every 1]

Both commands run in this process (one interpreter for every mutant), through `cli.main`, so
that an internal error is seen as the one line the command prints; each mutant's run is bounded
by an alarm. Prints every mutant that ended in an internal error, a traceback or a timeout, and
a count by outcome.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import json
import random
import signal
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEEDS = (
    ROOT / "tests" / "specs" / "real" / "darkroom.json",
    ROOT / "tests" / "specs" / "hostile" / "hostile.yaml",
    ROOT / "tests" / "specs" / "good" / "recursive.yaml",
    ROOT / "spec" / "openapi.yaml",
)
ODD_VALUES: tuple[Any, ...] = (None, [], {}, "", "x", 0, -1, 1.5, True, [1], {"a": 1}, [None], [{}])
ODD_REFS = (
    "#/nowhere", "", "#", "#/", "\0", "a\0b.yaml", "#/components/schemas/%7Bx%7D", "other.yaml",
    "#/paths", "#/info", "http://example.com/x.yaml", "#/components/schemas/../x", "#//", "#~",
    "x" * 300 + ".yaml", "#/components/schemas/" + "%" * 3,
)  # fmt: skip
Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Mutant:
    seed: str
    what: str
    document: dict[str, Any]


def places(document: Any) -> list[tuple[Path_, Any]]:
    """Every (path, value) in the document, the root included, without recursion."""
    found: list[tuple[Path_, Any]] = []
    stack: list[tuple[Path_, Any]] = [((), document)]
    while stack:
        path, value = stack.pop()
        found.append((path, value))
        if isinstance(value, dict):
            stack.extend(((*path, key), child) for key, child in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, index), child) for index, child in enumerate(value))
    found.sort(key=lambda item: [str(token) for token in item[0]])
    return found


def _parent(document: Any, path: Path_) -> Any:
    node = document
    for token in path[:-1]:
        node = node[token]
    return node


def _set(document: Any, path: Path_, value: Any) -> None:
    _parent(document, path)[path[-1]] = value


def mutants(seed: Path, document: dict[str, Any], rng: random.Random) -> Iterator[Mutant]:
    """An endless stream of mutants of one document."""
    operators: list[Callable[[dict[str, Any], random.Random], str | None]] = [
        _delete_key, _odd_value, _odd_value, _odd_ref, _rename_template_parameter,
        _rename_declared_parameter, _type_null, _all_of_cycle, _wrap, _equivalent_path,
        _empty_info, _odd_key,
    ]  # fmt: skip
    while True:
        mutant = copy.deepcopy(document)
        what = rng.choice(operators)(mutant, rng)
        if what is not None:
            yield Mutant(seed.name, what, mutant)


def _choose(document: Any, rng: random.Random, where: Callable[[Path_, Any], bool]) -> Path_ | None:
    chosen = [path for path, value in places(document) if path and where(path, value)]
    return rng.choice(chosen) if chosen else None


def _delete_key(document: dict[str, Any], rng: random.Random) -> str | None:
    path = _choose(document, rng, lambda p, v: isinstance(p[-1], str))
    if path is None:
        return None
    del _parent(document, path)[path[-1]]
    return f"deleted {_shown(path)}"


def _odd_value(document: dict[str, Any], rng: random.Random) -> str | None:
    path = _choose(document, rng, lambda p, v: True)
    if path is None:
        return None
    value = copy.deepcopy(rng.choice(ODD_VALUES))
    _set(document, path, value)
    return f"{_shown(path)} = {json.dumps(value)}"


def _odd_ref(document: dict[str, Any], rng: random.Random) -> str | None:
    path = _choose(document, rng, lambda p, v: p[-1] == "$ref" or isinstance(v, dict))
    if path is None:
        return None
    ref = rng.choice(ODD_REFS)
    if path[-1] == "$ref":
        _set(document, path, ref)
    else:
        _set(document, path, {"$ref": ref})
    return f"{_shown(path)} -> $ref {ref!r}"


def _rename_template_parameter(document: dict[str, Any], rng: random.Random) -> str | None:
    paths = document.get("paths")
    templated = [key for key in paths if "{" in key] if isinstance(paths, dict) else []
    if not templated:
        return None
    key = rng.choice(templated)
    renamed = key.replace("}", "_renamed}", 1)
    document["paths"] = {renamed if k == key else k: v for k, v in paths.items()}
    return f"path {key} -> {renamed}"


def _rename_declared_parameter(document: dict[str, Any], rng: random.Random) -> str | None:
    path = _choose(
        document, rng, lambda p, v: p[-1] == "name" and "parameters" in [str(t) for t in p]
    )
    if path is None:
        return None
    _set(document, path, rng.choice(["id", "id_", "class", "self", "", "a b", "x-y", "body"]))
    return f"renamed parameter at {_shown(path)}"


def _type_null(document: dict[str, Any], rng: random.Random) -> str | None:
    path = _choose(document, rng, lambda p, v: p[-1] == "type")
    if path is None:
        return None
    value = rng.choice(["null", ["null"], "nothing", ["string", "null"], [], None])
    _set(document, path, value)
    return f"{_shown(path)} = {json.dumps(value)}"


def _all_of_cycle(document: dict[str, Any], rng: random.Random) -> str | None:
    schemas = document.get("components", {}).get("schemas")
    if not isinstance(schemas, dict) or not schemas:
        return None
    names = list(schemas)
    first, second = rng.choice(names), rng.choice(names)
    schemas[first] = {"allOf": [{"$ref": f"#/components/schemas/{second}"}]}
    if first != second:
        schemas[second] = {"allOf": [{"$ref": f"#/components/schemas/{first}"}], "type": "object"}
    return f"allOf cycle {first} <-> {second}"


def _wrap(document: dict[str, Any], rng: random.Random) -> str | None:
    path = _choose(document, rng, lambda p, v: isinstance(v, dict | list))
    if path is None:
        return None
    value = _parent(document, path)[path[-1]]
    _set(document, path, [value] if isinstance(value, dict) else {"items": value})
    return f"wrapped {_shown(path)}"


def _equivalent_path(document: dict[str, Any], rng: random.Random) -> str | None:
    paths = document.get("paths")
    templated = [key for key in paths if "{" in key] if isinstance(paths, dict) else []
    if not templated:
        return None
    key = rng.choice(templated)
    paths[key.replace("{", "{other_", 1)] = copy.deepcopy(paths[key])
    return f"equivalent of {key}"


def _empty_info(document: dict[str, Any], rng: random.Random) -> str | None:
    info = document.get("info")
    if not isinstance(info, dict):
        return None
    key = rng.choice(["title", "version"])
    if rng.random() < 0.5:
        info.pop(key, None)
        return f"no info.{key}"
    info[key] = rng.choice(["", " ", 1, None])
    return f"info.{key} = {json.dumps(info[key])}"


def _odd_key(document: dict[str, Any], rng: random.Random) -> str | None:
    path = _choose(document, rng, lambda p, v: isinstance(v, dict))
    if path is None:
        return None
    key = rng.choice(["", "\0", "$ref", "x-" + "y" * 200, "a/b", "~", "{id}", "200", "default"])
    _parent(document, path)[path[-1]][key] = copy.deepcopy(rng.choice(ODD_VALUES))
    return f"key {key!r} in {_shown(path)}"


def _shown(path: Path_) -> str:
    return "/" + "/".join(str(token) for token in path)


# --- running them ---------------------------------------------------------------------------------


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _Timeout


def run_command(arguments: list[str], seconds: int) -> tuple[int | None, str]:
    """`cli.main(arguments)` in this process: its exit code (None on a timeout) and stderr."""
    from generator.cli import main

    stderr, stdout = io.StringIO(), io.StringIO()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(stdout):
            code: int | None = main(arguments)
    except _Timeout:
        code = None
    except BaseException as error:  # what main let through is a traceback a user would see
        stderr.write(f"Traceback: {type(error).__name__}: {error}\n")
        code = 2
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return code, stderr.getvalue()


def verdict(code: int | None, stderr: str) -> str:
    """ok, refused, timeout or internal-error."""
    if code is None:
        return "timeout"
    errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
    if "Traceback" in stderr or "internal error" in stderr or len(errors) > 1:
        return "internal-error"
    return "refused" if errors else "ok"


def check_mutant(mutant: Mutant, folder: Path, generate: bool, seconds: int) -> dict[str, str]:
    spec = folder / f"{mutant.seed}.json"
    spec.write_text(json.dumps(mutant.document))
    outcomes = {}
    commands = {"lint": ["lint", str(spec)]}
    if generate:
        out = folder / "out"
        commands["generate"] = ["generate", str(spec), "--out", str(out), "--package", "pkg", "-q"]
    for name, arguments in commands.items():
        code, stderr = run_command(arguments, seconds)
        outcomes[name] = verdict(code, stderr)
        outcomes[name + " message"] = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    return outcomes


def load_seed(path: Path) -> dict[str, Any]:
    from generator.load import load_spec

    return copy.deepcopy(load_spec(path).document)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "specs", type=Path, nargs="*", help=f"seed specs (default: {len(SEEDS)} of ours)"
    )
    parser.add_argument("--count", type=int, default=500, help="mutants in all (default 500)")
    parser.add_argument("--seed", type=int, default=1, help="the random seed (default 1)")
    parser.add_argument("--generate-every", type=int, default=1, metavar="N",
                        help="run generate on every Nth mutant (lint runs on all; default 1)")  # fmt: skip
    parser.add_argument("--timeout", type=int, default=120, help="seconds per command")
    arguments = parser.parse_args()
    seeds = arguments.specs or list(SEEDS)
    rng = random.Random(arguments.seed)
    streams = [mutants(path, load_seed(path), rng) for path in seeds]
    counts: Counter[str] = Counter()
    bad = 0
    with tempfile.TemporaryDirectory() as scratch:
        for index in range(arguments.count):
            mutant = next(streams[index % len(streams)])
            generate = index % arguments.generate_every == 0
            outcomes = check_mutant(mutant, Path(scratch), generate, arguments.timeout)
            for command in ("lint", "generate"):
                if command in outcomes:
                    counts[f"{command} {outcomes[command]}"] += 1
                    if outcomes[command] in ("internal-error", "timeout"):
                        bad += 1
                        print(
                            f"{outcomes[command]}: {command} {mutant.seed} [{mutant.what}]: "
                            f"{outcomes[command + ' message'][:300]}",
                            flush=True,
                        )
    print(", ".join(f"{name}: {count}" for name, count in sorted(counts.items())))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
