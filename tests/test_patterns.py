"""ECMA-262 patterns in both engines' syntax: each means what ECMA-262 says, in either engine."""

from __future__ import annotations

import pytest
import regex
from pydantic_core import SchemaValidator, core_schema

from generator.patterns import PatternError, complement, engine_for, translate


def rust_search(pattern: str, text: str) -> bool:
    validator = SchemaValidator(core_schema.str_schema(pattern=pattern))
    try:
        validator.validate_python(text)
    except ValueError:
        return False
    return True


# (ECMA-262 pattern, strings it finds a match in, strings it does not), as a browser says.
CASES = [
    (r"^[a-zA-Z0-9_-]+$", ["a-b_C9"], ["a b", "", "a\n"]),
    (r"^\d+$", ["0123"], ["\u0663", "1\n"]),  # \d is ASCII only; $ is the very end
    (r"^\w+$", ["a_1"], ["é", "a-b"]),
    (r"^\s$", [" ", "\t", "\u00a0", "\ufeff", "\u2028"], ["a", "\u200b"]),
    (r"^.$", ["a", "é", "\U0001f600"], ["\n", "\r", "\u2028", "\u2029"]),
    (r"\bcat\b", ["a cat.", "cat"], ["concat", "cats", "écat"[1:] + "s"]),
    (r"^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$", ["héllo wörld", "a:b"], ["aws:x", "a!"]),
    (r"^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]*$", ["a.b", "r1"], ["a..b", ".a"]),
    (r"(?<=\$)\d+", ["$12"], ["12"]),
    (r"^(a)\1$", ["aa"], ["ab"]),
    (r"^(?<x>[ab])\k<x>$", ["bb"], ["ab"]),
    (r"^\u{1F600}$", ["\U0001f600"], ["\ud83d"]),
    (r"^\uD83D\uDE00$", ["\U0001f600"], ["x"]),
    (r"^[^]$", ["\n", "a"], ["", "ab"]),
    (r"[]", [], ["", "a"]),
    (r"^a{2,3}$", ["aa", "aaa"], ["a", "aaaa"]),
    (r"^x{1$", ["x{1"], ["x"]),  # Annex B: a `{` that starts no quantifier is itself
    (r"^[\d-z]$", ["5", "-", "z"], ["a"]),
    (r"^[^\s\w]$", ["!"], [" ", "a", "_"]),
    (r"^\/\.\-$", ["/.-"], ["a"]),
    (r"^\p{Script=Greek}+$", ["αβ"], ["ab"]),
    (r"^[\b]$", ["\b"], ["b"]),
    (r"^\cJ$", ["\n"], ["J"]),
    (r"^[a&&b]$", ["&", "a"], ["c"]),  # no set operations in ECMA: `&` is itself
    (r"^[[]$", ["["], ["]"]),
    (r"^a|b$", ["ab", "xb"], ["x"]),
    (r"(?i:ab)", ["AB"], ["ac"]),
]


@pytest.mark.parametrize(("pattern", "matches", "misses"), CASES)
def test_a_pattern_means_the_same_in_both_engines(
    pattern: str, matches: list[str], misses: list[str]
) -> None:
    python = regex.compile(translate(pattern, "python"))
    for text in matches:
        assert python.search(text), (pattern, text)
    for text in misses:
        assert not python.search(text), (pattern, text)
    engine, translated = engine_for(pattern)
    if engine == "rust":
        for text in matches:
            assert rust_search(translated, text), (pattern, text)
        for text in misses:
            assert not rust_search(translated, text), (pattern, text)


def test_pydantic_runs_what_it_can_and_regex_the_rest() -> None:
    assert engine_for(r"^[a-z]+$")[0] == "rust"
    assert engine_for(r"\bx")[0] == "rust"  # ECMA's ASCII word boundary, as Rust writes it
    assert engine_for(r"^(?!aws:)\p{L}*$")[0] == "python"  # look-ahead
    assert engine_for(r"(a)\1")[0] == "python"  # back-reference


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("*a", "nothing to repeat"),
        ("a{3,2}", "out of order"),
        (r"\q", "unknown escape"),
        ("(", "unterminated group"),
        ("[a-", "unterminated character class"),
        ("a)", "unmatched"),
        ("[z-a]", "range out of order"),
        (r"\2(a)", "group 2"),
        (r"\p{Nope}", "cannot be checked"),
    ],
)
def test_what_ecma_262_refuses_is_an_error_that_says_where(pattern: str, why: str) -> None:
    with pytest.raises(PatternError, match=why):
        engine_for(pattern)


def test_complement_covers_every_code_point_once() -> None:
    ranges = ((0x30, 0x39), (0x41, 0x5A))
    assert complement(ranges) == ((0, 0x2F), (0x3A, 0x40), (0x5B, 0x10FFFF))
    assert complement(()) == ((0, 0x10FFFF),)
    assert complement(((0, 0x10FFFF),)) == ()
