"""The README's Python examples run as written: the models', the client's (sync and async) against
the generated mock server on loopback, and the server's as a module of a team's own."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
from chat_completions.server import MockHandler, accept_any_token, create_app

from tests.conftest import GENERATED, ROOT
from tests.test_server import RunningServer

README = (ROOT / "README.md").read_text()
EXAMPLE_URL = "https://gateway.example.com"


def examples(section: str) -> list[str]:
    """The ```python blocks of a `### section` of the README."""
    body = README.split(f"\n### {section}\n", 1)[1].split("\n#", 1)[0]
    return re.findall(r"```python\n(.*?)```", body, re.DOTALL)


def run_example(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PYTHONPATH": str(GENERATED)},
    )  # fmt: skip
    assert result.returncode == 0, f"{code}\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    with RunningServer(create_app(MockHandler(), authenticate=accept_any_token)) as server:
        yield server.url


def test_the_client_examples_run_against_the_mock_server(mock_url: str) -> None:
    sync, asynchronous = examples("Client")
    for code in (sync, asynchronous):
        assert EXAMPLE_URL in code
        out = run_example(code.replace(EXAMPLE_URL, mock_url))
        assert out.strip(), code  # each prints what it received


def test_the_models_example_holds() -> None:
    (code,) = examples("Models")
    statement = 'request.model_dump(mode="json", by_alias=True, exclude_unset=True) == payload'
    assert statement in code
    run_example(code.replace(statement, f"assert {statement}"))


def test_the_server_example_defines_an_app() -> None:
    (code,) = examples("Server")
    run_example(code + "\nassert app.title\n")
