"""Python names for what a spec names: valid, safe, unique, and the same on every run."""

from __future__ import annotations

import pytest

from generator.naming import NameRegistry, class_name, pascal_case, snake_case


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("createChatCompletion", "create_chat_completion"),
        ("get-user.by id", "get_user_by_id"),
        ("HTTPServer", "http_server"),
        ("class", "class_"),
        ("list", "list_"),
        ("2fa", "n2fa"),
        ("", "unnamed"),
        ("Ünïcode", "unicode"),
    ],
)
def test_snake_case(text: str, name: str) -> None:
    assert snake_case(text) == name


def test_class_names_keep_a_safe_pascal_name_and_fix_the_rest() -> None:
    assert class_name("ChatMessage") == "ChatMessage"
    assert class_name("chat_message") == "ChatMessage"
    assert class_name("Field") == "FieldModel"  # models.py imports pydantic's Field
    assert pascal_case("404") == "N404"


def test_the_registry_gives_the_first_comer_the_plain_name() -> None:
    names = NameRegistry(frozenset({"body"}))
    assert [names.claim(n) for n in ("body", "x", "x", "x")] == ["body_2", "x", "x_2", "x_3"]
    assert NameRegistry().claim("Item", separator="") == "Item"


def test_letters_that_pass_for_digits_get_a_suffix() -> None:
    assert [snake_case(n) for n in ("l", "O", "I")] == ["l_", "o", "i"]
