"""Outputs collected over a DataLoader that drops its last, smaller batch (`drop_last=True`, given directly or
in a mapping spread into the call: `DataLoader(rows, **LOADER_KW)`): the collected tensor has fewer rows than
the data, by less than one batch.  A loop over the data then reads past its end; bounding the loop would
silently skip the examples that were dropped.  The fix keeps the last batch where the loader is built for this
pass.  Read from the provenance lines and the user's source."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, fact

DROPPED_IN_HELPER = fact("dropped-in-helper", "that DataLoader is built inside the user's helper (`loader_owner`), "
                                              "which passes drop_last=True itself")
DROPPED_LAST = fact("dropped-last", "`loader_call` (line `loader_line`) drops the last batch (`drop_last=True`"
                                    "`drop_from`): the collected `short` misses `missing` rows of the data")


def dropped_last(ctx: Context, f: Finding, short: TensorFacts | None, missing: int | None) -> bool:
    """Adds the fact and the hint `dropped_last` = (file, statement, DataLoader call, or None when the loader is
    made inside a helper of the user's) when a DataLoader that drops its last batch made `short`: on its
    provenance lines, or iterated by the loop that collects it (`for xb in loader: preds.append(...)`).  Its
    batch size, where known, is larger than the `missing` rows."""
    from ..provenance import origins
    if short is None or (missing is not None and missing <= 0) or ctx.frames[short.frame].library:
        return False
    frame = ctx.frames[short.frame]
    tree = src.tree_of(frame.file)
    places: list[tuple[str, ast.stmt | None]] = []
    for o in origins(ctx, [short]):
        t = src.tree_of(o.file)
        places.append((o.file, src.statement_at(t, o.line) if t is not None else None))
    root = short.expr.split("[")[0].split(".")[0]
    for loop in src.nodes(tree, ast.For) if tree is not None else ():
        if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("append", "extend")
               and isinstance(n.func.value, ast.Name) and n.func.value.id == root for n in ast.walk(loop)):
            places.append((frame.file, loop))
            made = src.last_assignment(tree, loop.iter.id, loop.lineno) if isinstance(loop.iter, ast.Name) else None
            if made is not None and isinstance(made.stmt, ast.Assign):  # `for xb, _ in test_loader:`
                places.append((frame.file, made.stmt))
    for file, stmt in places:
        tree = src.tree_of(file)
        calls = [stmt.iter] if isinstance(stmt, ast.For) and isinstance(stmt.iter, ast.Call) else \
            list(src.calls(stmt)) if stmt is not None and not isinstance(stmt, ast.For) else []
        for call in calls:
            loader, owner = _loader_call(tree, call)
            if loader is None:
                continue
            drop, size, spread = _options(tree, loader, loader.lineno)
            if drop is True and (size is None or missing is None or size > missing):
                f.facts.add(DROPPED_LAST)
                f.values.update(loader_call=" ".join(src.segment(file, call).split()), loader_line=call.lineno,
                                drop_from=f", from `{spread}`" if spread else f", in `{owner}`" if owner else "",
                                short=short.expr, missing=missing if missing is not None else "last")
                if owner:
                    f.facts.add(DROPPED_IN_HELPER)
                    f.values["loader_owner"] = owner
                f.hints["dropped_last"] = (file, stmt, call, loader if owner else None)
                return True
    return False


def _loader_call(tree: ast.Module, call: ast.Call) -> tuple[ast.Call | None, str | None]:
    """The DataLoader call itself, or the one a function of the file returns when `call` calls it: (that
    DataLoader call, the function's name or None)."""
    if src.call_name(call).endswith("DataLoader"):
        return call, None
    fn = next((d for d in src.nodes(tree, ast.FunctionDef) if d.name == src.call_name(call)), None)
    for r in ast.walk(fn) if fn is not None else ():
        if isinstance(r, ast.Return) and isinstance(r.value, ast.Call) and src.call_name(r.value).endswith("DataLoader"):
            return r.value, fn.name
    return None, None


def _options(tree: ast.Module, call: ast.Call, line: int) -> tuple[object, object, str | None]:
    """(drop_last, batch_size, the mapping they came from) of a DataLoader call, read from its keywords and
    from a dict literal (or `dict(...)`) spread into it with `**NAME`."""
    found: dict[str, object] = {}
    spread = None
    for k in call.keywords:
        if k.arg is None and isinstance(k.value, ast.Name):
            a = src.last_assignment(tree, k.value.id, line)
            v = a.value if a is not None else None
            if isinstance(v, ast.Dict):
                for key, value in zip(v.keys, v.values):
                    if isinstance(key, ast.Constant) and isinstance(value, ast.Constant):
                        found[key.value] = value.value
                        spread = k.value.id
            elif isinstance(v, ast.Call) and src.call_name(v) == "dict":
                for kw in v.keywords:
                    if kw.arg and isinstance(kw.value, ast.Constant):
                        found[kw.arg] = kw.value.value
                        spread = k.value.id
        elif k.arg and isinstance(k.value, ast.Constant):
            found[k.arg] = k.value.value
            if k.arg == "drop_last":
                spread = None
    return found.get("drop_last"), found.get("batch_size"), spread if "drop_last" in found else None
