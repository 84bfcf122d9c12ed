"""Operations grouped into resources (`client.chat.completions.create`) and named there.

By default (`resource_grouping = "path"`) the path says where an operation goes, as the openai
SDK's layout follows OpenAI's paths: every literal segment is a resource under the one before
(`/fine_tuning/jobs/{id}/checkpoints` is `fine_tuning.jobs.checkpoints`), parameters are items
of the resource before them, and a trailing segment the operationId names as its verb is an
action on its resource (`POST /batches/{id}/cancel`, `cancelBatch`: `batches.cancel`). What
every path starts with says nothing and is left out: the leading segments up to the last
parameter or version (`/tenant/{tenant}/release/{release}/openai-compatible/v1` before our
`chat/completions`), and a literal prefix all paths share when several resources follow it
(`/api/users`, `/api/items`).

A method is named by its verb, as the SDK names them: the first word of the operationId that is
a verb (`listFiles`: `list`; `getChatCompletion`: `retrieve`, `get` being the SDK's `retrieve`
or `list`; `modifyAssistant`: `update`), else the HTTP method's (`GET` a list: `list`; an item:
`retrieve`; `POST`: `create`, on an item `update`; `DELETE`: `delete`). Operations of one
resource that share a verb keep the other words their operationIds say beyond the resource's
own (`createThreadAndRun` beside `createRun` on `threads.runs`: `create_thread_and_run`).

`resource_grouping = "tags"` makes one resource per tag (`client.assistants.create_thread`),
for specs whose tags are the namespaces; `"flat"` puts every operation on the client under its
operationId's name (`client.create_chat_completion`), the shape of earlier releases. The
`resources` option moves an operation (operationId = `"a.b.method"`) or a tag (`"a.b"`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from generator.ir import ClientMethod, Operation, Resource
from generator.naming import NameRegistry, member_name, words

# Members of every resource class (and of the client) that a method or sub-resource must not
# replace; the client's own are added for the root.
RESOURCE_MEMBERS = frozenset({"with_raw_response", "with_streaming_response"})
CLIENT_MEMBERS = RESOURCE_MEMBERS | {
    "close",
    "aclose",
    "with_options",
    "base_url",
    "timeout",
    "retry_policy",
    "max_retries",
}
# Names the resource modules import or define: no resource class may take one.
RESERVED_CLASSES = frozenset(
    {
        "Any",
        "APIResponse",
        "AsyncAPIClient",
        "AsyncClient",
        "AsyncPage",
        "AsyncPager",
        "AsyncResource",
        "AsyncStream",
        "AsyncStreamCall",
        "AsyncStreamedResponse",
        "AsyncStreamedResponseContext",
        "Callable",
        "Client",
        "Coroutine",
        "FileTypes",
        "Final",
        "Literal",
        "Mapping",
        "NotGiven",
        "Paging",
        "RequestParts",
        "Sequence",
        "Stream",
        "StreamedResponse",
        "SyncAPIClient",
        "SyncPage",
        "SyncResource",
        "TypeAdapter",
    }
)
# Words that start (or, failing that, appear in) an operationId as its verb.
VERBS = frozenset(
    [
        "get",
        "list",
        "create",
        "update",
        "delete",
        "retrieve",
        "modify",
        "patch",
        "put",
        "post",
        "set",
        "add",
        "remove",
        "cancel",
        "search",
        "find",
        "query",
        "upload",
        "download",
        "send",
        "start",
        "stop",
        "run",
        "submit",
        "validate",
        "verify",
        "archive",
        "unarchive",
        "restore",
        "pause",
        "resume",
        "accept",
        "reject",
        "approve",
        "complete",
        "count",
        "check",
        "export",
        "import",
        "generate",
        "invite",
        "assign",
        "unassign",
        "replace",
        "rotate",
        "reset",
        "test",
        "enable",
        "disable",
        "activate",
        "deactivate",
        "fetch",
        "edit",
        "compact",
        "refer",
        "hangup",
        "read",
        "write",
        "mark",
        "revoke",
        "close",
        "open",
        "clone",
        "copy",
        "move",
        "merge",
        "publish",
        "register",
        "unregister",
        "subscribe",
        "unsubscribe",
        "confirm",
        "preview",
        "render",
        "execute",
        "trigger",
        "watch",
    ]
)
# Verbs that mean what the SDK calls otherwise (`get` is `retrieve`, or `list` for a list).
_SYNONYMS = {"modify": "update", "patch": "update", "put": "update", "post": "create"}
_READS = frozenset({"get", "read", "fetch"})
# Words an operationId uses between its nouns; left at an end, they dangle (`list_files_in`).
_LINKS = frozenset({"in", "of", "for", "by", "from", "to", "on", "with", "at", "into", "a", "an"})
_JOINS = frozenset({"and", "or"})  # words that join two nouns: both are kept (`thread_and_run`)
_GLUED = (
    12  # a word this long that starts with a verb is a glued operationId (`Compactconversation`)
)
_VERSION = re.compile(r"^(v\d+[a-z0-9]*|\d{4}-\d{2}(-\d{2})?)$", re.IGNORECASE)


@dataclass(frozen=True)
class Placement:
    """Where one operation goes, before names are settled: its resource and how it is named."""

    resource: tuple[str, ...]
    method: str | None  # fixed by the configuration (or the flat grouping); None: by its verb
    words: tuple[str, ...]  # the operationId's words, lower case (for verbs and leftovers)
    action: str | None = None  # the last segment, when it is what the operation does (`cancel`)


def group(
    operations: list[Operation],
    grouping: str,
    overrides: Mapping[str, str],
    lists: frozenset[str],
) -> tuple[list[Operation], Resource, list[str]]:
    """Every operation with its `client_method`, the resource tree, and warnings about
    overrides that name nothing. `lists` are the names of operations whose result is a list."""
    warnings = _unknown_overrides(operations, overrides)
    cut = common_prefix(operations)
    placements = {
        op.name: _placement(op, operations, grouping, overrides, cut) for op in operations
    }
    tree = _Tree()
    for op in operations:
        tree.add(placements[op.name].resource)
    named: dict[str, ClientMethod] = {}
    for path, members in _by_resource(operations, placements).items():
        taken = tree.children_of(path) | (CLIENT_MEMBERS if not path else RESOURCE_MEMBERS)
        for op_name, name in _method_names(members, placements, lists, taken).items():
            named[op_name] = ClientMethod(path, name)
    settled = [replace(op, client_method=named[op.name]) for op in operations]
    return settled, tree.resources(settled), warnings


# --- where an operation goes ---------------------------------------------------------------------


def _placement(
    op: Operation,
    operations: list[Operation],
    grouping: str,
    overrides: Mapping[str, str],
    cut: int,
) -> Placement:
    op_words = tuple(word.lower() for word in words(str(op.operation_id)))
    override = overrides.get(str(op.operation_id))
    if override is not None:
        *resource, method = override.split(".")
        return Placement(tuple(resource), method, op_words)
    tag = next((t for t in op.tags if str(t) in overrides), None)
    if tag is not None:
        return Placement(tuple(overrides[str(tag)].split(".")), None, op_words)
    if grouping == "flat":
        return Placement((), op.name, op_words)
    if grouping == "tags" and op.tags:
        return Placement((member_name(op.tags[0]),), None, op_words)
    segments = _segments(op)[cut:]
    names = tuple(member_name(segment) for segment in segments if "{" not in segment)
    if segments and "{" not in segments[-1] and _is_action(op, op_words, segments[-1], operations):
        return Placement(names[:-1], None, op_words, action=names[-1])
    return Placement(names, None, op_words)


def common_prefix(operations: Iterable[Operation]) -> int:
    """How many leading path segments say nothing of where an operation goes: those every
    path shares up to the last parameter or version among them (but never all of a path's
    literal segments), then a literal every path shares when several resources follow it."""
    paths = [_segments(op) for op in operations]
    if not paths:
        return 0
    shared = 0
    while all(len(p) > shared and p[shared] == paths[0][shared] for p in paths):
        shared += 1
    cuts = [
        i + 1
        for i in range(shared)
        if ("{" in paths[0][i] or _VERSION.match(paths[0][i]))
        and all(any("{" not in segment for segment in p[i + 1 :]) for p in paths)
    ]
    cut = max(cuts, default=0)
    while cut < shared and "{" not in paths[0][cut]:
        following = {p[cut + 1] if len(p) > cut + 1 else "" for p in paths}
        if len(following) < 2 or "" in following:
            break
        cut += 1
    return cut


def _segments(op: Operation) -> list[str]:
    return [segment for segment in str(op.route_path).split("/") if segment]


def _is_action(
    op: Operation, op_words: tuple[str, ...], segment: str, operations: list[Operation]
) -> bool:
    """The last segment is what the operation does, not a resource: the operationId starts
    with it (`/batches/{id}/cancel`, `cancelBatch`) or says it as its verb
    (`beta_cancelResponse`, `Compactconversation`), and no other path goes on below it."""
    segment_words = [word.lower() for word in words(segment)]
    if not op_words or not segment_words:
        return False
    first = segment_words[0]
    named_first = op_words[0] == first and _said_verb(op_words) in (None, first)
    said = named_first or (first in VERBS and first in op_words)
    glued = first in VERBS and any(_glued_verb(word) == first for word in op_words)
    if not (said or glued):
        return False
    below = str(op.route_path).rstrip("/") + "/"
    return not any(str(other.route_path).startswith(below) for other in operations)


def _unknown_overrides(operations: list[Operation], overrides: Mapping[str, str]) -> list[str]:
    known = {str(op.operation_id) for op in operations} | {
        str(t) for op in operations for t in op.tags
    }
    return [
        f"resources: {key!r} is neither an operationId nor a tag of an operation; not used"
        for key in sorted(set(overrides) - known)
    ]


def _by_resource(
    operations: list[Operation], placements: Mapping[str, Placement]
) -> dict[tuple[str, ...], list[Operation]]:
    grouped: dict[tuple[str, ...], list[Operation]] = {}
    for op in operations:
        grouped.setdefault(placements[op.name].resource, []).append(op)
    return grouped


# --- method names --------------------------------------------------------------------------------


def _method_names(
    members: list[Operation],
    placements: Mapping[str, Placement],
    lists: frozenset[str],
    taken: frozenset[str],
) -> dict[str, str]:
    """Each operation's method name on one resource, unique there and clear of `taken`."""
    wanted: dict[str, str] = {}
    by_verb: dict[str, list[Operation]] = {}
    for op in members:
        placement = placements[op.name]
        if placement.method is not None:
            wanted[op.name] = placement.method
        else:
            verb = placement.action or _verb(op, placement.words, op.name in lists)
            by_verb.setdefault(verb, []).append(op)
    for verb, ops in by_verb.items():
        for op in ops:
            placement = placements[op.name]
            qualified = verb if len(ops) == 1 else _qualified(placement, verb)
            wanted[op.name] = qualified
    counts: dict[str, int] = {}
    for name in wanted.values():
        counts[name] = counts.get(name, 0) + 1
    registry = NameRegistry(taken)
    names = {}
    for op in members:
        name = member_name(wanted[op.name] if counts[wanted[op.name]] == 1 else op.name)
        names[op.name] = registry.claim(name + "_" if name in taken else name)
    return names


def _verb(op: Operation, op_words: tuple[str, ...], lists: bool) -> str:
    """The SDK's verb for an operation: its operationId's, else its HTTP method's."""
    said = _said_verb(op_words)
    lists = lists and not _on_item(op)
    if said is None:
        return _http_verb(op, lists)
    if said in _READS:
        return "list" if lists else "retrieve"
    return _SYNONYMS.get(said, said)


def _said_verb(op_words: tuple[str, ...]) -> str | None:
    """The verb an operationId says: its first word, or its last (`admin-api-keys-list`), or
    the verb a long glued word starts with (`Getorganizationspendlimit`)."""
    if not op_words:
        return None
    for word in (op_words[0], op_words[-1]):
        if word in VERBS:
            return word
    return _glued_verb(op_words[0]) or _glued_verb(op_words[-1])


def _glued_verb(word: str) -> str | None:
    if len(word) < _GLUED:
        return None
    return max((verb for verb in VERBS if word.startswith(verb)), key=len, default=None)


def _on_item(op: Operation) -> bool:
    """The path ends with a parameter: the operation is on one item of a collection."""
    return bool(op.path_parts) and op.path_parts[-1].parameter is not None


def _http_verb(op: Operation, lists: bool) -> str:
    if op.method == "get":
        return "list" if lists else "retrieve"
    if op.method == "post":
        return "update" if _on_item(op) else "create"
    if op.method in ("put", "patch"):
        return "update"
    return op.method


def _qualified(placement: Placement, verb: str) -> str:
    """The verb with the operationId's other words beyond the resource's own (`create` for
    `createRun` on `threads.runs`, `create_thread_and_run` for `createThreadAndRun`)."""
    tokens = list(placement.words)
    said = placement.action.split("_")[0] if placement.action else _said_verb(placement.words)
    said = said or next((word for word in tokens if word in VERBS), None)
    own = {form for name in placement.resource for word in words(name) for form in _forms(word)}
    kept = []
    verb_placed = False
    for index, word in enumerate(tokens):
        if not verb_placed and said is not None and (word == said or _glued_verb(word) == said):
            kept.append(verb)
            verb_placed = True
            continue
        near_join = any(tokens[i] in _JOINS for i in (index - 1, index + 1) if 0 <= i < len(tokens))
        if word in _JOINS or near_join or not (_forms(word) & own):
            kept.append(word)
    if not verb_placed:
        kept.insert(0, verb)
    while len(kept) > 1 and kept[-1] in _LINKS | _JOINS:
        kept.pop()
    while len(kept) > 1 and kept[0] in _LINKS | _JOINS:
        kept.pop(0)
    return "_".join(kept)


def _forms(word: str) -> set[str]:
    """A noun's singular and plural spellings, to tell that `completion` is `completions`."""
    word = word.lower()
    forms = {word, word + "s", word + "es"}
    if word.endswith("ies"):
        forms.add(word[:-3] + "y")
    if word.endswith("es"):
        forms.add(word[:-2])
    if word.endswith("s"):
        forms.add(word[:-1])
    if word.endswith("y"):
        forms.add(word[:-1] + "ies")
    return forms


# --- the tree ------------------------------------------------------------------------------------


class _Tree:
    """The resource paths operations use, and every path above them."""

    def __init__(self) -> None:
        self._paths: dict[tuple[str, ...], None] = {(): None}

    def add(self, path: tuple[str, ...]) -> None:
        for length in range(1, len(path) + 1):
            self._paths.setdefault(path[:length])

    def children_of(self, path: tuple[str, ...]) -> frozenset[str]:
        return frozenset(p[-1] for p in self._paths if len(p) == len(path) + 1 and p[:-1] == path)

    def resources(self, operations: list[Operation]) -> Resource:
        class_names = _class_names(list(self._paths))
        modules = NameRegistry(frozenset({"__init__"}))
        module_of = {path: modules.claim("_".join(path)) for path in self._paths if path}

        def build(path: tuple[str, ...]) -> Resource:
            children = sorted(p for p in self._paths if len(p) == len(path) + 1 and p[:-1] == path)
            return Resource(
                path=path,
                class_name=class_names[path],
                module=module_of.get(path, ""),
                operations=tuple(op for op in operations if op.client_method.resource == path),
                children=tuple(build(child) for child in children),
            )

        return build(())


def _class_names(paths: list[tuple[str, ...]]) -> dict[tuple[str, ...], str]:
    """`ChatCompletions` for `chat.completions`, unique with its variants (`Async...`,
    `...WithRawResponse`) and clear of what resource modules import; the root is `Client`."""
    taken = set(RESERVED_CLASSES)
    names: dict[tuple[str, ...], str] = {(): "Client"}
    for path in sorted(p for p in paths if p):
        stem = "".join(word[:1].upper() + word[1:] for name in path for word in words(name))
        candidate, number = stem, 1
        while any(variant in taken for variant in _variants(candidate)):
            number += 1
            candidate = f"{stem}{number}"
        taken.update(_variants(candidate))
        names[path] = candidate
    return names


def _variants(name: str) -> tuple[str, ...]:
    return (
        name,
        "Async" + name,
        name + "WithRawResponse",
        "Async" + name + "WithRawResponse",
        name + "WithStreamingResponse",
        "Async" + name + "WithStreamingResponse",
        name + "Handler",
        "Mock" + name,
    )
