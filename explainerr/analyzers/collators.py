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


def collate_def(tree: ast.Module, loader: ast.Call) -> ast.FunctionDef | None:
    """The user's function a `DataLoader(...)` call is given as `collate_fn` (directly, bound with
    `functools.partial`, or a method of the class the call is in: `self.collate`), defined in the same file."""
    kw = src.keyword(loader, "collate_fn")
    fn = _unbound(kw.value) if kw is not None else None
    if isinstance(fn, ast.Attribute) and isinstance(fn.value, ast.Name) and fn.value.id == "self":
        cls = src.enclosing_class(tree, loader.lineno)  # `collate_fn=self.collate`: that method of the class
        return next((d for d in cls.body if isinstance(d, ast.FunctionDef) and d.name == fn.attr), None) \
            if cls is not None else None
    return function_of(tree, fn) if fn is not None else None


def _unbound(node: ast.expr) -> ast.expr:
    """`f` of `functools.partial(f, ...)`; any other expression as it is."""
    if isinstance(node, ast.Call) and src.call_name(node).split(".")[-1] == "partial" and node.args:
        return node.args[0]
    return node


def function_of(tree: ast.Module, node: ast.expr) -> ast.FunctionDef | None:
    """The user's function an expression stands for: a name the file defines (`collate_rows`), the function a
    factory call returns (`make_collate(tok)`), either bound with `functools.partial`."""
    node = _unbound(node)
    if isinstance(node, ast.Call):
        return made_function(tree, node)
    if not isinstance(node, ast.Name):
        return None
    return next((d for d in src.nodes(tree, ast.FunctionDef) if d.name == node.id), None)


def made_function(tree: ast.Module, call: ast.Call) -> ast.FunctionDef | None:
    """`make_collate(pad_id)` where the user's `make_collate` defines a function inside and returns it: that
    inner function."""
    if not isinstance(call.func, ast.Name):
        return None
    outer = next((d for d in tree.body if isinstance(d, ast.FunctionDef) and d.name == call.func.id), None)
    inner = {d.name: d for d in (outer.body if outer is not None else []) if isinstance(d, ast.FunctionDef)}
    returned = [r.value.id for r in ast.walk(outer) if isinstance(r, ast.Return) and isinstance(r.value, ast.Name)
                and r.value.id in inner] if outer is not None else []
    return inner[returned[0]] if len(set(returned)) == 1 else None


def collator_entry(ctx: Context, key: str, other_key: str) -> tuple[Entry, str, ast.AST] | None:
    """The one collate function of the user's files whose returned mapping holds `key` and `other_key`
    (a dict literal, or `batch[key] = a` on the mapping it returns), where `key`'s local `a` was made by a
    tensor factory (`torch.zeros(len(ids), self.max_length)`) after a local holding `other_key`'s tensor:
    (the entry, that local, the factory's width argument)."""
    found = []
    for file, tree, fn, ret, items in returned_mappings(ctx):
        if not isinstance(items.get(key), ast.Name):
            continue
        made = src.assignments(tree, items[key].id, fn, before=ret.lineno)
        call = made[-1].value if made else None
        if not (isinstance(call, ast.Call) and src.call_name(call).split(".")[-1] in _FACTORIES):
            continue
        other = _local_holding(file, tree, fn, items, other_key, made[-1].stmt.lineno)
        sizes = list(call.args[0].elts) if call.args and isinstance(call.args[0], (ast.Tuple, ast.List)) \
            else list(call.args[:2])
        if other is None or len(sizes) != 2:
            continue
        found.append((Entry(file, fn, items[key].id, made[-1].stmt, call), other, sizes[1]))
    return found[0] if len(found) == 1 else None


def returned_mappings(ctx: Context):
    """(file, tree, function, return statement, its items) for every function of the user's files that
    returns a mapping (see `_returned_items`)."""
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            for ret in (r for r in src.statements(fn) if isinstance(r, ast.Return) and r.value is not None):
                items = _returned_items(fn, ret, tree)
                if items:
                    yield file, tree, fn, ret, items


def _returned_items(fn: ast.FunctionDef, ret: ast.Return, tree: ast.Module | None = None) -> dict[str, ast.AST]:
    """key → expression of the mapping `ret` returns: a dict literal's items, the `name[key] = value`
    writes into the returned name (which is kept under "__mapping__"), or the fields of a construction of the
    file's own dataclass or NamedTuple (`return HiveBatch(ids, keep, status)`: field → argument)."""
    if isinstance(ret.value, ast.Dict):
        return {k.value: v for k, v in zip(ret.value.keys, ret.value.values) if isinstance(k, ast.Constant)}
    if isinstance(ret.value, ast.Call) and isinstance(ret.value.func, ast.Name) and tree is not None:
        fields = record_fields(tree, ret.value.func.id)
        if fields and len(ret.value.args) <= len(fields) and not any(
                isinstance(a, ast.Starred) for a in ret.value.args) and all(k.arg for k in ret.value.keywords):
            out = dict(zip(fields, ret.value.args))
            out.update({k.arg: k.value for k in ret.value.keywords if k.arg in fields})
            return out
    returned = ret.value
    if (isinstance(returned, ast.Call) and isinstance(returned.func, ast.Name) and returned.func.id == "dict"
            and len(returned.args) == 1 and not returned.keywords):  # `return dict(batch)`: a copy of `batch`
        returned = returned.args[0]
    if not isinstance(returned, ast.Name):
        return {}
    out: dict[str, ast.AST] = {}
    for a in src.statements(fn):
        if (isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], ast.Subscript)
                and isinstance(a.targets[0].value, ast.Name) and a.targets[0].value.id == returned.id
                and isinstance(a.targets[0].slice, ast.Constant) and a.lineno < ret.lineno):
            out[a.targets[0].slice.value] = a.value
    out["__mapping__"] = returned
    return out


def _local_holding(file: str, tree: ast.Module, fn: ast.FunctionDef, items: dict[str, ast.AST], key: str,
                   before: int) -> str | None:
    """An expression, readable at line `before`, for `key`'s tensor: the returned item when it is a name (or
    an item of a name, `enc["input_ids"]`) bound before that line, or a name read from the returned mapping
    (`input_ids = batch["input_ids"]`)."""
    node = items.get(key)
    root = node
    while isinstance(root, (ast.Subscript, ast.Attribute)):
        root = root.value
    if isinstance(root, ast.Name) and any(a.stmt.lineno < before for a in src.assignments(tree, root.id, fn,
                                                                                          before=before)):
        return src.segment(file, node)
    mapping = items.get("__mapping__")
    for a in src.statements(fn):
        if (isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)
                and a.lineno < before and isinstance(a.value, ast.Subscript) and isinstance(a.value.value, ast.Name)
                and isinstance(mapping, ast.Name) and a.value.value.id == mapping.id
                and isinstance(a.value.slice, ast.Constant) and a.value.slice.value == key):
            return a.targets[0].id
    return None


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


COLLATOR_SHIFT = fact("collator-shift", "the user's collate function `collator` feeds the decoder the targets "
                                        "without their last step (`dec_made`) but makes the labels from every step "
                                        "(`labels_made`)")


def entry_tensor(ctx: Context, name: str):
    """`name` as the model's outermost forward got it, in the library frames after the last user frame."""
    start = (ctx.user.index + 1) if ctx.user is not None else 0
    return next((fr.tensor(name) for fr in ctx.frames[start:] if fr.library and fr.function == "forward"
                 and fr.tensor(name) is not None), None)


def collator_shift(ctx: Context) -> Finding | None:
    """Labels one step longer than the decoder inputs the model got, both made in one collate function from
    the same targets: `decoder_input_ids = targets[:, :-1]` and `labels = targets.clone()`.  The labels get
    the targets shifted by one (hints `collator_shift`: file, statement, node, new text)."""
    labels, dec = entry_tensor(ctx, "labels"), entry_tensor(ctx, "decoder_input_ids")
    if labels is None or dec is None or len(labels.shape) != 2 or len(dec.shape) != 2 or \
            labels.shape[1] != dec.shape[1] + 1:
        return None
    found = []
    for file, tree, fn, ret, items in returned_mappings(ctx):
        fed, made = items.get("decoder_input_ids"), items.get("labels")
        if not (isinstance(fed, ast.Subscript) and isinstance(fed.value, ast.Name)
                and " ".join(src.segment(file, fed.slice).split()) in (":, :-1", ":, : -1")):
            continue
        base = fed.value.id
        stmt = made
        if isinstance(made, ast.Name) and made.id == base:  # `"labels": targets` in the returned dict
            found.append((file, fn, fed, ret, made, base, f"{base}[:, 1:].contiguous()"))
            continue
        if isinstance(made, ast.Name):
            a = src.assignments(tree, made.id, fn, before=ret.lineno)
            stmt = a[-1].value if a and not a[-1].augmented else None
        node = next((n for n in ast.walk(stmt) if isinstance(n, ast.Name) and n.id == base), None) \
            if stmt is not None else None
        if node is not None:
            found.append((file, fn, fed, src.statement_at(tree, node.lineno), node, base, f"{base}[:, 1:]"))
    if len(found) != 1:
        return None
    file, fn, fed, whole, node, base, shifted = found[0]
    cls = src.enclosing_class(src.tree_of(file), fn.lineno)
    f = Finding(facts={COLLATOR_SHIFT, "shifted"}, values={
        "collator": f"{cls.name}.{fn.name}" if cls is not None else fn.name, "collator_line": fn.lineno,
        "dec_made": _item_text(file, fed, "decoder_input_ids"), "labels_made": _item_text(file, node, "labels")
        if isinstance(whole, ast.Return) else " ".join(src.segment(file, whole).split()), "shifted_labels": shifted,
        "seq_logits": dec.shape[1], "seq_labels": labels.shape[1]})
    f.hints["collator_shift"] = (file, whole, node, shifted)
    return f


def _item_text(file: str, node: ast.AST, key: str) -> str:
    """`key: <node>` as the batch holds it, or the statement that assigned it when it is not in a return."""
    stmt = src.statement_at(src.tree_of(file), node.lineno)
    if stmt is None or isinstance(stmt, ast.Return):
        return f'"{key}": {src.segment(file, node)}'
    return " ".join(src.segment(file, stmt).split())


def record_fields(tree: ast.Module, name: str) -> list[str]:
    """The fields, in order, of the file's class `name` when it is a record: a `@dataclass` or a `NamedTuple`
    subclass whose body declares them (`token_ids: torch.Tensor`); [] for any other class."""
    cls = next((c for c in src.nodes(tree, ast.ClassDef) if c.name == name), None)
    if cls is None:
        return []
    marked = any("dataclass" in ast.unparse(d) for d in cls.decorator_list) or any(
        "NamedTuple" in ast.unparse(b) for b in cls.bases)
    if not marked:
        return []
    return [n.target.id for n in cls.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
            and "ClassVar" not in ast.unparse(n.annotation)]
