"""Labels made by walking other items than the inputs beside them: in one function the inputs walk `pairs =
list(itertools.permutations(ents, 2))` and the labels walk `itertools.combinations(ents, 2)`, two enumerations
of the same arguments by different callees, so there are not as many labels as inputs.  Read from the user's
source alone: two comprehensions of one function with the same loop target, one of them building a name that
reads as labels, walking calls given the same arguments.  The labels then walk what the inputs walk."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context
from . import Finding, fact
from .classes import user_files

ITERATED_APART = fact("iterated-apart", "the labels `apart_labels` (line `apart_labels_line`) walk `apart_walked`, "
                                        "while the inputs beside them walk `apart_inputs` (`apart_inputs_made`, line "
                                        "`apart_inputs_line`): calls of other functions on the same arguments")
_LABELY = re.compile(r"(?i)label|target|tag|gold|^y(_|$)")


def _walked(fn: ast.AST) -> list[tuple[ast.stmt, ast.comprehension]]:
    """(statement, generator) of every one-generator comprehension assigned in `fn`."""
    out = []
    for st in src.statements(fn):
        if not isinstance(st, ast.Assign):
            continue
        for comp in (n for n in ast.walk(st.value) if isinstance(n, (ast.ListComp, ast.GeneratorExp, ast.DictComp))):
            if len(comp.generators) == 1:
                out.append((st, comp.generators[0]))
    return out


def _made_from(fn: ast.AST, node: ast.expr, before: int) -> tuple[ast.Call, ast.stmt] | None:
    """(call, its statement) a walked name stands for: the name's last assignment before `before` in `fn`, a call
    or `list(call)` / `tuple(call)`; None for anything else."""
    if isinstance(node, ast.Name):
        made = [st for st in src.statements(fn) if isinstance(st, ast.Assign) and st.lineno < before
                and any(isinstance(t, ast.Name) and t.id == node.id for t in st.targets)]
        if not made:
            return None
        value = made[-1].value
        if isinstance(value, ast.Call) and src.call_name(value) in ("list", "tuple") and len(value.args) == 1:
            value = value.args[0]
        return (value, made[-1]) if isinstance(value, ast.Call) else None
    return None


def _same_arguments(a: ast.Call, b: ast.Call) -> bool:
    return bool(a.args) and [ast.dump(x) for x in a.args] == [ast.dump(x) for x in b.args] and \
        [(k.arg, ast.dump(k.value)) for k in a.keywords] == [(k.arg, ast.dump(k.value)) for k in b.keywords]


def iterated_apart(ctx: Context) -> Finding | None:
    """The labels' comprehension walking a call that the inputs' comprehension, in the same function and with the
    same loop target, walks another function of (on the same arguments), kept under a name."""
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            walked = _walked(fn)
            for st_l, gen_l in walked:
                names = [t.id for t in st_l.targets if isinstance(t, ast.Name)]
                if not (names and _LABELY.search(names[0])) or not isinstance(gen_l.iter, ast.Call):
                    continue
                for st_i, gen_i in walked:
                    if st_i is st_l or ast.dump(gen_i.target) != ast.dump(gen_l.target) \
                            or any(_LABELY.search(t.id) for t in st_i.targets if isinstance(t, ast.Name)):
                        continue
                    made = _made_from(fn, gen_i.iter, st_l.lineno)
                    if made is None or src.call_name(made[0]) == src.call_name(gen_l.iter) \
                            or not _same_arguments(made[0], gen_l.iter):
                        continue
                    inputs = src.segment(file, gen_i.iter)
                    return Finding(facts={ITERATED_APART}, values={
                        "apart_labels": names[0], "apart_labels_line": st_l.lineno,
                        "apart_walked": src.segment(file, gen_l.iter), "apart_inputs": inputs,
                        "apart_inputs_made": " ".join(src.segment(file, made[1]).split()),
                        "apart_inputs_line": made[1].lineno},
                        hints={"iterated_apart": (file, st_l, gen_l.iter, inputs)})
    return None
