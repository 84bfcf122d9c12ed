"""Errors a user can act on: each carries where in the spec the fault is."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """A place in a spec file: the file, a JSON pointer, and (when known) a 1-based line and column."""

    file: str
    pointer: str = ""
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.file}:{self.line}:{self.column or 1}"
        if self.pointer:
            return f"{self.file}#{self.pointer}"
        return self.file


class SpecError(Exception):
    """The spec cannot be used at all (unparseable, not OpenAPI, a broken `$ref`): exit code 2."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class UsageError(Exception):
    """The command line or the configuration is wrong: exit code 2."""
