"""Python's cycle collector, kept off the large trees a run builds and keeps.

A spec is a tree of a million dicts and lists, the IR and datamodel-code-generator's module parsed
are more, and none of them holds a cycle: reference counting frees them. The collector, left on,
walks every live object at each full collection, again and again while they grow (a fifth of a
lint run on GitHub's spec, half of loading OpenAI's). Garbage in cycles (what
datamodel-code-generator leaves) is collected by the caller, once, where it is made.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def collector_off() -> Iterator[None]:
    """The collector off inside the block, as it was after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def collector_spared() -> Iterator[Callable[[], None]]:
    """A function that puts what is alive now out of the cycle collector's reach until the run
    ends. The spec and the IR live to the end of a run, and on a large spec they are millions of
    objects, which each full collection would walk again while the rest is made (half of the
    models stage of a warm run on OpenAI's spec). At the end they are the collector's again, so
    that a watch loop's runs do not pile up."""
    collecting = gc.isenabled()
    gc.disable()  # while the spec is read: its millions of objects are young, and all live

    def spare() -> None:
        gc.freeze()
        if collecting:
            gc.enable()

    try:
        yield spare
    finally:
        gc.unfreeze()
        if collecting:
            gc.enable()
