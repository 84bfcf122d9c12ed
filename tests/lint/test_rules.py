"""Every rule finds its case at its place, and stays quiet on a spec that is clean of it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from generator.lint import RULES, Severity, lint_spec
from generator.load import load_spec

BASE_31 = "openapi: 3.1.0\ninfo:\n  title: t\n  version: '1'\n"
BASE_30 = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n"
OK = "responses:\n        '200': {description: ok}"

# rule -> (spec after the base, the pointer of the finding, the OpenAPI version)
CASES: dict[str, tuple[str, str, str]] = {
    "oas-schema": (
        "paths:\n  /a:\n    get:\n      responses: 5\n",
        "/paths/~1a/get/responses",
        "3.1",
    ),
    "ref-resolves": (
        "paths: {}\ncomponents:\n  schemas:\n    A:\n      $ref: '#/components/schemas/B'\n",
        "/components/schemas/A/$ref",
        "3.1",
    ),
    "ref-cycle": (
        "paths: {}\ncomponents:\n  schemas:\n    A:\n      $ref: '#/components/schemas/B'\n"
        "    B:\n      $ref: '#/components/schemas/A'\n",
        "/components/schemas/A/$ref",
        "3.1",
    ),
    "ref-placement": (
        "paths:\n  $ref: '#/x-paths'\nx-paths: {}\n",
        "/paths",
        "3.1",
    ),
    "schema-all-of-cycle": (
        "paths: {}\ncomponents:\n  schemas:\n    A:\n      allOf: [{$ref: '#/components/schemas/B'}]\n"
        "    B:\n      allOf: [{$ref: '#/components/schemas/A'}]\n",
        "/components/schemas/A/allOf",
        "3.1",
    ),
    "ref-siblings": (
        "paths: {}\ncomponents:\n  schemas:\n    A: {type: string}\n    B:\n"
        "      $ref: '#/components/schemas/A'\n      description: ignored in 3.0\n",
        "/components/schemas/B/description",
        "3.0",
    ),
    "example-valid": (
        "paths: {}\ncomponents:\n  schemas:\n    A:\n      type: integer\n      example: seven\n",
        "/components/schemas/A/example",
        "3.1",
    ),
    "example-value-or-external": (
        "paths: {}\ncomponents:\n  examples:\n    E: {value: 1, externalValue: 'https://x.test/e'}\n",
        "/components/examples/E/value",
        "3.1",
    ),
    "example-empty": (
        "paths: {}\ncomponents:\n  examples:\n    E: {summary: nothing}\n",
        "/components/examples/E",
        "3.1",
    ),
    "operation-id": (f"paths:\n  /a:\n    get:\n      {OK}\n", "/paths/~1a/get", "3.1"),
    "operation-id-unique": (
        f"paths:\n  /a:\n    get:\n      operationId: getA\n      {OK}\n"
        f"  /b:\n    get:\n      operationId: get_a\n      {OK}\n",
        "/paths/~1b/get/operationId",
        "3.1",
    ),
    "operation-id-url-safe": (
        f"paths:\n  /a:\n    get:\n      operationId: get a\n      {OK}\n",
        "/paths/~1a/get/operationId",
        "3.1",
    ),
    "parameters-unique": (
        "paths:\n  /a:\n    get:\n      operationId: g\n      parameters:\n"
        "        - {name: q, in: query, schema: {type: string}}\n"
        "        - {name: q, in: query, schema: {type: string}}\n"
        f"      {OK}\n",
        "/paths/~1a/get/parameters/1",
        "3.1",
    ),
    "parameter-description": (
        "paths:\n  /a:\n    get:\n      parameters:\n        - {name: q, in: query, schema: {type: string}}\n"
        f"      {OK}\n",
        "/paths/~1a/get/parameters/0",
        "3.1",
    ),
    "security-defined": ("security:\n  - nowhere: []\npaths: {}\n", "/security/0/nowhere", "3.1"),
    "security-scopes-defined": (
        "security:\n  - oauth: [write]\npaths: {}\ncomponents:\n  securitySchemes:\n    oauth:\n"
        "      type: oauth2\n      flows:\n        implicit:\n          authorizationUrl: https://x.test/a\n"
        "          scopes: {read: reads}\n",
        "/security/0/oauth/0",
        "3.1",
    ),
    "operation-security": (f"paths:\n  /a:\n    get:\n      {OK}\n", "/paths/~1a/get", "3.1"),
    "success-response": (
        "paths:\n  /a:\n    get:\n      responses:\n        '404': {description: no}\n",
        "/paths/~1a/get/responses",
        "3.1",
    ),
    "error-response": (f"paths:\n  /a:\n    get:\n      {OK}\n", "/paths/~1a/get/responses", "3.1"),
    "response-code": (
        "paths:\n  /a:\n    get:\n      responses:\n        '600': {description: no}\n",
        "/paths/~1a/get/responses/600",
        "3.1",
    ),
    "operation-summary": (f"paths:\n  /a:\n    get:\n      {OK}\n", "/paths/~1a/get", "3.1"),
    "operation-description": (f"paths:\n  /a:\n    get:\n      {OK}\n", "/paths/~1a/get", "3.1"),
    "operation-tags": (f"paths:\n  /a:\n    get:\n      {OK}\n", "/paths/~1a/get", "3.1"),
    "operation-singular-tag": (
        f"paths:\n  /a:\n    get:\n      tags: [a, b]\n      {OK}\n",
        "/paths/~1a/get/tags",
        "3.1",
    ),
    "tag-defined": (
        f"tags: [{{name: a}}]\npaths:\n  /a:\n    get:\n      tags: [b]\n      {OK}\n",
        "/paths/~1a/get/tags/0",
        "3.1",
    ),
    "callback-in-callback": (
        "paths:\n  /a:\n    post:\n      callbacks:\n        done:\n          '{$request.body#/url}':\n"
        "            post:\n              callbacks:\n                again: {}\n"
        "              responses: {'200': {description: ok}}\n"
        f"      {OK}\n",
        "/paths/~1a/post/callbacks/done/{$request.body#~1url}/post/callbacks",
        "3.1",
    ),
    "webhook-servers": (
        "paths: {}\nwebhooks:\n  ping:\n    servers: [{url: 'https://x.test'}]\n    post:\n"
        "      responses: {'200': {description: ok}}\n",
        "/webhooks/ping/servers",
        "3.1",
    ),
    "webhook-callbacks": (
        "paths: {}\nwebhooks:\n  ping:\n    post:\n      callbacks:\n        back: {}\n"
        "      responses: {'200': {description: ok}}\n",
        "/webhooks/ping/post/callbacks",
        "3.1",
    ),
    "path-params": (
        f"paths:\n  /a/{{id}}:\n    get:\n      operationId: g\n      {OK}\n",
        "/paths/~1a~1{id}/get",
        "3.1",
    ),
    "path-equivalent": (
        f"paths:\n  /p/{{a}}:\n    get:\n      {OK}\n  /p/{{b}}:\n    get:\n      {OK}\n",
        "/paths/~1p~1{b}",
        "3.1",
    ),
    "path-ambiguous": (
        f"paths:\n  /{{org}}/settings:\n    get:\n      {OK}\n  /acme/{{page}}:\n    get:\n      {OK}\n",
        "/paths/~1acme~1{page}",
        "3.1",
    ),
    "path-declaration": (f"paths:\n  /a/{{}}:\n    get:\n      {OK}\n", "/paths/~1a~1{}", "3.1"),
    "path-trailing-slash": (f"paths:\n  /a/:\n    get:\n      {OK}\n", "/paths/~1a~1", "3.1"),
    "path-query": (f"paths:\n  /a?b=1:\n    get:\n      {OK}\n", "/paths/~1a?b=1", "3.1"),
    "path-param-required": (
        "paths:\n  /a/{id}:\n    get:\n      parameters:\n        - {name: id, in: path, schema: {type: string}}\n"
        f"      {OK}\n",
        "/paths/~1a~1{id}/get/parameters/0",
        "3.1",
    ),
    "enum-type": (
        "paths: {}\ncomponents:\n  schemas:\n    A:\n      type: integer\n      enum: [1, two]\n",
        "/components/schemas/A/enum/1",
        "3.1",
    ),
    "enum-unique": (
        "paths: {}\ncomponents:\n  schemas:\n    A:\n      type: integer\n      enum: [1, 1]\n",
        "/components/schemas/A/enum/1",
        "3.1",
    ),
    "required-defined": (
        "paths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      required: [b]\n"
        "      properties:\n        a: {type: string}\n",
        "/components/schemas/A/required/0",
        "3.1",
    ),
    "array-items": (
        "paths: {}\ncomponents:\n  schemas:\n    A: {type: array}\n",
        "/components/schemas/A",
        "3.1",
    ),
    "schema-type-mismatch": (
        "paths: {}\ncomponents:\n  schemas:\n    A:\n      type: string\n      properties: {a: {}}\n",
        "/components/schemas/A/properties",
        "3.1",
    ),
    "nullable-type": (
        "paths: {}\ncomponents:\n  schemas:\n    A: {nullable: true}\n",
        "/components/schemas/A/nullable",
        "3.0",
    ),
    "nullable-in-31": (
        "paths: {}\ncomponents:\n  schemas:\n    A: {type: string, nullable: true}\n",
        "/components/schemas/A/nullable",
        "3.1",
    ),
    "composition": (
        "paths: {}\ncomponents:\n  schemas:\n    A:\n      oneOf: [{type: string}]\n",
        "/components/schemas/A/oneOf",
        "3.1",
    ),
    "number-range": (
        "paths: {}\ncomponents:\n  schemas:\n    A: {type: number, maximum: 5, exclusiveMaximum: 4}\n",
        "/components/schemas/A/exclusiveMaximum",
        "3.1",
    ),
    "read-write-only": (
        "paths: {}\ncomponents:\n  schemas:\n    A: {type: string, readOnly: true, writeOnly: true}\n",
        "/components/schemas/A/writeOnly",
        "3.1",
    ),
    "unused-component": (
        "paths: {}\ncomponents:\n  schemas:\n    Lonely: {type: string}\n",
        "/components/schemas/Lonely",
        "3.1",
    ),
    "codegen-hazard": (
        "paths: {}\ncomponents:\n  schemas:\n    pet-item: {type: string}\n    PetItem: {type: string}\n",
        "/components/schemas/PetItem",
        "3.1",
    ),
    "codegen-rename": (
        "paths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        class: {type: string}\n",
        "/components/schemas/A/properties/class",
        "3.1",
    ),
    "info-description": ("paths: {}\n", "/info", "3.1"),
    "info-contact": ("paths: {}\n", "/info", "3.1"),
    "info-license": ("paths: {}\n", "/info", "3.1"),
    "contact-properties": (
        "paths: {}\n",
        "/info/contact",
        "3.1",
    ),
    "license-url": ("paths: {}\n", "/info/license", "3.1"),
    "tags-unique": ("tags: [{name: a}, {name: a}]\npaths: {}\n", "/tags/1", "3.1"),
    "tag-description": ("tags: [{name: a}]\npaths: {}\n", "/tags/0", "3.1"),
    "tags-declared": ("paths: {}\n", "", "3.1"),
    "tags-alphabetical": ("tags: [{name: b}, {name: a}]\npaths: {}\n", "/tags/1", "3.1"),
    "servers-present": ("paths: {}\n", "/openapi", "3.1"),
    "server-trailing-slash": (
        "servers: [{url: 'https://api.test/v1/'}]\npaths: {}\n",
        "/servers/0/url",
        "3.1",
    ),
    "server-not-example": (
        "servers: [{url: 'https://example.com'}]\npaths: {}\n",
        "/servers/0/url",
        "3.1",
    ),
    "server-variables": (
        "servers: [{url: 'https://{region}.api.test'}]\npaths: {}\n",
        "/servers/0/url",
        "3.1",
    ),
    "server-url": ("servers: [{url: 'ftp://api.test'}]\npaths: {}\n", "/servers/0/url", "3.1"),
    "unsafe-markdown": (
        "paths: {}\ntags: [{name: a, description: '<script>x</script>'}]\n",
        "/tags/0/description",
        "3.1",
    ),
    "component-name": (
        "paths: {}\ncomponents:\n  schemas:\n    'a b': {type: string}\n",
        "/components/schemas/a b",
        "3.1",
    ),
}
# What the base needs for the rule's case (the base itself has no contact and no license).
EXTRA_INFO = {
    "contact-properties": "  contact: {name: n}\n",
    "license-url": "  license: {name: MIT}\n",
}


def lint_case(
    tmp_path: Path, body: str, version: str = "3.1", info: str = ""
) -> list[tuple[str, str, str]]:
    path = tmp_path / "spec.yaml"
    path.write_text((BASE_30 if version == "3.0" else BASE_31) + info + textwrap.dedent(body))
    every_rule_on = {rule_id: RULES[rule_id].severity or Severity.WARN for rule_id in RULES}
    return [
        (f.rule, f.location.pointer, f.message) for f in lint_spec(load_spec(path), every_rule_on)
    ]


def test_every_rule_has_a_case() -> None:
    assert set(CASES) == set(RULES)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_each_rule_finds_its_case_at_its_place(tmp_path: Path, rule: str) -> None:
    body, pointer, version = CASES[rule]
    findings = lint_case(tmp_path, body, version, EXTRA_INFO.get(rule, ""))
    pointers = [found_pointer for found_rule, found_pointer, _ in findings if found_rule == rule]
    assert pointer in pointers, findings


def test_a_clean_spec_has_no_findings(tmp_path: Path) -> None:
    """Every rule on, nothing to say: the rules do not fire on what they should accept."""
    clean = """\
      description: d
      contact: {name: n, url: 'https://api.test/c', email: a@api.test}
      license: {name: MIT, identifier: MIT}
    servers:
      - url: https://{region}.api.test/v1
        variables:
          region: {default: eu, enum: [eu, us]}
    tags: [{name: a, description: d}, {name: b, description: d}]
    security: [{oauth: [read]}]
    paths:
      /pets/{id}:
        parameters:
          - {name: id, in: path, required: true, description: d, schema: {type: string}}
        get:
          operationId: getPet
          summary: s
          description: d
          tags: [a]
          responses:
            '200':
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Pet'}
                  examples:
                    one: {value: {id: x, name: n}}
            '404': {description: none}
      /pets/me:
        get:
          operationId: getMe
          summary: s
          description: d
          tags: [b]
          responses:
            '200': {description: ok}
            4XX: {description: error}
    components:
      schemas:
        Pet:
          type: object
          required: [id, name, secret]
          properties:
            id: {type: string, readOnly: true}
            name: {type: string}
            secret: {type: string, writeOnly: true}
            tags: {type: array, items: {type: string}}
            kind: {type: string, enum: [cat, dog]}
      securitySchemes:
        oauth:
          type: oauth2
          flows:
            implicit: {authorizationUrl: 'https://api.test/auth', scopes: {read: reads}}
    """
    findings = lint_case(tmp_path, clean, info="")
    assert findings == []


def test_webhooks_and_callbacks_are_linted_like_paths(tmp_path: Path) -> None:
    body = """\
    paths:
      /a:
        post:
          callbacks:
            done:
              '{$request.body#/url}':
                post:
                  responses: {'600': {description: x}}
          responses: {'200': {description: ok}}
    webhooks:
      ping:
        post:
          responses: {'200': {description: ok}}
    """
    findings = lint_case(tmp_path, body)
    rules_at = {(rule, pointer) for rule, pointer, _ in findings}
    assert ("operation-id", "/webhooks/ping/post") in rules_at
    assert (
        "response-code",
        "/paths/~1a/post/callbacks/done/{$request.body#~1url}/post/responses/600",
    ) in rules_at


def test_a_request_example_may_leave_out_read_only_properties(tmp_path: Path) -> None:
    body = """\
    paths:
      /pets:
        post:
          requestBody:
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Pet'}
                example: {name: n}
          responses:
            '200':
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Pet'}
                  example: {name: n}
    components:
      schemas:
        Pet:
          type: object
          required: [id, name]
          properties:
            id: {type: string, readOnly: true}
            name: {type: string}
    """
    examples = [(p, m) for rule, p, m in lint_case(tmp_path, body) if rule == "example-valid"]
    assert examples == [
        (
            "/paths/~1pets/post/responses/200/content/application~1json/example",
            "example does not match schema `Pet`: missing key `id` at the top level",
        )
    ]


def test_nullable_in_30_examples(tmp_path: Path) -> None:
    body = """\
    paths: {}
    components:
      schemas:
        A:
          type: object
          properties:
            a: {type: string, nullable: true, enum: [x]}
          example: {a: null}
        B: {type: string, default: null, nullable: true}
        C: {type: string, example: null}
    """
    examples = [p for rule, p, _ in lint_case(tmp_path, body, "3.0") if rule == "example-valid"]
    assert examples == ["/components/schemas/C/example"]
