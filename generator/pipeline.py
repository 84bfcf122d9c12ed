"""The whole of `generate`: load -> analyse -> render (models + templates) -> emit.

Each stage lives in its own module; this one only strings them together and decides which files
make up the generated package.
"""

from __future__ import annotations

import json
import keyword
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from generator.analyse import analyse, check_unique_operation_ids
from generator.emit import finish, stale_files, write_package
from generator.errors import UsageError
from generator.ir import Api
from generator.load import Spec, load_spec
from generator.models import FaithfulJson, render_models
from generator.refs import check_references
from generator.render import environment, render

# The parts a package is made of besides its models. Each is a folder of templates:
# `templates/<part>/<module>.py.jinja` becomes `<module>.py` in the package.
PARTS = ("client", "server")

REQUIREMENTS = {
    "base": ["pydantic>=2.12,<3"],
    "extras": {"client": ["httpx>=0.27,<1"], "server": ["fastapi>=0.115", "uvicorn>=0.30"]},
}


@dataclass(frozen=True)
class Options:
    package: str
    template_dirs: tuple[Path, ...] = ()
    profile: FaithfulJson = field(default_factory=FaithfulJson)


@dataclass(frozen=True)
class Outcome:
    target: Path
    files: dict[str, str]
    stale: list[str]
    warnings: tuple[str, ...]


def generate(spec_path: Path, out_dir: Path, options: Options, *, check: bool = False) -> Outcome:
    """Generate the package into `out_dir/<package>`; with `check`, only report what is stale."""
    check_package_name(options.package)
    spec = load_spec(spec_path)
    check_references(spec)
    check_unique_operation_ids(spec)
    api = analyse(spec, options.package)
    files = build_files(spec, api, options)
    target = out_dir / options.package
    stale = stale_files(files, target)
    if not check and stale:
        write_package(files, target)
    return Outcome(target, files, stale, api.warnings)


def build_files(spec: Spec, api: Api, options: Options) -> dict[str, str]:
    """Every file of the package, finished (stamped, formatted, parsed), by relative path."""
    env = environment(options.template_dirs)
    modules = part_modules(env, PARTS)
    context = {"api": api, "modules": sorted(modules), "requirements": REQUIREMENTS}
    files = {
        "__init__.py": render(env, "package/__init__.py.jinja", **context),
        "models.py": render_models(spec, api, options.profile),
        "pyproject.toml": render(
            env,
            "package/pyproject.toml.jinja",
            distribution=api.package.replace("_", "-"),
            version=_distribution_version(api.version),
            **context,
        ),
        "py.typed": "",
        # The server serves the spec as written, and the mock handler answers from its examples.
        "openapi.json": json.dumps(spec.document, indent=1, ensure_ascii=False) + "\n",
    }
    for name, template in modules.items():
        files[name] = render(env, template, **context)
    return finish(files, api.stamp)


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
