"""Import blocks as isort and ruff's `I` rules want them, for every generated module.

Templates and datamodel-code-generator write imports in whatever order is convenient; the first
run of top-level import statements is rewritten here: future, standard library, third party and
local groups, each sorted; names merged per module, aliased ones on lines of their own.

Templates also import every name their module may need (`Literal`, `models`, a runtime helper),
and `drop_unused_imports` takes out the ones the rendered module does not use: which names a
module needs follows from the code it holds, so no template keeps flags to decide it.
"""

from __future__ import annotations

import ast
import sys
from typing import Any

Name = tuple[str, str | None]  # (name, alias)
LINE_LENGTH = 100  # black's (format.py gives it this), which import lines are written to fit


def sort_import_block(
    source: str, extra_imports: tuple[str, ...] = (), tree: ast.Module | None = None
) -> str:
    """`source` with its first run of imports (and `extra_imports`) sorted; `tree`, if given, is
    `source` parsed (or a source with the same lines)."""
    tree = tree or ast.parse(source)
    block = _first_import_run(tree.body)
    if not block and not extra_imports:
        return source
    lines = source.splitlines(keepends=True)
    if block:
        start, end = block[0].lineno - 1, (block[-1].end_lineno or block[-1].lineno)
    else:  # nothing to merge with: the extra imports go after the docstring, if any
        start = end = (
            (tree.body[0].end_lineno or 0) if tree.body and _is_docstring(tree.body[0]) else 0
        )
    extra = [node for line in extra_imports for node in _first_import_run(ast.parse(line).body)]
    statements = block + extra
    rendered = _render(statements)
    before = "".join(lines[:start]).rstrip("\n")
    after = "".join(lines[end:]).lstrip("\n")
    return (before + "\n\n" if before else "") + rendered + "\n\n" + after


def _first_import_run(body: list[ast.stmt]) -> list[ast.Import | ast.ImportFrom]:
    run: list[ast.Import | ast.ImportFrom] = []
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            run.append(node)
        elif run or not _is_docstring(node):
            break
    return run


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _render(statements: list[ast.Import | ast.ImportFrom]) -> str:
    from_names: dict[str, set[Name]] = {}
    plain: set[Name] = set()
    for node in statements:
        if isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            from_names.setdefault(module, set()).update((n.name, n.asname) for n in node.names)
        else:
            plain.update((n.name, n.asname) for n in node.names)
    groups: dict[int, list[tuple[tuple[Any, ...], str]]] = {0: [], 1: [], 2: [], 3: []}
    # As ruff's isort defaults: `import x` lines first, then `from x import ...` lines, modules
    # and names compared without case; within a statement constants, then classes, then the rest.
    for name in plain:
        groups[_group(name[0])].append(((0, name[0].lower()), f"import {_alias(name)}"))
    for module, names in from_names.items():
        unaliased = sorted((n for n in names if n[1] is None), key=_name_order)
        key = (1, module.lower())
        if unaliased:
            line = _from_import(module, [_alias(n) for n in unaliased])
            groups[_group(module)].append(((*key, _name_order(unaliased[0])), line))
        for name in sorted((n for n in names if n[1] is not None), key=_name_order):
            groups[_group(module)].append(
                ((*key, _name_order(name)), f"from {module} import {_alias(name)}")
            )
    return "\n\n".join(
        "\n".join(line for _, line in sorted(group)) for group in groups.values() if group
    )


def _from_import(module: str, names: list[str]) -> str:
    """`from module import names` as black writes it at the top of a module: on one line if it
    fits, else one name a line in parentheses, with a trailing comma. Written so already, it
    spares black the trailing comma it would add, and with it the second pass that a comma
    added by the first costs (format.py): a unit's whole second pass, for one import."""
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= LINE_LENGTH or not line.isascii():  # black measures wide characters wider
        return line
    listed = "".join(f"    {name},\n" for name in names)
    return f"from {module} import (\n{listed})"


def _group(module: str) -> int:
    if module.startswith("."):
        return 3
    top = module.split(".")[0]
    return 0 if top == "__future__" else 1 if top in sys.stdlib_module_names else 2


def _name_order(name: Name) -> tuple[int, str]:
    kind = 0 if name[0].isupper() and len(name[0]) > 1 else 1 if name[0][:1].isupper() else 2
    return kind, name[0].lower()


def _alias(name: Name) -> str:
    return f"{name[0]} as {name[1]}" if name[1] else name[0]


def drop_unused_imports(source: str) -> str:
    """`source` without the names its first run of imports brings in and nothing uses (names
    listed in `__all__` count as used; `from __future__` imports always stay)."""
    return drop_imports_unused_by(source, source, set())


def drop_imports_unused_by(
    source: str, head: str, used_after_head: set[str], tree: ast.Module | None = None
) -> str:
    """`drop_unused_imports(source)`, parsing only `head`: the first lines of `source`, up to
    its first top-level definition (where the first run of imports is, if there is one), given
    the names the rest of it uses (`names_used` of its parts, found once and kept); `tree`, if
    given, is `head` parsed."""
    tree = tree or ast.parse(head)
    block = _first_import_run(tree.body)
    if not block:
        return source
    used = _used_names(tree, block) | used_after_head
    kept: list[ast.Import | ast.ImportFrom] = []
    for node in block:
        names = [n for n in node.names if (n.asname or n.name).split(".")[0] in used]
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            names = node.names
        if names:
            kept.append(_with_names(node, names))
    if len(kept) == len(block) and all(
        len(a.names) == len(b.names) for a, b in zip(kept, block, strict=True)
    ):
        return source
    lines = source.splitlines(keepends=True)
    start, end = block[0].lineno - 1, block[-1].end_lineno or block[-1].lineno
    before = "".join(lines[:start]).rstrip("\n")
    after = "".join(lines[end:]).lstrip("\n")
    rendered = _render(kept)
    return (before + "\n\n" if before else "") + (rendered + "\n\n" if rendered else "") + after


def imported_names(head: ast.Module) -> set[str]:
    """The names the first run of imports in `head` (parsed) binds, and that
    `drop_unused_imports` would drop if nothing used them (never those of `from __future__`)."""
    return {
        (alias.asname or alias.name).split(".")[0]
        for node in _first_import_run(head.body)
        if not (isinstance(node, ast.ImportFrom) and node.module == "__future__")
        for alias in node.names
    }


def names_used_beside_imports(tree: ast.Module) -> set[str]:
    """The names a parsed module uses outside its first run of imports, as
    `drop_unused_imports` counts them."""
    return _used_names(tree, _first_import_run(tree.body))


def names_used(code: str) -> set[str]:
    """The names that `code` (statements that parse on their own) uses, as `drop_unused_imports`
    counts them."""
    return _used_names(ast.parse(code), [])


def _used_names(tree: ast.Module, block: list[ast.Import | ast.ImportFrom]) -> set[str]:
    imports = {id(node) for node in block}
    used: set[str] = set()
    stack: list[ast.AST] = [node for node in tree.body if id(node) not in imports]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
            used.add(node.id)
        elif isinstance(node, ast.Assign) and _assigns_all(node):
            used.update(
                e.value
                for e in getattr(node.value, "elts", ())
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            )
        stack.extend(ast.iter_child_nodes(node))
        stack.extend(_types_in_strings(node))
    return used


def _types_in_strings(node: ast.AST) -> list[ast.AST]:
    """Type expressions written as strings, where a type checker reads them too: `cast("T",
    x)`, `TypeVar("T", bound="T")`, the field types of `TypedDict("T", {"key": "T"})` (the
    functional form, for keys that are not identifiers) and quoted annotations."""
    texts: list[ast.expr] = []
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id == "cast" and node.args:
            texts.append(node.args[0])
        if isinstance(node.func, ast.Name) and node.func.id == "TypedDict" and len(node.args) > 1:
            fields = node.args[1]
            texts += [value for value in getattr(fields, "values", ()) if value is not None]
        texts += [keyword.value for keyword in node.keywords if keyword.arg == "bound"]
    elif isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
        texts.append(node.annotation)
    elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
        texts.append(node.returns)
    parsed: list[ast.AST] = []
    for text in texts:
        if isinstance(text, ast.Constant) and isinstance(text.value, str):
            try:
                parsed.append(ast.parse(text.value, mode="eval"))
            except SyntaxError:
                continue
    return parsed


def _assigns_all(node: ast.Assign) -> bool:
    return any(isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets)


def _with_names(
    node: ast.Import | ast.ImportFrom, names: list[ast.alias]
) -> ast.Import | ast.ImportFrom:
    if isinstance(node, ast.ImportFrom):
        return ast.ImportFrom(module=node.module, names=names, level=node.level)
    return ast.Import(names=names)
