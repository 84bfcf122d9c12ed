"""Structural messages name the missing or unexpected key and the keyword of a wrong type."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.lint import lint_spec
from generator.load import load_spec

BROKEN = """\
openapi: {version}
info:
  title: t
paths:
  /a:
    get:
      parameters:
        - name: q
          in: body
        - name: r
          in: query
      responses:
        '200':
          content:
            application/json:
              schema:
                type: object
                minimum: true
                properties:
                  a: {{type: strin}}
components:
  schemas:
    A: {{type: object, unknownKey: 1}}
"""
EXPECTED = {
    (2, "missing key `version` in `info`"),
    (9, "`in` must be one of"),
    (10, "missing one of the keys `schema`, `content` in item 1 of `parameters`"),
    (13, "missing key `description` in `200`"),
    (18, "`minimum` must be a number, not true"),
    (20, "`type` must be one of"),
}


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_structural_messages_say_what_to_fix(tmp_path: Path, version: str) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(BROKEN.format(version=version))
    found = [
        (f.location.line, f.message) for f in lint_spec(load_spec(path)) if f.rule == "oas-schema"
    ]
    for line, start in EXPECTED:
        assert any(at == line and message.startswith(start) for at, message in found), (line, found)
    assert not any("is not valid under any of the schemas" in message for _, message in found)
    if version == "3.0.3":
        assert (23, "unexpected key `unknownKey` in `A`") in found
