"""Shared paths and fixtures. The generated package is imported from generated/, as users vendor it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "openapi.yaml"
GENERATED = ROOT / "generated"
PACKAGE = "chat_completions"
SHARED = ROOT.parent / "shared"  # beside the clone, in CI as on a developer's machine
SEED = SHARED / "seed"
OPENAI_SPEC = SHARED / "specs" / "openai-openapi.yaml"
SPECS = Path(__file__).resolve().parent / "specs"  # small specs for single cases

if str(GENERATED) not in sys.path:
    sys.path.insert(0, str(GENERATED))


def require_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not here (shared/ must sit beside the repository)")
    return path
