"""The ignore file: known findings that lint does not report, as Redocly's `.redocly.lint-ignore.yaml`.

`lint --generate-ignore-file` writes every current finding into it, keyed by file (relative to
the configuration's folder, as the configuration's globs are), rule and JSON pointer:

    # Known findings that `python -m generator lint` does not report. ...
    spec/openapi.yaml:
      unused-component:
        - /components/schemas/Legacy

A finding is known by that triple, its fingerprint: a later edit elsewhere in the file, or a
reworded message, keeps it known; fixing it and breaking it again elsewhere does not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.errors import UsageError

_HEADER = """\
# Known findings that `python -m generator lint` does not report: file (relative to the
# configuration's folder) -> rule -> JSON pointers. Written by `lint --generate-ignore-file`;
# delete an entry once it is fixed, or the whole file to see everything again.
"""

Known = tuple[str, str, str]  # (file, rule, pointer)


@dataclass(frozen=True)
class IgnoreFile:
    path: Path
    known: frozenset[Known]

    @classmethod
    def read(cls, path: Path) -> IgnoreFile:
        """The known findings in `path`; none when it does not exist."""
        if not path.is_file():
            return cls(path, frozenset())
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise UsageError(f"{path}: cannot read the lint ignore file: {error}") from None
        return cls(path, frozenset(_entries(document, path)))

    def ignores(self, file: str, rule_id: str, pointer: str) -> bool:
        return (file, rule_id, pointer) in self.known


def write_ignore_file(path: Path, findings: Iterable[Known]) -> int:
    """Write every (file, rule, pointer) to `path`, sorted; returns how many were written."""
    tree: dict[str, dict[str, list[str]]] = {}
    for file, rule_id, pointer in sorted(set(findings)):
        tree.setdefault(file, {}).setdefault(rule_id, []).append(pointer)
    body = yaml.safe_dump(tree, sort_keys=True, allow_unicode=True, default_flow_style=False)
    path.write_text(_HEADER + (body if tree else "{}\n"), encoding="utf-8")
    return sum(len(pointers) for rules in tree.values() for pointers in rules.values())


def _entries(document: object, path: Path) -> Iterable[Known]:
    if not isinstance(document, dict):
        raise UsageError(f"{path}: a lint ignore file maps files to rules to pointers")
    for file, rules in document.items():
        if not isinstance(rules, dict):
            raise UsageError(f"{path}: {file}: expected rule ids, each with a list of pointers")
        for rule_id, pointers in rules.items():
            if not isinstance(pointers, list) or not all(isinstance(p, str) for p in pointers):
                raise UsageError(f"{path}: {file}: {rule_id}: expected a list of JSON pointers")
            for pointer in pointers:
                yield str(file), str(rule_id), pointer
