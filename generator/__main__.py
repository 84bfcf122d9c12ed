"""`python -m generator`: the command line (cli.py); Ctrl-C during its imports is one line too.

The process ends with `os._exit` once its output is flushed, as mypy's does: a run's millions of
objects (the spec's tree, the IR, datamodel-code-generator's modules) need not be freed one by
one, nor the interpreter torn down, which took a third of a second of every run. Everything a
run must finish (the package written, the cache's transaction, the worker pools stopped) is
finished inside `main`; its workers and fork server end with it (they watch a pipe to it).
"""

import contextlib
import os
import sys

try:
    from generator.cli import main
except KeyboardInterrupt:
    print("error: interrupted", file=sys.stderr)
    sys.exit(130)

status = main()
for stream in (sys.stdout, sys.stderr):
    # A reader that went away (`| head`) is told nothing more.
    with contextlib.suppress(OSError, ValueError):
        stream.flush()
os._exit(status)
