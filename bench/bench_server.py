"""The generated server beside hand-written FastAPI endpoints doing the same work, in one run.

Every app runs in its own uvicorn process with the same settings (one worker, asyncio loop, h11);
the load comes from a separate process on loopback (asyncio, keep-alive connections, one request
in flight per connection), against one server at a time, in interleaved rounds; each figure is the
median of its rounds. The work: check the Bearer token, validate the spec's "simple" request
example with the generated models (strictly, as the generated server does), and answer the
operation's first JSON example, dumped with `by_alias` and `exclude_unset`.

Baselines:
- "hand-written, plain route": a Starlette route on a FastAPI app, the leanest endpoint a person
  would write (the figure the generated app is held to: at least 0.9x);
- "hand-written, FastAPI idiom": `@app.post` with path parameters and a body model, as FastAPI's
  tutorial writes it (dependency injection, and FastAPI's own validation).

Run: .venv/bin/python bench/bench_server.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated"
PACKAGE = "chat_completions"
TOKEN = "bench-token"
PATH = "/tenant/acme/release/r1/openai-compatible/v1/chat/completions"
CONNECTIONS = 32

# The apps, each started as `python -c APP PORT`; the generated package is on sys.path.
_COMMON = f"""
import sys
sys.path.insert(0, {str(GENERATED)!r})
import uvicorn
PORT = int(sys.argv[1])
def serve(app):
    uvicorn.run(app, host="127.0.0.1", port=PORT, workers=1, loop="asyncio", http="h11",
                log_level="warning", access_log=False, lifespan="off")
"""

GENERATED_APP = (
    _COMMON
    + f"""
from {PACKAGE}.server import MockHandler, create_app, static_tokens
serve(create_app(MockHandler(), authenticate=static_tokens([{TOKEN!r}])))
"""
)

# What a person writes by hand for the same endpoint, example loaded the same way.
_HAND_SETUP = (
    _COMMON
    + f"""
import hmac, json
from pathlib import Path
from fastapi import FastAPI, Header, HTTPException, Request
from fastapi.responses import Response
from pydantic import ValidationError
from {PACKAGE} import models
document = json.loads((Path({str(GENERATED)!r}) / {PACKAGE!r} / "openapi.json").read_text())
operation = document["paths"]["/tenant/{{tenant}}/release/{{release}}/openai-compatible/v1/chat/completions"]["post"]
example = next(iter(operation["responses"]["200"]["content"]["application/json"]["examples"].values()))["value"]
answer = models.CreateChatCompletionResponse.model_validate(example)
EXPECTED = {TOKEN!r}.encode()
app = FastAPI()
"""
)

PLAIN_ROUTE_APP = (
    _HAND_SETUP
    + """
async def create_chat_completion(request: Request) -> Response:
    authorization = request.headers.get("authorization", "")
    if not authorization.startswith("Bearer ") or not hmac.compare_digest(authorization[7:].encode(), EXPECTED):
        return Response('{"error": "unauthorized"}', 401, media_type="application/json")
    try:
        models.CreateChatCompletionRequest.model_validate_json(await request.body(), strict=True)
    except ValidationError:
        return Response('{"error": "bad request"}', 400, media_type="application/json")
    return Response(answer.model_dump_json(by_alias=True, exclude_unset=True), media_type="application/json")
app.router.add_route("/tenant/{tenant}/release/{release}/openai-compatible/v1/chat/completions", create_chat_completion, methods=["POST"])
serve(app)
"""
)

IDIOMATIC_APP = (
    _HAND_SETUP
    + """
@app.post("/tenant/{tenant}/release/{release}/openai-compatible/v1/chat/completions")
async def create_chat_completion(tenant: str, release: str, body: models.CreateChatCompletionRequest, authorization: str = Header("")) -> Response:
    if not authorization.startswith("Bearer ") or not hmac.compare_digest(authorization[7:].encode(), EXPECTED):
        raise HTTPException(401)
    return Response(answer.model_dump_json(by_alias=True, exclude_unset=True), media_type="application/json")
serve(app)
"""
)

SUBJECTS = {
    "generated app (mock handler)": GENERATED_APP,
    "hand-written, plain route": PLAIN_ROUTE_APP,
    "hand-written, FastAPI idiom": IDIOMATIC_APP,
}
BASELINE = "hand-written, plain route"


def request_bytes() -> bytes:
    """The spec's "simple" request example, as one HTTP/1.1 keep-alive request."""
    document = json.loads((GENERATED / PACKAGE / "openapi.json").read_text())
    operation = document["paths"][
        "/tenant/{tenant}/release/{release}/openai-compatible/v1/chat/completions"
    ]["post"]
    body = json.dumps(
        operation["requestBody"]["content"]["application/json"]["examples"]["simple"]["value"]
    ).encode()
    head = (
        f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


# --- the load generator (its own process) -----------------------------------------------------------


async def _load(port: int, seconds: float, connections: int) -> dict[str, float]:
    payload = request_bytes()
    done = 0
    failures = 0
    deadline = time.perf_counter() + seconds

    async def connection() -> None:
        nonlocal done, failures
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < deadline:
                writer.write(payload)
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                await reader.readexactly(length)
                if head.startswith(b"HTTP/1.1 200"):
                    done += 1
                else:
                    failures += 1
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    elapsed = time.perf_counter() - start
    return {"requests": done, "failures": failures, "seconds": elapsed}


def _load_main(port: int, seconds: float, connections: int) -> None:
    print(json.dumps(asyncio.run(_load(port, seconds, connections))))


# --- the run ------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (Linux); 0 where /proc is not there."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def _server(code: str) -> Iterator[subprocess.Popen[bytes]]:
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-c", code, str(port)], stderr=subprocess.PIPE)
    process.port = port  # type: ignore[attr-defined]
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"server exited: {process.stderr.read().decode() if process.stderr else ''}"
                )
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", port), timeout=0.2),
            ):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.05)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _answer(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(request_bytes())
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            lengths = [
                int(line[15:])
                for line in head.split(b"\r\n")
                if line[:15].lower() == b"content-length:"
            ]
            if lengths and len(body) >= lengths[0]:
                assert head.startswith(b"HTTP/1.1 200"), head
                return body
    raise RuntimeError("no answer")


def _round(server: subprocess.Popen[bytes], seconds: float) -> tuple[float, float]:
    """Requests per second, and the server's CPU time per request in microseconds."""
    port = server.port  # type: ignore[attr-defined]
    cpu = _cpu_seconds(server.pid)
    output = subprocess.run(
        [sys.executable, __file__, "--load", str(port), str(seconds), str(CONNECTIONS)],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    cpu = _cpu_seconds(server.pid) - cpu
    result = json.loads(output.stdout)
    if result["failures"]:
        raise RuntimeError(f"{result['failures']} requests failed")
    return result["requests"] / result["seconds"], cpu / result["requests"] * 1e6


def run(quick: bool = False) -> list[dict[str, object]]:
    """Each subject's median requests/s and server CPU time per request over interleaved rounds.
    The ratios are medians of round-by-round ratios to the plain route measured just before or
    after, so that load from elsewhere on a shared machine falls on both sides; the CPU ratio is
    the steadier one (the requests/s a dedicated core would reach)."""
    rounds, seconds = (2, 0.5) if quick else (7, 1.2)
    with contextlib.ExitStack() as stack:
        servers = {name: stack.enter_context(_server(code)) for name, code in SUBJECTS.items()}
        answers = {name: json.loads(_answer(server.port)) for name, server in servers.items()}  # type: ignore[attr-defined]
        assert all(answer == answers[BASELINE] for answer in answers.values()), (
            "the apps answer differently"
        )
        for server in servers.values():  # warm up
            _round(server, 0.3)
        rates: dict[str, list[float]] = {name: [] for name in servers}
        costs: dict[str, list[float]] = {name: [] for name in servers}
        for _ in range(rounds):
            for name, server in servers.items():
                rate, cost = _round(server, seconds)
                rates[name].append(rate)
                costs[name].append(cost)
    rows: list[dict[str, object]] = []
    for name in servers:
        row: dict[str, object] = {
            "bench": "server",
            "subject": name,
            "requests/s": statistics.median(rates[name]),
            "CPU us/request": statistics.median(costs[name]),
            "ratio (requests/s)": statistics.median(
                a / b for a, b in zip(rates[name], rates[BASELINE], strict=True)
            ),
        }
        if all(costs[BASELINE]):
            row["ratio (CPU)"] = statistics.median(
                b / a for a, b in zip(costs[name], costs[BASELINE], strict=True)
            )
        rows.append(row)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="one short round, for a smoke test")
    parser.add_argument(
        "--load", nargs=3, metavar=("PORT", "SECONDS", "CONNECTIONS"), help=argparse.SUPPRESS
    )
    arguments = parser.parse_args()
    if arguments.load:
        port, seconds, connections = arguments.load
        _load_main(int(port), float(seconds), int(connections))
        return 0
    rows = run(quick=arguments.quick)
    columns = list(dict.fromkeys(key for row in rows for key in row))
    widths = {c: max(len(c), *(len(_cell(row[c])) for row in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    for row in rows:
        print("  ".join(_cell(row[c]).ljust(widths[c]) for c in columns))
    return 0


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if value < 100 else f"{value:,.0f}"
    return str(value)


if __name__ == "__main__":
    sys.exit(main())
