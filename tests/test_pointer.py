"""JSON pointers (RFC 6901) as specs and messages write them."""

from __future__ import annotations

from generator.pointer import MISSING, child, join_pointer, resolve, split_pointer


def test_tokens_with_slashes_and_tildes_round_trip() -> None:
    tokens = ["paths", "/items/{id}", "get", "a~b"]
    pointer = join_pointer(*tokens)
    assert pointer == "/paths/~1items~1{id}/get/a~0b"
    assert split_pointer(pointer) == tokens
    assert split_pointer("") == [] and join_pointer() == ""


def test_resolve_follows_keys_and_indexes_and_says_missing() -> None:
    document = {"a/b": [{"c": None}], "d": "x"}
    assert resolve(document, "/a~1b/0/c") is None
    assert resolve(document, "") is document
    assert resolve(document, "/a~1b/1") is MISSING
    assert resolve(document, "/d/0") is MISSING
    assert child([1, 2], "-1") is MISSING
