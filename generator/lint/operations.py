"""Rules about operations (under `paths`, webhooks and callbacks alike): ids, parameters,
security, responses, documentation, tags."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from generator.lint.context import LintContext, OperationAt, escape
from generator.lint.registry import Problem, Severity, rule
from generator.naming import snake_case

# RFC 3986's unreserved and reserved characters: what an operationId may hold to be put in a URL
# as it is (documentation links do).
_URL_SAFE = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]*")
_STATUS = re.compile(r"[1-5](?:[0-9]{2}|XX)")


@rule(
    "operation-id",
    Severity.WARN,
    "every operation has an operationId (it names the generated method)",
    peers=("spectral:operation-operationId", "redocly:operation-operationId"),
)
def operation_id_present(context: LintContext) -> Iterator[Problem]:
    """The operationId names the generated client method and server handler; without one, the
    name is derived from the method and path, and changes when the path does."""
    for at in context.operations:
        operation_id = at.operation.get("operationId")
        if not isinstance(operation_id, str) or not operation_id:
            yield (
                at.pointer,
                f"{at.title} has no operationId; its method name will be derived from the path",
            )


@rule(
    "operation-id-unique",
    Severity.ERROR,
    "operationIds are unique, also once turned into Python names",
    peers=("spectral:operation-operationId-unique", "redocly:operation-operationId-unique"),
)
def operation_ids_unique(context: LintContext) -> Iterator[Problem]:
    """OpenAPI requires unique operationIds (webhooks and callbacks included). Beyond the letter:
    `getUser` and `get_user` both become the Python method `get_user()`."""
    first_by_id: dict[str, str] = {}
    first_by_name: dict[str, tuple[str, str]] = {}
    for at in context.operations:
        operation_id = at.operation.get("operationId")
        if not isinstance(operation_id, str) or not operation_id:
            continue
        where = at.pointer + "/operationId"
        if operation_id in first_by_id:
            yield (
                where,
                f"operationId `{operation_id}` is also used at {context.where(first_by_id[operation_id])}",
            )
            continue
        first_by_id[operation_id] = where
        name = snake_case(operation_id)
        if name in first_by_name:
            other_id, other_where = first_by_name[name]
            yield (
                where,
                f"operationIds `{operation_id}` and `{other_id}` ({context.where(other_where)}) "
                f"both become the method {name}()",
            )
        else:
            first_by_name[name] = (operation_id, where)


@rule(
    "operation-id-url-safe",
    Severity.WARN,
    "operationIds hold only characters that are safe in a URL",
    peers=(
        "spectral:operation-operationId-valid-in-url",
        "redocly:operation-operationId-url-safe",
    ),
)
def operation_id_url_safe(context: LintContext) -> Iterator[Problem]:
    """Documentation tools put operationIds in links (`#operation/getUser`); a space or a quote
    breaks them. Code generation does not care (names are sanitised), hence a warning."""
    for at in context.operations:
        operation_id = at.operation.get("operationId")
        if isinstance(operation_id, str) and not _URL_SAFE.fullmatch(operation_id):
            yield at.pointer + "/operationId", f"operationId `{operation_id}` is not URL-safe"


@rule(
    "parameters-unique",
    Severity.ERROR,
    "no operation declares the same parameter (name and location) twice",
    peers=("spectral:operation-parameters", "redocly:operation-parameters-unique"),
)
def parameters_unique(context: LintContext) -> Iterator[Problem]:
    """OpenAPI: a parameter is identified by its name and location, and a list must not repeat
    one (an operation's own may override a path-level one)."""
    owners: list[tuple[Any, str]] = [
        (at.item.get("parameters"), at.pointer) for at in context.path_items
    ]
    owners += [(at.operation.get("parameters"), at.pointer) for at in context.operations]
    for parameters, pointer in owners:
        seen: set[tuple[str, str]] = set()
        for index, parameter in enumerate(parameters if isinstance(parameters, list) else ()):
            where = f"{pointer}/parameters/{index}"
            resolved, _ = context.resolve(parameter, where)
            if not isinstance(resolved, dict):
                continue
            key = (str(resolved.get("name")), str(resolved.get("in")))
            if key in seen:
                yield where, f"parameter `{key[0]}` in {key[1]} is declared twice"
            seen.add(key)


@rule(
    "parameter-description",
    None,
    "every parameter has a description",
    peers=("spectral:oas3-parameter-description", "redocly:parameter-description"),
)
def parameter_described(context: LintContext) -> Iterator[Problem]:
    """Off by default, as with both peers: many parameters explain themselves."""
    for parameter, pointer in context.parameters:
        if not _text(parameter.get("description")):
            yield pointer, f"parameter `{parameter.get('name')}` has no description"


@rule(
    "security-defined",
    Severity.ERROR,
    "security requirements name schemes defined in components.securitySchemes",
    peers=("spectral:oas3-operation-security-defined", "redocly:security-defined"),
)
def security_defined(context: LintContext) -> Iterator[Problem]:
    """A requirement that names an undefined scheme cannot be met; generated clients would not
    know how to authenticate."""
    defined = _schemes(context)
    for requirement, pointer in context.security_requirements:
        for name in requirement:
            if name not in defined:
                yield (
                    f"{pointer}/{escape(name)}",
                    f"security scheme `{name}` is not defined in components.securitySchemes",
                )


@rule(
    "security-scopes-defined",
    Severity.WARN,
    "the scopes of an OAuth2 requirement are declared in one of the scheme's flows",
    peers=("spectral:oas3-operation-security-defined", "redocly:security-scopes-defined"),
)
def security_scopes_defined(context: LintContext) -> Iterator[Problem]:
    """A scope no flow declares cannot be granted; usually a typo."""
    schemes = _schemes(context)
    for requirement, pointer in context.security_requirements:
        for name, scopes in requirement.items():
            scheme = schemes.get(name)
            if not isinstance(scheme, dict) or scheme.get("type") != "oauth2":
                continue
            declared = _declared_scopes(scheme)
            for index, scope in enumerate(scopes if isinstance(scopes, list) else ()):
                if scope not in declared:
                    yield (
                        f"{pointer}/{escape(name)}/{index}",
                        f"scope `{scope}` is not declared by the `{name}` scheme's flows",
                    )


@rule(
    "operation-security",
    None,
    "every operation has a security requirement (its own or the API's)",
    peers=("redocly:security-defined",),
)
def operation_security(context: LintContext) -> Iterator[Problem]:
    """Off by default: public operations legitimately have none (Redocly reports 1,493 of them
    in GitHub's spec). Turn it on for APIs where every operation must be protected."""
    if context.document.get("security"):
        return
    for at in context.operations:
        if "security" not in at.operation:
            yield at.pointer, f"{at.title} has no security requirement"


@rule(
    "success-response",
    Severity.WARN,
    "every operation declares at least one 2xx or 3xx response",
    peers=("spectral:operation-success-response", "redocly:operation-2xx-response"),
)
def success_response(context: LintContext) -> Iterator[Problem]:
    """Without a success response, a generated client has no type to return. A 3xx counts
    (a redirect is an answer), as Spectral counts it."""
    for at in context.operations:
        codes = _codes(at)
        if codes is not None and not any(code[:1] in ("2", "3") for code in codes):
            yield at.pointer + "/responses", f"{at.title} declares no success (2xx/3xx) response"


@rule(
    "error-response",
    Severity.WARN,
    "every operation declares a 4xx response",
    peers=("redocly:operation-4xx-response",),
)
def error_response(context: LintContext) -> Iterator[Problem]:
    """Clients handle errors better when the spec says what a 4xx looks like; generated clients
    raise a typed error only for declared error responses. `default` does not count. Webhooks
    and callbacks are left out, as Redocly leaves them: the API sends those requests, and how a
    subscriber refuses one is the subscriber's business."""
    for at in context.operations:
        if at.kind in ("webhook", "callback"):
            continue
        codes = _codes(at)
        if codes is not None and not any(code[:1] == "4" for code in codes):
            yield at.pointer + "/responses", f"{at.title} declares no 4xx response"


@rule(
    "response-code",
    Severity.ERROR,
    "response codes are HTTP status codes (100-599, 1XX-5XX) or `default`",
)
def response_codes_valid(context: LintContext) -> Iterator[Problem]:
    """`600`, `20x` or `ok` as a response key matches no response a server can send; the
    meta-schema refuses them too, this names the key."""
    for responses, pointer in context.response_maps:
        for code in responses:
            if code != "default" and not code.startswith("x-") and not _STATUS.fullmatch(code):
                yield (
                    f"{pointer}/{escape(code)}",
                    f"`{code}` is not an HTTP status code (100-599, 1XX-5XX) nor `default`",
                )


@rule(
    "operation-summary",
    Severity.WARN,
    "every operation has a summary",
    peers=("redocly:operation-summary",),
)
def operation_summary(context: LintContext) -> Iterator[Problem]:
    """The summary is the one line documentation and generated docstrings show first. Redocly
    makes it an error; OpenAPI does not require it, so a warning here."""
    for at in context.operations:
        if not _text(at.operation.get("summary")):
            yield at.pointer, f"{at.title} has no summary"


@rule(
    "operation-description",
    Severity.WARN,
    "every operation has a description",
    peers=("spectral:operation-description", "redocly:operation-description"),
)
def operation_description(context: LintContext) -> Iterator[Problem]:
    """What the operation does, beyond its summary: the generated method's docstring."""
    for at in context.operations:
        if not _text(at.operation.get("description")):
            yield at.pointer, f"{at.title} has no description"


@rule(
    "operation-tags",
    Severity.WARN,
    "every operation has at least one tag",
    peers=("spectral:operation-tags",),
)
def operation_tags(context: LintContext) -> Iterator[Problem]:
    """Tags group operations in documentation, and `include_tags`/`exclude_tags` select them
    for generation."""
    for at in context.operations:
        tags = at.operation.get("tags")
        if not isinstance(tags, list) or not tags:
            yield at.pointer, f"{at.title} has no tags"


@rule(
    "operation-singular-tag",
    None,
    "every operation has at most one tag",
    peers=("spectral:operation-singular-tag", "redocly:operation-singular-tag"),
)
def operation_singular_tag(context: LintContext) -> Iterator[Problem]:
    """Off by default, as with both peers: several tags are legal and often useful."""
    for at in context.operations:
        tags = at.operation.get("tags")
        if isinstance(tags, list) and len(tags) > 1:
            yield at.pointer + "/tags", f"{at.title} has {len(tags)} tags"


@rule(
    "tag-defined",
    Severity.WARN,
    "every tag an operation uses is declared in the top-level `tags`",
    peers=("spectral:operation-tag-defined", "redocly:operation-tag-defined"),
)
def tags_defined(context: LintContext) -> Iterator[Problem]:
    """An undeclared tag has no description and no place in the documentation's order; usually
    a typo of a declared one."""
    declared = {tag.get("name") for tag, _ in context.tags}
    for at in context.operations:
        tags = at.operation.get("tags")
        for index, tag in enumerate(tags if isinstance(tags, list) else ()):
            if tag not in declared:
                yield (
                    f"{at.pointer}/tags/{index}",
                    f"tag `{tag}` is not declared in the top-level tags",
                )


@rule(
    "callback-in-callback",
    Severity.WARN,
    "a callback's operations define no callbacks of their own",
    peers=("spectral:oas3-callbacks-in-callbacks",),
)
def no_nested_callbacks(context: LintContext) -> Iterator[Problem]:
    """A callback of a callback is legal but almost never meant, and few tools follow it."""
    for at in context.operations:
        if at.kind == "callback" and at.operation.get("callbacks"):
            yield at.pointer + "/callbacks", f"{at.title} defines callbacks inside a callback"


@rule(
    "webhook-servers",
    Severity.WARN,
    "webhooks define no `servers`",
    peers=("spectral:oas3_1-servers-in-webhook",),
)
def no_webhook_servers(context: LintContext) -> Iterator[Problem]:
    """A webhook is a request the API sends to its subscriber; servers there mean nothing."""
    for item in context.path_items:
        if item.kind == "webhook" and "servers" in item.item:
            yield item.pointer + "/servers", f"webhook `{item.key}` defines servers"
    for operation in context.operations:
        if operation.kind == "webhook" and "servers" in operation.operation:
            yield operation.pointer + "/servers", f"{operation.title} defines servers"


@rule(
    "webhook-callbacks",
    Severity.WARN,
    "webhooks define no callbacks",
    peers=("spectral:oas3_1-callbacks-in-webhook",),
)
def no_webhook_callbacks(context: LintContext) -> Iterator[Problem]:
    """A webhook's callback would be a request to the API that the webhook cannot describe."""
    for at in context.operations:
        if at.kind == "webhook" and at.operation.get("callbacks"):
            yield at.pointer + "/callbacks", f"{at.title} defines callbacks"


def _codes(at: OperationAt) -> list[str] | None:
    responses = at.operation.get("responses")
    return (
        [str(code) for code in responses if not str(code).startswith("x-")]
        if isinstance(responses, dict)
        else None
    )


def _schemes(context: LintContext) -> dict[str, Any]:
    components = context.document.get("components")
    schemes = components.get("securitySchemes") if isinstance(components, dict) else None
    if not isinstance(schemes, dict):
        return {}
    return {name: context.resolve(scheme, "")[0] for name, scheme in schemes.items()}


def _declared_scopes(scheme: dict[str, Any]) -> set[str]:
    flows = scheme.get("flows")
    scopes: set[str] = set()
    for flow in flows.values() if isinstance(flows, dict) else ():
        if isinstance(flow, dict) and isinstance(flow.get("scopes"), dict):
            scopes |= set(flow["scopes"])
    return scopes


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())
