"""Special tokens put around the ids by one helper while another helper makes the labels, one per item: a record
built as `{"tokens": encode_chain(seq), "ss": encode_states(dssp)}`, where `encode_chain` builds its list as
`ids = [CLS]`, `ids += [vocab[a] for a in seq]`, `ids.append(EOS)` and `encode_states` returns
`torch.tensor([SS3[s] for s in dssp])`: every row of labels is shorter than its ids by the special tokens.  The
labels get a skipped label at each of those places, in the labels' helper.  Read from the user's source."""
from __future__ import annotations

import ast
from types import SimpleNamespace

from .. import source as src
from ..facts import Context


def _flat(value: ast.expr) -> list[ast.expr]:
    """The parts of an `a + b + c` chain of lists."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        return _flat(value.left) + _flat(value.right)
    return [value]


def _unwrapped(value: ast.expr | None) -> ast.expr | None:
    """`x` of `torch.tensor(x, ...)`, `np.array(x)`, `list(x)`; `value` itself otherwise."""
    if isinstance(value, ast.Call) and value.args and src.call_name(value).split(".")[-1] in (
            "tensor", "array", "asarray", "list", "LongTensor"):
        return value.args[0]
    return value


def _returned(fn: ast.FunctionDef) -> ast.expr | None:
    returns = [st for st in fn.body if isinstance(st, ast.Return) and st.value is not None]
    return _unwrapped(returns[-1].value) if len(returns) == 1 else None


def built_parts(fn: ast.FunctionDef) -> list[ast.expr] | None:
    """The parts, in order, of the list `fn` returns, built in its body by `x = ...`, `x += ...`, `x.append(v)`
    (a one-item list) and `x.extend(...)`; a returned chain's own parts when it returns one directly."""
    value = _returned(fn)
    if not isinstance(value, ast.Name):
        return _flat(value) if isinstance(value, ast.BinOp) else None
    name, parts = value.id, None
    for st in fn.body:
        grown = src.list_growth(st)
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name) \
                and st.targets[0].id == name:
            parts = _flat(st.value)
        elif grown is not None and grown[0] == name and parts is not None:
            parts += [ast.List(elts=[grown[2]], ctx=ast.Load())] if grown[1] == "append" else _flat(grown[2])
        elif name in {n.id for n in ast.walk(st) if isinstance(n, ast.Name)} and not isinstance(st, ast.Return):
            return None  # changed otherwise (an insert, a slice): the parts are not known
    return parts


def helper_specials(ctx: Context, surplus: int):
    """(file, the ids' helper, the labels' helper, the labels' comprehension, the ids' parts) for the one pair
    of helper calls that sit side by side in one record of the user's files (a dict's values, a tuple's items),
    the first building its list from one comprehension and list literals holding `surplus` items, the second
    returning one comprehension."""
    from ..provenance import user_function
    from .classes import user_files
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for rec in src.nodes(tree, ast.Dict, ast.Tuple) if tree is not None else ():
            items = rec.values if isinstance(rec, ast.Dict) else rec.elts
            fns = [user_function(tree, c, c.lineno) for c in items if isinstance(c, ast.Call)]
            fns = [fn for fn in fns if isinstance(fn, ast.FunctionDef)]
            for ids_fn in fns:
                parts = built_parts(ids_fn)
                if not parts:
                    continue
                comps = [p for p in parts if isinstance(p, ast.ListComp)]
                rest = [p for p in parts if not isinstance(p, ast.ListComp)]
                if len(comps) != 1 or not rest or not all(isinstance(p, ast.List) for p in rest) \
                        or sum(len(p.elts) for p in rest) != surplus:
                    continue
                for lab_fn in fns:
                    comp = _returned(lab_fn) if lab_fn is not ids_fn else None
                    if isinstance(comp, ast.ListComp):
                        found.append((file, ids_fn, lab_fn, comp, parts))
    unique = {(id(x[1]), id(x[2])): x for x in found}
    return next(iter(unique.values())) if len(unique) == 1 else None


def holder(comp: ast.ListComp) -> SimpleNamespace:
    """A stand-in statement whose `value` is the comprehension, for the fix that replaces a statement's value."""
    return SimpleNamespace(value=comp, lineno=comp.lineno)
