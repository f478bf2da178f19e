"""Labels and inputs sliced out of their collections by two slices that differ in one name: in a training loop,
`texts = reviews[batch_slice(step, STUDENT_BS)]` beside `targets = pseudo[batch_slice(step, TEACHER_BS)]` takes
each step's inputs and labels with two batch sizes, so the loss gets another number of labels than of
predictions (and, before that, labels of other examples).  Read from the user's source (nothing runs)."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact

SLICED_UNLIKE = fact("sliced-unlike", "the labels `labels` are taken with `label_slice` (line `label_line`) and the "
                                      "inputs with `input_slice` (line `input_line`), the same slice but for "
                                      "`label_name` where the inputs have `input_name`")


def sliced_unlike(ctx: Context, labels) -> Finding | None:
    """The reading, when the labels are a plain name assigned `X[<slice>]` in the loop around the failing line,
    and another assignment of that loop takes `Y[<slice'>]` where slice' is the labels' slice with one name
    written otherwise (hints `sliced_unlike`: file, statement, the name node to replace, the inputs' name)."""
    frame = ctx.user
    if labels is None or frame is None or not labels.expr.isidentifier():
        return None
    tree = src.tree_of(frame.file)
    loops = src.enclosing_loops(tree, frame.line) if tree is not None else []
    if not loops:
        return None
    body = [st for st in src.statements(loops[0]) if isinstance(st, ast.Assign) and len(st.targets) == 1
            and isinstance(st.value, ast.Subscript) and st.lineno <= frame.line]
    mine = [st for st in body if isinstance(st.targets[0], ast.Name) and st.targets[0].id == labels.expr]
    if len(mine) != 1:
        return None
    made = mine[0]
    names = [n for n in ast.walk(made.value.slice) if isinstance(n, ast.Name)]
    found = []
    for other in body:
        if other is made or ast.dump(other.value.value) == ast.dump(made.value.value):
            continue
        for n in names:
            if _differs_only_in(made.value.slice, other.value.slice, n):
                found.append((other, n))
    if len(found) != 1:
        return None
    other, node = found[0]
    swapped = _name_at(made.value.slice, other.value.slice, node)
    f = Finding(facts={SLICED_UNLIKE})
    f.values.update(label_slice=" ".join(src.segment(frame.file, made.value.slice).split()), label_line=made.lineno,
                    input_slice=" ".join(src.segment(frame.file, other.value.slice).split()), input_line=other.lineno,
                    label_name=node.id, input_name=swapped)
    f.hints["sliced_unlike"] = (frame.file, made, node, swapped)
    return f


def _differs_only_in(a: ast.AST, b: ast.AST, name: ast.Name) -> bool:
    """`a` and `b` are the same expression except that `name` (a node of `a`) is another name in `b`."""
    other = _name_at(a, b, name)
    return other is not None and other != name.id


def _name_at(a: ast.AST, b: ast.AST, name: ast.Name) -> str | None:
    """The name `b` has where `a` has `name`, when the two are otherwise written alike; else None."""
    na, nb = list(ast.walk(a)), list(ast.walk(b))
    if len(na) != len(nb):
        return None
    at = None
    for x, y in zip(na, nb):
        if type(x) is not type(y):
            return None
        if isinstance(x, ast.Name):
            if x is name:
                at = y.id
            elif x.id != y.id:
                return None
        elif isinstance(x, ast.Constant) and x.value != y.value:
            return None
        elif isinstance(x, ast.Attribute) and x.attr != y.attr:
            return None
    return at
