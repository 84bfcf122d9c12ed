"""Stage 4a, format: black, on every core.

Black is most of the time of a large generation (OpenAI's spec: about 110,000 lines). It formats
each top-level statement on its own, so a module can be cut before its top-level classes and
functions, the pieces formatted in parallel and joined with the two blank lines black puts there:
the result is byte-for-byte what black makes of the whole file (a test holds us to it), whatever
the number of cores.
"""

from __future__ import annotations

import ast
import itertools
import os
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor

import black
from black.mode import TargetVersion
from black.parsing import InvalidInput

from generator.imports import sort_import_block

BLACK_MODE = black.Mode(target_versions={TargetVersion.PY310}, line_length=100)
PIECE_LINES = 4000  # big enough that process start-up is noise, small enough to balance cores
PARALLEL_LINES = 20_000  # below this, one process is faster than starting others


class FormatError(Exception):
    """Generated code that is not valid Python: a generator bug, reported with the file."""


def format_modules(sources: Mapping[str, str]) -> dict[str, str]:
    """Each module sorted (imports) and black-formatted; modules must parse first."""
    pieces: list[tuple[str, str]] = []
    for name, source in sources.items():
        try:
            tree = ast.parse(source, filename=name)
        except SyntaxError as error:
            raise FormatError(f"generated {name} is not valid Python: {error}") from error
        source = sort_import_block(source)
        pieces.extend(
            (name, piece)
            for piece in split_top_level(source, tree if source == sources[name] else None)
        )
    formatted = _run_black(
        [piece for _, piece in pieces], sum(s.count("\n") for s in sources.values())
    )
    joined: dict[str, list[str]] = {}
    for (name, _), text in zip(pieces, formatted, strict=True):
        joined.setdefault(name, []).append(text)
    return {name: "\n\n".join(parts) for name, parts in joined.items()}


def split_top_level(source: str, tree: ast.Module | None = None) -> list[str]:
    """Cut `source` before top-level classes and functions into pieces of about PIECE_LINES."""
    tree = tree or ast.parse(source)
    lines = source.splitlines(keepends=True)
    cuts = [0]
    for node in tree.body[1:]:
        if not isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        start = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
        while start > 0 and lines[start - 1].lstrip().startswith("#"):
            start -= 1  # a comment just above belongs to the definition
        if start - cuts[-1] >= PIECE_LINES:
            cuts.append(start)
    cuts.append(len(lines))
    return ["".join(lines[begin:end]) for begin, end in itertools.pairwise(cuts) if begin < end]


def _run_black(pieces: list[str], total_lines: int) -> list[str]:
    workers = min(len(pieces), os.cpu_count() or 1)
    if workers <= 1 or total_lines < PARALLEL_LINES:
        return [_black(piece) for piece in pieces]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_black, pieces, chunksize=1))


def _black(source: str) -> str:
    try:
        return black.format_str(source, mode=BLACK_MODE)
    except InvalidInput as error:
        raise FormatError(f"black cannot format generated code: {error}") from error
