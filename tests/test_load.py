"""Stage 1: every way a spec file can be unreadable gets one located message, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.load import MAX_EXPANDED_NODES, load_spec, load_text


def write(tmp_path: Path, text: str | bytes, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def error_of(path: Path) -> str:
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    return str(caught.value)


def test_yaml_is_read_by_yaml_1_2_rules(tmp_path: Path) -> None:
    text = "a:\n  200: {x: on}\n  v: 1.10\n  flags: [yes, no, off, true, false, ~, 0x1f, 1e3]\n"
    document, _ = load_text(text, tmp_path / "x.yaml")
    assert document == {
        "a": {
            "200": {"x": "on"},
            "v": 1.1,
            "flags": ["yes", "no", "off", True, False, None, 31, 1000.0],
        }
    }


def test_quoted_scalars_stay_strings(tmp_path: Path) -> None:
    document, _ = load_text("a: '200'\nb: \"true\"\nc: 'null'\n", tmp_path / "x.yaml")
    assert document == {"a": "200", "b": "true", "c": "null"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("openapi: 3.1.0\ninfo:\n  title: a\n  title: b\n", "spec.yaml:4:3: duplicate key 'title'"),
        ("openapi: 3.1.0\ninfo: [\n", "spec.yaml:3:1: invalid YAML"),
        ("swagger: '2.0'\n", "Swagger 2.0 is not supported; supported: OpenAPI 3.0.x and 3.1.x"),
        ("info: {title: x}\n", "no 'openapi' field (supported: OpenAPI 3.0.x and 3.1.x)"),
        ("openapi: 4.0.0\n", "OpenAPI 4.0.0 is not supported"),
        ("- a\n- b\n", "the document's root must be a mapping, not list"),
        ("", "the file is empty"),
        ("x: !!python/object:os.system ls\n", "spec.yaml:1:4: unsupported YAML tag"),
    ],
)
def test_unusable_yaml_is_refused_with_its_place(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in error_of(write(tmp_path, text))


def test_json_duplicate_keys_are_located(tmp_path: Path) -> None:
    path = write(
        tmp_path, '{"openapi": "3.1.0",\n "info": {"title": "a",\n  "title": "b"}}', "spec.json"
    )
    assert error_of(path).endswith("spec.json:3:3: duplicate key 'title'")


def test_truncated_json_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, '{"openapi": "3.1.0",\n "info": {', "spec.json")
    assert "spec.json:2:11: invalid JSON" in error_of(path)


def test_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    assert "spec.yaml:2:7: not UTF-8" in error_of(write(tmp_path, b"openapi: 3.1.0\ninfo: \xff\n"))


def alias_bomb(first_line: str) -> str:
    """Nine levels of aliases, each nine of the one before, under the anchor `a` that
    `first_line` holds."""
    lines = [first_line]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


LOLS = '["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'


def test_alias_bomb_fails_fast(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, alias_bomb(f"a: &a {LOLS}")))
    assert f"more than {MAX_EXPANDED_NODES:,} nodes" in message


@pytest.mark.parametrize("opening", ["x: [", "x: {k: ", "x: [1,"])
def test_alias_bomb_in_flow_style_fails_fast(tmp_path: Path, opening: str) -> None:
    # The anchor right after a flow indicator, with no space before it, is an anchor too.
    closing = "]" if opening.startswith("x: [") else "}"
    message = error_of(write(tmp_path, alias_bomb(f"{opening}&a {LOLS}{closing}")))
    assert f"more than {MAX_EXPANDED_NODES:,} nodes" in message


def test_scalars_stay_text_until_read_as_yaml_1_2(tmp_path: Path) -> None:
    # Only a plain scalar is typed (by YAML 1.2 rules): one tagged `!!str` stays text.
    spec = load_spec(
        write(
            tmp_path,
            "openapi: 3.1.0\ninfo: {title: x, version: 1.10}\npaths: {}\n"
            "x-values: [yes, no, on, 0o17, 1_000, 0x1F, .inf, null, ~, '', 2024-01-01, !!str 7]\n",
        )
    )
    assert spec.document["info"]["version"] == "1.10"
    assert spec.document["x-values"] == [
        "yes", "no", "on", 15, "1_000", 31, float("inf"), None, None, "", "2024-01-01", "7"
    ]  # fmt: skip


def test_source_map_finds_lines_for_pointers(tmp_path: Path) -> None:
    spec = load_spec(
        write(tmp_path, "openapi: 3.1.0\ninfo:\n  title: x\npaths:\n  /a~b/{c}:\n    get: {}\n")
    )
    title = spec.locate("/info/title")
    assert (title.line, title.column) == (3, 3)  # a member is shown at its key
    assert spec.locate("/paths/~1a~0b~1{c}/get").line == 6
    assert (
        spec.locate("/paths/~1a~0b~1{c}/put/x").line == 5
    )  # no such place: the deepest that exists


def test_json_positions_are_found_when_asked(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, '{"openapi": "3.1.0",\n "info": {"title": "x"}}', "s.json"))
    assert spec.locate("/info/title").line == 2
