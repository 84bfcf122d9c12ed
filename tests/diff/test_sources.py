"""`REV:PATH` sides, read from a throwaway git repository: a multi-file spec diffs against the
same revision's other files, and places are reported as `REV:PATH:line:col`."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml

from generator.diff import diff_specs, open_side
from generator.errors import SpecError, UsageError
from tests.conftest import SPECS
from tests.diff.pairs import spec_with

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
}


def git(repo: Path, *arguments: str) -> str:
    done = subprocess.run(
        ["git", *arguments],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**os.environ, **GIT_ENV},
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose api/openapi.yaml refers to api/common/schemas.yaml, committed."""
    root = tmp_path / "repo"
    (root / "api" / "common").mkdir(parents=True)
    spec = spec_with()
    shared = {"Pet": spec["components"]["schemas"].pop("Pet")}
    text = yaml.safe_dump(spec, sort_keys=False).replace(
        "#/components/schemas/Pet", "common/schemas.yaml#/Pet"
    )
    (root / "api" / "openapi.yaml").write_text(text)
    common = yaml.safe_dump(shared, sort_keys=False).replace("#/components/schemas/Pet", "#/Pet")
    (root / "api" / "common" / "schemas.yaml").write_text(common)
    (root / "README").write_text("not a spec\n")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "first")
    return root


def test_a_multi_file_spec_is_read_from_the_revision(repo: Path) -> None:
    common = repo / "api" / "common" / "schemas.yaml"
    common.write_text(common.read_text().replace("maxLength: 50", "maxLength: 80"))
    diff = diff_specs(open_side("HEAD:api/openapi.yaml", repo), open_side("api/openapi.yaml", repo))
    wire = [c for c in diff.changes if c.scope == "wire"]
    assert [c.rule for c in wire] == ["response-constraint-relaxed"]
    (change,) = wire
    assert change.old is not None and change.new is not None
    assert change.old.file == "HEAD:api/common/schemas.yaml"
    assert str(change.old).startswith("HEAD:api/common/schemas.yaml:") and change.old.line
    assert change.new.file.endswith("schemas.yaml") and not change.new.file.startswith("HEAD")
    line = common.read_text().splitlines()[change.new.line - 1]  # type: ignore[operator]
    assert "maxLength" in line


def test_two_revisions_and_paths_relative_to_the_working_folder(repo: Path) -> None:
    spec = repo / "api" / "openapi.yaml"
    spec.write_text(spec.read_text().replace("/pets/{petId}", "/animals/{petId}"))
    git(repo, "commit", "-qam", "second")
    folder = repo / "api"
    diff = diff_specs(
        open_side("HEAD~1:./openapi.yaml", folder), open_side("HEAD:./openapi.yaml", folder)
    )
    # The operations moved to another resource: their methods are renamed, where the new file says.
    assert {"client-method-renamed", "handler-method-renamed"} <= {c.rule for c in diff.changes}
    assert all(c.new and c.new.file.startswith("HEAD:api/") for c in diff.changes)


def test_a_revision_side_compared_with_itself_has_no_changes(repo: Path) -> None:
    diff = diff_specs(open_side("HEAD:api/openapi.yaml", repo), open_side("api/openapi.yaml", repo))
    assert diff.changes == ()


def test_a_file_side_is_a_file_even_with_a_colon_elsewhere(tmp_path: Path) -> None:
    spec = SPECS / "good" / "no_schemas.yaml"
    assert open_side(str(spec)).spec.path == spec


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("nosuchrev:api/openapi.yaml", "nosuchrev:api/openapi.yaml: "),
        ("HEAD:api/missing.yaml", "HEAD:api/missing.yaml: "),
        ("HEAD:../outside.yaml", "the path leaves the repository"),
    ],
)
def test_a_revision_that_cannot_be_read_is_a_usage_error(
    repo: Path, argument: str, message: str
) -> None:
    with pytest.raises(UsageError, match=message.replace(".", r"\.")) as caught:
        open_side(argument, repo)
    assert "\n" not in str(caught.value)


def test_outside_a_repository_a_revision_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a git repository"):
        open_side("HEAD:spec.yaml", tmp_path)


def test_a_broken_spec_in_a_revision_is_located_in_it(repo: Path) -> None:
    (repo / "api" / "openapi.yaml").write_text("openapi: 3.1.0\ninfo: [\n")
    git(repo, "commit", "-qam", "broken")
    with pytest.raises(SpecError) as caught:
        open_side("HEAD:api/openapi.yaml", repo)
    assert str(caught.value).startswith("HEAD:api/openapi.yaml:3:1: invalid YAML")
