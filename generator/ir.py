"""The intermediate representation: what templates consume instead of the raw spec.

Every decision a template would otherwise have to make (Python names, types, which response
streams, which schema is the error body) is made once in `analyse` and recorded here. Strings
that came from the spec are `SpecText`: the renderer refuses to print one unless a filter has
turned it into a literal, docstring or comment first (see `render.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit


class SpecText(str):
    """Text from the spec. Data, never code: templates must pass it through an escaping filter."""

    __slots__ = ()


ParameterLocation = Literal["path", "query", "header", "cookie"]
MediaKind = Literal["json", "event-stream", "form", "multipart", "text", "binary"]


@dataclass(frozen=True)
class Stamp:
    """What the generated header records, so that stale output can be recognised."""

    spec_name: str
    spec_sha256: str
    generator_version: str
    options_sha256: str = ""  # the options that change output (config, template overrides)


@dataclass(frozen=True)
class Server:
    url: SpecText
    description: SpecText | None

    @property
    def path(self) -> SpecText:
        """Where the API lives on its host: the URL's path without a trailing slash ("" for the
        root, and for a path with `{variables}`, which only a deployment can fill in)."""
        path = urlsplit(self.url).path.rstrip("/")
        return SpecText("" if "{" in path else path)


@dataclass(frozen=True)
class SecurityScheme:
    """A scheme from `components.securitySchemes`. `kind` is how the token travels."""

    name: SpecText
    kind: Literal["bearer", "basic", "api_key", "oauth2", "openid"]
    location: ParameterLocation | None = None  # api_key only
    parameter_name: SpecText | None = None  # api_key only: the header/query/cookie name


@dataclass(frozen=True)
class Constraints:
    """Validation a server applies to a parameter before the handler sees it."""

    pattern: SpecText | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None


ParameterShape = Literal["scalar", "array", "object"]


@dataclass(frozen=True)
class Parameter:
    name: SpecText  # as sent on the wire
    python_name: str
    location: ParameterLocation
    required: bool
    annotation: str  # the Python type, e.g. "str", "list[int]", "models.Color"
    description: SpecText | None = None
    constraints: Constraints = Constraints()
    style: str = "simple"
    explode: bool = False
    shared: bool = False  # every operation takes it: the client holds a default for it
    # What the value is on the wire, so that a server can read it back: a scalar, an array
    # (`style` and `explode` say how it is spread) or an object (`form`: its properties as
    # parameters of their own when exploded, `deepObject`: `name[key]=value`).
    shape: ParameterShape = "scalar"
    json: bool = False  # declared with `content: {application/json: ...}`: the value is JSON text


@dataclass(frozen=True)
class PathPart:
    """A path template in pieces: `/tenant/{tenant}` is a literal then a parameter."""

    literal: SpecText | None = None
    parameter: str | None = None  # the parameter's python_name


@dataclass(frozen=True)
class Example:
    """A named example; `pointer` is where its value lives in the spec (after `$ref`s)."""

    name: SpecText
    pointer: str
    value: Any = field(compare=False, repr=False)
    summary: SpecText | None = None


@dataclass(frozen=True)
class FormField:
    """A property of a form or multipart body, as the wire carries it (one part or field each,
    repeated for arrays), so that a server can rebuild the object its model validates."""

    name: SpecText
    file: bool = False  # takes files (`format: binary`, or an array of them): sent as file parts
    array: bool = False  # an array and nothing else: even one part makes a list
    json: bool = False  # may be an object (or an array of them): sent as JSON text
    content_type: SpecText | None = None  # the media type `encoding` gives its parts, if any


@dataclass(frozen=True)
class MediaType:
    content_type: SpecText
    kind: MediaKind
    annotation: str | None  # the model or Python type of the payload; None when untyped
    schema_pointer: str | None
    examples: tuple[Example, ...] = ()
    fields: tuple[FormField, ...] = ()  # form and multipart bodies: their properties


@dataclass(frozen=True)
class Header:
    name: SpecText
    annotation: str
    description: SpecText | None = None


@dataclass(frozen=True)
class Body:
    required: bool
    media: tuple[MediaType, ...]
    description: SpecText | None = None

    @property
    def primary(self) -> MediaType:
        return next((media for media in self.media if media.kind == "json"), self.media[0])

    @property
    def alternatives(self) -> tuple[MediaType, ...]:
        """One media type per kind the body can be sent as, the primary first (a JSON body that
        may also be sent as `text/plain`, say); most bodies have one."""
        kinds: dict[str, MediaType] = {self.primary.kind: self.primary}
        for media in self.media:
            kinds.setdefault(media.kind, media)
        return tuple(kinds.values())


@dataclass(frozen=True)
class Response:
    status: str  # "200", "4XX" or "default"
    description: SpecText | None
    media: tuple[MediaType, ...]
    headers: tuple[Header, ...] = ()

    @property
    def is_success(self) -> bool:
        return self.status[0] in "23"

    def media_of_kind(self, kind: MediaKind) -> MediaType | None:
        return next((media for media in self.media if media.kind == kind), None)


@dataclass(frozen=True)
class Stream:
    """An operation whose success response can be a `text/event-stream` of typed events."""

    chunk_annotation: str
    media: MediaType
    flag_name: SpecText | None  # the body property that asks for a stream, e.g. "stream"
    flag_python_name: str | None
    terminator: (
        SpecText | None
    )  # `x-stream-terminator`: the `data:` payload that ends a stream, e.g. "[DONE]"


@dataclass(frozen=True)
class Operation:
    operation_id: SpecText
    name: str  # snake_case method name
    method: str  # lower case: "get", "post", ...
    path: SpecText
    path_parts: tuple[PathPart, ...]
    summary: SpecText | None
    description: SpecText | None
    deprecated: bool
    tags: tuple[SpecText, ...]
    parameters: tuple[Parameter, ...]
    body: Body | None
    responses: tuple[Response, ...]
    result: MediaType | None  # the success payload a plain call returns
    success_status: str
    stream: Stream | None
    security: tuple[tuple[str, ...], ...]  # alternatives, each a set of scheme names; () = none
    error_annotation: str | None  # the model of this operation's error bodies

    @property
    def path_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "path")

    @property
    def route_path(self) -> SpecText:
        """The path without the query a spec may write into it (`/responses?beta=true`)."""
        return SpecText(self.path.split("?", 1)[0])

    @property
    def fixed_query(self) -> tuple[tuple[SpecText, SpecText], ...]:
        """The query parameters written into the spec's path: they tell this operation apart
        from another with the same method and route path (`/responses` and
        `/responses?beta=true`)."""
        _, _, query = self.path.partition("?")
        return tuple(
            (SpecText(k), SpecText(v)) for k, v in parse_qsl(query, keep_blank_values=True)
        )

    @property
    def success_response(self) -> Response | None:
        """The response a successful call gets (the one `result` and `stream` come from)."""
        return next((r for r in self.responses if r.status == self.success_status), None)

    @property
    def requires_auth(self) -> bool:
        return bool(self.security) and all(self.security)


@dataclass(frozen=True)
class ClientSettings:
    """The generated client's defaults, from the spec and the configuration."""

    base_url: SpecText | None  # None: the spec names no absolute server URL
    base_url_env: SpecText
    token_env: SpecText
    timeout: float = 600.0
    max_retries: int = 2


@dataclass(frozen=True)
class ModelSchema:
    """A schema that becomes a class in models.py: the class name, and where the schema lives."""

    class_name: str
    pointer: str


@dataclass(frozen=True)
class Api:
    package: str
    title: SpecText
    version: SpecText
    description: SpecText | None
    servers: tuple[Server, ...]
    operations: tuple[Operation, ...]
    security_schemes: tuple[SecurityScheme, ...]
    shared_parameters: tuple[Parameter, ...]
    error_annotation: str | None  # the error body most operations share
    models: tuple[ModelSchema, ...]
    env_prefix: str  # environment variables the client reads: <PREFIX>_BASE_URL, <PREFIX>_TOKEN
    stamp: Stamp
    client: ClientSettings
    warnings: tuple[str, ...] = ()

    @property
    def streams(self) -> bool:
        return any(operation.stream for operation in self.operations)
