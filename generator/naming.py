"""Python names for things a spec names: methods, parameters, classes.

Every name made here is a valid identifier that is not a keyword, does not start with an
underscore, and does not shadow what generated modules rely on; `NameRegistry` keeps names unique
within one namespace, deterministically (the first comer keeps the plain name).
"""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata

# Names the generated modules import or define at module level; a class by one of these names
# would shadow them. Kept in one place so that models, client and server agree.
RESERVED_MODULE_NAMES = frozenset(
    {
        "annotations",
        "Annotated",
        "Any",
        "AnyUrl",
        "AwareDatetime",
        "BaseModel",
        "ConfigDict",
        "Enum",
        "Field",
        "Literal",
        "Optional",
        "RootModel",
        "Union",
        "UUID",
        "date",
        "datetime",
        "time",
        "timedelta",
        "Decimal",
        "Path",
        "typing",
        "pydantic",
        "httpx",
        "fastapi",
        "json",
        "models",
        "client",
        "server",
        "errors",
        "Client",
        "AsyncClient",
        "Stream",
        "AsyncStream",
        "WireModel",
        # The runtime's names the models import (model_source.RUNTIME_NAMES).
        "WireRoot",
        "NOT_NULL",
        "JsonAny",
        "JsonEnum",
        "EcmaPattern",
        "PrefixItems",
        "FileBytes",
        "RootT",
        "WIRE_CONFIG",
        "Generic",
        "TypeVar",
        "Unpack",
        "DateTimeText",
        "DateText",
        "TimeText",
        "DurationText",
        "UriText",
        "UriReferenceText",
        "IriText",
        "IriReferenceText",
        "UuidText",
        "IPv4Text",
        "IPv6Text",
        "EmailText",
        "IdnEmailText",
        "HostnameText",
        "DecimalText",
        "Base64Text",
    }
)
_BUILTINS = frozenset(dir(builtins))
# Names that pass for digits in some fonts: pycodestyle's E741 (and ruff's default rules) refuse them.
AMBIGUOUS_NAMES = frozenset({"l", "O", "I"})
_WORD_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|[0-9]+")


def words(text: str) -> list[str]:
    """Split any spelling (camelCase, snake_case, kebab-case, spaces, dots) into words."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _WORD_RE.findall(ascii_text)


def snake_case(text: str) -> str:
    name = "_".join(word.lower() for word in words(text))
    return _make_safe(name or "unnamed", suffix="_")


def member_name(text: str) -> str:
    """An attribute, method or keyword-argument name for spec text: snake_case words, a keyword
    with a trailing `_`, a leading digit after an `n`. Unlike `snake_case`, builtins are fine
    here (`files.list`, `create(input=...)`): a member or an argument shadows nothing a module
    relies on."""
    name = "_".join(word.lower() for word in words(text)) or "unnamed"
    if name[0].isdigit():
        name = "n" + name
    if keyword.iskeyword(name) or name in AMBIGUOUS_NAMES:
        name += "_"
    return name


def pascal_case(text: str) -> str:
    name = "".join(word[:1].upper() + word[1:] for word in words(text))
    return _make_safe(name or "Unnamed", suffix="Model")


def class_name(text: str) -> str:
    """A class name for a schema: kept as written when it already is a safe PascalCase name."""
    if text.isidentifier() and text[:1].isupper() and text.isascii() and "_" not in text:
        return _make_safe(text, suffix="Model")
    return pascal_case(text)


def _make_safe(name: str, *, suffix: str) -> str:
    if name[0].isdigit():
        name = ("N" if suffix == "Model" else "n") + name
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in RESERVED_MODULE_NAMES:
        return name + suffix
    if name in AMBIGUOUS_NAMES:
        return name + suffix
    if suffix == "_" and name in _BUILTINS:
        return name + suffix
    return name


class NameRegistry:
    """Hands out unique names in one namespace: `create`, `create_2`, `create_3`, ..."""

    def __init__(self, taken: frozenset[str] = frozenset()) -> None:
        self._taken: set[str] = set(taken)

    def claim(self, wanted: str, *, separator: str = "_") -> str:
        name, number = wanted, 1
        while name in self._taken:
            number += 1
            name = f"{wanted}{separator}{number}"
        self._taken.add(name)
        return name
