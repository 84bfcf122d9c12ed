"""The client's logging switch: `<PACKAGE>_LOG=info` logs each request's method, URL, status and
time; `<PACKAGE>_LOG=debug` adds headers and the size of bodies. The credential never shows: the
headers that carry one are written `[REDACTED]`, and so is the token wherever else it appears
(an API key in the query, say).

The switch only adds a handler to the package's `<package>.client` logger (once, whatever the
number of clients): an application that configures logging itself sets that logger's level
and handlers as it likes instead.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from typing import Final

import httpx

__all__ = ["SENSITIVE_HEADERS", "log_request", "log_response", "redacted", "setup_logging"]

# Headers that carry credentials in any scheme; a spec's own API-key header is added per client.
SENSITIVE_HEADERS: Final = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api-key",
    }
)
REDACTED: Final = "[REDACTED]"
LEVELS: Final = {"debug": logging.DEBUG, "info": logging.INFO}
_configured: set[str] = set()


def setup_logging(env_var: str, logger: logging.Logger) -> None:
    """Turn `logger` on as the environment variable `env_var` says (`debug` or `info`);
    anything else leaves logging as the application configured it."""
    level = LEVELS.get(os.environ.get(env_var, "").strip().lower())
    if level is None or logger.name in _configured:
        return
    _configured.add(logger.name)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("[%(asctime)s - %(name)s - %(levelname)s] %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)


def redacted(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret written `[REDACTED]`."""
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, REDACTED)
    return text


def safe_headers(
    headers: Mapping[str, str], secrets: Iterable[str], sensitive: frozenset[str]
) -> dict[str, str]:
    """The headers as a log may show them: credentials written `[REDACTED]`."""
    secrets = tuple(secrets)
    return {
        name: (
            REDACTED
            if name.lower() in SENSITIVE_HEADERS or name.lower() in sensitive
            else redacted(value, secrets)
        )
        for name, value in headers.items()
    }


def log_request(
    logger: logging.Logger,
    request: httpx.Request,
    secrets: tuple[str, ...],
    sensitive: frozenset[str] = frozenset(),
) -> None:
    """At debug level: the request about to be sent, its credential redacted."""
    if not logger.isEnabledFor(logging.DEBUG):
        return
    logger.debug(
        "Request: %s %s headers=%s body=%s bytes",
        request.method,
        redacted(str(request.url), secrets),
        safe_headers(request.headers, secrets, sensitive),
        request.headers.get("content-length", "0"),
    )


def log_response(
    logger: logging.Logger,
    response: httpx.Response,
    secrets: tuple[str, ...],
    retries_taken: int,
    sensitive: frozenset[str] = frozenset(),
) -> None:
    """At info level: the answer's status and time; at debug level, its headers too."""
    if not logger.isEnabledFor(logging.INFO):
        return
    request = response.request
    logger.info(
        'HTTP Request: %s %s "%d %s" (%s, %d retries)',
        request.method,
        redacted(str(request.url), secrets),
        response.status_code,
        response.reason_phrase,
        _elapsed(response),
        retries_taken,
    )
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("Response headers: %s", safe_headers(response.headers, secrets, sensitive))


def _elapsed(response: httpx.Response) -> str:
    try:
        return f"{response.elapsed.total_seconds():.3f} s"
    except RuntimeError:  # a streamed answer whose body is still to be read
        return "streaming"
