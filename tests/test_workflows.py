"""The three ways people use the toolkit, each run for real: vendoring the generated folder into a
fresh environment that holds only its declared dependencies, installing it with pip, and running
the hooks from pre-commit in another repository. Environments are built from the wheelhouse that
`make setup` fills, so tests never leave this machine."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

from tests.conftest import GENERATED, PACKAGE, ROOT, SPEC

WHEELHOUSE = ROOT / ".venv" / "wheelhouse"
OFFLINE = {
    "PIP_NO_INDEX": "1",
    "PIP_FIND_LINKS": str(WHEELHOUSE),
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
}

# A missing wheelhouse is a missing file: the skip fails (tests/missing_files.py).
pytestmark = pytest.mark.skipif(
    not WHEELHOUSE.is_dir(), reason=f"{WHEELHOUSE} is missing: run `make setup`"
)


def run(
    command: list[str | Path], cwd: Path, env: dict[str, str] | None = None, timeout: float = 300
) -> str:
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **OFFLINE, **(env or {})}, check=False,
    )  # fmt: skip
    assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def declared_dependencies(package: Path) -> list[str]:
    project = tomllib.loads((package / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    return [*project["dependencies"], *extras["client"], *extras["server"]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# Starts the vendored mock server, calls it with the vendored client, and stops it: all bounded.
SMOKE = """
import subprocess, sys, time
from chat_completions.client import Client
port = sys.argv[1]
server = subprocess.Popen([sys.executable, "-m", "chat_completions.server", "--mock", "--host", "127.0.0.1", "--port", port])
try:
    with Client(base_url=f"http://127.0.0.1:{port}", token="t", tenant="acme", release="r1", max_retries=0) as client:
        for attempt in range(100):
            try:
                reply = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
                break
            except Exception:
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not answer")
    print(type(reply).__name__, len(reply.choices))
finally:
    server.terminate()
    server.wait(timeout=10)
"""


@pytest.fixture(scope="module")
def fresh_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with only what the generated package declares."""
    env = tmp_path_factory.mktemp("env") / "venv"
    run([sys.executable, "-m", "venv", env], cwd=ROOT)
    run(
        [
            env / "bin" / "python",
            "-m",
            "pip",
            "install",
            "--quiet",
            *declared_dependencies(GENERATED / PACKAGE),
        ],
        cwd=ROOT,
    )
    return env


def test_a_vendored_copy_works_with_only_its_declared_dependencies(
    fresh_env: Path, tmp_path: Path
) -> None:
    project = tmp_path / "their_repo"
    shutil.copytree(
        GENERATED / PACKAGE, project / PACKAGE, ignore=shutil.ignore_patterns("__pycache__")
    )
    out = run(
        [fresh_env / "bin" / "python", "-c", SMOKE, str(free_port())], cwd=project, timeout=120
    )
    assert out.strip().splitlines()[-1] == "CreateChatCompletionResponse 1"
    missing = subprocess.run(
        [fresh_env / "bin" / "python", "-c", "import generator, black, datamodel_code_generator"],
        cwd=project, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert missing.returncode != 0  # the environment really holds nothing of the toolkit


def test_pip_installs_the_generated_folder_and_leaves_it_as_generated(
    fresh_env: Path, tmp_path: Path
) -> None:
    """`pip install 'generated/chat_completions[client]'` as the README says, on a copy: the folder
    is built from in place, and must still pass `generate --check` afterwards."""
    folder = tmp_path / "copy" / PACKAGE
    shutil.copytree(GENERATED / PACKAGE, folder, ignore=shutil.ignore_patterns("__pycache__"))
    before = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*"))
    pip = [fresh_env / "bin" / "python", "-m", "pip", "install", "--quiet"]
    run([*pip, "--no-index", "--find-links", WHEELHOUSE, f"{folder}[client,server]"], cwd=tmp_path)
    after = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*"))
    assert after == before  # no build/, no *.egg-info/
    check = [sys.executable, "-m", "generator", "generate", SPEC, "--check"]
    run([*check, "--out", folder.parent, "--package", PACKAGE], cwd=ROOT)
    out = run(
        [fresh_env / "bin" / "python", "-c", SMOKE, str(free_port())], cwd=tmp_path, timeout=120
    )
    assert out.strip().splitlines()[-1] == "CreateChatCompletionResponse 1"
    typed = run(
        [
            fresh_env / "bin" / "python",
            "-c",
            "import chat_completions, pathlib; print(sorted(p.name for p in pathlib.Path(chat_completions.__file__).parent.iterdir() if p.suffix != '.py'))",
        ],
        cwd=tmp_path,
    )
    # and nothing else: the resources' modules are a package of their own
    assert typed.strip() == "['__pycache__', 'openapi.json', 'py.typed', 'resources']"


def head_commit() -> str:
    return run(["git", "rev-parse", "HEAD"], cwd=ROOT).strip()


def test_pre_commit_runs_lint_and_check_in_another_repository(tmp_path: Path) -> None:
    repo = tmp_path / "their_repo"
    (repo / "api").mkdir(parents=True)
    shutil.copy(SPEC, repo / "api" / "openapi.yaml")
    run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            repo / "api" / "openapi.yaml",
            "--out",
            repo / "src",
            "--package",
            "my_api",
        ],
        cwd=ROOT,
    )
    # No `files:` for lint: it skips the YAML and JSON files that are not OpenAPI documents.
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT}\n    rev: {head_commit()}\n    hooks:\n"
        "      - id: specsmith-lint\n"
        "      - id: specsmith-check\n        args: [api/openapi.yaml, --out, src, --package, my_api]\n"
    )
    (repo / "deploy.yaml").write_text("replicas: 2\nimage: api:1\n")
    (repo / "package.json").write_text('{"name": "their-web-app", "private": true}\n')
    git = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    run(["git", "init", "-q"], cwd=repo, env=git)
    run(["git", "add", "."], cwd=repo, env=git)
    pre_commit = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
    env = {**git, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    out = run(pre_commit, cwd=repo, env=env, timeout=600)
    assert "lint OpenAPI specs" in out and "Passed" in out

    models = repo / "src" / "my_api" / "models.py"
    models.write_text(models.read_text() + "\n# a hand edit\n")
    failed = subprocess.run(
        pre_commit,
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **OFFLINE, **env},
        check=False,
    )
    shown = failed.stdout + failed.stderr
    assert failed.returncode == 1 and "stale: src/my_api/models.py" in shown
    fix = "run: python -m generator generate api/openapi.yaml --out src --package my_api"
    assert fix in shown  # the command that fixes it, with the hook's arguments
