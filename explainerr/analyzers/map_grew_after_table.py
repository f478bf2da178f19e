"""An id map that numbers new keys as it meets them (`idx.setdefault(key, len(idx))`, `idx[key] = len(idx)`)
sized a table with `len(idx)` (`MoleculeNet(num_atom_types=len(atom_to_idx))`), and a later statement of the
same body ran it over more data (`val_set = [encode(m, atom_to_idx) for m in VAL]`): the keys first met there
got ids past the table's last row.  The map holds more entries now than the table has rows, so the ids are a
vocabulary's, however they are named.  The fix (fixes/vocab.py) moves that statement before the table's
construction, so the table counts every key.  Read from the user's source and the frames' lengths (nothing
runs)."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .. import source as src
from ..facts import Context
from . import fact
from .classes import user_files

MAP_GREW_AFTER_TABLE = fact("map-grew-after-table", "the table was sized `len(grown_map)` (line `sized_line`) while "
                                                    "`grown_map` numbers keys as it meets them, and `grows_stmt` "
                                                    "(line `grows_line`) ran it over more data after that: it holds "
                                                    "`grown_len` entries now")


@dataclass
class GrownAfterTable:
    file: str
    name: str          # the map, `atom_to_idx`
    model: ast.stmt    # the statement that sized the table with len(name)
    grows: ast.stmt    # a later statement of the same body that numbers more keys into it
    length: int        # its entries now


def map_grew_after_table(ctx: Context, rows: int | None, top: int | None) -> GrownAfterTable | None:
    """The map and statements, when a user map of more than `rows` entries (at least `top + 1`) sized a call's
    argument as `len(map)` and a later statement of the same body hands the map to a function of the file
    that numbers new keys into it (or numbers them itself)."""
    if not isinstance(rows, int) or not isinstance(top, int) or top < rows:
        return None
    lengths = {k: v for fr in ctx.user_frames() for k, v in fr.lengths.items()}
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            for arg in [*call.args, *(k.value for k in call.keywords)]:
                name = _len_of(arg)
                if name is None or not (rows < lengths.get(name, 0) and lengths[name] >= top + 1):
                    continue
                model = src.statement_at(tree, call.lineno)
                grows = _later_growth(tree, model, name) if model is not None else None
                if grows is not None:
                    return GrownAfterTable(file=file, name=name, model=model, grows=grows, length=lengths[name])
    return None


def facts_of(g: GrownAfterTable) -> dict[str, object]:
    return {"grown_map": g.name, "sized_line": g.model.lineno, "grows_stmt": " ".join(
        src.segment(g.file, g.grows).split())[:120], "grows_line": g.grows.lineno, "grown_len": g.length}


def _len_of(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and src.call_name(node) == "len" and len(node.args) == 1 and isinstance(
            node.args[0], ast.Name):
        return node.args[0].id
    return None


def _later_growth(tree: ast.Module, model: ast.stmt, name: str) -> ast.stmt | None:
    """The first statement after `model` in its own body that numbers keys into `name`: it calls a function of
    the file with `name` as an argument whose parameter there is numbered into, or numbers into it itself."""
    body = next((b for n in ast.walk(tree) for b in _bodies(n) if model in b), None)
    if body is None:
        return None
    numbering = _functions_by_name(tree)
    for stmt in body[body.index(model) + 1:]:
        for call in (c for c in ast.walk(stmt) if isinstance(c, ast.Call)):
            fn = numbering.get(src.call_name(call).rpartition(".")[2])
            if fn is None:
                continue
            params = [a.arg for a in fn.args.args]
            given = [params[i] for i, a in enumerate(call.args) if i < len(params) and isinstance(a, ast.Name)
                     and a.id == name]
            given += [k.arg for k in call.keywords if isinstance(k.value, ast.Name) and k.value.id == name]
            if any(_numbers_into(fn, p) for p in given):
                return stmt
        if _numbers_into(stmt, name):
            return stmt
    return None


def _bodies(node: ast.AST):
    for field in ("body", "orelse", "finalbody"):
        value = getattr(node, field, None)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            yield value


def _functions_by_name(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {fn.name: fn for fn in src.nodes(tree, ast.FunctionDef)}


def _numbers_into(scope: ast.AST, name: str) -> bool:
    """`name.setdefault(k, len(name))` or `name[k] = len(name)` inside `scope`."""
    for n in ast.walk(scope):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "setdefault" \
                and isinstance(n.func.value, ast.Name) and n.func.value.id == name and len(n.args) == 2 \
                and _len_of(n.args[1]) == name:
            return True
        if isinstance(n, ast.Assign) and _len_of(n.value) == name and any(
                isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id == name
                for t in n.targets):
            return True
    return False

