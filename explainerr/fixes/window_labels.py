"""Fix for one label per text given to a model that predicts once per window: the tokenizer cut the texts into
overlapping windows (`return_overflowing_tokens=True`) and the user kept the window-to-text map
(`owner = enc.pop("overflow_to_sample_mapping")`), but the loss gets the texts' labels (`labels=readmit_labels`,
3 for 10 windows).  Each window takes its text's label: `readmit_labels[owner]`."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import Finding, fact
from ..facts import Context
from ..model import Edit
from . import edits_of, failing_statement, find_expr

WINDOW_LABELS = fact("window-labels", "the model predicts once per window of the texts (`owner` maps windows to "
                                      "texts) and got one label per text, `labels`")
_MAP_KEY = "overflow_to_sample_mapping"


def _window_map(tree: ast.Module, scope: ast.AST, line: int) -> str | None:
    """The one name assigned the tokenizer's window-to-text map before `line` in `scope`
    (`owner = enc.pop("overflow_to_sample_mapping")`, `owner = enc["overflow_to_sample_mapping"]`)."""
    found = []
    for a in src.statements(scope, nested=True):
        if not (isinstance(a, ast.Assign) and a.lineno < line and len(a.targets) == 1
                and isinstance(a.targets[0], ast.Name)):
            continue
        v = a.value
        key = v.args[0] if isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) and v.func.attr in (
            "pop", "get") and v.args else v.slice if isinstance(v, ast.Subscript) else None
        if isinstance(key, ast.Constant) and key.value == _MAP_KEY:
            found.append(a.targets[0].id)
    return found[0] if len(set(found)) == 1 else None


def labels_per_window(ctx: Context, f: Finding) -> list[Edit]:
    """`labels[owner]` where the failing call passes the per-text labels, when the frame holds the window map
    `owner` with one entry per prediction row, each a row of the labels."""
    labels = f.hints.get("labels")
    rows = f.values.get("a")  # the predictions' rows, as the message gives them
    rows = int(rows) if isinstance(rows, str) and rows.isdigit() else rows
    if labels is None or not labels.shape or not isinstance(rows, int):
        return []
    for fr in ctx.user_frames():
        tree = src.tree_of(fr.file)
        found = failing_statement(fr)
        if tree is None or found is None:
            continue
        owner = _window_map(tree, src.enclosing_scope(tree, fr.line), fr.line)
        t = fr.tensor(owner) if owner else None
        if t is None or len(t.shape) != 1 or t.shape[0] != rows or t.max is None or t.max >= labels.shape[0]:
            continue
        given = next((a.text for a in fr.call_args if a.param == "labels" or a.text == labels.expr), None)
        node = find_expr(fr.file, found[1], given) if given else None
        if node is None:
            continue
        fixed = f"{given}[{owner}]"
        f.facts.add(WINDOW_LABELS)
        f.values.update(owner=owner, labels_by_window=fixed, window_labels=given)
        f.confidence = "high"
        return edits_of(src.LineEditor.for_node(fr.file, found[1]).replace(node, fixed))
    return []
