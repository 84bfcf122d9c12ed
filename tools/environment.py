"""What .venv is made of, as keys the Makefile names its stamps by (run from the repository's root).

    python3 tools/environment.py python              the Python running this, e.g. cpython-3.11.7-1a2b3c4d
    python3 tools/environment.py dependencies [X...] what installing reads from pyproject.toml (and X...)

`python` fails, saying why, when this Python is older than pyproject.toml's `requires-python`; it
names the installation (not the virtual environment) so that a venv's Python and the Python that
made it give the same key. `dependencies` hashes only what pip reads to install the toolkit: the
dependency lists, the build system, scripts and packaging; editing [tool.ruff] or the
configuration changes nothing. Runs on any Python 3, so that an old one hears why it cannot be used.
"""

from __future__ import annotations

import hashlib
import json
import platform
import re
import sys
from pathlib import Path

PYPROJECT = Path("pyproject.toml")
# Of [project], what an install reads; the rest (description, readme, ...) is only metadata.
INSTALLED_PROJECT_KEYS = (
    "name",
    "requires-python",
    "dependencies",
    "optional-dependencies",
    "scripts",
    "entry-points",
)


def python_key() -> str:
    required = _required_python(PYPROJECT.read_text())
    if sys.version_info[:2] < required:
        wanted = ".".join(map(str, required))
        raise SystemExit(
            f"error: specsmith needs Python {wanted} or newer; {sys.executable} is "
            f"{platform.python_version()} (run make with PYTHON=python{wanted}, say)"
        )
    installation = hashlib.sha256(str(Path(sys.base_prefix).resolve()).encode()).hexdigest()
    return f"{sys.implementation.name}-{platform.python_version()}-{installation[:8]}"


def dependencies_key(extras: list[str]) -> str:
    import tomllib  # 3.11+, which python_key has made sure of

    pyproject = tomllib.loads(PYPROJECT.read_text())
    project = pyproject.get("project", {})
    installed = {
        "build-system": pyproject.get("build-system", {}),
        "project": {key: project[key] for key in INSTALLED_PROJECT_KEYS if key in project},
        "tool.setuptools": pyproject.get("tool", {}).get("setuptools", {}),
        "extras": extras,
    }
    return hashlib.sha256(json.dumps(installed, sort_keys=True).encode()).hexdigest()[:16]


def _required_python(text: str) -> tuple[int, int]:
    """(3, 11) from `requires-python = ">=3.11"`, read without a TOML parser (3.10 has none)."""
    match = re.search(r'^requires-python\s*=\s*"\s*>=\s*(\d+)\.(\d+)', text, re.MULTILINE)
    if match is None:
        raise SystemExit(f'error: {PYPROJECT}: no requires-python = ">=X.Y" in [project]')
    return int(match[1]), int(match[2])


def main(arguments: list[str]) -> int:
    if arguments[:1] == ["python"]:
        print(python_key())
    elif arguments[:1] == ["dependencies"]:
        print(dependencies_key(arguments[1:]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
