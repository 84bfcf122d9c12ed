"""A second real spec, of another style than OpenAI's: `tests/specs/real/darkroom.json`.

OpenAPI 3.0 in JSON, a session cookie (an API key in a cookie) beside cookie parameters, an
`application/x-www-form-urlencoded` token endpoint, `nullable` (on scalars, on `allOf` wrappers,
on maps), query arrays in every style (repeated, comma, pipe and space separated), query objects
(`deepObject`, and an exploded `form` object whose properties are parameters of their own),
header arrays and integers, a JSON merge patch, a multipart upload with several files and a JSON
field, binary downloads in two media types and as a zip, a raw `application/octet-stream` body,
text in both directions, an event stream without a terminator, operations without an
operationId, and schemas whose names collide once they are Python names.

Generated once for the module, checked by ruff and mypy --strict, then the generated client talks
to the generated server over real HTTP on 127.0.0.1 (uvicorn in a thread, a port the OS picked).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import importlib
import io
import json
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from generator.analyse import analyse
from generator.config import Target
from generator.load import load_spec
from generator.render import annotation
from tests.conftest import ROOT, SPECS, check_static, importable
from tests.test_server import RunningServer

SPEC = SPECS / "real" / "darkroom.json"
PACKAGE = "darkroom_real_spec_test"
SESSION = "s3ss10n-t0ken"
PHOTO = bytes(range(256)) * 4096  # 1 MiB that no text codec would leave alone
CHUNK = 64 * 1024
PACKAGE_ARG = ("--package", PACKAGE)
MYPY_ARGS = ("--python-version", "3.10", "-p", PACKAGE)


@dataclass
class Package:
    folder: Path
    client: ModuleType
    server: ModuleType
    models: ModuleType
    warnings: list[str]


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Package]:
    out = tmp_path_factory.mktemp("darkroom")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "generate", str(SPEC), "--out", str(out), *PACKAGE_ARG],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with importable(out, PACKAGE):
        yield Package(
            out / PACKAGE,
            importlib.import_module(f"{PACKAGE}.client"),
            importlib.import_module(f"{PACKAGE}.server"),
            importlib.import_module(f"{PACKAGE}.models"),
            result.stderr.splitlines(),
        )


def darkroom(package: Package) -> Any:
    """A team's handler of the flat shape (one method per operation, named after its
    operationId), served through `from_flat`: it records what it was given and answers with it,
    so that each test sees both ends."""
    models, server = package.models, package.server

    class Darkroom:
        def __init__(self) -> None:
            self.calls: list[tuple[str, dict[str, Any]]] = []

        def _record(self, name: str, **arguments: Any) -> None:
            arguments.pop("context")
            self.calls.append((name, arguments))

        async def issue_token(self, body: Any, *, context: Any) -> Any:
            self._record("issue_token", body=body, context=context)
            if body.password != "hunter2":
                raise server.HandlerError(400, "Wrong password.", param="password")
            # `scope` may be absent, never null: it is passed on only when the request set it.
            scope = {"scope": body.scope} if body.scope is not None else {}
            return models.IssueTokenResponse2(
                access_token=SESSION, token_type="session", expires_in=body.lifetime, **scope
            )

        async def list_albums(self, **arguments: Any) -> Any:
            self._record("list_albums", **arguments)
            understood = {
                k: v.model_dump(mode="json", exclude_unset=True) if hasattr(v, "model_dump") else v
                for k, v in arguments.items()
                if k != "context"
            }
            album = models.Album(id=1, title="Summer", description=None)
            return models.AlbumList(items=[album], next_offset=None, query=understood)

        async def create_album(self, body: Any, *, context: Any) -> Any:
            self._record("create_album", body=body, context=context)
            return models.Album(id=7, title=body.title, description=body.description)

        async def get_album(self, *, album_id: int, expand: Any, context: Any) -> Any:
            self._record("get_album", album_id=album_id, expand=expand, context=context)
            raise server.HandlerError(404, f"No album {album_id}.", param="album_id")

        async def update_album(self, body: Any, *, album_id: int, context: Any) -> Any:
            self._record("update_album", body=body, album_id=album_id, context=context)
            return models.Album(
                id=album_id, title=body.title or "kept", description=None, cover=body.cover
            )

        async def upload_photo(self, body: Any, *, album_id: int, context: Any) -> Any:
            self._record("upload_photo", body=body, album_id=album_id, context=context)
            upload = body.file("file")
            assert upload.content == body.data.file  # the model holds the bytes, too
            return models.Photo(
                id=hashlib.sha256(upload.content).hexdigest(),
                album_id=album_id,
                filename=upload.filename,
                content_type=upload.content_type,
                size=upload.size,
                caption=body.data.caption,
                tags=body.data.tags,
                rating=body.data.rating,
                exif=body.data.exif,
                thumbnails=[len(t) for t in body.data.thumbnails or ()],
            )

        async def download_photo(self, *, photo_id: str, format_: Any, context: Any) -> Any:
            self._record("download_photo", photo_id=photo_id, format_=format_, context=context)

            async def chunks() -> AsyncIterator[bytes]:
                for start in range(0, len(PHOTO), CHUNK):
                    yield PHOTO[start : start + CHUNK]
                    await asyncio.sleep(0)
                    if photo_id == "broken":
                        raise OSError("the disk went away")

            if format_ == "png":
                headers = {"content-disposition": 'attachment; filename="p.png"'}
                return server.Binary(chunks(), media_type="image/png", headers=headers)
            return chunks()

        async def put_photos_photo_id_raw(
            self, body: bytes, *, photo_id: str, content_m_d5: Any, context: Any
        ) -> Any:
            self._record(
                "put_photos_photo_id_raw",
                body=body,
                photo_id=photo_id,
                md5=content_m_d5,
                context=context,
            )
            return models.Photo(
                id=photo_id,
                album_id=1,
                size=len(body),
                content_type=context.headers["content-type"],
            )

        async def set_caption(self, body: Any, *, photo_id: str, context: Any) -> str:
            self._record("set_caption", body=body, photo_id=photo_id, context=context)
            return f"{photo_id}: {body}"

        async def get_albums_album_id_export(self, *, album_id: int, context: Any) -> Any:
            self._record("export", album_id=album_id, context=context)

            def blocking() -> Iterator[bytes]:  # read in a worker thread, as a file would be
                yield b"PK\x03\x04"
                yield PHOTO

            return blocking()

        async def watch_events(self, *, since: Any, context: Any) -> Any:
            self._record("watch_events", since=since, context=context)

            async def events() -> AsyncIterator[Any]:
                yield models.LibraryEvent(models.PhotoAdded(kind="photo.added", photo_id="p1"))
                yield models.LibraryEvent.model_validate({"kind": "album.deleted", "album_id": 3})
                yield models.LibraryEvent(models.PhotoAdded(kind="photo.added", photo_id="p2"))

            return events()

    return Darkroom()


@pytest.fixture(scope="module")
def running(package: Package) -> Iterator[tuple[str, Any]]:
    handler = darkroom(package)
    app = package.server.create_app(
        package.server.from_flat(handler),
        authenticate=package.server.static_tokens({SESSION: "ana"}),
    )
    with RunningServer(app) as server:
        yield server.url + "/api/v1", handler


def client(package: Package, url: str, token: str | None = SESSION) -> Any:
    return package.client.Client(base_url=url, token=token, max_retries=0, timeout=10.0)


def last_call(handler: Any, name: str) -> dict[str, Any]:
    found = [arguments for called, arguments in handler.calls if called == name]
    assert found, f"{name} was not called"
    return found[-1]


# --- generation ------------------------------------------------------------------------------------


def test_ruff_and_mypy_strict_pass(package: Package) -> None:
    check_static(package.folder)


def test_operations_without_an_operation_id_are_named_from_method_and_path(
    package: Package,
) -> None:
    places = {
        "put_photos_photo_id_raw": "photos.raw.update",
        "get_albums_album_id_export": "albums.export",
    }
    mock = package.server.MockHandler()
    for name, dotted in places.items():
        for client in (package.client.Client, package.client.AsyncClient):
            resource = functools.reduce(
                getattr, dotted.split(".")[:-1], client(base_url="http://x")
            )
            assert callable(getattr(resource, dotted.split(".")[-1]))
        assert callable(functools.reduce(getattr, dotted.split("."), mock))
        assert package.server.FLAT_NAMES[dotted] == name
        assert any(f"no operationId; named {name}" in line for line in package.warnings)


def test_names_that_collide_as_python_names_get_distinct_classes(package: Package) -> None:
    models = package.models
    # album_summary, AlbumSummary and album-summary: three schemas, three classes, in spec order.
    assert set(models.AlbumSummary.model_fields) == {"photos"}
    assert set(models.AlbumSummary2.model_fields) == {"bytes"}
    assert models.AlbumSummary3.model_validate(None).root is None
    album = models.Album.model_validate(
        {"id": 1, "title": "t", "description": None, "summary": {"bytes": 3}, "summary-text": "x"}
    )
    assert isinstance(album.summary, models.AlbumSummary2) and album.summary_text.root == "x"
    # issueToken's inline response would be IssueTokenResponse, a component's name already.
    assert models.IssueTokenResponse.model_validate("a token").root == "a token"
    oauth = (package.folder / "resources" / "oauth_token.py").read_text()
    assert "-> models.IssueTokenResponse2:" in oauth


def test_the_ir_describes_the_wire(package: Package) -> None:
    """What analyse records for client and server to read: shapes, form fields, downloads."""
    api = analyse(load_spec(SPEC), Target(package=PACKAGE))
    ops = {op.name: op for op in api.operations}
    shapes = {p.name: (p.shape, p.style, p.explode) for p in ops["list_albums"].parameters}
    assert shapes == {
        "tag": ("array", "form", True),
        "ids": ("array", "form", False),
        "sort": ("array", "pipeDelimited", False),
        "keywords": ("array", "spaceDelimited", False),
        "filter": ("object", "deepObject", True),
        "page": ("object", "form", True),
        "X-Request-Deadline": ("scalar", "simple", False),
        "X-Client-Tags": ("array", "simple", False),
        "locale": ("scalar", "form", True),
    }
    sort = next(p for p in ops["list_albums"].parameters if p.name == "sort")
    assert annotation(sort.type) == "list[Literal['name', '-name', 'created', '-created']]"
    expand = next(p for p in ops["get_album"].parameters if p.name == "expand")
    assert expand.json and expand.shape == "object"
    upload = ops["upload_photo"].body.primary
    fields = {f.name: (f.file, f.array, f.json, f.content_type) for f in upload.fields}
    assert fields == {
        "file": (True, False, False, None),
        "caption": (False, False, False, None),
        "tags": (False, True, False, None),
        "rating": (False, False, False, None),
        "exif": (False, False, True, "application/json"),
        "thumbnails": (True, True, False, None),
    }
    download = ops["download_photo"]
    assert download.result.media is not None
    assert (download.result.media.kind, download.result.media.content_type) == (
        "binary",
        "image/jpeg",
    )
    assert [m.content_type for m in download.success_response.media] == ["image/jpeg", "image/png"]
    assert ops["watch_events"].stream.terminator is None
    assert api.base_path == "/api/v1"


# --- each kind of body and parameter, over HTTP ------------------------------------------------


def test_form_urlencoded_body(package: Package, running: tuple[str, Any]) -> None:
    url, handler = running
    with client(package, url, token=None) as api:  # the token endpoint needs no session
        token = api.oauth.token.create(
            {
                "grant_type": "password",
                "username": "ana",
                "password": "hunter2",
                "scope": ["read", "write"],
                "remember": True,
                "lifetime": None,
            }
        )
    body = last_call(handler, "issue_token")["body"]
    assert isinstance(body, package.models.IssueTokenRequest)
    assert (body.username, body.scope, body.remember, body.lifetime) == (
        "ana",
        ["read", "write"],
        True,
        None,
    )
    assert token == package.models.IssueTokenResponse2(
        access_token=SESSION, token_type="session", expires_in=None, scope=["read", "write"]
    )
    # `format: password` is a plain string: a model body sends the password, not "**********".
    with client(package, url, token=None) as api:
        form = package.models.IssueTokenRequest(
            grant_type="password", username="ana", password="hunter2"
        )
        api.oauth.token.create(form)
    assert last_call(handler, "issue_token")["body"].password == "hunter2"
    # What went over the wire, checked by hand, and the server's 400s for a bad form.
    raw = httpx.post(
        url + "/oauth/token",
        content=b"grant_type=password&username=b%C3%A9a&password=hunter2&lifetime=3600&scope=x",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert raw.status_code == 200, raw.text
    assert last_call(handler, "issue_token")["body"].username == "béa"
    assert raw.json()["expires_in"] == 3600 and raw.json()["scope"] == ["x"]  # one item is a list
    bad = httpx.post(
        url + "/oauth/token",
        data={"grant_type": "password", "username": "a", "password": "p", "lifetime": "soon"},
    )
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "lifetime"
    missing = httpx.post(url + "/oauth/token", data={"grant_type": "password"})
    assert missing.status_code == 400 and missing.json()["error"]["param"] == "username"


def test_query_header_and_cookie_parameters_in_every_style(
    package: Package, running: tuple[str, Any]
) -> None:
    url, _ = running
    with client(package, url) as api:
        albums = api.albums.list(
            tag=["sea", "sun"],
            ids=[3, 5],
            sort=["-created", "name"],
            keywords=["blue", "dusk"],
            filter_=package.models.AlbumFilter(owner="ana", min_photos=2),
            page={"offset": 20, "limit": 10},
            x_request_deadline=30,
            x_client_tags=["cli", "test"],
            locale="pt-BR",
        )
    assert albums.query == {
        "tag": ["sea", "sun"],
        "ids": [3, 5],
        "sort": ["-created", "name"],
        "keywords": ["blue", "dusk"],
        "filter_": {"owner": "ana", "min_photos": 2},
        "page": {"offset": 20, "limit": 10},
        "x_request_deadline": 30,
        "x_client_tags": ["cli", "test"],
        "locale": "pt-BR",
    }
    assert albums.items[0].description is None and "description" in albums.items[0].model_fields_set
    # The same request written by hand, the way OpenAPI spells each style.
    raw = httpx.get(
        url + "/albums?tag=sea&tag=sun&ids=3,5&sort=-created|name&keywords=blue%20dusk"
        "&filter[owner]=ana&filter[min_photos]=2&offset=20&limit=10",
        headers={"x-request-deadline": "30", "x-client-tags": "cli, test"},
        cookies={"darkroom_session": SESSION, "locale": "pt-BR"},
    )
    assert raw.status_code == 200, raw.text
    assert raw.json()["query"] == albums.query


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("ids=1,x", "ids"),
        ("sort=up", "sort"),
        ("filter[min_photos]=-1", "filter"),
        ("limit=500", "page"),
    ],
)
def test_bad_parameters_are_400s_naming_them(
    running: tuple[str, Any], query: str, param: str
) -> None:
    url, _ = running
    response = httpx.get(f"{url}/albums?{query}", cookies={"darkroom_session": SESSION})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["param"] == param
    bad_cookie = httpx.get(
        url + "/albums", cookies={"darkroom_session": SESSION, "locale": "Portuguese"}
    )
    assert bad_cookie.json()["error"]["param"] == "locale"


def test_session_cookie_and_errors(package: Package, running: tuple[str, Any]) -> None:
    url, handler = running
    errors = sys.modules[f"{PACKAGE}.errors"]
    with client(package, url, token=None) as api, pytest.raises(errors.AuthenticationError):
        api.albums.retrieve(album_id=1)
    with client(package, url) as api, pytest.raises(errors.NotFoundError) as caught:
        api.albums.retrieve(album_id=9, expand={"photos": True, "depth": 2})
    assert caught.value.status_code == 404 and "No album 9." in str(caught.value)
    # `expand` is declared with `content: application/json`: JSON text on the wire.
    sent = caught.value.response.request.url.params["expand"]
    assert json.loads(sent) == {"photos": True, "depth": 2}
    expand = last_call(handler, "get_album")["expand"]
    assert isinstance(expand, package.models.GetAlbumExpand) and (expand.photos, expand.depth) == (
        True,
        2,
    )


def test_json_bodies_with_nullable_fields(package: Package, running: tuple[str, Any]) -> None:
    url, handler = running
    models = package.models
    with client(package, url) as api:
        made = api.albums.create(models.AlbumCreate(title="Winter", description=None))
        patched = api.albums.update({"description": None, "cover": None}, album_id=7)
    body = last_call(handler, "create_album")["body"]
    assert body.description is None and body.model_fields_set == {"title", "description"}
    assert made.description is None and made.id == 7
    patch = last_call(handler, "update_album")["body"]
    assert patch.model_fields_set == {"description", "cover"} and patch.cover is None
    assert patched.title == "kept" and patched.cover is None and "cover" in patched.model_fields_set
    sent = httpx.patch(
        url + "/albums/7",
        content=b'{"title": "T"}',
        headers={"content-type": "application/merge-patch+json"},
        cookies={"darkroom_session": SESSION},
    )
    assert sent.status_code == 200 and sent.json()["title"] == "T"
    wrong_type = httpx.patch(
        url + "/albums/7", json={"title": "T"}, cookies={"darkroom_session": SESSION}
    )
    assert wrong_type.status_code == 400 and "merge-patch" in wrong_type.json()["error"]["message"]


def test_multipart_upload_with_bytes_a_file_object_a_path_and_a_tuple(
    package: Package, running: tuple[str, Any], tmp_path: Path
) -> None:
    url, handler = running
    on_disk = tmp_path / "dune.jpg"
    on_disk.write_bytes(PHOTO)
    expected = hashlib.sha256(PHOTO).hexdigest()
    with client(package, url) as api:
        sources: list[Any] = [
            PHOTO,
            io.BytesIO(PHOTO),
            on_disk,
            ("named.jpg", PHOTO, "image/jpeg"),
        ]
        photos = [
            api.albums.photos.upload(
                {
                    "file": source,
                    "caption": None,
                    "tags": ["dune", "sand"],
                    "rating": 4,
                    "exif": {"iso": "100", "lens": "35mm f/2"},
                    "thumbnails": [b"t" * 10, b"u" * 20],
                },
                album_id=5,
            )
            for source in sources
        ]
    assert all(photo.id == expected and photo.size == len(PHOTO) for photo in photos)
    assert [photo.filename for photo in photos] == ["upload", "upload", "dune.jpg", "named.jpg"]
    assert photos[3].content_type == "image/jpeg"
    first = photos[0]
    assert (first.caption, first.tags, first.rating) == (None, ["dune", "sand"], 4)
    assert first.exif == {"iso": "100", "lens": "35mm f/2"} and first.thumbnails == [10, 20]
    body = last_call(handler, "upload_photo")["body"]
    assert [upload.field_name for upload in body.files] == ["file", "thumbnails", "thumbnails"]
    assert body.data.caption is None and "caption" not in body.data.model_fields_set


def test_multipart_edge_cases_written_by_hand(running: tuple[str, Any]) -> None:
    url, handler = running
    boundary = "b0undary"
    tricky = b"x--b0undary mid-line is no boundary\r\n--b0undar\r\n\r\n"  # nor is a prefix
    body = (
        (
            f"--{boundary}\r\n"
            "Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''r%C3%A9sum%C3%A9.bin\r\n"
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + tricky
        + (
            f"\r\n--{boundary}\r\n"
            'Content-Disposition: form-data; name="tags[]"\r\n\r\n'
            "one\r\n"
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="exif"\r\n'
            "Content-Type: application/json\r\n\r\n"
            '{"note": "a \\"quoted\\" word"}\r\n'
            f"--{boundary}--\r\n"
        ).encode()
    )
    response = httpx.post(
        url + "/albums/2/photos",
        content=body,
        headers={"content-type": f'multipart/form-data; boundary="{boundary}"'},
        cookies={"darkroom_session": SESSION},
    )
    assert response.status_code == 201, response.text
    photo = response.json()
    assert photo["filename"] == "résumé.bin" and photo["size"] == len(tricky)
    assert photo["tags"] == ["one"] and photo["exif"] == {"note": 'a "quoted" word'}
    assert last_call(handler, "upload_photo")["body"].data.file == tricky
    for broken in [
        body[:-20],
        body.replace(b"form-data; name", b"attachment; name", 1),
        b"nothing",
    ]:
        refused = httpx.post(
            url + "/albums/2/photos",
            content=broken,
            headers={"content-type": f"multipart/form-data; boundary={boundary}"},
            cookies={"darkroom_session": SESSION},
        )
        assert refused.status_code == 400, refused.text
    no_file = httpx.post(
        url + "/albums/2/photos",
        files={"caption": (None, b"only text")},
        cookies={"darkroom_session": SESSION},
    )
    assert no_file.status_code == 400 and no_file.json()["error"]["param"] == "file"


def test_binary_download_plain_and_streamed(
    package: Package, running: tuple[str, Any], tmp_path: Path
) -> None:
    url, _ = running
    with client(package, url) as api:
        assert api.photos.original.download(photo_id="p1") == PHOTO
        with api.photos.original.with_streaming_response.download(
            photo_id="p1", format_="png"
        ) as response:
            assert response.status_code == 200 and response.content_type == "image/png"
            assert response.headers["content-disposition"] == 'attachment; filename="p.png"'
            assert "content-length" not in response.headers  # sent as it was produced
            pieces = list(response.iter_bytes(CHUNK))
        assert len(pieces) == len(PHOTO) // CHUNK and b"".join(pieces) == PHOTO
        with api.albums.with_streaming_response.export(album_id=4) as response:
            written = response.write_to_file(tmp_path / "album.zip")
        assert (
            written == len(PHOTO) + 4 and (tmp_path / "album.zip").read_bytes()[:4] == b"PK\x03\x04"
        )
        raw = api.photos.original.with_raw_response.download(photo_id="p1", format_="jpeg")
        assert raw.headers["content-type"] == "image/jpeg" and raw.parse() == PHOTO

    async def run() -> tuple[int, bytes]:
        async with package.client.AsyncClient(base_url=url, token=SESSION, max_retries=0) as api:
            async with api.photos.original.with_streaming_response.download(
                photo_id="p2"
            ) as response:
                chunks = [chunk async for chunk in response.aiter_bytes()]
            awaited = await api.photos.original.with_streaming_response.download(photo_id="p3")
            try:
                parsed = await awaited.parse()
            finally:
                await awaited.aclose()
            async with api.albums.with_streaming_response.export(album_id=5) as export:
                await export.write_to_file(tmp_path / "async.zip")
            return sum(len(c) for c in chunks), parsed

    size, parsed = asyncio.run(run())
    assert size == len(PHOTO) and parsed == PHOTO
    assert (tmp_path / "async.zip").read_bytes() == b"PK\x03\x04" + PHOTO


def test_a_download_that_breaks_midway_raises(package: Package, running: tuple[str, Any]) -> None:
    url, _ = running
    errors = sys.modules[f"{PACKAGE}.errors"]
    with client(package, url) as api:
        with (
            api.photos.original.with_streaming_response.download(photo_id="broken") as response,
            pytest.raises(errors.APIConnectionError, match="broke before its end"),
        ):
            for _ in response.iter_bytes():
                pass
        with pytest.raises(errors.APIConnectionError):
            api.photos.original.download(photo_id="broken")


def test_raw_and_text_bodies(package: Package, running: tuple[str, Any]) -> None:
    url, handler = running
    with client(package, url) as api:
        photo = api.photos.raw.update(PHOTO, photo_id="p9", content_m_d5="abc==")
        caption = api.photos.caption.set("Dunes at dusk — ✓", photo_id="p9")
    assert photo.size == len(PHOTO) and photo.content_type == "application/octet-stream"
    assert last_call(handler, "put_photos_photo_id_raw")["md5"] == "abc=="
    assert caption == "p9: Dunes at dusk — ✓"


def test_an_event_stream_without_terminator_ends_with_the_connection(
    package: Package, running: tuple[str, Any]
) -> None:
    url, handler = running
    models = package.models
    with client(package, url) as api, api.events.watch(since="2026-01-01T00:00:00Z") as stream:
        events = list(stream)
        assert stream.finished
    assert [type(event.root) for event in events] == [
        models.PhotoAdded,
        models.AlbumDeleted,
        models.PhotoAdded,
    ]
    assert events[1].root.album_id == 3
    assert last_call(handler, "watch_events")["since"] == "2026-01-01T00:00:00Z"
    wire = httpx.get(url + "/events", cookies={"darkroom_session": SESSION}).text
    assert wire.count("data: ") == 3 and "[DONE]" not in wire


# Operations named like what the client's classes use beside them: one attribute per operation
# in `with_raw_response` and `with_streaming_response` must not hide the wrappers the next needs.
HELPER_NAMES = ["rawMethod", "streamedMethod", "asyncRawMethod", "asyncStreamedMethod", "cast"]
HELPER_SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Helper names", "version": "1"},
    "paths": {
        f"/{name}": {"get": {"operationId": name, "responses": {"204": {"description": "ok"}}}}
        for name in HELPER_NAMES
    },
}


def test_operations_named_like_the_clients_helpers(tmp_path: Path) -> None:
    spec = tmp_path / "helpers.json"
    spec.write_text(json.dumps(HELPER_SPEC))
    package = "helper_names_test"
    command = ["generate", str(spec), "--out", str(tmp_path), "--package", package]
    result = subprocess.run(
        [sys.executable, "-m", "generator", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    check_static(tmp_path / package, mypy=False)
    with importable(tmp_path, package):
        client = importlib.import_module(f"{package}.client")
        server = importlib.import_module(f"{package}.server")
        app = server.create_app(server.MockHandler())

        async def run() -> list[int]:
            transport = httpx.ASGITransport(app=app)
            http = httpx.AsyncClient(transport=transport, base_url="http://test")
            async with http, client.AsyncClient(base_url="http://test", http_client=http) as api:
                statuses = []
                for name in ["raw_method", "streamed_method", "async_raw_method", "cast"]:
                    raw = await getattr(api.with_raw_response, name)()
                    async with getattr(api.with_streaming_response, name)() as streamed:
                        statuses += [raw.status_code, streamed.status_code]
                return statuses

        assert asyncio.run(run()) == [204] * 8
