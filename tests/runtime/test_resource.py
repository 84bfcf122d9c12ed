"""Resources and their views (generator/runtime/_resource.py) without generating anything: a
resource's methods through `with_raw_response` and `with_streaming_response`, keyword bodies,
and the asyncio stream call that is awaited or used in `async with`."""

from __future__ import annotations

import asyncio
import json
from functools import cached_property
from typing import Any

import httpx
import pytest

from generator.runtime._base_client import (
    NOT_GIVEN,
    APIResponse,
    AsyncAPIClient,
    RequestParts,
    RetryPolicy,
    StreamedResponse,
    SyncAPIClient,
    json_parser,
)
from generator.runtime._resource import (
    AsyncResource,
    AsyncStreamCall,
    RawView,
    StreamedView,
    SyncResource,
    async_raw_method,
    keyword_body,
    raw_method,
    streamed_method,
    view_of,
)
from generator.runtime._streaming import AsyncStream


def settings(http: httpx.Client | httpx.AsyncClient) -> dict[str, Any]:
    return {
        "http_client": http,
        "base_url": "http://api.test",
        "token": "t",
        "auth": ("bearer", None, None),
        "timeout": 5.0,
        "retry": RetryPolicy(max_retries=0),
        "default_headers": None,
        "user_agent": "resource-tests/1",
    }


def answer(request: httpx.Request) -> httpx.Response:
    if request.headers["accept"] == "text/event-stream":
        body = b'data: {"n": 1}\n\ndata: {"n": 2}\n\ndata: [DONE]\n\n'
        return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})
    return httpx.Response(200, json={"path": request.url.path}, headers={"x-request-id": "r1"})


class Items(SyncResource):
    @cached_property
    def with_raw_response(self) -> ItemsWithRawResponse:
        return ItemsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> ItemsWithStreamingResponse:
        return ItemsWithStreamingResponse(self)

    def retrieve(self, item_id: str) -> Any:
        """Retrieve an item."""
        return self._client._call(
            RequestParts("GET", f"/items/{item_id}", None, None, None, None, "application/json"),
            NOT_GIVEN,
            json_parser,
        )


class ItemsWithRawResponse(RawView):
    retrieve = raw_method(Items.retrieve)


class ItemsWithStreamingResponse(StreamedView):
    retrieve = streamed_method(Items.retrieve)


class AsyncItems(AsyncResource):
    def stream(self) -> AsyncStreamCall[Any]:
        parts = RequestParts("GET", "/events", None, None, None, None, "text/event-stream")
        return AsyncStreamCall(self._client._call_stream(parts, NOT_GIVEN, _json, "[DONE]"))

    async def retrieve(self, item_id: str) -> Any:
        parts = RequestParts("GET", f"/items/{item_id}", None, None, None, None, "application/json")
        return await self._client._call(parts, NOT_GIVEN, json_parser)


class AsyncItemsWithRawResponse(RawView):
    retrieve = async_raw_method(AsyncItems.retrieve)


def _json(data: str) -> Any:
    return json.loads(data)


def test_a_resource_and_its_views() -> None:
    with httpx.Client(transport=httpx.MockTransport(answer)) as http:
        client = SyncAPIClient(**settings(http))
        items = Items(client)
        assert items.retrieve("a") == {"path": "/items/a"}
        raw = items.with_raw_response.retrieve("b")
        assert isinstance(raw, APIResponse) and raw.request_id == "r1"
        assert raw.parse() == {"path": "/items/b"}
        assert items.with_raw_response.retrieve.__doc__ == "Retrieve an item."
        with items.with_streaming_response.retrieve("c") as streamed:
            assert isinstance(streamed, StreamedResponse) and streamed.parse() == {
                "path": "/items/c"
            }
        # The views use views of the client: the resource's own client still parses.
        assert items.retrieve("d") == {"path": "/items/d"}
        assert view_of(client, "raw")._mode == "raw" and client._mode == "parsed"


def test_a_view_of_a_client_forgets_the_resources_it_loaded() -> None:
    class Root(SyncAPIClient):
        @cached_property
        def items(self) -> Items:
            return Items(self)

    with httpx.Client(transport=httpx.MockTransport(answer)) as http:
        root = Root(**settings(http))
        assert root.items._client is root
        view = root._view("raw")
        assert view.items._client is view  # made on the view, not the root's


def test_an_async_stream_call_is_awaited_or_used_in_async_with() -> None:
    async def run() -> tuple[list[Any], list[Any], Any]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
            items = AsyncItems(AsyncAPIClient(**settings(http)))
            async with items.stream() as stream:
                assert isinstance(stream, AsyncStream)
                inside = [event async for event in stream]
            awaited = await items.stream()
            async with awaited:
                outside = [event async for event in awaited]
            raw = await AsyncItemsWithRawResponse(items).retrieve("e")
            return inside, outside, raw.parse()

    inside, outside, parsed = asyncio.run(run())
    assert inside == outside == [{"n": 1}, {"n": 2}]
    assert parsed == {"path": "/items/e"}


def test_keyword_bodies() -> None:
    fields = {"model": "m", "messages": [], "temperature": NOT_GIVEN, "user": None}
    required = (("model", "model"), ("messages", "messages"))
    assert keyword_body(None, fields, required, "create") == {
        "model": "m",
        "messages": [],
        "user": None,
    }
    assert keyword_body({"whole": 1}, dict.fromkeys(fields, NOT_GIVEN), required, "create") == {
        "whole": 1
    }
    with pytest.raises(TypeError, match="takes the body or its properties, not both"):
        keyword_body({"whole": 1}, fields, required, "create")
    with pytest.raises(
        TypeError, match=r"create\(\) missing required keyword argument\(s\): 'model'"
    ):
        keyword_body(None, {"model": NOT_GIVEN, "messages": []}, required, "create")
    nothing = dict.fromkeys(fields, NOT_GIVEN)
    assert keyword_body(None, nothing, (), "update", body_required=False) is None
    assert keyword_body(None, nothing, (), "update") == {}
