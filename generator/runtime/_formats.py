"""String formats that are checked and kept as written.

A `format` (date-time, uri, uuid, ...) makes the models check the text, but what a model holds
and gives back is the text it got: `2024-01-01T00:00:00.000+00:00` stays exactly that, where a
`datetime` would come back as `2024-01-01T00:00:00Z`. Each format is a `str` subclass, so a
value is a string wherever one is expected, with an accessor for the Python value it denotes
(`.as_datetime()`, `.as_uuid()`, ...) and `.of(...)` to write one from a Python value.

The checks follow the standards JSON Schema names for each format (RFC 3339 dates and times,
ISO 8601 durations as RFC 3339's appendix writes them, RFC 3986 URIs, RFC 3987 IRIs, RFC 4122
UUIDs, RFC 5321 addresses, RFC 1123 host names, RFC 4648 base64), with the standard library
alone: no format needs a package of its own.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import decimal
import functools
import ipaddress
import re
import uuid
from typing import Any, ClassVar

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema
from typing_extensions import Self

__all__ = [
    "Base64Text",
    "DateText",
    "DateTimeText",
    "DecimalText",
    "DurationText",
    "EmailText",
    "FormatText",
    "HostnameText",
    "IPv4Text",
    "IPv6Text",
    "IdnEmailText",
    "IriReferenceText",
    "IriText",
    "TimeText",
    "UriReferenceText",
    "UriText",
    "UuidText",
]


class FormatText(str):
    """A string that was checked against a format and is kept as it came."""

    format_name: ClassVar[str] = ""
    """The `format` a schema names."""

    @classmethod
    def is_valid(cls, text: str) -> bool:
        """Whether `text` is written as the format says."""
        raise NotImplementedError

    @classmethod
    def _checked(cls, text: str) -> Self:
        if not cls.is_valid(text):
            raise PydanticCustomError(
                "format",
                "Input should be a valid {format} string",
                {"format": cls.format_name},
            )
        return cls(text)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            cls._checked,
            core_schema.str_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(
                str, return_schema=core_schema.str_schema()
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "format": cls.format_name}


# RFC 3339, section 5.6.
_DATE = r"(\d{4})-(\d{2})-(\d{2})"
_TIME = r"(\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})"
_DATE_RE = re.compile(_DATE, re.ASCII)
_TIME_RE = re.compile(_TIME, re.ASCII)
_DATE_TIME_RE = re.compile(f"{_DATE}[Tt]{_TIME}", re.ASCII)


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _date_is_valid(year: str, month: str, day: str) -> bool:
    return 1 <= int(month) <= 12 and 1 <= int(day) <= _days_in_month(int(year), int(month))


def _offset_minutes(offset: str) -> int | None:
    """The offset in minutes east of UTC, or None when it is out of range."""
    if offset in ("Z", "z"):
        return 0
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    if hours > 23 or minutes > 59:
        return None
    return (hours * 60 + minutes) * (1 if offset[0] == "+" else -1)


def _time_is_valid(hour: str, minute: str, second: str, offset: str) -> bool:
    shift = _offset_minutes(offset)
    if shift is None or int(hour) > 23 or int(minute) > 59 or int(second) > 60:
        return False
    if int(second) == 60:  # a leap second is the last second of a UTC day
        return (int(hour) * 60 + int(minute) - shift) % (24 * 60) == 23 * 60 + 59
    return True


def _tzinfo(offset: str) -> _dt.timezone:
    shift = _offset_minutes(offset) or 0
    return _dt.timezone.utc if shift == 0 else _dt.timezone(_dt.timedelta(minutes=shift))


def _microseconds(fraction: str | None) -> int:
    return int((fraction or ".0")[1:7].ljust(6, "0"))


class DateTimeText(FormatText):
    """`format: date-time`: an RFC 3339 date and time, such as `2024-05-01T12:00:00.000+02:00`."""

    format_name = "date-time"

    @classmethod
    def is_valid(cls, text: str) -> bool:
        found = _DATE_TIME_RE.fullmatch(text)
        if found is None:
            return False
        return _date_is_valid(*found.groups()[:3]) and _time_is_valid(
            found[4], found[5], found[6], found[8]
        )

    def as_datetime(self) -> _dt.datetime:
        """The moment as an aware `datetime` (to the microsecond; a leap second is refused)."""
        found = _DATE_TIME_RE.fullmatch(self)
        assert found is not None
        year, month, day, hour, minute, second = (int(part) for part in found.groups()[:6])
        if second == 60:
            raise ValueError(f"{self}: a leap second has no datetime")
        return _dt.datetime(
            year, month, day, hour, minute, second, _microseconds(found[7]), _tzinfo(found[8])
        )

    @classmethod
    def of(cls, moment: _dt.datetime) -> Self:
        """The text of an aware `datetime`."""
        if moment.utcoffset() is None:
            raise ValueError("date-time needs a time zone: give the datetime a tzinfo")
        return cls(moment.isoformat())


class DateText(FormatText):
    """`format: date`: an RFC 3339 full date, such as `2024-05-01`."""

    format_name = "date"

    @classmethod
    def is_valid(cls, text: str) -> bool:
        found = _DATE_RE.fullmatch(text)
        return found is not None and _date_is_valid(*found.groups())

    def as_date(self) -> _dt.date:
        year, month, day = (int(part) for part in self.split("-"))
        return _dt.date(year, month, day)

    @classmethod
    def of(cls, day: _dt.date) -> Self:
        return cls(day.isoformat())


class TimeText(FormatText):
    """`format: time`: an RFC 3339 full time with its offset, such as `12:00:00.5Z`."""

    format_name = "time"

    @classmethod
    def is_valid(cls, text: str) -> bool:
        found = _TIME_RE.fullmatch(text)
        return found is not None and _time_is_valid(found[1], found[2], found[3], found[5])

    def as_time(self) -> _dt.time:
        """The time of day as an aware `time` (to the microsecond; a leap second is refused)."""
        found = _TIME_RE.fullmatch(self)
        assert found is not None
        hour, minute, second = int(found[1]), int(found[2]), int(found[3])
        if second == 60:
            raise ValueError(f"{self}: a leap second has no time")
        return _dt.time(hour, minute, second, _microseconds(found[4]), _tzinfo(found[5]))

    @classmethod
    def of(cls, moment: _dt.time) -> Self:
        if moment.utcoffset() is None:
            raise ValueError("time needs a time zone: give the time a tzinfo")
        return cls(moment.isoformat())


# ISO 8601 durations as RFC 3339 (appendix A) writes them; the last component may have a
# fraction, as ISO 8601 allows (.NET writes TimeSpan.MaxValue as P10675199DT2H48M5.4775807S).
_NUMBER = r"(\d+(?:[.,]\d+)?)"
_DURATION_RE = re.compile(
    rf"P(?:{_NUMBER}W|(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}D)?"
    rf"(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?)",
    re.ASCII,
)


class DurationText(FormatText):
    """`format: duration`: an ISO 8601 duration, such as `P1DT2H` or `PT0.5S`."""

    format_name = "duration"

    @classmethod
    def is_valid(cls, text: str) -> bool:
        found = _DURATION_RE.fullmatch(text)
        if not found:
            return False
        present = [part for part in found.groups() if part is not None]
        if not present or text.endswith("T"):
            return False
        return all(part.isdigit() for part in present[:-1])  # a fraction only at the end

    def as_timedelta(self) -> _dt.timedelta:
        """The duration as a `timedelta`; years and months have no fixed length, so a duration
        that counts them is refused."""
        found = _DURATION_RE.fullmatch(self)
        assert found is not None
        weeks, years, months, days, hours, minutes, seconds = (
            float(part.replace(",", ".")) if part else 0.0 for part in found.groups()
        )
        if years or months:
            raise ValueError(f"{self}: years and months have no fixed length")
        return _dt.timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)

    @classmethod
    def of(cls, span: _dt.timedelta) -> Self:
        """The text of a non-negative `timedelta`, in days, hours, minutes and seconds."""
        if span < _dt.timedelta(0):
            raise ValueError("a duration cannot be negative")
        seconds = span.seconds + span.microseconds / 1_000_000
        text = f"P{span.days}DT{span.seconds // 3600}H{span.seconds % 3600 // 60}M"
        whole = f"{seconds % 60:.6f}".rstrip("0").rstrip(".")
        return cls(f"{text}{whole}S")


# RFC 3986, appendix A (and RFC 3987's extra characters for IRIs).
_UNRESERVED = r"A-Za-z0-9\-._~"
_SUB_DELIMS = r"!$&'()*+,;="
_UCS = "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef\U00010000-\U000efffd"
_PRIVATE = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"


@functools.cache  # compiled when first asked for: the IRI ranges take 0.1 s to compile
def _uri_grammar(extra: str, query_extra: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(absolute URI, URI reference) of RFC 3986, with `extra` characters unreserved too."""
    pct = "%[0-9A-Fa-f]{2}"
    pchar = f"(?:[{_UNRESERVED}{extra}{_SUB_DELIMS}:@]|{pct})"
    pchar_no_colon = f"(?:[{_UNRESERVED}{extra}{_SUB_DELIMS}@]|{pct})"
    reg_name = f"(?:[{_UNRESERVED}{extra}{_SUB_DELIMS}]|{pct})*"
    ip_literal = rf"\[(?:[0-9A-Fa-f:.]+|[vV][0-9A-Fa-f]+\.[{_UNRESERVED}{_SUB_DELIMS}:]+)\]"
    userinfo = f"(?:[{_UNRESERVED}{extra}{_SUB_DELIMS}:]|{pct})*"
    authority = f"(?:{userinfo}@)?(?:{ip_literal}|{reg_name})(?::[0-9]*)?"
    abempty = f"(?:/{pchar}*)*"
    absolute = f"/(?:{pchar}+(?:/{pchar}*)*)?"
    rootless = f"{pchar}+(?:/{pchar}*)*"
    noscheme = f"{pchar_no_colon}+(?:/{pchar}*)*"
    tail = f"(?:\\?(?:{pchar}|[/?{query_extra}])*)?(?:#(?:{pchar}|[/?])*)?"
    scheme = "[A-Za-z][A-Za-z0-9+\\-.]*"
    absolute_uri = f"{scheme}:(?://{authority}{abempty}|{absolute}|{rootless}|){tail}"
    relative = f"(?://{authority}{abempty}|{absolute}|{noscheme}|){tail}"
    return re.compile(absolute_uri), re.compile(f"{absolute_uri}|{relative}")


def _uri_grammars() -> tuple[re.Pattern[str], re.Pattern[str]]:
    return _uri_grammar("", "")


def _iri_grammars() -> tuple[re.Pattern[str], re.Pattern[str]]:
    return _uri_grammar(_UCS, _PRIVATE)


_IP_LITERAL = re.compile(r"^(?:[^:/?#]+:)?//(?:[^/?#@\[]*@)?\[([^\]]*)\]")


def _matches_uri(grammar: re.Pattern[str], text: str) -> bool:
    """Whether `text` is in the grammar, with an IPv6 host (`[...]`) a real address."""
    if grammar.fullmatch(text) is None:
        return False
    literal = _IP_LITERAL.match(text)
    return literal is None or literal[1][:1] in ("v", "V") or IPv6Text.is_valid(literal[1])


class UriText(FormatText):
    """`format: uri`: an absolute RFC 3986 URI, scheme first, kept as written (no slash added,
    no case changed)."""

    format_name = "uri"

    @classmethod
    def is_valid(cls, text: str) -> bool:
        return _matches_uri(_uri_grammars()[0], text)


class UriReferenceText(FormatText):
    """`format: uri-reference`: an RFC 3986 URI or relative reference."""

    format_name = "uri-reference"

    @classmethod
    def is_valid(cls, text: str) -> bool:
        return _matches_uri(_uri_grammars()[1], text)


class IriText(FormatText):
    """`format: iri`: an absolute RFC 3987 IRI (a URI that may hold non-ASCII characters)."""

    format_name = "iri"

    @classmethod
    def is_valid(cls, text: str) -> bool:
        return _matches_uri(_iri_grammars()[0], text)


class IriReferenceText(FormatText):
    """`format: iri-reference`: an RFC 3987 IRI or relative reference."""

    format_name = "iri-reference"

    @classmethod
    def is_valid(cls, text: str) -> bool:
        return _matches_uri(_iri_grammars()[1], text)


_UUID_RE = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


class UuidText(FormatText):
    """`format: uuid`: an RFC 4122 UUID in its hyphenated form, in either case."""

    format_name = "uuid"

    @classmethod
    def is_valid(cls, text: str) -> bool:
        return _UUID_RE.fullmatch(text) is not None

    def as_uuid(self) -> uuid.UUID:
        return uuid.UUID(self)

    @classmethod
    def of(cls, value: uuid.UUID) -> Self:
        return cls(str(value))


class IPv4Text(FormatText):
    """`format: ipv4`: a dotted-quad IPv4 address (no leading zeros)."""

    format_name = "ipv4"

    @classmethod
    def is_valid(cls, text: str) -> bool:
        if not text.isascii():
            return False
        try:
            ipaddress.IPv4Address(text)
        except ValueError:
            return False
        return True

    def as_address(self) -> ipaddress.IPv4Address:
        return ipaddress.IPv4Address(self)


class IPv6Text(FormatText):
    """`format: ipv6`: an RFC 4291 IPv6 address, kept as written (not compressed)."""

    format_name = "ipv6"

    @classmethod
    def is_valid(cls, text: str) -> bool:
        if not text.isascii() or "%" in text:  # a zone is no part of the address
            return False
        try:
            ipaddress.IPv6Address(text)
        except ValueError:
            return False
        return True

    def as_address(self) -> ipaddress.IPv6Address:
        return ipaddress.IPv6Address(self)


# RFC 5321, section 4.1.2 (and RFC 6531's UTF-8 for internationalised addresses).
_ATEXT = r"A-Za-z0-9!#$%&'*+\-/=?^_`{|}~"


@functools.cache  # compiled when first asked for, as the URI grammars
def _mailbox(extra: str) -> re.Pattern[str]:
    atom = f"[{_ATEXT}{extra}]+"
    quoted = f'"(?:[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e{extra}]|\\\\[\\x20-\\x7e])*"'
    label = f"[A-Za-z0-9{extra}](?:[A-Za-z0-9\\-{extra}]*[A-Za-z0-9{extra}])?"
    literal = r"\[(?:(?P<v4>[0-9.]+)|IPv6:(?P<v6>[0-9A-Fa-f:.]+))\]"
    return re.compile(f"(?:{atom}(?:\\.{atom})*|{quoted})@(?:{label}(?:\\.{label})*|{literal})")


_IDN_EXTRA = "\u0080-\U0010ffff"


def _is_mailbox(grammar: re.Pattern[str], text: str) -> bool:
    found = grammar.fullmatch(text)
    if not found:
        return False
    if found.group("v4") is not None:
        return IPv4Text.is_valid(found.group("v4"))
    if found.group("v6") is not None:
        return IPv6Text.is_valid(found.group("v6"))
    return len(text.rpartition("@")[2]) <= 255


class EmailText(FormatText):
    """`format: email`: an RFC 5321 mailbox, such as `ada@example.com` or `"a b"@[127.0.0.1]`.
    Only its form is checked: no DNS look-up, no normalisation."""

    format_name = "email"

    @classmethod
    def is_valid(cls, text: str) -> bool:
        return _is_mailbox(_mailbox(""), text)


class IdnEmailText(FormatText):
    """`format: idn-email`: an RFC 6531 mailbox, which may hold non-ASCII characters."""

    format_name = "idn-email"

    @classmethod
    def is_valid(cls, text: str) -> bool:
        return _is_mailbox(_mailbox(_IDN_EXTRA), text)


_LABEL_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?")


class HostnameText(FormatText):
    """`format: hostname`: an RFC 1123 host name: dot-separated labels of letters, digits and
    inner hyphens, at most 63 characters each and 253 in all."""

    format_name = "hostname"

    @classmethod
    def is_valid(cls, text: str) -> bool:
        return 0 < len(text) <= 253 and all(_LABEL_RE.fullmatch(label) for label in text.split("."))


_DECIMAL_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


class DecimalText(FormatText):
    """`format: decimal`: a decimal number written as a string, kept digit for digit (`1.50`
    stays `1.50`, `1e3` stays `1e3`)."""

    format_name = "decimal"

    @classmethod
    def is_valid(cls, text: str) -> bool:
        return _DECIMAL_RE.fullmatch(text) is not None

    def as_decimal(self) -> decimal.Decimal:
        return decimal.Decimal(self)

    @classmethod
    def of(cls, value: decimal.Decimal) -> Self:
        if not value.is_finite():
            raise ValueError("a decimal string is a finite number")
        return cls(str(value))


_BASE64_RE = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


class Base64Text(FormatText):
    """`format: byte`: bytes in RFC 4648 base64, kept as written (not decoded and re-encoded)."""

    format_name = "byte"

    @classmethod
    def is_valid(cls, text: str) -> bool:
        return _BASE64_RE.fullmatch(text) is not None

    def as_bytes(self) -> bytes:
        try:
            return base64.b64decode(self, validate=True)
        except binascii.Error as error:  # is_valid let it in: cannot happen
            raise ValueError(str(error)) from None

    @classmethod
    def of(cls, data: bytes) -> Self:
        return cls(base64.b64encode(data).decode("ascii"))


FORMATS: dict[str, type[FormatText]] = {
    kind.format_name: kind
    for kind in (
        DateTimeText,
        DateText,
        TimeText,
        DurationText,
        UriText,
        UriReferenceText,
        IriText,
        IriReferenceText,
        UuidText,
        IPv4Text,
        IPv6Text,
        EmailText,
        IdnEmailText,
        HostnameText,
        DecimalText,
        Base64Text,
    )
}
"""The class of each format, by the name a schema gives it."""
