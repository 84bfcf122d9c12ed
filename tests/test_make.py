"""The Makefile's .venv, run for real on a copy of the files it reads: keyed by the Python that made
it and by what pyproject.toml says to install, so that editing anything else reinstalls nothing,
and a .venv of another Python is made again instead of failing on every target."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PYTHON = f"PYTHON={sys.executable}"


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """The files the Makefile's setup reads, and nothing else."""
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(
        ROOT / "tools", tmp_path / "tools", ignore=shutil.ignore_patterns("__pycache__")
    )
    return tmp_path


def key(checkout: Path, *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "tools/environment.py", *arguments],
        cwd=checkout, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return result.stdout.strip()


def make(checkout: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", PYTHON, *arguments],
        cwd=checkout, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def set_up_as_make_would(checkout: Path) -> None:
    """The stamps `make setup` leaves, without its minute of installing."""
    python = key(checkout, "python")
    dependencies = key(checkout, "dependencies", "setuptools", "wheel", "hatchling")
    (checkout / ".venv" / "wheelhouse").mkdir(parents=True)
    (checkout / ".venv" / f".made-by-{python}").touch()
    (checkout / ".venv" / f".installed-{python}-{dependencies}").touch()
    (checkout / ".venv" / "wheelhouse" / f".complete-{python}-{dependencies}").touch()


def test_only_what_pip_installs_from_changes_the_dependency_key(checkout: Path) -> None:
    pyproject = checkout / "pyproject.toml"
    first = key(checkout, "dependencies", "hatchling")
    edit(pyproject, "[tool.ruff]\nline-length = 100", "[tool.ruff]\nline-length = 99")
    edit(pyproject, 'description = "', 'description = "Now: ')
    edit(
        pyproject,
        "[[tool.specsmith.targets]]",
        '[tool.specsmith]\ntemplates_dir = "t"\n\n[[tool.specsmith.targets]]',
    )
    assert key(checkout, "dependencies", "hatchling") == first
    assert key(checkout, "dependencies", "hatchling", "flit-core") != first  # the wheelhouse's
    edit(pyproject, '"pytest>=8",', '"pytest>=8.1",')
    assert key(checkout, "dependencies", "hatchling") != first


def test_editing_pyproject_outside_the_dependencies_reinstalls_nothing(checkout: Path) -> None:
    set_up_as_make_would(checkout)
    assert make(checkout, "-q", "setup").returncode == 0  # up to date
    pyproject = checkout / "pyproject.toml"
    edit(pyproject, 'addopts = "', 'addopts = "--strict-markers ')
    assert make(checkout, "-q", "setup").returncode == 0  # newer, and still up to date
    edit(pyproject, '"ruff==', '"ruff>=')
    assert make(checkout, "-q", "setup").returncode == 1  # the dependencies changed


def test_a_venv_made_by_another_python_is_made_again(checkout: Path) -> None:
    """As when a first `make` ran with a Python too old and left a .venv behind."""
    stale = checkout / ".venv" / "bin" / "python"
    stale.parent.mkdir(parents=True)
    stale.write_text("#!/bin/sh\necho cpython-3.10.12-0123abcd\n")
    stale.chmod(0o755)
    result = make(checkout, "venv")
    assert result.returncode == 0, result.stderr
    assert "making .venv with" in result.stdout
    assert key(checkout, "python") == subprocess.run(
        [checkout / ".venv" / "bin" / "python", "tools/environment.py", "python"],
        cwd=checkout, capture_output=True, text=True, timeout=60, check=True,
    ).stdout.strip()  # fmt: skip
    again = make(checkout, "venv")
    assert again.returncode == 0 and "making" not in again.stdout  # made once


def test_a_python_too_old_for_the_toolkit_is_refused_with_the_reason(checkout: Path) -> None:
    edit(checkout / "pyproject.toml", 'requires-python = ">=3.11"', 'requires-python = ">=3.99"')
    result = make(checkout, "setup")
    assert result.returncode != 0
    assert "error: specsmith needs Python 3.99 or newer" in result.stderr
    assert not (checkout / ".venv").exists()
