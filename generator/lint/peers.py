"""Spectral's `oas` ruleset and Redocly's `recommended` ruleset, rule by rule, with their default
severities as their installed packages define them (Spectral 6.16.3 `@stoplight/spectral-rulesets`
`oas/index.js`; Redocly CLI 2.77.0 `recommended` for oas3_0/oas3_1/oas3_2), and the reason for each
one that no rule of ours stands for. `markdown()` is the README's table; a test keeps them equal.
"""

from __future__ import annotations

from generator.lint.registry import RULES

_SWAGGER = "Swagger 2.0 only; specsmith reads OpenAPI 3.0/3.1 (a 2.0 file is `unusable-input`)"
_OAS32 = "OpenAPI 3.2 only; specsmith reads 3.0/3.1"

# rule id -> default severity in `spectral:oas` ("off": not recommended)
SPECTRAL_OAS: dict[str, str] = {
    "operation-success-response": "warn", "oas2-operation-formData-consume-check": "warn",
    "operation-operationId-unique": "error", "operation-parameters": "warn",
    "operation-tag-defined": "warn", "path-params": "error", "contact-properties": "off",
    "duplicated-entry-in-enum": "warn", "info-contact": "warn", "info-description": "warn",
    "info-license": "off", "license-url": "off", "no-eval-in-markdown": "warn",
    "no-script-tags-in-markdown": "warn", "openapi-tags-alphabetical": "off",
    "openapi-tags-uniqueness": "error", "openapi-tags": "off", "operation-description": "warn",
    "operation-operationId": "warn", "operation-operationId-valid-in-url": "warn",
    "operation-singular-tag": "off", "operation-tags": "warn", "path-declarations-must-exist": "warn",
    "path-keys-no-trailing-slash": "warn", "path-not-include-query": "warn", "tag-description": "off",
    "no-$ref-siblings": "error", "array-items": "error", "typed-enum": "warn", "oas2-api-host": "warn",
    "oas2-api-schemes": "warn", "oas2-discriminator": "error", "oas2-host-not-example": "off",
    "oas2-host-trailing-slash": "warn", "oas2-parameter-description": "off",
    "oas2-operation-security-defined": "warn", "oas2-valid-schema-example": "error",
    "oas2-valid-media-example": "error", "oas2-anyOf": "warn", "oas2-oneOf": "warn",
    "oas2-schema": "error", "oas2-unused-definition": "warn", "oas3-api-servers": "warn",
    "oas3-examples-value-or-externalValue": "warn", "oas3-operation-security-defined": "warn",
    "oas3-parameter-description": "off", "oas3-server-not-example.com": "off",
    "oas3-server-trailing-slash": "warn", "oas3-valid-media-example": "error",
    "oas3-valid-schema-example": "error", "oas3-schema": "error", "oas3-unused-component": "warn",
    "oas3-server-variables": "error", "oas3-callbacks-in-callbacks": "warn",
    "oas3_1-servers-in-webhook": "warn", "oas3_1-callbacks-in-webhook": "warn",
    "oas3_2-no-deprecated-xml-attribute": "warn",
}  # fmt: skip

# rule id -> default severity in Redocly's `recommended` (3.0/3.1; a few 3.0-, 3.1- or 3.2-only)
REDOCLY_RECOMMENDED: dict[str, str] = {
    "struct": "error", "no-unresolved-refs": "error", "info-license": "warn",
    "info-license-strict": "warn", "no-ambiguous-paths": "warn", "no-duplicated-enum-values": "warn",
    "no-duplicated-tag-names": "warn", "no-empty-servers": "error", "no-enum-type-mismatch": "error",
    "no-example-value-and-externalValue": "error", "no-identical-paths": "error",
    "no-illogical-composition-keywords": "warn", "no-invalid-media-type-examples": "warn",
    "no-invalid-parameter-examples": "warn", "no-invalid-schema-examples": "warn",
    "no-mixed-number-range-constraints": "warn", "no-path-trailing-slash": "error",
    "no-required-schema-properties-undefined": "warn", "no-schema-type-mismatch": "error",
    "no-server-example.com": "warn", "no-server-trailing-slash": "error",
    "no-server-variables-empty-enum": "error", "no-undefined-server-variable": "error",
    "no-unsafe-markdown": "warn", "no-unused-components": "warn", "nullable-type-sibling": "error",
    "operation-2xx-response": "warn", "operation-4xx-response": "warn", "operation-operationId": "warn",
    "operation-operationId-unique": "error", "operation-operationId-url-safe": "error",
    "operation-parameters-unique": "error", "operation-summary": "error",
    "path-declaration-must-exist": "error", "path-not-include-query": "error",
    "path-parameters-defined": "error", "security-defined": "error", "security-scopes-defined": "warn",
    "spec-components-invalid-map-name": "error", "spec-ref-siblings": "warn", "tag-description": "warn",
    "spec-discriminator-defaultMapping": "warn", "spec-example-values": "error",
    "spec-no-invalid-encoding-combinations": "error", "spec-no-invalid-tag-parents": "error",
    "spec-querystring-parameters": "error",
    # off in `recommended`, listed because a rule of ours stands for them
    "info-contact": "off", "operation-description": "off", "operation-singular-tag": "off",
    "operation-tag-defined": "off", "parameter-description": "off", "tags-alphabetical": "off",
}  # fmt: skip

NOT_COVERED: dict[str, str] = {
    **{f"spectral:{rule_id}": _SWAGGER for rule_id in SPECTRAL_OAS if rule_id.startswith("oas2")},
    "spectral:oas3_2-no-deprecated-xml-attribute": _OAS32,
    **{
        f"redocly:{rule_id}": _OAS32
        for rule_id in (
            "spec-discriminator-defaultMapping",
            "spec-example-values",
            "spec-no-invalid-encoding-combinations",
            "spec-no-invalid-tag-parents",
            "spec-querystring-parameters",
        )
    },
}

# Why our default differs from the stricter peer's, where it does.
WHY: dict[str, str] = {
    "ref-siblings": "legal in 3.1 schemas; a warning in 3.0, as Redocly (Spectral: error)",
    "operation-id-url-safe": "only documentation links care; generated names are sanitised",
    "operation-summary": "OpenAPI does not require it (Redocly: error)",
    "servers-present": "legal: clients default to `/` (Redocly: error)",
    "path-trailing-slash": "legal, and some APIs mean it (Redocly: error)",
    "example-valid": "an example that fails its schema breaks mocks and contract tests",
    "operation-security": "Redocly's `security-defined` also demands security on every operation; "
    "public ones legitimately have none, so that half is its own rule, off",
    "example-empty": "the other half of Spectral's `oas3-examples-value-or-externalValue`",
    "path-equivalent": "loses an operation in generated code when the methods collide",
}


def covered() -> dict[str, list[str]]:
    """Peer rule ("spectral:x") -> our rules that stand for it."""
    found: dict[str, list[str]] = {}
    for rule_id, registered in sorted(RULES.items()):
        for peer in registered.peers:
            found.setdefault(peer, []).append(rule_id)
    return found


def coverage() -> dict[str, tuple[int, int, int]]:
    """Per peer: (rules covered, rules not applicable to OpenAPI 3.0/3.1, rules in the set)."""
    stood_for = covered()
    result = {}
    for peer, rules in (("spectral", SPECTRAL_OAS), ("redocly", REDOCLY_RECOMMENDED)):
        names = [f"{peer}:{rule_id}" for rule_id in rules]
        result[peer] = (
            sum(1 for name in names if name in stood_for),
            sum(1 for name in names if name in NOT_COVERED),
            len(names),
        )
    return result


def markdown() -> str:
    """The README's table: each of our rules with its default and its peers' counterparts, then
    every peer rule that none of ours stands for, with the reason."""
    lines = [
        "| rule | default | Spectral `oas` | Redocly `recommended` | checks; where we differ |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rule_id, registered in sorted(RULES.items()):
        if not registered.module.startswith("generator.lint."):
            continue
        spectral = _peers(registered.peers, "spectral", SPECTRAL_OAS)
        redocly = _peers(registered.peers, "redocly", REDOCLY_RECOMMENDED)
        note = registered.summary + (f"; {WHY[rule_id]}" if rule_id in WHY else "")
        lines.append(
            f"| `{rule_id}` | {registered.default_level} | {spectral} | {redocly} | {_cell(note)} |"
        )
    lines += [
        "",
        "| peer rule | default there | why specsmith has no counterpart |",
        "| --- | --- | --- |",
    ]
    for name, reason in sorted(NOT_COVERED.items()):
        peer, _, rule_id = name.partition(":")
        level = (SPECTRAL_OAS if peer == "spectral" else REDOCLY_RECOMMENDED)[rule_id]
        lines.append(f"| {peer} `{rule_id}` | {level} | {reason} |")
    return "\n".join(lines) + "\n"


def _peers(peers: tuple[str, ...], tool: str, levels: dict[str, str]) -> str:
    names = [peer.partition(":")[2] for peer in peers if peer.startswith(tool + ":")]
    return ", ".join(f"`{name}` ({levels.get(name, '?')})" for name in names) or "—"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
