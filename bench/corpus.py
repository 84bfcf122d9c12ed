"""The corpus harness: every spec of a folder through `generate`, then the package it made
imported, served and counted, each failure put in a class. Not part of CI (it takes hours on a
large folder); one command:

    .venv/bin/python bench/corpus.py FOLDER [FOLDER...] [--jobs 2] [--sample 300] [--results DIR]

For each spec (a `.json`, `.yaml` or `.yml` file whose top level has `openapi` or `swagger`):

1. `python -m generator generate SPEC --out TMP --package pkg`, bounded by `--timeout`;
2. in a fresh interpreter of an environment that holds only what the package declares
   (pydantic, typing-extensions, httpx, fastapi, uvicorn; made from .venv/wheelhouse on first
   use): import `pkg.models`, `pkg.client`, `pkg.server`; build `create_app(MockHandler())`
   (with `authenticate=accept_any_token` when the spec protects its operations); start it
   (its lifespan, and a request for `/openapi.json`); count the handler's methods and the
   client's request builders against the spec's operations, and look for every operation's
   route. A package that imports only in the development environment has an undeclared
   dependency.

The operations a spec has are counted here, independently of the generator (paths, path-item
and operation `$ref`s followed, in the file or beside it), so that an operation the generator
loses is seen as lost.

Classes: ok; refused (one located line: exit 2, `error: FILE:LINE:COL: ...` or
`error: FILE#/POINTER: ...`); refused-unlocated (one line that names no place); internal-error
(a traceback, "internal error", more than one line of error, or a crash); timeout;
import-error; undeclared-dependency; app-failure (create_app, MockHandler or startup failed);
missing-operation. Writes `summary.md` (the table of rates), `results.json` (every spec) and
`failures.json` (every spec not ok, with its message) into the results folder, and with
`--compare OLD.json` a table of both runs side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

ROOT = Path(__file__).resolve().parent.parent
WHEELHOUSE = ROOT / ".venv" / "wheelhouse"
DECLARED = ("pydantic", "typing-extensions", "httpx", "fastapi", "uvicorn")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
CLASSES = (
    "ok",
    "refused",
    "refused-unlocated",
    "internal-error",
    "timeout",
    "import-error",
    "undeclared-dependency",
    "app-failure",
    "missing-operation",
)
_LOCATED = re.compile(r"^error: \S+?(:\d+:\d+|#/[^:\s]*|#): ")
_RESULT_MARK = "@@RESULT@@"


@dataclass
class Result:
    spec: str
    outcome: str = ""
    message: str = ""
    version: str = ""
    operations: int = 0
    handler_operations: int | None = None
    client_operations: int | None = None
    missing_routes: list[str] = field(default_factory=list)
    warnings: int = 0
    generate_seconds: float = 0.0
    generate_peak_mib: float = 0.0


# --- which specs ---------------------------------------------------------------------------------


def discover(folders: list[Path]) -> list[Path]:
    """Every OpenAPI (or Swagger) root document under the folders (or the files themselves)."""
    found = []
    for folder in folders:
        candidates = [folder.absolute()] if folder.is_file() else sorted(_files(folder))
        found += [path for path in candidates if _is_root_document(path)]
    return found


def _files(folder: Path) -> Iterator[Path]:
    for parent, _, names in os.walk(folder, followlinks=True):
        for name in names:
            path = Path(parent, name)
            if path.suffix.lower() in (".json", ".yaml", ".yml") and path.is_file():
                yield path.absolute()


def _is_root_document(path: Path) -> bool:
    try:
        head = path.read_bytes()[:4096].decode("utf-8", "replace")
    except OSError:
        return False
    return bool(re.search(r"""(^|[{,\s])["']?(openapi|swagger)["']?\s*:""", head, re.MULTILINE))


def sample(specs: list[Path], size: int, always: list[str]) -> list[Path]:
    """`size` specs spread evenly over the sorted list, and every spec whose path contains one of
    `always` (GitHub's, Stripe's and DigitalOcean's, say)."""
    chosen = [spec for spec in specs if any(word in str(spec) for word in always)]
    rest = [spec for spec in specs if spec not in chosen]
    if size and len(rest) > size:
        step = len(rest) / size
        rest = [rest[int(index * step)] for index in range(size)]
    return chosen + rest


# --- the spec's own operations, counted without the generator -------------------------------------


def expected_operations(path: Path) -> tuple[str, list[tuple[str, str]]]:
    """The spec's version and its (METHOD, route path) pairs."""
    document = _read(path)
    if not isinstance(document, dict):
        return "", []
    version = str(document.get("openapi", document.get("swagger", "")))
    paths = document.get("paths")
    found = []
    for key, item in paths.items() if isinstance(paths, dict) else ():
        if not isinstance(key, str) or key.startswith("x-"):
            continue
        item, base = _follow(item, path, document)
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            operation, _ = _follow(item.get(method), base, None)
            if isinstance(operation, dict):
                found.append((method.upper(), key.split("?", 1)[0]))
    return version, found


def _read(path: Path) -> Any:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError:
            return None


def _follow(value: Any, file: Path, document: Any, depth: int = 0) -> tuple[Any, Path]:
    """Follow a `$ref` (in the file or another one beside it) to what it names."""
    if not isinstance(value, dict) or not isinstance(value.get("$ref"), str) or depth > 20:
        return value, file
    location, _, fragment = value["$ref"].partition("#")
    if location:
        file = (file.parent / location).resolve()
        try:
            document = _read(file)
        except OSError:
            return None, file
    elif document is None:
        document = _read(file)
    node = document
    for token in unquote(fragment).lstrip("/").split("/") if fragment.strip("/") else ():
        token = token.replace("~1", "/").replace("~0", "~")
        node = node.get(token) if isinstance(node, dict) else None
    return _follow(node, file, document, depth + 1)


# --- one spec --------------------------------------------------------------------------------------

_PROBE = r"""
import ast, importlib, inspect, json, re, sys, traceback
package, expected_file = sys.argv[1], sys.argv[2]
expected = json.load(open(expected_file))
out = {"stage": "import"}

def done(**values):
    out.update(values)
    print("@@RESULT@@" + json.dumps(out))
    sys.exit(0)

def last_line(error):
    text = f"{type(error).__name__}: {error}"
    return " ".join(text.split())[:500]

try:
    for module in ("models", "client", "server"):
        importlib.import_module(package + "." + module)
except BaseException as error:
    done(error=last_line(error))
server = sys.modules[package + ".server"]
client = sys.modules[package + ".client"]
out["stage"] = "app"
try:
    try:
        app = server.create_app(server.MockHandler())
    except TypeError as error:
        if "authenticate" not in str(error):
            raise
        app = server.create_app(server.MockHandler(), authenticate=server.accept_any_token)
except BaseException as error:
    done(error=last_line(error))
out["stage"] = "start"
try:
    from starlette.testclient import TestClient
    with TestClient(app) as test_client:
        answer = test_client.get("/openapi.json")
        if answer.status_code != 200:
            done(error=f"GET /openapi.json answered {answer.status_code}")
except BaseException as error:
    done(error=last_line(error))
out["stage"] = "operations"
# the operations sit on the handler of their resource (`Handler` holds the top-level ones), and
# their request builders in the client's resource modules
handlers = [
    value for name, value in vars(server).items()
    if isinstance(value, type) and name.endswith("Handler") and name != "MockHandler"
    and value.__module__ == server.__name__
]
handler = [name for cls in handlers for name, value in vars(cls).items() if inspect.iscoroutinefunction(value)]
import importlib.util, pkgutil
modules = [client]
if importlib.util.find_spec(package + ".resources") is not None:
    resources = importlib.import_module(package + ".resources")
    for info in pkgutil.iter_modules(resources.__path__):
        modules.append(importlib.import_module(package + ".resources." + info.name))
builders = [
    node.name for module in modules for node in ast.walk(ast.parse(inspect.getsource(module)))
    if isinstance(node, ast.FunctionDef) and node.returns is not None and "RequestParts" in ast.unparse(node.returns)
]
base = inspect.signature(server.create_app).parameters["base_path"].default or ""

def shape(path):
    return re.sub(r"\{[^{}]*\}", "{}", path)

routes = set()
def collect(routes_, prefix):
    for route in routes_:
        path = prefix + getattr(route, "path", "")
        if hasattr(route, "routes") and not hasattr(route, "methods"):
            collect(route.routes, path)
        for method in getattr(route, "methods", None) or ():
            routes.add((method, shape(path)))
collect(app.routes, "")
missing = [f"{method} {path}" for method, path in expected if (method, shape(base + path)) not in routes]
done(stage="ok", handler=len(handler), client=len(builders), missing=missing[:20], missing_count=len(missing))
"""


def run_one(
    spec: Path, work: Path, timeout: float, probe_python: Path, generator_root: Path = ROOT
) -> Result:
    result = Result(str(spec))
    try:
        result.version, expected = expected_operations(spec)
    except (OSError, RecursionError) as error:
        result.version, expected = "", []
        result.message = f"could not count operations: {error}"
    result.operations = len(expected)
    with tempfile.TemporaryDirectory(dir=work) as scratch:
        folder = Path(scratch)
        if not _generated(spec, folder, timeout, result, generator_root):
            return result
        expected_file = folder / "expected.json"
        expected_file.write_text(json.dumps(sorted(set(expected))))
        probe = _probe(probe_python, folder, expected_file, timeout)
        if probe.get("stage") == "import" and probe_python != Path(sys.executable):
            again = _probe(Path(sys.executable), folder, expected_file, timeout)
            if again.get("stage") != "import":
                result.outcome = "undeclared-dependency"
                result.message = str(probe.get("error", ""))
                return result
        _classify_probe(probe, expected, result)
    return result


def _generated(
    spec: Path, folder: Path, timeout: float, result: Result, generator_root: Path
) -> bool:
    command = [
        "/usr/bin/time", "-f", "@@TIME %e %M", sys.executable, "-m", "generator", "generate",
        str(spec), "--out", str(folder / "out"), "--package", "pkg", "-q",
    ]  # fmt: skip
    environment = {**os.environ, "PYTHONPATH": str(generator_root), "SPECSMITH_DEBUG": ""}
    try:
        run = subprocess.run(
            command, cwd=folder, capture_output=True, text=True, timeout=timeout, env=environment
        )
    except subprocess.TimeoutExpired:
        result.outcome, result.message = "timeout", f"generate ran past {timeout:.0f}s"
        result.generate_seconds = timeout
        return False
    lines = run.stderr.splitlines()
    timing = [line for line in lines if line.startswith("@@TIME ")]
    if timing:
        seconds, kib = timing[-1].split()[1:3]
        result.generate_seconds, result.generate_peak_mib = float(seconds), int(kib) / 1024
    lines = [
        line
        for line in lines
        if line.strip()
        and not line.startswith(
            ("@@TIME ", "Command exited with non-zero status", "Command terminated")
        )
    ]
    result.warnings = sum(1 for line in lines if line.startswith("warning: "))
    errors = [line for line in lines if not line.startswith("warning: ")]
    if run.returncode == 0 and not errors:
        return True
    text = "\n".join(errors)[-2000:]
    if (
        run.returncode not in (0, 2)
        or "Traceback" in run.stderr
        or "internal error" in run.stderr
        or len(errors) != 1
    ):
        result.outcome = "internal-error"
        result.message = text or f"exit {run.returncode}"
    elif _LOCATED.match(errors[0]):
        result.outcome, result.message = "refused", errors[0]
    else:
        result.outcome, result.message = "refused-unlocated", errors[0]
    return False


def _probe(python: Path, folder: Path, expected_file: Path, timeout: float) -> dict[str, Any]:
    try:
        run = subprocess.run(
            [str(python), "-c", _PROBE, "pkg", str(expected_file)],
            cwd=folder / "out",
            capture_output=True,
            text=True,
            timeout=timeout,
            env={key: value for key, value in os.environ.items() if key != "PYTHONPATH"},
        )
    except subprocess.TimeoutExpired:
        return {"stage": "timeout", "error": f"the probe ran past {timeout:.0f}s"}
    marked = [line for line in run.stdout.splitlines() if line.startswith(_RESULT_MARK)]
    if not marked:
        tail = " ".join((run.stderr or run.stdout).split())[-500:]
        return {"stage": "import", "error": f"the probe died (exit {run.returncode}): {tail}"}
    return json.loads(marked[-1][len(_RESULT_MARK) :])  # type: ignore[no-any-return]


def _classify_probe(probe: dict[str, Any], expected: list[tuple[str, str]], result: Result) -> None:
    stage = probe.get("stage")
    if stage == "timeout":
        result.outcome, result.message = "timeout", probe["error"]
        return
    if stage == "import":
        result.outcome, result.message = "import-error", probe.get("error", "")
        return
    if stage in ("app", "start"):
        result.outcome, result.message = "app-failure", f"{stage}: {probe.get('error', '')}"
        return
    result.handler_operations, result.client_operations = probe["handler"], probe["client"]
    result.missing_routes = probe["missing"]
    counted = len(expected)
    if probe["missing_count"] or probe["handler"] < counted or probe["client"] < counted:
        result.outcome = "missing-operation"
        result.message = (
            f"spec {counted}, handler {probe['handler']}, client {probe['client']}, "
            f"routes missing {probe['missing_count']}"
        )
        return
    result.outcome = "ok"


# --- the environment with only the declared dependencies -------------------------------------------


def declared_environment(results: Path) -> Path:
    """A virtual environment holding only what a generated package declares, made once."""
    venv = results / "declared-venv"
    python = venv / "bin" / "python"
    if python.exists():
        return python
    if not WHEELHOUSE.is_dir():
        print("no .venv/wheelhouse (make setup): probing with this interpreter", file=sys.stderr)
        return Path(sys.executable)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-index", "--find-links", str(WHEELHOUSE), *DECLARED],
        check=True,
    )  # fmt: skip
    return python


# --- the report ------------------------------------------------------------------------------------


def rates(results: list[Result]) -> dict[str, tuple[int, float]]:
    counts = Counter(result.outcome for result in results)
    total = len(results) or 1
    return {name: (counts[name], counts[name] / total) for name in CLASSES if counts[name]}


def summary(results: list[Result], title: str) -> str:
    lines = [
        f"## {title}: {len(results)} specs",
        "",
        "| class | specs | rate |",
        "| --- | ---: | ---: |",
    ]
    for name, (count, rate) in rates(results).items():
        lines.append(f"| {name} | {count} | {rate:.1%} |")
    generated = [
        r
        for r in results
        if r.outcome not in ("internal-error", "timeout") and "refused" not in r.outcome
    ]
    imported = [r for r in generated if r.outcome not in ("import-error", "undeclared-dependency")]
    started = [r for r in imported if r.outcome != "app-failure"]
    total = len(results) or 1
    lines += [
        "",
        f"generate: {len(generated) / total:.1%}; import (declared dependencies only): "
        f"{len(imported) / total:.1%}; server starts: {len(started) / total:.1%}; "
        f"every operation: {sum(r.outcome == 'ok' for r in results) / total:.1%}",
    ]
    slowest = sorted(results, key=lambda r: -r.generate_seconds)[:5]
    lines += ["", "slowest generate: " + ", ".join(
        f"{Path(r.spec).name} {r.generate_seconds:.0f}s {r.generate_peak_mib:.0f} MiB" for r in slowest
    )]  # fmt: skip
    return "\n".join(lines) + "\n"


def compare(old: list[dict[str, Any]], new: list[Result]) -> str:
    before = {entry["spec"]: entry["outcome"] for entry in old}
    shared = [result for result in new if result.spec in before]
    old_counts = Counter(before[result.spec] for result in shared)
    new_counts = Counter(result.outcome for result in shared)
    total = len(shared) or 1
    lines = [f"## before and after, the same {len(shared)} specs", "",
             "| class | before | after |", "| --- | ---: | ---: |"]  # fmt: skip
    for name in CLASSES:
        if old_counts[name] or new_counts[name]:
            lines.append(
                f"| {name} | {old_counts[name]} ({old_counts[name] / total:.1%}) | "
                f"{new_counts[name]} ({new_counts[name] / total:.1%}) |"
            )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folders", type=Path, nargs="+", help="folders of specs (or spec files)")
    parser.add_argument("--jobs", type=int, default=1, help="specs at a time (default 1)")
    parser.add_argument(
        "--sample", type=int, default=0, help="this many specs, spread evenly (default: all)"
    )
    parser.add_argument("--always", action="append", default=[], metavar="WORD",
                        help="always include specs whose path contains WORD (repeatable)")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=600, help="seconds per step (default 600)")
    parser.add_argument(
        "--results", type=Path, default=Path("corpus-results"), help="where to write"
    )
    parser.add_argument(
        "--compare", type=Path, help="an earlier results.json, for a before/after table"
    )
    parser.add_argument("--probe-python", type=Path, help="the interpreter that imports packages")
    parser.add_argument("--generator-root", type=Path, default=ROOT,
                        help="the checkout whose generator runs (default: this one; another, to measure a baseline)")  # fmt: skip
    arguments = parser.parse_args()
    results_folder = arguments.results.resolve()
    results_folder.mkdir(parents=True, exist_ok=True)
    specs = sample(discover(arguments.folders), arguments.sample, arguments.always)
    probe_python = (arguments.probe_python or declared_environment(results_folder)).absolute()
    work = results_folder / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    print(f"{len(specs)} specs, {arguments.jobs} at a time", file=sys.stderr)
    results: list[Result] = []
    started = time.perf_counter()
    with ThreadPoolExecutor(arguments.jobs) as pool:
        futures = {
            pool.submit(
                run_one,
                spec,
                work,
                arguments.timeout,
                probe_python,
                arguments.generator_root.resolve(),
            ): spec
            for spec in specs
        }
        for done, future in enumerate(as_completed(futures), 1):
            result = future.result()
            results.append(result)
            print(
                f"[{done}/{len(specs)} {time.perf_counter() - started:.0f}s] {result.outcome}: "
                f"{result.spec} {result.message[:200]}",
                file=sys.stderr,
                flush=True,
            )
            if done % 10 == 0 or done == len(specs):
                _write(results_folder, results, arguments.compare)
    print(_write(results_folder, results, arguments.compare))
    return 0


def _write(folder: Path, results: list[Result], previous: Path | None) -> str:
    results = sorted(results, key=lambda r: r.spec)
    text = summary(results, "specsmith on the corpus")
    if previous is not None and previous.is_file():
        text += "\n" + compare(json.loads(previous.read_text()), results)
    (folder / "summary.md").write_text(text)
    (folder / "results.json").write_text(json.dumps([asdict(r) for r in results], indent=1))
    failures = [asdict(r) for r in results if r.outcome != "ok"]
    (folder / "failures.json").write_text(json.dumps(failures, indent=1))
    return text


if __name__ == "__main__":
    sys.exit(main())
