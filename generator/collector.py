"""Python's cycle collector, kept off the large trees a run builds and keeps.

A spec is a tree of a million dicts and lists, the IR and datamodel-code-generator's module parsed
are more, and none of them holds a cycle: reference counting frees them. The collector, left on,
walks every live object at each full collection, again and again while they grow (a fifth of a
lint run on GitHub's spec, half of loading OpenAI's). Garbage in cycles (what
datamodel-code-generator leaves) is collected by the caller, once, where it is made.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
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
