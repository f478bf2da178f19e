"""Batch fields unpacked in another order than the Dataset returns them: `__getitem__` returns `self.feats[i],
self.stations[i], self.labels[i]` and the loop reads `for feats, label, station in loader`, so the names hold
each other's values.  A station id read as a label is "out of range" for the classifier, an id read as a mask
has "the wrong length"; the mistake is the order, which no pattern of the catalogue names.  Read from the
user's source: the loop's target names and the items the user's Datasets' `__getitem__` return, matched by
their names (`station` ~ `self.stations[i]`).  Also the fields of a data line unpacked in another order than the
header of the file's own text table names them (`qid, did, grade = ...` under `doc_id\tquery_id\tgrade`), and a
batch entry made from another field of the records than the one its key names (`"tool": [ln.member_id ...]`)."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from .classes import user_files


def unpacked_out_of_order(ctx: Context, t: TensorFacts | None) -> bool:
    """`t` is a name unpacked by a `for` header from a batch of a user Dataset whose `__getitem__` returns a
    tuple of as many items, and the name matches the item returned at another position while the item at its
    own position matches another name of the header: the two were unpacked in each other's places."""
    names = unpacked_names(ctx, t)
    if names is None:
        return False
    at = names.index(t.expr)
    for returned in _returned_tuples(ctx, len(names)):
        own = returned[at]
        if _same(t.expr, own):
            continue
        elsewhere = [k for k, item in enumerate(returned) if k != at and _same(t.expr, item)]
        if elsewhere and any(_same(names[k], own) for k in range(len(names)) if k != at):
            return True
    return False


def unpacked_names(ctx: Context, t: TensorFacts | None) -> list[str] | None:
    """The names a `for` header around `t`'s line unpacks a batch into (`for x, y in loader`, `for step, (x, y) in
    enumerate(loader)`), or an assignment unpacks the batch parameter into (`x, mask, y = batch` in a
    `training_step`), `t` among them; None when `t` is not unpacked so."""
    if t is None or not t.expr.isidentifier():
        return None
    frame = ctx.frames[t.frame]
    tree = src.tree_of(frame.file)
    loop = next((lp for lp in src.enclosing_loops(tree, frame.line) if t.expr in src.names_in(lp.target)), None) \
        if tree is not None else None
    target = loop.target if loop is not None else None
    if isinstance(target, ast.Tuple) and isinstance(loop.iter, ast.Call) and src.call_name(loop.iter) == "enumerate" \
            and len(target.elts) == 2:
        target = target.elts[1]
    if target is None and tree is not None:  # `tokens, keep, target = batch`, the batch a parameter of the hook
        made = src.last_assignment(tree, t.expr, frame.line)
        stmt = made.stmt if made is not None else None
        if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.value, ast.Name)
                and stmt.value.id in frame.params):
            target = stmt.targets[0]
    if not isinstance(target, ast.Tuple) or not all(isinstance(e, ast.Name) for e in target.elts):
        return None
    names = [e.id for e in target.elts]
    return names if t.expr in names else None


def _returned_tuples(ctx: Context, n: int) -> list[list[str]]:
    """The item names (`stations` of `self.stations[i]`) of every n-tuple a `__getitem__` of the user's files
    returns, or a collate function (one given as `collate_fn=`, or the `__call__` of a class built there)."""
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        given = [k.value for c in (src.calls(tree) if tree is not None else ()) for k in c.keywords
                 if k.arg == "collate_fn"]
        collators = {src.call_name(v) if isinstance(v, ast.Call) else ast.unparse(v) for v in given}
        classes = {c.name for c in src.nodes(tree, ast.ClassDef) if c.name in collators} if tree is not None else set()
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            owner = src.enclosing_class(tree, fn.lineno)
            if not (fn.name == "__getitem__" or fn.name in collators
                    or fn.name == "__call__" and owner is not None and owner.name in classes):
                continue
            for ret in (r for r in ast.walk(fn) if isinstance(r, ast.Return)):
                if isinstance(ret.value, ast.Tuple) and len(ret.value.elts) == n:
                    found.append([_item_name(e) for e in ret.value.elts])
    return found


def _item_name(node: ast.AST) -> str:
    """`stations` of `self.stations[i]`, `torch.tensor(self.stations[i])`, `station`."""
    while isinstance(node, ast.Call) and node.args:
        node = node.args[0]
    while isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _same(name: str, item: str) -> bool:
    """`label` ~ `labels`, `station` ~ `station_ids`: one word stem, singular or plural, ignoring `_id(s)`."""
    a, b = _stem(name), _stem(item)
    return bool(a) and a == b


def _stem(name: str) -> str:
    s = re.sub(r"_?(ids?|idx)$", "", name.lower())
    if re.search(r"(s|x|ch|sh)es$", s):
        return s[:-2]
    return s[:-1] if s.endswith("s") and not s.endswith("ss") and len(s) > 3 else s


def _abbreviates(name: str, column: str) -> bool:
    """`qid` / `query` / `query_id` for the column `query_id`: the name, its first word, or the first word's
    initial joined to the rest (`q` + `id`)."""
    name, words = name.lower(), [w for w in column.lower().split("_") if w]
    return bool(words) and name in (column.lower(), words[0], words[0][0] + "".join(words[1:]),
                                    "".join(words))


def columns_read_out_of_order(ctx: Context, var: str) -> str | None:
    """The unpacking (its text) that reads the fields of a data line (`qid, did, grade = ...line.split("\\t")`)
    in another order than the header of a text constant of the same file names them (`doc_id\\tquery_id\\tgrade`),
    `var` being one of the names read from another column's place."""
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        headers = [c.value.strip().splitlines()[0] for c in ast.walk(tree) if isinstance(c, ast.Constant)
                   and isinstance(c.value, str) and "\n" in c.value.strip()]
        for a in src.nodes(tree, ast.Assign):
            t = a.targets[0] if len(a.targets) == 1 else None
            seps = [c.args[0].value for c in ast.walk(a.value) if isinstance(c, ast.Call) and isinstance(
                c.func, ast.Attribute) and c.func.attr == "split" and c.args and isinstance(c.args[0], ast.Constant)]
            if not (isinstance(t, ast.Tuple) and all(isinstance(e, ast.Name) for e in t.elts) and len(seps) == 1):
                continue
            names = [e.id for e in t.elts]
            if var not in names:
                continue
            for header in headers:
                cols = header.split(seps[0])
                if len(cols) != len(names):
                    continue
                i = names.index(var)
                j = next((k for k, c in enumerate(cols) if k != i and _abbreviates(var, c)), None)
                if j is not None and not _abbreviates(var, cols[i]) and _abbreviates(names[j], cols[i]):
                    return " ".join(src.segment(file, a).split())
    return None


def entry_read_from_other_field(ctx: Context, name: str) -> str | None:
    """The batch entry `name` (`"tool": torch.tensor([ln.member_id for ln in chunk])`) made from a field of the
    records (`member_id`) that does not match its key, while the records' class has a field that does
    (`tool_id`): the entry reads another column.  Its text, or None."""
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        fields = {n.target.id for c in src.nodes(tree, ast.ClassDef) for n in c.body
                  if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)}
        wanted = {f for f in fields if f == name or f.startswith(name + "_") or f.endswith("_" + name)}
        if not wanted:
            continue
        for d in src.nodes(tree, ast.Dict):
            for k, v in zip(d.keys, d.values):
                if not (isinstance(k, ast.Constant) and k.value == name) or v is None:
                    continue
                read = {n.attr for n in ast.walk(v) if isinstance(n, ast.Attribute) and n.attr in fields}
                if read and not read & wanted:
                    return " ".join(src.segment(file, v).split())
    return None
