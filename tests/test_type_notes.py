"""The notes for type checkers on generated models: on exactly the lines mypy would reject."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from generator.type_notes import NOTE, with_type_checker_notes

MODELS = """
from typing import Annotated, Literal

from pydantic import BaseModel, Field, RootModel


class Size(RootModel[Literal["low", "medium", "high"]]):
    root: Literal["low", "medium", "high"]


class Tool(BaseModel):
    size: Annotated[Size | None, Field(validate_default=True)] = "medium"
    epochs: Annotated[Literal["auto"] | int, Field(validate_default=True)] = "auto"
    tags: Annotated[list[str], Field(validate_default=True)] = []
    status: Literal["in_progress", "completed"] | None = None
    name: str | None = None
    kind: str | None = None


class Call(Tool):
    status: Size
    name: str
    kind: Literal["call"]
"""


def noted(source: str) -> list[str]:
    marked = with_type_checker_notes(source, ast.parse(source))
    return [line.split(":")[0].strip() for line in marked.splitlines() if line.endswith(NOTE)]


def test_only_what_mypy_rejects_is_noted() -> None:
    # A RootModel's JSON default, and an override by another type; not a default that fits its
    # Literal or builtin, nor an override that narrows.
    assert noted(MODELS) == ["size", "status"]


def test_the_noted_models_pass_mypy_strict_and_every_note_is_used(tmp_path: Path) -> None:
    module = tmp_path / "noted.py"
    module.write_text(
        with_type_checker_notes(MODELS, ast.parse(MODELS)).replace(", unused-ignore", "")
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(module)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout
