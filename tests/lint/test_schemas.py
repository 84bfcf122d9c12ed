"""What the schema rules know about generated Python."""

from __future__ import annotations

from pydantic import BaseModel

from generator.lint import schemas


def test_pydantic_members_read_from_source_are_what_dir_says() -> None:
    from_source = schemas._members_from_source()
    from_import = {name for name in dir(BaseModel) if not name.startswith("_")}
    assert from_source and {name for name in from_source if not name.startswith("_")} == from_import
