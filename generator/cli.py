"""The command line: arguments in, exit codes and messages out. No spec logic lives here.

Exit codes: 0 ok; 1 findings (lint) or stale output (generate --check); 2 unusable input or usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from generator import __version__
from generator.config import find_pyproject, lint_levels
from generator.emit import EmitError
from generator.errors import SpecError, UsageError
from generator.lint import Severity, lint_spec
from generator.lint.report import FORMATS, render_report
from generator.load import load_spec
from generator.pipeline import Options, generate
from generator.render import RenderError

OK, FINDINGS, UNUSABLE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    arguments = parser.parse_args(argv)
    try:
        return int(arguments.run(arguments))
    except (SpecError, UsageError) as error:
        _fail(str(error))
        return UNUSABLE
    except (RenderError, EmitError) as error:
        _fail(f"internal error (please report it): {error}")
        return UNUSABLE
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug of ours: still one line, and the way to see more
        _fail(
            f"internal error (please report it): {type(error).__name__}: {error}; rerun with SPECSMITH_DEBUG=1 for details"
        )
        if os.environ.get("SPECSMITH_DEBUG"):
            raise
        return UNUSABLE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator",
        description="Generate Pydantic models, an httpx client and a FastAPI server from an OpenAPI document.",
    )
    parser.add_argument("--version", action="version", version=f"specsmith {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    lint = commands.add_parser("lint", help="report problems in a spec", description=_lint.__doc__)
    lint.add_argument(
        "specs", type=Path, nargs="+", metavar="SPEC", help="OpenAPI 3.0/3.1 files, YAML or JSON"
    )
    lint.add_argument(
        "--fail-on",
        choices=[str(severity) for severity in Severity],
        default="error",
        help="exit 1 when a finding is at least this severe (default: error)",
    )
    lint.add_argument(
        "--format", choices=FORMATS, default="text", help="output format (default: text)"
    )
    lint.set_defaults(run=_lint)

    gen = commands.add_parser(
        "generate", help="generate a package from a spec", description=_generate.__doc__
    )
    gen.add_argument(
        "spec", type=Path, metavar="SPEC", help="an OpenAPI 3.0/3.1 file, YAML or JSON"
    )
    gen.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="the folder that holds the package"
    )
    gen.add_argument(
        "--package", required=True, metavar="NAME", help="the package's name (a Python identifier)"
    )
    gen.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if DIR/NAME is stale"
    )
    gen.add_argument(
        "--templates",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="a folder of templates that replace built-in ones of the same name (repeatable)",
    )
    gen.set_defaults(run=_generate)
    return parser


def _lint(arguments: argparse.Namespace) -> int:
    """Check specs for what breaks code generation and clients: structure, references, examples
    against their schemas, operations, names. Exit 1 on findings at or above --fail-on."""
    levels = lint_levels(find_pyproject(Path.cwd()))
    threshold = Severity.parse(arguments.fail_on)
    status = OK
    for path in arguments.specs:
        findings = lint_spec(load_spec(path), levels)
        sys.stdout.write(render_report(findings, path, arguments.format))
        if any(finding.severity >= threshold for finding in findings):
            status = FINDINGS
    return status


def _generate(arguments: argparse.Namespace) -> int:
    """Generate DIR/NAME (models, client, server) from SPEC, or check that it is up to date."""
    options = Options(package=arguments.package, template_dirs=tuple(arguments.templates))
    outcome = generate(arguments.spec, arguments.out, options, check=arguments.check)
    for warning in outcome.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if arguments.check and outcome.stale:
        for name in outcome.stale:
            print(f"stale: {outcome.target / name}", file=sys.stderr)
        print(
            f"{outcome.target} is out of date: run `python -m generator generate` again",
            file=sys.stderr,
        )
        return FINDINGS
    return OK


def _fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
