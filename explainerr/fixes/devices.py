"""Fixes for devices: tensors left on another device than the model or the rest of the operation."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import Finding
from ..facts import Context
from . import Located, edits_of, failing_statement, locator


@locator("to-device")
def to_device(ctx: Context, f: Finding) -> Located:
    if "attribute" in f.variants:
        return _register_buffer(ctx, f), None
    root, frame, target = f.hints.get("root"), f.hints.get("frame"), f.hints.get("target")
    if not root or frame is None:
        return [], None
    stray = f.hints.get("stray") or []
    is_mapping = any(t.expr.startswith(f'{root}["') for t in stray)
    tree = src.tree_of(frame.file)
    a = src.last_assignment(tree, root, frame.line) if tree else None
    if a is not None and isinstance(a.stmt, ast.Assign) and a.value is a.stmt.value:
        rhs = src.segment(frame.file, a.value)
        new = (f"{{k: v.to({target}) for k, v in {rhs}.items()}}" if is_mapping else f"{rhs}.to({target})")
        return edits_of(src.LineEditor.for_node(frame.file, a.stmt).replace(a.value, new)), None
    # a loop variable or a parameter: move it right before the failing call
    found = failing_statement(frame)
    if found is None or not root.isidentifier():
        return [], None
    names = [root] + [t.expr for t in stray if t.expr.isidentifier() and t.expr != root]
    if tree is not None:  # the rest of the batch unpacked by the same loop goes along (labels too)
        device = stray[0].device if stray else None
        for loop in src.enclosing_loops(tree, frame.line):
            targets = src.names_in(loop.target)
            if root in targets:
                names += [t.expr for t in frame.tensors if t.expr in targets and t.device == device]
    moves = [f"{n} = {{k: v.to({target}) for k, v in {n}.items()}}" if any(
        t.expr.startswith(f'{n}["') for t in stray) else f"{n} = {n}.to({target})" for n in dict.fromkeys(names)]
    e = src.insert_before(frame.file, found[1], "; ".join(moves))
    return ([e] if e else []), None


def _register_buffer(ctx: Context, f: Finding) -> list:
    """`self.pe = pe` in the module's class → `self.register_buffer("pe", pe)`."""
    frame, attr = f.hints.get("frame"), f.hints.get("attribute")
    tree = src.tree_of(frame.file) if frame is not None else None
    cls = src.enclosing_class(tree, frame.line) if tree is not None else None
    if cls is None:
        return []
    for n in ast.walk(cls):
        if (isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Attribute)
                and n.targets[0].attr == attr and isinstance(n.targets[0].value, ast.Name)
                and n.targets[0].value.id == "self"):
            value = src.segment(frame.file, n.value)
            return edits_of(src.LineEditor.for_node(frame.file, n).replace(n, f'self.register_buffer("{attr}", {value})'))
    return []
