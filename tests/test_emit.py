"""The emit stage on its own: the header, staleness, and an all-or-nothing write."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import emit
from generator.emit import Difference, differences, header, stamped, write_package
from generator.ir import Stamp

STAMP = Stamp("api.yaml", "ab" * 32, "9.9.9", "cd" * 32)


def test_the_header_carries_the_specs_hash_and_the_generators_version() -> None:
    text = header(STAMP)
    assert f"sha256 {'ab' * 32}" in text and "specsmith 9.9.9" in text and "Do not edit" in text
    assert stamped("x = 1\n", STAMP) == text + "\nx = 1\n"


def test_differences_are_stale_missing_and_stray_files(tmp_path: Path) -> None:
    write_package({"a.py": "a\n", "sub/b.py": "b\n"}, tmp_path / "pkg")
    (tmp_path / "pkg" / "stray.py").write_text("")
    (tmp_path / "pkg" / "__pycache__").mkdir()
    (tmp_path / "pkg" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"")
    wanted = {"a.py": "changed\n", "sub/b.py": "b\n", "c.py": "c\n"}
    assert differences(wanted, tmp_path / "pkg") == [
        Difference("a.py", "stale"),
        Difference("c.py", "missing"),
        Difference("stray.py", "stray"),
    ]
    assert [d.name for d in differences(wanted, tmp_path / "pkg", only_listed=True)] == [
        "a.py",
        "c.py",
    ]


def test_writing_replaces_the_folder_as_a_whole(tmp_path: Path) -> None:
    write_package({"old.py": ""}, tmp_path / "pkg")
    write_package({"new.py": "x\n"}, tmp_path / "pkg")
    assert sorted(p.name for p in (tmp_path / "pkg").iterdir()) == ["new.py"]
    assert [p.name for p in tmp_path.iterdir()] == ["pkg"]  # no staging folders left behind


def test_a_failed_swap_puts_the_old_package_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_package({"old.py": "old\n"}, tmp_path / "pkg")
    real_rename = Path.rename

    def failing(self: Path, target: Path) -> Path:  # the new package's rename fails
        if ".new-" in self.name:
            raise OSError("disk full")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", failing)
    with pytest.raises(OSError, match="disk full"):
        emit.write_package({"new.py": ""}, tmp_path / "pkg")
    assert (tmp_path / "pkg" / "old.py").read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["pkg"]
