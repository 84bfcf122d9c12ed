"""A small fault-injecting HTTP/1.1 server on 127.0.0.1, for testing the generated client, and
hostile raw-socket clients (at the end), for testing the generated server.

Plain asyncio streams, so that every byte on the wire is ours to choose: keep-alive, chunked
streams cut mid-body, stalls, error events. It runs in a thread of the test process, on a port
the OS picks, and records every request it receives.

Routes (chat-completions shaped, so the generated client can be pointed at it unchanged):

    /tenant/<scenario>/release/<key>/...   behave as <scenario>; <key> groups the attempts of one
                                           test (each test uses a fresh key)
    /echo/...                              answer with a JSON description of the request

Scenarios: ok, rate-limited (429 + Retry-After: 1, then 200), rate-limited-ms (429 +
retry-after-ms twice, then 200), rate-limited-long (429 + Retry-After: 3600), unavailable (503
always), unauthorized (401 echoing the bearer token), status-<code>, html-error (502, HTML),
slow (answers after 1 s), slow-once (slow on the first attempt only), drop (closes without an
answer), and the streams: stream, stream-cut (chunked body broken off), stream-cut-eof (clean
EOF before [DONE]), stream-error (error payload after one chunk), stream-error-event
(`event: error`), stream-json (JSON instead of SSE), stream-done-unterminated ([DONE] without
the final blank line), stream-stall (first chunk, then silence), stream-rate-limited (429 once,
then the stream).

Hostile answers (each bounded: nothing here runs for more than a minute):

    gzip-bomb-<MB>         200 JSON, gzip-encoded: a few hundred KB inflating to <MB> MB of spaces
    gzip-bomb-error-<MB>   the same as a 500
    deflate                200 JSON, deflate-encoded (zlib-wrapped), for a body that does decode
    redirect-loop          302 to itself, forever
    drip-head              the status line and headers a byte every 50 ms (a slowloris answer)
    drip-body              headers at once, then a 10,000-byte body a byte every 50 ms
    stream-comments        an event stream of `: keep-alive` comments every 50 ms, no event
    stream-long-line-<MB>  an event stream whose one `data:` line runs <MB> MB without an end
    stream-gzip-line-<MB>  the same, gzip-encoded (a few KB on the wire)
    echo-cut               401 whose JSON (no message field) has the bearer token across its
                           1,000th character
    echo-body              200 JSON that echoes the bearer token in a field of the wrong type
    echo-path              404 saying `Invalid URL (POST /tenant/../x)`, for a token `x`
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import select
import socket
import threading
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit


def chunk(index: int, content: str | None, finish: str | None = None) -> dict[str, object]:
    delta: dict[str, object] = {} if content is None else {"content": content}
    if index == 0:
        delta["role"] = "assistant"
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "test-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


STREAM_CHUNKS = [
    chunk(0, ""),
    chunk(1, "Hel"),
    chunk(2, "lo"),
    chunk(3, " wörld"),
    chunk(4, None, "stop"),
]


def error_body(message: str, kind: str = "server_error", code: str | None = None) -> bytes:
    return json.dumps(
        {"error": {"message": message, "type": kind, "param": None, "code": code}}
    ).encode()


@dataclass
class Received:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(urlsplit(self.target).query, keep_blank_values=True)


@dataclass
class FaultServer:
    host: str = "127.0.0.1"
    port: int = 0
    requests: dict[str, list[Received]] = field(default_factory=lambda: defaultdict(list))
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None
    _server: asyncio.base_events.Server | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def attempts(self, key: str) -> int:
        return len(self.requests.get(key, []))

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self) -> FaultServer:
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(ready,), name="fault-server", daemon=True
        )
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the fault server did not start within 10 s")
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _run(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._server = loop.run_until_complete(asyncio.start_server(self._connection, self.host, 0))
        self.port = self._server.sockets[0].getsockname()[1]
        ready.set()
        try:
            loop.run_forever()
        finally:
            loop.close()

    async def _shutdown(self) -> None:
        assert self._server is not None
        self._server.close()
        current = asyncio.current_task()
        tasks = [task for task in asyncio.all_tasks() if task is not current]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # --- HTTP ----------------------------------------------------------------------------------

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:  # keep-alive: one request after another until the client closes
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    if line:
                        name, _, value = line.partition(":")
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                request = Received(method, target, headers, body)
                keep_open = await self._respond(request, writer)
                if not keep_open:
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _respond(self, request: Received, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; False closes the connection."""
        parts = request.path.strip("/").split("/")
        if parts[0] == "echo":
            return await self._echo(request, writer)
        if len(parts) < 4 or parts[0] != "tenant":
            await send(writer, 404, error_body("no such route", "not_found"))
            return True
        scenario, key = parts[1], parts[3]
        self.requests[key].append(request)
        attempt = len(self.requests[key])
        rid = {"x-request-id": f"req-{key}-{attempt}"}
        if scenario == "ok":
            await send(writer, 200, seed_response(), rid)
        elif scenario == "rate-limited":
            if attempt == 1:
                await send(
                    writer, 429, error_body("slow down", "rate_limit"), {**rid, "retry-after": "1"}
                )
            else:
                await send(writer, 200, seed_response(), rid)
        elif scenario == "rate-limited-ms":
            if attempt <= 2:
                await send(
                    writer,
                    429,
                    error_body("slow down", "rate_limit"),
                    {**rid, "retry-after-ms": "150"},
                )
            else:
                await send(writer, 200, seed_response(), rid)
        elif scenario == "rate-limited-long":
            await send(
                writer,
                429,
                error_body("quota", "insufficient_quota"),
                {**rid, "retry-after": "3600"},
            )
        elif scenario == "unavailable":
            await send(writer, 503, error_body("overloaded"), rid)
        elif scenario == "unauthorized":
            token = request.headers.get("authorization", "").removeprefix("Bearer ")
            message = f"Incorrect API key provided: {token}."
            await send(
                writer, 401, error_body(message, "invalid_request_error", "invalid_api_key"), rid
            )
        elif scenario.startswith("status-"):
            await send(writer, int(scenario.removeprefix("status-")), error_body(scenario), rid)
        elif scenario == "html-error":
            await send(
                writer,
                502,
                b"<html><body>Bad gateway</body></html>",
                {**rid, "content-type": "text/html"},
            )
        elif scenario == "slow" or (scenario == "slow-once" and attempt == 1):
            await asyncio.sleep(1.0)
            await send(writer, 200, seed_response(), rid)
        elif scenario == "slow-once":
            await send(writer, 200, seed_response(), rid)
        elif scenario == "drop":
            return False
        elif scenario.startswith("stream-") and scenario.split("-")[1] in (
            "comments",
            "long",
            "gzip",
        ):
            return await self._hostile_stream(scenario, writer, rid)
        elif scenario.startswith("stream"):
            return await self._stream(scenario, attempt, writer, rid)
        elif scenario.startswith(("gzip-bomb", "deflate", "redirect", "drip", "echo-")):
            return await self._hostile(scenario, request, writer, rid)
        else:
            await send(writer, 404, error_body(f"no scenario {scenario}", "not_found"), rid)
        return True

    async def _stream(
        self, scenario: str, attempt: int, writer: asyncio.StreamWriter, rid: dict[str, str]
    ) -> bool:
        if scenario == "stream-json":
            await send(writer, 200, seed_response(), rid)
            return True
        if scenario == "stream-rate-limited" and attempt == 1:
            await send(
                writer, 429, error_body("slow down", "rate_limit"), {**rid, "retry-after-ms": "10"}
            )
            return True
        eof = scenario == "stream-cut-eof"
        head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\ncache-control: no-cache\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in rid.items())
        head += "connection: close\r\n\r\n" if eof else "transfer-encoding: chunked\r\n\r\n"
        writer.write(head.encode())

        async def piece(data: bytes) -> None:
            writer.write(data if eof else f"{len(data):x}\r\n".encode() + data + b"\r\n")
            await writer.drain()

        events = [
            f"data: {json.dumps(item, ensure_ascii=False)}\n\n".encode() for item in STREAM_CHUNKS
        ]
        if scenario in ("stream", "stream-rate-limited"):
            await piece(b": keep-alive\n\n")
            await piece(events[0] + b": ping\n\n" + b"retry: 3000\nid: 1\n")
            await piece(events[1][:7])  # a line split across writes
            await piece(events[1][7:] + b"event: message\r\n")
            multiline = json.dumps(STREAM_CHUNKS[2], indent=1).replace("\n", "\ndata: ")
            await piece(f"data: {multiline}\r\n\r\n".encode())  # multi-line data, CRLF line ends
            await piece(b"data:\n\n")  # an event with empty data: skipped
            text = events[3]
            cut = text.index("ö".encode()) + 1  # in the middle of a UTF-8 character
            await piece(text[:cut])
            await piece(text[cut:] + events[4] + b": keep-alive\r")
            await piece(b"\ndata: [DONE]\n\n")
        elif scenario in ("stream-cut", "stream-cut-eof", "stream-stall"):
            await piece(events[0] + events[1])
            if scenario == "stream-stall":
                await asyncio.sleep(1.0)
            return False  # close with the body unfinished
        elif scenario == "stream-error":
            await piece(events[0])
            await piece(f"data: {error_body('the model crashed').decode()}\n\n".encode())
            await piece(b"data: [DONE]\n\n")
        elif scenario == "stream-error-event":
            await piece(events[0])
            await piece(b'event: error\ndata: {"message": "overloaded mid-stream"}\n\n')
        elif scenario == "stream-done-unterminated":
            await piece(events[0] + events[1] + b"data: [DONE]")
            writer.write(b"0\r\n\r\n")
            await writer.drain()
            return True
        if eof:
            return False
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        return True

    async def _hostile(
        self, scenario: str, request: Received, writer: asyncio.StreamWriter, rid: dict[str, str]
    ) -> bool:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if scenario.startswith("gzip-bomb"):
            status = 500 if scenario.startswith("gzip-bomb-error") else 200
            body = gzip_bomb(int(scenario.rsplit("-", 1)[1]))
            await send(writer, status, body, {**rid, "content-encoding": "gzip"})
        elif scenario == "deflate":
            body = zlib.compress(seed_response())
            await send(writer, 200, body, {**rid, "content-encoding": "deflate"})
        elif scenario == "redirect-loop":
            await send(writer, 302, b"", {**rid, "location": request.target})
        elif scenario == "drip-head":
            head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
            head += f"content-length: {len(seed_response())}\r\n" + "x-padding: " + "p" * 400
            for byte in head.encode():  # at most 30 s
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(0.05)
            return False
        elif scenario == "drip-body":
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n")
            writer.write(b"content-length: 10000\r\n\r\n")
            for _ in range(10_000):  # at most 500 s, but a client gives up long before
                writer.write(b" ")
                await writer.drain()
                await asyncio.sleep(0.05)
            return False
        elif scenario == "echo-cut":  # no message field: the client shows the JSON, cut
            padding = "a" * (1000 - len('{"failure": "') - len(token) // 2)
            failure = {"failure": f"{padding}{token} was refused", "key": token}
            await send(writer, 401, json.dumps(failure).encode(), rid)
        elif scenario == "echo-body":
            echoed = {**json.loads(seed_response()), "choices": f"not for {token}"}
            await send(writer, 200, json.dumps(echoed).encode(), rid)
        elif scenario == "echo-path":
            message = f"Invalid URL (POST /tenant/../{token}) for the key {token}."
            await send(writer, 404, error_body(message, "invalid_request_error"), rid)
        return True

    async def _hostile_stream(
        self, scenario: str, writer: asyncio.StreamWriter, rid: dict[str, str]
    ) -> bool:
        head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in rid.items())
        if scenario.startswith("stream-gzip-line"):
            head += "content-encoding: gzip\r\n"
        writer.write((head + "connection: close\r\n\r\n").encode())
        if scenario == "stream-comments":
            for _ in range(1200):  # at most 60 s
                writer.write(b": keep-alive\n\n")
                await writer.drain()
                await asyncio.sleep(0.05)
        elif scenario.startswith("stream-long-line"):
            megabytes = int(scenario.rsplit("-", 1)[1])
            writer.write(b"data: ")
            piece = b"x" * 65536
            for _ in range(megabytes * 16):
                writer.write(piece)
                await writer.drain()
            writer.write(b"\n\ndata: [DONE]\n\n")
            await writer.drain()
        elif scenario.startswith("stream-gzip-line"):
            writer.write(gzip_line(int(scenario.rsplit("-", 1)[1])))
            await writer.drain()
        return False

    async def _echo(self, request: Received, writer: asyncio.StreamWriter) -> bool:
        self.requests["echo"].append(request)
        description = {
            "method": request.method,
            "path": request.path,
            "query": [list(pair) for pair in request.query],
            "headers": request.headers,
            "body": request.body.decode("utf-8", "replace"),
        }
        accept = request.headers.get("accept", "")
        if request.method == "DELETE":
            await send(writer, 204, b"", {})
        elif accept.startswith("text/plain"):
            await send(
                writer, 200, json.dumps(description).encode(), {"content-type": "text/plain"}
            )
        elif accept.startswith("text/event-stream"):
            body = f"data: {json.dumps(description)}\n\ndata: {json.dumps(description)}\n\ndata: [DONE]\n\n"
            await send(writer, 200, body.encode(), {"content-type": "text/event-stream"})
        elif request.path.endswith("/list"):
            await send(writer, 200, json.dumps([description, description]).encode(), {})
        else:
            await send(writer, 200, json.dumps(description).encode(), {"x-request-id": "echo-1"})
        return True


GENERATED_PACKAGE = Path(__file__).resolve().parent.parent / "generated" / "chat_completions"
_SEED_RESPONSE: bytes | None = None


def seed_response() -> bytes:
    global _SEED_RESPONSE
    if _SEED_RESPONSE is None:
        # The seed response as the spec carries it (its `seed` example, equal to the seed file:
        # test_roundtrip checks that), so this server needs nothing outside the repository.
        spec = json.loads((GENERATED_PACKAGE / "openapi.json").read_text())
        operation = next(iter(spec["paths"].values()))["post"]
        example = operation["responses"]["200"]["content"]["application/json"]["examples"]["seed"]
        _SEED_RESPONSE = json.dumps(example["value"]).encode()
    return _SEED_RESPONSE


@functools.cache
def gzip_bomb(megabytes: int) -> bytes:
    """gzip of `megabytes` MB of spaces: about a thousandth of that on the wire."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    spaces = b" " * (1024 * 1024)
    pieces = [squeeze.compress(spaces) for _ in range(megabytes)]
    return b"".join([*pieces, squeeze.flush()])


@functools.cache
def gzip_line(megabytes: int) -> bytes:
    """gzip of an event stream whose one `data:` line runs `megabytes` MB without an end."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    xs = b"x" * (1024 * 1024)
    pieces = [squeeze.compress(b"data: ")] + [squeeze.compress(xs) for _ in range(megabytes)]
    return b"".join([*pieces, squeeze.compress(b"\n\ndata: [DONE]\n\n"), squeeze.flush()])


async def send(
    writer: asyncio.StreamWriter, status: int, body: bytes, headers: dict[str, str] | None = None
) -> None:
    reason = {
        200: "OK",
        204: "No Content",
        302: "Found",
        401: "Unauthorized",
        429: "Too Many Requests",
    }.get(status, "Status")
    lines = [f"HTTP/1.1 {status} {reason}"]
    merged = {"content-type": "application/json", **(headers or {})}
    if status != 204:
        merged["content-length"] = str(len(body))
    lines.extend(f"{name}: {value}" for name, value in merged.items())
    writer.write(
        ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body if status != 204 else b"")
    )
    await writer.drain()


# --- hostile clients, for the server's tests ---------------------------------------------------------
# Raw sockets on 127.0.0.1, so that every byte (and every pause) is ours to choose. Every wait is
# bounded by the socket's timeout, every loop by its count.


@dataclass
class Answer:
    """What a server sent back on a raw connection: status, headers (lower case), body, and
    whether it closed the connection afterwards."""

    status: int
    headers: dict[str, str]
    body: bytes
    closed: bool

    def json(self) -> object:
        return json.loads(self.body)


def read_answer(sock: socket.socket) -> Answer | None:
    """One HTTP/1.1 answer read from `sock` (with a Content-Length), then whether the server
    closes; None when it closed without a word."""
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(65536)
        if not piece:
            return None
        data += piece
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in lines[1:])
    }
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        piece = sock.recv(65536)
        if not piece:
            break
        body += piece
    try:
        closed = sock.recv(1) == b""
    except (TimeoutError, ConnectionError):
        closed = False
    return Answer(int(lines[0].split(" ")[1]), headers, body[:length], closed)


def connect(port: int, timeout: float = 10.0) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def exchange(port: int, data: bytes, timeout: float = 10.0) -> Answer | None:
    """Send `data` on a new connection and read the answer."""
    with connect(port, timeout) as sock:
        sock.sendall(data)
        return read_answer(sock)


def drip(port: int, data: bytes, every: float, timeout: float = 10.0) -> tuple[int, Answer | None]:
    """Send `data` a byte every `every` seconds until the server answers or closes (a
    slowloris): how many bytes went out, and the answer."""
    with connect(port, timeout) as sock:
        sent = 0
        for byte in data:
            readable, _, _ = select.select([sock], [], [], every)
            if readable:
                break
            try:
                sock.send(bytes([byte]))
            except OSError:
                break
            sent += 1
        return sent, read_answer(sock)


def request_head(method: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "host: 127.0.0.1"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
