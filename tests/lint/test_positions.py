"""JSON positions found without a YAML compose agree with the YAML source map, token for token."""

from __future__ import annotations

import json
from pathlib import Path

from generator.lint.positions import JsonPositions
from generator.load import SourceMap

DOCUMENT = {
    "openapi": "3.1.0",
    "paths": {"/a/{id}": {"get": {"parameters": [{"name": "id"}, {"name": 'q"uoted [x] {y}'}]}}},
    "x": ["[", "]", "{", {"k~e/y": [1, 2.5, None, True]}],
    "é": {"ü": "ß"},
}
POINTERS = [
    "", "/openapi", "/paths", "/paths/~1a~1{id}/get/parameters/1/name", "/x/3/k~0e~1y/2",
    "/é/ü", "/paths/~1nowhere/get", "/x/9",
]  # fmt: skip


def test_positions_agree_with_the_yaml_source_map(tmp_path: Path) -> None:
    for indent in (None, 2):
        text = json.dumps(DOCUMENT, indent=indent, ensure_ascii=False)
        fast = JsonPositions("f.json", text)
        reference = SourceMap("f.json", text)
        for pointer in POINTERS:
            found, expected = fast.locate(pointer), reference.locate(pointer)
            assert found is not None
            assert (found.line, found.column) == (expected.line, expected.column), pointer
