"""The command line: arguments in, exit codes and messages out. No spec logic lives here.

Exit codes: 0 ok; 1 findings (lint) or stale output (generate --check); 2 unusable input or usage.
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
from generator.errors import SpecError, UsageError
from generator.lint import RULES, LintRun, Severity, lint_files, load_custom_rules
from generator.lint.ignore import IgnoreFile, write_ignore_file
from generator.lint.report import FORMATS, explanation, render_report, rules_table

OK, FINDINGS, UNUSABLE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        return int(arguments.run(arguments))
    except (SpecError, UsageError) as error:
        _fail(str(error))
        return UNUSABLE
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug of ours: still one line, and the way to see more
        if _is_generation_error(error):
            _fail(f"internal error (please report it): {error}")
            return UNUSABLE
        _fail(
            f"internal error (please report it): {type(error).__name__}: {error}; "
            "rerun with SPECSMITH_DEBUG=1 for details"
        )
        if os.environ.get("SPECSMITH_DEBUG"):
            raise
        return UNUSABLE


def _is_generation_error(error: Exception) -> bool:
    """A template or black failed. Imported only here and in `_generate`: lint need not load
    black, jinja2 and datamodel-code-generator (a third of a second)."""
    from generator.format import FormatError
    from generator.render import RenderError

    return isinstance(error, RenderError | FormatError)


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
        "specs", type=Path, nargs="*", metavar="SPEC",
        help="OpenAPI 3.0/3.1 files, YAML or JSON (default: the configured targets' specs)",
    )  # fmt: skip
    lint.add_argument(
        "--fail-on", choices=[str(s) for s in Severity], default=None,
        help="exit 1 on findings at least this severe (default: error, or lint.fail_on)",
    )  # fmt: skip
    lint.add_argument(
        "--format", choices=FORMATS, default="text",
        help="output format (default: text); json and sarif are one document for all SPECs",
    )  # fmt: skip
    lint.add_argument(
        "--ignore-file", type=Path, metavar="FILE",
        help="known findings not to report (default: lint.ignore_file, or "
        ".specsmith-lint-ignore.yaml beside the configuration)",
    )  # fmt: skip
    lint.add_argument(
        "--generate-ignore-file", action="store_true",
        help="write every current finding to the ignore file and exit 0",
    )  # fmt: skip
    lint.add_argument("--list-rules", action="store_true", help="list every rule and exit")
    lint.add_argument("--explain", metavar="RULE", help="explain one rule and exit")
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
    """Check specs for what breaks code generation and clients, and what Spectral's `oas` and
    Redocly's recommended rules check: structure, references, examples against their schemas,
    paths, operations, security, servers, documentation, names. With no SPEC, the configured
    targets' specs. Exit 1 on findings at or above --fail-on (an unusable file is an error
    finding); exit 2 when no SPEC could be read at all, or on a usage error."""
    config = load_config(arguments.config)
    load_custom_rules(config.lint)
    config.lint.check_rules(RULES)
    if arguments.list_rules:
        sys.stdout.write(rules_table(sorted(RULES)))
        return OK
    if arguments.explain:
        if arguments.explain not in RULES:
            raise UsageError(f"--explain {arguments.explain}: no such rule (see --list-rules)")
        sys.stdout.write(explanation(arguments.explain))
        return OK
    paths = list(arguments.specs) or _configured_specs(config)
    ignore_path = arguments.ignore_file or config.lint.ignore_path
    ignore = None if arguments.generate_ignore_file else IgnoreFile.read(ignore_path)
    run = lint_files(paths, config.lint, ignore)
    for report in run.files:
        _progress(arguments, f"linted {report.path} in {report.seconds:.2f}s")
        if report.unusable:
            _fail(str(report.findings[0].location) + ": " + report.findings[0].message)
    if arguments.generate_ignore_file:
        return _write_ignore_file(run, ignore_path, config)
    sys.stdout.write(render_report(run, arguments.format))
    if run.all_unusable:
        return UNUSABLE
    threshold = Severity.parse(arguments.fail_on) if arguments.fail_on else config.lint.fail_on
    return FINDINGS if any(f.severity >= threshold for f in run.findings) else OK


def _configured_specs(config: Config) -> list[Path]:
    if not config.targets:
        raise UsageError("no SPEC given and no [[tool.specsmith.targets]] configured")
    return list(dict.fromkeys(target.spec for target in config.targets))


def _write_ignore_file(run: LintRun, path: Path, config: Config) -> int:
    """Every finding of the run, except unusable files, becomes known."""
    known = [
        (config.lint.relative(Path(f.location.file)), f.rule, f.location.pointer)
        for report in run.files
        if not report.unusable
        for f in report.findings
    ]
    written = write_ignore_file(path, known)
    print(f"wrote {written} known findings to {_shown(path)}", file=sys.stderr)
    return UNUSABLE if run.all_unusable else OK


def _generate(arguments: argparse.Namespace) -> int:
    """Generate a package (models, client, server) from SPEC into DIR/NAME, or every target of the
    configuration when no SPEC is given. With --check, write nothing and exit 1 when stale."""
    from generator.pipeline import Options, generate  # here: see _is_generation_error

    config = load_config(arguments.config)
    templates = tuple(arguments.templates) + config.template_dirs
    status = OK
    for target in _targets(config, arguments):
        started = time.perf_counter()
        outcome = generate(
            target.spec, target.out, Options.from_target(target, templates), check=arguments.check
        )
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
