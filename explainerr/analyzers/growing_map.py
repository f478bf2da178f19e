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
    return found[0] if len(found) == 1 else None


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
