"""The intermediate representation: what templates consume instead of the raw spec.

Every decision a template would otherwise have to make is made once, in `analyse`, and recorded
here: Python names (of methods, parameters, classes), types (as `TypeRef` trees, never strings),
which response streams and how it ends, what a client sends as `Accept`, which security scheme
carries the token, where the API lives, which headers carry a request id. Templates only print.

Strings that came from the spec are `SpecText`: the renderer refuses to print one unless a filter
has turned it into a literal, docstring or comment first, and it refuses to print a `TypeRef`
except through the `annotation` filter, which writes the literal values inside a type (an enum
value in `Literal[...]`) as escaped Python literals (see `render.py`).
"""

from __future__ import annotations

import keyword
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, TypeVar
from urllib.parse import parse_qsl

from generator.naming import NameRegistry


class SpecText(str):
    """Text from the spec. Data, never code: templates must pass it through an escaping filter."""

    __slots__ = ()


ParameterLocation = Literal["path", "query", "header", "cookie"]
Shared = TypeVar("Shared")
MediaKind = Literal["json", "event-stream", "form", "multipart", "text", "binary"]


# --- types ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeRef:
    """A Python type, as a tree. Rendered by `render.annotation`; asked questions here."""

    @property
    def members(self) -> tuple[TypeRef, ...]:
        """The types this one is made of (a list's item, a union's members)."""
        return ()

    def walk(self) -> Iterator[TypeRef]:
        """This type and every type inside it, outermost first."""
        yield self
        for member in self.members:
            yield from member.walk()

    @property
    def is_model(self) -> bool:
        """A class of models.py, on its own (not in a list or union)."""
        return False

    @property
    def is_any(self) -> bool:
        return False

    @property
    def accepts_none(self) -> bool:
        """None is a value of this type (it is `Any`, `None`, or a union holding `None`)."""
        return self.is_any

    @property
    def mentions_models(self) -> bool:
        """Some part of it is a class of models.py: the module must import `models`."""
        return any(isinstance(part, ModelRef) for part in self.walk())

    @property
    def mentions_params(self) -> bool:
        """Some part of it is a TypedDict of params.py: the module must import `params`."""
        return any(isinstance(part, ParamRef) for part in self.walk())

    def or_none(self) -> TypeRef:
        """This type, or None (itself when it already accepts None)."""
        return self if self.accepts_none else union(self, NONE)


@dataclass(frozen=True)
class Builtin(TypeRef):
    """A type every module has without an import: `str`, `int`, `float`, `bool`, `bytes`, `None`."""

    name: Literal["str", "int", "float", "bool", "bytes", "None"]  # as Python spells it

    @property
    def accepts_none(self) -> bool:
        return self.name == "None"


@dataclass(frozen=True)
class AnyType(TypeRef):
    """`typing.Any`: the spec says nothing of the value's shape (or more than Python can say)."""

    @property
    def is_any(self) -> bool:
        return True


@dataclass(frozen=True)
class ModelRef(TypeRef):
    """A class of the package's models.py, referred to as `models.<class_name>`."""

    class_name: str  # as models.py defines it

    @property
    def is_model(self) -> bool:
        return True


@dataclass(frozen=True)
class ParamRef(TypeRef):
    """A TypedDict (or type alias) of the package's params.py, referred to as `params.<name>`:
    what a request body's nested objects are to a caller who writes dict literals."""

    class_name: str  # as params.py defines it


@dataclass(frozen=True)
class ListOf(TypeRef):
    """`list[item]`."""

    item: TypeRef  # the type of each item

    @property
    def members(self) -> tuple[TypeRef, ...]:
        return (self.item,)


@dataclass(frozen=True)
class DictOf(TypeRef):
    """`dict[str, value]`: an object of free-form keys."""

    value: TypeRef  # the type of each value

    @property
    def members(self) -> tuple[TypeRef, ...]:
        return (self.value,)


@dataclass(frozen=True)
class LiteralOf(TypeRef):
    """`Literal[...]` of an enum's values. The values are spec data: printed as literals."""

    values: tuple[str | int, ...]  # in the spec's order, without repeats


@dataclass(frozen=True)
class UnionOf(TypeRef):
    """`a | b | ...`, flattened and without repeats (made by `union`)."""

    options: tuple[TypeRef, ...]  # at least two, none a union itself

    @property
    def members(self) -> tuple[TypeRef, ...]:
        return self.options

    @property
    def accepts_none(self) -> bool:
        return any(option.accepts_none for option in self.options)


@dataclass(frozen=True)
class Generic(TypeRef):
    """A type the generated code itself provides or imports, with arguments: `Mapping[str, Any]`,
    `Multipart[models.Upload]`, `AsyncIterator[bytes]`. `name` is ours, never the spec's."""

    name: str  # ours: `Mapping`, `Multipart`, `AsyncIterator`, ...
    arguments: tuple[TypeRef, ...] = ()  # inside the brackets; none: the bare name

    @property
    def members(self) -> tuple[TypeRef, ...]:
        return self.arguments


STR = Builtin("str")
INT = Builtin("int")
FLOAT = Builtin("float")
BOOL = Builtin("bool")
BYTES = Builtin("bytes")
NONE = Builtin("None")
ANY = AnyType()
JSON_OBJECT = DictOf(ANY)
ANY_MAPPING = Generic("Mapping", (STR, ANY))  # a plain mapping, sent as given


def union(*types: TypeRef) -> TypeRef:
    """The union of `types`: nested unions flattened, repeats dropped, `Any` absorbing the rest,
    None last (as ruff's RUF036 wants unions written)."""
    flat: list[TypeRef] = []
    for member in types:
        for option in member.options if isinstance(member, UnionOf) else (member,):
            if option.is_any:
                return ANY
            if option not in flat:
                flat.append(option)
    if NONE in flat:
        flat = [option for option in flat if option != NONE] + [NONE]
    return flat[0] if len(flat) == 1 else UnionOf(tuple(flat))


NOT_GIVEN_TYPE = Generic("NotGiven")  # the runtime's marker of an argument left out
# The builtins that annotations name (`list[...]`, `dict[...]` and the scalars).
ANNOTATION_BUILTINS = frozenset({"list", "dict", "str", "int", "float", "bool", "bytes"})


def with_not_given(declared: TypeRef) -> TypeRef:
    """`declared | NotGiven` (None kept last)."""
    return declared if declared.is_any else union(declared, NOT_GIVEN_TYPE)


# --- the API -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """What the generated header records, so that stale output can be recognised."""

    spec_name: str  # the spec file's name, as the header shows it
    spec_sha256: str  # of the spec file and every file it bundles
    generator_version: str  # specsmith's version
    options_sha256: str = ""  # the options that change output (configuration, template overrides)


@dataclass(frozen=True)
class Server:
    """An entry of the spec's `servers`."""

    url: SpecText  # as written: absolute, relative, or with `{variables}`
    description: SpecText | None  # the spec's description of the server, if any


@dataclass(frozen=True)
class SecurityScheme:
    """A scheme from `components.securitySchemes`."""

    name: SpecText  # its key in `components.securitySchemes`
    kind: Literal["bearer", "basic", "api_key", "oauth2", "openid"]  # how the credential travels
    location: ParameterLocation | None = None  # api_key only: header, query or cookie
    parameter_name: SpecText | None = None  # api_key only: the header, query or cookie name


@dataclass(frozen=True)
class Constraints:
    """Validation a server applies to a parameter before the handler sees it."""

    pattern: SpecText | None = None  # a regular expression the whole value must match
    min_length: int | None = None  # `minLength`
    max_length: int | None = None  # `maxLength`
    minimum: float | None = None  # `minimum` (inclusive)
    maximum: float | None = None  # `maximum` (inclusive)

    @property
    def bounds(self) -> tuple[tuple[str, float], ...]:
        """The length and range limits that are set, as (keyword, value) for the runtime's rule."""
        limits = {
            "min_length": self.min_length,
            "max_length": self.max_length,
            "minimum": self.minimum,
            "maximum": self.maximum,
        }
        return tuple((name, value) for name, value in limits.items() if value is not None)


ParameterShape = Literal["scalar", "array", "object"]


@dataclass(frozen=True)
class Parameter:
    """A path, query, header or cookie parameter of an operation."""

    name: SpecText  # as sent on the wire
    python_name: str  # the argument's name in client methods and handler methods
    location: ParameterLocation  # `in`: path, query, header or cookie
    required: bool  # path parameters always are
    type: TypeRef  # what a caller passes and a handler gets: enums are `Literal`s, not models
    description: SpecText | None = None  # for docstrings
    constraints: Constraints = Constraints()  # what the server checks before the handler runs
    style: str = "simple"  # the spec's `style`, or its default for the location
    explode: bool = False  # the spec's `explode`, or its default for the style
    shared: bool = False  # a path parameter every operation takes: the client holds a default
    # Path ones: the name the server's router gives the value (the Python name, as the first
    # operation of the same route path names it: operations that share a route share its names).
    route_key: str = ""
    # Shared ones: the client constructor's argument that sets the default (the Python name, or
    # `default_<name>` where that is one of the constructor's own arguments).
    default_name: str | None = None
    # What the value is on the wire, so that a server can read it back: a scalar, an array
    # (`style` and `explode` say how it is spread) or an object (`form`: its properties as
    # parameters of their own when exploded, `deepObject`: `name[key]=value`).
    shape: ParameterShape = "scalar"
    json: bool = False  # declared with `content: {application/json: ...}`: the value is JSON text
    # For an exploded `form` object in the query, whose properties arrive as query parameters of
    # their own: the other query names the operation uses, which are not the object's.
    other_query_names: tuple[SpecText, ...] = ()
    # Where the parameter object is in the spec (after `$ref`s): the contract suite reads its
    # example and schema there ("" for a path parameter the spec does not declare). Not part of
    # what the parameter is: moving it in the document changes nothing (diff compares IRs).
    pointer: str = field(default="", compare=False)

    @property
    def argument_type(self) -> TypeRef:
        """The type of the argument in a client method: optional ones (and shared ones, which
        default to the client's) also take None."""
        return self.type.or_none() if self.shared or not self.required else self.type

    @property
    def handler_type(self) -> TypeRef:
        """The type a handler gets: None when an optional parameter was not sent."""
        return self.type if self.required else self.type.or_none()

    @property
    def has_default(self) -> bool:
        """The client method gives it the default None (optional, or held by the client)."""
        return self.shared or not self.required

    @property
    def needs_adapter(self) -> bool:
        """The server converts the wire's text to the parameter's type (it is not a string)."""
        return self.type != STR

    @property
    def server_rule(self) -> ServerRule:
        """What the server reads and checks this parameter by."""
        return ServerRule(
            name=self.name,
            location=self.location,
            required=self.required,
            key=self.route_key if self.location == "path" else "",
            type=self.type if self.needs_adapter else None,
            shape=self.shape,
            style=self.style if self.shape != "scalar" else "simple",
            explode=self.explode if self.shape != "scalar" else False,
            json=self.json,
            known=self.other_query_names,
            constraints=self.constraints,
        )

    @property
    def is_exploded_form_object(self) -> bool:
        """An object whose properties arrive as query parameters of their own."""
        return (
            self.shape == "object"
            and self.location == "query"
            and self.style == "form"
            and self.explode
        )


@dataclass(frozen=True)
class ServerRule:
    """Everything the server's `ParameterRule` for a parameter is built from, and nothing else:
    parameters of several operations with equal rules share one rule object (`Api.shared_rules`),
    which on a spec whose operations repeat the same parameters (`api-version`, AWS's signing
    headers) is most of the server's rules."""

    name: SpecText  # on the wire
    location: ParameterLocation  # where in the request it is read
    required: bool  # a request without it is a 400
    key: str  # path ones: the route's name for the value ("" otherwise)
    type: TypeRef | None  # what the text is converted to; None: it stays a string
    shape: ParameterShape  # scalar, array or object, as `Parameter.shape`
    style: str  # for arrays and objects ("simple" for a scalar, which has none)
    explode: bool  # for arrays and objects (False for a scalar)
    json: bool  # the value is JSON text
    known: tuple[SpecText, ...]  # an exploded form object's: the operation's other query names
    constraints: Constraints  # checked before the handler sees the value


@dataclass(frozen=True)
class PathPart:
    """A path template in pieces: `/tenant/{tenant}` is a literal, then a parameter."""

    literal: SpecText | None = None  # the text between parameters (never holds a `?`)
    parameter: Parameter | None = None  # the path parameter this piece is (None for a literal)


@dataclass(frozen=True)
class Example:
    """A named example; `pointer` is where its value lives in the spec (after `$ref`s)."""

    name: SpecText  # the key in `examples`, or "example" for a media type's single `example`
    pointer: str  # where the value lives in the spec (after `$ref`s): the mock reads it there
    value: Any = field(compare=False, repr=False)  # the example's JSON value
    summary: SpecText | None = None  # the example's `summary`, if any


@dataclass(frozen=True)
class FormField:
    """A property of a form or multipart body, as the wire carries it (one part or field each,
    repeated for arrays), so that a server can rebuild the object its model validates."""

    name: SpecText  # the property's name, as the form carries it
    file: bool = False  # takes files (`format: binary`, or an array of them): sent as file parts
    array: bool = False  # an array and nothing else: even one part makes a list
    json: bool = False  # may be an object (or an array of them): sent as JSON text
    content_type: SpecText | None = None  # the media type `encoding` gives its parts, if any


@dataclass(frozen=True)
class MediaType:
    """One entry of a `content` map: a media type, what its payload is, and its examples."""

    content_type: SpecText  # as the spec writes it, parameters included
    kind: MediaKind  # how the payload is encoded, decided from the media type's essence
    type: TypeRef | None  # the model or Python type of the payload; None when untyped
    schema_pointer: str | None  # where the schema is; None when the media type has none
    pointer: str = ""  # where the media type object is
    examples: tuple[Example, ...] = ()  # `example` and the named `examples`, `$ref`s followed
    fields: tuple[FormField, ...] = ()  # form and multipart bodies: their properties
    # Request bodies: the most bytes the spec allows (`x-max-body-size`, or a text or binary
    # schema's `maxLength`); None when it says nothing and the server's own limit holds.
    max_size: int | None = None

    @property
    def essence(self) -> SpecText:
        """The media type without parameters, lower case: `application/json`."""
        return SpecText(self.content_type.split(";", 1)[0].strip().lower())

    @property
    def payload_type(self) -> TypeRef:
        """What the payload is to Python: the schema's type for structured kinds, `str` for
        text, `bytes` for everything else."""
        if self.kind == "text":
            return STR
        if self.kind == "binary":
            return BYTES
        if self.type is not None:
            return self.type
        return ANY if self.kind in ("json", "event-stream") else JSON_OBJECT

    @property
    def client_type(self) -> TypeRef:
        """What a client method takes for a body sent as this media type: the model, or a
        plain mapping sent as given, for structured bodies."""
        if self.kind in ("form", "multipart"):
            return (
                union(self.type, ANY_MAPPING) if self.type and self.type.is_model else ANY_MAPPING
            )
        if self.kind == "json" and self.type is not None and self.type.is_model:
            return union(self.type, ANY_MAPPING)
        return self.payload_type

    @property
    def handler_type(self) -> TypeRef:
        """What a handler gets for a body sent as this media type."""
        if self.kind == "multipart":
            return Generic("Multipart", (self.payload_type,))
        return self.payload_type

    @property
    def encoded_fields(self) -> tuple[FormField, ...]:
        """The multipart fields whose parts the spec gives a media type of their own."""
        return tuple(f for f in self.fields if f.content_type is not None)


@dataclass(frozen=True)
class Header:
    """A response header the spec documents."""

    name: SpecText  # as the spec writes it
    type: TypeRef  # the header value's type (a string where its schema has structure)
    description: SpecText | None = None  # for docstrings
    required: bool = False  # the spec's `required: true`: every such response carries it


@dataclass(frozen=True)
class BodyField:
    """A property of a request body, as a keyword argument of the client's method."""

    name: SpecText  # the property's name on the wire (the key it is sent under)
    python_name: str  # the keyword argument: the name, or a documented rename (`timeout_`)
    type: TypeRef  # what a caller passes: nested objects as TypedDicts of params.py
    required: bool  # in the schema's `required`: a required argument of the keyword form
    description: SpecText | None = None  # for docstrings

    @property
    def renamed(self) -> bool:
        """The argument's name is not the property's (a keyword, or taken by the call)."""
        return self.python_name != self.name

    @property
    def optional_type(self) -> TypeRef:
        """The argument's type where it may be left out: `NotGiven` (the default) too, and
        None kept last (`str | NotGiven | None`)."""
        return with_not_given(self.type)


@dataclass(frozen=True)
class Body:
    """An operation's request body."""

    required: bool  # the spec's `required` (optional bodies may be left out)
    media: tuple[MediaType, ...]  # every media type the spec lists, in its order
    description: SpecText | None = None  # for docstrings
    # The primary media type's properties, as keyword arguments (the schema is an object with
    # properties, sent as JSON, a form or multipart); empty: the body is passed whole only.
    fields: tuple[BodyField, ...] = ()

    @property
    def keywords(self) -> bool:
        """The client's method takes the body's properties as keyword arguments (and the body
        whole, positionally, as the other form)."""
        return bool(self.fields)

    @property
    def required_fields(self) -> tuple[BodyField, ...]:
        return tuple(f for f in self.fields if f.required)

    @property
    def primary(self) -> MediaType:
        """The media type a client sends unless told otherwise: JSON when offered."""
        return next((media for media in self.media if media.kind == "json"), self.media[0])

    @property
    def alternatives(self) -> tuple[MediaType, ...]:
        """One media type per kind the body can be sent as, the primary first (a JSON body that
        may also be sent as `text/plain`, say); most bodies have one."""
        kinds: dict[str, MediaType] = {self.primary.kind: self.primary}
        for media in self.media:
            kinds.setdefault(media.kind, media)
        return tuple(kinds.values())

    @property
    def readable_media(self) -> tuple[MediaType, ...]:
        """One media type per essence, as a server tells bodies apart (`Content-Type`)."""
        seen: dict[str, MediaType] = {}
        for media in self.media:
            seen.setdefault(media.essence, media)
        return tuple(seen.values())

    @property
    def several_kinds(self) -> bool:
        """The client method takes `content_type=` to choose how to send the body."""
        return len(self.alternatives) > 1

    @property
    def sent_type(self) -> TypeRef:
        """What a client may send: any of the kinds the body can be sent as."""
        return union(*(media.client_type for media in self.alternatives))

    @property
    def client_type(self) -> TypeRef:
        """What the client method's `body` takes (None too, when the body is optional)."""
        return self.sent_type if self.required else self.sent_type.or_none()

    def narrows(self, media: MediaType) -> bool:
        """A body sent as `media` takes less than the argument does: the request builder
        casts it to what that media type sends."""
        return media.client_type != self.sent_type

    @property
    def handler_type(self) -> TypeRef:
        """What the handler's `body` is: one type per media type it may arrive as."""
        declared = union(*(media.handler_type for media in self.alternatives))
        return declared if self.required else declared.or_none()

    @property
    def sends_form(self) -> bool:
        """The body is sent as form fields (form or multipart), not as a JSON document."""
        return self.primary.kind in ("form", "multipart")

    @property
    def takes_files(self) -> bool:
        return any(media.kind == "multipart" for media in self.media)


@dataclass(frozen=True)
class Response:
    """One entry of an operation's `responses`."""

    status: str  # "200", "4XX" or "default"
    description: SpecText | None  # for docstrings
    media: tuple[MediaType, ...]  # its `content`, one entry per media type
    headers: tuple[Header, ...] = ()  # the headers it documents

    @property
    def is_success(self) -> bool:
        return self.status[0] in "23"

    def media_of_kind(self, kind: MediaKind) -> MediaType | None:
        return next((media for media in self.media if media.kind == kind), None)


ResultParser = Literal["none", "model", "json_string", "typed_json", "json", "text", "binary"]


@dataclass(frozen=True)
class Result:
    """What a plain (non-streaming) call of an operation gives back."""

    media: MediaType | None  # the success media type it reads; None: no content
    # How the client turns the answer into the result: nothing, a model's validation, the text
    # of a JSON string (also taken as is from other media types), a TypeAdapter of the type,
    # the decoded JSON, the text, or the bytes.
    parser: ResultParser
    accept: SpecText  # the Accept header of a plain call

    @property
    def type(self) -> TypeRef:
        """The type a client method returns: the JSON payload's, text, or bytes."""
        if self.media is None:
            return NONE
        if self.media.kind in ("json", "text"):
            return self.media.payload_type
        return BYTES

    @property
    def handler_type(self) -> TypeRef:
        """What a handler returns for it: other answers than JSON and text are bytes, which may
        also be streamed as they are made (an iterator) or come with headers (`Binary`)."""
        if self.media is None:
            return NONE
        if self.media.kind in ("json", "text"):
            return self.media.payload_type
        return union(
            BYTES,
            Generic("Binary"),
            Generic("AsyncIterator", (BYTES,)),
            Generic("Iterator", (BYTES,)),
        )


@dataclass(frozen=True)
class Stream:
    """An operation whose success response can be a `text/event-stream` of typed events."""

    chunk_type: TypeRef  # the type of each event's `data:`
    media: MediaType  # the `text/event-stream` media type of the success response
    flag_name: SpecText | None  # the body property that asks for a stream, e.g. "stream"
    flag_python_name: str | None  # that property's attribute name on the body model
    terminator: SpecText | None  # the `data:` payload that ends a stream, e.g. "[DONE]"
    # A boolean query parameter that asks for a stream instead (`GET /responses/{id}?stream=`):
    # the client's `stream=` sets it.
    flag_parameter: SpecText | None = None

    @property
    def handler_type(self) -> TypeRef:
        return Generic("AsyncIterator", (self.chunk_type,))


PaginationStyle = Literal["cursor", "token", "offset", "page", "next_link"]


@dataclass(frozen=True)
class Pagination:
    """How a list operation pages, so that its result can fetch the next page itself.

    `cursor`: the next request sets `param` (`after`) to the response's `next` field (`last_id`)
    or, failing that, to the last item's `item_field` (`id`), while `has_more` says so. `token`:
    `param` takes the response's `next` field (`next_page_token`) until it is empty. `offset`:
    `param` grows by the number of items received; `page`: by one, from `first`. `next_link`:
    the next page is the URL in the response's `next` field. Offset and page lists end at an
    empty page (or where `has_more` says so)."""

    style: PaginationStyle  # how the next request differs from this one (see above)
    item_type: TypeRef  # the type of each item
    items: SpecText | None  # the response property holding the items; None: the response is a list
    param: SpecText | None  # the query parameter the next request changes (None for next_link)
    next: SpecText | None = None  # the response field giving the next cursor, token or link
    item_field: SpecText | None = None  # cursor: the item field whose last value is the cursor
    has_more: SpecText | None = None  # the response's boolean saying more pages follow
    first: int = 1  # page: the number of the first page (the parameter's default or minimum)


@dataclass(frozen=True)
class ClientMethod:
    """Where an operation is on the client: the resource (a path of attributes from the client,
    `("chat", "completions")`; `()` for the client itself) and the method's name on it. The
    server's handler tree has the same shape."""

    resource: tuple[str, ...]  # attributes from the client to the resource
    name: str  # the method on the resource: `create`, `list`, `retrieve`, `cancel`, ...

    @property
    def dotted(self) -> str:
        """`chat.completions.create`, as docs and messages name it."""
        return ".".join((*self.resource, self.name))


@dataclass(frozen=True)
class Operation:
    """One operation: the client's methods, the handler's method and the server's route."""

    # As the spec writes it (or made up from method and path, with a warning).
    operation_id: SpecText
    name: str  # snake_case, unique: the stem of the operation's private names (routes, parsers)
    client_method: ClientMethod  # where the client (and the handler tree) has it
    method: str  # lower case: "get", "post", ...
    path: SpecText  # as the spec writes it, a query in it included (`/responses?beta=true`)
    path_parts: tuple[PathPart, ...]  # the route path (before any `?`) in pieces
    summary: SpecText | None  # for docstrings
    description: SpecText | None  # for docstrings
    deprecated: bool  # the spec's `deprecated: true`
    tags: tuple[SpecText, ...]  # the spec's tags, in its order
    parameters: tuple[Parameter, ...]  # required first, then those with defaults
    body: Body | None  # the request body; None when it takes none
    responses: tuple[Response, ...]  # every response the spec lists, in its order
    result: Result  # what a plain call returns
    success_status: str  # the status a handler's answer is sent with
    stream: Stream | None  # how it streams; None when it cannot
    security: tuple[tuple[str, ...], ...]  # alternatives, each a set of scheme names; () = none
    credentials: tuple[SecurityScheme, ...]  # the schemes a server accepts a credential by
    error_type: TypeRef | None  # the model of this operation's error bodies
    pagination: Pagination | None = None  # how its result pages; None: it does not page

    @property
    def plain_call(self) -> bool:
        """A call can answer with the result (not only with a stream of events)."""
        return self.result.media is not None or self.stream is None

    @property
    def only_streams(self) -> bool:
        """Every answer is a stream of events: the method always returns a stream."""
        return self.stream is not None and not self.plain_call

    @property
    def stream_option(self) -> bool:
        """The client's method takes `stream=` to choose between the result and a stream."""
        return self.stream is not None and self.plain_call

    @property
    def path_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "path")

    @property
    def client_parameters(self) -> tuple[Parameter, ...]:
        """The parameters the client's method takes: all but a query flag `stream=` sets."""
        flag = self.stream.flag_parameter if self.stream and self.stream_option else None
        return tuple(
            p for p in self.parameters if not (flag and p.location == "query" and p.name == flag)
        )

    @property
    def stream_parameter(self) -> Parameter | None:
        """The query parameter the client's `stream=` sets, if the operation has one."""
        return next((p for p in self.parameters if p not in self.client_parameters), None)

    @property
    def client_types(self) -> tuple[TypeRef, ...]:
        """Every type the client's methods print, for their module's imports."""
        types: list[TypeRef] = [p.argument_type for p in self.client_parameters]
        if self.body is not None:
            types += [self.body.client_type, *(field.type for field in self.body.fields)]
        types.append(self.result.type)
        if self.stream is not None:
            types.append(self.stream.chunk_type)
        if self.pagination is not None:
            types.append(self.pagination.item_type)
        return tuple(types)

    def parameters_in(self, location: ParameterLocation) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == location)

    @property
    def route_path(self) -> SpecText:
        """The path without the query a spec may write into it (`/responses?beta=true`)."""
        return SpecText(self.path.split("?", 1)[0])

    @property
    def route_template(self) -> SpecText:
        """The route path with parameters by their route keys (`/items/{item_id}`), as the
        server's router matches it."""
        pieces = [
            "{" + part.parameter.route_key + "}" if part.parameter else part.literal or ""
            for part in self.path_parts
        ]
        return SpecText("".join(pieces))

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
        """Every alternative of its security asks for a scheme (none is `{}`, "no credential")."""
        return bool(self.security) and all(self.security)

    @property
    def status_code(self) -> int:
        """The status a handler's plain answer is sent with (200 where the spec says `2XX`)."""
        return int(self.success_status) if self.success_status.isdigit() else 200

    @property
    def handler_type(self) -> TypeRef:
        """What the handler method returns."""
        if self.stream is None:
            return self.result.handler_type
        if not self.plain_call:
            return self.stream.handler_type
        return union(self.result.handler_type, self.stream.handler_type)

    @property
    def types(self) -> tuple[TypeRef, ...]:
        """Every type the operation's code prints, client and server, for their imports."""
        types: list[TypeRef] = [p.argument_type for p in self.parameters]
        types += [p.handler_type for p in self.parameters]
        if self.body is not None:
            types += [self.body.client_type, self.body.handler_type]
            types += [field.type for field in self.body.fields]
        types += [self.result.type, self.handler_type]
        if self.pagination is not None:
            types.append(self.pagination.item_type)
        if self.error_type is not None:
            types.append(self.error_type)
        return tuple(types)


@dataclass(frozen=True)
class ClientSettings:
    """The generated client's defaults, from the spec and the configuration."""

    base_url: SpecText | None  # None: the spec names no absolute server URL
    base_url_env: SpecText  # the environment variable read for the base URL
    token_env: SpecText  # the environment variable read for the token
    timeout: float  # seconds per request
    max_retries: int  # retries of a failed request
    auth: SecurityScheme | None  # the scheme the token is sent by; None: as a Bearer token
    log_env: SpecText  # the environment variable that turns request logging on


@dataclass(frozen=True)
class Resource:
    """A namespace of the client (`client.chat.completions`) and of the server's handler tree:
    the operations that are its methods, and the resources under it. The client itself is the
    root (`path == ()`)."""

    path: tuple[str, ...]  # attributes from the client: `("chat", "completions")`
    class_name: str  # `ChatCompletions`: unique in the package (`Async...`, `...Handler` too)
    module: str  # the file stem under `resources/` that defines it ("" for the root)
    operations: tuple[Operation, ...]  # its methods, as `operation.client_method.name`
    children: tuple[Resource, ...] = ()  # the resources under it, by their attribute names

    @property
    def attribute(self) -> str:
        """Its name on its parent (`completions`); "" for the root."""
        return self.path[-1] if self.path else ""

    @property
    def is_root(self) -> bool:
        return not self.path

    @property
    def dotted(self) -> str:
        return ".".join(self.path)

    def walk(self) -> Iterator[Resource]:
        """This resource and every resource under it, parents first."""
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def types(self) -> tuple[TypeRef, ...]:
        """Every type its client classes print."""
        return tuple(t for op in self.operations for t in op.client_types)

    @property
    def mentions_models(self) -> bool:
        return any(t.mentions_models for t in self.types)

    @property
    def mentions_params(self) -> bool:
        return any(t.mentions_params for t in self.types)

    @property
    def streams(self) -> bool:
        return any(op.stream for op in self.operations)

    @property
    def pages(self) -> bool:
        return any(op.pagination for op in self.operations)


@dataclass(frozen=True)
class ParamField:
    """A key of a TypedDict in params.py: a property of a request body's nested object."""

    name: SpecText  # the key, as the wire has it
    type: TypeRef  # the value's type, as a caller writes it
    required: bool  # `Required[...]`: the schema requires it

    @property
    def identifier(self) -> bool:
        """The key can be a field of a class-syntax TypedDict (else the functional form)."""
        name = str(self.name)
        return name.isascii() and name.isidentifier() and not keyword.iskeyword(name)

    @property
    def attribute(self) -> str:
        """The key as a class-syntax field: an ASCII identifier, so it is code and data alike."""
        if not self.identifier:
            raise ValueError(f"{self.name!r} is not an identifier")
        return str(self.name)


@dataclass(frozen=True)
class ParamClass:
    """A definition of params.py: a TypedDict of an object schema, or a type alias (`alias`)
    of a schema that is a union or an enum, so that dict literals a caller writes are checked."""

    name: str  # `ChatCompletionRequestMessageParam`
    fields: tuple[ParamField, ...] = ()  # a TypedDict's keys, in the schema's order
    alias: TypeRef | None = None  # a type alias instead of a TypedDict

    @property
    def class_syntax(self) -> bool:
        """Every key is an identifier: the TypedDict is written as a class."""
        return all(field.identifier for field in self.fields)


@dataclass(frozen=True)
class ErrorFields:
    """Where the spec's error schema keeps the fields the client's errors carry as attributes
    (`error.type`, `error.code`, `error.param`): inside a property (`{"error": {...}}`) or at
    the top of the payload."""

    container: SpecText | None  # the property holding them (`error`); None: the payload itself
    names: tuple[str, ...]  # which of `type`, `code` and `param` the schema has


@dataclass(frozen=True)
class ModelSchema:
    """A schema that becomes a class in models.py: the class name, and where the schema lives."""

    class_name: str  # as models.py defines it
    pointer: str  # where the schema lives in the spec
    # Other places that are this schema: a component that is a `$ref` to a whole file
    # (`Pet: {$ref: pet.yaml}`) is the class of the file's schema, under the component's name.
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Api:
    """The whole package-to-be: everything templates and the models stage read."""

    package: str  # the Python package's name
    title: SpecText  # `info.title`, or the package's name where the spec has none (or "")
    version: SpecText  # `info.version` as written, or "0.0.0" where the spec has none (or "")
    description: SpecText | None  # `info.description`, for the package's docstring
    servers: tuple[Server, ...]  # the spec's `servers`, in its order
    base_path: SpecText  # the path of the first server's URL the routes are served under ("": root)
    operations: tuple[Operation, ...]  # the selected operations, in the spec's order
    security_schemes: tuple[SecurityScheme, ...]  # every scheme of `components.securitySchemes`
    shared_parameters: tuple[Parameter, ...]  # path parameters the client holds defaults for
    error_type: TypeRef | None  # the error body most operations share
    request_id_headers: tuple[SpecText, ...]  # response headers carrying a request id, in order
    models: tuple[ModelSchema, ...]  # every class of models.py, components first
    env_prefix: str  # environment variables read: <PREFIX>_BASE_URL, <PREFIX>_SERVER_TOKENS, ...
    stamp: Stamp  # what every generated file's header records
    client: ClientSettings  # the generated client's defaults
    warnings: tuple[str, ...] = ()  # one line each: what the spec gets away with
    resource: Resource | None = None  # the client's resource tree (its root is the client)
    params: tuple[ParamClass, ...] = ()  # the TypedDicts and aliases of params.py
    error_fields: ErrorFields | None = None  # where the error schema keeps type, code, param

    @property
    def error_schema_pointer(self) -> str | None:
        """Where the shared error body's schema is (None: the spec has none)."""
        if not isinstance(self.error_type, ModelRef):
            return None
        name = self.error_type.class_name
        return next((m.pointer for m in self.models if m.class_name == name), None)

    @property
    def root(self) -> Resource:
        """The resource tree's root: the client (a bare root for an API without operations)."""
        return self.resource or Resource((), "Client", "", ())

    @property
    def resources(self) -> tuple[Resource, ...]:
        """Every resource but the root, parents first: one module each under `resources/`."""
        return tuple(resource for resource in self.root.walk() if not resource.is_root)

    @cached_property
    def shared_rules(self) -> dict[ServerRule, str]:
        """The parameter rules of more than one operation, each with the name the server builds
        it under once (`_API_VERSION_RULE`), in the order the operations first read them."""
        stems: dict[ServerRule, list[str]] = {}
        for operation in self.operations:
            for parameter in operation.parameters:
                stem = "_" + parameter.python_name.strip("_").upper() + "_RULE"
                stems.setdefault(parameter.server_rule, []).append(stem)
        return _names_of_shared(stems)

    @cached_property
    def shared_credentials(self) -> dict[tuple[SecurityScheme, ...], str]:
        """The credential checks of more than one operation (those that accept the same security
        schemes), each with the name the server builds it under once (`_CREDENTIALS`)."""
        stems: dict[tuple[SecurityScheme, ...], list[str]] = {}
        for operation in self.operations:
            if operation.requires_auth:
                stems.setdefault(operation.credentials, []).append("_CREDENTIALS")
        return _names_of_shared(stems)

    @property
    def shadowed_builtins(self) -> frozenset[str]:
        """Builtin types annotations use that a class of the package also has as a member (a
        method `list`, a TypedDict key `str`): inside such a class, `list[...]` would be the
        method, so annotations write them `builtins.list[...]`."""
        members = {op.client_method.name for op in self.operations}
        members |= {resource.attribute for resource in self.resources}
        members |= {str(f.name) for definition in self.params for f in definition.fields}
        return frozenset(ANNOTATION_BUILTINS & members)

    @property
    def streams(self) -> bool:
        """Some operation can answer with an event stream."""
        return any(operation.stream for operation in self.operations)

    @property
    def requires_auth(self) -> bool:
        """Some operation asks for a credential: the server needs `authenticate`."""
        return any(operation.requires_auth for operation in self.operations)

    @property
    def types(self) -> tuple[TypeRef, ...]:
        """Every type client and server print, for their imports."""
        types = [t for operation in self.operations for t in operation.types]
        types += [p.argument_type for p in self.shared_parameters]
        return tuple(types)

    @property
    def mentions_models(self) -> bool:
        return any(t.mentions_models for t in self.types)


def _names_of_shared(stems: dict[Shared, list[str]]) -> dict[Shared, str]:
    """Of the things several operations use alike (each with the name it would be built under
    for each use), those used more than once, named by their first use and numbered where two
    would have one name."""
    names = NameRegistry()
    return {thing: names.claim(uses[0]) for thing, uses in stems.items() if len(uses) > 1}
