"""JSON pointers (RFC 6901), as specs and messages use them."""

from __future__ import annotations

from typing import Any

MISSING: Any = object()
"""What `child` and `resolve` give for a place the document does not have."""


def split_pointer(pointer: str) -> list[str]:
    """`/a~1b/0` -> ["a/b", "0"] (RFC 6901)."""
    if not pointer:
        return []
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer.lstrip("/").split("/")]


def join_pointer(*tokens: str | int) -> str:
    return "".join("/" + str(token).replace("~", "~0").replace("/", "~1") for token in tokens)


def child(node: Any, token: str) -> Any:
    """The value under one pointer token (a key of an object, an index of an array), or MISSING."""
    if isinstance(node, dict) and token in node:
        return node[token]
    if isinstance(node, list) and token.isdigit() and int(token) < len(node):
        return node[int(token)]
    return MISSING


def resolve(document: Any, pointer: str) -> Any:
    """The value at `pointer` in `document`, or MISSING."""
    node = document
    for token in split_pointer(pointer):
        node = child(node, token)
        if node is MISSING:
            break
    return node
