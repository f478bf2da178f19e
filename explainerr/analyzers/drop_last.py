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

DROPPED_LAST = fact("dropped-last", "`loader_call` (line `loader_line`) drops the last batch (`drop_last=True`"
                                    "`drop_from`): the collected `short` misses `missing` rows of the data")


def dropped_last(ctx: Context, f: Finding, short: TensorFacts | None, missing: int) -> bool:
    """Adds the fact and the hint `dropped_last` = (file, statement, DataLoader call) when a DataLoader call on
    the provenance of `short` drops its last batch and its batch size is larger than the `missing` rows."""
    from ..provenance import origins
    if short is None or missing <= 0 or ctx.frames[short.frame].library:
        return False
    for o in origins(ctx, [short]):
        tree = src.tree_of(o.file)
        stmt = src.statement_at(tree, o.line) if tree is not None else None
        for call in src.calls(stmt) if stmt is not None else ():
            if not src.call_name(call).endswith("DataLoader"):
                continue
            drop, size, spread = _options(tree, call, o.line)
            if drop is True and (size is None or size > missing):
                f.facts.add(DROPPED_LAST)
                f.values.update(loader_call=" ".join(src.segment(o.file, call).split()), loader_line=o.line,
                                drop_from=f", from `{spread}`" if spread else "", short=short.expr,
                                missing=missing)
                f.hints["dropped_last"] = (o.file, stmt, call)
                return True
    return False


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
