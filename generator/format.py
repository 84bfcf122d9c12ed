"""Stage 4a, format: black, on every core, while the rest of the package is still being made.

Black is most of the time of a large generation (OpenAI's spec: about 100,000 lines). What keeps
it fast, while the output stays byte-for-byte what `black.format_str` makes of each whole file (a
test holds us to it):

- Units. Black formats each top-level statement on its own, and each method of a class given the
  same indentation and the one blank line it puts between methods. So a module is cut, in its
  text, before every top-level definition and before every method of a class, and the units are
  formatted apart: in parallel, and each only as often as it needs (next point).
- One pass where one is enough. `black.format_str` formats twice whenever the first pass changed
  anything, because a trailing comma that the first pass adds is "magic" to the second and can
  change its choices. A unit to which the first pass added no trailing comma gets nothing from a
  second pass, so only units that gained one get it: about one in ten here.
- Modules are handed in one by one (`Formatter.add`): once there is enough work, or as soon as
  this process is about to write the models (`Formatter.busy`), a pool of processes starts on
  it, so black formats the client and server while datamodel-code-generator is still writing
  the models. The pool has a worker per core but one: when the last module is in, this process
  takes back its share of the tasks no worker has started and formats them too, unless they
  are fewer lines than importing black here would take to be worth it (a small spec's models).
  (Before, the pool had a worker per core and this process waited: on 2 cores, a package of a
  few thousand lines was formatted by one process while the other core sat idle.)
- Black builds millions of short-lived objects that point at each other; Python's cycle collector,
  run at its default rate, walks them all again and again and took half of black's time. Black's
  objects die with each unit, so it collects rarely while black runs and once after each task.

- Each unit once (with a `Cache`): what a unit formats to is kept, keyed by its text, black's
  installation and mode, and this module's code, so that a unit whose text did not change is not
  formatted again; after an edit of the spec, only the units it changed are. A unit formats the
  same whatever surrounds it (the point of units), so a module put together from kept and fresh
  units is what a cold run makes of it.

The workers come from a fork server (spawned where there is none), not from `fork`: they do not
inherit the generator's memory, nor its threads, and they ignore Ctrl-C (the generator stops them).
As with any use of multiprocessing, a script that calls `generate` must do so under
`if __name__ == "__main__":`. Black itself is imported only when a unit needs formatting.
"""

from __future__ import annotations

import ast
import gc
import multiprocessing
import multiprocessing.context
import os
import re
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from generator.cache import Cache, decoded, key, package_identity, source_digest
from generator.imports import (
    LINE_LENGTH,
    drop_imports_unused_by,
    drop_unused_imports,
    imported_names,
    names_used,
    sort_import_block,
)

if TYPE_CHECKING:
    import black

TARGET_VERSION = "PY310"  # black.TargetVersion's name
PIECE_LINES = 500  # lines per task: handing over is noise, and shares come out about even
PARALLEL_LINES = 1_000  # below this, black here is done before a worker has started
MAX_WORKERS = 8  # processes formatting, this one included
_RARE_COLLECTION = (100_000, 50, 100)  # gc thresholds while black runs (defaults: 700, 10, 10)

# A method is formatted as the body of this stand-in class: same indentation, same rules.
_STAND_IN_CLASS = "class _:\n"
_TOP_LEVEL_DEFINITION = re.compile(r"(?:class|def|async\s+def)\s")
_METHOD = re.compile(r" {4}(?:def|async\s+def)\s")
_TRAILING_COMMA = re.compile(r",\s*[)\]}]")


class FormatError(Exception):
    """Generated code that is not valid Python: a generator bug, reported with the file."""


@dataclass(frozen=True)
class Unit:
    """A top-level statement (with the comments and decorators above it), or a method of a
    top-level class (`in_class`), which follows the unit before it after one blank line."""

    text: str
    in_class: bool = False


@dataclass(frozen=True)
class _Task:
    module: str
    units: tuple[Unit, ...]
    first: bool  # the module's import block is in its first unit, and is sorted there

    @property
    def lines(self) -> int:
        return sum(unit.text.count("\n") for unit in self.units)


@dataclass
class _Module:
    """A module handed in: its units, and each unit's text once formatted (kept or made)."""

    source: str
    units: list[Unit]
    keys: list[str]
    formatted: list[str | None] = field(default_factory=list)
    whole: str | None = None  # formatted whole (found so in the cache, or units failed)
    header: str = ""  # the comment lines the module starts with, formatted as placeholders


@cache
def black_mode() -> black.Mode:
    """The mode every module is formatted with (imports black)."""
    import black
    from black.mode import TargetVersion

    return black.Mode(target_versions={TargetVersion[TARGET_VERSION]}, line_length=LINE_LENGTH)


def __getattr__(name: str) -> Any:
    # `BLACK_MODE` as it was a constant before black was imported lazily.
    if name == "BLACK_MODE":
        return black_mode()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Formatter:
    """Sorts imports in and black-formats the modules handed to `add`; `results` gives them back.

    Small jobs are formatted in this process when asked for; once PARALLEL_LINES have been handed
    in, a worker process per core but one takes every task as it comes, and the caller goes on
    making the next module; `results` formats this process's share of what is still waiting.
    With a `cache`, units it holds are not formatted again, and the new ones are kept.
    Use it in a `with` block, so that the pool stops even when making a module fails.
    """

    def __init__(
        self,
        workers: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        cache: Cache | None = None,
    ) -> None:
        self._workers = workers or _usable_cores()
        self._progress = progress  # told (units formatted, units handed in) as results() waits
        self._cache = cache or Cache.off()
        self._modules: dict[str, _Module] = {}
        self._tasks: list[_Task] = []
        self._handed: list[Future[list[str]]] = []  # the pool's answers for the first tasks
        self._pool: ProcessPoolExecutor | None = None
        self._busy_here = False  # this process has other work before it formats: see busy()

    def __enter__(self) -> Formatter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def add(self, name: str, source: str) -> None:
        """Hand in a module. Nothing is parsed here, so that the caller can go on at once."""
        units = split_units(source)
        header, first = _without_header(units[0].text)
        units[0] = Unit(first)
        module = self._modules[name] = _Module(source, units, [""] * len(units), header=header)
        kept: dict[str, bytes] = {}
        if self._cache.enabled:
            whole_key = _module_key(source)
            module.keys = [_unit_key(unit, index == 0) for index, unit in enumerate(units)]
            kept = self._cache.get_many([whole_key, *module.keys])
            module.whole = decoded(kept.get(whole_key))
            if module.whole is not None:  # a module units cannot make, formatted whole before
                return
        module.formatted = [decoded(kept.get(entry)) for entry in module.keys]
        missing = [unit for unit, text in zip(units, module.formatted, strict=True) if text is None]
        first_missing = module.formatted[0] is None
        self._tasks.extend(_tasks(name, missing, first_missing))
        self._hand_over()

    def busy(self) -> None:
        """Say that this process is about to do other long work (the models): the pool starts
        now, whatever there is to format, and takes what is handed in from here on, so that black
        runs beside that work rather than after it."""
        self._busy_here = True
        self._hand_over()

    def results(self) -> dict[str, str]:
        """Every module handed in, formatted, by name; a FormatError if one is not valid Python."""
        made: dict[str, list[str]] = {}
        failed: set[str] = set()
        for task, outcome in zip(self._tasks, self._outcomes(), strict=True):
            if isinstance(outcome, BaseException):
                failed.add(task.module)
            else:
                made.setdefault(task.module, []).extend(outcome)
        formatted: dict[str, str] = {}
        for name, module in self._modules.items():
            joined = None
            if module.whole is None and name not in failed:
                joined = self._joined(module, iter(made.get(name, ())))
            if joined is not None:
                formatted[name] = joined
                continue
            if module.whole is None:
                # A cut inside a string or brackets (see split_units), or code that is not
                # Python: black on the module whole says which, and where.
                with _collecting_rarely():
                    module.whole = _black_whole(name, module.source)
                self._cache.put(_module_key(module.source), module.whole.encode())
            formatted[name] = module.whole
        return formatted

    def _joined(self, module: _Module, made: Iterator[str]) -> str | None:
        """The module from its units' texts, the kept ones and those just made (kept now);
        None if black did not keep the header's placeholders as they were."""
        parts: list[str] = []
        for unit, entry, text in zip(module.units, module.keys, module.formatted, strict=True):
            if text is None:
                text = next(made)
                self._cache.put(entry, text.encode())
            parts.append(("\n" if unit.in_class else "\n\n") + text if parts else text)
        return _with_header(module.header, "".join(parts))

    def _outcomes(self) -> list[list[str] | BaseException]:
        """Each task's formatted units (or its failure), in task order, telling `progress` how
        many units are done as the tasks finish, in the pool or here."""
        total = sum(len(module.units) for module in self._modules.values())
        done = total - sum(len(task.units) for task in self._tasks)  # kept in the cache
        outcomes: dict[int, list[str] | BaseException] = {}
        if done:
            self._report(done, total)
        never_handed = range(len(self._handed), len(self._tasks))  # no pool, or it broke
        here = [*never_handed, *self._taken_back()]
        while here:
            for index in here:
                outcomes[index] = _outcome_here(self._tasks[index])
                done += len(self._tasks[index].units)
                self._report(done, total)
            here = self._taken_back()
        left = {future: index for index, future in enumerate(self._handed) if index not in outcomes}
        for future in as_completed(left):
            outcomes[left[future]] = _answer(future)
            done += len(self._tasks[left[future]].units)
            self._report(done, total)
        return [outcomes[index] for index in range(len(self._tasks))]

    def _taken_back(self) -> list[int]:
        """This process's share (by lines) of the handed tasks no worker has started: the last of
        them, taken back from the pool at once.

        At once, not one by one as this process gets to them: black holds the interpreter lock
        for long stretches, and the pool's thread that hands the next task to a worker waits for
        it, so that a worker would sit idle while this process takes back one task after another.
        """
        waiting = [index for index, future in enumerate(self._handed) if _waiting(future)]
        lines = sum(self._tasks[index].lines for index in waiting)
        if lines < PARALLEL_LINES and not _black_imported():
            return []  # importing black here would take longer than the workers need for them
        share = lines / self._workers
        taken: list[int] = []
        for index in reversed(waiting):
            if share <= 0:
                break
            if self._handed[index].cancel():
                taken.append(index)
                share -= self._tasks[index].lines
        return taken

    def _report(self, done: int, total: int) -> None:
        if self._progress is not None:
            self._progress(done, total)

    def _hand_over(self) -> None:
        if self._workers <= 1:
            return
        if self._pool is None:
            if _lines(self._tasks) < PARALLEL_LINES and not self._busy_here:
                return
            self._pool = ProcessPoolExecutor(
                self._workers - 1, mp_context=_process_context(), initializer=_start_worker
            )
        try:
            for task in self._tasks[len(self._handed) :]:
                self._handed.append(self._pool.submit(_format_in_worker, task))
        except (OSError, RuntimeError):  # BrokenProcessPool is a RuntimeError
            # No worker processes to be had here: this process formats the rest, and a module a
            # lost worker had is formatted whole (`results`).
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._workers = 1


# The comment lines a module starts with (its header: generated modules name the spec's hash in
# it, so it changes with every edit) are formatted as placeholders and put back after: black
# writes such comments as they are, and formats what follows them the same whatever they say.
# Lines it would rewrite (no space after `#`, trailing blanks) or that mean something to it
# (`# fmt:`, `# type:`) are not taken.
_HEADER_LINE = re.compile(r"#(?: (?!fmt:|type:)[^\n]*\S)?\n")
_PLACEHOLDER = "#\n"


def _without_header(text: str) -> tuple[str, str]:
    """`text`'s leading comment lines (black leaves them be), and `text` with each of them
    written as a placeholder."""
    end = 0
    while match := _HEADER_LINE.match(text, end):
        end = match.end()
    header = text[:end]
    return header, _PLACEHOLDER * header.count("\n") + text[end:]


def _with_header(header: str, formatted: str) -> str | None:
    placeholders = _PLACEHOLDER * header.count("\n")
    if not formatted.startswith(placeholders):
        return None
    return header + formatted[len(placeholders) :]


_FORMAT_CODE = (Path(__file__), Path(__file__).with_name("imports.py"))


@cache
def _format_key() -> str:
    """What decides how a unit formats besides its text: black's installation and mode, and
    this module's code (one pass or two, the stand-in class, import sorting)."""
    return key(
        package_identity("black"),
        f"{TARGET_VERSION} {LINE_LENGTH}",
        source_digest(*_FORMAT_CODE),
    )


def without_unused_imports(source: str, cache: Cache | None = None) -> str:
    """`imports.drop_unused_imports(source)`, without parsing the whole module.

    Only names the module's head imports can be dropped, and a unit that holds none of them as a
    word uses none of them: a name is used where it is written, in code or in a quoted type. So
    the head is parsed, and after it only the units that hold, as a word, an imported name that
    no unit before them was found to use: on a large spec's package, about a third of its lines.
    The cuts between units are checked, in the text, to fall outside strings; a unit that ends
    inside one was cut in it (see `split_units`), and the module is then parsed whole. Which
    names a unit uses is kept in `cache` by the unit's text."""
    head, *rest = split_units(source)
    if not all(_ends_outside_strings(unit.text) for unit in (head, *rest)):
        return drop_unused_imports(source)
    try:
        tree = ast.parse(head.text)
        used = _imports_used(rest, imported_names(tree), cache or Cache.off())
        return drop_imports_unused_by(source, head.text, used, tree)
    except SyntaxError:  # a cut the text did not show, or not Python: parsed whole, as it says
        return drop_unused_imports(source)


def _imports_used(units: list[Unit], imported: set[str], cache: Cache) -> set[str]:
    """Those of the `imported` names that `units` use, parsing only the units that may be the
    first to use one (and not even those where the cache knows what they use)."""
    candidates = [unit for unit in units if imported and _may_use(unit.text, imported)]
    entries = {unit: _names_entry(unit) for unit in candidates} if cache.enabled else {}
    kept = cache.get_many(entries.values()) if entries else {}
    unconfirmed = set(imported)
    for unit in candidates:
        if not unconfirmed:
            break
        if not _may_use(unit.text, unconfirmed):
            continue
        found = decoded(kept.get(entries.get(unit, "")))
        if found is not None:
            names = set(found.split("\n")) - {""}
        else:
            names = names_used(_STAND_IN_CLASS + unit.text if unit.in_class else unit.text)
            if unit in entries:
                cache.put(entries[unit], "\n".join(sorted(names)).encode())
        unconfirmed -= names
    return imported - unconfirmed


def _names_entry(unit: Unit) -> str:
    return key("names", _names_key(), str(unit.in_class), unit.text)


@cache
def _names_key() -> str:
    return source_digest(*_FORMAT_CODE)


# Python text as strings, comments and the rest. A string is taken whole: a backslash escapes
# the character after it (in raw strings too, as far as where the string ends goes), and only a
# triple-quoted one holds a line break of its own. It matches a whole unit only if the unit does
# not end inside a string. Possessive, so that it never backtracks: one pass over the text.
_OUTSIDE_STRINGS = re.compile(
    r"""(?:[^'"#\\]++|\\.|#[^\n]*+"""
    r'''|"""(?:[^"\\]++|\\.|"(?!""))*+"""'''
    r"""|'''(?:[^'\\]++|\\.|'(?!''))*+'''"""
    r"""|"(?:[^"\\\n]++|\\.)*+"|'(?:[^'\\\n]++|\\.)*+')*+""",
    re.DOTALL,
)
# An escape that may spell a letter in a string, where a quoted type could name an import.
_LETTER_ESCAPE = re.compile(r"\\[xuUN0-7]")


def _ends_outside_strings(text: str) -> bool:
    return _OUTSIDE_STRINGS.fullmatch(text) is not None


def _may_use(text: str, names: set[str]) -> bool:
    """Whether `text` may use one of `names`: it holds one as a word, or it may spell one in a
    way its words do not show (a non-ASCII identifier, which Python reads normalized; an escape
    in a quoted type)."""
    if not text.isascii() or _LETTER_ESCAPE.search(text):
        return True
    return _any_of(frozenset(names)).search(text) is not None


@lru_cache(maxsize=256)  # a module's imported names change a few times over its units
def _any_of(names: frozenset[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, names))) + r")\b")


def _unit_key(unit: Unit, sorts_imports: bool) -> str:
    return key("unit", _format_key(), str(unit.in_class), str(sorts_imports), unit.text)


def _module_key(source: str) -> str:
    return key("module", _format_key(), source)


def _black_imported() -> bool:
    return "black" in sys.modules


def _waiting(future: Future[list[str]]) -> bool:
    return not future.running() and not future.done()


def _answer(future: Future[list[str]]) -> list[str] | BaseException:
    try:
        return future.exception() or future.result()
    except CancelledError as error:  # handed over before the pool broke
        return error


def split_units(source: str) -> list[Unit]:
    """Cut `source` into units: before every top-level class and function (with the decorators
    and comments just above it), and before every method of a class that follows another method
    after exactly one blank line.

    The cuts are found in the text, without parsing: generated code never starts a line of a
    string like a definition, and where it did, black fails on a unit and the module is formatted
    whole (`Formatter.results`).
    """
    lines = source.splitlines(keepends=True)
    units: list[Unit] = []
    start, in_class, in_top_class = 0, False, False
    for number, line in enumerate(lines):
        if _TOP_LEVEL_DEFINITION.match(line):
            cut, method = _above(lines, number, ""), False
        elif in_top_class and _METHOD.match(line):
            cut, method = _above(lines, number, "    "), True
            if not _after_a_method_and_a_blank_line(lines, cut):
                continue
        else:
            continue
        if cut > start:
            units.append(Unit("".join(lines[start:cut]).rstrip("\n") + "\n", in_class))
            start, in_class = cut, method
        if not method:
            in_top_class = line.startswith("class ")
    units.append(Unit("".join(lines[start:]).rstrip("\n") + "\n", in_class))
    return units


def _above(lines: list[str], number: int, indent: str) -> int:
    """The first line of the definition at `number`: its decorators, and comments just above."""
    while number > 0 and lines[number - 1].startswith((indent + "@", indent + "#")):
        number -= 1
    return number


def _after_a_method_and_a_blank_line(lines: list[str], cut: int) -> bool:
    """One blank line above, and above it the body of a method (indented deeper than methods):
    where black puts exactly one blank line whatever it is given."""
    return (
        cut >= 2
        and not lines[cut - 1].strip()
        and lines[cut - 2].strip() != ""
        and lines[cut - 2].startswith("        ")
    )


def _tasks(module: str, units: list[Unit], first: bool = True) -> Iterator[_Task]:
    """`units` in tasks of about PIECE_LINES; `first`: the first of them is the module's first."""
    batch: list[Unit] = []
    size = 0
    for unit in units:
        batch.append(unit)
        size += unit.text.count("\n")
        if size >= PIECE_LINES:
            yield _Task(module, tuple(batch), first)
            batch, size, first = [], 0, False
    if batch:
        yield _Task(module, tuple(batch), first)


def _lines(tasks: list[_Task]) -> int:
    return sum(task.lines for task in tasks)


def _usable_cores() -> int:
    """The cores this process may run on, up to MAX_WORKERS: past that, a worker's memory costs
    more than its share of a package saves."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(cores or 1, MAX_WORKERS)


def _process_context() -> multiprocessing.context.BaseContext:
    """Fork server where there is one: workers that start quickly and do not inherit the
    generator's memory (the spec, datamodel-code-generator's parser) as `fork` would."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _start_worker() -> None:
    """A worker's initializer: the worker only ever runs black, and Ctrl-C (which a terminal
    sends the whole process group) is for the generator, which stops the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.set_threshold(*_RARE_COLLECTION)


def _format_in_worker(task: _Task) -> list[str]:
    try:
        return _format_task(task)
    finally:
        # Black's syntax trees are garbage now, in cycles (children point at their parents):
        # freed while little else is alive, they cost little and do not pile up.
        gc.collect()


def _outcome_here(task: _Task) -> list[str] | FormatError:
    with _collecting_rarely():
        try:
            return _format_task(task)
        except FormatError as error:
            return error


@contextmanager
def _collecting_rarely() -> Iterator[None]:
    thresholds = gc.get_threshold()
    gc.set_threshold(*_RARE_COLLECTION)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _format_task(task: _Task) -> list[str]:
    from black.parsing import InvalidInput

    formatted = []
    for index, unit in enumerate(task.units):
        try:
            text = sort_import_block(unit.text) if task.first and index == 0 else unit.text
            if unit.in_class:
                formatted.append(_black(_STAND_IN_CLASS + text).removeprefix(_STAND_IN_CLASS))
            else:
                formatted.append(_black(text))
        except (SyntaxError, InvalidInput) as error:
            raise FormatError(f"generated {task.module} is not valid Python: {error}") from None
    return formatted


def _black(source: str) -> str:
    """`black.format_str`, without the second pass where the first added no trailing comma."""
    import black

    once = black._format_str_once(source, mode=black_mode())
    if once == source or len(_TRAILING_COMMA.findall(once)) <= len(_TRAILING_COMMA.findall(source)):
        return once
    return black._format_str_once(once, mode=black_mode())


def _black_whole(module: str, source: str) -> str:
    import black
    from black.parsing import InvalidInput

    try:
        return black.format_str(sort_import_block(source), mode=black_mode())
    except (SyntaxError, InvalidInput) as error:
        raise FormatError(f"generated {module} is not valid Python: {error}") from None
