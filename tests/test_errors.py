"""Errors carry where the fault is, shown as people read it."""

from __future__ import annotations

from generator.errors import Location, SpecError


def test_a_location_shows_line_and_column_else_the_pointer() -> None:
    assert str(Location("api.yaml", "/paths", 3, 7)) == "api.yaml:3:7"
    assert str(Location("api.yaml", "/paths")) == "api.yaml#/paths"
    assert str(Location("api.yaml")) == "api.yaml"
    assert str(SpecError("broken", Location("api.yaml", line=2))) == "api.yaml:2:1: broken"
