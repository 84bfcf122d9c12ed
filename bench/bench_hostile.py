"""Hostile traffic: the client's SSE decoding on long lines, and the server's memory per request on
large bodies, each beside a baseline measured in the same run.

SSE decoding. A server process on loopback sends an event stream of one line length (1 KB, 1 MB,
10 MB, 100 MB; `data: xxx...`, each its own event) until about 100 MB have gone (one event of the
length, when it is longer). The subject reads it with the package's `Stream` (bounded inflating,
the SSE decoder, one item per event); the baseline with raw httpx reading the same bytes
(`iter_raw`). Throughput in MB/s each, the subject's over the baseline's, and the subject's over
its own on 1 KB lines: about constant from 1 KB to 100 MB lines is linear decoding (quadratic
decoding, as before, took 1.4/6.5/21.6 s for 5/10/20 MB lines and 740 s for 100 MB: its MB/s fell
tenfold for each tenfold longer line).

Server memory. A fresh server process per body size (1 KB, 1 MB, 10 MB, 100 MB) answers one
small request (its one-off costs) and then one chat-completion request whose body is that large:
one long message (a string), and, at 1 MB and 10 MB, many small messages (objects). The peak RSS
growth of the process over that request (its VmHWM after, reset to its VmRSS just before, less
that VmRSS) divided by the body's size, for the generated server (as the command line serves it:
`_server_http.serve`, its limits raised to take the body) and for a hand-written Starlette
endpoint that reads the same body (`await request.body()`) and validates it with the same model
(`model_validate_json`, strictly): what the server adds is the difference.

Run: .venv/bin/python bench/bench_hostile.py [--quick]
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.runtime._limits import Limits  # noqa: E402
from generator.runtime._streaming import Stream  # noqa: E402

GENERATED = ROOT / "generated"
MB = 1024 * 1024
KB = 1024
TOKEN = "bench-token"
PATH = "/tenant/acme/release/r1/openai-compatible/v1/chat/completions"

# --- SSE decoding ------------------------------------------------------------------------------------

SSE_SERVER = r"""
import asyncio, functools, sys

PIECE = 1 << 20  # written and drained 1 MB at a time, whatever the line length

@functools.cache  # about 1 MB of whole events of `line` characters (one event, when longer)
def block_of(line):
    event = b"data: " + b"x" * (line - 6) + b"\n\n"
    return len(event), event * max(1, PIECE // len(event))

async def answer(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            line, total = (int(part) for part in head.split(b" ")[1].decode().split("/")[2:4])
            size, block = block_of(line)
            count = max(total // size, 1)
            done = b"data: [DONE]\n\n"
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                         b"content-length: %d\r\n\r\n" % (size * count + len(done)))
            left = count
            while left:
                many = min(left, len(block) // size)
                view = memoryview(block)[: many * size]
                for start in range(0, len(view), PIECE):
                    writer.write(view[start : start + PIECE])
                    await writer.drain()
                left -= many
            writer.write(done)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()

async def main():
    server = await asyncio.start_server(answer, "127.0.0.1", int(sys.argv[1]))
    async with server:
        await server.serve_forever()

asyncio.run(main())
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def _process(code: str, *arguments: str) -> Iterator[int]:
    """A server process running `code` on a free port (its first argument), once it listens."""
    port = _free_port()
    env = {"PYTHONPATH": f"{GENERATED}:{ROOT}", "PATH": "/usr/bin:/bin"}
    process = subprocess.Popen([sys.executable, "-c", code, str(port), *arguments], env=env)
    try:
        for _ in range(600):
            if process.poll() is not None:
                raise RuntimeError("the server process exited")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.05)
        else:
            raise RuntimeError("the server did not start")
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _raw_httpx(http: httpx.Client, url: str) -> int:
    with http.stream("GET", url) as response:
        return sum(len(chunk) for chunk in response.iter_raw())


def _package_stream(http: httpx.Client, url: str) -> int:
    response = http.send(http.build_request("GET", url), stream=True)
    limits = Limits(max_event_size=None)
    with Stream(response, str, "[DONE]", limits=limits) as stream:
        return sum(len(item) + 8 for item in stream)  # `data: ` and the blank line of each


def _megabytes_per_second(read: Callable[[httpx.Client, str], int], url: str, rounds: int) -> float:
    best = 0.0
    with httpx.Client(timeout=600) as http:
        for _ in range(rounds):
            start = time.perf_counter()
            size = read(http, url)
            best = max(best, size / MB / (time.perf_counter() - start))
    return best


def sse_rows(quick: bool) -> list[dict[str, object]]:
    lines = [KB, MB, 10 * MB] if quick else [KB, MB, 10 * MB, 100 * MB]
    total = 10 * MB if quick else 100 * MB
    rounds = 1 if quick else 3
    rows: list[dict[str, object]] = []
    short_lines = 0.0  # the subject's MB/s on 1 KB lines: linear decoding keeps every line near it
    with _process(SSE_SERVER) as port:
        for line in lines:
            url = f"http://127.0.0.1:{port}/sse/{line}/{max(total, line)}"
            baseline = _megabytes_per_second(_raw_httpx, url, rounds)
            subject = _megabytes_per_second(_package_stream, url, rounds)
            short_lines = short_lines or subject
            rows.append(
                {
                    "bench": "sse",
                    "line": _size(line),
                    "Stream MB/s": subject,
                    "raw httpx MB/s": baseline,
                    "ratio": subject / baseline,
                    "vs 1 KB lines": subject / short_lines,
                }
            )
    return rows


# --- server memory per request -----------------------------------------------------------------------

_MEMORY = """
import sys
from starlette.responses import PlainTextResponse
PORT = int(sys.argv[1])
LIMIT = 512 * 1024 * 1024

async def memory(request):
    if "reset" in request.query_params:  # the peak (VmHWM) starts again from the RSS of now
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    status = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return PlainTextResponse(f"{status['VmRSS'].split()[0]} {status['VmHWM'].split()[0]}")
"""

GENERATED_SERVER = (
    _MEMORY
    + f"""
import json
from pathlib import Path
from chat_completions import models
from chat_completions._server_http import serve
from chat_completions.server import create_app, static_tokens
document = json.loads((Path({str(GENERATED)!r}) / "chat_completions" / "openapi.json").read_text())
operation = next(iter(document["paths"].values()))["post"]
example = next(iter(operation["responses"]["200"]["content"]["application/json"]["examples"].values()))
answer = models.CreateChatCompletionResponse.model_validate(example["value"])

class Gateway:
    async def create_chat_completion(self, body, *, tenant, release, context):
        return answer

app = create_app(Gateway(), authenticate=static_tokens([{TOKEN!r}]), max_body_size=LIMIT, body_timeout=60)
app.add_route("/_memory", memory)
serve(app, port=PORT, log_level="warning")
"""
)

HAND_WRITTEN_SERVER = (
    _MEMORY
    + f"""
import hmac
import uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
from chat_completions import models
EXPECTED = {TOKEN!r}.encode()

async def create_chat_completion(request):
    authorization = request.headers.get("authorization", "")
    if not hmac.compare_digest(authorization.removeprefix("Bearer ").encode(), EXPECTED):
        return Response(status_code=401)
    body = await request.body()
    models.CreateChatCompletionRequest.model_validate_json(body, strict=True)
    return Response(b'{{"ok": true}}', media_type="application/json")

app = Starlette(routes=[
    Route({PATH!r}, create_chat_completion, methods=["POST"]),
    Route("/_memory", memory),
])
uvicorn.run(app, host="127.0.0.1", port=PORT, log_level="warning", http="h11")
"""
)


def _string_body(size: int) -> bytes:
    start, end = b'{"model":"m","messages":[{"role":"user","content":"', b'"}]}'
    return start + b"x" * max(size - len(start) - len(end), 0) + end


def _objects_body(size: int) -> bytes:
    one = b'{"role":"user","content":"hi"},'
    start, end = b'{"model":"m","messages":[', b'{"role":"user","content":"hi"}]}'
    return start + one * max((size - len(start) - len(end)) // len(one), 0) + end


def _growth(code: str, body: bytes) -> float:
    """Peak RSS growth of a fresh server process over one request with `body`, in bytes."""
    with _process(code) as port, httpx.Client(timeout=600) as http:
        url = f"http://127.0.0.1:{port}"
        headers = {"authorization": f"Bearer {TOKEN}", "content-type": "application/json"}
        warm = http.post(url + PATH, content=_string_body(KB), headers=headers)
        if warm.status_code != 200:  # the first request's one-off costs, before measuring
            raise RuntimeError(f"{warm.status_code}: {warm.text[:200]}")
        before = int(http.get(url + "/_memory?reset").text.split()[0])
        answer = http.post(url + PATH, content=body, headers=headers)
        if answer.status_code != 200:
            raise RuntimeError(f"{answer.status_code}: {answer.text[:200]}")
        peak = int(http.get(url + "/_memory").text.split()[1])
        return float(max(peak - before, 0) * 1024)


def memory_rows(quick: bool) -> list[dict[str, object]]:
    cases = [("string", KB), ("string", MB), ("string", 10 * MB)]
    cases += (
        [("objects", MB)]
        if quick
        else [("string", 100 * MB), ("objects", MB), ("objects", 10 * MB)]
    )
    rows: list[dict[str, object]] = []
    for shape, size in cases:
        body = (_string_body if shape == "string" else _objects_body)(size)
        generated = _growth(GENERATED_SERVER, body)
        hand_written = _growth(HAND_WRITTEN_SERVER, body)
        rows.append(
            {
                "bench": "server memory",
                "body": f"{_size(size)} {shape}",
                "generated MB": generated / MB,
                "generated x body": generated / len(body),
                "hand-written MB": hand_written / MB,
                "hand-written x body": hand_written / len(body),
            }
        )
    return rows


def _size(size: int) -> str:
    return f"{size // MB} MB" if size >= MB else f"{size // KB} KB"


def run(quick: bool = False) -> list[dict[str, object]]:
    return sse_rows(quick) + memory_rows(quick)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke test")
    arguments = parser.parse_args()
    from bench.measure import table

    for rows in (sse_rows(arguments.quick), memory_rows(arguments.quick)):
        columns = list(dict.fromkeys(key for row in rows for key in row))
        print(table(rows, columns), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
