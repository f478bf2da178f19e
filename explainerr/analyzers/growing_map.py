"""A map that numbers whatever it is asked for: `vocab = defaultdict(lambda: len(vocab))` gives every new key the
next id, so reading it with `vocab[w]` after a model was sized with `len(vocab)` adds the words it has not seen
and hands them ids past the model's table.  Read from the user's source (nothing runs)."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from .. import source as src
from ..facts import Context
from . import fact

GROWS_ON_LOOKUP = fact("grows-on-lookup", "the ids come from a map that numbers every new key it is asked for "
                                          "(`growing`, line `growing_line`), read after the model was sized with "
                                          "its length (`sized_by`, line `sized_line`)")
UNK_KEY = fact("unk-key", "the growing map has a key for unknown words the code writes (`unk_key`)")
_UNK = re.compile(r"(?i)unk")


@dataclass
class GrowingMap:
    file: str
    name: str
    made: ast.stmt                  # `vocab = defaultdict(lambda: len(vocab))`
    sized: ast.Call                 # `len(vocab)` that sizes the model
    lookups: list[ast.Subscript] = field(default_factory=list)  # `vocab[w]` read as values after the sizing
    unk: str | None = None          # `"<unk>"`, a key the code writes for unknown words
    unk_const: str | None = None    # `UNK`, a module constant for the unknown word's id, bound at every lookup


def growing_map(ctx: Context) -> GrowingMap | None:
    """The one self-numbering map of the user's files whose `len(...)` is taken once (the model's size) and which
    is read with `map[key]` as a value in a function (`encode`), where an unseen key adds an entry."""
    found = []
    for file in dict.fromkeys(f.file for f in ctx.user_frames()):
        tree = src.tree_of(file)
        for stmt in src.nodes(tree, ast.Assign) if tree is not None else ():
            name = _self_numbering(stmt)
            if name is None:
                continue
            sizes = [c for c in src.calls(tree) if src.call_name(c) == "len" and len(c.args) == 1
                     and isinstance(c.args[0], ast.Name) and c.args[0].id == name and c.lineno > stmt.lineno
                     and not src.contains(stmt, c.lineno)]
            sized = [c for c in sizes if _sizes_something(tree, c)]
            if len(sized) != 1:
                continue
            lookups = [s for s in src.nodes(tree, ast.Subscript) if isinstance(s.value, ast.Name)
                       and s.value.id == name and isinstance(s.ctx, ast.Load) and not isinstance(s.slice, ast.Constant)
                       and not isinstance(src.statement_at(tree, s.lineno), ast.Expr)
                       and isinstance(src.enclosing_scope(tree, s.lineno), (ast.FunctionDef, ast.Lambda))]
            if not lookups:
                continue
            keys = [s.slice.value for s in src.nodes(tree, ast.Subscript) if isinstance(s.value, ast.Name)
                    and s.value.id == name and isinstance(s.slice, ast.Constant) and isinstance(s.slice.value, str)
                    and _UNK.search(s.slice.value)]
            found.append(GrowingMap(file=file, name=name, made=stmt, sized=sized[0], lookups=lookups,
                                    unk=keys[0] if len(set(keys)) == 1 else None))
    if not found:
        found = [m for file in dict.fromkeys(f.file for f in ctx.user_frames()) if (m := _plumbed(file)) is not None]
    return found[0] if len(found) == 1 else None


def _plumbed(file: str) -> GrowingMap | None:
    """A self-numbering map a function of the file makes and returns (`stoi = defaultdict(lambda: len(stoi))` in
    `build_vocab`), sized with `len(...)` of what that function gives, and read with `m[key]` in a function where
    `m` is followed back to it (made_growing): the unknown id is a module constant named for it (`UNK`)."""
    from ..fixes.checks import bound_names
    tree = src.tree_of(file)
    if tree is None:
        return None
    made = [st for st in src.nodes(tree, ast.Assign) if _self_numbering(st) is not None
            and isinstance(src.enclosing_scope(tree, st.lineno), ast.FunctionDef)]
    if len(made) != 1:
        return None
    sized = [c for c in src.calls(tree) if src.call_name(c) == "len" and len(c.args) == 1
             and isinstance(c.args[0], ast.Name) and _sizes_something(tree, c) and made_growing(tree, c.args[0])]
    lookups = [s for s in src.nodes(tree, ast.Subscript) if isinstance(s.ctx, ast.Load)
               and isinstance(s.value, (ast.Name, ast.Attribute)) and not isinstance(s.slice, (ast.Constant, ast.Slice))
               and isinstance(src.enclosing_scope(tree, s.lineno), ast.FunctionDef)
               and src.enclosing_scope(tree, s.lineno) is not src.enclosing_scope(tree, made[0].lineno)
               and not isinstance(src.statement_at(tree, s.lineno), ast.Expr) and made_growing(tree, s.value)]
    if not sized or not lookups:
        return None
    unk = [n for n in _module_names(tree) if _UNK.fullmatch(n) or re.fullmatch(r"(?i)unk(_?(id|idx|index))?", n)]
    const = unk[0] if len(unk) == 1 and all(unk[0] in (bound_names(file, s.lineno) or set()) for s in lookups) else None
    return GrowingMap(file=file, name=_self_numbering(made[0]) or "", made=made[0], sized=sized[0],
                      lookups=lookups, unk_const=const)


def _module_names(tree: ast.Module) -> list[str]:
    """The names the module's top-level statements bind (plain and tuple assignments)."""
    out = []
    for st in tree.body:
        if isinstance(st, ast.Assign):
            for t in st.targets:
                out += [n.id for n in ast.walk(t) if isinstance(n, ast.Name)]
    return out


def made_growing(tree: ast.Module, node: ast.AST, depth: int = 0) -> bool:
    """The value read at `node` is a self-numbering map, followed through the user's plumbing: a name assigned
    one (or a call of a function of the file that returns one: `src_stoi = build_vocab(...)`), a parameter every
    call of its function fills with one (`encode(self, vocab, sent)` called as `self.encode(self.sv, s)`), or a
    `self.` attribute every assignment of its class fills with one (`self.sv, self.tv = src_vocab, tgt_vocab`)."""
    if depth > 6:
        return False
    if isinstance(node, ast.Call):
        fn = next((d for d in src.nodes(tree, ast.FunctionDef) if d.name == src.call_name(node).rpartition(".")[2]),
                  None)
        returns = [r.value for r in ast.walk(fn) if isinstance(r, ast.Return)] if fn is not None else []
        own = {n for s in src.nodes(fn, ast.Assign) if (n := _self_numbering(s)) is not None} if fn else set()
        return bool(returns) and all(isinstance(v, ast.Name) and v.id in own for v in returns)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        cls = src.enclosing_class(tree, node.lineno)
        values = [_attr_value(st, node.attr) for st in src.nodes(cls, ast.Assign)] if cls is not None else []
        values = [v for v in values if v is not None]
        return bool(values) and all(made_growing(tree, v, depth + 1) for v in values)
    if not isinstance(node, ast.Name):
        return False
    scope = src.binding_scope(tree, node)
    if isinstance(scope, ast.FunctionDef) and node.id in [a.arg for a in scope.args.args]:
        at = [a.arg for a in scope.args.args].index(node.id) - (1 if scope.args.args[0].arg == "self" else 0)
        given = [kw.value if (kw := src.keyword(c, node.id)) is not None else c.args[at] if 0 <= at < len(c.args)
                 else None for c in src.callers_of(tree, scope)]
        return bool(given) and all(g is not None and made_growing(tree, g, depth + 1) for g in given)
    made = src.assignments(tree, node.id, scope if isinstance(scope, ast.FunctionDef) else None)
    return bool(made) and all((isinstance(a.stmt, ast.Assign) and _self_numbering(a.stmt) == node.id)
                              or made_growing(tree, a.value, depth + 1) for a in made)


def _attr_value(stmt: ast.Assign, attr: str) -> ast.AST | None:
    """What `stmt` assigns to `self.<attr>`: `self.sv = v` or `self.sv, self.tv = a, b`."""
    for target in stmt.targets:
        pairs = zip(target.elts, stmt.value.elts) if isinstance(target, ast.Tuple) and isinstance(
            stmt.value, ast.Tuple) and len(target.elts) == len(stmt.value.elts) else [(target, stmt.value)]
        for t, v in pairs:
            if isinstance(t, ast.Attribute) and t.attr == attr and isinstance(t.value, ast.Name) and t.value.id == "self":
                return v
    return None


def catch_all_default(value: ast.AST, own: set[str]) -> bool:
    """`defaultdict(lambda: len(kept))` assigned to a name of `own` (a map reading none of those names in its
    factory): every key it does not hold gets the one catch-all id, so its length counts the keys it met."""
    return isinstance(value, ast.Call) and src.call_name(value).rpartition(".")[2] == "defaultdict" and bool(
        value.args) and isinstance(value.args[0], ast.Lambda) and not (set(src.names_in(value.args[0].body)) & own)


def self_numbering_maps(tree: ast.Module) -> list[str]:
    """The names the file assigns a self-numbering `defaultdict(lambda: len(name))`."""
    return [name for stmt in src.nodes(tree, ast.Assign) if (name := _self_numbering(stmt)) is not None]


def _self_numbering(stmt: ast.Assign) -> str | None:
    """`vocab` of `vocab = defaultdict(lambda: len(vocab))`."""
    if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
        return None
    name = stmt.targets[0].id
    value = stmt.value
    if not (isinstance(value, ast.Call) and src.call_name(value).rpartition(".")[2] == "defaultdict" and value.args
            and isinstance(value.args[0], ast.Lambda)):
        return None
    body = value.args[0].body
    if isinstance(body, ast.Call) and src.call_name(body) == "len" and body.args and isinstance(body.args[0], ast.Name) \
            and body.args[0].id == name:
        return name
    return None


def _sizes_something(tree: ast.Module, call: ast.Call) -> bool:
    """`len(vocab)` given as a keyword or argument of a call (`ModelCfg(vocab_size=len(vocab))`,
    `nn.Embedding(len(vocab), d)`) or assigned to a size-like name: not a count printed or logged."""
    stmt = src.statement_at(tree, call.lineno)
    for c in src.calls(stmt) if stmt is not None else ():
        if c is call or src.call_name(c) in ("print", "len", "str", "format") or src.call_name(c).startswith(
                ("log", "logger.", "logging.")) or src.call_name(c).endswith(("info", "debug", "warning")):
            continue
        if any(a is call for a in c.args) or any(k.value is call for k in c.keywords):
            return True
    return isinstance(stmt, ast.Assign) and stmt.value is call
