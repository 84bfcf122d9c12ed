"""Per-request overhead of the generated client, beside raw httpx and the official openai SDK.

One local server process (plain asyncio, HTTP/1.1 keep-alive, on 127.0.0.1) answers every POST
with the seed response, or, when the body asks for a stream, with 6 SSE chunks and
`data: [DONE]`. The clients run here, one after another in interleaved rounds (so that drift on
a shared machine hits them all alike), each sending sequential requests; a figure is the median
over rounds of the mean time per request, server time included, and the ratio is to raw httpx
in the same run (`ratio_best_rounds` compares the fastest rounds: less sensitive to a busy machine).

    raw httpx                 httpx.Client.post(json=...) then json.loads (no validation)
    httpx + model             the same, then the response model's model_validate_json
    generated Client          chat.completions.create(**BODY): keyword arguments, retries armed,
                              errors typed, validated
    openai SDK                OpenAI(base_url=.../openai-compatible/v1).chat.completions.create

Run: .venv/bin/python bench/bench_client.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "generated"))

from bench.measure import SEED  # noqa: E402 (importable once ROOT is on the path)

TENANT, RELEASE = "acme", "r1"
PREFIX = f"/tenant/{TENANT}/release/{RELEASE}/openai-compatible/v1"
BODY = {"model": "test-model", "messages": [{"role": "user", "content": "hi"}]}
STREAM_WORDS = ["Hello", " world", ",", " how", " are", " you?"]


# --- the server (run as a subprocess: `bench_client.py --serve`) ---------------------------------


def _stream_body() -> bytes:
    events = []
    for index, word in enumerate(STREAM_WORDS):
        last = index == len(STREAM_WORDS) - 1
        chunk = {
            "id": "chatcmpl-bench",
            "object": "chat.completion.chunk",
            "created": 1700000000,
            "model": "test-model",
            "choices": [
                {
                    "index": 0,
                    "delta": {"role": "assistant", "content": word}
                    if index == 0
                    else {"content": word},
                    "finish_reason": "stop" if last else None,
                }
            ],
        }
        events.append(f"data: {json.dumps(chunk)}\n\n".encode())
    events.append(b"data: [DONE]\n\n")
    return (
        b"".join(f"{len(event):x}\r\n".encode() + event + b"\r\n" for event in events)
        + b"0\r\n\r\n"
    )


class _Http(asyncio.Protocol):
    json_response = b""
    stream_response = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].lower()
            length = 0
            start = head.find(b"content-length:")
            if start >= 0:
                stop = head.find(b"\r\n", start)
                length = int(head[start + 15 : stop if stop >= 0 else len(head)])
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            streaming = b'"stream":true' in body or b'"stream": true' in body
            self.transport.write(self.stream_response if streaming else self.json_response)


def serve() -> None:
    seed = (SEED / "response.json").read_bytes()
    _Http.json_response = (
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: req-bench\r\n"
        + f"content-length: {len(seed)}\r\n\r\n".encode()
        + seed
    )
    _Http.stream_response = (
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nx-request-id: req-bench\r\n"
        b"transfer-encoding: chunked\r\n\r\n" + _stream_body()
    )

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(_Http, "127.0.0.1", 0)
        print(server.sockets[0].getsockname()[1], flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


class Server:
    def __enter__(self) -> str:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        port = int(self.process.stdout.readline())
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc_info: object) -> None:
        self.process.terminate()
        self.process.wait(10)


# --- the clients ----------------------------------------------------------------------------------


def _subjects(
    url: str,
) -> tuple[dict[str, Callable[[], Any]], dict[str, Callable[[], Any]], list[Any]]:
    """(non-streaming calls, streaming calls, things to close), one callable per client."""
    import httpx
    import openai
    from chat_completions import models
    from chat_completions.client import Client

    endpoint = url + PREFIX + "/chat/completions"
    headers = {"Authorization": "Bearer x"}
    stream_body = {**BODY, "stream": True}
    http = httpx.Client()
    generated = Client(base_url=url, token="x", tenant=TENANT, release=RELEASE)
    sdk = openai.OpenAI(base_url=url + PREFIX, api_key="x")
    validate = models.CreateChatCompletionResponse.model_validate_json

    def raw_httpx() -> Any:
        return json.loads(http.post(endpoint, json=BODY, headers=headers).content)

    def httpx_model() -> Any:
        return validate(http.post(endpoint, json=BODY, headers=headers).content)

    def generated_client() -> Any:
        return generated.chat.completions.create(**BODY)

    def openai_sdk() -> Any:
        return sdk.chat.completions.create(**BODY)  # type: ignore[call-overload]

    def raw_httpx_stream() -> Any:
        chunks = []
        with http.stream("POST", endpoint, json=stream_body, headers=headers) as response:
            for line in response.iter_lines():
                if line.startswith("data: "):
                    if line == "data: [DONE]":
                        break
                    chunks.append(json.loads(line[6:]))
        return chunks

    def generated_stream() -> Any:
        with generated.chat.completions.create(**BODY, stream=True) as stream:
            return list(stream)

    def openai_stream() -> Any:
        return list(sdk.chat.completions.create(**BODY, stream=True))  # type: ignore[call-overload]

    plain = {
        "raw httpx + json.loads": raw_httpx,
        "httpx + model_validate_json": httpx_model,
        "generated Client": generated_client,
        "openai SDK": openai_sdk,
    }
    streams = {
        "raw httpx + json.loads": raw_httpx_stream,
        "generated Client": generated_stream,
        "openai SDK": openai_stream,
    }
    return plain, streams, [http, generated, sdk]


def _measure(
    subjects: dict[str, Callable[[], Any]], rounds: int, requests: int
) -> dict[str, list[float]]:
    """Interleaved rounds; per subject, the mean µs per request of each round."""
    for call in subjects.values():  # warm-up: connections, imports, caches
        for _ in range(max(20, requests // 10)):
            call()
    times: dict[str, list[float]] = {name: [] for name in subjects}
    order = list(subjects.items())
    for round_number in range(rounds):
        shift = round_number % len(order)  # each subject takes each position in turn
        for name, call in order[shift:] + order[:shift]:
            start = time.perf_counter()
            for _ in range(requests):
                call()
            times[name].append((time.perf_counter() - start) / requests * 1e6)
    return times


def _rows(mode: str, times: dict[str, list[float]]) -> list[dict[str, object]]:
    baseline = times["raw httpx + json.loads"]
    rows: list[dict[str, object]] = []
    for name, samples in times.items():
        median = statistics.median(samples)
        rows.append(
            {
                "bench": "client",
                "mode": mode,
                "client": name,
                "us_per_request": round(median, 1),
                "min_us": round(min(samples), 1),
                "max_us": round(max(samples), 1),
                "ratio_to_raw_httpx": round(median / statistics.median(baseline), 3),
                "ratio_best_rounds": round(min(samples) / min(baseline), 3),
            }
        )
    return rows


def run(quick: bool = False) -> list[dict[str, object]]:
    rounds, requests, stream_requests = (4, 100, 50) if quick else (21, 100, 60)
    with Server() as url:
        plain, streams, resources = _subjects(url)
        try:
            rows = _rows("json", _measure(plain, rounds, requests))
            rows += _rows("stream", _measure(streams, rounds, stream_requests))
        finally:
            for resource in resources:
                resource.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer rounds, for a smoke test")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve:
        serve()
        return 0
    started = time.perf_counter()
    rows = run(quick=arguments.quick)
    columns = [
        "mode",
        "client",
        "us_per_request",
        "min_us",
        "max_us",
        "ratio_to_raw_httpx",
        "ratio_best_rounds",
    ]
    widths = {
        column: max(len(column), *(len(str(row.get(column, ""))) for row in rows))
        for column in columns
    }
    print("  ".join(column.ljust(widths[column]) for column in columns))
    for row in rows:
        print("  ".join(str(row.get(column, "")).ljust(widths[column]) for column in columns))
    print(f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
