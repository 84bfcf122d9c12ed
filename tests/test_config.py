"""One typed configuration for generate, lint and check; template overrides; a friendly CLI."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from generator.config import Target, option_table, options
from generator.runtime import MODULES as RUNTIME_MODULES
from tests.conftest import ROOT, SPEC, SPECS, importable, run_cli


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch project with two targets: our spec, and a small one with tags."""
    (tmp_path / "api.yaml").write_text(SPEC.read_text())
    (tmp_path / "pets.yaml").write_text((SPECS / "good" / "recursive.yaml").read_text())
    (tmp_path / "pyproject.toml").write_text(
        "[[tool.specsmith.targets]]\n"
        'spec = "api.yaml"\nout = "gen"\npackage = "chat"\n'
        "client = { timeout = 30.0, max_retries = 5 }\n\n"
        "[[tool.specsmith.targets]]\n"
        'spec = "pets.yaml"\nout = "gen"\npackage = "pets"\nparts = ["client"]\n'
    )
    return tmp_path


def test_show_lists_every_option_with_value_and_source(project: Path) -> None:
    result = run_cli("config", "--show", cwd=project)
    assert result.returncode == 0, result.stderr
    for option in options():
        assert f"\n{option.name} = " in result.stdout
    assert f"client.max_retries = 5  # {project / 'pyproject.toml'} targets[0]" in result.stdout
    assert "client.timeout = 600.0  # default" in result.stdout  # second target keeps the default


def test_one_generate_makes_every_target(project: Path) -> None:
    result = run_cli("generate", cwd=project)
    assert result.returncode == 0, result.stderr
    summaries = result.stderr.splitlines()  # one line per target, and nothing else
    assert [line.split(": ")[0] for line in summaries] == ["gen/chat", "gen/pets"], summaries
    assert all(": wrote " in line for line in summaries), summaries
    assert (project / "gen" / "chat" / "server.py").exists()
    assert (project / "gen" / "pets" / "client.py").exists()
    assert not (project / "gen" / "pets" / "server.py").exists()  # parts = ["client"]
    assert "server = [" not in (project / "gen" / "pets" / "pyproject.toml").read_text()
    client = (project / "gen" / "chat" / "client.py").read_text()
    assert "max_retries: int = 5" in client
    assert run_cli("generate", "--check", cwd=project).returncode == 0
    again = run_cli("generate", cwd=project)
    assert again.stderr.splitlines() == ["gen/chat: unchanged", "gen/pets: unchanged"]


def test_a_changed_option_makes_the_output_stale(project: Path) -> None:
    assert run_cli("generate", cwd=project).returncode == 0
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("max_retries = 5", "max_retries = 4"))
    result = run_cli("generate", "--check", cwd=project)
    assert result.returncode == 1
    assert "stale: gen/chat/models.py" in result.stderr  # the stamp changed


def test_operations_are_selected_by_id_and_tag(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'exclude_operations = ["getTree"]\n')
    assert run_cli("generate", cwd=project).returncode == 0
    assert "def get_tree" not in (project / "gen" / "pets" / "client.py").read_text()
    assert "class Node" in (project / "gen" / "pets" / "models.py").read_text()  # models stay whole


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[tool.specsmith]\ncolour = 1\n", "unknown option 'colour'"),
        (
            "[[tool.specsmith.targets]]\nspec = 'a.yaml'\npackage = 'a'\nclient = { speed = 1 }\n",
            "unknown option 'client.speed'",
        ),
        (
            "[[tool.specsmith.targets]]\nspec = 'a.yaml'\npackage = 'a'\nclient = { timeout = 'soon' }\n",
            "client.timeout = 'soon': expected a number",
        ),
        (
            "[[tool.specsmith.targets]]\nspec = 'a.yaml'\npackage = 'a'\nparts = ['gui']\n",
            "parts: unknown 'gui'",
        ),
        ("[[tool.specsmith.targets]]\nspec = 'a.yaml'\n", "targets[0] needs `package`"),
        (
            "[[tool.specsmith.targets]]\nspec = 'a.yaml'\npackage = 'a'\n"
            "stream_terminators = { createChatCompletion = 1 }\n",
            "stream_terminators.createChatCompletion must be a non-empty string",
        ),
        ("[tool.specsmith.lint]\nrules = { nope = 'off' }\n", "lint.rules.nope: no such rule"),
        ("[tool.specsmith\n", "cannot read the configuration"),
    ],
)
def test_a_bad_configuration_names_the_key_and_the_file(
    tmp_path: Path, text: str, message: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(text)
    result = run_cli("generate", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and str(tmp_path / "pyproject.toml") in result.stderr
    assert result.stderr.count("\n") == 1


def test_config_file_from_the_command_line(tmp_path: Path) -> None:
    config = tmp_path / "specsmith.toml"
    config.write_text(f'[[targets]]\nspec = "{SPEC}"\nout = "out"\npackage = "p"\nparts = []\n')
    result = run_cli("generate", "--config", config, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out" / "p").iterdir()) == [
        ".specsmith-manifest.json",
        "__init__.py",
        "_formats.py",
        "_wire.py",
        "models.py",
        "openapi.json",
        "py.typed",
        "pyproject.toml",
    ]


def test_one_template_overridden_and_the_rest_untouched(tmp_path: Path) -> None:
    overrides = tmp_path / "overrides" / "package"
    overrides.mkdir(parents=True)
    licence = "# Copyright Example Corp. Licensed under the Apache License 2.0.\n"
    builtin = (ROOT / "templates" / "package" / "__init__.py.jinja").read_text()
    (overrides / "__init__.py.jinja").write_text(licence + builtin)
    plain, custom = tmp_path / "plain", tmp_path / "custom"
    assert run_cli("generate", SPEC, "--out", plain, "--package", "p").returncode == 0
    result = run_cli(
        "generate", SPEC, "--out", custom, "--package", "p", "--templates", tmp_path / "overrides"
    )
    assert result.returncode == 0, result.stderr
    before, after = snapshot(plain / "p"), snapshot(custom / "p")
    assert licence.strip() in after["__init__.py"].decode()
    assert licence.strip() not in before["__init__.py"].decode()

    # Every other file is the same but for the stamp, which records that the templates changed.
    def unstamped(text: bytes) -> bytes:
        return b"\n".join(
            line
            for line in text.split(b"\n")
            if not line.startswith(b"# Generated by") and b"Do not edit" not in line
        )

    assert {
        name: unstamped(text)
        for name, text in before.items()
        if name not in ("__init__.py", ".specsmith-manifest.json")
    } == {
        name: unstamped(text)
        for name, text in after.items()
        if name not in ("__init__.py", ".specsmith-manifest.json")
    }


@pytest.mark.parametrize("command", [[], ["lint"], ["generate"], ["config"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = run_cli(*command, "--help")
    assert result.returncode == 0 and "usage:" in result.stdout


def test_a_stream_terminator_from_the_configuration_ends_the_stream(tmp_path: Path) -> None:
    """For specs that say it only in prose; the spec's own x-stream-terminator would win."""
    bare = tmp_path / "bare.yaml"
    lines = SPEC.read_text().splitlines(keepends=True)
    bare.write_text("".join(line for line in lines if "x-stream-terminator" not in line))
    config = tmp_path / "specsmith.toml"
    config.write_text(
        f'[[targets]]\nspec = "{bare}"\nout = "out"\npackage = "p"\nparts = ["client"]\n'
        '[targets.stream_terminators]\ncreateChatCompletion = "[END]"\nnoSuchOperation = "x"\n'
    )
    result = run_cli("generate", "--config", config, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "'noSuchOperation' is not the operationId of an operation" in result.stderr
    client = (tmp_path / "out" / "p" / "resources" / "chat_completions.py").read_text()
    assert '"[END]"' in client and '"[DONE]"' not in client


def test_the_readme_table_is_the_options_metadata() -> None:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("<!-- options:")
    table = readme[readme.index("\n", start) + 1 : readme.index("<!-- end of options -->")]
    assert table == option_table(), "README's option table is stale: paste option_table()"


def test_each_default_is_declared_once_and_read_from_the_fields() -> None:
    target = Target()
    assert target.client.timeout == next(o.default for o in options() if o.name == "client.timeout")
    assert {o.name for o in options() if o.in_target} >= {"client.timeout", "models.keep_integers"}


def test_a_template_may_not_replace_a_runtime_module(tmp_path: Path) -> None:
    overrides = tmp_path / "overrides" / "client"
    overrides.mkdir(parents=True)
    (overrides / "_sse.py.jinja").write_text("# an old habit: the runtime as a template\n")
    result = run_cli(
        "generate",
        SPEC,
        "--out",
        tmp_path / "out",
        "--package",
        "p",
        "--templates",
        overrides.parent,
    )
    assert result.returncode == 2
    assert "template client/_sse.py.jinja would replace the runtime module _sse.py" in result.stderr
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_a_part_brings_its_runtime_modules_and_no_others(tmp_path: Path) -> None:
    config = tmp_path / "specsmith.toml"
    config.write_text(
        f'[[targets]]\nspec = "{SPEC}"\nout = "out"\npackage = "p"\nparts = ["server"]\n'
    )
    result = run_cli("generate", "--config", config, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    modules = sorted(p.name for p in (tmp_path / "out" / "p").glob("*.py"))
    runtime = sorted([*RUNTIME_MODULES["models"], *RUNTIME_MODULES["server"]])
    assert modules == ["__init__.py", *runtime, "models.py", "server.py"]
    with importable(tmp_path / "out", "p"):
        server = importlib.import_module("p.server")
        assert callable(server.create_app) and callable(server.main)
