"""Pages of lists (generator/runtime/_pagination.py) without generating anything: each style's
next request, iteration to the end, sync and async, and the cases that must stop (the end, a
cursor that does not advance, a link to another server). The API is a function over the
request (httpx's MockTransport); the generated client against the generated server is
tests/test_client_pages.py's."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, ConfigDict, Field

from generator.runtime._base_client import (
    NOT_GIVEN,
    RAW,
    AsyncAPIClient,
    RequestParts,
    RetryPolicy,
    SyncAPIClient,
    json_parser,
    model_parser,
)
from generator.runtime._exceptions import APIError
from generator.runtime._pagination import (
    AsyncPage,
    AsyncPager,
    Paging,
    SyncPage,
    field_of,
    sync_pages,
)

NAMES = [f"n{index}" for index in range(7)]
Answer = Callable[[httpx.Request], dict[str, Any] | list[Any]]


def settings(answer: Answer, async_: bool = False) -> dict[str, Any]:
    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=answer(request))

    transport = httpx.MockTransport(respond)
    http = httpx.AsyncClient(transport=transport) if async_ else httpx.Client(transport=transport)
    return {
        "http_client": http,
        "base_url": "http://api.test/v1",
        "token": "t",
        "auth": ("bearer", None, None),
        "timeout": 5.0,
        "retry": RetryPolicy(max_retries=0),
        "default_headers": None,
        "user_agent": "pagination-tests/1",
    }


def get(path: str = "/items", params: list[tuple[str, Any]] | None = None) -> RequestParts:
    return RequestParts("GET", path, params, None, None, None, "application/json")


def first(
    client: SyncAPIClient, paging: Paging, parts: RequestParts | None = None
) -> SyncPage[Any, Any]:
    parts = parts or get()
    return client._call(parts, NOT_GIVEN, sync_pages(client, parts, NOT_GIVEN, json_parser, paging))


def cursor_api(seen: list[str | None]) -> Answer:
    def answer(request: httpx.Request) -> dict[str, Any]:
        after = request.url.params.get("after")
        seen.append(after)
        start = NAMES.index(after) + 1 if after else 0
        page = NAMES[start : start + 3]
        return {"data": [{"id": n} for n in page], "has_more": start + 3 < len(NAMES)}

    return answer


def test_a_cursor_list_pages_after_the_last_item() -> None:
    seen: list[str | None] = []
    paging = Paging("cursor", "data", param="after", item_field="id", has_more="has_more")
    with SyncAPIClient(**settings(cursor_api(seen))) as client:
        page = first(client, paging, get(params=[("limit", 3)]))
        assert [item["id"] for item in page.data] == ["n0", "n1", "n2"] and page.has_next_page()
        assert [item["id"] for item in page] == NAMES  # every item, fetching as it goes
        assert seen == [None, "n2", "n5"]
        last = page.next_page().next_page()
        assert [item["id"] for item in last.data] == ["n6"] and not last.has_next_page()
        with pytest.raises(APIError, match="no next page"):
            last.next_page()
        assert [len(p.data) for p in page.iter_pages()] == [3, 3, 1]


def test_a_cursor_that_does_not_advance_stops_with_an_error() -> None:
    def stuck(request: httpx.Request) -> dict[str, Any]:
        return {"data": [{"id": "same"}], "has_more": True, "last_id": "same"}

    paging = Paging("cursor", "data", param="after", next="last_id", has_more="has_more")
    with SyncAPIClient(**settings(stuck)) as client:
        page = first(client, paging)
        with pytest.raises(APIError, match="does not advance"):
            list(page)


def test_tokens_offsets_and_page_numbers() -> None:
    def tokens(request: httpx.Request) -> dict[str, Any]:
        token = request.url.params.get("page_token")
        start = int(token) if token else 0
        return {
            "items": NAMES[start : start + 4],
            "next_page_token": str(start + 4) if start + 4 < 7 else None,
        }

    def offsets(request: httpx.Request) -> list[str]:
        offset = int(request.url.params.get("offset", 0))
        return NAMES[offset : offset + 2]

    pages_asked: list[str] = []

    def numbered(request: httpx.Request) -> dict[str, Any]:
        number = int(request.url.params.get("page", "1"))
        pages_asked.append(str(number))
        return {"data": NAMES[(number - 1) * 3 : number * 3]}

    with SyncAPIClient(**settings(tokens)) as client:
        assert (
            list(
                first(client, Paging("token", "items", param="page_token", next="next_page_token"))
            )
            == NAMES
        )
    with SyncAPIClient(**settings(offsets)) as client:
        assert list(first(client, Paging("offset", None, param="offset"))) == NAMES
    with SyncAPIClient(**settings(numbered)) as client:
        assert list(first(client, Paging("page", "data", param="page", first=1))) == NAMES
    assert pages_asked == ["1", "2", "3", "4"]  # an empty page ends the list


def test_next_links_stay_under_the_base_url() -> None:
    def linked(request: httpx.Request) -> dict[str, Any]:
        step = int(request.url.params.get("step", "0"))
        links = {0: "/v1/items?step=1", 1: "http://api.test/v1/items?step=2", 2: None}
        return {"data": [step], "next": links[step]}

    def leaking(request: httpx.Request) -> dict[str, Any]:
        return {"data": [1], "next": "http://elsewhere.test/v1/items?step=1"}

    paging = Paging("next_link", "data", next="next")
    with SyncAPIClient(**settings(linked)) as client:
        assert list(first(client, paging)) == [0, 1, 2]
    with SyncAPIClient(**settings(leaking)) as client:
        page = first(client, paging)
        with pytest.raises(APIError, match="leaves the client's base URL"):
            page.has_next_page()


def test_a_raw_view_parses_into_a_page_that_fetches_with_the_plain_client() -> None:
    seen: list[str | None] = []
    paging = Paging("cursor", "data", param="after", item_field="id", has_more="has_more")
    with SyncAPIClient(**settings(cursor_api(seen))) as client:
        raw_client = client._view(RAW)
        parts = get()
        response = raw_client._call(
            parts, NOT_GIVEN, sync_pages(raw_client, parts, NOT_GIVEN, json_parser, paging)
        )
        page = response.parse()
        assert isinstance(page, SyncPage) and len(list(page)) == 7


def test_async_pages_are_awaited_or_iterated() -> None:
    seen: list[str | None] = []
    paging = Paging("cursor", "data", param="after", item_field="id", has_more="has_more")

    async def run() -> tuple[list[str], list[int]]:
        async with AsyncAPIClient(**settings(cursor_api(seen), async_=True)) as client:
            items = [
                item["id"]
                async for item in AsyncPager(client, get(), NOT_GIVEN, json_parser, paging)
            ]
            page = await AsyncPager[Any, Any](client, get(), NOT_GIVEN, json_parser, paging)
            assert isinstance(page, AsyncPage)
            sizes = [len(p.data) async for p in page.iter_pages()]
            return items, sizes

    items, sizes = asyncio.run(run())
    assert items == NAMES and sizes == [3, 3, 1]


class Listing(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    items_: list[str] = Field(alias="items")


def test_fields_are_read_by_wire_name_from_models_and_mappings() -> None:
    listing = Listing.model_validate({"items": ["a"], "next": "x"})
    assert field_of(listing, "items") == ["a"] and field_of(listing, "next") == "x"
    assert field_of({"a": 1}, "a") == 1 and field_of(listing, "absent") is None
    parse = model_parser(Listing)
    answer = json.dumps({"items": ["a", "b"]}).encode()
    response = httpx.Response(200, content=answer, request=httpx.Request("GET", "http://api.test"))
    page = SyncPage[Any, str](
        SyncAPIClient(**settings(lambda request: {})),
        parse(response),
        get(),
        NOT_GIVEN,
        parse,
        Paging("offset", "items", param="offset"),
    )
    assert page.data == ["a", "b"] and page.result.items_ == ["a", "b"]
