"""The cache on its own: what is kept is found again, by this run and the next; a damaged entry or
database costs a miss, never a failure; runs sharing the folder at once do not trip over each
other; the folder stays within its bound, the entries unused the longest going first."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from generator import cache as stage
from generator.cache import DATABASE, Cache, default_folder, key


def test_what_a_run_keeps_the_next_run_finds(tmp_path: Path) -> None:
    with Cache(tmp_path) as first:
        assert first.get("a") is None
        first.put("a", b"made")
        assert first.get("a") == b"made"  # this run's own, before it is written
    with Cache(tmp_path) as second:
        assert second.get_many(["a", "b"]) == {"a": b"made"}


def test_text_is_made_once_then_found(tmp_path: Path) -> None:
    made: list[str] = []

    def make() -> str:
        made.append("once")
        return "é text"

    for _ in range(2):
        with Cache(tmp_path) as cache:
            assert cache.text("k", make) == "é text"
    assert made == ["once"]


def test_without_a_folder_nothing_is_kept_and_nothing_is_written(tmp_path: Path) -> None:
    with Cache.off() as cache:
        cache.put("a", b"x")
        assert cache.get("a") is None and not cache.enabled
    assert list(tmp_path.iterdir()) == []


def test_keys_tell_their_parts_apart() -> None:
    assert key("ab", "c") != key("a", "bc")
    assert key("a", b"b") == key("a", "b")
    assert len(key("x")) == 64


def test_the_default_folder_is_the_users_unless_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPECSMITH_CACHE_DIR", str(tmp_path / "mine"))
    assert default_folder() == tmp_path / "mine"
    monkeypatch.delenv("SPECSMITH_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_folder() == tmp_path / "xdg" / "specsmith"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_folder() == tmp_path / "home" / ".cache" / "specsmith"


def test_a_damaged_entry_is_a_miss_and_is_made_again(tmp_path: Path) -> None:
    with Cache(tmp_path) as cache:
        cache.put("a", b"right")
        cache.put("b", b"\xff\xfe not text")
    with sqlite3.connect(tmp_path / DATABASE) as database:
        database.execute("UPDATE entries SET value = ? WHERE key = 'a'", (b"wrong",))
    with Cache(tmp_path) as cache:
        assert cache.get("a") is None
        assert cache.text("b", lambda: "made again") == "made again"  # not UTF-8: a miss
        cache.put("a", b"right")
    with Cache(tmp_path) as cache:
        assert cache.get_many(["a", "b"]) == {"a": b"right", "b": b"made again"}


def test_a_file_that_is_no_database_is_replaced(tmp_path: Path) -> None:
    (tmp_path / DATABASE).write_bytes(b"this is not SQLite" * 100)
    with Cache(tmp_path) as cache:
        assert cache.get("a") is None
        cache.put("a", b"kept")
    with Cache(tmp_path) as cache:
        assert cache.get("a") == b"kept"


def test_a_database_damaged_while_in_use_costs_misses_only(tmp_path: Path) -> None:
    with Cache(tmp_path) as cache:
        cache.put("a", b"x" * 10_000)
    with Cache(tmp_path) as cache:
        assert cache.get("a") is not None
        (tmp_path / DATABASE).write_bytes(b"\0" * 4096 * 3)  # under the open connection
        cache.get("b")
        cache.put("c", b"y")
    with Cache(tmp_path) as cache:  # whatever survived, the cache works again
        cache.put("d", b"z")
    with Cache(tmp_path) as cache:
        assert cache.get("d") == b"z"


def test_a_folder_that_cannot_be_made_is_no_cache(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("in the way")
    with Cache(tmp_path / "file" / "cache") as cache:
        cache.put("a", b"x")
        assert cache.get("b") is None
    assert cache.size() == 0


def test_the_folder_stays_within_its_bound_and_the_least_used_go_first(tmp_path: Path) -> None:
    bound = 10_000
    with Cache(tmp_path, max_bytes=bound) as cache:
        cache.put("old", b"o" * 3000)
        cache.put("used", b"u" * 3000)
    with Cache(tmp_path, max_bytes=bound) as cache:
        cache.put("newer", b"n" * 3000)
    with Cache(tmp_path, max_bytes=bound) as cache:
        assert cache.get("used") is not None  # used again: now the most recent
    with Cache(tmp_path, max_bytes=bound) as cache:
        cache.put("newest", b"w" * 3000)  # 12,000 bytes: over the bound
    with Cache(tmp_path, max_bytes=bound) as cache:
        kept = cache.get_many(["old", "used", "newer", "newest"])
        assert set(kept) == {"used", "newest"}  # down to three quarters of the bound
        assert cache.size() <= bound * 0.75


def _hammer(folder: str, worker: int, rounds: int) -> int:
    """One of several runs sharing a cache folder: each round reads what all wrote, and writes."""
    found = 0
    for round_ in range(rounds):
        with Cache(Path(folder)) as cache:
            found += len(cache.get_many([f"{other}-{round_ - 1}" for other in range(4)]))
            cache.put(f"{worker}-{round_}", f"{worker} in round {round_}".encode() * 50)
    return found


def test_runs_sharing_the_folder_at_once_lose_nothing(tmp_path: Path) -> None:
    rounds = 15
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        found = pool.starmap(_hammer, [(str(tmp_path), worker, rounds) for worker in range(4)])
    assert all(count > 0 for count in found)  # each run read others' entries as they came
    with Cache(tmp_path) as cache:
        entries = [f"{worker}-{round_}" for worker in range(4) for round_ in range(rounds)]
        kept = cache.get_many(entries)
    assert set(kept) == set(entries)
    assert kept["2-7"] == b"2 in round 7" * 50


def test_the_bound_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPECSMITH_CACHE_MAX_MB", "1.5")
    assert stage.default_max_bytes() == int(1.5 * 2**20)
    monkeypatch.setenv("SPECSMITH_CACHE_MAX_MB", "lots")
    assert stage.default_max_bytes() == stage.DEFAULT_MAX_BYTES
