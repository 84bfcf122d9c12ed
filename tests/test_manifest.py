"""The manifest on its own: what makes a package fresh, and what makes it stale."""

from __future__ import annotations

from pathlib import Path

from generator.emit import write_package
from generator.manifest import MANIFEST, fingerprint, is_fresh, manifest_text, recorded_spec_files


def made(tmp_path: Path, spec: bytes = b"openapi: 3.1.0", options: str = "o") -> tuple[Path, str]:
    files = {"a.py": "a\n", "b/c.py": "c\n"}
    print_ = fingerprint({"": spec, "common.yaml": b"x"}, options, "pkg")
    files[MANIFEST] = manifest_text(print_, files, ["common.yaml"])
    write_package(files, tmp_path / "pkg")
    return tmp_path / "pkg", print_


def test_a_package_is_fresh_for_the_inputs_that_made_it(tmp_path: Path) -> None:
    target, print_ = made(tmp_path)
    assert is_fresh(target, print_)
    assert recorded_spec_files(target) == ["common.yaml"]


def test_other_inputs_make_another_fingerprint() -> None:
    base = fingerprint({"": b"a", "x.yaml": b"b"}, "o", "pkg")
    assert base == fingerprint({"x.yaml": b"b", "": b"a"}, "o", "pkg")  # order does not matter
    assert base != fingerprint({"": b"a", "x.yaml": b"B"}, "o", "pkg")  # a bundled file changed
    assert base != fingerprint({"": b"a", "x.yaml": b"b"}, "p", "pkg")  # an option changed
    assert base != fingerprint({"": b"a", "x.yaml": b"b"}, "o", "other")  # another package


def test_a_hand_edit_an_extra_file_or_a_lost_file_is_noticed(tmp_path: Path) -> None:
    target, print_ = made(tmp_path)
    (target / "a.py").write_text("edited\n")
    assert not is_fresh(target, print_)
    target, print_ = made(tmp_path)
    (target / "extra.py").write_text("")
    assert not is_fresh(target, print_)
    target, print_ = made(tmp_path)
    (target / "b" / "c.py").unlink()
    assert not is_fresh(target, print_)


def test_a_missing_or_broken_manifest_is_not_fresh(tmp_path: Path) -> None:
    target, print_ = made(tmp_path)
    (target / MANIFEST).write_text("{not json")
    assert not is_fresh(target, print_) and recorded_spec_files(target) is None
    assert not is_fresh(tmp_path / "nowhere", print_)
