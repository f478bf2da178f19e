"""A sequence made of differences between neighbouring steps, walked beside sequences of the full length: `gaps =
np.diff(fill_days)` where the example is made has one step fewer than its `drugs`, so a loop over the drugs' steps
reads one gap past the end.  When each step needs a value of its own (a model stepped over every position), the
first step gets a difference of zero: `np.diff(x, prepend=x[..., :1])` keeps the length.  Read from the user's
source along the tensor's provenance (nothing runs)."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, fact

DIFFED_UPSTREAM = fact("diffed-upstream", "`diff_call` (line `diff_line`) makes `tensor` of the differences between "
                                          "neighbouring steps, one fewer than the steps the loop walks")

_DIFFS = ("np.diff", "numpy.diff", "torch.diff")


def diffed_upstream(ctx: Context, tensor: TensorFacts) -> Finding | None:
    """The one `np.diff(x)` / `torch.diff(x)` (no `n`, `prepend`, `append`) the tensor's provenance reaches, read
    by a traced statement directly or through one local it assigned."""
    from ..provenance import trace
    found = []
    places = [(step.file, step.line) for step in trace(ctx, tensor)]
    entry = _entry_given(ctx, tensor)
    if entry is not None:  # `batch["gaps"]` handed in: where the Dataset gives "gaps" its value
        from ..batches import item_entry
        made = item_entry(ctx, entry)
        if made is not None:
            places.append((made[0], made[1].lineno))
    for file, line in places:
        tree = src.tree_of(file)
        stmt = src.statement_at(tree, line) if tree is not None else None
        if stmt is None:
            continue
        scope = src.enclosing_scope(tree, stmt.lineno)
        reads = [stmt] + [a.stmt for n in src.names_in(stmt) if isinstance(stmt, (ast.Assign, ast.Return))
                          for a in src.assignments(tree, n, scope, before=stmt.lineno)[-1:]]
        for st in reads:
            for call in src.calls(st):
                if src.call_name(call) in _DIFFS and len(call.args) == 1 and not call.keywords:
                    found.append((file, st, call))
    calls = {(file, call.lineno, call.col_offset): (file, st, call) for file, st, call in found}
    if len(calls) != 1:
        return None
    file, st, call = next(iter(calls.values()))
    base = src.segment(file, call.args[0])
    module = src.call_name(call).rsplit(".", 1)[0]
    first = f"{base}[..., :1]" if module == "torch" else f"{module}.asarray({base})[..., :1]"  # (a list too)
    f = Finding(facts={DIFFED_UPSTREAM})
    f.values.update(diff_call=" ".join(src.segment(file, call).split()), diff_line=call.lineno,
                    diff_fixed=f"{src.call_name(call)}({base}, prepend={first})")
    f.hints["diffed_upstream"] = (file, st, call, f.values["diff_fixed"])
    return f


def _entry_given(ctx: Context, tensor: TensorFacts) -> str | None:
    """"gaps" when the tensor is a parameter its caller handed `batch["gaps"]`."""
    import re
    frame = ctx.frames[tensor.frame]
    caller = ctx._caller(frame) if tensor.expr in frame.params else None
    arg = next((a for a in caller.call_args if a.param == tensor.expr), None) if caller is not None else None
    m = re.fullmatch(r"\w+\[[\"'](\w+)[\"']\]", arg.text.strip()) if arg is not None else None
    return m.group(1) if m else None
