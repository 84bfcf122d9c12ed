"""The runtime of a generated package: the code that does not depend on the spec.

Each module here is copied as it is, under the generated header, into every package that has
its part: the client's HTTP core, retries, SSE decoding, streams and exception classes; the
server's app, error bodies, request rules, SSE writer and mock engine; the contract suite's
engine (the `tests` part). They are ordinary modules
of this repository, linted, type-checked and unit-tested (`tests/runtime/`) as source.

What a spec decides reaches them as data from the generated modules (`errors.py`, `client.py`,
`server.py`), never by templating: they import each other only relatively (`from ._sse import
...`), and otherwise only the standard library and the package's declared dependencies (see
`THIRD_PARTY`). They are kept black-formatted in the generator's mode, so they are copied
without formatting; they run on Python 3.10, the generated package's floor.

Importing this package imports none of its modules: the generator itself needs neither httpx
nor FastAPI.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["FORMAT_CLASSES", "MODULES", "THIRD_PARTY", "source"]

MODULES: dict[str, tuple[str, ...]] = {
    "models": ("_formats.py", "_wire.py"),
    "client": (
        "_exceptions.py",
        "_sse.py",
        "_limits.py",
        "_streaming.py",
        "_logs.py",
        "_base_client.py",
        "_resource.py",
        "_pagination.py",
    ),
    "server": ("_server_runtime.py", "_server_http.py", "_server_sse.py", "_server_mock.py"),
    "tests": ("_contract.py",),
}
"""The runtime modules of each part of a package, by file name (the same in the package). Every
package has models, so every package has the models' part."""

_PYDANTIC = frozenset({"pydantic", "pydantic_core", "typing_extensions"})
THIRD_PARTY: dict[str, frozenset[str]] = {
    # regex: imported only where a pattern needs it, and then declared (pipeline.requirements).
    "models": _PYDANTIC | {"regex"},
    "client": _PYDANTIC | {"anyio", "httpcore", "httpx"},
    "server": _PYDANTIC | {"anyio", "fastapi", "h11", "starlette", "uvicorn"},
    # The contract suite drives the client and the server (passed in by contract_tests.py).
    "tests": _PYDANTIC | {"anyio", "httpx", "pytest", "hypothesis"},
}
"""The top-level packages besides the standard library that each part's runtime may import: the
part's declared dependencies (pipeline.REQUIREMENTS) and what they always bring (pydantic_core
and typing_extensions with pydantic, anyio and httpcore with httpx, anyio with starlette,
starlette with FastAPI, h11 with uvicorn)."""

FORMAT_CLASSES: dict[str, str] = {
    "date-time": "DateTimeText",
    "date": "DateText",
    "time": "TimeText",
    "duration": "DurationText",
    "uri": "UriText",
    "uri-reference": "UriReferenceText",
    "iri": "IriText",
    "iri-reference": "IriReferenceText",
    "uuid": "UuidText",
    "ipv4": "IPv4Text",
    "ipv6": "IPv6Text",
    "email": "EmailText",
    "idn-email": "IdnEmailText",
    "hostname": "HostnameText",
    "decimal": "DecimalText",
    "byte": "Base64Text",
}
"""The class of `_formats.py` that checks each string format (its `FORMATS`, by class name:
the generator reads this without importing the runtime)."""

_HERE = Path(__file__).resolve().parent


def source(name: str) -> str:
    """The text of the runtime module `name` (a file name of MODULES)."""
    return (_HERE / name).read_text(encoding="utf-8")
