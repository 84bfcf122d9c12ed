"""The `tests` part (generator/runtime/_contract.py, templates/tests/contract_tests.py.jinja):
our spec's contract suite passes against the mock handler, fails a deliberately broken handler
with a message that names the operation, the example and the field, is collected by pytest
from the one line a team writes, and passes ruff and mypy --strict. (OpenAI's spec: the suite
runs in tests/test_openai_package.py, on the package generated there.)"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import SPEC, check_static, generate_package, importable

PARTS = ("client", "server", "tests")
# Not generated/'s name: other tests of the same process import that package.
PACKAGE = "contract_gateway"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, ModuleType]]:
    folder = generate_package(SPEC, tmp_path_factory.mktemp("contract"), PACKAGE, PARTS)
    with importable(folder.parent, PACKAGE):
        import importlib

        yield folder, importlib.import_module(f"{PACKAGE}.contract_tests")


def outcomes(suite: type) -> dict[str, str | None]:
    """Each test of a suite class by name: None when it passed, else its failure message."""
    results: dict[str, str | None] = {}
    for name in sorted(vars(suite)):
        if name.startswith("test_"):
            try:
                getattr(suite(), name)()
                results[name] = None
            except pytest.fail.Exception as failure:
                results[name] = str(failure)
    return results


def run(contract_tests: ModuleType, factory: Callable[[], Any], **options: Any) -> dict[str, Any]:
    return outcomes(contract_tests.contract_suite(factory, **options))


def test_the_part_is_off_by_default(package: tuple[Path, ModuleType]) -> None:
    from generator.config import Target

    assert "tests" not in Target().parts
    assert (package[0] / "contract_tests.py").is_file()
    assert "tests" in (package[0] / "pyproject.toml").read_text()


def test_the_mock_handler_passes_the_whole_suite(package: tuple[Path, ModuleType]) -> None:
    _, contract_tests = package
    server = sys.modules[f"{PACKAGE}.server"]
    results = run(contract_tests, server.MockHandler, exact=True, property_based=True)
    failed = {name: message for name, message in results.items() if message}
    assert not failed, failed
    names = set(results)
    # One test per operation and example, the negative cases and the round trips.
    assert {
        "test_createChatCompletion_example_seed",
        "test_createChatCompletion_example_streaming",
        "test_createChatCompletion_missing_required",
        "test_createChatCompletion_wrong_type",
        "test_createChatCompletion_bad_token",
        "test_createChatCompletion_property_based",
        "test_createChatCompletion_round_trip_response_seed",
        "test_defaults_round_trip",
    } <= names


def broken(server: ModuleType, how: str) -> Callable[[], Any]:
    """A factory of mock handlers whose chat completions break the contract in one way."""

    def factory() -> Any:
        handler = server.MockHandler()
        completions = handler.chat.completions
        real = completions.create

        async def create(body: Any, **arguments: Any) -> Any:
            if how == "status":
                raise server.HandlerError(404, "No such model.", type="invalid_request_error")
            answer = await real(body, **arguments)
            if isinstance(answer, AsyncIterator):
                return cut(answer) if how == "terminator" else answer
            answer = answer.model_copy(deep=True)
            if how == "type":
                answer.choices[0].index = "first"  # assigned, never validated
            elif how == "missing":
                answer.__pydantic_fields_set__.discard("id")  # left out of the answer
            return answer

        completions.create = create
        return handler

    return factory


async def cut(chunks: AsyncIterator[Any]) -> AsyncIterator[Any]:
    """The stream's first chunk, then a failure: the server ends it without its terminator."""
    yield await anext(chunks)
    raise RuntimeError("the handler broke mid-stream")


# The broken answers are models with values their fields do not allow, which pydantic warns of.
@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize(
    ("how", "test", "message"),
    [
        (
            "type",
            "test_createChatCompletion_example_simple",
            "createChatCompletion, example `simple`: response body: choices[0].index: 'first'"
            " is not of type integer",
        ),
        (
            "missing",
            "test_createChatCompletion_example_simple",
            "createChatCompletion, example `simple`: response body: required property 'id'"
            " is missing",
        ),
        (
            "status",
            "test_createChatCompletion_example_simple",
            "createChatCompletion, example `simple`: status 404, not 200",
        ),
        (
            "terminator",
            "test_createChatCompletion_example_streaming",
            "createChatCompletion, example `streaming`: the stream does not end with its"
            " terminator '[DONE]'",
        ),
    ],
)
def test_a_broken_handler_fails_naming_the_operation_the_example_and_the_field(
    package: tuple[Path, ModuleType], how: str, test: str, message: str
) -> None:
    _, contract_tests = package
    server = sys.modules[f"{PACKAGE}.server"]
    results = run(contract_tests, broken(server, how))
    assert results[test] is not None and results[test].startswith(message), results[test]
    # The negative cases never reach the handler, so they still pass.
    assert results["test_createChatCompletion_missing_required"] is None


def test_a_handler_reached_by_a_bad_request_fails(package: tuple[Path, ModuleType]) -> None:
    _, contract_tests = package
    server = sys.modules[f"{PACKAGE}.server"]
    results = run(contract_tests, server.MockHandler, authenticate=server.accept_any_token)
    assert results["test_createChatCompletion_bad_token"] is not None
    assert "status 200, not 401" in results["test_createChatCompletion_bad_token"]


def test_pytest_collects_the_suite_from_one_line(
    package: tuple[Path, ModuleType], tmp_path: Path
) -> None:
    folder, _ = package
    (tmp_path / "test_gateway.py").write_text(
        f"from {PACKAGE}.contract_tests import contract_suite\n"
        f"from {PACKAGE}.server import MockHandler\n\n"
        "TestContract = contract_suite(MockHandler)\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_gateway.py"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(folder.parent), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert " passed" in result.stdout and "failed" not in result.stdout, result.stdout[-3000:]


def test_the_package_holds_the_engine_as_it_is(package: tuple[Path, ModuleType]) -> None:
    from generator.runtime import source

    copied = (package[0] / "_contract.py").read_text()
    header = "".join((package[0] / "models.py").read_text().splitlines(keepends=True)[:3])
    assert copied == header + source("_contract.py")


def test_the_module_passes_ruff_and_mypy(package: tuple[Path, ModuleType]) -> None:
    check_static(package[0], ["contract_tests.py", "_contract.py"])
