"""The command line: arguments in, exit codes and messages out. No spec logic lives here.

Exit codes: 0 ok; 1 findings (lint) or stale output (generate --check); 2 unusable input or usage.
Messages go to stderr, one line each: warnings as they are found, errors, and for `generate` one
summary line per package (`-q` drops it); `-v` adds each stage with its time, and on a terminal a
status line shows the stage under way.
"""

from __future__ import annotations

import argparse
import inspect
import os
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from generator import __version__
from generator.config import Config, Target, describe, load_config
from generator.errors import SpecError, UsageError
from generator.lint import RULES, LintRun, Severity, lint_files, load_custom_rules
from generator.lint.ignore import IgnoreFile, write_ignore_file
from generator.lint.report import FORMATS, explanation, render_report, rules_table
from generator.progress import ConsoleReporter

if TYPE_CHECKING:
    from generator.pipeline import Outcome

OK, FINDINGS, UNUSABLE = 0, 1, 2
INTERRUPTED = 130  # as a shell reports a command that Ctrl-C stopped


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    arguments = parser.parse_args(argv)
    if arguments.verbose and arguments.quiet:
        parser.error("-v and -q do not go together")
    try:
        return int(arguments.run(arguments))
    except (SpecError, UsageError) as error:
        _fail(str(error))
        return UNUSABLE
    except KeyboardInterrupt:
        _fail("interrupted")
        return INTERRUPTED
    except Exception as error:  # a bug of ours: still one line, and the way to see more
        known = _generation_error(error)
        if known:
            _fail(known)
            return UNUSABLE
        _fail(
            f"internal error (please report it): {type(error).__name__}: {error}; "
            "rerun with SPECSMITH_DEBUG=1 for details"
        )
        if os.environ.get("SPECSMITH_DEBUG"):
            raise
        return UNUSABLE


def _generation_error(error: Exception) -> str | None:
    """The message for a template's error (at its file and line) or black's, else None.
    Imported only here and in `_generate`: lint need not load black, jinja2 and
    datamodel-code-generator (a third of a second)."""
    from generator.format import FormatError
    from generator.render import RenderError

    if isinstance(error, RenderError):
        return f"template {error}"
    if isinstance(error, FormatError):
        return f"internal error (please report it): {error}"
    return None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator",
        description="Generate Pydantic models, an httpx client and a FastAPI server from an OpenAPI "
        "document, and lint OpenAPI documents for CI.",
        epilog="Exit codes: 0 ok, 1 findings or stale output, 2 unusable input or usage error. "
        "--config, -v and -q go before the command or after it.",
    )
    parser.add_argument("--version", action="version", version=f"specsmith {__version__}")
    _add_common_options(parser, defaults=True)
    # The same options after the command; suppressed defaults, so that they do not undo the ones
    # given before it.
    common = argparse.ArgumentParser(add_help=False)
    _add_common_options(common, defaults=False)
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    lint = commands.add_parser(
        "lint",
        parents=[common],
        help="report problems in specs",
        description=inspect.cleandoc(_lint.__doc__ or ""),
        epilog=_rule_list(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
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


def _add_common_options(parser: argparse.ArgumentParser, *, defaults: bool) -> None:
    def default(value: object) -> object:
        return value if defaults else argparse.SUPPRESS

    parser.add_argument(
        "--config", type=Path, metavar="FILE", default=default(None),
        help="a TOML configuration file (default: [tool.specsmith] of the nearest pyproject.toml)",
    )  # fmt: skip
    parser.add_argument(
        "-v", "--verbose", action="store_true", default=default(False),
        help="report each stage and its time on stderr",
    )  # fmt: skip
    parser.add_argument(
        "-q", "--quiet", action="store_true", default=default(False),
        help="no progress and no summary lines; warnings and errors are still reported",
    )  # fmt: skip


def _rule_list() -> str:
    """The lint rules for `lint --help`, from the registry."""
    width = max(len(rule_id) for rule_id in RULES)
    lines = [
        f"  {rule.id:<{width}}  {rule.severity!s:<5}  {rule.summary}" for rule in RULES.values()
    ]
    return "rules (id, default severity, what it checks; lint.rules re-levels them):\n" + "\n".join(
        lines
    )


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
    from generator.pipeline import generate  # here: see _generation_error

    config = load_config(arguments.config)
    templates = tuple(arguments.templates) + config.template_dirs
    status = OK
    for target in _targets(config, arguments):
        started = time.perf_counter()
        reporter = ConsoleReporter(
            sys.stderr,
            str(_shown(target.out / target.package)),
            verbose=arguments.verbose,
            live=not arguments.quiet and _is_terminal(sys.stderr),
        )
        outcome = generate(target, templates, check=arguments.check, reporter=reporter)
        shown = _shown(outcome.target)
        if arguments.check and outcome.differences:
            _report_differences(reporter, outcome)
            reporter.line(f"{shown} is out of date; to update it, run: {_regenerate(arguments)}")
            status = FINDINGS
        elif not arguments.quiet:
            timing = f" in {time.perf_counter() - started:.2f}s" if arguments.verbose else ""
            reporter.line(f"{shown}: {_summary(outcome, arguments.check)}{timing}")
    return status


def _report_differences(reporter: ConsoleReporter, outcome: Outcome) -> None:
    """What --check found, a line a file, labelled stale:, missing: or stray:."""
    if not outcome.target.exists():
        reporter.line(f"missing: {_shown(outcome.target)}/ (the whole package)")
        return
    for difference in outcome.differences:
        reporter.line(f"{difference.kind}: {_shown(outcome.target / difference.name)}")


def _summary(outcome: Outcome, check: bool) -> str:
    """What became of a package, in a few words."""
    if check:
        return "up to date"
    if not outcome.differences:
        return "unchanged"
    kinds = [difference.kind for difference in outcome.differences]
    if kinds.count("missing") == len(outcome.files) - 1:  # all but the manifest: a new package
        return f"wrote {len(outcome.files)} files"
    counts = [
        f"{kinds.count(kind)} {word}"
        for kind, word in (("stale", "changed"), ("missing", "new"), ("stray", "removed"))
        if kind in kinds
    ]
    return f"wrote {len(outcome.files)} files ({', '.join(counts)})"


def _regenerate(arguments: argparse.Namespace) -> str:
    """The command that brings what `generate --check` checked up to date: the same arguments."""
    words = ["generate"]
    if arguments.spec is not None:
        words.append(str(arguments.spec))
    for option, value in (("--out", arguments.out), ("--package", arguments.package)):
        if value is not None:
            words += [option, str(value)]
    if arguments.config is not None:
        words += ["--config", str(arguments.config)]
    for folder in arguments.templates:
        words += ["--templates", str(folder)]
    return f"{_program()} {shlex.join(words)}"


def _program() -> str:
    """How the user ran us: the console script, or the module."""
    return "specsmith" if Path(sys.argv[0]).name == "specsmith" else "python -m generator"


def _is_terminal(stream: TextIO) -> bool:
    return stream.isatty() and os.environ.get("TERM") != "dumb"


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
