"""Progress of a long run: what the stages report, and how the command line shows it.

The stages never print. `pipeline.generate` takes a `Reporter` and tells it when a stage starts and
ends, how far a long stage is (the formatter's units), and each warning as soon as it is found; the
default `NullReporter` ignores it all, so a caller from Python sees nothing it did not ask for.

`ConsoleReporter` shows it the way build tools do: with `verbose`, one line per stage with its time
as each ends; on a terminal, one self-rewriting status line for the stage under way (with `done/
total` for the formatter), erased when the run ends; warnings at once, above the status line.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Protocol, TextIO

# The stages of `generate`, in the order they run (`check` instead of `write` under --check).
STAGES = ("load", "analyse", "render", "models", "format", "write")

_ERASE_LINE = "\r\x1b[K"


class Reporter(Protocol):
    def stage(self, name: str) -> AbstractContextManager[None]:
        """The block in which one stage (one of STAGES) runs."""
        ...

    def advance(self, done: int, total: int) -> None:
        """Within the current stage, `done` of `total` units of work are finished."""
        ...

    def warning(self, text: str) -> None:
        """Something the spec gets away with, reported as soon as it is found."""
        ...


class NullReporter:
    """Reports nothing: the default for callers that show no progress."""

    def stage(self, name: str) -> AbstractContextManager[None]:
        return nullcontext()

    def advance(self, done: int, total: int) -> None:
        pass

    def warning(self, text: str) -> None:
        pass


class ConsoleReporter:
    """Progress on a text stream (stderr): stage lines when `verbose`, a status line when `live`
    (the stream is a terminal), and warnings always; `label` names the package being made."""

    def __init__(self, stream: TextIO, label: str, *, verbose: bool, live: bool) -> None:
        self._stream = stream
        self._label = label
        self._verbose = verbose
        self._live = live
        self._status = ""  # what the status line shows now ("" when it is erased)
        self._detail = ""  # the part of it after the label
        self._stage = ""

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        self._stage = name
        self._show_status(name)
        try:
            yield
        finally:
            self._stage = ""
            self._erase_status()
        if self._verbose:  # only for a stage that ended: a failure is reported by the caller
            self._stream.write(f"{self._label}: {name} {time.perf_counter() - started:.2f}s\n")
            self._stream.flush()

    def advance(self, done: int, total: int) -> None:
        self._show_status(f"{self._stage} {done}/{total}")

    def warning(self, text: str) -> None:
        shown = self._detail
        self._erase_status()
        self._stream.write(f"warning: {text}\n")
        self._show_status(shown)

    def line(self, text: str) -> None:
        """A line of its own (a summary), below anything shown so far."""
        self._erase_status()
        self._stream.write(text + "\n")
        self._stream.flush()

    def _show_status(self, detail: str) -> None:
        """`label: detail` on the status line, the label cut short from the left to fit."""
        if not self._live or not detail:
            return
        room = shutil.get_terminal_size().columns - 1 - len(": ") - len(detail)
        kept = max(room - len("..."), 0)
        label = (
            self._label
            if len(self._label) <= room
            else "..." + self._label[len(self._label) - kept :]
        )
        self._status, self._detail = f"{label}: {detail}", detail
        self._stream.write(_ERASE_LINE + self._status)
        self._stream.flush()

    def _erase_status(self) -> None:
        if self._status:
            self._stream.write(_ERASE_LINE)
            self._stream.flush()
            self._status = self._detail = ""
