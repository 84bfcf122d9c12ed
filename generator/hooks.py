"""Entry points of the pre-commit hooks (.pre-commit-hooks.yaml) that need more than the CLI.

pre-commit hands the lint hook every changed file its `files:` and `types_or:` select: by default
every YAML and JSON file, `.pre-commit-config.yaml` and CI workflows included. Only OpenAPI
documents are linted; any other file is skipped without a word, so that a repository needs no
`files:` line to use the hook.

    python -m generator.hooks lint [LINT OPTIONS] FILE...
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path

from generator import cli

_DOCUMENT_SUFFIXES = frozenset({".yaml", ".yml", ".json"})
# A top-level `openapi` key: at the start of a line in YAML (top level is not indented), or a
# JSON member whose value is a string. Swagger 2.0 documents have `swagger` instead.
_OPENAPI_KEY = re.compile(r"""^["']?openapi["']?[ \t]*:|"openapi"\s*:\s*\"""", re.MULTILINE)


def looks_like_openapi(path: Path) -> bool:
    """Whether a YAML or JSON file is meant as an OpenAPI document. A file that cannot be read is
    one, so that lint says what is wrong with it."""
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return True
    return _OPENAPI_KEY.search(text) is not None


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] != ["lint"]:
        print(
            f"usage: python -m generator.hooks lint [OPTIONS] FILE...\n{__doc__}", file=sys.stderr
        )
        return cli.UNUSABLE
    options, specs = _split(arguments[1:])
    if not specs:
        return cli.OK  # nothing here is an OpenAPI document
    return cli.main(["lint", *options, *specs])


def _split(arguments: list[str]) -> tuple[list[str], list[str]]:
    """(lint's options, the OpenAPI documents among the files), other files left out."""
    options: list[str] = []
    specs: list[str] = []
    for argument in arguments:
        path = Path(argument)
        if path.suffix.lower() in _DOCUMENT_SUFFIXES and path.is_file():
            if looks_like_openapi(path):
                specs.append(argument)
        else:
            options.append(argument)
    return options, specs


if __name__ == "__main__":
    sys.exit(main())
