"""The whole of `generate`: load -> analyse -> render (templates) + models -> format -> write.

Each stage lives in its own module; this one only strings them together, tells a reporter
(progress.py) where it is, and decides which files make up the generated package.
"""

from __future__ import annotations

import json
import keyword
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from generator.analyse import ClientOverrides, Selection, analyse, check_unique_operation_ids
from generator.config import PARTS, Target
from generator.emit import Difference, differences, stamped, write_package
from generator.errors import UsageError
from generator.format import Formatter
from generator.ir import Api
from generator.load import Spec, load_spec
from generator.manifest import MANIFEST, fingerprint, is_fresh, manifest_text, recorded_spec_files
from generator.models import FaithfulJson, render_models
from generator.progress import NullReporter, Reporter
from generator.refs import check_references
from generator.render import environment, render
from generator.tolerate import tolerate

# The parts a package is made of besides its models (config.PARTS) are each a folder of
# templates: `templates/<part>/<module>.py.jinja` becomes `<module>.py` in the package.

REQUIREMENTS: dict[str, Any] = {
    "base": ["pydantic>=2.12,<3"],
    "extras": {"client": ["httpx>=0.27,<1"], "server": ["fastapi>=0.115", "uvicorn>=0.30"]},
}


@dataclass(frozen=True)
class Options:
    """Everything besides the spec that decides the output."""

    package: str
    template_dirs: tuple[Path, ...] = ()
    profile: FaithfulJson = field(default_factory=FaithfulJson)
    parts: tuple[str, ...] = PARTS
    selection: Selection = field(default_factory=Selection)
    client: ClientOverrides = field(default_factory=ClientOverrides)
    stream_terminators: tuple[tuple[str, str], ...] = ()  # (operationId, terminator)
    digest: str = ""  # sha256 of the output-changing options, stamped in every header

    @classmethod
    def from_target(cls, target: Target, template_dirs: tuple[Path, ...]) -> Options:
        return cls(
            package=target.package,
            template_dirs=template_dirs,
            profile=FaithfulJson(
                keep_unknown_fields=target.get("models.keep_unknown_fields"),
                keep_integers=target.get("models.keep_integers"),
            ),
            parts=tuple(part for part in PARTS if part in target.get("parts")),
            selection=Selection(
                include_tags=frozenset(target.get("include_tags")),
                exclude_tags=frozenset(target.get("exclude_tags")),
                include_operations=frozenset(target.get("include_operations")),
                exclude_operations=frozenset(target.get("exclude_operations")),
            ),
            client=ClientOverrides(
                base_url=target.get("client.base_url"),
                base_url_env=target.get("client.base_url_env"),
                token_env=target.get("client.token_env"),
                timeout=target.get("client.timeout"),
                max_retries=target.get("client.max_retries"),
            ),
            stream_terminators=tuple(sorted(target.get("stream_terminators").items())),
            digest=target.output_digest(template_dirs),
        )


@dataclass(frozen=True)
class Outcome:
    target: Path
    files: dict[str, str]  # what the package is made of; empty when the fast path answered
    differences: list[Difference]  # how the folder differed from it (before a write)
    warnings: tuple[str, ...]

    @property
    def stale(self) -> list[str]:
        """The names of the files that differed: stale, missing or stray."""
        return [difference.name for difference in self.differences]


def generate(
    spec_path: Path,
    out_dir: Path,
    options: Options,
    *,
    check: bool = False,
    reporter: Reporter | None = None,
) -> Outcome:
    """Generate the package into `out_dir/<package>`; with `check`, only report what differs.
    `reporter` hears of every stage as it runs, and of every warning as soon as it is found."""
    reporter = reporter or NullReporter()
    check_package_name(options.package)
    target = out_dir / options.package
    if _unchanged(spec_path, target, options):
        return Outcome(target, {}, [], ())
    with reporter.stage("load"):
        spec = load_spec(spec_path)
        check_references(spec)
        check_unique_operation_ids(spec)
        tolerated = tolerate(spec)
        _report(reporter, tolerated.warnings)
    with reporter.stage("analyse"):
        api = analyse(
            spec,
            options.package,
            options.selection,
            options.client,
            options.digest,
            dict(options.stream_terminators),
        )
        _report(reporter, api.warnings)
    files = build_files(spec, api, options, tolerated.dropped_defaults, reporter)
    with reporter.stage("check" if check else "write"):
        spec_files = _spec_files(spec_path, sorted(spec.bundled_sources))
        assert spec_files is not None  # just read by load_spec
        files[MANIFEST] = manifest_text(
            fingerprint(spec_files, options.digest, options.package),
            files,
            sorted(spec.bundled_sources),
        )
        # The manifest records how the files were made, not what they are: when only it differs
        # (the generator changed in a way that changes no output), the package is fresh, and a
        # generate refreshes the manifest so that the next run takes the fast path again.
        found = [
            difference for difference in differences(files, target) if difference.name != MANIFEST
        ]
        if not check and (
            found or differences({MANIFEST: files[MANIFEST]}, target, only_listed=True)
        ):
            write_package(files, target)
    return Outcome(target, files, found, tolerated.warnings + api.warnings)


def _report(reporter: Reporter, warnings: tuple[str, ...]) -> None:
    for warning in warnings:
        reporter.warning(warning)


def _unchanged(spec_path: Path, target: Path, options: Options) -> bool:
    """The fast path: the manifest says these very inputs made the package, and it is untouched."""
    bundled = recorded_spec_files(target)
    spec_files = _spec_files(spec_path, bundled) if bundled is not None else None
    return spec_files is not None and is_fresh(
        target, fingerprint(spec_files, options.digest, options.package)
    )


def _spec_files(spec_path: Path, bundled: list[str]) -> dict[str, bytes] | None:
    """The bytes of the spec and of the files it bundles (keyed "" and by relative name)."""
    try:
        files = {"": spec_path.read_bytes()}
        files.update({name: (spec_path.parent / name).read_bytes() for name in bundled})
    except OSError:
        return None
    return files


def build_files(
    spec: Spec,
    api: Api,
    options: Options,
    drop_defaults: frozenset[str] = frozenset(),
    reporter: Reporter | None = None,
) -> dict[str, str]:
    """Every file of the package, finished (stamped, formatted, parsed), by relative path."""
    reporter = reporter or NullReporter()
    env = environment(options.template_dirs)
    modules = part_modules(env, options.parts)
    requirements = {
        "base": REQUIREMENTS["base"],
        "extras": {
            part: needs for part, needs in REQUIREMENTS["extras"].items() if part in options.parts
        },
    }
    context = {"api": api, "modules": sorted(modules), "requirements": requirements}
    with Formatter(progress=reporter.advance) as formatter:
        with reporter.stage("render"):
            # Templates first: on a big spec, black formats them while the models are written.
            for name, template in modules.items():
                formatter.add(name, stamped(render(env, template, **context), api.stamp))
            formatter.add(
                "__init__.py",
                stamped(render(env, "package/__init__.py.jinja", **context), api.stamp),
            )
            files = _data_files(spec, api, env, context)
        with reporter.stage("models"):
            models = render_models(spec, api, options.profile, drop_defaults)
            formatter.add("models.py", stamped(models, api.stamp))
        with reporter.stage("format"):
            files.update(formatter.results())
    return dict(sorted(files.items()))


def _data_files(
    spec: Spec, api: Api, env: jinja2.Environment, context: dict[str, Any]
) -> dict[str, str]:
    """The package's files that are not Python modules, and need no formatting."""
    pyproject = render(
        env,
        "package/pyproject.toml.jinja",
        distribution=api.package.replace("_", "-"),
        version=_distribution_version(api.version),
        **context,
    )
    return {
        "pyproject.toml": stamped(pyproject, api.stamp),
        "py.typed": "",
        # The server serves the spec as written, and the mock handler answers from its examples.
        "openapi.json": json.dumps(spec.document, indent=1, ensure_ascii=False) + "\n",
    }


def part_modules(env: jinja2.Environment, parts: tuple[str, ...]) -> dict[str, str]:
    """Output file name -> template name, for every template of the given parts."""
    modules: dict[str, str] = {}
    for template in env.list_templates(extensions=["jinja"]):
        part, _, name = template.partition("/")
        if part in parts and "/" not in name and name.endswith(".py.jinja"):  # others are macros
            modules[name.removesuffix(".jinja")] = template
    return modules


def check_package_name(package: str) -> None:
    if not package.isidentifier() or keyword.iskeyword(package) or not package.isascii():
        raise UsageError(f"--package {package!r} is not a Python package name (letters, digits, _)")


def _distribution_version(version: str) -> str:
    """The spec's version when it is a plain release number pip accepts, else 0.0.0."""
    return version if re.fullmatch(r"\d+(\.\d+){0,3}", version) else "0.0.0"
