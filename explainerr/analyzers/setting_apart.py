"""Labels sized by one setting and predictions by another of the same settings object: `DemoChunkDataset(demos,
horizon=cfg.n_action_steps)` cuts 10 actions per example while the model predicts `cfg.chunk_size` = 8, so the
loss meets 10 labels for every 8 predictions.  Read from the user's source (nothing runs): the one construction of
the user's Dataset given a field `H.a` of a settings class, and the one other int field `H.b` of that class, read
where a model is built, such that predictions × a = labels × b.  The Dataset is given `H.b`."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact

SETTING_APART = fact("setting-apart", "`dataset_call` (line `dataset_line`) sizes each example's labels with "
                                      "`given` = `given_value`, while the model predicts `meant` = `meant_value` "
                                      "per example")


def setting_apart(ctx: Context, n_pred: int, n_target: int) -> Finding | None:
    from ..batches import user_datasets
    found = []
    for file, cls in user_datasets(ctx):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            if src.call_name(call) != cls.name:
                continue
            for value in [*call.args, *(k.value for k in call.keywords)]:
                if not (isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name)):
                    continue
                fields = _int_fields(tree, value.value.id)
                given = fields.get(value.attr)
                for name, v in fields.items() if given else ():
                    if name != value.attr and v != given and n_pred * given == n_target * v and _sizes_model(tree, name):
                        found.append((file, tree, call, value, name, given, v))
    shaped = [hit for hit in found if _sizes_model(hit[1], hit[4], ("view", "reshape", "unflatten"))]
    found = shaped or found  # a field the output is shaped by (`out.view(-1, cfg.chunk_size, ...)`) before others
    if len(found) != 1:
        return None
    file, tree, call, value, name, given, v = found[0]
    stmt = src.statement_at(tree, call.lineno)
    if stmt is None:
        return None
    meant = f"{value.value.id}.{name}"
    f = Finding(facts={SETTING_APART})
    f.values.update(dataset_call=" ".join(src.segment(file, call).split()), dataset_line=call.lineno,
                    given=src.segment(file, value), given_value=given, meant=meant, meant_value=v)
    f.hints["setting_apart"] = (file, stmt, value, meant)
    return f


def _int_fields(tree: ast.Module, holder: str) -> dict[str, int]:
    """The int defaults of the settings class `holder` is the one instance of (`cfg = Config()`), by field."""
    from .classes import literal_defaults, settings_class_of
    cls = settings_class_of(tree, holder)
    return {k: v for k, v in literal_defaults(cls).items() if type(v) is int} if cls is not None else {}


def _sizes_model(tree: ast.Module, field: str, calls: tuple[str, ...] = ()) -> bool:
    """`field` is read by a layer's construction or an output's `view`/`reshape` in an `nn.Module` class (only
    by the methods named in `calls` when given)."""
    for cls in src.nodes(tree, ast.ClassDef):
        if not any("Module" in ast.unparse(b) for b in cls.bases):
            continue
        for call in src.calls(cls):
            name = src.call_name(call).split(".")[-1]
            if (name in calls if calls else (name[:1].isupper() or name in ("view", "reshape"))) and any(
                    isinstance(n, ast.Attribute) and n.attr == field for n in ast.walk(call)):
                return True
    return False
