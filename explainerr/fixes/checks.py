"""Checks an edit against the code around it before it is shown: it must be in the user's own code (never a
library's), it must parse, every name it reads must be bound where it runs, it must not be a band-aid when a root-cause edit exists, and a later line of the same scope
must not contradict it (a tensor cut to a shorter width where it is created, then written past that width).

All of it is static: the user's file is read as text and AST, nothing is run.
"""
from __future__ import annotations

import ast
import builtins
import textwrap
from functools import lru_cache
from typing import AbstractSet, Iterator

from .. import files
from .. import source as src
from ..model import Edit

_BUILTINS = frozenset(dir(builtins)) | {"__file__", "__name__", "__doc__", "__builtins__", "__spec__"}


def bound_names(file: str, line: int) -> set[str] | None:
    """Names a statement at `line` of `file` can read: builtins, the module's names bound before that line
    (or anywhere, for code inside a function; before the first module-level statement that calls it, for a
    module-level function the script calls directly), the parameters of the enclosing functions, the locals
    of the function running the line bound before it, and every local of the functions around that one.
    None when the file cannot be read (no check is possible)."""
    tree = src.tree_of(file)
    if tree is None:
        return None
    path = src.path_to(tree, line)
    functions = [n for n in path if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))]
    walrus = bool(src.per_version(file, ":=", _has_walrus))
    out = set(_BUILTINS)
    out |= _bound_in(tree, _first_module_call(tree, functions[0]) if functions else line, walrus)
    for fn in functions:  # the function running the line has bound only what comes before it; outer ones, all
        out |= _bound_in(fn, line + 1 if fn is functions[-1] and not isinstance(fn, ast.Lambda) else None, walrus)
        args = fn.args
        for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if a is not None:
                out.add(a.arg)
    for n in path:  # names bound by the statements holding the line: `for i, x in ...`, `with ... as f`
        if isinstance(n, (ast.For, ast.AsyncFor)):
            out |= _target_names(n.target)
        elif isinstance(n, (ast.With, ast.AsyncWith)):
            for item in n.items:
                if item.optional_vars is not None:
                    out |= _target_names(item.optional_vars)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            out.add(n.name)
        elif isinstance(n, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            for gen in n.generators:  # `[tok(ex["tgt"], ...)\n for ex in batch]`: the element's line reads `ex`
                out |= _target_names(gen.target)
    return out


def _first_module_call(tree: ast.Module, fn: ast.AST) -> int | None:
    """The line of the first module-level statement that calls the module-level function `fn` by name (the
    module's names it can read are those bound by then); None when the module does not call it directly."""
    if not (isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) and fn in tree.body):
        return None
    lines = [st.lineno for st in tree.body if not isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
             and any(isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id == fn.name
                     for c in ast.walk(st))]
    return min(lines) if lines else None


_OWN_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp, ast.SetComp,
               ast.DictComp, ast.GeneratorExp)


def _scope_nodes(scope: ast.AST):
    """Nodes of a scope's body, not descending into nested functions, classes or comprehensions (whose
    variables are their own: `for _, tags in batch` inside a list comprehension binds no `tags` outside)."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        n = stack.pop()
        yield n
        if not isinstance(n, _OWN_SCOPES):
            stack.extend(ast.iter_child_nodes(n))


def _has_walrus(text: str) -> bool:
    return ":=" in text


def _bound_in(scope: ast.AST, before: int | None, walrus: bool) -> AbstractSet[str]:
    if before is None:
        return _bound_anywhere(scope, walrus)
    return {name for line, name in _bindings(scope, walrus) if line < before}


@lru_cache(maxsize=16)
def _bound_anywhere(scope: ast.AST, walrus: bool) -> frozenset[str]:
    return frozenset(name for _, name in _bindings(scope, walrus))


@lru_cache(maxsize=16)
def _bindings(scope: ast.AST, walrus: bool) -> tuple[tuple[int, str], ...]:
    """(line, name) of every name a scope's body binds (line 0 where the binding node has none): one walk of
    the scope answers every later question about it (a 2,000-line module is walked once, not per fix).  In a
    file without `:=` (`walrus` false) an expression binds a name only as an assignment target, so only the
    scope's statements, their targets and its parameters are read, not every expression of the scope."""
    out: list[tuple[int, str]] = []
    for n in _scope_nodes(scope) if walrus else _binding_nodes(scope):
        line = getattr(n, "lineno", 0)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.append((line, n.name))
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            for a in n.names:
                out.append((line, (a.asname or a.name).split(".")[0]))
        elif isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            out.append((line, n.id))
        elif isinstance(n, (ast.Global, ast.Nonlocal)):
            out.extend((line, name) for name in n.names)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            out.append((line, n.name))
        elif isinstance(n, ast.arg):
            out.append((line, n.arg))
    return tuple(out)


def _binding_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of _scope_nodes(scope) that can bind a name when no expression holds a `:=`: the scope's
    parameters, its statements and except clauses, and their assignment targets."""
    args = getattr(scope, "args", None)
    if isinstance(args, ast.arguments):
        yield from (a for a in [*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg] if a)
    for n in src.block_nodes(scope):
        yield n
        for target in _assignment_targets(n):
            yield target
            if not isinstance(target, ast.Name):  # a name's only child is its context
                yield from _scope_nodes(target)


def _assignment_targets(stmt: ast.AST) -> list[ast.expr]:
    if isinstance(stmt, (ast.Assign, ast.Delete)):
        return stmt.targets
    if isinstance(stmt, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor)):
        return [stmt.target]
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return [item.optional_vars for item in stmt.items if item.optional_vars is not None]
    name = getattr(stmt, "name", None)  # `type Alias = ...` (Python 3.12) binds a Name
    return [name] if isinstance(name, ast.expr) else []


def _target_names(target: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


def read_names(code: str) -> set[str] | None:
    """Names `code` reads that it does not bind itself (comprehension variables, its own assignments, the
    parameters of a function it defines); None when it does not parse."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    bound: set[str] = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            bound.add(n.id)
        elif isinstance(n, ast.arg):
            bound.add(n.arg)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(n.name)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in n.names)
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - bound


def undefined_names(edit: Edit, bound_elsewhere: frozenset[str] = frozenset()) -> set[str]:
    """Names the edit's replacement reads that are bound neither by it, nor where it runs, nor by another edit
    of the same fix (`bound_elsewhere`: a loop header that now binds `micro_labels` for the line that reads
    it).  The replaced lines are read inside the statement that holds them, so a `for` header or one argument
    line can be checked."""
    found = _reads_and_binds(edit)
    if found is None:
        return set()
    reads, binds = found
    if reads == {"<does not parse>"}:
        return reads
    known = bound_names(edit.file, edit.start_line)
    if known is None:
        return set()
    return reads - binds - known - bound_elsewhere


def _reads_and_binds(edit: Edit) -> tuple[set[str], set[str]] | None:
    """The names the edit's replacement reads and binds, read inside the statement that holds it."""
    lines = files.lines(edit.file)
    tree = src.tree_of(edit.file)
    if not lines or tree is None:
        return None
    top = src.top_statement(tree, edit.start_line) if tree.body else None
    lo, hi = (top.lineno, top.end_lineno or top.lineno) if top is not None else (1, len(lines))
    if not (lo <= edit.start_line and edit.end_line <= hi):
        lo, hi = 1, len(lines)
    new_lines = (edit.replacement + "\n").splitlines(True)
    block = lines[lo - 1:edit.start_line - 1] + new_lines + lines[edit.end_line:hi]
    try:
        parsed = ast.parse("".join(block))
    except SyntaxError:
        return {"<does not parse>"}, set()
    first = edit.start_line - lo + 1
    last = first + len(new_lines) - 1
    reads: set[str] = set()
    binds: set[str] = set()
    for n in ast.walk(parsed):
        if isinstance(n, ast.Name) and first <= n.lineno <= last:
            (reads if isinstance(n.ctx, ast.Load) else binds).add(n.id)
        elif isinstance(n, ast.arg) and first <= n.lineno <= last:
            binds.add(n.arg)
        elif isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)) and first <= n.lineno <= last:
            binds |= {n.name} if isinstance(n, (ast.FunctionDef, ast.ClassDef)) else {
                (a.asname or a.name).split(".")[0] for a in n.names}
    return reads, binds


def undefined_in_code(code: str, file: str, line: int) -> set[str]:
    """Names a code suggestion (not an edit) reads that the user's scope at file:line does not bind."""
    import textwrap
    reads = read_names(textwrap.dedent(code))
    if reads is None:
        return {"<does not parse>"}
    known = bound_names(file, line)
    missing = set() if known is None else reads - known
    return missing | {f"self.{a}" for a in _self_attributes(textwrap.dedent(code)) if not _has_attribute(file, line, a)}


def _self_attributes(code: str) -> set[str]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    return {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
            and n.value.id == "self" and isinstance(n.ctx, ast.Load)}


def _has_attribute(file: str, line: int, attr: str) -> bool:
    """`self.<attr>` can exist at file:line: a method of the enclosing class (or of a base class defined in the
    file) sets or defines it, or a base class that is not the user's has it in its source (read, never run).
    True when that cannot be told (no class, a base not found)."""
    tree = src.tree_of(file)
    cls = src.enclosing_class(tree, line) if tree is not None else None
    if cls is None:
        return True
    own = {c.name: c for c in src.nodes(tree, ast.ClassDef)}
    todo, seen = [cls], set()
    while todo:
        c = todo.pop()
        if c.name in seen:
            continue
        seen.add(c.name)
        for n in ast.walk(c):
            if (isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "self"
                    and n.attr == attr and isinstance(n.ctx, ast.Store)) or (
                    isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == attr):
                return True
        for base in c.bases:
            name = ast.unparse(base).split(".")[-1]
            if name in own:
                todo.append(own[name])
            elif name != "object" and _library_class_has(name, attr):
                return True
    return False


def _library_class_has(cls_name: str, attr: str) -> bool:
    """A loaded library class named `cls_name` (or one of its bases) sets `self.<attr>` or defines `attr`;
    True when no such class is loaded (nothing to tell it by)."""
    import inspect
    import re
    import sys
    found = [c for m in list(sys.modules.values()) if m is not None
             for c in [getattr(m, "__dict__", {}).get(cls_name)] if isinstance(c, type)]
    if not found:
        return True
    pattern = re.compile(rf"self\.{re.escape(attr)}\s*[:=]|def {re.escape(attr)}\b")
    for k in found[0].__mro__:
        if attr in vars(k):
            return True
        try:
            text = inspect.getsource(k)
        except (OSError, TypeError):
            continue
        if pattern.search(text):
            return True
    return False


def later_writes(file: str, name: str, after_line: int) -> list[int]:
    """Lines after `after_line`, in the scope holding it, that write into `name` through an index
    (`name[i, :n] = ...`, `name[..., k] += ...`): they depend on the width `name` was created with."""
    tree = src.tree_of(file)
    if tree is None:
        return []
    scope = src.enclosing_scope(tree, after_line)
    out: list[int] = []
    for n in src.statements(scope):
        targets = n.targets if isinstance(n, ast.Assign) else [n.target] if isinstance(n, ast.AugAssign) else []
        for t in targets:
            if (isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id == name
                    and n.lineno > after_line):
                out.append(n.lineno)
    return sorted(out)


def _holds_secret(code: str) -> bool:
    """A string constant in the code looks like a credential: such a line is never shown, so never edited."""
    from ..safety import looks_secret
    try:
        tree = ast.parse(textwrap.dedent(code))
    except SyntaxError:
        return False
    return any(isinstance(n, ast.Constant) and isinstance(n.value, str) and looks_secret(n.value)
               for n in ast.walk(tree))


def _constant_applied(code: str) -> bool:
    """A number indexed, called or asked for an attribute (`y - 1[idx]`, `2(x)`): what an edit that put an
    arithmetic expression where an operand stood, without parentheses, leaves; it always fails when it runs."""
    try:
        tree = ast.parse(textwrap.dedent(code))
    except SyntaxError:
        return False
    return any(isinstance(n, (ast.Subscript, ast.Attribute)) and isinstance(n.value, ast.Constant)
               and isinstance(n.value.value, (int, float)) and not isinstance(n.value.value, bool)
               or isinstance(n, ast.Call) and isinstance(n.func, ast.Constant) for n in ast.walk(tree))


def names_bound_by(e: Edit) -> frozenset[str]:
    """The names an edit's replacement binds (a loop header's new target)."""
    found = _reads_and_binds(e)
    return frozenset(found[1]) if found else frozenset()


def accepted(edits: list[Edit]) -> tuple[list[Edit], list[str]]:
    """The edits that pass every check, and one line per edit dropped (why)."""
    kept: list[Edit] = []
    dropped: list[str] = []
    from ..capture import is_library_file
    for e in edits:
        if is_library_file(e.file):
            dropped.append(f"{e.file}:{e.start_line}: library code is never edited")
            continue
        if not files.lines(e.file):
            dropped.append(f"{e.file}:{e.start_line}: the file cannot be read")
            continue
        if "".join(files.lines(e.file)[e.start_line - 1:e.end_line]).rstrip() == e.replacement.rstrip():
            dropped.append(f"{e.file}:{e.start_line}: the edit leaves the lines as they are")
            continue
        if not src.parses_in_file(e.file, e.start_line, e.end_line, e.replacement):
            dropped.append(f"{e.file}:{e.start_line}: the edited file would not parse")
            continue
        if _constant_applied(e.replacement):
            dropped.append(f"{e.file}:{e.start_line}: the edit indexes, calls or reads an attribute of a number")
            continue
        if _holds_secret(e.replacement):
            dropped.append(f"{e.file}:{e.start_line}: the line holds a string that looks like a credential")
            continue
        earlier = frozenset().union(*(names_bound_by(o) for o in edits if o.file == e.file and o.end_line < e.start_line))
        missing = undefined_names(e, earlier)
        if missing:
            dropped.append(f"{e.file}:{e.start_line}: uses {', '.join(sorted(missing))}, not defined there")
            continue
        kept.append(e)
    return kept, dropped
