"""The IR's own answers: types as trees, and the questions templates ask of operations."""

from __future__ import annotations

from generator.ir import (
    ANY,
    ANY_MAPPING,
    BYTES,
    NONE,
    STR,
    Body,
    ListOf,
    MediaType,
    ModelRef,
    SpecText,
    UnionOf,
    union,
)


def media(content_type: str, kind: str, type_: object = None) -> MediaType:
    return MediaType(SpecText(content_type), kind, type_, None)  # type: ignore[arg-type]


def test_unions_flatten_drop_repeats_put_none_last_and_give_way_to_any() -> None:
    item = ModelRef("Item")
    assert union(item) == item
    assert union(union(item, NONE), STR, item) == UnionOf((item, STR, NONE))
    assert union(item, ANY) == ANY
    assert ListOf(item).or_none() == UnionOf((ListOf(item), NONE))
    assert union(STR, NONE).or_none() == union(STR, NONE)
    assert ListOf(item).mentions_models and not ListOf(STR).mentions_models


def test_media_kinds_decide_what_each_side_sees() -> None:
    model = ModelRef("Upload")
    assert media("application/json", "json", model).client_type == union(model, ANY_MAPPING)
    assert media("application/json", "json").payload_type == ANY
    assert media("text/plain; charset=utf-8", "text").payload_type == STR
    assert media("text/plain; charset=utf-8", "text").essence == "text/plain"
    assert media("image/png", "binary").client_type == BYTES
    assert str(media("multipart/form-data", "multipart", model).handler_type.name) == "Multipart"  # type: ignore[attr-defined]


def test_a_body_prefers_json_and_offers_one_media_type_per_kind() -> None:
    body = Body(
        required=False,
        media=(
            media("text/plain", "text"),
            media("application/json", "json", ModelRef("A")),
            media("application/vnd.x+json", "json", ModelRef("A")),
        ),
    )
    assert body.primary.content_type == "application/json"
    assert [m.content_type for m in body.alternatives] == ["application/json", "text/plain"]
    assert body.several_kinds and body.narrows(body.alternatives[1])
    assert body.client_type.accepts_none  # optional
