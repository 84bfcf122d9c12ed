"""Shared paths and helpers: where things are, a package generated from a spec
(`generate_package`), the static checks a vendoring team runs on it (`check_static`). The
committed package is imported from generated/, as users vendor it."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "openapi.yaml"
GENERATED = ROOT / "generated"
PACKAGE = "chat_completions"
DATA = Path(__file__).resolve().parent / "data"  # what tests and benchmarks read (data/README.md)
SEED = DATA / "seed"
OPENAI_SPEC = DATA / "openai-openapi.yaml"
SPECS = Path(__file__).resolve().parent / "specs"  # small specs for single cases

# A test skipped for a missing file fails instead (tests/missing_files.py); pytester, to test that.
pytest_plugins = ["tests.missing_files", "pytester"]

if str(GENERATED) not in sys.path:
    sys.path.insert(0, str(GENERATED))

# Tests never touch the user's cache folder: every `generate`, here and in the processes tests
# start, keeps its finished work in a folder of this test process's own, removed at its end.
_CACHE = tempfile.mkdtemp(prefix="specsmith-test-cache-")
os.environ["SPECSMITH_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)


@contextmanager
def importable(folder: Path, package: str) -> Iterator[None]:
    """A package generated into `folder`, importable inside the block and forgotten after it (so
    that the next test's package of the same name is imported afresh)."""
    sys.path.insert(0, str(folder))
    try:
        yield
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.partition(".")[0] == package]:
            del sys.modules[name]


def run_cli(
    *arguments: str | Path,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """`python -m generator ...` as a user runs it, from `cwd`, with this checkout importable."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, arguments)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        check=False,
    )


def generate_package(
    spec: Path | Mapping[str, Any],
    folder: Path,
    package: str,
    parts: tuple[str, ...] = ("client", "server"),
) -> Path:
    """`spec` (a file, or a document written to `folder/<package>.json`) generated into
    `folder/<package>` with the given parts, through the pipeline as a script calls it; the
    package's folder."""
    from generator.config import Target
    from generator.pipeline import generate

    if not isinstance(spec, Path):
        folder.mkdir(parents=True, exist_ok=True)
        written = folder / f"{package}.json"
        written.write_text(json.dumps(spec))
        spec = written
    generate(Target(spec=spec, out=folder, package=package, parts=parts))
    return folder / package


# Ruff as a team that vendors a package runs it: its default rules, at our line length, and the
# blind-except rule many add. Our own rules (pyproject.toml) run besides.
RUFF_DEFAULTS = ("--isolated", "--line-length", "100", "--target-version", "py310")
RUFF_DEFAULTS += ("--extend-select", "BLE")


def check_static(
    package_folder: Path, modules: Sequence[str] = (), *, mypy: bool = True, timeout: float = 600
) -> None:
    """A generated package (or some of its modules, by file name) passes ruff with our rules,
    ruff's defaults, and `mypy --strict` for Python 3.10 (the package's floor)."""
    targets = list(modules) or [package_folder.name]
    cwd = package_folder if modules else package_folder.parent
    for options in (("--config", str(ROOT / "pyproject.toml")), RUFF_DEFAULTS):
        ruff = _tool(["ruff", "check", *options, *targets], cwd, timeout)
        assert ruff.returncode == 0, ruff.stdout[-5000:] + ruff.stderr
    if mypy:
        names = [f"{package_folder.name}.{m.removesuffix('.py')}" for m in modules]
        chosen = [a for name in names for a in ("-m", name)] or ["-p", package_folder.name]
        checked = _tool(
            [
                "mypy",
                "--strict",
                "--no-incremental",
                "--config-file",
                "",
                "--python-version",
                "3.10",
                *chosen,
            ],
            package_folder.parent,
            timeout,
        )
        assert checked.returncode == 0, checked.stdout[-5000:] + checked.stderr


def _tool(command: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
