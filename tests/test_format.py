"""The format stage: modules cut into units, formatted apart (in other processes, one black pass
where one is enough), give exactly what black makes of each whole file."""

from __future__ import annotations

import ast
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import ClassVar

import black
import pytest

from generator import format as stage
from generator.cache import Cache
from generator.format import (
    FormatError,
    Formatter,
    Unit,
    black_mode,
    split_units,
    without_unused_imports,
)
from generator.imports import drop_unused_imports, sort_import_block
from tests.conftest import GENERATED, PACKAGE


def whole_file_black(source: str) -> str:
    return black.format_str(sort_import_block(source), mode=black_mode())


def generated_modules() -> dict[str, str]:
    """The committed package's modules as black wrote them (comments and all), and as
    `ast.unparse` writes them (one long line per statement, other quotes): work for black."""
    modules: dict[str, str] = {}
    for path in sorted((GENERATED / PACKAGE).glob("*.py")):
        source = path.read_text()
        modules[path.name] = source
        modules[f"unparsed_{path.name}"] = ast.unparse(ast.parse(source)) + "\n"
    return modules


@pytest.fixture
def one_unit_per_task(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every unit a task of its own, handed to the pool from the first line."""
    monkeypatch.setattr(stage, "PIECE_LINES", 1)
    monkeypatch.setattr(stage, "PARALLEL_LINES", 1)


def test_units_are_top_level_definitions_and_methods_after_methods() -> None:
    source = (
        "import x\n\n# about f\n@decorate\ndef f(): pass\n"
        'class A:\n    """Doc."""\n\n    def g(self):\n        pass\n\n'
        "    # about h\n    @property\n    def h(self):\n        pass\n"
        "    def i(self):\n        pass\n"
        "def k():\n    def nested():\n        pass\n\n    def nested_too():\n        pass\n"
    )
    assert split_units(source) == [
        Unit('import x\n'),
        Unit('# about f\n@decorate\ndef f(): pass\n'),
        Unit('class A:\n    """Doc."""\n\n    def g(self):\n        pass\n'),
        # no blank line above `i`: black would add one, so `i` stays with `h`
        Unit('    # about h\n    @property\n    def h(self):\n        pass\n'
             '    def i(self):\n        pass\n', in_class=True),
        Unit('def k():\n    def nested():\n        pass\n\n    def nested_too():\n        pass\n'),
    ]  # fmt: skip


def test_units_formatted_apart_and_joined_are_black_of_the_whole_file(
    one_unit_per_task: None,
) -> None:
    modules = generated_modules()
    with Formatter(workers=2) as formatter:
        for name, source in modules.items():
            formatter.add(name, source)
        formatted = formatter.results()
    assert list(formatted) == list(modules)
    for name, source in modules.items():
        assert formatted[name] == whole_file_black(source), name


def test_a_cut_inside_a_string_falls_back_to_the_whole_module() -> None:
    source = 'TEXT = """\nclass NotAClass:\n"""\n\n\ndef f():\n    return TEXT\n'
    assert len(split_units(source)) > 1  # the text alone cannot tell
    with Formatter(workers=1) as formatter:
        formatter.add("strings.py", source)
        assert formatter.results() == {"strings.py": whole_file_black(source)}


def test_code_that_is_not_python_is_a_format_error_naming_the_module() -> None:
    with Formatter(workers=1) as formatter:
        formatter.add("broken.py", "def f(:\n    pass\n")
        with pytest.raises(FormatError, match=r"generated broken\.py is not valid Python"):
            formatter.results()


class _PoolThatBreaks:
    """A process pool whose workers are gone after the first task (as where a sandbox kills
    them): the first task's future fails, every later submit raises."""

    def __init__(self, *arguments: object, **options: object) -> None:
        self.submitted = 0

    def submit(self, function: object, task: object) -> Future[list[str]]:
        self.submitted += 1
        if self.submitted > 1:
            raise BrokenProcessPool("the workers are gone")
        future: Future[list[str]] = Future()
        future.set_exception(BrokenProcessPool("a worker died"))
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        pass


def test_without_worker_processes_everything_is_formatted_here(
    one_unit_per_task: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stage, "ProcessPoolExecutor", _PoolThatBreaks)
    modules = generated_modules()
    with Formatter(workers=2) as formatter:
        for name, source in modules.items():
            formatter.add(name, source)
        formatted = formatter.results()
    assert formatted == {name: whole_file_black(source) for name, source in modules.items()}


class _PoolThatNeverStarts:
    """A process pool whose workers never start a task (as on a machine whose other cores are
    busy): every future stays waiting until this process takes it back."""

    futures: ClassVar[list[Future[list[str]]]] = []

    def __init__(self, *arguments: object, **options: object) -> None:
        type(self).futures = []

    def submit(self, function: object, task: object) -> Future[list[str]]:
        self.futures.append(Future())
        return self.futures[-1]

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        pass


def test_this_process_takes_back_its_share_of_the_tasks_no_worker_started(
    one_unit_per_task: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stage, "ProcessPoolExecutor", _PoolThatNeverStarts)
    modules = generated_modules()
    formatted_here = _counting_black(monkeypatch)
    with Formatter(workers=2) as formatter:
        for name, source in modules.items():
            formatter.add(name, source)
        assert formatted_here == []  # all handed to the pool
        # Half of the waiting work (by lines) first, from the end, then half of the rest: so,
        # with workers that never start, everything, and no wait for them.
        formatted = formatter.results()
    assert formatted == {name: whole_file_black(source) for name, source in modules.items()}
    futures = _PoolThatNeverStarts.futures
    assert futures and all(future.cancelled() for future in futures)
    last_module = list(modules.values())[-1]
    assert formatted_here[0].removeprefix(stage._STAND_IN_CLASS) in last_module  # last first


def test_a_busy_process_hands_even_a_small_job_to_the_pool_and_leaves_it_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = 'def f(x):\n    return {"a":x}\n\n\nclass C:\n    def g(self):\n        return 1\n'
    monkeypatch.setattr(stage, "_black_imported", lambda: False)  # as in `python -m generator`
    formatted_here = _counting_black(monkeypatch)
    with Formatter(workers=2) as formatter:
        formatter.add("small.py", source)
        assert formatter._pool is None  # too little to start workers for
        formatter.busy()  # ...but this process has the models to write
        assert formatter._pool is not None
        formatted = formatter.results()
    assert formatted == {"small.py": whole_file_black(source)}
    assert formatted_here == []  # black was never needed here


def _counting_black(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The units black is run on from now on (in this process), by their text."""
    formatted: list[str] = []
    black_once = stage._black

    def counted(source: str) -> str:
        formatted.append(source)
        return black_once(source)

    monkeypatch.setattr(stage, "_black", counted)
    return formatted


def _formatted(modules: dict[str, str], cache: Cache) -> dict[str, str]:
    with cache, Formatter(workers=1, cache=cache) as formatter:
        for name, source in modules.items():
            formatter.add(name, source)
        return formatter.results()


def test_kept_units_are_not_formatted_again_and_join_to_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    modules = generated_modules()
    expected = {name: whole_file_black(source) for name, source in modules.items()}
    formatted = _counting_black(monkeypatch)
    assert _formatted(modules, Cache(tmp_path)) == expected  # cold: every unit formatted
    cold = len(formatted)
    assert _formatted(modules, Cache(tmp_path)) == expected  # warm: none
    assert len(formatted) == cold
    # One method edited: that unit, and only it, is formatted again.
    name = "client.py"
    edited = modules[name].replace(
        "def with_raw_response(self)", "def with_raw_response(self, now=True)", 1
    )
    assert edited != modules[name]
    after = _formatted({**modules, name: edited}, Cache(tmp_path))
    assert after == {**expected, name: whole_file_black(edited)}
    assert len(formatted) == cold + 1 and "now=True" in formatted[-1]
    # Another header (as after any edit of the spec, whose hash it names): no unit formatted.
    assert edited.startswith("# Generated by specsmith")
    restamped = edited.replace("sha256 ", "sha256 0123", 1)
    after = _formatted({name: restamped}, Cache(tmp_path))
    assert after == {name: whole_file_black(restamped)}
    assert len(formatted) == cold + 1


def test_a_module_formatted_whole_is_kept_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = 'TEXT = """\nclass NotAClass:\n"""\n\n\ndef f():\n    return TEXT\n'
    assert _formatted({"strings.py": source}, Cache(tmp_path)) == {
        "strings.py": whole_file_black(source)
    }
    monkeypatch.setattr(stage, "_black_whole", None)  # not called again
    monkeypatch.setattr(stage, "_black", None)
    assert _formatted({"strings.py": source}, Cache(tmp_path)) == {
        "strings.py": whole_file_black(source)
    }


def test_the_cache_key_holds_black_and_this_code() -> None:
    """A unit's entry is named by black's installation, the mode, and format.py's own code."""
    one = stage._unit_key(Unit("x = 1\n"), sorts_imports=False)
    assert one != stage._unit_key(Unit("x = 1\n"), sorts_imports=True)
    assert one != stage._unit_key(Unit("x = 1\n", in_class=True), sorts_imports=False)
    assert "black" in stage.package_identity("black")
    assert stage._FORMAT_CODE[0].name == "format.py"


def _with_unused_imports(source: str) -> str:
    """`source` importing more than it uses, as templates do before unused names are dropped."""
    lines = source.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith(("import ", "from ")))
    at += lines[at].startswith("from __future__")
    return "".join([*lines[:at], "import zlib\nfrom typing import cast, Literal\n", *lines[at:]])


def test_unused_imports_are_dropped_as_from_the_whole_module_parsing_a_few_units(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    modules = {
        name: _with_unused_imports(text)
        for name, text in generated_modules().items()
        if "\nimport " in text or "\nfrom " in text
    }
    expected = {name: drop_unused_imports(source) for name, source in modules.items()}
    assert any("import zlib" not in text for text in expected.values())
    parsed: list[str] = []
    names_used = stage.names_used
    monkeypatch.setattr(stage, "names_used", lambda code: parsed.append(code) or names_used(code))
    assert {name: without_unused_imports(text) for name, text in modules.items()} == expected
    # Only the units that hold a name imported and not yet found used are parsed.
    units = sum(len(split_units(source)) - 1 for source in modules.values())
    assert 0 < len(parsed) < units / 2
    for run in ("cold", "warm"):  # what a unit uses is kept: warm, no unit is parsed
        parsed.clear()
        with Cache(tmp_path) as cache:
            dropped = {name: without_unused_imports(text, cache) for name, text in modules.items()}
        assert dropped == expected, run
    assert parsed == []


@pytest.mark.parametrize(
    "source",
    [
        'TEXT = """\nclass NotAClass:\n"""\nimport os\n',
        "import os\n\nTEXT = '''\ndef f():\n    os\n'''\n\n\ndef g():\n    pass\n",
        'import os\n\nTEXT = r"""\\"""\ndef f():\n    os\n"""\n',  # `\"` ends no raw string
    ],
)
def test_a_cut_inside_a_string_is_seen_and_the_module_parsed_whole(source: str) -> None:
    assert len(split_units(source)) > 1
    assert without_unused_imports(source) == drop_unused_imports(source)


@pytest.mark.parametrize(
    "text",
    [
        "x = 'a \\' # not a comment' + \"#\"  # a comment's ' quote\n",
        'x = f"{y!r:>{width}}" + rb\'\\\'\' + """a "" b \\""" c"""\n',
        "x = (1 +\\\n     2)\n",
    ],
)
def test_where_strings_end_is_read_from_the_text(text: str) -> None:
    ast.parse(text)
    assert stage._ends_outside_strings(text)
    assert not stage._ends_outside_strings(text + '"""\n')
    assert not stage._ends_outside_strings(text + "x = 'open\n")


@pytest.mark.parametrize(
    "use",
    [
        'def f(x: "Any") -> None: ...',  # a quoted type
        'def f(x: "\\x41ny") -> None: ...',  # a quoted type spelled with an escape
        "def f(x: \uff21ny) -> None: ...",  # a full-width letter, which Python reads as `A`
    ],
)
def test_a_name_kept_however_its_use_is_written(use: str) -> None:
    source = f"from typing import Any, cast\n\n\n{use}\n"
    assert without_unused_imports(source) == drop_unused_imports(source)
    assert "from typing import Any\n" in drop_unused_imports(source)
