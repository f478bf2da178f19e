"""Labels made as one block of ones and one of zeros (`torch.cat([torch.ones(n_pos), torch.zeros(n_pos)])`) for
the positive and the sampled negative pairs that the same function joins into the scored pairs (`pairs =
torch.cat([pos_pairs, neg_pairs], dim=1)`), where the count of a block is not the size of its part: `n_pos =
len(interactions)` counts the records, while `pos_pairs` holds both directions of each.  The loss then gets
another number of labels than of scores.  The fix sets the count from the part it labels (`n_pos =
pos_pairs.size(1)`), so the negatives sampled with it follow.  Read from the user's source and the sizes in the
frames (nothing runs)."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact

PART_COUNT = fact("part-count", "the labels `labels` are blocks per part (`labels_made`, line `labels_line`) of the "
                                "pairs joined as `parts_made`; the block for `part` counts `count` = `count_was` "
                                "(`count_value`), while `part` holds `part_size`")
_FACTORIES = ("ones", "zeros", "full")


def part_count(ctx: Context, labels, n_logits: int, n_labels: int) -> Finding | None:
    """The reading (hints `part_count`: file, the count's assignment, its new value text)."""
    from ..provenance import trace
    from .classes import static_int
    if labels is None:
        return None
    for step in trace(ctx, labels):
        tree = src.tree_of(step.file)
        stmt = src.statement_at(tree, step.line) if tree is not None else None
        blocks = _blocks(stmt.value) if isinstance(stmt, ast.Assign) else None
        if not blocks:
            continue
        scope = src.enclosing_scope(tree, stmt.lineno)
        joined = _joined_parts(scope, len(blocks), stmt.lineno)
        if joined is None:
            continue
        join_stmt, parts, dim = joined
        for count, part in zip(blocks, parts):
            size = _part_size(ctx, scope, part, dim)
            if not isinstance(count, ast.Name) or size is None:
                continue
            made = src.assignments(tree, count.id, scope, before=stmt.lineno)
            value = (static_int(ctx, tree, made[-1].value) or _len_in_frames(ctx, made[-1].value)) if made else None
            if not made or not isinstance(made[-1].stmt, ast.Assign) or value is None or value == size \
                    or any(isinstance(n, ast.Name) and n.id == part.id for n in ast.walk(made[-1].value)):
                continue
            new = f"{part.id}.size({dim})"
            a = made[-1]
            return Finding(facts={PART_COUNT}, values={
                "labels_made": " ".join(src.segment(step.file, stmt.value).split()), "labels_line": stmt.lineno,
                "parts_made": " ".join(src.segment(step.file, join_stmt.value).split()), "part": part.id,
                "count": count.id, "count_was": src.segment(step.file, a.value), "count_value": value,
                "part_size": size, "count_fixed": new}, hints={"part_count": (step.file, a.stmt, a.value, new)})
    return None


def _len_in_frames(ctx: Context, value: ast.AST) -> int | None:
    """`len(records)` as the frames hold `records` now."""
    if not (isinstance(value, ast.Call) and src.call_name(value) == "len" and len(value.args) == 1
            and isinstance(value.args[0], ast.Name)):
        return None
    return next((fr.lengths[value.args[0].id] for fr in ctx.user_frames() if value.args[0].id in fr.lengths), None)


def _blocks(value: ast.AST) -> list[ast.expr] | None:
    """The counts of `torch.cat([torch.ones(a), torch.zeros(b)])`, one per block."""
    if not (isinstance(value, ast.Call) and src.call_name(value).split(".")[-1] in ("cat", "concat", "hstack")
            and value.args and isinstance(value.args[0], (ast.List, ast.Tuple)) and len(value.args[0].elts) >= 2):
        return None
    out = []
    for e in value.args[0].elts:
        if not (isinstance(e, ast.Call) and src.call_name(e).split(".")[-1] in _FACTORIES and e.args):
            return None
        out.append(e.args[0])
    return out


def _joined_parts(scope: ast.AST, k: int, line: int) -> tuple[ast.Assign, list[ast.Name], int] | None:
    """The scope's one other `X = torch.cat([a, b, ...], dim=d)` of `k` plain names (not factories)."""
    found = []
    for st in src.statements(scope, nested=True):
        v = getattr(st, "value", None)
        if not (isinstance(st, ast.Assign) and st.lineno != line and isinstance(v, ast.Call)
                and src.call_name(v).split(".")[-1] in ("cat", "concat") and v.args
                and isinstance(v.args[0], (ast.List, ast.Tuple)) and len(v.args[0].elts) == k
                and all(isinstance(e, ast.Name) for e in v.args[0].elts)):
            continue
        dim = src.keyword(v, "dim")
        d = dim.value.value if dim is not None and isinstance(dim.value, ast.Constant) else (
            v.args[1].value if len(v.args) > 1 and isinstance(v.args[1], ast.Constant) else 0)
        if isinstance(d, int) and d >= 0:
            found.append((st, list(v.args[0].elts), d))
    return found[0] if len(found) == 1 else None


def _part_size(ctx: Context, scope: ast.AST, part: ast.Name, dim: int) -> int | None:
    """The size along `dim` of a part: a tensor of a live frame under that name, or, for a parameter of the
    function, the tensor its caller handed (read from the caller's frame)."""
    for fr in ctx.user_frames():
        t = fr.tensor(part.id)
        if t is not None and len(t.shape) > dim and fr.function == getattr(scope, "name", "<module>"):
            return t.shape[dim]
    if not isinstance(scope, ast.FunctionDef):
        return None
    params = [a.arg for a in scope.args.args]
    if part.id not in params:
        return None
    place = params.index(part.id)
    for fr in ctx.user_frames():
        tree = src.tree_of(fr.file)
        for call in src.calls(tree) if tree is not None else ():
            if src.call_name(call).rpartition(".")[2] != scope.name or len(call.args) <= place \
                    or getattr(src.enclosing_scope(tree, call.lineno), "name", "<module>") != fr.function:
                continue
            arg = call.args[place]
            t = fr.tensor(src.segment(fr.file, arg)) if isinstance(arg, (ast.Name, ast.Attribute)) else None
            if t is not None and len(t.shape) > dim:
                return t.shape[dim]
    return None
