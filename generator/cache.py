"""A cache of finished work, shared by every run on the machine: what a unit of code formats to,
what a models document becomes, what a template compiles to, what a client resource's module
is (kept_modules.py).

Every entry is addressed by its inputs: a key is the sha256 of everything that decides the value
(the text, the tool's version and options, our own code that makes it), so an entry is never
stale, only unused; nothing is ever invalidated, and a run that finds an entry gets exactly what
it would have made itself. The output of a warm run is byte-for-byte that of a cold one.

The entries live in one SQLite database in the cache folder: `$SPECSMITH_CACHE_DIR`, else
`$XDG_CACHE_HOME/specsmith`, else `~/.cache/specsmith` (made private to the user: compiled
templates are code). SQLite is what makes a shared folder safe: writes are transactions, so a
reader never sees half an entry, and runs that read and write at the same time wait for each
other's commits instead of clobbering them. Each entry also carries a checksum of its value, and
one that does not match is a miss. A database that is not one any more (a truncated or foreign
file) is removed, and the next run starts afresh. Whatever goes wrong, the cache only ever costs a miss: a
run never fails because of it.

The folder is bounded (`$SPECSMITH_CACHE_MAX_MB`, 256 by default): every entry remembers when a
run last used it, and when a run leaves the folder over the bound, the entries unused the longest
go first, down to three quarters of it.

A run reads at once and writes at the end (`flush`, or leaving the `with` block): a unit's value
is one small read, and all that a run made is one transaction.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from types import TracebackType

FOLDER_ENV = "SPECSMITH_CACHE_DIR"
MAX_MB_ENV = "SPECSMITH_CACHE_MAX_MB"
DEFAULT_MAX_BYTES = 256 * 2**20
DATABASE = "cache-v1.sqlite3"
_EVICT_TO = 0.75  # of the bound, so that eviction does not run again on the very next run
_BUSY_SECONDS = 10.0  # how long a run waits for another's commit before it gives up writing
_CHUNK = 500  # keys per query (SQLite allows a few thousand parameters at most)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL,
    checksum BLOB NOT NULL,
    size INTEGER NOT NULL,
    used INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entries_by_use ON entries (used);
"""


def default_folder() -> Path:
    """Where the cache lives unless a run is told otherwise."""
    explicit = os.environ.get(FOLDER_ENV)
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "specsmith"


def default_max_bytes() -> int:
    try:
        return max(int(float(os.environ.get(MAX_MB_ENV, "")) * 2**20), 0)
    except ValueError:
        return DEFAULT_MAX_BYTES


def key(*parts: str | bytes) -> str:
    """The key of an entry made from `parts` (each length-prefixed: no two lists collide)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


@cache
def package_identity(module: str) -> str:
    """What tells one installation of `module` from another, without importing it: the version
    in its distribution's folder name and its file's size and time (a reinstall changes them).
    Importing importlib.metadata for the version would cost more than a warm run's lookups."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return f"{module} absent"
    origin = Path(spec.origin)
    stat = origin.stat()
    site = origin.parent.parent
    try:
        versions = sorted(
            entry.name
            for entry in os.scandir(site)
            if entry.name.startswith(module + "-") and entry.name.endswith(".dist-info")
        )
    except OSError:
        versions = []
    return f"{module} {versions} {origin} {stat.st_size} {stat.st_mtime_ns}"


@cache
def source_digest(*files: Path) -> str:
    """A hash of our own code that makes a value: a change of it makes other keys."""
    digest = hashlib.sha256(sys.version.encode())
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def decoded(value: bytes | None) -> str | None:
    """A text entry's value as text; None for none, or for a damaged one (made again)."""
    try:
        return None if value is None else value.decode()
    except UnicodeDecodeError:
        return None


class Cache:
    """The cache in `folder` (None: no cache, every lookup a miss, nothing kept). Use it in a
    `with` block, which writes what the run made when it ends."""

    def __init__(self, folder: Path | None, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self._connection: sqlite3.Connection | None = None
        self._broken = folder is None
        self._pending: dict[str, bytes] = {}  # made by this run, written by flush()
        self._used: set[str] = set()  # found by this run, marked as used by flush()

    @classmethod
    def default(cls) -> Cache:
        """The user's cache (see the module's docstring for where, and how big)."""
        return cls(default_folder(), default_max_bytes())

    @classmethod
    def off(cls) -> Cache:
        return cls(None)

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def __enter__(self) -> Cache:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.flush()
        self.close()

    def get(self, entry: str) -> bytes | None:
        return self.get_many([entry]).get(entry)

    def get_many(self, entries: Iterable[str]) -> dict[str, bytes]:
        """The values of those of `entries` the cache holds (this run's own among them)."""
        wanted = list(dict.fromkeys(entries))
        found = {entry: self._pending[entry] for entry in wanted if entry in self._pending}
        stored = [entry for entry in wanted if entry not in found]
        connection = self._connect() if stored else None
        if connection is None:
            return found
        try:
            for start in range(0, len(stored), _CHUNK):
                chunk = stored[start : start + _CHUNK]
                rows = connection.execute(
                    "SELECT key, value, checksum FROM entries WHERE key IN"
                    f" ({','.join('?' * len(chunk))})",
                    chunk,
                )
                for entry, value, checksum in rows:
                    if _checksum(value) == checksum:  # else: a damaged entry is a miss
                        found[entry] = value
                        self._used.add(entry)
        except sqlite3.Error as error:
            self._give_up(error)
        return found

    def put(self, entry: str, value: bytes) -> None:
        """Keep `value` under `entry` (written when the run ends)."""
        if self.enabled:
            self._pending[entry] = value

    def text(self, entry: str, make: Callable[[], str]) -> str:
        """The text kept under `entry`, or `make()`'s, kept there for the next run."""
        found = decoded(self.get(entry))
        if found is not None:
            return found
        made = make()
        self.put(entry, made.encode())
        return made

    def flush(self) -> None:
        """Write what this run made, mark what it used, and evict if the folder is over its
        bound: one transaction, which waits a while for other runs' and is dropped if it cannot
        be had (the entries are made again next time)."""
        pending, used = self._pending, self._used - set(self._pending)
        self._pending, self._used = {}, set()
        if not (pending or used):
            return
        connection = self._connect()
        if connection is None:
            return
        now = time.time_ns()
        try:
            connection.execute("BEGIN IMMEDIATE")
            try:
                connection.executemany(
                    "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?)",
                    ((k, v, _checksum(v), len(v), now) for k, v in pending.items()),
                )
                for chunk in _chunks(sorted(used)):
                    connection.execute(
                        f"UPDATE entries SET used = ? WHERE key IN ({','.join('?' * len(chunk))})",
                        [now, *chunk],
                    )
                if pending:
                    self._evict(connection)
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            self._give_up(error)

    def size(self) -> int:
        """The bytes the entries' values take (0 without a cache)."""
        connection = self._connect()
        if connection is None:
            return 0
        try:
            return int(
                connection.execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()[0]
            )
        except sqlite3.Error as error:
            self._give_up(error)
            return 0

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _evict(self, connection: sqlite3.Connection) -> None:
        total = connection.execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()[0]
        if total <= self.max_bytes:
            return
        excess = total - int(self.max_bytes * _EVICT_TO)
        doomed: list[str] = []
        for entry, size in connection.execute("SELECT key, size FROM entries ORDER BY used"):
            if excess <= 0:
                break
            doomed.append(entry)
            excess -= size
        for chunk in _chunks(doomed):
            connection.execute(
                f"DELETE FROM entries WHERE key IN ({','.join('?' * len(chunk))})", chunk
            )

    def _connect(self) -> sqlite3.Connection | None:
        if self._connection is not None or self._broken or self.folder is None:
            return self._connection
        path = self.folder / DATABASE
        for attempt in range(2):
            try:
                self._connection = _open(path)
                return self._connection
            except sqlite3.DatabaseError as error:
                if attempt or isinstance(error, sqlite3.OperationalError):
                    break  # locked, read-only, no room: not ours to repair
                _set_aside(path)  # not a database (any more): start afresh
            except OSError:
                break
        self._broken = True
        return None

    def _give_up(self, error: sqlite3.Error) -> None:
        """No more cache for this run; a damaged database is set aside for the next one."""
        self.close()
        self._broken = True
        if self.folder is not None and not isinstance(error, sqlite3.OperationalError):
            _set_aside(self.folder / DATABASE)


def _open(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    connection = sqlite3.connect(path, timeout=_BUSY_SECONDS, isolation_level=None)
    try:
        # WAL: readers go on while a run commits. Where the file system cannot share memory
        # maps, SQLite keeps its rollback journal, which is as safe, only more often waited for.
        with contextlib.suppress(sqlite3.OperationalError):
            connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")  # a cache may lose its last commit
        connection.executescript(_SCHEMA)
    except BaseException:
        connection.close()
        raise
    return connection


def _set_aside(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            Path(f"{path}{suffix}").unlink()


def _checksum(value: bytes) -> bytes:
    return hashlib.blake2b(value, digest_size=8).digest()


def _chunks(entries: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(entries), _CHUNK):
        yield entries[start : start + _CHUNK]
