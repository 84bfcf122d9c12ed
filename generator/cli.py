"""The command line: arguments in, exit codes and messages out. No spec logic lives here.

Exit codes: 0 ok; 1 findings (lint), changes at or above --fail-on (diff) or stale output
(generate --check); 2 unusable input or usage.
Messages go to stderr, one line each: warnings as they are found, errors, and for `generate` one
summary line per package (`-q` drops it); `-v` adds each stage with its time, and on a terminal a
status line shows the stage under way.
"""

from __future__ import annotations

import argparse
import inspect
import os
import shlex
import signal
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from generator import __version__
from generator.cache import Cache, default_folder, default_max_bytes
from generator.config import Config, Target, describe, load_config
from generator.errors import SpecError, UsageError
from generator.lint import RULES, LintRun, Severity, lint_files, load_custom_rules
from generator.lint.ignore import IgnoreFile, write_ignore_file
from generator.lint.report import FORMATS, explanation, render_report, rules_table
from generator.manifest import MANIFEST, recorded_spec_files
from generator.progress import ConsoleReporter

if TYPE_CHECKING:
    from generator.pipeline import Outcome

OK, FINDINGS, UNUSABLE = 0, 1, 2
INTERRUPTED = 130  # as a shell reports a command that Ctrl-C stopped
WATCH_INTERVAL = 0.2  # seconds between looks at the watched files' times and sizes


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
    gen.add_argument(
        "--watch", action="store_true",
        help="generate again on every save of the spec or of the files it refers to, one line a "
        "run, until Ctrl-C",
    )  # fmt: skip
    gen.add_argument(
        "--cache-dir", type=Path, metavar="DIR",
        help="where finished work (formatted code, models, compiled templates) is kept between "
        "runs (default: $SPECSMITH_CACHE_DIR, else $XDG_CACHE_HOME/specsmith or "
        "~/.cache/specsmith)",
    )  # fmt: skip
    gen.add_argument(
        "--no-cache", action="store_true",
        help="make everything afresh and keep nothing (the output is the same either way)",
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
        "--format", choices=FORMATS, default="text", help="output format (default: text)"
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
    configuration when no SPEC is given. With --check, write nothing and exit 1 when stale; with
    --watch, generate again whenever a spec is saved. Finished work is kept in a cache folder
    between runs (the output is the same with it or without)."""
    config = load_config(arguments.config)
    templates = tuple(arguments.templates) + config.template_dirs
    targets = _targets(config, arguments)
    if arguments.watch:
        if arguments.check:
            raise UsageError("--watch and --check do not go together")
        return _watch(arguments, targets, templates)
    status = OK
    with _cache(arguments) as cache:
        for target in targets:
            status = max(status, _generate_one(arguments, target, templates, cache))
    return status


def _generate_one(
    arguments: argparse.Namespace,
    target: Target,
    templates: tuple[Path, ...],
    cache: Cache,
    reporter: ConsoleReporter | None = None,
) -> int:
    """One target generated (or checked), and its summary line."""
    from generator.pipeline import generate  # here: see _generation_error

    started = time.perf_counter()
    reporter = reporter or _reporter(arguments, target)
    outcome = generate(target, templates, check=arguments.check, reporter=reporter, cache=cache)
    shown = _shown(outcome.target)
    if arguments.check and outcome.differences:
        _report_differences(reporter, outcome)
        reporter.line(f"{shown} is out of date; to update it, run: {_regenerate(arguments)}")
        return FINDINGS
    if not arguments.quiet:
        watching = arguments.watch
        timing = (
            f" in {time.perf_counter() - started:.2f}s" if arguments.verbose or watching else ""
        )
        changed = _changed_files(outcome) if watching else ""
        reporter.line(f"{shown}: {_summary(outcome, arguments.check)}{timing}{changed}")
    return OK


def _reporter(
    arguments: argparse.Namespace, target: Target, kind: type[ConsoleReporter] = ConsoleReporter
) -> ConsoleReporter:
    return kind(
        sys.stderr,
        str(_shown(target.out / target.package)),
        verbose=arguments.verbose,
        live=not arguments.quiet and _is_terminal(sys.stderr),
    )


def _cache(arguments: argparse.Namespace) -> Cache:
    if arguments.no_cache:
        return Cache.off()
    return Cache(arguments.cache_dir or default_folder(), default_max_bytes())


def _watch(
    arguments: argparse.Namespace, targets: list[Target], templates: tuple[Path, ...]
) -> int:
    """Generate every target, then each again whenever one of its files is saved, until Ctrl-C.
    A spec saved half-way, or broken, is one error line; the watch goes on."""
    # Ctrl-C is how a watch ends, even where it was started with SIGINT ignored (as a shell
    # starts a job in the background, and Python then leaves it ignored).
    signal.signal(signal.SIGINT, _STOP.on_ctrl_c)
    reporters = [_reporter(arguments, target, _WarningsOnce) for target in targets]
    seen: dict[int, _Stamps] = {}  # by the target's index
    try:
        due = list(range(len(targets)))
        while True:
            for index in due:
                # Looked at before the run: a save during it makes another.
                seen[index] = _stamps(_watched_files(targets[index], templates))
                _generate_watched(arguments, targets[index], templates, reporters[index])
            due = _wait_for_change(seen)
    except KeyboardInterrupt:
        print("stopped watching", file=sys.stderr)
        return OK


def _generate_watched(
    arguments: argparse.Namespace,
    target: Target,
    templates: tuple[Path, ...],
    reporter: ConsoleReporter,
) -> None:
    """A run of a watch: what `main` reports of a failure, reported, and the watch goes on."""
    with _cache(arguments) as cache:
        try:
            _generate_one(arguments, target, templates, cache, reporter)
        except (SpecError, UsageError) as error:
            _fail(str(error))
        except Exception as error:  # a template's error, black's, or a bug of ours
            _fail(
                _generation_error(error)
                or f"internal error (please report it): {type(error).__name__}: {error}"
            )


_Stamps = dict[Path, tuple[int, int, int] | None]


class _StopRequest:
    """Ctrl-C during a watch. The handler raises KeyboardInterrupt to cut a run short, and also
    remembers it: where that exception is raised inside code that swallows it (a finalizer, a
    callback of a C library), the watch still ends at its next look at the files."""

    def __init__(self) -> None:
        self.requested = False

    def on_ctrl_c(self, signum: int, frame: object) -> None:
        self.requested = True
        raise KeyboardInterrupt

    def check(self) -> None:
        if self.requested:
            raise KeyboardInterrupt


_STOP = _StopRequest()


def _wait_for_change(seen: dict[int, _Stamps]) -> list[int]:
    """The targets some of whose files changed since `seen`, once the files have settled (an
    editor may save in more than one write)."""
    while True:
        _STOP.check()
        time.sleep(WATCH_INTERVAL)
        _STOP.check()
        changed = {index: _stamps(stamps) for index, stamps in seen.items()}
        changed = {index: now for index, now in changed.items() if now != seen[index]}
        if changed:
            time.sleep(WATCH_INTERVAL)
            if all(_stamps(now) == now for now in changed.values()):
                return sorted(changed)


def _watched_files(target: Target, templates: tuple[Path, ...]) -> list[Path]:
    """The spec, the files it bundled in its last generation, and the override templates."""
    bundled = recorded_spec_files(target.out / target.package) or []
    files = [target.spec, *(target.spec.parent / name for name in bundled)]
    return files + [path for folder in templates for path in sorted(folder.rglob("*.jinja"))]


def _stamps(files: Iterable[Path]) -> _Stamps:
    """Each file's time, size and inode (None when it is not there): what a save changes."""
    stamps: _Stamps = {}
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            stamps[path] = None
            continue
        stamps[path] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    return stamps


class _WarningsOnce(ConsoleReporter):
    """The console reporter of a watch: a warning is shown once, not again on every save."""

    def __init__(self, stream: TextIO, label: str, *, verbose: bool, live: bool) -> None:
        super().__init__(stream, label, verbose=verbose, live=live)
        self._shown: set[str] = set()

    def warning(self, text: str) -> None:
        if text not in self._shown:
            self._shown.add(text)
            super().warning(text)


def _changed_files(outcome: Outcome) -> str:
    """For a watch's line: which files a run changed (a few by name)."""
    names = [difference.name for difference in outcome.differences if difference.name != MANIFEST]
    if not names or len(names) == len(outcome.files) - 1:  # none, or a new package
        return ""
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    return f": {shown}"


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


def _diff(arguments: argparse.Namespace) -> int:
    """Compare two specs (each a file, or REV:PATH read from git) and report every change, whom it
    breaks (the API's clients, servers implementing the handler) and how badly, on the wire and
    in the generated package. Exit 1 on changes at or above --fail-on for --audience."""
    # Here, not at the top: lint need not load the analysis and the renderer it brings.
    from generator.diff import AUDIENCES, DiffOptions, Level, diff_specs, open_side, target_for
    from generator.diff.report import render_diff

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
