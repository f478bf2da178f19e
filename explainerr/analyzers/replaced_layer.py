"""A model's layer replaced by the user's code with another model's layer (`student.classifier =
copy.deepcopy(teacher.classifier)`): the copy keeps the size it was built for, the width of the model it came
from, while the model it is put into feeds it its own width.  The model's own layer had the right size, so
the replacement is what goes.  Read from the user's source; the layer is tied to the one that raised by its
identity in the frames."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from ..model import ModuleFacts
from . import Finding, fact
from .scene import TRANSFORMERS_MODEL

LAYER_REPLACED = fact("layer-replaced", "the layer that raised was put into `owner` by the user's code "
                                        "(`replaced_stmt`, line `replaced_line`): a copy of `replaced_from`, "
                                        "a layer of another model")
OWN_WIDTH = fact("own-width", "the config of the model the layer was put into gives the width its input has "
                                "(`width_field`)")
_COPIES = ("deepcopy", "copy")
_WIDTH_FIELDS = ("hidden_size", "dim", "d_model", "n_embd")


def replaced_layer(ctx: Context, f: Finding, layer: ModuleFacts | None) -> bool:
    """Adds the fact, and the hint `replaced` = (file, statement), when a statement of the user's files assigns
    `X.attr = copy.deepcopy(Y.attr2)` (or `= Y.attr2`), `X.attr` being the very layer that raised."""
    if layer is None or not layer.ident:
        return False
    names = {m.expr for fr in ctx.user_frames() for m in fr.modules if m.ident == layer.ident and "." in m.expr}
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for stmt in (src.nodes(tree, ast.Assign) if tree is not None else ()):
            if len(stmt.targets) != 1 or ast.unparse(stmt.targets[0]) not in names:
                continue
            value = stmt.value
            copied = isinstance(value, ast.Call) and src.call_name(value).split(".")[-1] in _COPIES and len(value.args) == 1
            if copied:
                value = value.args[0]
            if not isinstance(value, ast.Attribute):
                continue  # a layer built right there is sized right there (its own call is the site)
            f.facts.add(LAYER_REPLACED)
            target = ast.unparse(stmt.targets[0])
            f.values.update(owner=target.rsplit(".", 1)[0], replaced_stmt=" ".join(src.segment(file, stmt).split()),
                            replaced_line=stmt.lineno, replaced_from=ast.unparse(value),
                            donor=ast.unparse(value.value),
                            puts="a copy of" if copied else "the very layer")
            f.hints["replaced"] = (file, stmt)
            _own_width(ctx, f, f.values["owner"])
            return True
    return False


def _own_width(ctx: Context, f: Finding, owner: str) -> None:
    """High confidence when the model the layer was put into has, in its config, the width the layer is fed:
    the layer the model builds for itself takes that width.  Else the replacement is only the likely cause."""
    got = f.values.get("hidden")
    for fr in ctx.user_frames():
        for m in (m for m in fr.modules if m.expr == owner):
            field = next((k for k in _WIDTH_FIELDS if m.config.get(k) == got), None)
            if field is not None:
                f.facts |= {OWN_WIDTH, TRANSFORMERS_MODEL}  # the owner is a model with a config
                f.values["width_field"] = field
                f.confidence = "high"
                return
    f.confidence = "medium"
