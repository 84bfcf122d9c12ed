"""The whole package for OpenAI's spec (3 MB, 288 operations): client, server and models.

Generated once for the module (about 30 s: black is most of it), then: every operation has its
client methods, on the resource its path names (`client.files.create`,
`client.chat.completions.create`), and its server route and handler method (288 of 288,
nothing left out); no class has more than 50 public methods; the package imports (its client
without importing a model) and passes ruff and mypy --strict, and mypy finds misspelt keys in a
dict literal and a misspelt keyword argument; the server app starts and answers; and the
generated client talks to the generated server over 127.0.0.1 for what OpenAI's spec has and
ours does not: a list paged by cursor (`after`, `has_more`) iterated to its end, multipart
uploads (bytes, a file object, a path, keyword arguments), a multipart body with per-part media
types beside a raw `application/sdp` one, binary downloads read as they arrive (never held
whole in memory, on either side), query arrays, an exploded query object, a `deepObject`, a
header array, operations told apart by a query written into their path
(`/responses?beta=true`), and an event stream without `[DONE]` (the Responses API's).

Form-urlencoded bodies: OpenAI's spec has none; `tests/test_real_spec.py` covers them.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import importlib
import io
import json
import re
import subprocess
import sys
import time
import tracemalloc
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from starlette.routing import Match

from generator.analyse import HTTP_METHODS, analyse
from generator.config import Target
from generator.ir import Api
from generator.load import load_spec
from tests.conftest import OPENAI_SPEC, ROOT, check_static, importable
from tests.schema_properties import Checker, Tally
from tests.test_server import RunningServer

pytestmark = pytest.mark.slow

PACKAGE = "openai_api_package_test"
TOKEN = "sk-test-0000"
AUDIO_CHUNK = 64 * 1024
AUDIO_SIZE = 24 * 1024 * 1024  # far more than the memory the download may take on either side


@dataclass
class Generated:
    folder: Path
    api: Api
    operations: set[tuple[str, str]]  # (METHOD, path) as the spec file lists them
    client: ModuleType
    server: ModuleType
    models: ModuleType
    seconds: float


@pytest.fixture(scope="module")
def openai(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    spec_path = OPENAI_SPEC
    out = tmp_path_factory.mktemp("openai_package")
    # OpenAI's spec says only in prose that chat and completion streams end with `data: [DONE]`.
    config = out.parent / "specsmith.toml"
    config.write_text(
        "[[targets]]\n"
        f"spec = {json.dumps(str(spec_path))}\nout = {json.dumps(str(out))}\npackage = {PACKAGE!r}\n"
        'parts = ["client", "server", "tests"]\n'  # the contract suite too: it runs below
        '[targets.stream_terminators]\ncreateChatCompletion = "[DONE]"\n'
        'createCompletion = "[DONE]"\n'
    )
    started = time.perf_counter()
    command = ["generate", "--config", str(config), str(spec_path)]
    result = subprocess.run(
        [sys.executable, "-m", "generator", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    seconds = time.perf_counter() - started
    assert result.returncode == 0, result.stderr[-3000:]
    spec = load_spec(spec_path)
    operations = {
        (method.upper(), path)
        for path, item in spec.document["paths"].items()
        for method in HTTP_METHODS
        if isinstance(item.get(method), dict)
    }
    with importable(out, PACKAGE):
        yield Generated(
            out / PACKAGE,
            analyse(spec, Target(package=PACKAGE)),
            operations,
            importlib.import_module(f"{PACKAGE}.client"),
            importlib.import_module(f"{PACKAGE}.server"),
            importlib.import_module(f"{PACKAGE}.models"),
            seconds,
        )


# --- coverage: every operation, both sides -----------------------------------------------------


def resolve(root: Any, path: tuple[str, ...]) -> Any:
    return functools.reduce(getattr, path, root)


def test_every_operation_has_client_methods_a_route_and_a_handler_method(openai: Generated) -> None:
    """288 of 288: nothing is left out, so there is no list of exceptions to keep."""
    assert len(openai.operations) == 288
    assert {(op.method.upper(), op.path) for op in openai.api.operations} == openai.operations
    client_module, server = openai.client, openai.server
    sync = client_module.Client(base_url="http://127.0.0.1:9", token=TOKEN)
    asynchronous = client_module.AsyncClient(base_url="http://127.0.0.1:9", token=TOKEN)
    mock = server.MockHandler()
    protocols = {
        resource.path: f"{resource.class_name}Handler" if resource.path else "Handler"
        for resource in openai.api.root.walk()
    }
    for op in openai.api.operations:
        where, name = op.client_method.resource, op.client_method.name
        for client in (sync, asynchronous):
            for owner in (resolve(client, where), resolve(client.with_raw_response, where)):
                assert callable(getattr(owner, name, None)), f"{owner!r}.{name}"
            if op.plain_call:
                assert callable(getattr(resolve(client, where).with_streaming_response, name))
        protocol = getattr(server, protocols[where])
        assert callable(getattr(protocol, name, None)), f"{protocols[where]}.{name}"
        assert callable(getattr(resolve(mock, where), name, None)), (
            f"mock.{op.client_method.dotted}"
        )
        assert callable(getattr(server, f"_route_{op.name}", None)), f"_route_{op.name}"
    # ... and the app routes each of them: a request on every (method, path) finds its route.
    app = server.create_app(mock, authenticate=server.accept_any_token)
    routed = 0
    for method, path in openai.operations:
        concrete = "/v1" + re.sub(r"\{[^}]+\}", "x1", path.split("?")[0])
        scope = {"type": "http", "method": method, "path": concrete, "root_path": ""}
        assert any(route.matches(scope)[0] == Match.FULL for route in app.router.routes), path
        routed += 1
    assert routed == 288


def test_the_client_reads_like_the_sdk(openai: Generated) -> None:
    """The grouping the openai SDK's users know, from the paths alone."""
    methods = {op.client_method.dotted for op in openai.api.operations}
    expected = {
        "files.create",
        "files.list",
        "files.retrieve",
        "files.delete",
        "chat.completions.create",
        "chat.completions.list",
        "chat.completions.messages.list",
        "audio.speech.create",
        "audio.transcriptions.create",
        "batches.cancel",
        "fine_tuning.jobs.list",
        "fine_tuning.jobs.checkpoints.list",
        "fine_tuning.alpha.graders.run",
        "vector_stores.files.list",
        "vector_stores.search",
        "threads.runs.steps.list",
        "threads.runs.submit_tool_outputs",
        "responses.create",
        "responses.input_items.list",
        "embeddings.create",
        "models.list",
        "moderations.create",
        "uploads.complete",
    }
    assert expected <= methods, sorted(expected - methods)


def test_no_class_has_more_than_50_public_methods(openai: Generated) -> None:
    folder = openai.folder
    modules = [openai.client, openai.server, openai.models]
    modules += [
        importlib.import_module(f"{PACKAGE}.resources.{path.stem}")
        for path in sorted((folder / "resources").glob("*.py"))
        if path.stem != "__init__"
    ]
    largest = ("", 0)
    for module in modules:
        for name, value in vars(module).items():
            if isinstance(value, type) and value.__module__ == module.__name__:
                public = [
                    n
                    for n in dir(value)
                    if not n.startswith("_") and callable(getattr(value, n, None))
                ]
                largest = max(
                    largest, (f"{module.__name__}.{name}", len(public)), key=lambda x: x[1]
                )
    print(f"\nthe largest class: {largest[0]} with {largest[1]} public methods")
    assert largest[1] <= 50, largest


def test_importing_the_client_imports_no_model(openai: Generated) -> None:
    probe = (
        f"import sys; import {PACKAGE}.client; "
        f"assert {PACKAGE!r} + '.models' not in sys.modules, 'models imported'; "
        f"assert not [m for m in sys.modules if m.startswith({PACKAGE!r} + '.resources.')]"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=openai.folder.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_generation_time_is_reported(openai: Generated) -> None:
    print(f"\nOpenAI's spec: client, server and models generated in {openai.seconds:.1f} s")
    assert openai.seconds < 300


# --- static checks --------------------------------------------------------------------------------


def test_black_leaves_every_module_as_it_is(openai: Generated) -> None:
    """The format stage gives a unit black's second pass only where the first added a trailing
    comma; on 100,000 real lines, black's own check must still find nothing to change."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "black",
            "--check",
            "--fast",
            "--config",
            str(ROOT / "pyproject.toml"),
            ".",
        ],
        cwd=openai.folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]


MYPY_OPTIONS = ("--strict", "--no-incremental", "--config-file", "", "--python-version", "3.10")
TYPOS = """\
from {package}.client import Client

client = Client(base_url="http://127.0.0.1:9", token="t")
client.chat.completions.create(model="gpt-4o", messages=[{{"role": "user", "contnet": "hi"}}])
client.files.create(file=b"x", purpos="batch")
client.chat.completions.create(model="gpt-4o", messages=[{{"role": "user", "content": "hi"}}])
for item in client.files.list(limit=2):
    print(item.filename)
"""


def test_the_whole_package_passes_ruff_and_mypy_strict_and_mypy_finds_typos(
    openai: Generated,
) -> None:
    """Ours include RUF001-RUF003: OpenAI's typographic quotes and dashes are written escaped.
    One mypy run checks the package and a caller's module beside it: the package is clean, and
    the caller's misspelt key in a nested dict literal and misspelt keyword argument are the
    only errors."""
    check_static(openai.folder, mypy=False)
    caller = openai.folder.parent / "typo_caller.py"
    caller.write_text(TYPOS.format(package=PACKAGE))
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", *MYPY_OPTIONS, "-p", PACKAGE, "-m", "typo_caller"],
        cwd=openai.folder.parent,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    errors = [line for line in checked.stdout.splitlines() if ": error:" in line]
    assert all(line.startswith("typo_caller.py:") for line in errors), checked.stdout[-5000:]
    lines = {int(line.split(":")[1]) for line in errors}
    assert lines == {4, 5}, checked.stdout[-5000:]
    assert any(line.startswith("typo_caller.py:5:") and '"purpos"' in line for line in errors)


def test_the_mock_handler_passes_the_contract_suite(openai: Generated) -> None:
    """The suite (tests/test_contract_tests.py) on OpenAI's spec: every example, negative case
    and round trip of its operations holds for the mock, so the suite is consistent."""
    contract_tests = importlib.import_module(f"{PACKAGE}.contract_tests")
    suite = contract_tests.contract_suite(openai.server.MockHandler)
    tests = sorted(name for name in vars(suite) if name.startswith("test_"))
    failed: dict[str, str] = {}
    for name in tests:
        try:
            getattr(suite(), name)()
        except pytest.fail.Exception as failure:
            failed[name] = str(failure)
    assert not failed, "\n".join(failed.values())
    assert len(tests) > 2 * len(openai.operations)  # examples, negative cases, round trips


def test_the_package_imports_without_warnings(openai: Generated) -> None:
    probe = f"import {PACKAGE}.client, {PACKAGE}.server, {PACKAGE}.models"
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", probe],
        cwd=openai.folder.parent,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]


# --- the server, in process and over loopback ---------------------------------------------------


def test_the_mock_server_app_starts_and_answers(openai: Generated) -> None:
    server = openai.server
    app = server.create_app(server.MockHandler(), authenticate=server.accept_any_token)

    async def run() -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            listed = await http.get("/v1/models", headers={"authorization": f"Bearer {TOKEN}"})
            refused = await http.get("/v1/models")
            return listed, refused

    listed, refused = asyncio.run(run())
    assert listed.headers["x-request-id"]
    assert listed.status_code in (200, 501), listed.text  # an example, or "no example to give"
    assert refused.status_code == 401 and refused.json()["error"]["type"] == "authentication_error"


def handler_for(openai: Generated) -> Any:
    """The mock, but for the operations under test: each records what it got and answers."""
    models, server = openai.models, openai.server

    class Recording(server.MockHandler):  # type: ignore[misc,name-defined]
        """The mock, with the methods under test replaced on its resources (a team replaces
        one method, or one resource, the same way)."""

        def __init__(self) -> None:
            super().__init__()
            self.calls: dict[str, dict[str, Any]] = {}
            for dotted, method in self.replacements().items():
                *where, name = dotted.split(".")
                setattr(resolve(self, tuple(where)), name, method)

        def replacements(self) -> dict[str, Any]:
            return {
                "files.create": self.create_file,
                "files.list": self.list_files,
                "audio.speech.create": self.create_speech,
                "skills.content.retrieve": self.get_skill_content,
                "videos.content.retrieve": self.retrieve_video_content,
                "realtime.calls.create": self.create_realtime_call,
                "organization.audit_logs.list": self.list_audit_logs,
                "fine_tuning.jobs.list": self.list_paginated_fine_tuning_jobs,
                "responses.retrieve": self.get_response,
                "responses.beta_retrieve": self.beta_get_response,
                "responses.create": self.create_response,
                "chat.completions.create": self.create_chat_completion,
            }

        def record(self, name: str, **arguments: Any) -> None:
            arguments.pop("context", None)
            self.calls[name] = arguments

        async def list_files(self, **arguments: Any) -> Any:
            """Seven files, paged by `after` (an id) and `limit`, as OpenAI pages them."""
            self.record("list_files", **arguments)
            self.calls.setdefault("list_files_pages", {"count": 0})["count"] += 1
            ids = [f"file-{n}" for n in range(7)]
            after, limit = arguments["after"], arguments["limit"] or 3
            start = ids.index(after) + 1 if after else 0
            page = ids[start : start + limit]
            files = [
                models.OpenAIFile(
                    id=id_,
                    bytes=1,
                    created_at=1700000000,
                    filename=f"{id_}.jsonl",
                    object="file",
                    purpose="batch",
                    status="processed",
                )
                for id_ in page
            ]
            return models.ListFilesResponse(
                object="list",
                data=files,
                first_id=page[0] if page else None,
                last_id=page[-1] if page else None,
                has_more=start + limit < len(ids),
            )

        async def create_file(self, body: Any, *, context: Any) -> Any:
            self.record("create_file", body=body)
            upload = body.file("file")
            return models.OpenAIFile(
                id="file-" + hashlib.sha256(upload.content).hexdigest()[:16],
                bytes=upload.size,
                created_at=1700000000,
                filename=upload.filename,
                object="file",
                purpose=body.data.purpose,
                status="uploaded",
            )

        async def create_speech(self, body: Any, *, context: Any) -> Any:
            self.record("create_speech", body=body)

            async def audio() -> AsyncIterator[Any]:
                if body.stream_format == "sse":
                    yield models.CreateSpeechResponseStreamEvent.model_validate(
                        {"type": "speech.audio.delta", "audio": "UklGRg=="}
                    )
                    return
                block = bytes(range(256)) * (AUDIO_CHUNK // 256)
                for _ in range(AUDIO_SIZE // AUDIO_CHUNK):
                    yield block
                    await asyncio.sleep(0)

            return audio()

        async def get_skill_content(self, *, skill_id: str, context: Any) -> Any:
            self.record("get_skill_content", skill_id=skill_id)

            def archive() -> Iterator[bytes]:  # a blocking iterator: read in a worker thread
                yield b"PK\x03\x04"
                yield skill_id.encode()

            return archive()

        async def retrieve_video_content(self, *, video_id: str, variant: Any, context: Any) -> Any:
            self.record("retrieve_video_content", video_id=video_id, variant=variant)
            if variant == "thumbnail":
                return server.Binary(b"RIFF\x00\x00\x00\x00WEBP", media_type="image/webp")
            return b"\x00\x00\x00\x18ftypmp42"

        async def create_realtime_call(self, body: Any, *, context: Any) -> Any:
            self.record("create_realtime_call", body=body)
            offer = body if isinstance(body, bytes) else body.data.sdp.encode()
            return b"v=0\r\no=answer\r\n" + offer

        async def list_audit_logs(self, **arguments: Any) -> Any:
            self.record("list_audit_logs", **arguments)
            return models.ListAuditLogsResponse(object="list", data=[], has_more=False)

        async def list_paginated_fine_tuning_jobs(self, **arguments: Any) -> Any:
            self.record("list_paginated_fine_tuning_jobs", **arguments)
            return models.ListPaginatedFineTuningJobsResponse(
                data=[], has_more=False, object="list"
            )

        async def get_response(self, **arguments: Any) -> Any:
            self.record("get_response", **arguments)
            raise server.HandlerError(404, "get_response answered", param="response_id")

        async def beta_get_response(self, **arguments: Any) -> Any:
            self.record("beta_get_response", **arguments)
            raise server.HandlerError(404, "beta_get_response answered", param="response_id")

        async def create_response(self, body: Any, *, context: Any) -> Any:
            self.record("create_response", body=body)

            async def events() -> AsyncIterator[Any]:
                for number, word in enumerate(["Hel", "lo"], 1):
                    yield models.ResponseStreamEvent.model_validate(
                        {
                            "type": "response.output_text.delta",
                            "item_id": "msg_1",
                            "output_index": 0,
                            "content_index": 0,
                            "delta": word,
                            "sequence_number": number,
                            "logprobs": [],
                        }
                    )

            return events()

        async def create_chat_completion(self, body: Any, *, context: Any) -> Any:
            self.record("create_chat_completion", body=body)

            async def chunks() -> AsyncIterator[Any]:
                for word, finish in (("Hel", None), ("lo", "stop")):
                    yield models.CreateChatCompletionStreamResponse.model_validate(
                        {
                            "id": "chatcmpl-1",
                            "object": "chat.completion.chunk",
                            "created": 1,
                            "model": "gpt-4o",
                            "choices": [
                                {"index": 0, "delta": {"content": word}, "finish_reason": finish}
                            ],
                        }
                    )

            return chunks()

    return Recording()


@pytest.fixture(scope="module")
def running(openai: Generated) -> Iterator[tuple[str, Any]]:
    handler = handler_for(openai)
    app = openai.server.create_app(handler, authenticate=openai.server.static_tokens([TOKEN]))
    with RunningServer(app) as server:
        yield server.url + "/v1", handler  # the spec's server is https://api.openai.com/v1


def client(openai: Generated, url: str) -> Any:
    return openai.client.Client(base_url=url, token=TOKEN, max_retries=0, timeout=30.0)


def test_multipart_upload_from_bytes_a_file_object_and_a_path(
    openai: Generated, running: tuple[str, Any], tmp_path: Path
) -> None:
    url, handler = running
    content = b'{"prompt": "a", "completion": "b"}\n' * 1000
    on_disk = tmp_path / "train.jsonl"
    on_disk.write_bytes(content)
    expires = {"anchor": "created_at", "seconds": 3600}
    with client(openai, url) as api:
        made = [
            api.files.create({"file": source, "purpose": "fine-tune", "expires_after": expires})
            for source in (content, io.BytesIO(content), on_disk)
        ]
        typed = api.files.create(openai.models.CreateFileRequest(file=content, purpose="batch"))
        keywords = api.files.create(file=("notes.jsonl", content), purpose="batch")
    assert {file.id for file in made} == {"file-" + hashlib.sha256(content).hexdigest()[:16]}
    assert [file.filename for file in made] == ["upload", "upload", "train.jsonl"]
    assert all(file.bytes == len(content) and file.purpose == "fine-tune" for file in made)
    assert typed.purpose == "batch"
    assert keywords.filename == "notes.jsonl" and keywords.bytes == len(content)
    body = handler.calls["create_file"]["body"]
    assert isinstance(body.data, openai.models.CreateFileRequest) and body.data.file == content


def test_a_cursor_paged_list_is_iterated_to_its_end(
    openai: Generated, running: tuple[str, Any]
) -> None:
    """`GET /files` pages with `after` and `has_more`: the page iterates every file, asking
    for the next page (after the last id) as it goes; page by page too, sync and async."""
    url, handler = running
    handler.calls.pop("list_files_pages", None)
    with client(openai, url) as api:
        every = [file.id for file in api.files.list(limit=3)]
        first = api.files.list(limit=3)
        assert [file.id for file in first.data] == ["file-0", "file-1", "file-2"]
        assert first.has_next_page() and first.result.has_more
        second = first.next_page()
        assert [file.id for file in second.data] == ["file-3", "file-4", "file-5"]
        assert handler.calls["list_files"]["after"] == "file-2"
        raw = api.files.with_raw_response.list(limit=3)
        assert raw.status_code == 200 and len(list(raw.parse())) == 7
    assert every == [f"file-{n}" for n in range(7)]

    async def run() -> tuple[list[str], list[int]]:
        async with openai.client.AsyncClient(base_url=url, token=TOKEN, max_retries=0) as api:
            items = [file.id async for file in api.files.list(limit=2)]
            page = await api.files.list(limit=2)
            sizes = [len(p.data) async for p in page.iter_pages()]
            return items, sizes

    items, sizes = asyncio.run(run())
    assert items == every and sizes == [2, 2, 2, 1]


def test_a_multipart_body_with_part_media_types_or_a_raw_sdp_body(
    openai: Generated, running: tuple[str, Any]
) -> None:
    url, handler = running
    offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"
    with client(openai, url) as api:
        answer = api.realtime.calls.create({"sdp": offer, "session": {"type": "realtime"}})
        body = handler.calls["create_realtime_call"]["body"]
        assert body.data.sdp == offer and body.data.session.type == "realtime"
        raw = api.realtime.calls.create(offer.encode(), content_type="application/sdp")
        assert handler.calls["create_realtime_call"]["body"] == offer.encode()
    assert answer == raw == b"v=0\r\no=answer\r\n" + offer.encode()


def test_a_large_binary_download_is_streamed_not_buffered(
    openai: Generated, running: tuple[str, Any]
) -> None:
    url, _ = running
    speech = {"model": "tts-1", "input": "Hello", "voice": "alloy"}
    expected = hashlib.sha256(bytes(range(256)) * (AUDIO_SIZE // 256)).hexdigest()
    with client(openai, url) as api:
        tracemalloc.start()
        try:
            digest, size, pieces = hashlib.sha256(), 0, 0
            with api.audio.speech.with_streaming_response.create(speech) as response:
                assert response.content_type == "application/octet-stream"
                for chunk in response.iter_bytes():
                    digest.update(chunk)
                    size += len(chunk)
                    pieces += 1
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        # Server and client (one process here) never held more than a small part of the audio.
        assert size == AUDIO_SIZE and digest.hexdigest() == expected and pieces > 10
        assert peak < AUDIO_SIZE / 4, f"peak {peak} bytes for a {AUDIO_SIZE}-byte download"
        with api.audio.speech.create({**speech, "stream_format": "sse"}, stream=True) as events:
            assert [event.root.type for event in events] == ["speech.audio.delta"]


def test_downloads_in_several_media_types(openai: Generated, running: tuple[str, Any]) -> None:
    url, _ = running
    with client(openai, url) as api:
        assert api.skills.content.retrieve(skill_id="sk1") == b"PK\x03\x04sk1"
        assert api.videos.content.retrieve(video_id="v1").startswith(b"\x00\x00\x00\x18ftyp")
        with api.videos.content.with_streaming_response.retrieve(
            video_id="v1", variant="thumbnail"
        ) as response:
            assert response.content_type == "image/webp"
            assert response.read().startswith(b"RIFF")
        accept = api.videos.content.with_raw_response.retrieve(video_id="v1").http_response
        assert accept.request.headers["accept"] == "video/mp4, image/webp, application/json"

    async def run() -> bytes:
        async with (
            openai.client.AsyncClient(base_url=url, token=TOKEN, max_retries=0) as api,
            api.skills.content.with_streaming_response.retrieve(skill_id="sk2") as response,
        ):
            return b"".join([chunk async for chunk in response.aiter_bytes()])

    assert asyncio.run(run()) == b"PK\x03\x04sk2"


def test_file_content_the_spec_calls_a_json_string(openai: Generated) -> None:
    """`GET /files/{file_id}/content` says `application/json: {type: string}`; OpenAI answers the
    file's bytes. The client takes the JSON string the spec promises, or the text it gets."""
    answers = {
        "f-json": httpx.Response(200, json="a JSON string"),
        "f-raw": httpx.Response(
            200,
            content=b'{"a": 1}\n{"a": 2}\n',
            headers={"content-type": "application/octet-stream"},
        ),
    }
    transport = httpx.MockTransport(lambda request: answers[request.url.path.split("/")[-2]])
    with httpx.Client(transport=transport) as http:
        api = openai.client.Client(base_url="http://test/v1", token=TOKEN, http_client=http)
        assert api.files.content.download(file_id="f-json") == "a JSON string"
        assert api.files.content.download(file_id="f-raw") == '{"a": 1}\n{"a": 2}\n'


def test_query_arrays_an_exploded_object_and_a_deep_object(
    openai: Generated, running: tuple[str, Any]
) -> None:
    url, handler = running
    with client(openai, url) as api:
        api.organization.audit_logs.list(
            event_types=["project.created", "api_key.deleted"],
            project_ids=["p1", "p2"],
            effective_at={"gt": 10, "lte": 20},
            limit=5,
        )
        api.fine_tuning.jobs.list(metadata={"team": "a b", "env": "prod"}, limit=3)
    audit = handler.calls["list_audit_logs"]
    assert audit["event_types"] == ["project.created", "api_key.deleted"]
    assert audit["project_ids"] == ["p1", "p2"] and audit["limit"] == 5
    effective_at = audit["effective_at"]
    assert (effective_at.gt, effective_at.lte, effective_at.gte) == (10, 20, None)
    assert handler.calls["list_paginated_fine_tuning_jobs"]["metadata"] == {
        "team": "a b",
        "env": "prod",
    }
    # The wire format, by hand: `event_types[]` is the parameter's name in OpenAI's spec.
    wire = httpx.get(
        url + "/organization/audit_logs?event_types[]=project.created&effective_at=x&gt=1"
        "&fine=1&metadata[team]=x",
        headers={"authorization": f"Bearer {TOKEN}"},
    )
    assert wire.status_code == 200, wire.text
    got = handler.calls["list_audit_logs"]
    assert got["event_types"] == ["project.created"]
    # The exploded object gets the parameters nobody else declares, and only those.
    assert got["effective_at"].model_dump(exclude_unset=True) == {
        "gt": 1,
        "effective_at": "x",
        "fine": "1",
        "metadata[team]": "x",
    }
    bad = httpx.get(
        url + "/organization/audit_logs?event_types[]=no.such.event",
        headers={"authorization": f"Bearer {TOKEN}"},
    )
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "event_types[]"


def test_a_header_array_and_operations_told_apart_by_a_query_in_their_path(
    openai: Generated, running: tuple[str, Any]
) -> None:
    url, handler = running
    errors = sys.modules[f"{PACKAGE}.errors"]
    with client(openai, url) as api:
        with pytest.raises(errors.NotFoundError, match="beta_get_response answered"):
            api.responses.beta_retrieve(response_id="r1", openai_beta=["responses_multi_agent=v1"])
        assert handler.calls["beta_get_response"]["openai_beta"] == ["responses_multi_agent=v1"]
        with pytest.raises(errors.NotFoundError, match="get_response answered"):
            api.responses.retrieve(response_id="r2")
    assert handler.calls["get_response"]["response_id"] == "r2"


def test_a_chat_stream_ends_at_done_as_the_configuration_says(
    openai: Generated, running: tuple[str, Any]
) -> None:
    url, _ = running
    request = {"model": "gpt-4o", "messages": [{"role": "user", "content": "Hi"}], "stream": True}
    wire = httpx.post(
        url + "/chat/completions", json=request, headers={"authorization": f"Bearer {TOKEN}"}
    )
    assert wire.text.count("data: ") == 3 and wire.text.rstrip().endswith("data: [DONE]")
    with client(openai, url) as api, api.chat.completions.create(request, stream=True) as stream:
        contents = [chunk.choices[0].delta.content for chunk in stream]
        assert stream.finished
    assert contents == ["Hel", "lo"]


def test_an_event_stream_without_done_ends_with_the_connection(
    openai: Generated, running: tuple[str, Any]
) -> None:
    url, _ = running
    request = {"model": "gpt-4o", "input": "Say hello", "stream": True}
    with client(openai, url) as api, api.responses.create(request, stream=True) as stream:
        deltas = [event.root.delta for event in stream]
        assert stream.finished
    assert deltas == ["Hel", "lo"]

    async def run() -> list[str]:
        async with (
            openai.client.AsyncClient(base_url=url, token=TOKEN, max_retries=0) as api,
            api.responses.create(request, stream=True) as stream,
        ):
            return [event.root.delta async for event in stream]

    assert asyncio.run(run()) == ["Hel", "lo"]
    wire = httpx.post(
        url + "/responses", json=request, headers={"authorization": f"Bearer {TOKEN}"}
    )
    assert wire.text.count("data: ") == 2 and "[DONE]" not in wire.text


# --- properties: every component schema --------------------------------------------------------


def test_every_component_schema_round_trips_and_refuses_mutants(openai: Generated) -> None:
    """Three instances drawn from each of the spec's 1,400 schemas, and mutants of them.

    Measured: 4,408 of 4,442 drawn instances (99.2%) come back exactly, and 32,124 of the 32,255
    mutants that the reference validator refuses (99.6%) are refused. What fails:

    - an inline object that takes a component's class name (`Certificate`, `Content`, `Image`,
      `Prompt`, `Project`, `RankingOptions`, `ToolChoice`) pushes the component's class to
      `Certificate2`, so `models.Certificate` is another schema's (datamodel-code-generator names
      the inline one first);
    - `$recursiveRef: "#"` (OpenAI's nested filters) is the whole document to the reference
      validator, which so takes any value there, where the models take a filter;
    - `nullable: true`, which this 3.1 document still writes, lets the models take the `null`
      that the 3.1 reference validator ignores the keyword for.
    """
    checker = Checker(load_spec(OPENAI_SPEC).document, openai.models)
    tally = Tally()
    for schema in openai.api.models:
        checker.check(schema, range(3), tally)
    assert tally.drawn >= 4000, tally.summary()
    assert tally.round_trip_rate >= 0.99, (tally.summary(), sorted(tally.changed))
    assert tally.rejection_rate >= 0.995, (tally.summary(), sorted(tally.accepted))
