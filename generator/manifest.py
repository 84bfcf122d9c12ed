"""What a generated package was made from, and what was written: the fast path of generate/--check.

`.specsmith-manifest.json` in the package records a fingerprint of every input (the spec files'
bytes, the options, the generator's own code and templates) and the sha256 of every file written.
When the fingerprint still matches and every file still has its recorded hash, nothing needs
generating: the answer takes milliseconds instead of the pipeline's seconds, and a hand edit to
any generated file is still noticed, since the files themselves are hashed, not only the inputs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

from generator import __version__

MANIFEST = ".specsmith-manifest.json"
_GENERATOR = Path(__file__).resolve().parent


def fingerprint(spec_files: Mapping[str, bytes], options_digest: str, package: str) -> str:
    """The inputs of a generation: spec files, options (template overrides included, see
    config.Target.output_digest), the package's name (which the code spells out: a copy under
    another name is not fresh), and the generator's own code and templates."""
    inputs = f"{__version__}\0{options_digest}\0{package}\0{code_digest()}"
    digest = hashlib.sha256(inputs.encode())
    for name in sorted(spec_files):
        digest.update(b"\0" + name.encode() + b"\0" + hashlib.sha256(spec_files[name]).digest())
    return digest.hexdigest()


def manifest_text(
    print_: str, files: Mapping[str, str], spec_files: list[str], warnings: Sequence[str] = ()
) -> str:
    """The manifest for `files` (written with them, so it is as atomic as they are), with the
    warnings generation gave, which the fast path prints again."""
    hashes = {
        name: hashlib.sha256(text.encode()).hexdigest() for name, text in sorted(files.items())
    }
    manifest = {
        "fingerprint": print_,
        "spec_files": spec_files,
        "files": hashes,
        "warnings": list(warnings),
    }
    return json.dumps(manifest, indent=1, ensure_ascii=False) + "\n"


def recorded_warnings(target: Path) -> tuple[str, ...]:
    """The warnings the generation that made the package gave."""
    warnings = (_read(target) or {}).get("warnings")
    return tuple(str(line) for line in warnings) if isinstance(warnings, list) else ()


def recorded_spec_files(target: Path) -> list[str] | None:
    """The spec files (relative to the root spec's folder) the last generation read, if known."""
    manifest = _read(target)
    files = manifest.get("spec_files") if manifest else None
    return [str(name) for name in files] if isinstance(files, list) else None


def is_fresh(target: Path, print_: str) -> bool:
    """True when the package was made from these inputs and no file of it has changed since."""
    manifest = _read(target) or {}
    files = manifest.get("files")
    if manifest.get("fingerprint") != print_ or not isinstance(files, dict):
        return False
    recorded = {str(name): str(sha) for name, sha in files.items()}
    present = {
        path.relative_to(target).as_posix()
        for path in target.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.name != MANIFEST
    }
    if present != set(recorded):
        return False
    return all(
        hashlib.sha256((target / name).read_bytes()).hexdigest() == sha
        for name, sha in recorded.items()
    )


def _read(target: Path) -> dict[str, object] | None:
    try:
        value = json.loads((target / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


@cache
def code_digest() -> str:
    """The generator's own source and built-in templates: a changed template makes output stale
    even before the version number moves (as it does while the generator is developed)."""
    from generator.render import BUILTIN_TEMPLATES

    return _folder_digest(_GENERATOR, "*.py") + _folder_digest(BUILTIN_TEMPLATES)


def _folder_digest(folder: Path, pattern: str = "*.jinja") -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob(pattern)):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
