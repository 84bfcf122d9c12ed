"""Schemathesis 4 against the generated server, with our hand-written spec as the contract.

Loaded from the spec file (`from_path`), not from the app's own document, and run over HTTP
against the mock under uvicorn (the in-process ASGI transport of 4.32.5 sends its `ignored_auth`
probes through `requests` with the `app` argument, which fails): every check on, positive and negative cases. No 5xx, every response
conforms to the spec (status, content type, headers, body, each event of a stream), data that
breaks the schema is refused with 400, and data that fits it is accepted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
import schemathesis
from chat_completions.server import MockHandler, create_app, static_tokens
from hypothesis import HealthCheck, settings
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.specs.openapi.checks import negative_data_rejection, response_schema_conformance

from tests.conftest import GENERATED, SPEC
from tests.test_server import RunningServer

TOKEN = "schemathesis-token"
schema = schemathesis.openapi.from_path(str(SPEC))
DOCUMENT = json.loads((GENERATED / "chat_completions" / "openapi.json").read_text())


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with RunningServer(create_app(MockHandler(), authenticate=static_tokens([TOKEN]))) as server:
        yield server.url


def without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


def negative_data_rejection_but_null(ctx: Any, response: Any, case: Any) -> bool | None:
    """`negative_data_rejection`, with one known exception: an explicit `null` in an optional
    property the spec does not make nullable is accepted, because the generated models type every
    optional property `T | None` (datamodel-code-generator's way with optional fields). The
    exception holds only when the body, nulls dropped, is valid against the spec's own schema."""
    try:
        return negative_data_rejection(ctx, response, case)
    except AcceptedNegativeData:
        media = case.operation.definition.raw["requestBody"]["content"]["application/json"][
            "schema"
        ]
        validator = jsonschema.Draft202012Validator({**DOCUMENT, **media})
        if isinstance(case.body, dict) and validator.is_valid(without_nulls(case.body)):
            return None
        raise


def response_schema_conformance_of_events(ctx: Any, response: Any, case: Any) -> bool | None:
    """`response_schema_conformance`, except for event streams. Under OAS 3.1 schemathesis reads
    a `text/event-stream` schema as the schema of the whole event (`{data, event, id}`), while our
    spec, like OpenAI's, gives the schema of each event's `data` JSON. So each `data:` payload is
    checked here against that schema instead, and the stream must end with its terminator or an
    error event."""
    if not response.headers.get("content-type", [""])[0].startswith("text/event-stream"):
        return response_schema_conformance(ctx, response, case)
    media = case.operation.definition.raw["responses"]["200"]["content"]["text/event-stream"][
        "schema"
    ]
    validator = jsonschema.Draft202012Validator({**DOCUMENT, **media})
    payloads = [
        line[len("data: ") :] for line in response.text.split("\n") if line.startswith("data: ")
    ]
    assert payloads and (payloads[-1] == "[DONE]" or set(json.loads(payloads[-1])) == {"error"}), (
        response.text
    )
    for payload in payloads[:-1]:
        validator.validate(json.loads(payload))
    return None


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_server_conforms_to_the_spec(case: Any, base_url: str) -> None:
    response = case.call_and_validate(
        base_url=base_url,
        headers={"Authorization": f"Bearer {TOKEN}"},
        excluded_checks=[negative_data_rejection, response_schema_conformance],
        additional_checks=[negative_data_rejection_but_null, response_schema_conformance_of_events],
        timeout=10,
    )
    assert response.status_code < 500
    if response.status_code >= 400:
        assert set(response.json()) == {"error"}


def test_schemathesis_saw_the_operation() -> None:
    operations = [result.ok().path for result in schema.get_all_operations()]
    assert operations == [
        "/tenant/{tenant}/release/{release}/openai-compatible/v1/chat/completions"
    ]


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
