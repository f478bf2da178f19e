"""Labels that mark "no class": a negative literal the user's code writes as a label (not an axis), an UPPER_CASE
constant or a name like `IGNORE`/`UNLABELED` that holds the value, and the constants that fill labels with it.
Read from the user's source (nothing runs)."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context
from .classes import static_int, user_files


def negative_written(ctx: Context, target: object) -> bool:
    """Whether the user's files write the negative label as a literal (`-1`, a marker a label can be given)."""
    if not isinstance(target, int) or target >= 0:
        return True
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for parent in src.nodes(tree, ast.AST) if tree is not None else ():
            for child in ast.iter_child_nodes(parent):
                if isinstance(child, ast.UnaryOp) and isinstance(child.op, ast.USub) and isinstance(
                        child.operand, ast.Constant) and child.operand.value == -target and not _an_axis(parent, child):
                    return True
    return False


_AXIS_CALLS = frozenset({"view", "reshape", "argmax", "argmin", "size", "softmax", "log_softmax", "sum", "mean", "max",
                         "min", "flatten", "unsqueeze", "squeeze", "transpose", "permute", "cat", "stack", "gather",
                         "topk", "sort", "expand", "split", "chunk", "norm", "cumsum", "roll", "flip", "narrow"})


def _an_axis(parent: ast.AST, child: ast.AST) -> bool:
    """`-1` as a dimension or a position (`argmax(-1)`, `view(-1)`, `x[-1]`, `dim=-1`), not a value."""
    if isinstance(parent, (ast.Subscript, ast.Slice, ast.Tuple)):
        return True
    if isinstance(parent, ast.keyword):
        return parent.arg in ("dim", "axis", "dims")
    return isinstance(parent, ast.Call) and src.call_name(parent).rpartition(".")[2] in _AXIS_CALLS


_NO_CLASS = re.compile(r"ignore|void|nodata|no_data|unlabel|nolabel|no_label|invalid|missing|skip|sentinel|"
                       r"no_?answer|unanswer|no_?span|null|absent", re.I)


def sentinel_marker(ctx: Context, value: int) -> str | None:
    """How the user's code names the label `value` when it names it as no class: a module constant
    (`IGNORE_LABEL = 255`) or an entry of a module-level dict (`CONFIG["nodata_label"]`) holding that number, named
    like a marker of pixels or examples to skip; or a module constant of that value the code uses to fill what has
    no class (`tags.append(NO_ANNOTATION)`, `tags + [NO_ANNOTATION] * pad`).  None when there is none, or more
    than one."""
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for a in tree.body if tree is not None else []:
            if not (isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)):
                continue
            name = a.targets[0].id
            held = static_int(ctx, tree, a.value)  # a literal, or a constant (`NO_ANSWER = MAX_LEN`)
            if held == value and (_NO_CLASS.search(name) or (name.isupper() and _fills_with(tree, name))):
                found.append(name)
            elif isinstance(a.value, ast.Dict):
                found += [f'{name}["{k.value}"]' for k, v in zip(a.value.keys, a.value.values)
                          if isinstance(k, ast.Constant) and isinstance(k.value, str) and _NO_CLASS.search(k.value)
                          and isinstance(v, ast.Constant) and type(v.value) is int and v.value == value]
    return found[0] if len(found) == 1 else None


def _fills_with(tree: ast.Module, name: str) -> bool:
    """`name` is appended to a list (`tags.append(NAME)`) or repeated to pad one (`[NAME] * n`) somewhere in the file."""
    for n in ast.walk(tree):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "append" and \
                len(n.args) == 1 and isinstance(n.args[0], ast.Name) and n.args[0].id == name:
            return True
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mult) and any(
                isinstance(x, ast.List) and len(x.elts) == 1 and isinstance(x.elts[0], ast.Name) and x.elts[0].id == name
                for x in (n.left, n.right)):
            return True
    return False


def marker_constants(tree: ast.Module, value: int) -> list[tuple[str, ast.Assign]]:
    """(`NAME` or `Cls.NAME`, its assignment) of the upper-case constants set to `value` at module level or in a
    class body of the file (`MISSING = -1` of `class StatusEncoder`) and read somewhere in it."""
    def equals(node: ast.AST) -> bool:
        return isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(
            node.operand, ast.Constant) and type(node.operand.value) is int and -node.operand.value == value \
            or isinstance(node, ast.Constant) and type(node.value) is int and node.value == value

    found = []
    for owner, body in [(None, tree.body), *((c.name, c.body) for c in tree.body if isinstance(c, ast.ClassDef))]:
        for a in body:
            if isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name) \
                    and a.targets[0].id.isupper() and len(a.targets[0].id) > 1 and equals(a.value):
                name = a.targets[0].id
                read = any(isinstance(n, ast.Attribute) and n.attr == name or isinstance(n, ast.Name)
                           and n.id == name and isinstance(n.ctx, ast.Load) for n in ast.walk(tree))
                if read:
                    found.append((f"{owner}.{name}" if owner else name, a))
    return found


def class_markers(ctx: Context, value: int) -> list[str]:
    """The one class-body constant of the user's files set to `value` (`StatusEncoder.MISSING`), as a marker."""
    found = [name for file in user_files(ctx) if (tree := src.tree_of(file)) is not None
             for name, _ in marker_constants(tree, value) if "." in name]
    return found if len(found) == 1 else []
