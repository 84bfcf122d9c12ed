"""JSON pointers (RFC 6901) as specs and messages write them."""

from __future__ import annotations

from generator.pointer import join_pointer, split_pointer


def test_tokens_with_slashes_and_tildes_round_trip() -> None:
    tokens = ["paths", "/items/{id}", "get", "a~b"]
    pointer = join_pointer(*tokens)
    assert pointer == "/paths/~1items~1{id}/get/a~0b"
    assert split_pointer(pointer) == tokens
    assert split_pointer("") == [] and join_pointer() == ""
