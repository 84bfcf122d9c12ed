"""JSON Schema's `pattern`s, ECMA-262 regular expressions, in the syntax of the engines that check
them: pydantic-core's (Rust's `regex` crate) where it can, the `regex` package where it cannot
(look-around, back-references).

A pattern means what ECMA-262 says in its Unicode mode, which JSON Schema recommends: `\\d` is
`[0-9]` and `\\w` `[A-Za-z0-9_]` (ASCII only, where both engines read Unicode digits and
letters), `\\s` is ECMA's own set of spaces, `.` stops at any line terminator, `$` is the very end
(Python's stops before a final newline), `\\p{L}` is a Unicode property. The web's lenient forms
(Annex B) are taken too: a `{` or `]` that starts nothing is itself, and any punctuation may be
escaped. What ECMA-262 refuses raises `PatternError`, with where.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Literal

import regex
from pydantic_core import SchemaError, SchemaValidator, core_schema

Engine = Literal["rust", "python"]

_MAX = 0x10FFFF
_DIGIT = ((0x30, 0x39),)
_WORD = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
# ECMA-262's WhiteSpace and LineTerminator: what `\s` matches.
_SPACE = (
    (0x09, 0x0D),
    (0x20, 0x20),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
    (0xFEFF, 0xFEFF),
)
_LINE_TERMINATORS = ((0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029))
_SETS = {"d": _DIGIT, "w": _WORD, "s": _SPACE}
_CONTROL_ESCAPES = {"t": 9, "n": 10, "v": 11, "f": 12, "r": 13}
_QUANTIFIER = re.compile(r"\{(\d+)(,(\d*))?\}")
_PROPERTY = re.compile(r"[pP]\{([A-Za-z0-9_]+(?:=[A-Za-z0-9_]+)?)\}")
_GROUP_NAME = re.compile(r"<([^\W\d]\w*)>")
_META_OUTSIDE = frozenset(".+*?()|[]{}^$\\#&-~")
_META_INSIDE = frozenset("\\[]^-&~|")


class PatternError(ValueError):
    """Not an ECMA-262 regular expression; the message says what and at which character."""


Ranges = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class _Property:
    text: str  # `\p{L}`, as both engines write it


def translate(pattern: str, engine: Engine) -> str:
    """`pattern` (ECMA-262) in `engine`'s syntax, meaning the same; searched, not anchored."""
    return _Translator(pattern, engine).translate()


def complement(ranges: Ranges) -> Ranges:
    """Every code point not in `ranges` (sorted, disjoint)."""
    result: list[tuple[int, int]] = []
    start = 0
    for low, high in sorted(ranges):
        if low > start:
            result.append((start, low - 1))
        start = max(start, high + 1)
    if start <= _MAX:
        result.append((start, _MAX))
    return tuple(result)


class _Translator:
    def __init__(self, pattern: str, engine: Engine) -> None:
        self.text = pattern
        self.engine = engine
        self.at = 0
        self.groups = _count_groups(pattern)

    def fail(self, what: str) -> PatternError:
        return PatternError(f"{what} at character {self.at + 1} of {self.text!r}")

    def peek(self, length: int = 1) -> str:
        return self.text[self.at : self.at + length]

    def translate(self) -> str:
        result = self.disjunction()
        if self.at < len(self.text):  # only an unmatched `)` stops a disjunction early
            raise self.fail("unmatched `)`")
        return result

    def disjunction(self) -> str:
        alternatives = [self.alternative()]
        while self.peek() == "|":
            self.at += 1
            alternatives.append(self.alternative())
        return "|".join(alternatives)

    def alternative(self) -> str:
        terms: list[str] = []
        while self.at < len(self.text) and self.peek() not in ("|", ")"):
            terms.append(self.term())
        return "".join(terms)

    def term(self) -> str:
        start = self.at
        atom, quantifiable = self.atom()
        quantifier = self.quantifier()
        if quantifier and not quantifiable:
            self.at = start
            raise self.fail("nothing to repeat")
        return atom + quantifier

    def quantifier(self) -> str:
        char = self.peek()
        if char in ("*", "+", "?"):
            self.at += 1
        elif char == "{" and (found := _QUANTIFIER.match(self.text, self.at)):
            low, high = int(found[1]), found[3]
            if found[2] and high and int(high) < low:
                raise self.fail("numbers out of order in a `{}` quantifier")
            self.at = found.end()
            char = found[0]
        else:
            return ""
        if self.peek() == "?":  # lazy
            self.at += 1
            char += "?"
        return char

    def atom(self) -> tuple[str, bool]:
        """The next atom or assertion in the engine's syntax, and whether it may be repeated."""
        char = self.peek()
        if char == "^":
            self.at += 1
            return "^", False
        if char == "$":
            self.at += 1
            return ("$" if self.engine == "rust" else r"\Z"), False
        if char == ".":
            self.at += 1
            return _class(complement(_LINE_TERMINATORS), ()), True
        if char == "(":
            return self.group()
        if char == "[":
            return self.character_class(), True
        if char == "\\":
            return self.escape()
        if char in ("*", "+", "?"):
            raise self.fail("nothing to repeat")
        if char == "{" and _QUANTIFIER.match(self.text, self.at):
            raise self.fail("nothing to repeat")
        self.at += 1
        return _char(ord(char), inside=False), True

    def group(self) -> tuple[str, bool]:
        self.at += 1
        if self.peek(2) in ("?=", "?!"):
            opener, quantifiable = "(" + self.peek(2), True  # Annex B lets a look-ahead repeat
            self.at += 2
        elif self.peek(3) in ("?<=", "?<!"):
            opener, quantifiable = "(" + self.peek(3), False
            self.at += 3
        elif self.peek(2) == "?:":
            opener, quantifiable = "(?:", True
            self.at += 2
        elif self.peek(2) == "?<":
            found = _GROUP_NAME.match(self.text, self.at + 1)
            if not found:
                raise self.fail("invalid group name")
            opener, quantifiable = f"(?P<{found[1]}>", True
            self.at = found.end()
        elif self.peek() == "?":
            found = re.compile(r"\?([ims]*)(?:-([ims]+))?:").match(self.text, self.at)
            if not found or not (found[1] or found[2]):
                raise self.fail("invalid group")
            opener, quantifiable = "(" + found[0], True  # ES2025's modifiers, as both engines
            self.at = found.end()
        else:
            opener, quantifiable = "(", True
        inner = self.disjunction()
        if self.peek() != ")":
            raise self.fail("unterminated group")
        self.at += 1
        return opener + inner + ")", quantifiable

    def escape(self) -> tuple[str, bool]:
        self.at += 1
        char = self.peek()
        if not char:
            raise self.fail("`\\` at the end")
        if char in ("b", "B"):
            self.at += 1
            return _word_boundary(char == "B", self.engine), False
        if char.lower() in _SETS:
            self.at += 1
            ranges = _SETS[char.lower()]
            return _class(complement(ranges) if char.isupper() else ranges, ()), True
        if char in ("p", "P"):
            return _class((), (self.property(),)), True
        if char == "k":
            found = _GROUP_NAME.match(self.text, self.at + 1)
            if not found:
                raise self.fail("invalid named back-reference")
            self.at = found.end()
            return f"(?P={found[1]})", True
        if char.isdigit() and char != "0":
            found = re.compile(r"\d+").match(self.text, self.at)
            assert found is not None
            if int(found[0]) > self.groups:
                raise self.fail(f"back-reference to group {found[0]}, which does not exist")
            self.at = found.end()
            return f"(?:\\{found[0]})", True
        return _char(self.character_escape(), inside=False), True

    def property(self) -> _Property:
        found = _PROPERTY.match(self.text, self.at)
        if not found:
            raise self.fail("invalid Unicode property escape")
        self.at = found.end()
        return _Property(f"\\{found[0]}")

    def character_escape(self) -> int:
        """The code point of an escape that stands for one character (after the `\\`)."""
        char = self.peek()
        self.at += 1
        if char in _CONTROL_ESCAPES:
            return _CONTROL_ESCAPES[char]
        if char == "c":
            letter = self.peek()
            if not (letter.isascii() and letter.isalpha()):
                raise self.fail("`\\c` needs a letter")
            self.at += 1
            return ord(letter) % 32
        if char == "0":
            if self.peek().isdigit():
                raise self.fail("octal escapes are not allowed")
            return 0
        if char == "x":
            return self.hex_digits(2)
        if char == "u":
            return self.unicode_escape()
        if char.isascii() and char.isalnum():
            self.at -= 1
            raise self.fail(f"unknown escape `\\{char}`")
        return ord(char)  # `\.`, `\/`, `\-`: the character itself

    def hex_digits(self, count: int) -> int:
        digits = self.peek(count)
        if len(digits) != count or not all(c in "0123456789abcdefABCDEF" for c in digits):
            raise self.fail(f"expected {count} hexadecimal digits")
        self.at += count
        return int(digits, 16)

    def unicode_escape(self) -> int:
        if self.peek() == "{":
            found = re.compile(r"\{([0-9a-fA-F]+)\}").match(self.text, self.at)
            if not found or int(found[1], 16) > _MAX:
                raise self.fail("invalid `\\u{...}` escape")
            self.at = found.end()
            return int(found[1], 16)
        code = self.hex_digits(4)
        if 0xD800 <= code <= 0xDBFF and self.peek(2) == "\\u":  # a surrogate pair: one character
            save = self.at
            self.at += 2
            try:
                low = self.hex_digits(4)
            except PatternError:
                low = 0
            if 0xDC00 <= low <= 0xDFFF:
                return 0x10000 + (code - 0xD800) * 0x400 + (low - 0xDC00)
            self.at = save
        return code

    def character_class(self) -> str:
        self.at += 1
        negated = self.peek() == "^"
        if negated:
            self.at += 1
        if self.peek() == "]":  # `[]` matches nothing, `[^]` anything
            self.at += 1
            return _class((), ()) if not negated else _class(((0, _MAX),), ())
        ranges: list[tuple[int, int]] = []
        properties: list[_Property] = []
        while self.peek() != "]":
            if self.at >= len(self.text):
                raise self.fail("unterminated character class")
            low = self.class_atom()
            if self.peek() == "-" and self.peek(2)[1:] not in ("", "]"):
                self.at += 1
                high = self.class_atom()
                if isinstance(low, int) and isinstance(high, int):
                    if high < low:
                        raise self.fail("range out of order in character class")
                    ranges.append((low, high))
                    continue
                # A set at either end of `-` (`[\d-z]`): Annex B reads the `-` as itself.
                self._add(low, ranges, properties)
                ranges.append((0x2D, 0x2D))
                self._add(high, ranges, properties)
                continue
            self._add(low, ranges, properties)
        self.at += 1
        merged = _merge(ranges)
        if negated:
            if properties:  # `[^\p{L}a]`: both engines negate a class with a property in it
                return _class(merged, tuple(properties), negated=True)
            return _class(complement(merged), ())
        return _class(merged, tuple(properties))

    @staticmethod
    def _add(
        item: int | Ranges | _Property,
        ranges: list[tuple[int, int]],
        properties: list[_Property],
    ) -> None:
        if isinstance(item, int):
            ranges.append((item, item))
        elif isinstance(item, _Property):
            properties.append(item)
        else:
            ranges.extend(item)

    def class_atom(self) -> int | Ranges | _Property:
        char = self.peek()
        if char != "\\":
            self.at += 1
            return ord(char)
        self.at += 1
        char = self.peek()
        if char == "b":
            self.at += 1
            return 8  # backspace, inside a class
        if char.lower() in _SETS:
            self.at += 1
            ranges = _SETS[char.lower()]
            return complement(ranges) if char.isupper() else ranges
        if char in ("p", "P"):
            found = self.property()
            if char == "P":
                raise self.fail("`\\P{...}` inside a character class is not supported")
            return found
        if char.isdigit() and char != "0":
            raise self.fail("a back-reference cannot stand in a character class")
        return self.character_escape()


def _count_groups(pattern: str) -> int:
    """How many capturing groups `pattern` has (back-references may point forward)."""
    count, index, inside = 0, 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if inside:
            inside = char != "]"
        elif char == "[":
            inside = True
        elif char == "(" and (
            not pattern.startswith("?", index + 1)
            or (pattern.startswith("?<", index + 1) and pattern[index + 3 : index + 4] not in "=!")
        ):
            count += 1
        index += 1
    return count


def _merge(ranges: list[tuple[int, int]]) -> Ranges:
    merged: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return tuple(merged)


def _class(ranges: Ranges, properties: tuple[_Property, ...], *, negated: bool = False) -> str:
    if not ranges and not properties:
        return r"[^\u0000-\U0010ffff]"  # matches nothing; both engines take it
    if ranges == ((0, _MAX),) and not properties:
        return r"[\u0000-\U0010ffff]"
    items = "".join(
        _char(low, inside=True) if low == high else f"{_char(low, True)}-{_char(high, True)}"
        for low, high in ranges
    )
    return "[" + ("^" if negated else "") + items + "".join(p.text for p in properties) + "]"


def _char(code: int, inside: bool) -> str:
    """One character as both engines read it: letters and digits as they are, ASCII
    punctuation escaped where it means something, anything else as `\\uXXXX`."""
    char = chr(code)
    if char.isascii() and char.isprintable() and char != " ":
        meta = _META_INSIDE if inside else _META_OUTSIDE
        return "\\" + char if char in meta else char
    if char == " ":
        return char
    if not char.isascii() and unicodedata.category(char)[0] in "LNM":
        return char
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _word_boundary(negated: bool, engine: Engine) -> str:
    """ECMA's `\\b` and `\\B`: between an ASCII word character and anything else."""
    if engine == "rust":
        return r"(?-u:\B)" if negated else r"(?-u:\b)"
    word = "[A-Za-z0-9_]"
    if negated:
        return f"(?:(?<={word})(?={word})|(?<!{word})(?!{word}))"
    return f"(?:(?<={word})(?!{word})|(?<!{word})(?={word}))"


@cache  # tolerate asks first (to warn), then the models' rewrite: compiled once
def engine_for(pattern: str) -> tuple[Engine, str]:
    """Which engine checks `pattern`, and the pattern in its syntax: pydantic-core's Rust engine
    when it compiles the translation (no dependency, fast), else the `regex` package. Raises
    PatternError for a pattern that is not ECMA-262, or that neither engine can run."""
    translated = translate(pattern, "rust")
    try:
        SchemaValidator(core_schema.str_schema(pattern=translated))
    except SchemaError:
        pass
    else:
        return "rust", translated
    translated = translate(pattern, "python")
    try:
        regex.compile(translated)
    except regex.error as error:
        raise PatternError(f"{pattern!r} cannot be checked: {error}") from None
    return "python", translated
