"""Per-step targets left whole by the function that makes an example's inputs and targets, while it cuts the inputs:
`def prepare_cycle(cycle): dvdt = np.diff(v) / dt; feats = np.stack([v[1:], i[1:], dvdt], -1); return feats,
cycle["soc"]` gives 299 input steps and 300 targets, and a loss that compares one prediction per input step
with the targets fails at dimension 1 of the batch.  Read from the user's source (nothing runs): the one function
of the user's files that returns an (inputs, targets) pair whose inputs read only `x[k:]` slices (and
`np.diff`, one step fewer) that all drop the steps the targets have too many, and whose targets read no slice.
The targets get the same slice where the function returns them."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact

CUT_IN_MAKER = fact("cut-in-maker", "`maker` (line `maker_line`) returns the inputs cut to start at step `cut` "
                                    "(`cut_reads`) and the targets `target_read` whole")

_DIFFS = ("np.diff", "numpy.diff", "torch.diff")


def cut_in_maker(ctx: Context, n_pred: int, n_target: int) -> Finding | None:
    from .classes import user_files
    extra = n_target - n_pred
    if extra <= 0:
        return None
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            hit = _cut_pair(file, fn, extra)
            if hit is not None and _called(tree, fn.name):
                found.append(hit)
    if len(found) != 1:
        return None
    file, fn, cuts, node, lower = found[0]
    read = src.segment(file, node)
    f = Finding(facts={CUT_IN_MAKER})
    f.values.update(maker=fn.name, maker_line=fn.lineno, cut=lower, n_extra=extra, target_read=read,
                    cut_reads=", ".join(dict.fromkeys(cuts)), target_fixed=f"{read}[{lower}:]")
    f.hints["cut_in_maker"] = (file, node, f"{read}[{lower}:]")
    return f


def _cut_pair(file: str, fn: ast.FunctionDef, extra: int) -> tuple | None:
    """(file, fn, the inputs' cuts as written, the targets' read node, the slice's start) when `fn` returns a pair
    whose first item reads only slices `[k:]` dropping `extra` steps (or `np.diff`, one step) and whose second
    item reads no slice and one value to cut."""
    rets = [r for r in src.nodes(fn, ast.Return) if r.value is not None]
    if len(rets) != 1 or not isinstance(rets[0].value, ast.Tuple) or len(rets[0].value.elts) != 2:
        return None
    inputs, targets = rets[0].value.elts
    local = {st.targets[0].id: st.value for st in src.statements(fn) if isinstance(st, ast.Assign)
             and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name)}
    seen_in, seen_tg = _expanded(inputs, local), _expanded(targets, local)
    cuts, lower = [], None
    for n in seen_in:
        if isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Slice):
            s = n.slice
            if s.upper is not None or s.step is not None or not isinstance(s.lower, ast.Constant) \
                    or s.lower.value != extra:
                return None
            cuts.append(" ".join(src.segment(file, n).split()))
            lower = src.segment(file, s.lower)
        elif isinstance(n, ast.Call) and src.call_name(n) in _DIFFS:
            if extra != 1 or n.keywords:
                return None
            cuts.append(src.call_name(n) + "(...)")
    if lower is None or any(isinstance(n, ast.Slice) or isinstance(n, ast.Call) and src.call_name(n) in _DIFFS
                            for n in seen_tg):
        return None
    params = {a.arg for a in fn.args.args}
    known = params | set(local)
    reads = [n for n in ast.walk(targets) if isinstance(n, (ast.Subscript, ast.Name)) and src.root_name(n) in known
             and not isinstance(getattr(n, "ctx", None), ast.Store)]
    outer = [n for n in reads if not any(n is not m and n in set(ast.walk(m)) for m in reads)]
    return (file, fn, cuts, outer[0], lower) if len(outer) == 1 else None


def _expanded(node: ast.AST, local: dict[str, ast.AST], depth: int = 4) -> list[ast.AST]:
    """The nodes of `node`, each local name it reads replaced by the nodes of its assignment (`depth` levels)."""
    out = []
    for n in ast.walk(node):
        out.append(n)
        if isinstance(n, ast.Name) and n.id in local and depth > 0:
            out.extend(_expanded(local[n.id], {k: v for k, v in local.items() if k != n.id}, depth - 1))
    return out



def _called(tree: ast.Module, name: str) -> bool:
    return any(src.call_name(c).split(".")[-1] == name for c in src.nodes(tree, ast.Call))
