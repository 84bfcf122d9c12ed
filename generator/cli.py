"""The command line: arguments in, exit codes and messages out. No spec logic lives here.

Exit codes: 0 ok; 1 findings (lint), changes at or above --fail-on (diff) or stale output
(generate --check); 2 unusable input or usage.
Quiet on success; warnings and errors go to stderr, one line each; `-v` reports progress.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from generator import __version__
from generator.config import Config, Target, describe, load_config
from generator.diff import AUDIENCES, DiffOptions, Level, diff_specs, open_side, target_for
from generator.diff.report import FORMATS as DIFF_FORMATS
from generator.diff.report import render_diff
from generator.errors import SpecError, UsageError
from generator.format import FormatError
from generator.lint import Severity, lint_spec
from generator.lint.report import FORMATS, render_report
from generator.load import load_spec
from generator.pipeline import generate
from generator.render import RenderError

OK, FINDINGS, UNUSABLE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        return int(arguments.run(arguments))
    except (SpecError, UsageError) as error:
        _fail(str(error))
        return UNUSABLE
    except RenderError as error:
        _fail(f"template {error}")
        return UNUSABLE
    except FormatError as error:
        _fail(f"internal error (please report it): {error}")
        return UNUSABLE
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug of ours: still one line, and the way to see more
        _fail(
            f"internal error (please report it): {type(error).__name__}: {error}; "
            "rerun with SPECSMITH_DEBUG=1 for details"
        )
        if os.environ.get("SPECSMITH_DEBUG"):
            raise
        return UNUSABLE


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config", type=Path, metavar="FILE",
        help="a TOML configuration file (default: [tool.specsmith] of the nearest pyproject.toml)",
    )  # fmt: skip
    common.add_argument("-v", "--verbose", action="store_true", help="report progress on stderr")

    parser = argparse.ArgumentParser(
        prog="python -m generator",
        description="Generate Pydantic models, an httpx client and a FastAPI server from an OpenAPI "
        "document, and lint OpenAPI documents for CI.",
        epilog="Exit codes: 0 ok, 1 findings or stale output, 2 unusable input or usage error.",
    )
    parser.add_argument("--version", action="version", version=f"specsmith {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    lint = commands.add_parser(
        "lint", parents=[common], help="report problems in specs", description=_lint.__doc__
    )
    lint.add_argument(
        "specs", type=Path, nargs="+", metavar="SPEC", help="OpenAPI 3.0/3.1 files, YAML or JSON"
    )
    lint.add_argument(
        "--fail-on", choices=[str(s) for s in Severity], default=None,
        help="exit 1 on findings at least this severe (default: error, or lint.fail_on)",
    )  # fmt: skip
    lint.add_argument(
        "--format", choices=FORMATS, default="text", help="output format (default: text)"
    )
    lint.set_defaults(run=_lint)

    gen = commands.add_parser(
        "generate",
        parents=[common],
        help="generate packages from specs",
        description=_generate.__doc__,
    )
    gen.add_argument(
        "spec",
        type=Path,
        nargs="?",
        metavar="SPEC",
        help="an OpenAPI 3.0/3.1 file (default: every configured target)",
    )
    gen.add_argument("--out", type=Path, metavar="DIR", help="the folder that holds the package")
    gen.add_argument("--package", metavar="NAME", help="the package's name, a Python identifier")
    gen.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the package is stale"
    )
    gen.add_argument(
        "--templates", type=Path, action="append", default=[], metavar="DIR",
        help="templates that replace built-in ones of the same name (repeatable; before templates_dir)",
    )  # fmt: skip
    gen.set_defaults(run=_generate)

    diff = commands.add_parser(
        "diff", parents=[common], help="report what a spec change breaks", description=_diff.__doc__
    )
    for side, when in (("old", "before"), ("new", "after")):
        diff.add_argument(
            side, metavar=side.upper(), help=f"the spec {when}: a file, or REV:PATH from git"
        )
    diff.add_argument(
        "--format", choices=DIFF_FORMATS, default="text", help="output format (default: text)"
    )
    diff.add_argument(
        "--fail-on", choices=["breaking", "warning"], default="breaking",
        help="exit 1 on changes at least this bad for --audience (default: breaking)",
    )  # fmt: skip
    diff.add_argument(
        "--audience", choices=["clients", "servers", "all"], default="clients",
        help="whose breaks fail: the API's clients (default), servers implementing the handler, or both",
    )  # fmt: skip
    diff.add_argument(
        "--scope", choices=["all", "wire", "package"], default="all",
        help="compare the HTTP API, the generated package's Python API, or both (default)",
    )  # fmt: skip
    diff.add_argument(
        "--deprecated-removal", choices=["warning", "breaking"], default="warning",
        help="what removing what was deprecated is (default: warning)",
    )  # fmt: skip
    diff.set_defaults(run=_diff)

    config = commands.add_parser(
        "config",
        parents=[common],
        help="show the effective configuration",
        description=_config.__doc__,
    )
    config.add_argument(
        "--show", action="store_true", help="print every option, its value and its source"
    )
    config.set_defaults(run=_config)
    return parser


def _lint(arguments: argparse.Namespace) -> int:
    """Check specs for what breaks code generation and clients: structure, references, examples
    against their schemas, operations, names. Exit 1 on findings at or above --fail-on."""
    config = load_config(arguments.config)
    levels = config.lint_levels()
    threshold = Severity.parse(arguments.fail_on or config.settings.lint_fail_on)
    status = OK
    for path in arguments.specs:
        started = time.perf_counter()
        findings = lint_spec(load_spec(path), levels)
        sys.stdout.write(render_report(findings, path, arguments.format))
        _progress(arguments, f"linted {path} in {time.perf_counter() - started:.2f}s")
        if any(finding.severity >= threshold for finding in findings):
            status = FINDINGS
    return status


def _generate(arguments: argparse.Namespace) -> int:
    """Generate a package (models, client, server) from SPEC into DIR/NAME, or every target of the
    configuration when no SPEC is given. With --check, write nothing and exit 1 when stale."""
    config = load_config(arguments.config)
    templates = tuple(arguments.templates) + config.template_dirs
    status = OK
    for target in _targets(config, arguments):
        started = time.perf_counter()
        outcome = generate(target, templates, check=arguments.check)
        for warning in outcome.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        if arguments.check and outcome.stale:
            for name in outcome.stale:
                print(f"stale: {_shown(outcome.target / name)}", file=sys.stderr)
            print(
                f"{_shown(outcome.target)} is out of date: run `python -m generator generate` again",
                file=sys.stderr,
            )
            status = FINDINGS
        verb = "checked" if arguments.check else "wrote" if outcome.stale else "unchanged"
        _progress(
            arguments,
            f"{verb} {_shown(outcome.target)} ({len(outcome.files)} files) in {time.perf_counter() - started:.2f}s",
        )
    return status


def _diff(arguments: argparse.Namespace) -> int:
    """Compare two specs (each a file, or REV:PATH read from git) and report every change, whom it
    breaks (the API's clients, servers implementing the handler) and how badly, on the wire and
    in the generated package. Exit 1 on changes at or above --fail-on for --audience."""
    started = time.perf_counter()
    old, new = open_side(arguments.old), open_side(arguments.new)
    options = DiffOptions(
        target=target_for(load_config(arguments.config), new),
        deprecated_removal=Level.parse(arguments.deprecated_removal),
        scopes=("wire", "package") if arguments.scope == "all" else (arguments.scope,),
    )
    result = diff_specs(old, new, options)
    sys.stdout.write(render_diff(result, arguments.format))
    _progress(arguments, f"compared in {time.perf_counter() - started:.2f}s")
    audiences = AUDIENCES if arguments.audience == "all" else (arguments.audience,)
    return FINDINGS if result.worst(audiences) >= Level.parse(arguments.fail_on) else OK


def _config(arguments: argparse.Namespace) -> int:
    """Show the configuration that generate, lint and check use, and where each value came from."""
    sys.stdout.write(describe(load_config(arguments.config)))
    return OK


def _targets(config: Config, arguments: argparse.Namespace) -> list[Target]:
    if arguments.spec is not None:
        if arguments.out is None and not any(
            t.spec.resolve() == arguments.spec.resolve() for t in config.targets
        ):
            raise UsageError("--out is required (no configured target for this spec names one)")
        return [config.target_for(arguments.spec, arguments.out, arguments.package)]
    if arguments.out or arguments.package:
        raise UsageError("--out and --package go with a SPEC")
    if not config.targets:
        raise UsageError("no SPEC given and no [[tool.specsmith.targets]] configured")
    return list(config.targets)


def _progress(arguments: argparse.Namespace, message: str) -> None:
    if arguments.verbose:
        print(message, file=sys.stderr)


def _shown(path: Path) -> Path:
    """A path as people wrote it: relative to the working folder when it is inside it."""
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path


def _fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
