"""The `specsmith-diff` pre-commit hook: its entry, with the arguments the README gives it, run
in a repository as pre-commit runs it (against the last commit)."""

from __future__ import annotations

import shlex
from pathlib import Path

import yaml

from tests.conftest import ROOT, run_cli
from tests.diff.pairs import drop, spec_with, write
from tests.diff.test_sources import git
from tests.diff.test_spec import PET


def test_the_hook_fails_a_commit_that_breaks_clients(tmp_path: Path) -> None:
    hooks = {
        hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    }
    hook = hooks["specsmith-diff"]
    assert hook["pass_filenames"] is False and hook["language"] == "python"
    command = shlex.split(hook["entry"])
    assert command[:3] == ["python", "-m", "generator"]
    repo = tmp_path / "repo"
    (repo / "api").mkdir(parents=True)
    spec = write(repo / "api" / "openapi.yaml", spec_with())
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "spec")
    arguments = [*command[3:], "HEAD:api/openapi.yaml", "api/openapi.yaml", "--format", "github"]
    assert run_cli(*arguments, cwd=repo).returncode == 0
    write(spec, spec_with(drop(*PET, "properties", "name")))
    failed = run_cli(*arguments, cwd=repo)
    assert failed.returncode == 1
    assert "::error file=api/openapi.yaml,line=" in failed.stdout
