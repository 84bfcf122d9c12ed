"""Resources: the namespaces of a client (`client.chat.completions`), their raw and streamed
views, and what their methods share.

A resource holds its client and nothing else; the package's `resources/` modules define one
class per resource, with a method per operation, and load the resources under them on first
use. `resource.with_raw_response` and `resource.with_streaming_response` are views: the same
methods, answering with the raw `APIResponse`, or with a `StreamedResponse` read as it arrives.
`keyword_body` turns a method's keyword arguments into the request body, and `AsyncStreamCall`
is what an asyncio method asked for a stream returns: await it, or use it in `async with`.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Coroutine, Generator, Mapping
from types import TracebackType
from typing import IO, Any, Concatenate, Generic, ParamSpec, TypeVar, cast

from ._base_client import (
    NOT_GIVEN,
    RAW,
    STREAMED,
    APIResponse,
    AsyncAPIClient,
    AsyncStreamedResponse,
    AsyncStreamedResponseContext,
    BaseClient,
    StreamedResponse,
    SyncAPIClient,
)
from ._streaming import AsyncStream

__all__ = [
    "AsyncResource",
    "AsyncStreamCall",
    "FileTypes",
    "SyncResource",
    "async_raw_method",
    "async_streamed_method",
    "keyword_body",
    "raw_method",
    "streamed_method",
    "view_of",
]

T = TypeVar("T")
P = ParamSpec("P")

FileContent = bytes | bytearray | IO[bytes] | os.PathLike[str]
FileTypes = (
    FileContent
    | tuple[str | None, FileContent]
    | tuple[str | None, FileContent, str | None]
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
"""What a multipart file field takes: bytes, an open binary file, a `pathlib.Path` (opened,
streamed and closed), or a `(filename, content[, content_type[, headers]])` tuple."""


class SyncResource:
    """A namespace of a blocking client: its methods send through `_client`."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"


class AsyncResource:
    """A namespace of an asyncio client: its methods send through `_client`."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"


def view_of(resource: Any, mode: str) -> Any:
    """`resource` (or a client, the root resource) on a view of its client that answers with
    raw (`RAW`) or streamed (`STREAMED`) responses."""
    if isinstance(resource, BaseClient):
        return resource._view(mode)
    return type(resource)(resource._client._view(mode))


class ResourceView:
    """What `with_raw_response` and `with_streaming_response` share: the resource they show,
    on a view of its client (`_client`, for the resources under it)."""

    _mode: str = RAW

    def __init__(self, resource: Any) -> None:
        self._resource = view_of(resource, self._mode)

    @property
    def _client(self) -> Any:
        resource = self._resource
        return resource if isinstance(resource, BaseClient) else resource._client


class RawView(ResourceView):
    """`with_raw_response`: every method, answering with the raw `APIResponse`."""

    _mode = RAW


class StreamedView(ResourceView):
    """`with_streaming_response`: every method with a plain call, answering with a response
    whose body is read as it arrives."""

    _mode = STREAMED


def raw_method(
    method: Callable[Concatenate[Any, P], T],
) -> Callable[Concatenate[Any, P], APIResponse[T]]:
    """`method` of a blocking resource, answering with the raw `APIResponse` instead."""

    def call(self: ResourceView, /, *args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        return cast(APIResponse[T], method(self._resource, *args, **kwargs))

    call.__doc__ = method.__doc__
    call.__name__ = getattr(method, "__name__", "call")
    return call


def streamed_method(
    method: Callable[Concatenate[Any, P], T],
) -> Callable[Concatenate[Any, P], StreamedResponse[T]]:
    """`method` of a blocking resource, answering with a `StreamedResponse` instead."""

    def call(self: ResourceView, /, *args: P.args, **kwargs: P.kwargs) -> StreamedResponse[T]:
        return cast(StreamedResponse[T], method(self._resource, *args, **kwargs))

    call.__doc__ = method.__doc__
    call.__name__ = getattr(method, "__name__", "call")
    return call


def async_raw_method(
    method: Callable[Concatenate[Any, P], Awaitable[T]],
) -> Callable[Concatenate[Any, P], Coroutine[Any, Any, APIResponse[T]]]:
    """`method` of an asyncio resource, answering with the raw `APIResponse` instead."""

    async def call(self: ResourceView, /, *args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        return cast(APIResponse[T], await method(self._resource, *args, **kwargs))

    call.__doc__ = method.__doc__
    call.__name__ = getattr(method, "__name__", "call")
    return call


def async_streamed_method(
    method: Callable[Concatenate[Any, P], Awaitable[T]],
) -> Callable[Concatenate[Any, P], AsyncStreamedResponseContext[T]]:
    """`method` of an asyncio resource, answering with an `AsyncStreamedResponse` instead."""

    def call(
        self: ResourceView, /, *args: P.args, **kwargs: P.kwargs
    ) -> AsyncStreamedResponseContext[T]:
        answer = method(self._resource, *args, **kwargs)
        return AsyncStreamedResponseContext(cast(Awaitable[AsyncStreamedResponse[T]], answer))

    call.__doc__ = method.__doc__
    call.__name__ = getattr(method, "__name__", "call")
    return call


class AsyncStreamCall(Generic[T]):
    """What an asyncio method asked for a stream returns: `await` it for the `AsyncStream`, or
    use it in `async with` (the stream is closed at the end of the block).

        async with client.<resource>.<method>(..., stream=True) as stream:
            async for chunk in stream:
                ...
    """

    __slots__ = ("_call", "_stream")

    def __init__(self, call: Coroutine[Any, Any, AsyncStream[T]]) -> None:
        self._call = call
        self._stream: AsyncStream[T] | None = None

    def __await__(self) -> Generator[Any, None, AsyncStream[T]]:
        return self._call.__await__()

    async def __aenter__(self) -> AsyncStream[T]:
        self._stream = await self._call
        return self._stream

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._stream is not None:
            await self._stream.aclose()


def keyword_body(
    body: object,
    fields: Mapping[str, object],
    required: tuple[tuple[str, str], ...],
    method: str,
    *,
    body_required: bool = True,
) -> object:
    """The request body of a call: `body` when given whole, else the keyword arguments that
    were passed (`fields`: wire name -> value, `NOT_GIVEN` for those left out), in the schema's
    order. `required` are the (wire name, argument) pairs the keyword form must have."""
    given = {name: value for name, value in fields.items() if value is not NOT_GIVEN}
    if body is not None:
        if given:
            names = ", ".join(sorted(given))
            raise TypeError(f"{method}() takes the body or its properties, not both ({names})")
        return body
    missing = [argument for name, argument in required if name not in given]
    if missing:
        listed = ", ".join(repr(argument) for argument in missing)
        raise TypeError(f"{method}() missing required keyword argument(s): {listed}")
    if not given and not body_required:
        return None
    return given
