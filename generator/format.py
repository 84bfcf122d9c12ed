"""Stage 4a, format: black, on every core, while the rest of the package is still being made.

Black is most of the time of a large generation (OpenAI's spec: about 100,000 lines). Three things
keep it fast:

- Black formats each top-level statement on its own, so a module can be cut before its top-level
  classes and functions, the pieces formatted in parallel and joined with the two blank lines black
  puts there: the result is byte-for-byte what black makes of the whole file (a test holds us to
  it), whatever the number of cores.
- Modules are handed in one by one (`Formatter.add`): once there is enough work, a pool of
  processes starts on it, so black formats the client and server while datamodel-code-generator is
  still writing the models.
- Black builds millions of short-lived objects that point at each other; Python's cycle collector,
  run at its default rate, walks them all again and again and took half of black's time. Black's
  objects die with each piece, so collecting rarely costs little memory and saves that half.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import multiprocessing.context
import os
import re
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType

import black
from black.mode import TargetVersion
from black.parsing import InvalidInput

from generator.imports import sort_import_block

BLACK_MODE = black.Mode(target_versions={TargetVersion.PY310}, line_length=100)
PIECE_LINES = 2000  # small enough to balance the cores, big enough that handing over is noise
PARALLEL_LINES = 20_000  # below this, one process is faster than starting others
_RARE_COLLECTION = (100_000, 50, 100)  # gc thresholds while black runs (defaults: 700, 10, 10)


class FormatError(Exception):
    """Generated code that is not valid Python: a generator bug, reported with the file."""


@dataclass(frozen=True)
class _Piece:
    module: str
    source: str
    first: bool  # the module's import block is in its first piece, and is sorted there


class Formatter:
    """Sorts imports in and black-formats the modules handed to `add`; `results` gives them back.

    Small jobs are formatted in this process when asked for; once PARALLEL_LINES have been handed
    in, a process per core takes every piece as it comes, and the caller goes on making the next
    module. Use it in a `with` block, so that the pool stops even when making a module fails.
    """

    def __init__(self, workers: int | None = None) -> None:
        self._workers = workers or os.cpu_count() or 1
        self._modules: dict[str, str] = {}
        self._pieces: list[_Piece] = []
        self._handed: list[Future[str]] = []  # the pool's answers for the first pieces
        self._pool: ProcessPoolExecutor | None = None

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
            self._pool = None

    def add(self, name: str, source: str) -> None:
        """Hand in a module. Nothing is parsed here, so that the caller can go on at once."""
        self._modules[name] = source
        pieces = split_top_level(source)
        self._pieces.extend(_Piece(name, piece, index == 0) for index, piece in enumerate(pieces))
        self._hand_over()

    def results(self) -> dict[str, str]:
        """Every module handed in, formatted, by name; a FormatError if one is not valid Python."""
        outcomes = [future.exception() or future.result() for future in self._handed]
        outcomes += [_outcome_here(piece) for piece in self._pieces[len(outcomes) :]]
        formatted: dict[str, list[str]] = {}
        failed: set[str] = set()
        for piece, outcome in zip(self._pieces, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                failed.add(piece.module)
            else:
                formatted.setdefault(piece.module, []).append(outcome)
        joined = {name: "\n\n".join(parts) for name, parts in formatted.items()}
        for name in failed:
            # A cut inside a string or brackets (see split_top_level), or code that is not Python:
            # the module whole says which, and where.
            whole = _Piece(name, self._modules[name], first=True)
            with _collecting_rarely():
                joined[name] = _format_piece(whole)
        return {name: joined[name] for name in self._modules}

    def _hand_over(self) -> None:
        if self._pool is None:
            if self._workers <= 1 or _lines(self._pieces) < PARALLEL_LINES:
                return
            self._pool = ProcessPoolExecutor(
                self._workers, mp_context=_process_context(), initializer=_collect_rarely
            )
        for piece in self._pieces[len(self._handed) :]:
            self._handed.append(self._pool.submit(_format_piece, piece))


def split_top_level(source: str) -> list[str]:
    """Cut `source` before top-level classes and functions into pieces of about PIECE_LINES.

    The cuts are found in the text, without parsing: generated code never starts a line of a
    string with `class` or `def`, and where it did, black fails on the piece and the module is
    formatted whole (`Formatter.results`).
    """
    lines = source.splitlines(keepends=True)
    cuts = [0]
    for number, line in enumerate(lines):
        if number - cuts[-1] < PIECE_LINES or not _TOP_LEVEL_DEFINITION.match(line):
            continue
        start = number
        while start > 0 and lines[start - 1].startswith(("@", "#")):
            start -= 1  # its decorators, and comments just above, belong to the definition
        if start - cuts[-1] >= PIECE_LINES:
            cuts.append(start)
    cuts.append(len(lines))
    return ["".join(lines[begin:end]) for begin, end in itertools.pairwise(cuts) if begin < end]


_TOP_LEVEL_DEFINITION = re.compile(r"(?:class|def|async\s+def)\s")


def _lines(pieces: list[_Piece]) -> int:
    return sum(piece.source.count("\n") for piece in pieces)


def _process_context() -> multiprocessing.context.BaseContext:
    """Fork server where there is one: workers that start quickly and do not inherit the
    generator's memory (the spec, datamodel-code-generator's parser) as `fork` would."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _collect_rarely() -> None:
    """A worker's initializer: the worker only ever runs black."""
    gc.set_threshold(*_RARE_COLLECTION)


def _outcome_here(piece: _Piece) -> str | FormatError:
    with _collecting_rarely():
        try:
            return _format_piece(piece)
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


def _format_piece(piece: _Piece) -> str:
    try:
        source = sort_import_block(piece.source) if piece.first else piece.source
        return black.format_str(source, mode=BLACK_MODE)
    except (SyntaxError, InvalidInput) as error:
        raise FormatError(f"generated {piece.module} is not valid Python: {error}") from None
