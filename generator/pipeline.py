"""The whole of `generate`: load -> analyse -> render (templates) + models -> format -> write.

Each stage lives in its own module; this one only strings them together, tells a reporter
(progress.py) where it is, and decides which files make up the generated package.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from generator.analyse import analyse
from generator.cache import Cache, key, package_identity
from generator.collector import collector_spared
from generator.config import PARTS, ModelOptions, Target
from generator.emit import Difference, differences, header, stamped, write_package
from generator.errors import SpecError, UsageError
from generator.format import Formatter, without_unused_imports
from generator.ir import Api, Resource
from generator.kept_modules import KeptModules, kept_namespace
from generator.load import Spec, load_spec
from generator.manifest import (
    MANIFEST,
    code_digest,
    fingerprint,
    is_fresh,
    manifest_text,
    recorded_spec_files,
    recorded_warnings,
)
from generator.models import models_document, models_source
from generator.progress import NullReporter, Reporter
from generator.refusals import refusals
from generator.render import (
    StoredBytecode,
    check_template_dirs,
    environment,
    for_api,
    overriding_nothing,
    render,
)
from generator.runtime import MODULES as RUNTIME_MODULES
from generator.runtime import source as runtime_source
from generator.tolerate import tolerate, unmodellable_keywords

# The parts a package is made of besides its models (config.PARTS) are each a folder of
# templates, `templates/<part>/<module>.py.jinja` becoming `<module>.py` in the package, and the
# part's runtime modules (generator/runtime, runtime.MODULES), copied as they are.

REQUIREMENTS: dict[str, Any] = {
    # typing-extensions: the runtime's `Self` on Python 3.10 (pydantic needs it too).
    "base": ["pydantic>=2.12,<3", "typing-extensions>=4.6"],
    # What the models need besides, when they need it: `regex` checks the patterns that
    # pydantic's own engine cannot run (look-around, back-references; see patterns.py).
    "patterns": ["regex>=2022.1.18"],
    "extras": {
        "client": ["httpx>=0.27,<1"],
        "server": ["fastapi>=0.115", "uvicorn>=0.30"],
        # The contract suite (contract_tests.py): it also needs the client and server extras.
        "tests": ["pytest>=8", "hypothesis>=6.100"],
    },
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
    cache: Cache | None = None,
) -> Outcome:
    """Generate the package `config` describes into `config.out/<package>`; with `check`, only
    report what differs. `template_dirs` hold templates that replace built-in ones by name;
    `reporter` hears of every stage as it runs, and of every warning as soon as it is found;
    `cache` keeps finished work for the next run (none by default: see cache.py)."""
    reporter = reporter or NullReporter()
    cache = cache or Cache.off()
    check_package_name(config.package)
    check_out_folder(config.out)
    check_template_dirs(template_dirs)
    target = config.out / config.package
    _check_cache_outside(cache, target)
    digest = config.output_digest(template_dirs)
    recorded = _unchanged(config.spec, target, digest, config.package)
    if recorded is not None:
        # The warnings are the spec's, not the write's: a CI job that finds the package up to
        # date still sees them.
        _report(reporter, recorded)
        return Outcome(target, {}, [], recorded)
    parts = tuple(part for part in PARTS if part in config.parts)
    _check_no_template_replaces_runtime(
        part_modules(environment(template_dirs), parts), runtime_modules(parts)
    )
    with collector_spared() as spare:
        with reporter.stage("load"):
            spec = load_spec(config.spec)
            spare()
            check_generable(spec)
            tolerated = tolerate(spec)
            template_warnings = tuple(overriding_nothing(template_dirs))
            _report(reporter, tolerated.warnings + template_warnings)
        with reporter.stage("analyse"):
            api = analyse(spec, config, digest)
            spare()
            unmodellable = unmodellable_keywords(spec, [model.pointer for model in api.models])
            _report(reporter, api.warnings + unmodellable.warnings)
        warnings = tolerated.warnings + template_warnings + api.warnings + unmodellable.warnings
        dropped = tolerated.dropped_defaults | unmodellable.dropped_defaults
        files = build_files(spec, api, config, template_dirs, dropped, reporter, cache)
        with reporter.stage("check" if check else "write"):
            spec_files = _spec_files(config.spec, sorted(spec.bundled_sources))
            assert spec_files is not None  # just read by load_spec
            files[MANIFEST] = manifest_text(
                fingerprint(spec_files, digest, config.package),
                files,
                sorted(spec.bundled_sources),
                warnings,
            )
            # The manifest records how the files were made, not what they are: when only it differs
            # (the generator changed in a way that changes no output), the package is fresh, and a
            # generate refreshes the manifest so that the next run takes the fast path again.
            found = [
                difference
                for difference in differences(files, target)
                if difference.name != MANIFEST
            ]
            if not check and (
                found or differences({MANIFEST: files[MANIFEST]}, target, only_listed=True)
            ):
                _write(files, target)
        return Outcome(target, files, found, warnings)


def check_generable(spec: Spec) -> None:
    """Raise on the first fault that makes a faithful package impossible (lint reports each as
    an error at the same place: see `refusals`)."""
    for _, pointer, message in refusals(spec):
        raise SpecError(message, spec.locate(pointer))


def _write(files: dict[str, str], target: Path) -> None:
    try:
        write_package(files, target)
    except OSError as error:
        where = error.filename or target
        raise UsageError(f"cannot write {where}: {error.strerror or error}") from None


def _report(reporter: Reporter, warnings: tuple[str, ...]) -> None:
    for warning in warnings:
        reporter.warning(warning)


def _unchanged(spec_path: Path, target: Path, digest: str, package: str) -> tuple[str, ...] | None:
    """The fast path: when the manifest says these very inputs made the package, and it is
    untouched, the warnings that generation gave; None when the package must be made."""
    bundled = recorded_spec_files(target)
    spec_files = _spec_files(spec_path, bundled) if bundled is not None else None
    if spec_files is None or not is_fresh(target, fingerprint(spec_files, digest, package)):
        return None
    return recorded_warnings(target)


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
    cache: Cache | None = None,
) -> dict[str, str]:
    """Every file of the package, finished (stamped, formatted, parsed), by relative path.
    What `cache` holds is not made again: compiled templates, formatted units, the models."""
    reporter = reporter or NullReporter()
    cache = cache or Cache.off()
    env = for_api(environment(template_dirs, _template_bytecode(cache)), api.shadowed_builtins)
    parts = tuple(part for part in PARTS if part in config.parts)
    modules = part_modules(env, parts)
    runtime = runtime_modules(parts)
    requirements = {
        "base": REQUIREMENTS["base"],
        "extras": {part: needs for part, needs in REQUIREMENTS["extras"].items() if part in parts},
    }
    context = {"api": api, "modules": sorted([*modules, *runtime]), "requirements": requirements}
    # Runtime modules are kept black-formatted as source (tests/runtime/test_sources.py).
    files = {name: stamped(runtime_source(name), api.stamp) for name in runtime}
    kept = KeptModules(
        cache if not template_dirs else Cache.off(),  # the user's templates may read anything
        kept_namespace(code_digest(), config.output_digest(), api.shadowed_builtins),
        header(api.stamp),
    )
    with Formatter(progress=reporter.advance, cache=cache) as formatter:
        with reporter.stage("render"):
            # Templates first: on a big spec, black formats them while the models are written.
            for name, template in modules.items():
                module = render_module(env, template, context, cache)
                formatter.add(name, stamped(module, api.stamp))
            if "client" in parts:
                finished = kept.found({_resource_file(r): r for r in api.resources})
                files.update(finished)
                made = resource_modules(
                    env, api, context, cache, skip=finished, alone=not template_dirs
                )
                for name, text in made.items():
                    formatter.add(name, stamped(text, api.stamp))
            package = render_module(env, "package/__init__.py.jinja", context, cache)
            formatter.add("__init__.py", stamped(package, api.stamp))
        with reporter.stage("models"):
            # While datamodel-code-generator runs here, the workers format what is handed in.
            models = _models(spec, api, config.models, drop_defaults, cache, formatter.busy)
            formatter.add("models.py", stamped(models, api.stamp))
        if uses_regex(models):
            requirements["base"] = [*requirements["base"], *REQUIREMENTS["patterns"]]
        files.update(_data_files(spec, api, env, context))
        with reporter.stage("format"):
            formatted = formatter.results()
            kept.keep(formatted)
            files.update(formatted)
    return dict(sorted(files.items()))


def _models(
    spec: Spec,
    api: Api,
    profile: ModelOptions,
    drop_defaults: frozenset[str],
    cache: Cache,
    before_making: Callable[[], None],
) -> str:
    """models.py's source; taken from the cache when the document datamodel-code-generator would
    be handed is one it was handed before (by this installation of it, and this code). Where
    datamodel-code-generator must make it (there are schemas), `before_making` is called first."""
    document = models_document(spec, api, profile, drop_defaults)

    def made() -> str:
        if api.models:
            before_making()
        return models_source(document, api, profile)

    if not cache.enabled:
        return made()
    entry = key(
        "models",
        code_digest(),
        package_identity("datamodel_code_generator"),
        repr(profile),
        json.dumps(document, ensure_ascii=False, default=repr),
    )
    return cache.text(entry, made)


def _template_bytecode(cache: Cache) -> StoredBytecode | None:
    """Compiled templates kept in the cache (what decides them is the generator's own code)."""
    if not cache.enabled:
        return None
    return StoredBytecode(
        lambda entry: cache.get(key("template", entry)),
        lambda entry, code: cache.put(key("template", entry), code),
        code_digest(),
    )


def _check_cache_outside(cache: Cache, target: Path) -> None:
    """A cache inside the package folder would be replaced with the package."""
    if cache.folder is not None and cache.folder.resolve().is_relative_to(target.resolve()):
        raise UsageError(
            f"the cache folder {cache.folder} is inside the package folder {target}:"
            " choose another (--cache-dir, or SPECSMITH_CACHE_DIR)"
        )


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


RESOURCE_TEMPLATE = "client/resources/resource.py.jinja"
RESOURCES_PACKAGE = "client/resources/__init__.py.jinja"


def resource_modules(
    env: jinja2.Environment,
    api: Api,
    context: dict[str, Any],
    cache: Cache | None = None,
    *,
    skip: Collection[str] = (),
    alone: bool = True,
) -> dict[str, str]:
    """The client's `resources/` package: one module per resource, loaded on first use (but
    those named in `skip`). With `alone`, as for the built-in templates, a resource's module is
    made from its resource alone, which is what lets kept_modules.py keep it."""
    modules = {"resources/__init__.py": render_module(env, RESOURCES_PACKAGE, context, cache)}
    for resource in api.resources:
        name = _resource_file(resource)
        if name not in skip:
            given = {"resource": resource} if alone else {**context, "resource": resource}
            modules[name] = render_module(env, RESOURCE_TEMPLATE, given, cache)
    return modules


def _resource_file(resource: Resource) -> str:
    return f"resources/{resource.module}.py"


def render_module(
    env: jinja2.Environment, template: str, context: dict[str, Any], cache: Cache | None = None
) -> str:
    """A Python module from its template, importing only what it uses."""
    return without_unused_imports(render(env, template, **context), cache)


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


# Top-level modules a generated package imports, directly or through what it declares: a
# package of one of these names would hide the real one from itself and from everything else.
DEPENDENCY_MODULES = frozenset(
    {
        "pydantic", "pydantic_core", "typing_extensions", "annotated_types", "typing_inspection",
        "httpx", "httpcore", "anyio", "sniffio", "h11", "idna", "certifi",
        "fastapi", "starlette", "uvicorn", "click", "annotated_doc",
    }
)  # fmt: skip
MAX_PACKAGE_NAME = 100  # the write stages the package beside itself under a longer name


def check_package_name(package: str) -> None:
    if not package.isidentifier() or keyword.iskeyword(package) or not package.isascii():
        raise UsageError(f"--package {package!r} is not a Python package name (letters, digits, _)")
    if len(package) > MAX_PACKAGE_NAME:
        raise UsageError(
            f"--package is {len(package)} characters long; at most {MAX_PACKAGE_NAME} are allowed"
        )
    if package in sys.stdlib_module_names:
        raise UsageError(
            f"--package {package!r} is a module of the standard library: the package would hide"
            " it from every import; choose another name"
        )
    if package in DEPENDENCY_MODULES:
        raise UsageError(
            f"--package {package!r} is a module the generated package depends on: the package"
            " would hide it from its own imports; choose another name"
        )


def check_out_folder(out: Path) -> None:
    """`--out` is a folder, or nothing yet: not a file, nor under one."""
    for folder in (out, *out.parents):
        if folder.exists():
            if not folder.is_dir():
                raise UsageError(f"--out {out} is not a folder: {folder} is a file")
            return


def _distribution_version(version: str) -> str:
    """The spec's version when it is a plain release number pip accepts, else 0.0.0."""
    return version if re.fullmatch(r"\d+(\.\d+){0,3}", version) else "0.0.0"
