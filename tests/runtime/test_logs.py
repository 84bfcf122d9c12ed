"""The logging switch (generator/runtime/_logs.py): what `<PACKAGE>_LOG` turns on, and that no
credential reaches a log, in a header, a URL, or anywhere else it was echoed."""

from __future__ import annotations

import logging

import httpx
import pytest

from generator.runtime._logs import (
    REDACTED,
    log_request,
    log_response,
    redacted,
    safe_headers,
    setup_logging,
)

TOKEN = "sk-logs-SECRET-1234"


def test_the_switch_adds_one_handler_at_the_level_it_names(monkeypatch: pytest.MonkeyPatch) -> None:
    logger = logging.getLogger("logs_test_package.client")
    monkeypatch.setenv("LOGS_TEST_LOG", "")
    setup_logging("LOGS_TEST_LOG", logger)
    assert logger.handlers == [] and logger.level == logging.NOTSET
    monkeypatch.setenv("LOGS_TEST_LOG", "Debug")
    setup_logging("LOGS_TEST_LOG", logger)
    setup_logging("LOGS_TEST_LOG", logger)  # once, however many clients are made
    try:
        assert len(logger.handlers) == 1 and logger.level == logging.DEBUG
    finally:
        logger.handlers.clear()
        logger.setLevel(logging.NOTSET)


def test_credentials_never_reach_a_log(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("logs_test_package.redacting")
    request = httpx.Request(
        "POST",
        f"https://api.test/v1/items?api_key={TOKEN}",
        headers={"Authorization": f"Bearer {TOKEN}", "X-Custom-Key": TOKEN, "X-Trace": "t"},
        content=b"{}",
    )
    response = httpx.Response(401, request=request, headers={"set-cookie": "s=1"}, text="no")
    with caplog.at_level(logging.DEBUG, logger=logger.name):
        log_request(logger, request, (TOKEN,), frozenset({"x-custom-key"}))
        log_response(logger, response, (TOKEN,), 1)
    assert "Request: POST https://api.test/v1/items?api_key=[REDACTED]" in caplog.text
    assert "'authorization': '[REDACTED]'" in caplog.text and "'x-trace': 't'" in caplog.text
    assert "HTTP Request: POST" in caplog.text and '"401 Unauthorized"' in caplog.text
    assert TOKEN not in caplog.text


def test_nothing_is_logged_unless_asked(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("logs_test_package.quiet")
    request = httpx.Request("GET", "https://api.test/v1/items")
    with caplog.at_level(logging.WARNING, logger=logger.name):
        log_request(logger, request, ())
        log_response(logger, httpx.Response(200, request=request), (), 0)
    assert caplog.text == ""


def test_redaction_helpers() -> None:
    assert redacted(f"key={TOKEN}&x={TOKEN}", (TOKEN, "")) == f"key={REDACTED}&x={REDACTED}"
    headers = safe_headers({"Cookie": "a", "Api-Key": "b", "Accept": TOKEN}, (TOKEN,), frozenset())
    assert headers == {"Cookie": REDACTED, "Api-Key": REDACTED, "Accept": REDACTED}
