"""A label list filled further after the model was built from it: `sync_label_lists(SPECS, rows)`, a
comprehension that calls `spec.label_id(name)` (a method that appends a name it has not seen), or a loop that
numbers a new class into the map itself (`label_to_id[x] = len(label_to_id)`), runs after `model = Model(...,
SPECS)`, so the heads were sized before the list held every class and the new classes' ids are past their
outputs.  The fix that holds for every later class fills the list first (fixes/label_range.py: the statement moved
before the model's construction, or the construction moved after it).  Read from the user's source (nothing
runs)."""
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
    between: tuple[ast.stmt, ...] = ()  # the statements after the model's construction, up to `grows`


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
    function's) and calls a function of the user's that appends to a label list, both reading the same name, or
    numbers a new class into a label map the construction's size was read from."""
    models = {m.expr for fr in ctx.user_frames() for m in fr.modules if "." not in m.expr}
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        growers = _growers(tree, file)
        for scope in [tree, *src.nodes(tree, ast.FunctionDef, ast.If, ast.With, ast.For)]:
            body = scope.body
            for i, stmt in enumerate(body):
                if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                        and stmt.targets[0].id in models and isinstance(stmt.value, ast.Call)):
                    continue
                read = set(src.names_in(stmt.value))
                for later in body[i + 1:]:
                    if stmt.targets[0].id in src.names_in(later):
                        continue
                    calls = [c for c in src.calls(later) if src.call_name(c).rpartition(".")[2] in growers]
                    shared = sorted(read & set(src.names_in(later)) - {stmt.targets[0].id})
                    if calls and shared:
                        grower = src.call_name(calls[0]).rpartition(".")[2]
                        found.append(GrownAfter(file=file, model=stmt, grows=later, grower=grower,
                                                grown=growers[grower], held=shared[0],
                                                between=tuple(body[i + 1:body.index(later)])))
                        break
                    grown = _grown_in_place(file, later)
                    if grown is not None and _sizes_from(tree, stmt, grown[1]):
                        found.append(GrownAfter(file=file, model=stmt, grows=later, grower=grown[0],
                                                grown=grown[1], held=grown[1],
                                                between=tuple(body[i + 1:body.index(later)])))
                        break
    return found[0] if len(found) == 1 else None


def _grown_in_place(file: str, stmt: ast.stmt) -> tuple[str, str] | None:
    """(how, the label map) for a statement that numbers a new class into a label map itself
    (`label_to_id[form] = len(label_to_id)`, in a loop's `except KeyError:` or an `if form not in ...`)."""
    for n in ast.walk(stmt):
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Subscript) and \
                isinstance(n.targets[0].value, ast.Name) and _LABELY.search(n.targets[0].value.id) and \
                isinstance(n.value, ast.Call) and src.call_name(n.value) == "len" and n.value.args and \
                src.segment(file, n.value.args[0]) == n.targets[0].value.id:
            return src.segment(file, n), n.targets[0].value.id
    return None


def _sizes_from(tree: ast.Module, model: ast.Assign, name: str) -> bool:
    """Whether the model's construction reads `name`, or a name assigned from it before (`n_classes =
    len(label_to_id)`)."""
    read = set(src.names_in(model.value))
    return name in read or any(a.targets[0].id in read and name in src.names_in(a.value)
                               for a in src.nodes(tree, ast.Assign) if a.lineno < model.lineno
                               and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name))


def facts_of(g: GrownAfter) -> dict[str, object]:
    """The values the sentences name."""
    text = " ".join(src.segment(g.file, g.grows).split())
    if len(text) > 60 and isinstance(g.grows, ast.Assign):
        text = " = ".join(src.segment(g.file, t) for t in g.grows.targets) + " = ..."  # `examples = ...`
    elif len(text) > 60:
        text = src.segment(g.file, g.grows).splitlines()[0].rstrip(":") + ": ..."  # `for _, form in rows: ...`
    return dict(grows=text, grows_line=g.grows.lineno,
                grower=g.grower, grown_list=g.grown, held=g.held, model_line=g.model.lineno)
