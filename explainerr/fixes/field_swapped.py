"""A layer's size computed from the wrong field of a settings object: `spatial = cfg.image_size // 2 ** len(
cfg.channels)` then `nn.Linear(cfg.channels[-1] * spatial * spatial, ...)`, while the images the layer meets are
`cfg.crop_size` wide.  The computation is evaluated from the settings class's defaults (nothing runs) with each field
it reads replaced, one at a time, by each other int field of the same class; when exactly one such swap gives the
width the layer is fed, that field reference is the edit.  The computation may go through locals of the function
(one level each)."""
from __future__ import annotations

import ast
from typing import Any

from .. import source as src
from ..analyzers import Finding, fact
from ..model import Edit
from . import edits_of

FIELD_SWAPPED = fact("field-swapped", "`swap_read` (line `swap_line`) sizes the layer; with `swap_other` "
                                      "(`swap_other_value`) in place of it the size is `hidden`, the width fed")


def field_swapped(f: Finding, site, hidden: int) -> list[Edit]:
    tree = src.tree_of(site.file)
    fn = src.enclosing_scope(tree, site.line) if tree is not None else None
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or site.node is None:
        return []
    from ..analyzers.classes import literal_defaults, settings_class_of
    from .layers import _annotated_class
    holders = {a.arg: c for a in fn.args.args
               for c in [_annotated_class(tree, fn, a.arg) or settings_class_of(tree, a.arg)] if c is not None}
    if not holders:
        return []
    local = {st.targets[0].id: st for st in src.statements(fn) if isinstance(st, ast.Assign) and len(st.targets) == 1
             and isinstance(st.targets[0], ast.Name) and st.lineno < site.line}
    reads = [(n, site.stmt) for n in ast.walk(site.node)] + [
        (n, local[name.id]) for name in ast.walk(site.node) if isinstance(name, ast.Name) and name.id in local
        for n in ast.walk(local[name.id].value)]
    fields = {h: literal_defaults(cls) for h, cls in holders.items()}
    found = []
    for node, stmt in reads:
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in fields
                and isinstance(fields[node.value.id].get(node.attr), int)):
            continue
        for other, value in fields[node.value.id].items():
            if other != node.attr and type(value) is int and value != fields[node.value.id][node.attr] and \
                    _value(site.node, fields, local, {id(node): value}) == hidden:
                found.append((node, stmt, other, value))
    found = list({(id(n), other): (n, st, other, v) for n, st, other, v in found}.values())  # a local read twice
    if len(found) != 1 or _value(site.node, fields, local, {}) == hidden:
        return []
    node, stmt, other, value = found[0]
    f.facts.add(FIELD_SWAPPED)
    f.values.update(swap_read=src.segment(site.file, node), swap_line=stmt.lineno,
                    swap_read_value=fields[node.value.id][node.attr], swap_other=f"{node.value.id}.{other}",
                    swap_other_value=value, swap_stmt=" ".join(src.segment(site.file, stmt).split()))
    return edits_of(src.LineEditor.for_node(site.file, stmt).replace(node, f"{node.value.id}.{other}"))


def _value(node: ast.AST, fields: dict, local: dict, swap: dict[int, int], depth: int = 0) -> Any:
    """What `node` comes to from the settings' defaults, the nodes in `swap` standing for the values given."""
    if id(node) in swap:
        return swap[id(node)]
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in fields:
        return fields[node.value.id].get(node.attr)
    if isinstance(node, ast.Name) and node.id in local and depth < 3:
        return _value(local[node.id].value, fields, local, swap, depth + 1)
    if isinstance(node, ast.Subscript) and isinstance(node.slice, (ast.Constant, ast.UnaryOp)):
        seq = _value(node.value, fields, local, swap, depth)
        try:
            return seq[ast.literal_eval(node.slice)] if isinstance(seq, (tuple, list)) else None
        except (ValueError, IndexError, TypeError):
            return None
    if isinstance(node, ast.Call) and src.call_name(node) == "len" and len(node.args) == 1:
        seq = _value(node.args[0], fields, local, swap, depth)
        return len(seq) if isinstance(seq, (tuple, list)) else None
    if isinstance(node, ast.BinOp):
        a, b = _value(node.left, fields, local, swap, depth), _value(node.right, fields, local, swap, depth)
        if type(a) is not int or type(b) is not int:
            return None
        ops = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
               ast.FloorDiv: lambda: a // b if b else None, ast.Pow: lambda: a ** b if 0 <= b < 16 else None}
        op = ops.get(type(node.op))
        return op() if op else None
    return None

