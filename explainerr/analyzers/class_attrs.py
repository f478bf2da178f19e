"""A class attribute a subclass overrides: `EVENT_TYPES` of a base dataset class holds 3 classes, a subclass's holds
5, and the size is read off the base class (or off an instance of a class that keeps the base's value) while the
data is an instance of the subclass.  Read from the user's source (nothing runs)."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .. import source as src
from ..facts import Context
from . import fact

ATTR_OVERRIDDEN = fact("attr-overridden", "the size is read from a class attribute (`attr_read`) that a subclass "
                                          "overrides; the data is an instance of that subclass (`attr_instance`)")


@dataclass(frozen=True)
class Overridden:
    file: str
    stmt: ast.stmt
    read: ast.Attribute       # `EventBulletin.EVENT_TYPES`, `eval_ds.CATEGORIES`
    read_len: int
    instance: str             # `train_set`
    cls: str                  # `InfrasoundBulletin`
    length: int


def overridden_reads(ctx: Context, read_len: int, at_least: int) -> Overridden | None:
    """The one read `R.A` of the user's files (outside class bodies) whose class attribute holds `read_len`
    items, while an instance of another class of the file, sharing a base with R's class, holds `at_least` or more
    under the same attribute."""
    found = []
    for file in dict.fromkeys(f.file for f in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        classes = {c.name: c for c in src.nodes(tree, ast.ClassDef)}
        instances = _instances(tree, classes)
        for read in src.nodes(tree, ast.Attribute):
            if not (isinstance(read.value, ast.Name) and isinstance(read.ctx, ast.Load)) or \
                    src.enclosing_class(tree, read.lineno) is not None:
                continue
            owner = read.value.id if read.value.id in classes else instances.get(read.value.id)
            if owner is None or _attr_len(classes, owner, read.attr) != read_len:
                continue
            for name, cls in instances.items():
                length = _attr_len(classes, cls, read.attr)
                if cls != owner and length is not None and length >= at_least and _related(classes, cls, owner):
                    stmt = src.statement_at(tree, read.lineno)
                    if stmt is not None:
                        found.append(Overridden(file=file, stmt=stmt, read=read, read_len=read_len, instance=name,
                                                cls=cls, length=length))
    keys = {(o.read.lineno, o.read.col_offset, o.instance) for o in found}
    return found[0] if len(keys) == 1 else None


def _instances(tree: ast.Module, classes: dict[str, ast.ClassDef]) -> dict[str, str]:
    """name → class for the names the file assigns once a construction of one of its classes."""
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    for a in src.nodes(tree, ast.Assign):
        if len(a.targets) == 1 and isinstance(a.targets[0], ast.Name) and isinstance(a.value, ast.Call):
            seen[a.targets[0].id] = seen.get(a.targets[0].id, 0) + 1
            if src.call_name(a.value) in classes:
                out[a.targets[0].id] = src.call_name(a.value)
    return {k: v for k, v in out.items() if seen.get(k) == 1}


def _bases(classes: dict[str, ast.ClassDef], name: str) -> list[str]:
    out, todo = [], [name]
    while todo and len(out) < 8:
        n = todo.pop(0)
        out.append(n)
        todo += [b.id for b in classes[n].bases if isinstance(b, ast.Name) and b.id in classes] if n in classes else []
    return out


def _related(classes: dict[str, ast.ClassDef], a: str, b: str) -> bool:
    return bool(set(_bases(classes, a)) & set(_bases(classes, b)))


def _attr_len(classes: dict[str, ast.ClassDef], cls: str, attr: str) -> int | None:
    """The number of items class `cls` (or its nearest base that writes it) gives attribute `attr`."""
    for name in _bases(classes, cls):
        value = src.class_field(classes[name], attr)
        if value is not None:
            return _static_len(classes, value)
    return None


def _static_len(classes: dict[str, ast.ClassDef], node: ast.AST) -> int | None:
    if isinstance(node, (ast.List, ast.Tuple)) and not any(isinstance(e, ast.Starred) for e in node.elts):
        return len(node.elts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _static_len(classes, node.left), _static_len(classes, node.right)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in classes:
        return _attr_len(classes, node.value.id, node.attr)
    return None
