"""Modules kept finished: a client resource module whose piece of the IR did not change since a
run before is taken from the cache as that run wrote it (rendered, its unused imports dropped,
formatted), instead of going through the three again.

A resource module is made from its resource alone: its template is given nothing else (see
pipeline.resource_modules). So what it is depends on that resource's IR, on the generator's code
and built-in templates, on Jinja's and black's installations, on the options, and on the
builtins the package's classes shadow (the `annotation` filter qualifies them) — and on nothing
else, which is what the key is made of. The IR goes into the key pickled: deterministic, and
fast (all of OpenAI's 118 resources in 0.04 s). After an edit of one operation's description, one
resource module is made again instead of 118.

The header is not kept: it names the spec's hash, so it differs after every edit, and formatting
does not depend on it (format.py formats it as placeholders), so a kept module is put under the
run's own header. Templates of the user's (`--templates`) may read anything, so a run that has
some keeps nothing here.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from generator.cache import Cache, decoded, key, package_identity


@dataclass
class KeptModules:
    cache: Cache  # off: nothing is kept
    namespace: str  # everything besides a module's IR that decides its text (kept_namespace)
    header: str  # this run's
    _made: dict[str, str] = field(default_factory=dict)  # name -> entry, of modules made afresh

    def found(self, pieces: Mapping[str, object]) -> dict[str, str]:
        """The finished texts of those of the modules the cache holds, by name, each under this
        run's header; `pieces` maps each module's name to the piece of the IR it is made of.
        The others are to be made, and kept by `keep`."""
        if not self.cache.enabled:
            return {}
        entries = {name: self._entry(name, piece) for name, piece in pieces.items()}
        stored = self.cache.get_many(entry for entry in entries.values() if entry)
        kept: dict[str, str] = {}
        for name, entry in entries.items():
            text = decoded(stored.get(entry)) if entry else None
            if text is not None:
                kept[name] = self.header + text
            elif entry:
                self._made[name] = entry
        return kept

    def keep(self, finished: Mapping[str, str]) -> None:
        """Keep the modules `found` did not have, as `finished` holds them."""
        for name, entry in self._made.items():
            text = finished.get(name)
            if text is not None and text.startswith(self.header):
                self.cache.put(entry, text[len(self.header) :].encode())

    def _entry(self, name: str, piece: object) -> str:
        """The key of the module made of `piece`; "" when the piece cannot be pickled (it is
        then made every time)."""
        try:
            pickled = pickle.dumps(piece, protocol=5)
        except (pickle.PicklingError, TypeError, AttributeError):
            return ""
        return key(self.namespace, name, hashlib.sha256(pickled).digest())


def kept_namespace(code: str, options: str, shadowed: Iterable[str]) -> str:
    """What decides a kept module's text besides its IR: the generator's `code` (sources and
    templates: manifest.code_digest), the `options` digest, Jinja's and black's installations,
    and the shadowed builtins."""
    return key(
        "kept module",
        code,
        options,
        package_identity("jinja2"),
        package_identity("black"),
        " ".join(sorted(shadowed)),
    )
