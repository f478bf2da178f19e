"""A label list filled further after the model was built from it: `sync_label_lists(SPECS, rows)`, or a
comprehension that calls `spec.label_id(name)` (a method that appends a name it has not seen), runs after
`model = Model(..., SPECS)`, so the heads were sized before the list held every class and the new classes' ids
are past their outputs.  The one fix that holds for every later class is to fill the list first: the statement
that fills it is moved before the model's construction, when what it reads is already there.  Read from the
user's source (nothing runs)."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from .. import source as src
from ..facts import Context
from . import fact
from .classes import user_files

GROWN_AFTER_MODEL = fact("grown-after-model", "a statement after the model's construction (`grows`, line "
                                              "`grows_line`) calls `grower`, which appends to a label list "
                                              "(`grown_list`), and both read `held`: the heads were sized before")
_LABELY = re.compile(r"label|class|categor|tags?$|names$|intents?$|kinds?$|types?$", re.I)


@dataclass
class GrownAfter:
    file: str
    model: ast.stmt    # `model = MultiTaskTriage(len(vocab), TASK_SPECS)`
    grows: ast.stmt    # `sync_label_lists(TASK_SPECS, NOTES)`, later in the same body
    grower: str        # `sync_label_lists`
    grown: str         # `specs[task]["labels"]`, as the grower writes it
    held: str          # `TASK_SPECS`, read by both statements



def _growers(tree: ast.Module, file: str) -> dict[str, str]:
    """Function or method name → the label list it appends to (`labels.append(x)`, `classes.add(x)`)."""
    out: dict[str, str] = {}
    for fn in src.nodes(tree, ast.FunctionDef):
        for call in src.calls(fn):
            if isinstance(call.func, ast.Attribute) and call.func.attr in ("append", "add") and len(call.args) == 1 \
                    and _LABELY.search(src.last_name(call.func.value)):
                out.setdefault(fn.name, src.segment(file, call.func.value))
    return out


def grown_after_model(ctx: Context) -> GrownAfter | None:
    """The one statement that runs after the model's construction in the same body (the module's or a
    function's) and calls a function of the user's that appends to a label list, both reading the same name."""
    models = {m.expr for fr in ctx.user_frames() for m in fr.modules if "." not in m.expr}
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        growers = _growers(tree, file) if tree is not None else {}
        if not growers:
            continue
        for scope in [tree, *src.nodes(tree, ast.FunctionDef, ast.If, ast.With, ast.For)]:
            body = scope.body
            for i, stmt in enumerate(body):
                if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                        and stmt.targets[0].id in models and isinstance(stmt.value, ast.Call)):
                    continue
                read = set(src.names_in(stmt.value))
                for later in body[i + 1:]:
                    calls = [c for c in src.calls(later) if src.call_name(c).rpartition(".")[2] in growers]
                    shared = sorted(read & set(src.names_in(later)) - {stmt.targets[0].id})
                    if calls and shared and stmt.targets[0].id not in src.names_in(later):
                        grower = src.call_name(calls[0]).rpartition(".")[2]
                        found.append(GrownAfter(file=file, model=stmt, grows=later, grower=grower,
                                                grown=growers[grower], held=shared[0]))
                        break
    return found[0] if len(found) == 1 else None


def facts_of(g: GrownAfter) -> dict[str, object]:
    """The values the sentences name."""
    text = " ".join(src.segment(g.file, g.grows).split())
    if len(text) > 60 and isinstance(g.grows, ast.Assign):
        text = " = ".join(src.segment(g.file, t) for t in g.grows.targets) + " = ..."  # `examples = ...`
    return dict(grows=text, grows_line=g.grows.lineno,
                grower=g.grower, grown_list=g.grown, held=g.held, model_line=g.model.lineno)
