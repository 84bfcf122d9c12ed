"""A very large models document in pieces: which schemas go together, when the document stays
whole, and the joined module, which must be what the pieces make (and the package must work)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from generator import model_pieces
from generator.analyse import analyse
from generator.config import ModelOptions, Target
from generator.load import load_spec
from generator.model_pieces import connected_groups, join, pieces, repeated_names
from generator.models import render_models
from tests.test_models import models_of, round_trip, spec_path


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def flat(count: int, link: int = 3) -> dict[str, Any]:
    """`count` objects, each referring to the one `link` after it within its group of `link`."""
    return {
        f"S{index}": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "next": ref(f"S{index // link * link + (index + 1) % link}"),
            },
        }
        for index in range(count)
    }


def test_schemas_that_refer_to_each_other_directly_or_not_are_one_group() -> None:
    schemas = {
        "A": {"properties": {"b": ref("B")}},
        "C": {"type": "string"},
        "B": {"items": {"allOf": [ref("D")]}},
        "D": {"type": "integer"},
        "E": {"anyOf": [ref("C"), {"type": "null"}]},
        "F": {"example": ref("A")},  # data, not a reference
    }
    assert connected_groups(schemas) == [["A", "B", "D"], ["C", "E"], ["F"]]


def test_a_document_below_two_pieces_or_with_an_inline_object_stays_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(model_pieces, "PIECE_SCHEMAS", 4)
    assert pieces(flat(7)) == [list(flat(7))]
    assert len(pieces(flat(12))) == 2
    inline = flat(12)
    inline["S4"]["properties"]["meta"] = {"type": "object", "properties": {"x": {}}}
    assert pieces(inline) == [list(inline)]
    merged = flat(12)
    merged["S4"]["properties"]["both"] = {"allOf": [ref("S3"), ref("S5")]}
    assert pieces(merged) == [list(merged)]
    inherits = flat(12)  # at the top, an `allOf` member is the class itself
    inherits["S4"] = {"allOf": [ref("S3"), {"properties": {"x": {"type": "string"}}}]}
    assert len(pieces(inherits)) == 2


def test_pieces_keep_groups_whole_and_the_documents_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(model_pieces, "PIECE_SCHEMAS", 4)
    schemas = flat(12)
    found = pieces(schemas)
    assert [name for piece in found for name in piece] == list(schemas)
    for group in connected_groups(schemas):
        assert any(set(group) <= set(piece) for piece in found)
    assert all(len(piece) >= 4 for piece in found)


def test_a_join_merges_the_imports_and_keeps_every_body() -> None:
    first = (
        "from __future__ import annotations\n\nfrom typing import Any\n\n\nclass A:\n    x: Any\n"
    )
    second = (
        "from __future__ import annotations\n\nfrom pydantic import Field\nfrom typing import "
        "Literal\n\n\nclass B:\n    y: Literal['b'] = Field()\n\n\nB.model_rebuild()\n"
    )
    joined = join([first, second])
    assert joined.startswith(
        "from __future__ import annotations\n\nfrom typing import Any, Literal\n\n"
        "from pydantic import Field\n\n\nclass A:"
    )
    assert joined.endswith("class B:\n    y: Literal['b'] = Field()\n\n\nB.model_rebuild()\n")
    assert repeated_names([first, second]) == []
    assert repeated_names([first, second, first]) == ["A"]


def test_models_made_in_pieces_are_the_models_made_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = load_spec(spec_path(tmp_path, flat(30), "3.1.0"))
    whole = render_models(spec, analyse(spec, Target(package="pkg")), ModelOptions())
    monkeypatch.setattr(model_pieces, "PIECE_SCHEMAS", 6)
    assert len(pieces(flat(30))) == 5
    models = models_of(tmp_path, schemas=flat(30), version="3.1.0")
    assert _classes(Path(models.__file__).read_text()) == _classes(whole)
    payload = {"id": 1, "next": {"id": 2, "next": {"id": 3}}}
    assert round_trip(models.S4, payload) == payload


def _classes(source: str) -> dict[str, str]:
    """Each class's text, by name."""
    return {
        match[1]: match[0]
        for match in re.finditer(r"^class (\w+)\b.*?(?=^\S|\Z)", source, re.DOTALL | re.MULTILINE)
    }
