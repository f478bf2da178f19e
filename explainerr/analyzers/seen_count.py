"""A table sized by the values one source happened to hold, looked up with ids counted over all of them:
`num_nodes = len(sensors_seen)` with `sensors_seen = sorted({a for a, _, _ in dist_rows})` (only the sources of a
distance list) builds `nn.Embedding(num_nodes, d)`, while `node_ids = torch.arange(cfg.n_sensors)` numbers every
sensor.  The table has a row per value met, not per entity: ids counted with `torch.arange` over the entities'
own count are entity ids here, not positions of a sequence, and the count the arange uses sizes the table."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from .. import source as src
from ..facts import Context
from . import fact

SIZED_BY_SEEN = fact("sized-by-seen", "the table is sized by `count_name` = `count_expr` (line `count_line`), the "
                                      "distinct values of `seen`, while the ids count `torch.arange(all_count)`")

_DISTINCT_CALLS = re.compile(r"(^|\.)(set|frozenset|unique|Counter|dict|OrderedDict|defaultdict)$")


@dataclass
class SeenCount:
    file: str
    count: ast.Call              # `len(sensors_seen)`
    count_name: str | None       # `num_nodes`, the name the count was stored in
    seen: str                    # `sensors_seen`
    all_count: str | None = None     # `cfg.n_sensors` of the ids' `torch.arange(cfg.n_sensors)`


def seen_count(ctx: Context, table: str) -> SeenCount | None:
    """How the user's table `self.<table>` is sized when that is a count of distinct values (module docstring),
    through the argument of the call that builds its module (`Net(cfg, num_nodes)`)."""
    from .tables import table_size
    found = table_size(ctx, table.rsplit(".", 1)[-1])
    if found is None:
        return None
    if found.kind != "param":
        return _distinct(found.frame.file, found.size, found.stmt.lineno, None, 0)
    init = next((n for n in found.cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
    params = [a.arg for a in init.args.args[1:]] if init is not None else []
    hits = []
    for file, call in found.builds:
        arg = src.keyword(call, found.name)
        value = arg.value if arg is not None else (call.args[params.index(found.name)] if found.name in params
                                                   and params.index(found.name) < len(call.args) else None)
        hit = _distinct(file, value, call.lineno, None, 0) if value is not None else None
        if hit is not None:
            hits.append(hit)
    return hits[0] if len(hits) == 1 else None


def counted_over(ctx: Context, ids, seen: SeenCount) -> None:
    """Fill `seen.all_count`: the bound of the `torch.arange(n)` the ids were made with, when the ids are a
    name made by that call in a user frame (`node_ids = torch.arange(cfg.n_sensors)`)."""
    named = ctx.user_name(ids) if ids is not None else None
    if named is None or not named.expr.isidentifier():
        return
    found = ctx.origin(named.expr, ctx.frames[named.frame])
    call = found[2] if found is not None else None
    if isinstance(call, ast.Call) and src.call_name(call).split(".")[-1] == "arange" and len(call.args) == 1 \
            and not call.keywords:
        seen.all_count = src.segment(found[0].file, call.args[0])


def facts_of_seen(seen: SeenCount) -> dict:
    count = src.segment(seen.file, seen.count)
    return {"all_count": seen.all_count, "count_name": seen.count_name or count, "count_line": seen.count.lineno,
            "count_expr": count, "seen": seen.seen}


def _distinct(file: str, node: ast.AST, line: int, name: str | None, depth: int) -> SeenCount | None:
    """`node` counts distinct values: `len(x)` of a set, a set/dict comprehension, `sorted(set(...))`,
    `np.unique(...)`, a dict, or of a name assigned one of those (followed through plain names)."""
    tree = src.tree_of(file)
    if tree is None or depth > 3:
        return None
    if isinstance(node, ast.Name):
        a = src.last_assignment(tree, node.id, line)
        return _distinct(file, a.value, a.value.lineno, node.id, depth + 1) if a is not None else None
    if not (isinstance(node, ast.Call) and src.call_name(node) == "len" and len(node.args) == 1):
        return None
    if not _collection_of_distinct(tree, node.args[0], line, 0):
        return None
    return SeenCount(file=file, count=node, count_name=name, seen=src.segment(file, node.args[0]))


def _collection_of_distinct(tree: ast.Module, node: ast.AST, line: int, depth: int) -> bool:
    if isinstance(node, (ast.Set, ast.SetComp, ast.Dict, ast.DictComp)):
        return True
    if isinstance(node, ast.Call):
        name = src.call_name(node)
        if _DISTINCT_CALLS.search(name):
            return True
        return name in ("sorted", "list", "tuple") and bool(node.args) and _collection_of_distinct(
            tree, node.args[0], line, depth)
    if isinstance(node, ast.Name) and depth <= 3:
        a = src.last_assignment(tree, node.id, line)
        return a is not None and _collection_of_distinct(tree, a.value, a.value.lineno, depth + 1)
    return False
