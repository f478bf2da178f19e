"""A model whose parameters sit on two devices: one part of it (a head swapped in, a layer added later) is on
another device than the rest.  Capture reads which submodule that is (tensors.module_split); this module reads
the user's source for why: the part was made inside a `with torch.device(...)` block, or set on the model after
the line that moved the model.  Nothing is run.
"""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from ..model import FrameFacts, ModuleFacts
from . import fact, value_evidence
from .idsource import one_line, where
from .placement import Story, kind

PART_APART = fact("part-apart", "one submodule of the model has its parameters on another device than the rest of "
                                "the model")
DEVICE_BLOCK = fact("device-block", "that submodule is made inside a `with torch.device(...)` block, which makes "
                                    "its parameters on the block's device")
ATTACHED_AFTER_MOVE = fact("attached-after-move", "that submodule is set on the model after the line that moved the "
                                                  "model (`.to()` moves what the model holds at that time)")


def part_left_apart(ctx: Context, meant: tuple[str, str] | None, devs: list[str]) -> Story | None:
    """The model of a user frame with a part on a device the message names, and the lines that put it there:
    the model as a name of the caller's (`net`) before the `self` of its own method."""
    found = [(fr, m) for fr in ctx.user_frames() for m in fr.modules if m.attrs.get("part") and (
        not devs or any(kind(d) == kind(str(m.attrs.get("part_device"))) for d in devs))]
    if not found:
        return None
    fr, m = min(found, key=lambda p: (p[1].expr == "self", p[1].expr not in (p[0].node or p[0].statement or "")))
    return _story(ctx, fr, m, meant)


def _story(ctx: Context, fr: FrameFacts, m: ModuleFacts, meant: tuple[str, str] | None) -> Story:
    part = str(m.attrs["part"])
    owner = fr.self_class if m.expr == "self" and fr.self_class else m.expr
    s = Story(facts={PART_APART})
    s.values.update(model=owner, part=f"{m.expr}.{part}", stray_device=m.attrs.get("part_device"),
                    main_device=m.attrs.get("main_device"))
    s.evidence.append(value_evidence(f"{m.expr}.{part} parameters device", str(m.attrs.get("part_device"))))
    s.evidence.append(value_evidence(f"{m.expr} other parameters device", str(m.attrs.get("main_device"))))
    s.hints.update(frame=fr)
    found = _part_assignment(ctx, part)
    if found is None:
        return s
    file, tree, assign = found
    s.values.update(attached=one_line(file, assign), attached_where=where(file, assign))
    made = assign
    if isinstance(assign.value, ast.Name):
        a = src.last_assignment(tree, assign.value.id, assign.lineno)
        if a is not None and a.stmt.lineno < assign.lineno and a.value is getattr(a.stmt, "value", None):
            made = a.stmt
        else:  # `self.proj = proj` from `__init__`'s parameter: the value the construction of the class passes
            made = src.passed_to_constructor(tree, assign) or assign
    block = _device_block(tree, made)
    if block is not None:
        s.facts.add(DEVICE_BLOCK)
        s.values.update(part_made=_brief(file, made), part_where=where(file, made),
                        block=" ".join(src.segment(file, block.items[0].context_expr).split()))
        s.hints.update(hoist=(file, block, made))
        return s
    move = _earlier_move(tree, assign)
    if move is not None and m.attrs.get("part_device") and kind(str(m.attrs["part_device"])) != kind(
            str(m.attrs.get("main_device"))):
        s.facts.add(ATTACHED_AFTER_MOVE)
        target = src.segment(file, move.args[0]) if move.args else (meant[0] if meant else None)
        s.values.update(moved=one_line(file, move), moved_line=move.lineno, target=target)
        s.hints.update(attach=(file, assign), target=target)
    return s


def _part_assignment(ctx: Context, part: str) -> tuple[str, ast.Module, ast.Assign] | None:
    """`m.classifier = head` (`self.head = ...`): an assignment in the user's files to an attribute whose dotted
    tail is the part's path; one after a move of its owner first, else the last one."""
    tail = part.split(".")
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        hits = sorted((n for n in src.nodes(tree, ast.Assign) if len(n.targets) == 1
                       and isinstance(n.targets[0], ast.Attribute) and _dotted(n.targets[0])[-len(tail):] == tail),
                      key=lambda n: n.lineno)
        if hits:
            moved = [n for n in hits if _earlier_move(tree, n) is not None]
            return file, tree, (moved or hits)[-1]
    return None


def _brief(file: str, stmt: ast.stmt) -> str:
    """The statement on one line; a long `x = f(...)` as `x = f(...)` with its arguments left out."""
    text = one_line(file, stmt)
    if len(text) > 60 and isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
        return f"{src.segment(file, stmt.targets[0])} = {src.segment(file, stmt.value.func)}(...)"
    return text


def _dotted(node: ast.expr) -> list[str]:
    out: list[str] = []
    while isinstance(node, ast.Attribute):
        out.insert(0, node.attr)
        node = node.value
    return out


def _device_block(tree: ast.Module, stmt: ast.stmt) -> ast.With | None:
    """The `with torch.device(...):` block whose body holds `stmt` directly."""
    for n in reversed(src.path_to(tree, stmt.lineno)):
        if isinstance(n, ast.With) and stmt in n.body and any(
                isinstance(i.context_expr, ast.Call) and src.call_name(i.context_expr).rpartition(".")[2] == "device"
                for i in n.items):
            return n
    return None


def _earlier_move(tree: ast.Module, assign: ast.Assign) -> ast.Call | None:
    """`model.to(device)` (or `.cuda()`) on the object the part is set on, earlier in the same scope."""
    target = assign.targets[0]
    owner = target.value if isinstance(target, ast.Attribute) else None
    if owner is None:
        return None
    text = ast.unparse(owner)
    scope = src.enclosing_scope(tree, assign.lineno)
    for n in reversed(src.statements(scope)):
        if n.lineno >= assign.lineno:
            continue
        value = n.value if isinstance(n, (ast.Expr, ast.Assign)) else None
        if (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in ("to", "cuda")
                and ast.unparse(value.func.value) == text):
            return value
    return None
