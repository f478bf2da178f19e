"""Inputs cut by a helper of the user's that takes any number of tensors, the labels left out of the call:
`s_ids, s_mask = fit_to(24, ids, mask)` after `ids, mask, labels = encode(...)` keeps the labels at the
inputs' old width, so the loss gets more label positions than predictions.  Read from the user's source."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact

CUT_BY_HELPER = fact("cut-by-helper", "the inputs made beside the labels (`siblings`, line `made_line`) are cut by "
                                      "`helper` (`cut_call`, line `cut_line`), which takes any number of tensors; "
                                      "the labels `labels_root` are not given to it")


def cut_by_helper(ctx: Context, labels) -> Finding | None:
    """The reading (hints `cut_by_helper`: file, the cutting assignment, the labels' name)."""
    frame = ctx.user
    if labels is None or frame is None:
        return None
    from .operands import passed_in
    given = passed_in(ctx, labels)  # `labels=field_labels[rows]` given to a model: the user's text
    root = (given[0] if given is not None else labels.expr).split("[", 1)[0].split(".", 1)[0]
    tree = src.tree_of(frame.file)
    if tree is None or not root.isidentifier():
        return None
    made = [a for a in src.nodes(tree, ast.Assign) if len(a.targets) == 1 and isinstance(a.targets[0], ast.Tuple)
            and root in src.names_in(a.targets[0]) and a.lineno < frame.line]
    if len(made) != 1:
        return None
    siblings = {n for n in src.names_in(made[0].targets[0]) if n != root}
    helpers = {d.name: d for d in tree.body if isinstance(d, ast.FunctionDef) and d.args.vararg is not None}
    found = []
    for a in src.nodes(tree, ast.Assign):
        call = a.value
        if not (len(a.targets) == 1 and isinstance(a.targets[0], ast.Tuple) and isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name) and call.func.id in helpers and a.lineno > made[0].lineno
                and a.lineno < frame.line):
            continue
        passed = [x.id for x in call.args if isinstance(x, ast.Name)]
        n_fixed = len(helpers[call.func.id].args.args)
        if root in passed or not siblings & set(passed[max(n_fixed - 1, 0):]) or \
                len(a.targets[0].elts) != len(call.args) - n_fixed or any(isinstance(x, ast.Starred) for x in call.args):
            continue
        found.append(a)
    if len(found) != 1:
        return None
    cut = found[0]
    f = Finding(facts={CUT_BY_HELPER})
    f.values.update(siblings=", ".join(f"`{s}`" for s in sorted(siblings & set(src.names_in(cut.value)))),
                    made_line=made[0].lineno, helper=cut.value.func.id,
                    cut_call=" ".join(src.segment(frame.file, cut.value).split()), cut_line=cut.lineno,
                    labels_root=root)
    f.hints["cut_by_helper"] = (frame.file, cut, root)
    return f
