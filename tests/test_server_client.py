"""The generated client against the generated server, over real HTTP: plain and streaming calls,
sync and async, and the errors the server sends arriving as the client's typed exceptions."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from chat_completions import models
from chat_completions.server import create_app, static_tokens

from tests.conftest import GENERATED, SEED
from tests.test_server import TOKEN, RunningServer, Scripted

client_module = pytest.importorskip("chat_completions.client")
errors = pytest.importorskip("chat_completions.errors")

SIMPLE = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hello"}]}
DOCUMENT = json.loads((GENERATED / "chat_completions" / "openapi.json").read_text())
OPERATION = DOCUMENT["paths"][
    "/tenant/{tenant}/release/{release}/openai-compatible/v1/chat/completions"
]["post"]
FIRST_JSON = next(
    iter(OPERATION["responses"]["200"]["content"]["application/json"]["examples"].values())
)["value"]
# The example stream: one example per event, in the order they are sent.
STREAM = [
    example["value"]
    for example in OPERATION["responses"]["200"]["content"]["text/event-stream"][
        "examples"
    ].values()
]


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with RunningServer(create_app(Scripted(), authenticate=static_tokens([TOKEN]))) as server:
        yield server.url


def client(url: str, token: str = TOKEN) -> Any:
    return client_module.Client(
        base_url=url, token=token, tenant="acme", release="r1", max_retries=0
    )


def async_client(url: str) -> Any:
    return client_module.AsyncClient(
        base_url=url, token=TOKEN, tenant="acme", release="r1", max_retries=0
    )


def dumped(model: Any) -> Any:
    return model.model_dump(mode="json", by_alias=True, exclude_unset=True)


def test_sync_plain(url: str) -> None:
    with client(url) as api:
        result = api.chat.completions.create(
            models.CreateChatCompletionRequest.model_validate(SIMPLE)
        )
    assert isinstance(result, models.CreateChatCompletionResponse)
    assert dumped(result) == FIRST_JSON


def test_sync_seed_round_trip(url: str) -> None:
    """The seed asks to stream and gets the example stream; without `stream`, the seed response."""
    seed = json.loads((SEED / "request.json").read_text())
    with client(url) as api:
        with api.chat.completions.create(seed, stream=True) as stream:
            assert [dumped(chunk) for chunk in stream] == STREAM
        result = api.chat.completions.create({**seed, "stream": False})
    assert dumped(result) == json.loads((SEED / "response.json").read_text())


def test_sync_stream(url: str) -> None:
    with (
        client(url) as api,
        api.chat.completions.create(SIMPLE, stream=True) as stream,
    ):
        chunks = list(stream)
    assert all(isinstance(chunk, models.CreateChatCompletionStreamResponse) for chunk in chunks)
    assert [dumped(chunk) for chunk in chunks] == STREAM


def test_async_plain_and_stream(url: str) -> None:
    async def run() -> tuple[Any, list[Any]]:
        async with async_client(url) as api:
            result = await api.chat.completions.create(SIMPLE)
            stream = await api.chat.completions.create(SIMPLE, stream=True)
            chunks = [chunk async for chunk in stream]
        return result, chunks

    result, chunks = asyncio.run(run())
    assert dumped(result) == FIRST_JSON
    assert [dumped(chunk) for chunk in chunks] == STREAM


def test_async_many_in_parallel(url: str) -> None:
    async def run() -> list[Any]:
        async with async_client(url) as api:
            return await asyncio.gather(*(api.chat.completions.create(SIMPLE) for _ in range(50)))

    assert [dumped(result) for result in asyncio.run(run())] == [FIRST_JSON] * 50


def test_bad_request_is_the_clients_bad_request_error(url: str) -> None:
    with client(url) as api, pytest.raises(errors.BadRequestError) as raised:
        api.chat.completions.create({"model": "m", "messages": [{"role": "user", "content": 5}]})
    assert raised.value.status_code == 400
    assert raised.value.data["error"]["param"] == "messages[0].content"
    assert raised.value.request_id


def test_bad_token_is_the_clients_authentication_error(url: str) -> None:
    with client(url, token="wrong") as api, pytest.raises(errors.AuthenticationError) as raised:
        api.chat.completions.create(SIMPLE)
    assert raised.value.status_code == 401
    assert raised.value.code == "invalid_api_key"


def test_bad_path_parameter_is_a_400(url: str) -> None:
    with client(url) as api, pytest.raises(errors.BadRequestError) as raised:
        api.chat.completions.create(SIMPLE, tenant="-nope")
    assert raised.value.data["error"]["param"] == "tenant"


def test_handler_errors_reach_the_client(url: str) -> None:
    with client(url) as api:
        with pytest.raises(errors.NotFoundError) as not_found:
            api.chat.completions.create(SIMPLE, tenant="teapot")
        assert not_found.value.code == "model_not_found"
        with pytest.raises(errors.InternalServerError):
            api.chat.completions.create(SIMPLE, tenant="boom")


def test_mid_stream_error_reaches_the_client(url: str) -> None:
    received = []
    with client(url) as api, pytest.raises(errors.APIError) as raised:
        for chunk in api.chat.completions.create(SIMPLE, stream=True, tenant="midstream"):
            received.append(chunk)
    assert len(received) == 2
    assert not isinstance(raised.value, errors.APIStatusError)
