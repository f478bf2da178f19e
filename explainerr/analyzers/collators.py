"""The user's collate function behind a batch that a library loop built (a Trainer's `data_collator`, a
DataLoader's `collate_fn`), read from the source (nothing runs): the function or `__call__` that returns a
dict with the batch's keys, and how it made one entry's width, so a batch no user frame holds can still be
explained and fixed where it was made."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .. import source as src
from ..facts import Context
from . import Finding, fact
from .classes import user_files

COLLATOR_WIDTH = fact("collator-width", "the user's collate function `collator` (line `collator_line`) makes "
                                        "`key` `width` wide while `other_key` is padded to the batch")
_FACTORIES = ("zeros", "ones", "full", "empty")


@dataclass
class Entry:
    """`key`'s local in the collate function `fn` (of `file`), assigned by `stmt` from the factory `call`."""

    file: str
    fn: ast.FunctionDef
    name: str
    stmt: ast.Assign
    call: ast.Call


def collator_entry(ctx: Context, key: str, other_key: str) -> tuple[Entry, str, ast.AST] | None:
    """The one collate function of the user's files returning `{key: a, other_key: b, ...}` where `a` was
    made by a tensor factory (`torch.zeros(len(ids), self.max_length)`) after `b`: (the entry, `b`'s local,
    the factory's width argument)."""
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)) if tree is not None else ():
            for ret in (r for r in src.walk_scope(fn) if isinstance(r, ast.Return) and isinstance(r.value, ast.Dict)):
                items = {k.value: v for k, v in zip(ret.value.keys, ret.value.values)
                         if isinstance(k, ast.Constant) and isinstance(v, ast.Name)}
                if key not in items or other_key not in items:
                    continue
                made = src.assignments(tree, items[key].id, fn, before=ret.lineno)
                other = src.assignments(tree, items[other_key].id, fn, before=ret.lineno)
                if not made or not other or other[-1].stmt.lineno > made[-1].stmt.lineno:
                    continue
                call = made[-1].value
                if not (isinstance(call, ast.Call) and src.call_name(call).split(".")[-1] in _FACTORIES):
                    continue
                sizes = list(call.args[0].elts) if len(call.args) == 1 and isinstance(
                    call.args[0], (ast.Tuple, ast.List)) else list(call.args)
                if len(sizes) != 2 or src.call_name(call).endswith("full") and len(call.args) < 2:
                    continue
                found.append((Entry(file, fn, items[key].id, made[-1].stmt, call), items[other_key].id, sizes[1]))
    return found[0] if len(found) == 1 else None


def collator_width(ctx: Context, f: Finding, key: str, other_key: str) -> bool:
    """Name the collate function that made `key` with a fixed width, and plan the edit that gives it the
    width of `other_key` in the same batch."""
    found = collator_entry(ctx, key, other_key)
    if found is None:
        return False
    entry, other, width = found
    f.facts.add(COLLATOR_WIDTH)
    cls = src.enclosing_class(src.tree_of(entry.file), entry.fn.lineno)
    f.values.update(collator=f"{cls.name}.{entry.fn.name}" if cls is not None else entry.fn.name, collator_line=entry.fn.lineno, key=key, other_key=other_key,
                    width=src.segment(entry.file, width), made=src.segment(entry.file, entry.stmt))
    f.hints["collator_width"] = (entry, width, f"{other}.size(1)")
    return True
