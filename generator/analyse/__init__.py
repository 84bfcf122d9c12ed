"""Stage 2, analyse: turn a loaded spec into the IR that templates consume.

Names, types, streaming and error bodies are decided here, once, so that templates only print.
The work is split by concern:

- `types`: which schemas become classes of models.py (named in a pass of their own, before any
  type is asked for) and the Python type of every other schema;
- `wire`: what parameters and form fields look like on the wire;
- `operations`: operations, their parameters, bodies, responses, results and streams;
- `params`: the types a caller writes request bodies in (keyword arguments, params.py's
  TypedDicts);
- `pages`: which results are lists, and how list operations page;
- `resources`: operations grouped into the client's resources, and their method names;
- this module: the API as a whole (servers, security, shared parameters, the client's defaults).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import SplitResult, urlsplit

from generator import __version__
from generator.config import Target
from generator.ir import (
    Api,
    ClientSettings,
    ErrorFields,
    ModelRef,
    ModelSchema,
    Operation,
    ParameterLocation,
    SecurityScheme,
    Server,
    SpecText,
    Stamp,
)
from generator.load import Spec
from generator.pointer import join_pointer
from generator.refs import deref, value_at
from generator.walk import HTTP_METHODS

from .operations import (
    OperationBuilder,
    most_common,
    path_parts,
    schema_sites,
    selected_operations,
    text,
)
from .pages import list_shape, pagination
from .params import ParamTypes, object_properties
from .resources import group
from .types import ClassNames, Types

__all__ = ["HTTP_METHODS", "analyse"]

# Response headers that carry the id a server gives each request, looked for first.
REQUEST_ID_HEADERS = ("x-request-id", "request-id")
# The generated clients' constructor arguments: a shared path parameter's default takes another.
CONSTRUCTOR_ARGUMENTS = frozenset(
    {
        "self",
        "base_url",
        "token",
        "timeout",
        "max_retries",
        "initial_retry_delay",
        "max_retry_delay",
        "max_retry_after",
        "default_headers",
        "http_client",
    }
)


def analyse(spec: Spec, target: Target, options_sha256: str = "") -> Api:
    """Build the IR of `spec` for the package `target` describes."""
    raw_operations = selected_operations(spec, target.admits)
    names = ClassNames.of(spec, schema_sites(spec, raw_operations))
    schemes = security_schemes(spec)
    types = Types(spec, names)
    params = ParamTypes(spec, names)
    builder = OperationBuilder(spec, types, target.stream_terminators, schemes, params)
    operations = with_route_keys(mark_shared_parameters(builder.build(raw_operations)))
    operations = with_pagination(spec, types, operations, target.pagination, builder.warnings)
    lists = frozenset(op.name for op in operations if list_shape(spec, op) is not None)
    operations, root, grouping_warnings = group(
        operations, target.resource_grouping, target.resources, lists
    )
    document = spec.document
    info: dict[str, Any] = document["info"] if isinstance(document.get("info"), dict) else {}
    env_prefix = re.sub(r"[^A-Z0-9]+", "_", target.package.upper()).strip("_") or "API"
    spec_servers = servers(spec)
    error_type = most_common(op.error_type for op in operations)
    title, version, info_warnings = _title_and_version(spec, info, target.package)
    return Api(
        package=target.package,
        title=title,
        version=version,
        description=text(info.get("description")),
        servers=spec_servers,
        base_path=base_path(server_urls(spec)),
        operations=tuple(operations),
        security_schemes=schemes,
        shared_parameters=(
            tuple(p for p in operations[0].parameters if p.shared) if operations else ()
        ),
        error_type=error_type,
        request_id_headers=request_id_headers(operations),
        models=tuple(names.models),
        env_prefix=env_prefix,
        stamp=Stamp(spec.path.name, spec.sha256, __version__, options_sha256),
        client=ClientSettings(
            base_url=(
                SpecText(target.client.base_url)
                if target.client.base_url
                else absolute_server(server_urls(spec))
            ),
            base_url_env=SpecText(target.client.base_url_env or f"{env_prefix}_BASE_URL"),
            token_env=SpecText(target.client.token_env or f"{env_prefix}_TOKEN"),
            timeout=target.client.timeout,
            max_retries=target.client.max_retries,
            auth=client_auth(operations, schemes),
            log_env=SpecText(target.client.log_env or f"{env_prefix}_LOG"),
        ),
        warnings=(*info_warnings, *builder.warnings, *grouping_warnings),
        resource=root,
        params=params.definitions(),
        error_fields=error_fields(spec, error_type, names.models),
    )


UNVERSIONED = "0.0.0"  # what a spec without `info.version` is served as


def _title_and_version(
    spec: Spec, info: dict[str, Any], package: str
) -> tuple[SpecText, SpecText, list[str]]:
    """The API's title and version: the spec's, or (when one is missing, empty or not text) the
    package's name and 0.0.0, so that the server has both (FastAPI refuses to start without)."""
    warnings = []
    values = []
    for key, fallback in (("title", package), ("version", UNVERSIONED)):
        value = info.get(key)
        if isinstance(value, str) and value.strip():
            values.append(SpecText(value))
            continue
        said = "missing" if value is None else "empty" if isinstance(value, str) else "not text"
        where = spec.locate("/info/" + key if key in info else "/info" if info else "")
        warnings.append(f"{where}: info.{key} is {said}; the package says {fallback!r}")
        values.append(SpecText(fallback))
    return values[0], values[1], warnings


def with_pagination(
    spec: Spec,
    types: Types,
    operations: list[Operation],
    declared: Mapping[str, str],
    warnings: list[str],
) -> list[Operation]:
    """Each list operation with how it pages, detected or as the configuration declares."""
    paged = []
    for op in operations:
        found, warning = pagination(spec, types, op, declared.get(str(op.operation_id)))
        if warning:
            warnings.append(warning)
        paged.append(replace(op, pagination=found) if found else op)
    known = {str(op.operation_id) for op in operations}
    warnings.extend(
        f"pagination: {operation_id!r} is not the operationId of an operation; not used"
        for operation_id in sorted(set(declared) - known)
    )
    return paged


# The fields of an error schema that the client's errors carry as attributes.
ERROR_ATTRIBUTES = ("type", "code", "param")


def error_fields(
    spec: Spec, error_type: object, models: Iterable[ModelSchema]
) -> ErrorFields | None:
    """Where the error schema keeps `type`, `code` and `param`: in an `error` object
    (`{"error": {"message", "type", ...}}`, OpenAI's) or at its top; None when it has none."""
    if not isinstance(error_type, ModelRef):
        return None
    pointer = next((m.pointer for m in models if m.class_name == error_type.class_name), None)
    if pointer is None:
        return None
    fields, _ = object_properties(spec, value_at(spec, pointer), pointer)
    inner = fields.get("error")
    if inner is not None:
        inner_fields, _ = object_properties(spec, *inner)
        named = tuple(name for name in ERROR_ATTRIBUTES if name in inner_fields)
        if named:
            return ErrorFields(SpecText("error"), named)
    named = tuple(name for name in ERROR_ATTRIBUTES if name in fields)
    return ErrorFields(None, named) if named else None


def servers(spec: Spec) -> tuple[Server, ...]:
    listed = spec.document.get("servers")
    return tuple(
        Server(SpecText(server["url"]), text(server.get("description")))
        for server in (listed if isinstance(listed, list) else ())
        if isinstance(server, dict) and isinstance(server.get("url"), str)
    )


def server_urls(spec: Spec) -> tuple[str, ...]:
    """The servers' URLs with each `{variable}` given its default (`https://{region}.x.test`
    with `region: {default: eu}`); a variable without one stays as it is."""
    listed = spec.document.get("servers")
    urls = []
    for server in listed if isinstance(listed, list) else ():
        if not (isinstance(server, dict) and isinstance(server.get("url"), str)):
            continue
        variables = server.get("variables")
        defaults = {
            name: str(value["default"])
            for name, value in (variables.items() if isinstance(variables, dict) else ())
            if isinstance(value, dict) and isinstance(value.get("default"), str | int | float)
        }
        urls.append(_filled_in(server["url"], defaults))
    return tuple(urls)


def _filled_in(url: str, defaults: dict[str, str]) -> str:
    return _SERVER_VARIABLE.sub(lambda match: defaults.get(match[1], match[0]), url)


_SERVER_VARIABLE = re.compile(r"\{([^{}]*)\}")


def base_path(urls: tuple[str, ...]) -> SpecText:
    """Where the API lives on its host: the first server URL's path without a trailing slash;
    "" for the root, for a path with `{variables}` (only a deployment can fill them in), and
    for a URL that has no path to speak of (`Your API URL`, `api/v1`)."""
    if not urls:
        return SpecText("")
    url = urls[0]
    path = _split(url).path.rstrip("/") if "://" in url or url.startswith("/") else ""
    usable = path.startswith("/") and "{" not in path and " " not in path
    return SpecText(path if usable else "")


def absolute_server(urls: tuple[str, ...]) -> SpecText | None:
    """The first server URL a client can use as it is: absolute, over HTTP, its variables
    filled in (a relative one needs a host first)."""
    return next(
        (
            SpecText(url)
            for url in urls
            if _split(url).scheme in ("http", "https") and _split(url).netloc and "{" not in url
        ),
        None,
    )


def _split(url: str) -> SplitResult:
    """`urlsplit`, where a URL it cannot read (`http://[::1`) has no parts."""
    try:
        return urlsplit(url)
    except ValueError:
        return SplitResult("", "", "", "", "")


def security_schemes(spec: Spec) -> tuple[SecurityScheme, ...]:
    components = spec.document.get("components")
    schemes = components.get("securitySchemes") if isinstance(components, dict) else None
    found = []
    for name, value in schemes.items() if isinstance(schemes, dict) else ():
        scheme, _ = deref(spec, value, join_pointer("components", "securitySchemes", name))
        if isinstance(scheme, dict):
            found.append(security_scheme(name, scheme))
    return tuple(found)


def security_scheme(name: str, scheme: dict[str, Any]) -> SecurityScheme:
    kind = scheme.get("type")
    if kind == "http":
        http_scheme = str(scheme.get("scheme", "")).lower()
        return SecurityScheme(SpecText(name), "basic" if http_scheme == "basic" else "bearer")
    if kind == "apiKey":
        location: ParameterLocation = (
            scheme["in"] if scheme.get("in") in ("header", "query", "cookie") else "header"
        )
        return SecurityScheme(SpecText(name), "api_key", location, text(scheme.get("name")))
    if kind == "openIdConnect":
        return SecurityScheme(SpecText(name), "openid")
    return SecurityScheme(SpecText(name), "oauth2")


def client_auth(
    operations: Iterable[Operation], schemes: tuple[SecurityScheme, ...]
) -> SecurityScheme | None:
    """The scheme the client sends its token by: the first an operation asks for, else the
    first the spec declares; None (a Bearer token) when it declares none."""
    asked = next((scheme for op in operations for scheme in op.credentials), None)
    return asked or (schemes[0] if schemes else None)


def request_id_headers(operations: Iterable[Operation]) -> tuple[SpecText, ...]:
    """The response headers that carry a request id: the usual two, then any the spec
    documents whose name says so (`openai-request-id`, `X-Amzn-RequestId`), lower case."""
    names = [SpecText(name) for name in REQUEST_ID_HEADERS]
    for op in operations:
        for response in op.responses:
            for header in response.headers:
                lowered = SpecText(header.name.lower())
                compact = lowered.replace("-", "").replace("_", "")
                if "requestid" in compact and lowered not in names:
                    names.append(lowered)
    return tuple(names)


def mark_shared_parameters(operations: list[Operation]) -> list[Operation]:
    """Path parameters every operation takes, with one meaning, are held by the client: they
    move behind the ones that have no default."""
    if not operations:
        return operations
    common = {(p.name, p.python_name, p.type) for p in operations[0].path_parameters}
    for op in operations[1:]:
        common &= {(p.name, p.python_name, p.type) for p in op.path_parameters}
    shared = {name for name, _, _ in common}
    if not shared:
        return operations
    marked = []
    for op in operations:
        parameters = tuple(
            (
                replace(p, shared=True, default_name=_constructor_name(p.python_name))
                if p.location == "path" and p.name in shared
                else p
            )
            for p in op.parameters
        )
        ordered = tuple(
            sorted(parameters, key=lambda p: (p.shared or not p.required, p.location != "path"))
        )
        marked.append(replace(op, parameters=ordered))
    return marked


def with_route_keys(operations: list[Operation]) -> list[Operation]:
    """Give path parameters the names the server's router knows them by: operations with the
    same route path (`/items/{id}` for GET and DELETE) share one route, named by the first."""
    first_names: dict[str, list[str]] = {}
    keyed = []
    for op in operations:
        names = [part.parameter.python_name for part in op.path_parts if part.parameter]
        key_of = dict(zip(names, first_names.setdefault(op.route_path, names), strict=False))
        parameters = tuple(
            (
                replace(p, route_key=key_of.get(p.python_name, p.python_name))
                if p.location == "path"
                else p
            )
            for p in op.parameters
        )
        keyed.append(replace(op, parameters=parameters, path_parts=path_parts(op.path, parameters)))
    return keyed


def _constructor_name(python_name: str) -> str:
    return f"default_{python_name}" if python_name in CONSTRUCTOR_ARGUMENTS else python_name
