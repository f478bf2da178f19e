"""Fixes for layer sizes: a Linear whose in_features differs from the hidden size fed to it."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import Finding
from ..facts import Context
from ..model import FrameFacts
from . import Located, edits_of, locator


@locator("linear-in")
def linear_in(ctx: Context, f: Finding) -> Located:
    name, want, hidden = f.hints.get("layer_name"), f.hints.get("in_features"), f.hints.get("hidden")
    if not name:
        return [], None
    for fr in ctx.user_frames():
        tree = src.tree_of(fr.file)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                    and src.call_name(node.value).endswith("Linear") and node.value.args):
                continue
            if not any(src.segment(fr.file, t) == f"self.{name}" for t in node.targets):
                continue
            init = src.enclosing_scope(tree, node.lineno)
            replacement = str(hidden)
            # the encoder handed to __init__: `self.bert = bert` whose config has the real hidden size
            cfg_owner = _config_source(fr, init, hidden)
            if cfg_owner:
                replacement = cfg_owner
            return edits_of(src.LineEditor.for_node(fr.file, node).replace(node.value.args[0], replacement)), None
    return [], None


def _config_source(fr: FrameFacts, init: ast.AST, hidden: object) -> str | None:
    if not isinstance(init, ast.FunctionDef):
        return None
    params = {a.arg for a in init.args.args}
    for n in ast.walk(init):
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Name) and n.value.id in params:
            for t in n.targets:
                if isinstance(t, ast.Attribute):
                    m = next((m for m in fr.modules if m.expr == f"self.{t.attr}"), None)
                    if m is not None and m.config.get("hidden_size") == hidden:
                        return f"{n.value.id}.config.hidden_size"
    if "config" in params:
        return "config.hidden_size"
    return None
