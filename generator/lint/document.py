"""Rules about the document as a whole: info, tags, servers, descriptions, component names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise
from typing import Any
from urllib.parse import urlsplit

from generator.lint.context import COMPONENT_KINDS, LintContext, escape
from generator.lint.registry import Problem, Severity, rule

_VARIABLE = re.compile(r"\{([^{}]*)\}")
_COMPONENT_NAME = re.compile(r"[a-zA-Z0-9.\-_]+")
_EXAMPLE_HOST = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*:)?//(?:[^/@]*@)?(?:[^/:?#]*\.)?(?:example\.(?:com|org|net)|localhost)(?=[/:?#]|$)",
    re.IGNORECASE,
)
# What no description should hold: a script, an inline event handler, a javascript: link, eval.
_UNSAFE = (
    (re.compile(r"<script\b", re.IGNORECASE), "a <script> tag"),
    (re.compile(r"<[a-z][^>]*\bon[a-z]+\s*=", re.IGNORECASE), "an HTML event handler attribute"),
    (
        re.compile(r"(?:\]\(\s*|\b(?:href|src)\s*=\s*[\"']?\s*)javascript:", re.IGNORECASE),
        "a javascript: URL",
    ),
    (re.compile(r"\beval\s*\("), "eval("),
)


@rule(
    "info-description",
    Severity.WARN,
    "`info` has a description",
    peers=("spectral:info-description",),
)
def info_description(context: LintContext) -> Iterator[Problem]:
    """What the API is for: the generated package's docstring and the first page of its docs."""
    if not _text(_info(context).get("description")):
        yield "/info", "`info` has no description"


@rule(
    "info-contact",
    Severity.WARN,
    "`info` has a contact",
    peers=("spectral:info-contact", "redocly:info-contact"),
)
def info_contact(context: LintContext) -> Iterator[Problem]:
    """Whom a client's author asks when the API misbehaves."""
    if not isinstance(_info(context).get("contact"), dict):
        yield "/info", "`info` has no contact"


@rule(
    "contact-properties",
    None,
    "the contact has a name, a URL and an email",
    peers=("spectral:contact-properties",),
)
def contact_properties(context: LintContext) -> Iterator[Problem]:
    """Off by default, as with Spectral: one way to reach someone is enough."""
    contact = _info(context).get("contact")
    if isinstance(contact, dict):
        for key in ("name", "url", "email"):
            if not _text(contact.get(key)):
                yield "/info/contact", f"the contact has no `{key}`"


@rule(
    "info-license",
    Severity.WARN,
    "`info` has a license",
    peers=("spectral:info-license", "redocly:info-license"),
)
def info_license(context: LintContext) -> Iterator[Problem]:
    """Under which terms the description (and code generated from it) may be used."""
    if not isinstance(_info(context).get("license"), dict):
        yield "/info", "`info` has no license"


@rule(
    "license-url",
    Severity.WARN,
    "the license has a `url` (or, in 3.1, an SPDX `identifier`)",
    peers=("spectral:license-url", "redocly:info-license-strict"),
)
def license_url(context: LintContext) -> Iterator[Problem]:
    """A license name alone does not say which text applies."""
    license_ = _info(context).get("license")
    if not isinstance(license_, dict):
        return
    keys = ("url",) if context.version == (3, 0) else ("url", "identifier")
    if not any(_text(license_.get(key)) for key in keys):
        yield "/info/license", f"the license has no {' or '.join(f'`{k}`' for k in keys)}"


@rule(
    "tags-unique",
    Severity.ERROR,
    "top-level tag names are unique",
    peers=("spectral:openapi-tags-uniqueness", "redocly:no-duplicated-tag-names"),
)
def tags_unique(context: LintContext) -> Iterator[Problem]:
    """OpenAPI: each tag name in the list MUST be unique. Which description would apply?"""
    first: dict[Any, str] = {}
    for tag, pointer in context.tags:
        name = tag.get("name")
        if name in first:
            yield pointer, f"tag `{name}` is declared twice (also at {context.where(first[name])})"
        else:
            first[name] = pointer


@rule(
    "tag-description",
    Severity.WARN,
    "every top-level tag has a description",
    peers=("spectral:tag-description", "redocly:tag-description"),
)
def tag_description(context: LintContext) -> Iterator[Problem]:
    """A tag's description introduces its group of operations in the documentation."""
    for tag, pointer in context.tags:
        if not _text(tag.get("description")):
            yield pointer, f"tag `{tag.get('name')}` has no description"


@rule(
    "tags-declared",
    None,
    "the document declares top-level `tags`",
    peers=("spectral:openapi-tags",),
)
def tags_declared(context: LintContext) -> Iterator[Problem]:
    """Off by default, as with Spectral; `tag-defined` already asks for every tag in use."""
    tags = context.document.get("tags")
    if not isinstance(tags, list) or not tags:
        yield "", "the document declares no top-level `tags`"


@rule(
    "tags-alphabetical",
    None,
    "top-level tags are in alphabetical order",
    peers=("spectral:openapi-tags-alphabetical", "redocly:tags-alphabetical"),
)
def tags_alphabetical(context: LintContext) -> Iterator[Problem]:
    """Off by default, as with both peers: the order of tags is the documentation's order."""
    names = [(str(tag.get("name")), pointer) for tag, pointer in context.tags]
    for (name, _), (following, pointer) in pairwise(names):
        if following < name:
            yield pointer, f"tag `{following}` comes after `{name}`"


@rule(
    "servers-present",
    Severity.WARN,
    "the document lists its servers",
    peers=("spectral:oas3-api-servers", "redocly:no-empty-servers"),
)
def servers_present(context: LintContext) -> Iterator[Problem]:
    """Without `servers`, clients default to `/` of wherever the description was fetched from,
    and a generated client has no base URL. Legal, hence a warning (Redocly: an error)."""
    servers = context.document.get("servers")
    if servers is None:
        yield "/openapi", "the document has no `servers`"
    elif not isinstance(servers, list) or not servers:
        yield "/servers", "`servers` is empty"


@rule(
    "server-trailing-slash",
    Severity.ERROR,
    "server URLs do not end with `/`",
    peers=("spectral:oas3-server-trailing-slash", "redocly:no-server-trailing-slash"),
)
def server_trailing_slash(context: LintContext) -> Iterator[Problem]:
    """Paths start with `/`; a server URL that ends with one makes every request URL hold `//`
    (`https://api.example.com/v1//users`), which many servers route elsewhere or refuse."""
    for server, pointer in context.servers:
        url = server.get("url")
        if isinstance(url, str) and url.endswith("/") and url != "/":
            yield pointer + "/url", f"server URL {url} ends with `/`"


@rule(
    "server-not-example",
    Severity.WARN,
    "server URLs do not point at example.com or localhost",
    peers=("spectral:oas3-server-not-example.com", "redocly:no-server-example.com"),
)
def server_not_example(context: LintContext) -> Iterator[Problem]:
    """A placeholder host left in a published description sends every generated client to the
    wrong place. A local server for development is fine: turn the rule off for that file."""
    for server, pointer in context.servers:
        url = server.get("url")
        if isinstance(url, str) and _EXAMPLE_HOST.search(url):
            yield pointer + "/url", f"server URL {url} points at an example or local host"


@rule(
    "server-variables",
    Severity.ERROR,
    "server URL variables are defined and used, and their defaults are among their enums",
    peers=(
        "spectral:oas3-server-variables",
        "redocly:no-undefined-server-variable",
        "redocly:no-server-variables-empty-enum",
    ),
)
def server_variables(context: LintContext) -> Iterator[Problem]:
    """A `{variable}` in a server URL needs an entry in `variables` with a `default` (that is
    what a client uses); a defined variable the URL does not use is a typo; an `enum` must not be
    empty and must hold the default."""
    for server, pointer in context.servers:
        url = server.get("url")
        if not isinstance(url, str):
            continue
        used = _VARIABLE.findall(url)
        variables = server.get("variables")
        variables = variables if isinstance(variables, dict) else {}
        for name in dict.fromkeys(used):
            if name not in variables:
                yield (
                    pointer + "/url",
                    f"server URL variable `{{{name}}}` is not defined in `variables`",
                )
        for name, variable in variables.items():
            at = f"{pointer}/variables/{escape(name)}"
            if name not in used:
                yield at, f"server variable `{name}` is not used in the URL {url}"
            if not isinstance(variable, dict):
                continue
            if "default" not in variable:
                yield at, f"server variable `{name}` has no `default`"
            choices = variable.get("enum")
            if isinstance(choices, list):
                if not choices:
                    yield at + "/enum", f"server variable `{name}` has an empty `enum`"
                elif "default" in variable and variable["default"] not in choices:
                    yield (
                        at + "/default",
                        f"the default {variable['default']!r} of server variable `{name}` is not in its `enum`",
                    )


@rule(
    "server-url",
    Severity.ERROR,
    "server URLs are URLs (once their variables hold their defaults)",
    peers=("spectral:oas3-server-variables",),
)
def server_url(context: LintContext) -> Iterator[Problem]:
    """A server URL with spaces, unbalanced braces or a scheme other than http(s)/ws(s) cannot be
    called. Relative URLs (`/v1`) are fine: they are relative to where the description lives."""
    for server, pointer in context.servers:
        url = server.get("url")
        if not isinstance(url, str):
            continue
        raw = server.get("variables")
        filled = _filled(url, raw if isinstance(raw, dict) else {})
        problem = _url_problem(filled)
        if problem:
            yield pointer + "/url", f"server URL {url} {problem}"


@rule(
    "unsafe-markdown",
    Severity.WARN,
    "descriptions and titles hold no scripts, event handlers, javascript: links or eval(",
    peers=(
        "spectral:no-script-tags-in-markdown",
        "spectral:no-eval-in-markdown",
        "redocly:no-unsafe-markdown",
    ),
)
def unsafe_markdown(context: LintContext) -> Iterator[Problem]:
    """Documentation renders descriptions as Markdown, which passes HTML through: a `<script>`
    there runs in every reader's browser."""
    for owner, pointer in context.described:
        for key in ("description", "title", "summary"):
            text = owner.get(key)
            if not isinstance(text, str) or (
                "<" not in text and "eval" not in text and "javascript" not in text.lower()
            ):
                continue
            for pattern, what in _UNSAFE:
                if pattern.search(text):
                    yield f"{pointer}/{key}", f"`{key}` holds {what}"
                    break


@rule(
    "component-name",
    Severity.ERROR,
    "component names use only letters, digits, `.`, `-` and `_`",
    peers=("redocly:spec-components-invalid-map-name",),
)
def component_names(context: LintContext) -> Iterator[Problem]:
    """OpenAPI: component keys MUST match `^[a-zA-Z0-9.\\-_]+$`. Other names break `$ref`s
    that do not escape them, and tools that use them as file or class names."""
    components = context.document.get("components")
    if not isinstance(components, dict):
        return
    for kind in COMPONENT_KINDS:
        members = components.get(kind)
        for name in members if isinstance(members, dict) else ():
            if not _COMPONENT_NAME.fullmatch(name):
                yield (
                    f"/components/{kind}/{escape(name)}",
                    f"component name `{name}` has characters other than letters, digits, `.`, `-`, `_`",
                )


def _url_problem(url: str) -> str | None:
    if not url.strip():
        return "is empty"
    if any(character.isspace() for character in url):
        return "holds white space"
    if "{" in url or "}" in url:
        return "has an unbalanced `{` or `}`"
    try:
        parts = urlsplit(url)
    except ValueError as error:
        return f"cannot be read: {error}"
    if parts.scheme and parts.scheme.lower() not in ("http", "https", "ws", "wss"):
        return f"has the scheme `{parts.scheme}`, not http(s) or ws(s)"
    if parts.scheme and not parts.netloc:
        return "has a scheme but no host"
    return None


def _filled(url: str, variables: dict[str, Any]) -> str:
    """The URL with each `{variable}` replaced by its default (or a placeholder)."""

    def default_of(match: re.Match[str]) -> str:
        variable = variables.get(match.group(1))
        default = variable.get("default") if isinstance(variable, dict) else None
        return str(default) if default is not None else "x"

    return _VARIABLE.sub(default_of, url)


def _info(context: LintContext) -> dict[str, Any]:
    info = context.document.get("info")
    return info if isinstance(info, dict) else {}


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())
