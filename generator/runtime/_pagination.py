"""Pages of list operations: iterate one and it fetches the next pages as it goes.

    for item in client.files.list():           # every item, page after page
        ...
    page = client.files.list(limit=20)         # or page by page
    while True:
        print(page.data)
        if not page.has_next_page():
            break
        page = page.next_page()

On `AsyncClient`, a list method returns an `AsyncPager`: `await` it for the first `AsyncPage`,
or `async for` over every item. How a list pages (a cursor, a token, an offset, a page number,
a link to the next page) is data from the generated resource module, a `Paging`; each next
request is the first one with its cursor (or offset, page, link) changed, sent by the same
client with its retries, timeouts and errors. A page that does not advance (the same cursor
twice) raises instead of looping.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, TypeVar
from urllib.parse import urljoin

import httpx
from pydantic import BaseModel

from ._base_client import PARSED, AsyncAPIClient, RequestParts, SyncAPIClient, TimeoutTypes
from ._base_client import NotGiven as _NotGiven
from ._exceptions import APIError

__all__ = ["AsyncPage", "AsyncPager", "Paging", "SyncPage", "async_pages", "sync_pages"]

R = TypeVar("R")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Paging:
    """How a list operation pages (see `generator.ir.Pagination`): `style` is `cursor`,
    `token`, `offset`, `page` or `next_link`; names are the wire's."""

    style: str
    items: str | None  # the response property holding the items; None: the response is a list
    param: str | None = None  # the query parameter the next request changes
    next: str | None = None  # the response field of the next cursor, token or link
    item_field: str | None = None  # cursor: the item field whose last value is the cursor
    has_more: str | None = None  # the response's boolean: more pages follow
    first: int = 1  # page: the number of the first page


def field_of(value: object, name: str) -> Any:
    """A field of a parsed response or item, by its wire name (a model's alias, an unknown
    field it kept, or a mapping's key)."""
    if isinstance(value, BaseModel):
        attribute = _attribute(type(value), name)
        if attribute is not None:
            return getattr(value, attribute)
        return (value.model_extra or {}).get(name)
    if isinstance(value, Mapping):
        return value.get(name)
    return getattr(value, name, None)


@lru_cache(maxsize=1024)
def _attribute(model: type[BaseModel], name: str) -> str | None:
    for attribute, info in model.model_fields.items():
        if (info.alias or attribute) == name:
            return attribute
    return None


class _Page(Generic[R, T]):
    """What both pages share: the parsed response, its items, and the next request."""

    def __init__(
        self,
        result: R,
        parts: RequestParts,
        timeout: TimeoutTypes | _NotGiven,
        paging: Paging,
        base_url: str,
    ) -> None:
        self.result = result
        """The parsed response of this page (the operation's result model)."""
        items: Any = result if paging.items is None else field_of(result, paging.items)
        self.data: list[T] = list(items or ())
        """The items of this page."""
        self._parts = parts
        self._timeout = timeout
        self._paging = paging
        self._base_url = base_url

    def has_next_page(self) -> bool:
        """Whether another page follows (asking the server for it is `next_page()`)."""
        return self._next_parts() is not None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {len(self.data)} items>"

    def _more(self) -> bool:
        if not self.data and self._paging.style != "next_link":
            return False
        return self._paging.has_more is None or bool(field_of(self.result, self._paging.has_more))

    def _next_parts(self) -> RequestParts | None:
        paging = self._paging
        if paging.style == "next_link":
            link = field_of(self.result, paging.next) if paging.next else None
            return self._follow(str(link)) if link and self._more() else None
        if not self._more() or paging.param is None:
            return None
        current = _query_value(self._parts, paging.param)
        if paging.style in ("offset", "page"):
            start = 0 if paging.style == "offset" else paging.first
            position = int(current) if current is not None else start
            step = len(self.data) if paging.style == "offset" else 1
            return _with_query(self._parts, paging.param, str(position + step))
        value = field_of(self.result, paging.next) if paging.next else None
        if not value and paging.item_field and self.data:
            value = field_of(self.data[-1], paging.item_field)
        if value is None or value == "":
            return None
        if current is not None and str(value) == str(current):
            raise APIError(
                f"The next page's {paging.param} is this page's ({value!r}): the list does not"
                " advance, so iteration stops here."
            )
        return _with_query(self._parts, paging.param, str(value))

    def _follow(self, link: str) -> RequestParts:
        """The request for a next-page link: under the client's base URL, or refused (the
        client's credential must not travel to another server)."""
        base = self._base_url.rstrip("/")
        absolute = urljoin(base + "/", link)
        if not absolute.startswith(base + "/"):
            raise APIError(
                "The next page's link leaves the client's base URL; it is not followed (the"
                " token would go with it)."
            )
        return _copy(self._parts, absolute[len(base) :], None)


class SyncPage(_Page[R, T]):
    """One page of a list on `Client`; iterating it yields every item of every page from this
    one on, fetching the next as it goes."""

    def __init__(
        self,
        client: SyncAPIClient,
        result: R,
        parts: RequestParts,
        timeout: TimeoutTypes | _NotGiven,
        parse: Callable[[httpx.Response], R],
        paging: Paging,
    ) -> None:
        super().__init__(result, parts, timeout, paging, client.base_url)
        self._client = client
        self._parse = parse

    def next_page(self) -> SyncPage[R, T]:
        """The next page (a request); `has_next_page()` says whether there is one."""
        parts = self._next_parts()
        if parts is None:
            raise APIError("There is no next page: check has_next_page() first.")
        return self._client._call(
            parts,
            self._timeout,
            sync_pages(self._client, parts, self._timeout, self._parse, self._paging),
        )

    def iter_pages(self) -> Iterator[SyncPage[R, T]]:
        """This page and every page after it."""
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = page.next_page()

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.data


class AsyncPage(_Page[R, T]):
    """One page of a list on `AsyncClient`; `async for` over it yields every item of every
    page from this one on, fetching the next as it goes."""

    def __init__(
        self,
        client: AsyncAPIClient,
        result: R,
        parts: RequestParts,
        timeout: TimeoutTypes | _NotGiven,
        parse: Callable[[httpx.Response], R],
        paging: Paging,
    ) -> None:
        super().__init__(result, parts, timeout, paging, client.base_url)
        self._client = client
        self._parse = parse

    async def next_page(self) -> AsyncPage[R, T]:
        """The next page (a request); `has_next_page()` says whether there is one."""
        parts = self._next_parts()
        if parts is None:
            raise APIError("There is no next page: check has_next_page() first.")
        return await self._client._call(
            parts,
            self._timeout,
            async_pages(self._client, parts, self._timeout, self._parse, self._paging),
        )

    async def iter_pages(self) -> AsyncIterator[AsyncPage[R, T]]:
        """This page and every page after it."""
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = await page.next_page()

    async def _items(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()


class AsyncPager(Generic[R, T]):
    """What a list method of `AsyncClient` returns: `await` it for the first page, or
    `async for` over every item of every page."""

    __slots__ = ("_client", "_paging", "_parse", "_parts", "_timeout")

    def __init__(
        self,
        client: AsyncAPIClient,
        parts: RequestParts,
        timeout: TimeoutTypes | _NotGiven,
        parse: Callable[[httpx.Response], R],
        paging: Paging,
    ) -> None:
        self._client = client
        self._parts = parts
        self._timeout = timeout
        self._parse = parse
        self._paging = paging

    def __await__(self) -> Generator[Any, None, AsyncPage[R, T]]:
        return self._first().__await__()

    async def _first(self) -> AsyncPage[R, T]:
        parse = async_pages(self._client, self._parts, self._timeout, self._parse, self._paging)
        page: AsyncPage[R, T] = await self._client._call(self._parts, self._timeout, parse)
        return page

    async def _items(self) -> AsyncIterator[T]:
        page = await self
        async for item in page:
            yield item

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()


def sync_pages(
    client: SyncAPIClient,
    parts: RequestParts,
    timeout: TimeoutTypes | _NotGiven,
    parse: Callable[[httpx.Response], R],
    paging: Paging,
) -> Callable[[httpx.Response], SyncPage[R, Any]]:
    """The parser of a list's answer: the page, holding what it needs to fetch the next."""
    fetcher = client if client._mode is PARSED else client._view(PARSED)
    return lambda response: SyncPage(fetcher, parse(response), parts, timeout, parse, paging)


def async_pages(
    client: AsyncAPIClient,
    parts: RequestParts,
    timeout: TimeoutTypes | _NotGiven,
    parse: Callable[[httpx.Response], R],
    paging: Paging,
) -> Callable[[httpx.Response], AsyncPage[R, Any]]:
    """The parser of a list's answer on `AsyncClient`."""
    fetcher = client if client._mode is PARSED else client._view(PARSED)
    return lambda response: AsyncPage(fetcher, parse(response), parts, timeout, parse, paging)


# --- the next request ----------------------------------------------------------------------------


def _query_value(parts: RequestParts, name: str) -> str | None:
    for key, value in reversed(parts.params or ()):
        if key == name:
            return str(value)
    return None


def _with_query(parts: RequestParts, name: str, value: str) -> RequestParts:
    params = [(key, item) for key, item in parts.params or () if key != name]
    params.append((name, value))
    return _copy(parts, parts.path, params)


def _copy(parts: RequestParts, path: str, params: list[tuple[str, Any]] | None) -> RequestParts:
    return RequestParts(
        parts.method,
        path,
        params,
        parts.headers,
        parts.content,
        parts.content_type,
        parts.accept,
        parts.data,
        parts.files,
    )
