"""The whole of `generate`: load -> analyse -> render (templates) + models -> format -> write.

Each stage lives in its own module; this one only strings them together, tells a reporter
(progress.py) where it is, and decides which files make up the generated package.
"""

from __future__ import annotations

import json
import keyword
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from generator.analyse import analyse, check_unique_operation_ids
from generator.config import PARTS, Target
from generator.emit import Difference, differences, stamped, write_package
from generator.errors import UsageError
from generator.format import Formatter
from generator.imports import drop_unused_imports
from generator.ir import Api
from generator.load import Spec, load_spec
from generator.manifest import MANIFEST, fingerprint, is_fresh, manifest_text, recorded_spec_files
from generator.models import render_models
from generator.progress import NullReporter, Reporter
from generator.refs import check_references
from generator.render import check_template_dirs, environment, overriding_nothing, render
from generator.runtime import MODULES as RUNTIME_MODULES
from generator.runtime import source as runtime_source
from generator.tolerate import tolerate

# The parts a package is made of besides its models (config.PARTS) are each a folder of
# templates, `templates/<part>/<module>.py.jinja` becoming `<module>.py` in the package, and the
# part's runtime modules (generator/runtime, runtime.MODULES), copied as they are.

REQUIREMENTS: dict[str, Any] = {
    # typing-extensions: the runtime's `Self` on Python 3.10 (pydantic needs it too).
    "base": ["pydantic>=2.12,<3", "typing-extensions>=4.6"],
    # What the models need besides, when they need it: `regex` checks the patterns that
    # pydantic's own engine cannot run (look-around, back-references; see patterns.py).
    "patterns": ["regex>=2022.1.18"],
    "extras": {"client": ["httpx>=0.27,<1"], "server": ["fastapi>=0.115", "uvicorn>=0.30"]},
}


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
    config: Target,
    template_dirs: tuple[Path, ...] = (),
    *,
    check: bool = False,
    reporter: Reporter | None = None,
) -> Outcome:
    """Generate the package `config` describes into `config.out/<package>`; with `check`, only
    report what differs. `template_dirs` hold templates that replace built-in ones by name;
    `reporter` hears of every stage as it runs, and of every warning as soon as it is found."""
    reporter = reporter or NullReporter()
    check_package_name(config.package)
    check_template_dirs(template_dirs)
    parts = tuple(part for part in PARTS if part in config.parts)
    _check_no_template_replaces_runtime(
        part_modules(environment(template_dirs), parts), runtime_modules(parts)
    )
    target = config.out / config.package
    digest = config.output_digest(template_dirs)
    if _unchanged(config.spec, target, digest, config.package):
        return Outcome(target, {}, [], ())
    with reporter.stage("load"):
        spec = load_spec(config.spec)
        check_references(spec)
        check_unique_operation_ids(spec)
        tolerated = tolerate(spec)
        template_warnings = tuple(overriding_nothing(template_dirs))
        _report(reporter, tolerated.warnings + template_warnings)
    with reporter.stage("analyse"):
        api = analyse(spec, config, digest)
        _report(reporter, api.warnings)
    files = build_files(spec, api, config, template_dirs, tolerated.dropped_defaults, reporter)
    with reporter.stage("check" if check else "write"):
        spec_files = _spec_files(config.spec, sorted(spec.bundled_sources))
        assert spec_files is not None  # just read by load_spec
        files[MANIFEST] = manifest_text(
            fingerprint(spec_files, digest, config.package), files, sorted(spec.bundled_sources)
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
    return Outcome(target, files, found, tolerated.warnings + template_warnings + api.warnings)


def _report(reporter: Reporter, warnings: tuple[str, ...]) -> None:
    for warning in warnings:
        reporter.warning(warning)


def _unchanged(spec_path: Path, target: Path, digest: str, package: str) -> bool:
    """The fast path: the manifest says these very inputs made the package, and it is untouched."""
    bundled = recorded_spec_files(target)
    spec_files = _spec_files(spec_path, bundled) if bundled is not None else None
    return spec_files is not None and is_fresh(target, fingerprint(spec_files, digest, package))


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
    config: Target,
    template_dirs: tuple[Path, ...] = (),
    drop_defaults: frozenset[str] = frozenset(),
    reporter: Reporter | None = None,
) -> dict[str, str]:
    """Every file of the package, finished (stamped, formatted, parsed), by relative path."""
    reporter = reporter or NullReporter()
    env = environment(template_dirs)
    parts = tuple(part for part in PARTS if part in config.parts)
    modules = part_modules(env, parts)
    runtime = runtime_modules(parts)
    requirements = {
        "base": REQUIREMENTS["base"],
        "extras": {part: needs for part, needs in REQUIREMENTS["extras"].items() if part in parts},
    }
    context = {"api": api, "modules": sorted([*modules, *runtime]), "requirements": requirements}
    with Formatter(progress=reporter.advance) as formatter:
        with reporter.stage("render"):
            # Templates first: on a big spec, black formats them while the models are written.
            for name, template in modules.items():
                formatter.add(name, stamped(render_module(env, template, context), api.stamp))
            formatter.add(
                "__init__.py",
                stamped(render_module(env, "package/__init__.py.jinja", context), api.stamp),
            )
            # Runtime modules are kept black-formatted as source (tests/runtime/test_sources.py).
            files = {name: stamped(runtime_source(name), api.stamp) for name in runtime}
        with reporter.stage("models"):
            models = render_models(spec, api, config.models, drop_defaults)
            formatter.add("models.py", stamped(models, api.stamp))
        if uses_regex(models):
            requirements["base"] = [*requirements["base"], *REQUIREMENTS["patterns"]]
        files.update(_data_files(spec, api, env, context))
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


def render_module(env: jinja2.Environment, template: str, context: dict[str, Any]) -> str:
    """A Python module from its template, importing only what it uses."""
    return drop_unused_imports(render(env, template, **context))


def part_modules(env: jinja2.Environment, parts: tuple[str, ...]) -> dict[str, str]:
    """Output file name -> template name, for every template of the given parts."""
    modules: dict[str, str] = {}
    for template in env.list_templates(extensions=["jinja"]):
        part, _, name = template.partition("/")
        if part in parts and "/" not in name and name.endswith(".py.jinja"):  # others are macros
            modules[name.removesuffix(".jinja")] = template
    return modules


def runtime_modules(parts: tuple[str, ...]) -> list[str]:
    """The runtime modules the given parts copy into the package, by file name: the models'
    always, since every package has models."""
    return [name for part in ("models", *parts) for name in RUNTIME_MODULES.get(part, ())]


def uses_regex(models: str) -> bool:
    """Whether the models check a pattern with the `regex` package (and so depend on it)."""
    return "EcmaPattern(" in models


def _check_no_template_replaces_runtime(modules: dict[str, str], runtime: list[str]) -> None:
    for name in runtime:
        if name in modules:
            raise UsageError(
                f"template {modules[name]} would replace the runtime module {name}, which is"
                " code, not a template (generator/runtime): remove it from the templates folder"
            )


def check_package_name(package: str) -> None:
    if not package.isidentifier() or keyword.iskeyword(package) or not package.isascii():
        raise UsageError(f"--package {package!r} is not a Python package name (letters, digits, _)")


def _distribution_version(version: str) -> str:
    """The spec's version when it is a plain release number pip accepts, else 0.0.0."""
    return version if re.fullmatch(r"\d+(\.\d+){0,3}", version) else "0.0.0"
