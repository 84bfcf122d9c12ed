"""The mock's answers, taken from the spec's examples. No example value is written into code:
each is read by its JSON pointer from the document (`openapi.json`, which `load_document` reads),
so the mock always answers what the spec says.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from ._server_runtime import HandlerError, load_document

__all__ = ["MockOperation", "load_document", "resolve"]

# The server's logger (`<package>.server`), made here so that linters see it is one.
logger = logging.getLogger(__name__.rpartition(".")[0] + ".server")
_UNUSABLE = object()  # an example its own operation's types reject


def resolve(document: Any, pointer: str) -> Any:
    """The value at a JSON pointer (RFC 6901) in `document`."""
    value = document
    for token in pointer.split("/")[1:] if pointer else ():
        token = token.replace("~1", "/").replace("~0", "~")
        value = value[int(token)] if isinstance(value, list) else value[token]
    return value


Named = Sequence[tuple[str, str]]  # (example name, JSON pointer of its value)


class MockOperation:
    """One operation's examples, validated once (one its types reject is left out, with a
    warning); `answer` picks one for a request.

    Which answer: a request body equal to a named request example gets the response example of
    the same name (the JSON one first, then the event stream), so each request example of the
    spec gets its own documented response back. Otherwise a request that asks to stream gets the
    first event-stream example, one chunk per element of its list, and any other request the
    first JSON example. An operation with no example to give answers 501.
    """

    def __init__(
        self,
        operation: str,
        document: Mapping[str, Any],
        *,
        requests: Named = (),
        request_adapter: TypeAdapter[Any] | None = None,
        results: Named = (),
        result_adapter: TypeAdapter[Any] | None = None,
        result_kind: str = "json",
        streams: Named = (),
        chunk_adapter: TypeAdapter[Any] | None = None,
    ) -> None:
        self.operation = operation
        self.results: dict[str, Any] = {}
        for name, pointer in results:
            value = resolve(document, pointer)
            if result_kind == "json":
                value = self._checked(result_adapter, value, "response", name)
            elif isinstance(value, str):
                value = value if result_kind == "text" else value.encode()
            else:
                value = _UNUSABLE
            if value is not _UNUSABLE:
                self.results.setdefault(name, value)
        self.streams: dict[str, list[Any]] = {}
        for name, pointer in streams:
            value = resolve(document, pointer)
            if isinstance(value, list):
                chunks = []
                for item in value:
                    chunks.append(self._checked(chunk_adapter, item, "stream", name))
                    if chunks[-1] is _UNUSABLE:  # said once: the stream is left out whole
                        break
                else:
                    self.streams.setdefault(name, chunks)
        # Request examples that have a response of the same name, to be told apart by equality.
        self.requests = [
            (example, name)
            for name, pointer in requests
            if name in self.results or name in self.streams
            for example in [
                self._checked(request_adapter, resolve(document, pointer), "request", name)
            ]
            if example is not _UNUSABLE
        ]

    def _checked(self, adapter: TypeAdapter[Any] | None, value: Any, kind: str, name: str) -> Any:
        """The example as its operation's types read it, or `_UNUSABLE` when they reject it (a
        spec's example that does not match its own schema): the mock then answers from the
        other examples, or 501, and the server still starts."""
        if adapter is None:
            return value
        try:
            return adapter.validate_python(value)
        except ValidationError as error:
            logger.warning(
                "%s: the %s example %r does not match its schema, so the mock leaves it out: %s",
                self.operation,
                kind,
                name,
                " ".join(str(error).split())[:300],
            )
            return _UNUSABLE

    def answer(self, body: Any = None, stream: bool = False) -> Any:
        for example, name in self.requests:
            if _same(body, example):
                return self.results[name] if name in self.results else _replay(self.streams[name])
        if stream and self.streams:
            return _replay(next(iter(self.streams.values())))
        if self.results:
            return next(iter(self.results.values()))
        if self.streams:
            return _replay(next(iter(self.streams.values())))
        raise HandlerError(
            501,
            f"The mock server has no example response for {self.operation}.",
            type="server_error",
            code="not_implemented",
        )


def _same(body: Any, example: Any) -> bool:
    """Equal requests; for models, the fields set are compared first, which is cheap and settles
    most cases (pydantic's `==` ignores which fields were set)."""
    if isinstance(example, BaseModel) and (
        type(body) is not type(example) or body.model_fields_set != example.model_fields_set
    ):
        return False
    return bool(body == example)


async def _replay(chunks: list[Any]) -> AsyncIterator[Any]:
    for chunk in chunks:
        yield chunk
        await asyncio.sleep(0)  # one event at a time, as a real stream arrives
