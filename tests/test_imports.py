"""Import blocks: sorted as ruff's isort rules want them, and only what a module uses."""

from __future__ import annotations

from generator.imports import (
    drop_imports_unused_by,
    drop_unused_imports,
    names_used,
    sort_import_block,
)


def test_imports_are_grouped_and_sorted() -> None:
    source = (
        "import httpx\nfrom . import models\nimport os\nfrom typing import cast, Any\n\nx = 1\n"
    )
    assert sort_import_block(source) == (
        "import os\nfrom typing import Any, cast\n\nimport httpx\n\nfrom . import models\n\nx = 1\n"
    )


def test_unused_names_are_dropped_and_used_ones_kept() -> None:
    source = (
        '"""Doc mentioning Literal."""\n\n'
        "from __future__ import annotations\n\n"
        "from typing import Any, Literal, TypeVar, cast\n"
        "from . import models\n"
        "from ._base import helper as _helper, other\n\n"
        '__all__ = ["other"]\n'
        'T = TypeVar("T", bound="models.Thing")\n'
        'def f(x: Any) -> "Any":\n    return cast("int", x)\n'
    )
    kept = drop_unused_imports(source)
    assert "from __future__ import annotations" in kept
    assert "from typing import Any, TypeVar, cast" in kept  # Literal only appears in a docstring
    assert "from . import models" in kept  # used in a quoted bound
    assert "from ._base import other" in kept and "_helper" not in kept  # other is in __all__


def test_field_types_of_a_functional_typed_dict_count_as_uses() -> None:
    source = (
        "from typing import Any, Mapping\n"
        "from typing_extensions import TypedDict\n\n"
        'P = TypedDict("P", {"schema": "Mapping[str, Any]", "x-y": int})\n'
    )
    assert drop_unused_imports(source) == source


def test_a_name_only_assigned_does_not_count_as_a_use() -> None:
    source = "from typing import cast\n\nclass C:\n    cast = 1\n"
    assert drop_unused_imports(source) == "class C:\n    cast = 1\n"


def test_a_module_that_uses_everything_is_left_as_it_is() -> None:
    source = "import os\n\nprint(os.sep)\n"
    assert drop_unused_imports(source) is source


def test_the_names_a_rest_uses_given_the_head_alone_is_parsed() -> None:
    head = "from typing import Any, cast\nimport os\n\nX = os.sep"
    rest = "\n\n\ndef f(x: Any) -> None:\n    pass\n"
    source = head + rest
    assert names_used(rest) == {"Any"}  # None is a constant, not a name
    assert drop_imports_unused_by(source, head, names_used(rest)) == drop_unused_imports(source)
    assert "cast" not in drop_imports_unused_by(source, head, {"Any"})


def test_an_import_too_long_for_a_line_is_written_as_black_writes_it() -> None:
    """One name a line with a trailing comma, as black would make it (so that black adds no
    comma, and needs no second pass); one that fits stays on its line."""
    import black

    from generator.format import black_mode

    many = ", ".join(f"name_{index:02d}" for index in range(20))  # in sorted order
    for names in (many, "a, b", "ä" * 60 + ", " + "ö" * 40):  # wide names: black decides
        source = f"from package.module import {names}\n\nx = 1\n"
        sorted_block = sort_import_block(source)
        assert black.format_str(sorted_block, mode=black_mode()) == black.format_str(
            source, mode=black_mode()
        )
        if names == many:
            assert sorted_block.startswith("from package.module import (\n    name_00,\n")
            assert black.format_str(sorted_block, mode=black_mode()) == sorted_block
