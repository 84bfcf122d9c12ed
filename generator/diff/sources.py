"""The two sides of a diff: a spec file, or `REV:PATH`, a spec as a git revision has it.

A spec from git is read with `git cat-file` in the repository that holds the working folder,
along with the files its `$ref`s reach in the same revision (`REV:spec/common.yaml`), into a
temporary folder laid out as the spec's folder is; it is loaded from there as any spec is, and
every place in it is reported as `REV:PATH:line:col`.
"""

from __future__ import annotations

import posixpath
import re
import subprocess
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.errors import Location, SpecError, UsageError
from generator.load import JsonValue, Spec, load_spec, load_text
from generator.pointer import MISSING, child, join_pointer, split_pointer
from generator.walk import ref_holders

# A `$ref` whose value does not start with `#`: only a file with one needs to be parsed to
# find the files it refers to.
_EXTERNAL_REF = re.compile(r"""["']?\$ref["']?\s*:\s*["']?(?!#)""")
_MAX_FILES = 10_000  # a bound on the files one spec may pull in from a revision


@dataclass(frozen=True)
class Side:
    """One side of a diff: its spec, and how its files are named in messages."""

    label: str  # as the command line gave it: a path, or REV:PATH
    spec: Spec
    # Loaded file name -> the name shown (REV:PATH); files not listed are shown as they are.
    shown_files: dict[str, str] = field(default_factory=dict)
    repository_path: Path | None = None  # for REV:PATH, the working copy's file of that path
    revision: str | None = None  # for REV:PATH, REV

    def path_in_repository(self, file: str) -> str:
        """A file as shown, without its `REV:` (what a code host annotates)."""
        prefix = f"{self.revision}:" if self.revision is not None else None
        return file.removeprefix(prefix) if prefix else file

    def locate(self, pointer: str) -> Location:
        location = self.spec.locate(pointer)
        return replace(location, file=self.shown(location.file))

    def shown(self, file: str) -> str:
        return self.shown_files.get(file, file)

    def nearest(self, pointer: str) -> str:
        """`pointer`, or its closest ancestor that exists in this side's document (where a
        thing gone from here would be)."""
        node: JsonValue = self.spec.document
        found: list[str] = []
        for token in split_pointer(pointer):
            node = child(node, token)
            if node is MISSING:
                break
            found.append(token)
        return join_pointer(*found)

    @property
    def file(self) -> Path:
        """The file in the working copy this side stands for (for finding its configuration)."""
        return self.repository_path or self.spec.path


def open_side(argument: str, cwd: Path | None = None) -> Side:
    """The spec `argument` names: a file if there is one, else `REV:PATH` from git."""
    cwd = cwd or Path.cwd()
    path = cwd / argument  # an absolute argument stays itself
    if path.exists() or ":" not in argument or re.match(r"[A-Za-z]:[\\/]", argument):
        shown = {str(path): argument}
        return Side(argument, _load(path, shown), shown)
    revision, _, file = argument.partition(":")
    return _from_git(argument, revision, file, cwd)


def _from_git(argument: str, revision: str, file: str, cwd: Path) -> Side:
    root = Path(_git(["rev-parse", "--show-toplevel"], cwd, argument).decode().strip())
    prefix = _git(["rev-parse", "--show-prefix"], cwd, argument).decode().strip()
    relative = posixpath.normpath(prefix + file if file.startswith(("./", "../")) else file)
    if relative.startswith("../") or relative in ("..", "."):
        raise UsageError(f"{argument}: the path leaves the repository")
    folder = posixpath.dirname(relative)
    files = _revision_files(root, revision, relative, folder, argument)
    with tempfile.TemporaryDirectory(prefix="specsmith-diff-") as scratch:
        base = Path(scratch).resolve()
        for name, data in files.items():
            target = base / _inside(name, folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        root_file = base / _inside(relative, folder)
        shown = {str(base / _inside(name, folder)): f"{revision}:{name}" for name in files}
        spec = _load(root_file, shown)
    return Side(argument, spec, shown, root / relative, revision)


def _load(path: Path, shown: dict[str, str]) -> Spec:
    """The spec at `path`; an error names the file as the user knows it."""
    try:
        return load_spec(path)
    except SpecError as error:
        where = error.location
        if where is not None:
            where = replace(where, file=shown.get(where.file, where.file))
        raise SpecError(error.message, where) from None


def _revision_files(
    root: Path, revision: str, relative: str, folder: str, argument: str
) -> dict[str, bytes]:
    """The spec's file at `revision` and every file of its folder its `$ref`s reach there."""
    files = {relative: _git(["cat-file", "blob", f"{revision}:{relative}"], root, argument)}
    pending = [relative]
    while pending and len(files) < _MAX_FILES:
        name = pending.pop()
        for other in _referenced_files(name, files[name]):
            if other in files or not _is_inside(other, folder):
                continue
            data = _git_or_none(["cat-file", "blob", f"{revision}:{other}"], root)
            if data is not None:  # a missing file is the loader's to report, as for any spec
                files[other] = data
                pending.append(other)
    return files


def _referenced_files(name: str, data: bytes) -> list[str]:
    """Repository paths of the files one file's `$ref`s name (other files, not URLs)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return []
    if not _EXTERNAL_REF.search(text):
        return []
    try:
        document, _ = load_text(text, Path(name))
    except SpecError:
        return []  # the loader will say what is wrong with it
    found = []
    for holder, _ in ref_holders(document):
        location = str(holder["$ref"]).partition("#")[0]
        if location and "://" not in location and not location.startswith("//"):
            found.append(posixpath.normpath(posixpath.join(posixpath.dirname(name), location)))
    return found


def _is_inside(name: str, folder: str) -> bool:
    return not name.startswith("../") and (not folder or name.startswith(folder + "/"))


def _inside(name: str, folder: str) -> str:
    return name[len(folder) + 1 :] if folder else name


def _git(arguments: list[str], cwd: Path, argument: str) -> bytes:
    try:
        done = subprocess.run(
            ["git", *arguments], cwd=cwd, capture_output=True, timeout=120, check=False
        )
    except FileNotFoundError:
        raise UsageError(
            f"{argument}: reading a revision needs git, which is not installed"
        ) from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"{argument}: git did not answer in 120 s") from None
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        detail = reason[-1].removeprefix("fatal: ") if reason else f"git exited {done.returncode}"
        raise UsageError(f"{argument}: {detail}")
    return done.stdout


def _git_or_none(arguments: list[str], cwd: Path) -> bytes | None:
    try:
        done = subprocess.run(
            ["git", *arguments], cwd=cwd, capture_output=True, timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None
