"""Where things are in a document: operations, schemas and references, found without recursion."""

from __future__ import annotations

from typing import Any

from generator import walk

DOCUMENT: dict[str, Any] = {
    "paths": {
        "/a": {
            "parameters": [{"name": "p", "in": "query", "schema": {"type": "string"}}],
            "get": {
                "responses": {
                    "200": {
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/A"},
                                "example": {"$ref": "not a reference: example data"},
                            }
                        }
                    }
                }
            },
            "summary": "not an operation",
        }
    },
    "components": {
        "schemas": {
            "A": {"type": "object", "properties": {"default": {"$ref": "#/components/schemas/B"}}},
            "B": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "integer"}}]},
        }
    },
}


def test_operations_are_found_with_their_pointers() -> None:
    assert [(op.method, op.pointer) for op in walk.operations(DOCUMENT)] == [
        ("get", "/paths/~1a/get")
    ]


def test_every_schema_is_walked_nested_ones_included() -> None:
    pointers = {pointer for _, pointer in walk.schemas(DOCUMENT)}
    assert "/components/schemas/B/anyOf/1/items" in pointers
    assert "/paths/~1a/parameters/0/schema" in pointers
    assert "/paths/~1a/get/responses/200/content/application~1json/schema" in pointers


def test_references_skip_data_but_not_names_that_look_like_keywords() -> None:
    refs = dict(walk.references(DOCUMENT))
    assert "not a reference: example data" not in refs
    assert refs["#/components/schemas/B"] == "/components/schemas/A/properties/default"


def test_a_deep_document_costs_no_stack() -> None:
    deep: dict[str, Any] = {"type": "string"}
    for _ in range(10_000):
        deep = {"type": "array", "items": deep}
    document = {"components": {"schemas": {"Deep": deep}}}
    assert sum(1 for _ in walk.schemas(document)) == 10_001
