"""The committed generated package passes ruff (ours and its defaults) and mypy --strict, as a
vendoring team would run them."""

from __future__ import annotations

from tests.conftest import GENERATED, PACKAGE, check_static


def test_the_committed_package_passes_ruff_and_mypy_strict() -> None:
    check_static(GENERATED / PACKAGE)
