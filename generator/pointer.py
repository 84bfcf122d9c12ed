"""JSON pointers (RFC 6901), as specs and messages use them."""

from __future__ import annotations


def split_pointer(pointer: str) -> list[str]:
    """`/a~1b/0` -> ["a/b", "0"] (RFC 6901)."""
    if not pointer:
        return []
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer.lstrip("/").split("/")]


def join_pointer(*tokens: str | int) -> str:
    return "".join("/" + str(token).replace("~", "~0").replace("/", "~1") for token in tokens)
