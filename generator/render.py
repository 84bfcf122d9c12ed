"""Stage 3b, render: the Jinja environment that turns the IR into source text.

Spec text is data, never code. Templates are our files only (spec strings are never rendered as
templates), and a spec string reaches the output only through a filter that makes it an inert
Python literal, docstring body, comment or TOML string. Printing a `SpecText` without one is an
error, caught when rendering, not when someone imports the result.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2

from generator.errors import UsageError
from generator.ir import (
    AnyType,
    Builtin,
    DictOf,
    Generic,
    ListOf,
    LiteralOf,
    ModelRef,
    ParamRef,
    SpecText,
    TypeRef,
    UnionOf,
    with_not_given,
)


def _builtin_templates() -> Path:
    """templates/ beside the package in a source tree; generator/_templates in an installed wheel."""
    source_tree = Path(__file__).resolve().parent.parent / "templates"
    return source_tree if source_tree.is_dir() else Path(__file__).resolve().parent / "_templates"


BUILTIN_TEMPLATES = _builtin_templates()


class RenderError(Exception):
    """A template is wrong (a bug in a template, not in the spec): the message starts with the
    template's file and line."""


def environment(
    override_dirs: Sequence[Path] = (), bytecode: jinja2.BytecodeCache | None = None
) -> jinja2.Environment:
    """Templates in `override_dirs` take precedence, by name, over the built-in ones;
    `bytecode` keeps them compiled between runs (see StoredBytecode)."""
    check_template_dirs(override_dirs)
    loader = jinja2.FileSystemLoader([*map(str, override_dirs), str(BUILTIN_TEMPLATES)])
    env = jinja2.Environment(
        loader=loader,
        bytecode_cache=bytecode,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_refuse_raw_spec_text,
    )
    env.filters.update(
        py=python_literal,
        docstring=docstring,
        comment=comment,
        toml=toml_string,
        annotation=annotation,
        with_not_given=with_not_given,
    )
    return env


class StoredBytecode(jinja2.BytecodeCache):
    """Compiled templates kept by the caller's `load` and `store`: compiling ours costs more
    than a small spec's whole generation otherwise does. Jinja names an entry by the template's
    file and checks it against the template's source; `namespace` stands for everything else
    that decides the compiled code (Jinja's version, the environment's options).

    The built-in templates' code is kept beside them too, in `beside` (their `__pycache__`, as
    Python keeps a module's): a run with an empty cache (a fresh CI machine, a new cache folder)
    then compiles them once per installation, not once per run. One file per template, replaced
    when its template or the generator changes; where the folder cannot be written, the cache
    alone keeps them."""

    def __init__(
        self,
        load: Callable[[str], bytes | None],
        store: Callable[[str, bytes], None],
        namespace: str,
        beside: Path | None = BUILTIN_TEMPLATES / "__pycache__",
    ) -> None:
        self._load = load
        self._store = store
        self._namespace = namespace
        self._beside = beside
        self._beside_files: dict[str, Path] = {}  # bucket key -> file, for built-in templates

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> jinja2.bccache.Bucket:
        if self._beside is not None and filename is not None and _is_builtin(filename):
            bucket_key = self.get_cache_key(name, filename)
            self._beside_files[bucket_key] = self._beside / f"{bucket_key}.jbc"
        return super().get_bucket(environment, name, filename, source)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        beside = self._beside_files.get(bucket.key)
        found = _read_beside(beside, self._entry(bucket)) if beside else None
        if found is None:
            found = self._load(self._entry(bucket))
            if found is not None and beside is not None:
                _write_beside(beside, self._entry(bucket), found)
        if found is not None:
            bucket.bytecode_from_string(found)  # one that does not fit is ignored: compiled

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = bucket.bytecode_to_string()
        self._store(self._entry(bucket), code)
        if beside := self._beside_files.get(bucket.key):
            _write_beside(beside, self._entry(bucket), code)

    def _entry(self, bucket: jinja2.bccache.Bucket) -> str:
        return f"{self._namespace}\0{jinja2.__version__}\0{bucket.key}\0{bucket.checksum}"


def _is_builtin(filename: str) -> bool:
    return Path(filename).resolve().is_relative_to(BUILTIN_TEMPLATES)


def _read_beside(path: Path, entry: str) -> bytes | None:
    """The code kept in `path`, if it was kept for `entry` (this template's source, this
    generator, this Jinja)."""
    try:
        kept = path.read_bytes()
    except OSError:
        return None
    header, _, code = kept.partition(b"\n")
    return code if header == entry.encode() else None


def _write_beside(path: Path, entry: str, code: bytes) -> None:
    """Kept whole or not at all (a new file put in place), so that runs side by side, each
    writing its own, never read half a file; a folder that cannot be written keeps nothing."""
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(exist_ok=True)
        partial.write_bytes(entry.encode() + b"\n" + code)
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


def check_template_dirs(override_dirs: Sequence[Path]) -> None:
    for folder in override_dirs:
        if not folder.is_dir():
            raise UsageError(f"{folder}: no such templates folder")


def render(env: jinja2.Environment, template: str, **context: Any) -> str:
    """`template` rendered with `context`; a RenderError naming the template's file and line
    if the template is wrong in any way (its syntax, a name it uses, a filter it misapplies)."""
    try:
        return env.get_template(template).render(**context)
    except jinja2.TemplateSyntaxError as error:
        where = f"{error.filename or error.name or template}:{error.lineno}"
        raise RenderError(f"{where}: {error.message}") from None
    except Exception as error:  # whatever a template does wrong, it is reported at its line
        where = _template_line(error.__traceback__) or template
        message = str(error).removeprefix("RenderError: ") or type(error).__name__
        raise RenderError(f"{where}: {message}") from error


def _template_line(trace: TracebackType | None) -> str | None:
    """`file:line` of the innermost template frame: Jinja maps its frames to template lines."""
    found = None
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        if filename.endswith(".jinja"):
            found = f"{filename}:{trace.tb_lineno}"
        trace = trace.tb_next
    return found


def overriding_nothing(override_dirs: Sequence[Path]) -> list[str]:
    """Warnings for override templates that replace no built-in one (a misspelt name, say):
    they would never be used."""
    builtin = {path.relative_to(BUILTIN_TEMPLATES) for path in BUILTIN_TEMPLATES.rglob("*.jinja")}
    return [
        f"{path}: replaces no built-in template, so it is never used"
        f" (is {path.relative_to(folder)} the name of one? `templates/` has them all)"
        for folder in override_dirs
        for path in sorted(folder.rglob("*.jinja"))
        if path.relative_to(folder) not in builtin
    ]


def _refuse_raw_spec_text(value: Any) -> Any:
    if isinstance(value, SpecText):
        raise RenderError(f"spec text {str(value)[:40]!r} printed without an escaping filter")
    if isinstance(value, TypeRef):
        raise RenderError(f"type {value!r} printed without the `annotation` filter")
    return value


def _defined(value: Any) -> Any:
    """`value`, or the template's own error for a name it used that does not exist."""
    if isinstance(value, jinja2.Undefined):
        str(value)  # StrictUndefined raises here, naming what was undefined
    return value


def annotation(value: TypeRef, module: str = "", shadowed: frozenset[str] = frozenset()) -> str:
    """A type as Python source: `list[models.Item] | None`, `Literal['a\\u2019b']`. The values
    inside a `Literal` are spec data, written as literals. Classes of `module` (`"params"`
    inside params.py) are written without the module's name; `shadowed` builtins (a class has
    a member by that name) are written `builtins.list`."""

    def builtin(name: str) -> str:
        return f"builtins.{name}" if name in shadowed else name

    def inner(of: TypeRef) -> str:
        return annotation(of, module, shadowed)

    match _defined(value):
        case Builtin(name=name):
            return name if name == "None" else builtin(name)
        case AnyType():
            return "Any"
        case ModelRef(class_name=name):
            return name if module == "models" else "models." + name
        case ParamRef(class_name=name):
            return name if module == "params" else "params." + name
        case ListOf(item=item):
            return f"{builtin('list')}[{inner(item)}]"
        case DictOf(value=values):
            return f"{builtin('dict')}[{builtin('str')}, {inner(values)}]"
        case LiteralOf(values=values):
            return "Literal[" + ", ".join(python_literal(v) for v in values) + "]"
        case UnionOf(options=options):
            return " | ".join(inner(option) for option in options)
        case Generic(name=name, arguments=arguments):
            listed = ", ".join(inner(argument) for argument in arguments)
            return f"{name}[{listed}]" if arguments else name
    raise RenderError(f"no annotation for {value!r}")


def for_api(env: jinja2.Environment, shadowed: frozenset[str]) -> jinja2.Environment:
    """`env` with its `annotation` filter writing the `shadowed` builtins qualified (see
    `Api.shadowed_builtins`)."""

    def qualified(value: TypeRef, module: str = "") -> str:
        return annotation(value, module, shadowed)

    env.filters["annotation"] = qualified
    return env


def python_literal(value: Any) -> str:
    """A Python expression that evaluates to `value` (JSON-like data), and does nothing else."""
    value = _defined(value)
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, str):
        # repr escapes quotes, backslashes, controls and `\N{...}` text
        return escape_look_alikes(repr(str(value)))
    if isinstance(value, int):
        return repr(int(value))
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return f"float({str(value)!r})"
        return repr(float(value))
    if isinstance(value, list | tuple):
        return "[" + ", ".join(python_literal(item) for item in value) + "]"
    if isinstance(value, dict):
        items = (
            f"{python_literal(str(key))}: {python_literal(item)}" for key, item in value.items()
        )
        return "{" + ", ".join(items) + "}"
    raise RenderError(f"no literal for a {type(value).__name__}")


# Characters a docstring or comment must not carry raw: controls (but newline and tab), DEL, and
# the Unicode line and paragraph separators that some tools treat as line ends.
_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]")


def docstring(value: Any) -> str:
    """The body of a `\"\"\"...\"\"\"` docstring showing `value` as written, inert."""
    body = str(value).replace("\r\n", "\n").replace("\r", "\n")
    body = body.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    body = escape_look_alikes(_UNSAFE_CHARACTERS.sub(lambda match: _escape(match[0]), body))
    # Only blanks are trimmed: other characters that str.strip() would take are shown escaped.
    body = "\n".join(line.rstrip(" \t") for line in body.strip(" \t\n").split("\n"))
    trailing_backslashes = len(body[:-1]) - len(body[:-1].rstrip("\\"))
    if body.endswith('"') and trailing_backslashes % 2 == 0:
        body = body[:-1] + '\\"'  # a bare quote before the closing `"""` would end the string early
    return body


def comment(value: Any) -> str:
    """`value` on one line, safe after a `#` (look-alikes written as their escapes)."""
    return " ".join(escape_look_alikes(_UNSAFE_CHARACTERS.sub(" ", str(value))).split())


_NON_ASCII = re.compile(r"(\\*)([^\x00-\x7f])")


def escape_look_alikes(source: str) -> str:
    """Non-ASCII punctuation, symbols, spaces and invisible characters as escapes (a right
    single quotation mark as `\\u2019`): the same strings, without characters that pass for ASCII ones they are not
    (ruff's RUF001-RUF003). Letters, marks and digits of every script stay as written.

    `source` is the inside of non-raw string literals, or code whose string literals are all
    non-raw: outside strings, such characters can only be in comments. A character after an odd
    run of backslashes is left alone (the backslash is its own, and escaping would change it).
    """

    def escaped(match: re.Match[str]) -> str:
        backslashes, character = match[1], match[2]
        if len(backslashes) % 2 or not _looks_alike(character):
            return match[0]
        return backslashes + _escape(character)

    return _NON_ASCII.sub(escaped, source)


def _looks_alike(character: str) -> bool:
    category = unicodedata.category(character)
    return category[0] in "PSZC" and category != "Pc"  # Pc (as `‿`) may be part of a name


def _escape(character: str) -> str:
    code = ord(character)
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def toml_string(value: Any) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(str(value), ensure_ascii=True)
