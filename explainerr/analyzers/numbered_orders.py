"""Heads picked by an id numbered in another order than the heads were built: `self.heads =
nn.ModuleList([... for name in sorted(label_sets)])` beside `DOMAIN_IDS = {name: i for i, name in
enumerate(LABEL_SETS)}`, the same keys in insertion order.  `self.heads[d]` then gives each example another
key's head, whose size fits another label set; the sizes are right for their own keys, so no class count is to
change.  Read from the user's source: a class's list of heads picked by an id, the collection it iterates (through `sorted`, a
name that holds it, the constructor argument), and the id maps enumerating the same collection."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context


def _order_of(tree: ast.Module, cls: ast.ClassDef | None, node: ast.AST) -> tuple[bool, str] | None:
    """(sorted?, the collection's name) of what a comprehension iterates: `sorted(label_sets)`, `label_sets`,
    `self.domain_names` holding either (set in the class)."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self" and cls:
        made = src.self_assignments(cls, node.attr)
        return _order_of(tree, cls, made[0].value) if len(made) == 1 else None
    if isinstance(node, ast.Call) and src.call_name(node) == "sorted" and len(node.args) == 1 \
            and isinstance(node.args[0], ast.Name):
        return True, node.args[0].id
    if isinstance(node, ast.Name):
        return False, node.id
    return None


def _passed_as(tree: ast.Module, cls: ast.ClassDef, param: str) -> str | None:
    """The name the one construction of `cls` in the file passes for its `__init__` parameter `param`."""
    init = next((f for f in cls.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None)
    names = [a.arg for a in init.args.args][1:] if init is not None else []
    calls = [c for c in src.calls(tree) if src.call_name(c).split(".")[-1] == cls.name]
    if param not in names or len(calls) != 1:
        return None
    call, at = calls[0], names.index(param)
    given = call.args[at] if at < len(call.args) else next((k.value for k in call.keywords if k.arg == param), None)
    return given.id if isinstance(given, ast.Name) else None


def heads_numbered_apart(ctx: Context) -> bool:
    """A class of the user's files picks one of its heads by an id (`self.heads[task](h)`), the heads are built
    over a collection in one order (sorted or as it is) and the file numbers that collection's keys in the
    other order with `enumerate`."""
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for cls in src.nodes(tree, ast.ClassDef) if tree is not None else ():
            picked = {c.func.value.attr for c in src.calls(cls) if isinstance(c.func, ast.Subscript)
                      and isinstance(c.func.value, ast.Attribute) and isinstance(c.func.value.value, ast.Name)
                      and c.func.value.value.id == "self" and isinstance(c.func.slice, ast.Name)}
            if any(_numbered_apart(tree, cls, attr) for attr in picked):
                return True
    return False


def _numbered_apart(tree: ast.Module, cls: ast.ClassDef, attr: str) -> bool:
    built = [st.value for st in src.self_assignments(cls, attr)]
    comps = [c for v in built for c in ast.walk(v) if isinstance(c, ast.ListComp) and len(c.generators) == 1]
    order = _order_of(tree, cls, comps[0].generators[0].iter) if len(comps) == 1 else None
    if order is None:
        return False
    is_sorted, name = order
    outer = _passed_as(tree, cls, name) or name
    for d in src.nodes(tree, ast.DictComp):
        it = d.generators[0].iter if len(d.generators) == 1 else None
        if isinstance(it, ast.Call) and src.call_name(it) == "enumerate" and it.args:
            numbered = _order_of(tree, None, it.args[0])
            if numbered is not None and numbered[1] in (outer, name) and numbered[0] != is_sorted:
                return True
    return False


def label_fits_sibling_head(ctx: Context, n_classes: int, need: int) -> bool:
    """A class of the user's files picks one of a list of heads by an id (`self.heads[tid](h)`, or `head =
    self.heads[k]` called later), the frames show
    that list's heads with different numbers of outputs, and the labels (`need` classes) fit one of the others
    while the picked one has `n_classes`: the example went to another task's head.  Its labels are that task's;
    no head is too small."""
    picked = set()
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        picked |= {n.value.attr for n in (src.nodes(tree, ast.Subscript) if tree is not None else ())
                   if isinstance(n.value, ast.Attribute) and isinstance(n.value.value, ast.Name)
                   and n.value.value.id == "self" and not isinstance(n.slice, ast.Constant)}
    for attr in picked:
        sizes = {m.attrs.get("out_features") for fr in ctx.frames for m in fr.modules if m.cls == "Linear"
                 and re.search(rf"(^|\.){re.escape(attr)}\.\d+(\.|$)", m.expr)}
        sizes.discard(None)
        if n_classes in sizes and len(sizes) > 1 and any(s >= need for s in sizes):
            return True
    return False
