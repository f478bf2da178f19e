"""Reads the user's source files as text and AST: scopes, loops, assignments, calls, and line edits.

Used by the analyzers (to name where a value came from) and by fix.py (to locate and rewrite the line that
must change).  Works from files only (read through files.py, so notebook cells work too, and only files small
enough to parse; each file's text and AST are made once per version of it, in source_cache.py), never from
live frames.  Questions about a whole module or scope are answered from indexes made once per tree: a module's
nodes by type (`nodes`, `calls`) and a scope's statements (`statements`), so that a long script is walked once,
not once per question.
"""
from __future__ import annotations

import ast
import bisect
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator

from . import files
from .model import Edit
from .source_cache import per_version, text_of, tree_of  # noqa: F401  (read through this module)


@lru_cache(maxsize=32)
def _lines(text: str) -> list[str]:
    return io.StringIO(text, newline="").readlines()  # the split ast.get_source_segment uses


def segment_text(text: str, node: ast.AST) -> str | None:
    """ast.get_source_segment without re-splitting the whole text on every call (it loops over the file
    in Python each time; explanations ask for dozens of segments)."""
    end_line, end_col = getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None)
    if end_line is None or end_col is None or not hasattr(node, "lineno"):
        return None
    lines = _lines(text)
    first, last, col = node.lineno - 1, end_line - 1, node.col_offset  # type: ignore[attr-defined]
    if last >= len(lines):
        return None
    if first == last:
        return lines[first].encode()[col:end_col].decode()
    return "".join([lines[first].encode()[col:].decode(), *lines[first + 1:last],
                    lines[last].encode()[:end_col].decode()])


def mentions(file: str, pattern: re.Pattern[str]) -> bool:
    """Whether `pattern` matches anywhere in the file's text (when it may be parsed): searched once per
    version of the file."""
    return bool(per_version(file, pattern, lambda text: pattern.search(text) is not None))


def segment(file: str, node: ast.AST) -> str:
    return segment_text(text_of(file), node) or ast.unparse(node)


def _start(n: ast.AST) -> int:
    return min([n.lineno, *(d.lineno for d in getattr(n, "decorator_list", ()))])  # type: ignore[attr-defined]


def top_statement(tree: ast.Module, line: int) -> ast.stmt | None:
    """The top-level statement that can hold `line` (the last one starting at or before it), by bisection."""
    starts = tree.__dict__.get("_explainerr_starts")
    if starts is None:
        starts = tree.__dict__["_explainerr_starts"] = [_start(n) for n in tree.body]
    i = bisect.bisect_right(starts, line) - 1
    return tree.body[i] if i >= 0 else None


def path_to(tree: ast.AST, line: int) -> list[ast.AST]:
    """The nodes whose lines contain `line`, outermost first: a walk that never enters unrelated code.
    In a module, the one top-level statement that can hold the line is found by bisection (a long script
    has thousands of them), and results are kept on the tree per line."""
    memo = tree.__dict__.setdefault("_explainerr_paths", {})
    if line in memo:
        return list(memo[line])
    out: list[ast.AST] = []
    level = list(ast.iter_child_nodes(tree))
    if isinstance(tree, ast.Module) and tree.body:
        top = top_statement(tree, line)
        level = [top] if top is not None else []
    while level:
        nxt: list[ast.AST] = []
        for n in level:
            if not hasattr(n, "lineno"):
                nxt.extend(ast.iter_child_nodes(n))
            elif _start(n) <= line <= (getattr(n, "end_lineno", None) or n.lineno):  # type: ignore[attr-defined]
                out.append(n)
                nxt.extend(ast.iter_child_nodes(n))
        level = nxt
    memo[line] = tuple(out)
    return out


def walk_scope(scope: ast.AST) -> Iterator[ast.AST]:
    """Nodes of a function or module body, not descending into nested functions or classes."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        n = stack.pop()
        yield n
        if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(n))


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_BLOCK_ITEMS = (ast.stmt, ast.excepthandler, ast.match_case)


def _block_items(node: ast.AST) -> Iterator[ast.AST]:
    """The statements, except clauses and match cases right under `node`, in ast.iter_child_nodes' order."""
    for field in node._fields:
        value = getattr(node, field, None)
        if type(value) is list:
            yield from (v for v in value if isinstance(v, _BLOCK_ITEMS))


def block_nodes(scope: ast.AST, nested: bool = False) -> Iterator[ast.AST]:
    """The statements, except clauses and match cases that walk_scope(scope) yields, in its order (with
    `nested`, those inside nested functions and classes too), found without walking a single expression:
    statements live only in blocks."""
    stack = list(_block_items(scope))
    while stack:
        n = stack.pop()
        yield n
        if nested or not isinstance(n, _SCOPES):
            stack.extend(_block_items(n))


@lru_cache(maxsize=64)
def statements(scope: ast.AST, nested: bool = False) -> tuple[ast.stmt, ...]:
    """The statements of block_nodes(scope, nested), kept per scope."""
    return tuple(n for n in block_nodes(scope, nested) if isinstance(n, ast.stmt))


def contains(node: ast.AST, line: int) -> bool:
    return node.lineno <= line <= (getattr(node, "end_lineno", None) or node.lineno)  # type: ignore[attr-defined]


def enclosing_scope(tree: ast.Module, line: int) -> ast.AST:
    """The innermost function containing `line`, or the module."""
    best: ast.AST = tree
    for n in path_to(tree, line):
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and contains(n, line):
            if best is tree or n.lineno >= best.lineno:  # type: ignore[attr-defined]
                best = n
    return best


def scope_name(file: str, line: int) -> str | None:
    """`Class.method` or `function` for the innermost def around `line` in `file`; None at module level or
    when the file does not parse."""
    tree = tree_of(file)
    if tree is None:
        return None
    scope = enclosing_scope(tree, line)
    if not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    owner = enclosing_class(tree, line)
    inside = owner is not None and any(n is scope for n in ast.walk(owner))
    return f"{owner.name}.{scope.name}" if inside and owner is not None else scope.name


def enclosing_class(tree: ast.Module, line: int) -> ast.ClassDef | None:
    best = None
    for n in path_to(tree, line):
        if isinstance(n, ast.ClassDef) and contains(n, line):
            if best is None or n.lineno >= best.lineno:
                best = n
    return best


def enclosing_loops(tree: ast.Module, line: int) -> list[ast.For]:
    """`for` statements whose body contains `line`, innermost first."""
    loops = [n for n in path_to(tree, line) if isinstance(n, ast.For) and contains(n, line) and n.lineno < line]
    return sorted(loops, key=lambda n: -n.lineno)


def statement_at(tree: ast.Module, line: int) -> ast.stmt | None:
    best = None
    for n in path_to(tree, line):
        if isinstance(n, ast.stmt) and not isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.For, ast.While,
                                                          ast.If, ast.With, ast.Try, ast.AsyncFunctionDef)):
            if contains(n, line) and (best is None or n.lineno >= best.lineno):
                best = n
    return best


def keyed_values(tree: ast.AST, key: str) -> list[ast.expr]:
    """The values every dict display in `tree` gives the constant key `key`, in source order."""
    return [v for d in nodes(tree, ast.Dict) for k, v in zip(d.keys, d.values) if isinstance(k, ast.Constant)
            and k.value == key]


def dict_item(d: ast.Dict, key: str) -> ast.expr | None:
    """The value a dict literal gives the constant key `key` (`{"labels": y}` → `y`), or None."""
    return next((v for k, v in zip(d.keys, d.values) if isinstance(k, ast.Constant) and k.value == key), None)


def assigned_value(tree: ast.Module, scope: ast.AST, name: ast.AST, before: int) -> ast.expr | None:
    """The value the last assignment of the plain name `name` in `scope` gave it, on or before line `before`
    (`multi_hot` of `return {"targets": multi_hot}` → its `torch.tensor(...)`); None for anything else."""
    if not isinstance(name, ast.Name):
        return None
    made = assignments(tree, name.id, scope, before=before)
    return made[-1].value if made else None


def with_makers(tree: ast.Module, expr: ast.AST) -> tuple[ast.AST, ...]:
    """`expr` and the values the locals it names were last given before it in its scope (`rows` of `for r in
    rows` read where `rows = con.execute(...)` made it): what a question about an expression reads through."""
    line = getattr(expr, "lineno", None)
    scope = enclosing_scope(tree, line) if line is not None else tree
    made = [a.value for n in ast.walk(expr) if isinstance(n, ast.Name)
            for a in assignments(tree, n.id, scope)[-1:] if line is None or a.stmt.lineno < line]
    return (expr, *made)


def sole_site(found: list[tuple[Any, ...]], node: int) -> tuple[tuple[Any, ...], ast.stmt] | None:
    """The one candidate of a search over the user's files (each a tuple whose second item is the file's tree),
    with the statement holding its item `node`: None when there are none or several, or no statement holds it."""
    if len(found) != 1:
        return None
    stmt = statement_at(found[0][1], found[0][node].lineno)
    return (found[0], stmt) if stmt is not None else None


def param_defaults(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, ast.expr]:
    """Parameter name → its default expression, for the parameters of `fn` that have one."""
    positional = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)]
    out = dict(zip(positional[len(positional) - len(fn.args.defaults):], fn.args.defaults))
    out.update({a.arg: d for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults) if d is not None})
    return out


def last_name(node: ast.AST) -> str:
    """The name a reference ends in: `names`, `self.labels` → `labels`, `SPECS[task]["labels"]` → `labels`; ''
    for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    return ""


def names_in(node: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(node) if isinstance(n, ast.Name)]


def measured(value: ast.AST | None) -> ast.expr | None:
    """`X` of a size read: `X.shape[d]`, `X.size(d)`, `X.size()`, `len(X)`; None for anything else."""
    if isinstance(value, ast.Subscript) and isinstance(value.value, ast.Attribute) and value.value.attr == "shape":
        return value.value.value
    if isinstance(value, ast.Call) and call_name(value) == "len" and len(value.args) == 1:
        return value.args[0]
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "size":
        return value.func.value
    return None


def list_growth(stmt: ast.stmt) -> tuple[str, str, ast.expr] | None:
    """(list, "extend" or "append", value) for `xs.extend(v)`, `xs += v`, `xs.append(v)`, `xs += [v]`."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute) \
            and stmt.value.func.attr in ("extend", "append") and isinstance(stmt.value.func.value, ast.Name) \
            and len(stmt.value.args) == 1 and not stmt.value.keywords:
        return stmt.value.func.value.id, stmt.value.func.attr, stmt.value.args[0]
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.Add) and isinstance(stmt.target, ast.Name):
        if isinstance(stmt.value, ast.List) and len(stmt.value.elts) == 1:
            return stmt.target.id, "append", stmt.value.elts[0]
        return stmt.target.id, "extend", stmt.value
    return None


def unpacked_batches(loop: ast.For) -> tuple[ast.expr, ast.expr]:
    """The iterable a `for` loop unpacks and its target, through `enumerate`: (`loader`, `x, y`) for both
    `for x, y in loader` and `for step, (x, y) in enumerate(loader)`."""
    it, target = loop.iter, loop.target
    if isinstance(it, ast.Call) and call_name(it) == "enumerate" and it.args and \
            isinstance(target, ast.Tuple) and len(target.elts) == 2:
        return it.args[0], target.elts[1]
    return it, target


def ended_loop_binding(tree: ast.Module, name: str, line: int) -> ast.For | None:
    """The last `for` loop of the scope around `line` that ended before it and binds `name` in its header
    (`for feats, labels in train_loader`), with no loop around `line` binding it again."""
    scope = enclosing_scope(tree, line)
    loops = [n for n in ast.walk(scope) if isinstance(n, ast.For) and (n.end_lineno or n.lineno) < line
             and name in names_in(n.target) and enclosing_scope(tree, n.lineno) is scope]
    return max(loops, key=lambda n: n.lineno) if loops else None


def summed_terms(node: ast.AST) -> list[ast.AST]:
    """The operands of a chain of `+` (`[cls] + ids + [sep]` → the three parts), in order; [node] otherwise."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return summed_terms(node.left) + summed_terms(node.right)
    return [node]


def signed_terms(node: ast.AST, sign: int = 1) -> list[tuple[int, ast.AST]]:
    """The signed terms of a sum (`a + b - 1` → [(1, a), (1, b), (-1, 1)]); [(sign, node)] for anything else."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub))):
        return [(sign, node)]
    return signed_terms(node.left, sign) + signed_terms(node.right, -sign if isinstance(node.op, ast.Sub) else sign)


def class_field(cls: ast.ClassDef, name: str) -> ast.expr | None:
    """The value a class body gives its field `name` (`max_len: int = 128`, `TAGS = [...]`), as written."""
    for n in cls.body:
        target = n.target if isinstance(n, ast.AnnAssign) else n.targets[0] if isinstance(
            n, ast.Assign) and len(n.targets) == 1 else None
        if isinstance(target, ast.Name) and target.id == name:
            return n.value
    return None


def self_assignments(cls: ast.ClassDef, attr: str) -> list[ast.Assign]:
    """The plain `self.<attr> = value` statements of the class's methods, in order."""
    return [st for st in statements(cls, nested=True) if isinstance(st, ast.Assign) and len(st.targets) == 1
            and isinstance(st.targets[0], ast.Attribute) and st.targets[0].attr == attr
            and isinstance(st.targets[0].value, ast.Name) and st.targets[0].value.id == "self"]


def _target_value(target: ast.AST, value: ast.AST, name: str) -> ast.AST | None:
    if isinstance(target, ast.Name) and target.id == name:
        return value
    if isinstance(target, (ast.Tuple, ast.List)):
        if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts):
            for t, v in zip(target.elts, value.elts):
                found = _target_value(t, v, name)
                if found is not None:
                    return found
        elif any(isinstance(t, ast.Name) and t.id == name for t in target.elts):
            return value
    return None


@dataclass(frozen=True)
class Assignment:
    stmt: ast.stmt
    value: ast.AST
    augmented: bool = False


def assignments(tree: ast.Module, name: str, scope: ast.AST | None = None,
                before: int | None = None) -> list[Assignment]:
    """Assignments to `name` in `scope` (default: the whole file), in source order."""
    found = _assignments_by_name(tree, scope).get(name, ())
    return [a for a in found if before is None or a.stmt.lineno <= before]


@lru_cache(maxsize=16)
def _assignments_by_name(tree: ast.Module, scope: ast.AST | None) -> dict[str, tuple[Assignment, ...]]:
    """Every assignment of `scope` (default: the whole file) by the name it assigns, each list in source
    order: one walk of the scope answers every later question about it."""
    out: dict[str, list[Assignment]] = {}
    for n in statements(scope) if scope is not None else statements(tree, nested=True):
        if isinstance(n, ast.Assign):
            for t in n.targets:
                for name in _target_names(t):
                    v = _target_value(t, n.value, name)
                    if v is not None:
                        out.setdefault(name, []).append(Assignment(n, v))
        elif isinstance(n, (ast.AnnAssign, ast.AugAssign)) and n.value is not None:
            if isinstance(n.target, ast.Name):
                out.setdefault(n.target.id, []).append(Assignment(n, n.value, isinstance(n, ast.AugAssign)))
    return {k: tuple(sorted(v, key=lambda a: (a.stmt.lineno, a.stmt.col_offset))) for k, v in out.items()}


def _target_names(target: ast.AST) -> list[str]:
    """The names `_target_value` may find in an assignment target, each once, in order."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return list(dict.fromkeys(n for t in target.elts for n in _target_names(t)))
    return []


def last_assignment(tree: ast.Module, name: str, line: int) -> Assignment | None:
    """The nearest assignment to `name` before `line` in the scope enclosing `line` (then the module)."""
    scope = enclosing_scope(tree, line)
    found = assignments(tree, name, scope, before=line)
    if not found and scope is not tree:
        found = assignments(tree, name, tree, before=None)
    return found[-1] if found else None


def nodes(tree: ast.AST, *types: type) -> tuple[Any, ...]:
    """The nodes of `tree` (itself included) that are instances of one of `types`, in ast.walk's order.  A
    module's are found in an index of its nodes by type, built once per tree: a long file is walked once,
    not once per question."""
    if not isinstance(tree, ast.Module):
        return tuple(n for n in ast.walk(tree) if isinstance(n, types))
    return _module_nodes(tree, types)


@lru_cache(maxsize=256)
def _module_nodes(tree: ast.Module, types: tuple[type, ...]) -> tuple[ast.AST, ...]:
    order, by_type = _walk_index(tree)
    return tuple(order[i] for i in sorted(i for cls, at in by_type.items() if issubclass(cls, types) for i in at))


@lru_cache(maxsize=8)
def _walk_index(tree: ast.Module) -> tuple[tuple[ast.AST, ...], dict[type, list[int]]]:
    """ast.walk(tree)'s nodes as a tuple, and the positions in it of the nodes of each type.  The same
    breadth-first walk, written without ast.walk's nested generators (less than half its time)."""
    order: list[ast.AST] = [tree]
    i = 0
    while i < len(order):
        node = order[i]
        i += 1
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                order.append(value)
            elif type(value) is list:
                order.extend([v for v in value if isinstance(v, ast.AST)])
    by_type: dict[type, list[int]] = {}
    for i, n in enumerate(order):
        by_type.setdefault(type(n), []).append(i)
    return tuple(order), by_type


def calls(tree: ast.AST) -> Iterator[ast.Call]:
    return iter(nodes(tree, ast.Call))


def is_config_call(call: ast.Call) -> bool:
    """`BertConfig(...)`, `transformers.AutoConfig(...)`: a config class built, not `logging.basicConfig(...)`;
    also `partial(BertConfig, type_vocab_size=2)`, whose keywords are those of every config it builds."""
    last = call_name(call).split(".")[-1]
    if last == "partial" and call.args and isinstance(call.args[0], (ast.Name, ast.Attribute)):
        last = (call.args[0].id if isinstance(call.args[0], ast.Name) else call.args[0].attr)
    return last.endswith("Config") and last[:1].isupper()


def tensor_data(node: ast.AST | None) -> ast.expr | None:
    """The data of `torch.tensor(data)` (or `as_tensor`, `LongTensor`, any module prefix); None for anything else."""
    if isinstance(node, ast.Call) and call_name(node).split(".")[-1] in ("tensor", "as_tensor", "LongTensor") \
            and len(node.args) == 1:
        return node.args[0]
    return None


def call_name(call: ast.Call) -> str:
    """Dotted text of the called function: `tokenizer`, `self.tokenizer`, `nn.Linear`."""
    try:
        return ast.unparse(call.func)
    except Exception:
        return ""


def passed_to_constructor(tree: ast.Module, assign: ast.Assign) -> ast.stmt | None:
    """For `self.X = param` in a class's `__init__`: the statement that made the name the file's one construction
    of the class passes for `param` (`proj = nn.Linear(...)` before `Wrapper(bert, proj)`)."""
    init = enclosing_scope(tree, assign.lineno)
    cls = enclosing_class(tree, assign.lineno)
    if not isinstance(init, ast.FunctionDef) or init.name != "__init__" or cls is None \
            or not isinstance(assign.value, ast.Name):
        return None
    params = [a.arg for a in init.args.args][1:]
    name = assign.value.id
    if name not in params:
        return None
    found = [c for c in calls(tree) if call_name(c).rpartition(".")[2] == cls.name]
    if len(found) != 1:
        return None
    call, at = found[0], params.index(name)
    kw = keyword(call, name)
    arg = kw.value if kw is not None else call.args[at] if at < len(call.args) else None
    if not isinstance(arg, ast.Name):
        return None
    a = last_assignment(tree, arg.id, call.lineno)
    return a.stmt if a is not None and a.stmt.lineno < call.lineno else None


def callers_of(tree: ast.Module, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.Call]:
    """The calls of `fn` in the file, by its name; for an `__init__`, the constructions of its class.  A
    `partial(make_head, width)` counts as the call `make_head(width)` it prepares (the arguments it binds, at the
    partial's place)."""
    cls = enclosing_class(tree, fn.lineno) if fn.name == "__init__" else None
    callee = cls.name if cls is not None else fn.name
    direct, prepared = [], []
    for c in calls(tree):
        name = call_name(c).rpartition(".")[2]
        if name == callee:
            direct.append(c)
        else:
            made = prepared_call(c, callee)
            if made is not None:
                prepared.append(made)
    return direct + prepared


def prepared_call(c: ast.Call, callee: str) -> ast.Call | None:
    """`make_head(width)` for `partial(make_head, width)` (or `functools.partial(models.Head, ...)`): the call the
    partial prepares, its arguments the partial's own nodes at the partial's place; None for any other call."""
    if call_name(c).rpartition(".")[2] == "partial" and c.args and isinstance(c.args[0], (ast.Name, ast.Attribute)) \
            and (c.args[0].id if isinstance(c.args[0], ast.Name) else c.args[0].attr) == callee:
        return ast.copy_location(ast.Call(func=c.args[0], args=c.args[1:], keywords=c.keywords), c)
    return None


def sole_argument(tree: ast.Module, fn: ast.AST, param: str) -> ast.expr | None:
    """What the one call of `fn` in the file passes for its parameter `param` (by keyword or by place, `self`
    skipped); for an `__init__`, the one construction of its class.  None when `param` is not `fn`'s, or the
    file calls it other than once."""
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    params = [a.arg for a in fn.args.args]
    if param not in params:
        return None
    found = callers_of(tree, fn)
    if len(found) != 1:
        return None
    kw = keyword(found[0], param)
    at = params.index(param) - (1 if params[:1] == ["self"] else 0)
    if kw is None and not 0 <= at < len(found[0].args) and any(k.arg is None for k in found[0].keywords):
        return splatted_keyword(tree, found[0], param)  # `partial(make_encoder, **SETTINGS)`: the dict's item
    return kw.value if kw is not None else found[0].args[at] if 0 <= at < len(found[0].args) else None


def binding_scope(tree: ast.Module, name: ast.Name) -> ast.AST:
    """The innermost function around `name` that binds it (a parameter or an assignment), else the module: a
    closure's `max_len` is bound by the factory around it (`def make_encoder(tok, max_len): def encode(...)`)."""
    fns = [n for n in path_to(tree, name.lineno) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))]
    for fn in reversed(fns):
        if name.id in [a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)] or (
                not isinstance(fn, ast.Lambda) and assignments(tree, name.id, fn)):
            return fn
    return tree


def set_again(tree: ast.Module, name: str, line: int) -> tuple[ast.Assign, ast.Assign] | None:
    """(the module-level assignment of `name` in effect at `line`, the first one after it): a script or an
    exported notebook that sets a global again after something was built from it (a cell re-run with another
    value); also for a copy made before the name it copies was set again (`TYPE_VOCAB = N_SEGMENTS`, then
    `N_SEGMENTS = 3`), as (the copy, the copied name's later assignment) when `line` reads the copy after that."""
    def top(n: str) -> list[ast.Assign]:
        return [s for s in tree.body if isinstance(s, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == n for t in s.targets)]
    made = top(name)
    before = [s for s in made if s.lineno < line]
    after = [s for s in made if s.lineno > line]
    if before and after:
        return before[-1], after[0]
    if len(made) == 1 and before and isinstance(before[0].value, ast.Name):
        copied = [s for s in top(before[0].value.id) if before[0].lineno < s.lineno < line]
        if copied:
            return before[0], copied[0]
    return None


def name_source(tree: ast.Module, name: ast.AST) -> ast.expr | None:
    """Where the plain name read at `name` got its value, followed through locals and the one call of the
    function around it: `n_classes` of `nn.Linear(dim, n_classes)` in `__init__(self, dim, n_classes)` → the
    `len(observed)` of `n_classes = len(observed)` before `Model(24, n_classes)`.  None when the name is not a
    local, or a parameter given by more than one call."""
    seen: set[int] = set()
    found = None
    while isinstance(name, ast.Name) and id(name) not in seen and len(seen) < 4:
        seen.add(id(name))
        scope = binding_scope(tree, name)
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)) and name.id in [
                a.arg for a in (*scope.args.args, *scope.args.kwonlyargs)]:
            step = sole_argument(tree, scope, name.id)
        else:
            made = [a for a in assignments(tree, name.id, scope, before=name.lineno)
                    if a.stmt.lineno < name.lineno and not a.augmented]
            step = made[-1].value if made and isinstance(made[-1].stmt, (ast.Assign, ast.AnnAssign)) and \
                isinstance(made[-1].value, ast.expr) else None
        if step is None:
            break
        found = name = step
    return found


def splatted_keyword(tree: ast.Module, call: ast.Call, param: str, depth: int = 0) -> ast.expr | None:
    """What a call that passes `**kw` (and not `param` itself) hands its callee for `param`, followed through the
    user's plumbing: `kw` a dict written in the caller (`{"n_classes": ...}`, `dict(n_classes=...)`, or
    `kw["n_classes"] = ...` before the call), or the caller's own `**kw` parameter, given by the one call of the
    caller in the file (by keyword, or splatted again).  None when no single value is found."""
    if depth > 5 or keyword(call, param) is not None:
        return None
    splats = [k.value for k in call.keywords if k.arg is None]
    if len(splats) == 1 and isinstance(splats[0], ast.Call):  # `**asdict(tok_args)`: the instance's field
        return _dict_value(tree, splats[0], param, call.lineno, 0)
    if len(splats) != 1 or not isinstance(splats[0], ast.Name):
        return None
    name = splats[0].id
    scope = enclosing_scope(tree, call.lineno)
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)) and scope.args.kwarg is not None and \
            scope.args.kwarg.arg == name:
        if any(a.arg == param for a in [*scope.args.args, *scope.args.kwonlyargs]):
            return None  # taken out as a parameter of its own on the way
        return _given_by_caller(tree, scope, param, depth + 1)
    set_later = [s for s in nodes(scope, ast.Assign) if s.lineno < call.lineno and any(
        isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id == name and
        isinstance(t.slice, ast.Constant) and t.slice.value == param for t in s.targets)]
    if set_later:
        return set_later[-1].value
    return _dict_value(tree, splats[0], param, call.lineno, 0)


def _dict_value(tree: ast.Module, node: ast.AST, key: str, line: int, depth: int) -> ast.expr | None:
    """The value a dict expression gives `key`: a display's item or a `dict(...)` keyword, else the last dict it
    unpacks that gives it (`{**DEFAULTS, **overrides}`), a name followed to its assignment before `line` (in its
    scope, else at module level)."""
    if depth > 4:
        return None
    if isinstance(node, ast.Name):
        made = assignments(tree, node.id, enclosing_scope(tree, line), before=line) or assignments(tree, node.id, tree)
        return _dict_value(tree, made[-1].value, key, made[-1].stmt.lineno, depth + 1) if made and \
            not made[-1].augmented else None
    if isinstance(node, ast.Dict):
        written = dict_item(node, key)
        inner = [v for k, v in zip(node.keys, node.values) if k is None]
    elif isinstance(node, ast.Call) and call_name(node) in ("dict", "copy.copy", "copy.deepcopy") and \
            len(node.args) == 1 and not node.keywords:  # a copy: `dict(SETTINGS)`
        return _dict_value(tree, node.args[0], key, line, depth + 1)
    elif isinstance(node, ast.Call) and call_name(node).rpartition(".")[2] in ("asdict", "vars") and \
            len(node.args) == 1:
        return instance_field(tree, node.args[0], key, depth + 1)
    elif isinstance(node, ast.Call) and call_name(node) == "dict" and not node.args:
        given = keyword(node, key)
        written = given.value if given is not None else None
        inner = [k.value for k in node.keywords if k.arg is None]
    else:
        return None
    if written is not None:
        return written
    for unpacked in reversed(inner):  # a later dict's item wins
        found = _dict_value(tree, unpacked, key, line, depth + 1)
        if found is not None:
            return found
    return None


def instance_field(tree: ast.Module, node: ast.AST, key: str, depth: int = 0) -> ast.expr | None:
    """The value field `key` of a dataclass instance holds, read from the text: `node` is its construction
    (`TokenizeArgs()`, `Spec(64, max_length=32)`) or a name followed to it (an assignment, or the argument the one
    call of the function around gives); the construction's keyword or positional argument, else the field's
    default in the class body (`max_length: int = 32`, `field(default=32)`).  None for anything else."""
    if depth > 4:
        return None
    if isinstance(node, ast.Name):
        given = name_source(tree, node)
        return instance_field(tree, given, key, depth + 1) if given is not None else None
    if not isinstance(node, ast.Call):
        return None
    cls = next((c for c in nodes(tree, ast.ClassDef) if c.name == call_name(node).rpartition(".")[2]), None)
    if cls is None:
        return None
    given = keyword(node, key)
    if given is not None:
        return given.value
    fields = [s for s in cls.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
    at = next((i for i, s in enumerate(fields) if s.target.id == key), None)  # type: ignore[attr-defined]
    if at is None:
        return None
    if at < len(node.args) and not any(isinstance(a, ast.Starred) for a in node.args[:at + 1]):
        return node.args[at]
    if any(k.arg is None for k in node.keywords):
        return None
    value = fields[at].value
    if isinstance(value, ast.Call) and call_name(value).rpartition(".")[2] == "field":
        value = getattr(keyword(value, "default"), "value", None)
    return value


def kwargs_item(tree: ast.Module, node: ast.AST) -> ast.expr | None:
    """For `kw["p"]` or `kw.get("p", default)` read off the `**kw` parameter of the function around it, what the
    function's one caller hands it for `p` (by keyword, or through a dict it splats: `splatted_keyword`)."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        holder, key = node.value, node.slice.value
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and \
            node.args and isinstance(node.args[0], ast.Constant):
        holder, key = node.func.value, node.args[0].value
    else:
        return None
    if not isinstance(holder, ast.Name) or not isinstance(key, str):
        return None
    fn = enclosing_scope(tree, node.lineno)
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or fn.args.kwarg is None or \
            fn.args.kwarg.arg != holder.id:
        return None
    return _given_by_caller(tree, fn, key, 0)


def stored_value(tree: ast.Module, node: ast.AST) -> ast.expr | None:
    """For a read by key from a hand-written container, registry or tracker (`c.resolve("num_labels")`: a method
    call whose one argument is a string), what the file's one call that stores under that key gives it, with a
    method of another name (`c.register("num_labels", lambda c: ...)` → the lambda's body,
    `tracker.log_param("vocab_size", n)` → `n`).  None when no single store is found."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and len(node.args) == 1 and
            not node.keywords and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
        return None
    key, reader = node.args[0].value, node.func.attr
    stores = [c for c in calls(tree) if isinstance(c.func, ast.Attribute) and c.func.attr != reader and
              len(c.args) == 2 and isinstance(c.args[0], ast.Constant) and c.args[0].value == key]
    if len(stores) != 1:
        return None
    value = stores[0].args[1]
    return value.body if isinstance(value, ast.Lambda) else value


_SPEC_ARGS = ("args", "kwargs", "params", "options", "config", "init_args")


def registered_args(tree: ast.Module, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.Dict | None:
    """The arguments a settings dict gives a function (or, for an `__init__`, a class) the file only calls through
    a registry: the one dict display that names it by a string value (`{"type": "mlp_cls", "args": {...}}`, the
    name its decorator registers it under, `@register_head("mlp")`, or its own) and holds the arguments in a dict
    under `args`, `kwargs`, `params`...  None when the file calls it by name or no single such dict is found."""
    owner: ast.AST = fn
    if fn.name == "__init__":
        owner = enclosing_class(tree, fn.lineno) or fn
    if callers_of(tree, fn):
        return None
    decorators = getattr(owner, "decorator_list", [])
    names = {owner.name} | {a.value for d in decorators if isinstance(d, ast.Call)  # type: ignore[attr-defined]
                            for a in d.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    found = []
    for d in nodes(tree, ast.Dict):
        if not any(isinstance(v, ast.Constant) and v.value in names for v in d.values):
            continue
        held = [v for k, v in zip(d.keys, d.values) if isinstance(k, ast.Constant) and k.value in _SPEC_ARGS
                and isinstance(v, ast.Dict)]
        found += held[:1]
    return found[0] if len(found) == 1 else None


def registered_param(tree: ast.Module, node: ast.AST) -> ast.expr | None:
    """For a parameter read in the function that takes it, the value a registry's settings dict gives it."""
    if not isinstance(node, ast.Name):
        return None
    fn = enclosing_scope(tree, node.lineno)
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.id not in [
            a.arg for a in (*fn.args.args, *fn.args.kwonlyargs)]:
        return None
    args = registered_args(tree, fn)
    return dict_item(args, node.id) if args is not None else None


def key_path(node: ast.AST) -> list[str] | None:
    """The keys an attribute or item chain reads under its root name: `cfg.model.n_classes` and
    `cfg["model"]["n_classes"]` → ["model", "n_classes"]; None for anything else."""
    path: list[str] = []
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Attribute):
            path.append(node.attr)
        elif isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
            path.append(node.slice.value)
        else:
            return None
        node = node.value
    return path[::-1] if isinstance(node, ast.Name) else None


def nested_item(tree: ast.Module, node: ast.AST) -> ast.expr | None:
    """For a settings tree read two or more levels deep (`cfg.model.n_classes` of an attribute dict made from a
    nested dict display), the value the file's one display with that path of keys gives it; None when no single
    display has the path, or an override written as a dotted string (`"model.n_classes=5"`) may set it."""
    path = key_path(node)
    if path is None or len(path) < 2 or path[0] == "self":
        return None
    dotted = ".".join(path)
    if any(isinstance(c, ast.Constant) and isinstance(c.value, str) and c.value.split("=")[0].strip() == dotted
           for c in nodes(tree, ast.Constant)):
        return None
    found = []
    for d in nodes(tree, ast.Dict):
        value: ast.expr | None = d
        for key in path:
            value = dict_item(value, key) if isinstance(value, ast.Dict) else None
        if value is not None:
            found.append(value)
    return found[0] if len(found) == 1 else None


def handed_value(tree: ast.Module, node: ast.AST) -> ast.expr | None:
    """Where the value read at `node` is written, followed through the user's plumbing: a `**kw` item
    (kwargs_item), a container's stored value (stored_value), a registered function's parameter given by a
    settings dict (registered_args), a nested settings tree's item (nested_item), or an item of the dict a
    container stores (`c.resolve("settings")["num_labels"]` → the display's `"num_labels"` item); None when
    `node` is none of those or no single value is found."""
    found = None
    for _ in range(6):
        step = kwargs_item(tree, node) or stored_value(tree, node) or registered_param(tree, node) or \
            nested_item(tree, node)
        if step is None and isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and \
                isinstance(node.slice.value, str):
            held = stored_value(tree, node.value)
            step = _dict_value(tree, held, node.slice.value, node.lineno, 0) if held is not None else None
        if step is None:
            return found
        found = node = step
    return found


def _given_by_caller(tree: ast.Module, fn: ast.FunctionDef | ast.AsyncFunctionDef, key: str,
                     depth: int) -> ast.expr | None:
    """What the one call of `fn` in the file gives its `**kw` for `key`: by keyword, or through what it splats."""
    callers = callers_of(tree, fn)
    if len(callers) != 1:
        return None
    given = keyword(callers[0], key)
    return given.value if given is not None else splatted_keyword(tree, callers[0], key, depth)


def root_name(node: ast.AST) -> str | None:
    """`batch` of `batch["ids"][0].T`: the name under a chain of subscripts and attributes, if any."""
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def returned_mask(fn: ast.FunctionDef) -> tuple[ast.Return, ast.expr] | None:
    """(the return, the mask) when `fn`'s one return is `x[keep]` with `keep` a comparison, a negation, a boolean
    or an arithmetic expression, written inline or as a name assigned it once in `fn`."""
    rets = [r for r in nodes(fn, ast.Return) if r.value is not None]
    if len(rets) != 1 or not isinstance(rets[0].value, ast.Subscript):
        return None
    keep = rets[0].value.slice
    if isinstance(keep, ast.Name):
        made = [st.value for st in statements(fn) if isinstance(st, ast.Assign) and len(st.targets) == 1
                and isinstance(st.targets[0], ast.Name) and st.targets[0].id == keep.id]
        keep = made[0] if len(made) == 1 else None
    if not isinstance(keep, (ast.Compare, ast.BoolOp, ast.UnaryOp, ast.BinOp)):
        return None
    return rets[0], keep


def called_functions(tree: ast.Module, call: ast.Call) -> list[ast.FunctionDef]:
    """The functions of the file a call may run: those named like the callee's last part (`build_model`,
    `builder.build_model`), or, for a lookup in a module-level dict of functions (`BUILDERS[name](...)`),
    every function the dict's values name."""
    func = call.func
    if isinstance(func, ast.Subscript) and isinstance(func.value, ast.Name):
        table = next((a.value for a in assignments(tree, func.value.id, tree) if isinstance(a.value, ast.Dict)), None)
        names = {v.id for v in table.values if isinstance(v, ast.Name)} if table is not None else set()
    else:
        names = {call_name(call).rpartition(".")[2]}
    return [n for n in nodes(tree, ast.FunctionDef) if n.name in names]


@lru_cache(maxsize=16)
def seed_names(tree: ast.Module) -> frozenset[str]:
    """Names whose every read in the module is an argument of a seeding call (`torch.manual_seed(SEED)`,
    `random.seed(seed)`, `set_seed(SEED)`, `seed_everything(...)`): a random seed, never a size."""
    in_seed: dict[str, int] = {}
    loads: dict[str, int] = {}
    for call in calls(tree):
        if "seed" in call_name(call).rsplit(".", 1)[-1].lower():
            for n in (x for a in [*call.args, *call.keywords] for x in ast.walk(a)):
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                    in_seed[n.id] = in_seed.get(n.id, 0) + 1
    for n in nodes(tree, ast.Name):
        if isinstance(n.ctx, ast.Load):
            loads[n.id] = loads.get(n.id, 0) + 1
    return frozenset(k for k, c in in_seed.items() if loads.get(k) == c)


def keyword(call: ast.Call, name: str) -> ast.keyword | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw
    return None


class LineEditor:
    """Rewrites pieces of one statement of a file and returns whole-line Edits (DESIGN.md §4)."""

    def __init__(self, file: str, first: int, last: int) -> None:
        self.file, self.first, self.last = file, first, last
        self.lines = [files.line(file, n) for n in range(first, last + 1)]
        self.changes: list[tuple[int, int, int, int, str]] = []

    @classmethod
    def for_node(cls, file: str, node: ast.AST) -> "LineEditor":
        return cls(file, node.lineno, getattr(node, "end_lineno", None) or node.lineno)  # type: ignore[attr-defined]

    def replace(self, node: ast.AST, text: str) -> "LineEditor":
        self.changes.append((node.lineno, node.col_offset, node.end_lineno or node.lineno,  # type: ignore[attr-defined]
                             node.end_col_offset or 0, text))  # type: ignore[attr-defined]
        return self

    def insert_after(self, node: ast.AST, text: str) -> "LineEditor":
        """`text` right after `node` (`, mask` after a parameter or an argument)."""
        end, col = node.end_lineno or node.lineno, node.end_col_offset or 0  # type: ignore[attr-defined]
        self.changes.append((end, col, end, col, text))
        return self

    def add_keywords(self, call: ast.Call, text: str) -> "LineEditor":
        """Append `text` (e.g. `truncation=True`) as the last arguments of `call`: right after its last argument
        (so a trailing comma or a closing parenthesis on its own line stays as it is), else inside `()`."""
        spread = [k for k in call.keywords if k.arg is None]
        if spread and self._merge_into(spread[-1].value, text):  # `**cfg` may hold the key: merged after it
            return self
        parts = [*call.args, *call.keywords]
        last = max(parts, key=lambda n: (n.end_lineno or 0, n.end_col_offset or 0), default=None)
        if last is not None and last.end_lineno is not None and last.end_col_offset is not None:
            line = self.lines[last.end_lineno - self.first] if self.first <= last.end_lineno <= self.last else ""
            rest = line.encode()[last.end_col_offset:].decode(errors="ignore")
            start = self.lines[last.lineno - self.first] if self.first <= last.lineno <= self.last else ""
            own_line = (call.end_lineno or 0) > last.end_lineno and rest.strip() in (",", "") and \
                not start.encode()[:last.col_offset].decode(errors="ignore").strip()
            if own_line:  # one argument per line: the new one on a line of its own, like the others
                col = last.end_col_offset + (len(rest[:rest.index(",") + 1].encode()) if "," in rest else 0)
                sep = "" if rest.strip() == "," else ","
                indent = " " * len(start.encode()[:last.col_offset].decode(errors="ignore"))
                self.changes.append((last.end_lineno, col, last.end_lineno, col, f"{sep}\n{indent}{text},"))
                return self
            self.changes.append((last.end_lineno, last.end_col_offset, last.end_lineno, last.end_col_offset,
                                 ", " + text))
            return self
        end_line, end_col = call.end_lineno or call.lineno, (call.end_col_offset or 1) - 1
        self.changes.append((end_line, end_col, end_line, end_col, text))
        return self

    def _merge_into(self, mapping: ast.expr, text: str) -> bool:
        """`f(**{**a, **b})` + `k=v` → `f(**{**a, **b, "k": v})`; `f(**cfg)` → `f(**{**cfg, "k": v})`: the
        keyword would repeat a key the mapping may hold (a TypeError), so the mapping is extended instead."""
        try:
            given = ast.parse(f"f({text})", mode="eval").body
        except SyntaxError:
            return False
        if not isinstance(given, ast.Call) or given.args or any(k.arg is None for k in given.keywords):
            return False
        entries = ", ".join(f'"{k.arg}": {ast.unparse(k.value)}' for k in given.keywords)
        if isinstance(mapping, ast.Dict) and mapping.end_lineno is not None and mapping.end_col_offset is not None:
            sep = ", " if mapping.keys else ""
            self.changes.append((mapping.end_lineno, mapping.end_col_offset - 1, mapping.end_lineno,
                                 mapping.end_col_offset - 1, sep + entries))
            return True
        inner = ast.unparse(mapping)
        self.replace(mapping, f"{{**{inner}, {entries}}}")
        return True

    def _offset(self, line: int, col: int) -> int:
        pre = "".join(self.lines[: line - self.first])
        # ast columns are UTF-8 byte offsets
        return len(pre) + len(self.lines[line - self.first].encode()[:col].decode(errors="ignore"))

    def edit(self) -> Edit | None:
        text = "".join(self.lines)
        for l1, c1, l2, c2, new in sorted(self.changes, key=lambda c: (c[0], c[1]), reverse=True):
            a, b = self._offset(l1, c1), self._offset(l2, c2)
            text = text[:a] + new + text[b:]
        new_text = text.rstrip("\n")
        if not self.changes or not parses_in_file(self.file, self.first, self.last, new_text):
            return None
        return Edit(file=self.file, start_line=self.first, end_line=self.last, replacement=new_text)


def parses_in_file(file: str, first: int, last: int, replacement: str) -> bool:
    """True if the file still compiles with lines first..last replaced (compiled, not only parsed: a repeated
    keyword argument parses but does not compile).  Only the top-level statement holding those lines is
    re-compiled (a long file is not compiled twice per edit); else the whole file."""
    lines = files.lines(file)
    if not lines:
        return False
    tree = tree_of(file)
    stmt = top_statement(tree, first) if isinstance(tree, ast.Module) and tree.body else None
    if stmt is not None:
        lo, hi = _start(stmt), stmt.end_lineno or stmt.lineno
        if lo <= first and last <= hi:
            return _compiles(lines[lo - 1:first - 1] + [replacement + "\n"] + lines[last:hi])
    return _compiles(lines[: first - 1] + [replacement + "\n"] + lines[last:])


def _compiles(lines: list[str]) -> bool:
    try:
        compile("".join(lines), "<edit>", "exec", dont_inherit=True)
        return True
    except (SyntaxError, ValueError):
        return False


def cuts_last_position(node: ast.AST) -> bool:
    """A subscript's slice `:, :-1` or `:-1`: every position but the last, a sequence shifted one step right."""
    last = node.elts[-1] if isinstance(node, ast.Tuple) and node.elts else node
    return isinstance(last, ast.Slice) and last.lower is None and isinstance(last.upper, ast.UnaryOp) and \
        isinstance(last.upper.operand, ast.Constant) and last.upper.operand.value == 1


def with_name_replaced(file: str, node: ast.AST, name: str, new: str) -> str | None:
    """`node`'s text with every read of the plain name `name` replaced by `new`; None when `node` spans more
    than one line or does not read `name`."""
    if node.lineno != node.end_lineno:
        return None
    text = segment(file, node)
    uses = sorted((n.col_offset - node.col_offset, n.end_col_offset - node.col_offset) for n in ast.walk(node)
                  if isinstance(n, ast.Name) and n.id == name)
    if not uses:
        return None
    for start, end in reversed(uses):
        text = text[:start] + new + text[end:]
    return text


def insert_after(file: str, stmt: ast.stmt, text: str) -> Edit | None:
    """An edit that keeps statement `stmt` and adds `text` (same indentation) after it."""
    first, last = stmt.lineno, stmt.end_lineno or stmt.lineno
    lines = [files.line(file, n) for n in range(first, last + 1)]
    indent = lines[0][: len(lines[0]) - len(lines[0].lstrip())]
    replacement = "".join(lines).rstrip("\n") + "\n" + indent + text
    if not parses_in_file(file, first, last, replacement):
        return None
    return Edit(file=file, start_line=first, end_line=last, replacement=replacement)


def remove_statement(file: str, stmt: ast.stmt) -> Edit | None:
    """An edit that deletes statement `stmt` (its whole lines), when the file still parses without it and no
    other statement shares its lines."""
    first, last = stmt.lineno, stmt.end_lineno or stmt.lineno
    text = "".join(files.line(file, n) for n in range(first, last + 1))
    code = re.sub(r"\s*#[^\n'\"]*$", "", text.rstrip())  # a comment after the statement goes with it
    if code.strip() != (segment(file, stmt) or "").strip() or not parses_in_file(file, first, last, ""):
        return None
    return Edit(file=file, start_line=first, end_line=last, replacement="")


def hoist_before(file: str, block: ast.stmt, inner: ast.stmt) -> Edit | None:
    """An edit that moves statement `inner` out of the body of compound statement `block` to just before it,
    at the block's indentation, when `inner` has its lines to itself and the file still compiles."""
    first, last = block.lineno, block.end_lineno or block.lineno
    a, b = inner.lineno - first, (inner.end_lineno or inner.lineno) - first
    lines = [files.line(file, n) for n in range(first, last + 1)]
    if not 0 < a <= b < len(lines):
        return None
    if lines[a][:inner.col_offset].strip() or inner.end_col_offset != len(lines[b].rstrip("\n").split("#")[0].rstrip()):
        return None  # another statement shares its lines
    outer = lines[0][: len(lines[0]) - len(lines[0].lstrip())]
    cut = inner.col_offset - len(outer)
    if cut <= 0:
        return None
    moved = [ln[cut:] if not ln[:cut].strip() else ln for ln in lines[a:b + 1]]
    replacement = "".join(moved + lines[:a] + lines[b + 1:]).rstrip("\n")
    if not parses_in_file(file, first, last, replacement):
        return None
    return Edit(file=file, start_line=first, end_line=last, replacement=replacement)


def insert_before(file: str, stmt: ast.stmt, text: str) -> Edit | None:
    """An edit that adds `text` (same indentation) before statement `stmt`, keeping it."""
    first, last = stmt.lineno, stmt.end_lineno or stmt.lineno
    lines = [files.line(file, n) for n in range(first, last + 1)]
    indent = lines[0][: len(lines[0]) - len(lines[0].lstrip())]
    replacement = indent + text + "\n" + "".join(lines).rstrip("\n")
    if not parses_in_file(file, first, last, replacement):
        return None
    return Edit(file=file, start_line=first, end_line=last, replacement=replacement)
