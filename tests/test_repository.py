"""The repository as a fresh clone finds it: it carries what its tests and benchmarks read, a test
skipped for a missing file fails, and what the README says about Python holds."""

from __future__ import annotations

import re
import sys

import pytest
import tomllib

from tests.conftest import DATA, OPENAI_SPEC, ROOT, SEED
from tests.missing_files import skip_is_for_a_missing_file

README = (ROOT / "README.md").read_text()


def test_the_data_tests_and_benchmarks_read_is_in_the_repository() -> None:
    assert OPENAI_SPEC.stat().st_size > 1_000_000
    assert "MIT License" in (DATA / "openai-openapi.LICENSE").read_text()  # beside what it covers
    assert {path.name for path in SEED.iterdir()} == {"request.json", "response.json"}


def test_nothing_reads_a_folder_beside_the_repository() -> None:
    readers = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for folder in ("tests", "bench")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"ROOT\.parent\b(?!\.parent)|[\"']shared[\"']|\.\./shared", line)
    ]
    assert readers == []


def test_the_benchmarks_read_the_same_copy_as_the_tests() -> None:
    from bench.measure import OPENAI_SPEC as BENCH_OPENAI_SPEC
    from bench.measure import SEED as BENCH_SEED

    assert (BENCH_OPENAI_SPEC, BENCH_SEED) == (OPENAI_SPEC, SEED)


@pytest.mark.parametrize(
    ("reason", "missing"),
    [
        ("/nowhere/openai-openapi.yaml is not here", True),
        (f"{ROOT / 'nowhere.json'} is needed", True),  # names a file that is not there
        ("tests/data/nowhere.yaml: run `make setup`", True),
        ("could not import 'chat_completions.client': No module named 'chat_completions'", True),
        (
            "openapi-spec-validator would fetch the remote document; tests stay on this machine",
            False,
        ),
        ("only for OpenAPI 3.0/3.1 specs", False),
        (f"{OPENAI_SPEC} is too slow here", False),  # names a file that is there
    ],
)
def test_what_counts_as_a_skip_for_a_missing_file(reason: str, missing: bool) -> None:
    assert skip_is_for_a_missing_file(reason, ROOT) is missing


def test_a_test_skipped_for_a_missing_file_fails(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        test_inner="""
        import pytest

        def test_needs_a_file():
            pytest.skip("/nowhere/spec.yaml is not here")

        @pytest.mark.skipif(True, reason="no such file: data/nowhere.json")
        def test_marked():
            pass

        def test_skipped_for_another_reason():
            pytest.skip("would reach beyond this machine")
        """,
        test_module_skip="""
        import pytest

        pytest.importorskip("a_module_that_is_not_here")

        def test_never_collected():
            pass
        """,
    )
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    result = pytester.runpytest_subprocess(
        "-p", "tests.missing_files", "-rs", "-p", "no:xdist", "--continue-on-collection-errors"
    )
    result.assert_outcomes(failed=1, errors=2, skipped=1)
    result.stdout.fnmatch_lines(["*skipped for a missing file*/nowhere/spec.yaml is not here*"])
    result.stdout.fnmatch_lines(["SKIPPED*would reach beyond this machine"])


def test_the_readme_states_the_python_the_toolkit_requires() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    required = re.fullmatch(r">=(\d+\.\d+)", pyproject["project"]["requires-python"])
    stated = re.search(r"`python3` \((\d+\.\d+) or newer", README)
    assert required and stated and stated[1] == required[1]


def test_the_readme_states_the_python_the_generated_package_requires() -> None:
    generated = tomllib.loads(
        (ROOT / "generated" / "chat_completions" / "pyproject.toml").read_text()
    )
    required = re.fullmatch(r">=(\d+\.\d+)", generated["project"]["requires-python"])
    stated = re.search(r"generated package runs on Python (\d+\.\d+) or newer", README)
    assert required and stated and stated[1] == required[1]


def test_the_readme_names_the_console_script() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (script,) = pyproject["project"]["scripts"]
    assert f"`{script}`" in README


def test_the_benchmarks_process_wrapper_runs_a_command() -> None:
    """Every process benchmark goes through this wrapper: a slip in its code fails them all."""
    from bench.measure import run_process

    run = run_process([sys.executable, "-c", "pass"], timeout=60)
    assert run.returncode == 0 and run.peak_mib > 0, run
