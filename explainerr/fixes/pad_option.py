"""Fix for a Dataset whose item helper can pad but is not asked to: `__getitem__` calls a function of the
user's files with a padding parameter left at its default (`encode(text, vocab, max_len=...)` of `def
encode(text, vocab, max_len, pad_to=None)`, whose body pads only when `pad_to` is given), so each item keeps
its own length and the default collate cannot stack them.  The call is given the parameter: the length it
already cuts to for a `None` default, `True` for a `False` one."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..analyzers import Finding, fact
from ..facts import Context
from ..model import Edit

PAD_LEFT_OUT = fact("pad-left-out", "`__getitem__` calls `pad_helper` (line `pad_call_line`) without `pad_param`, "
                                    "so it does not pad; given `pad_param=pad_value` every item has one length")

_PAD_PARAM = re.compile(r"(^|_)pad", re.I)
_LENGTH_PARAM = re.compile(r"max_?len|max_length|length|seq_len|width|size", re.I)


def pad_option_left_out(ctx: Context, f: Finding) -> list[Edit]:
    from ..batches import sole_getitem
    item = sole_getitem(ctx)
    if item is None:
        return []
    file, tree, get = item
    defs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    hits = []
    for call in src.calls(get):
        fn = defs.get(call.func.id) if isinstance(call.func, ast.Name) else None
        if fn is None or any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            continue
        params = [a.arg for a in fn.args.args]
        defaults = dict(zip(params[len(params) - len(fn.args.defaults):], fn.args.defaults))
        given = set(params[:len(call.args)]) | {k.arg for k in call.keywords}
        for p, d in defaults.items():
            if p in given or not _PAD_PARAM.search(p) or not _gates_padding(fn, p):
                continue
            if isinstance(d, ast.Constant) and d.value is False:
                hits.append((call, p, "True"))
            elif isinstance(d, ast.Constant) and d.value is None:
                lengths = [k.value for k in call.keywords if _LENGTH_PARAM.search(k.arg or "")] + [
                    a for a, name in zip(call.args, params) if _LENGTH_PARAM.search(name)]
                if len(lengths) == 1:
                    hits.append((call, p, src.segment(file, lengths[0])))
    if len(hits) != 1:
        return []
    call, param, value = hits[0]
    stmt = src.statement_at(tree, call.lineno)
    if stmt is None:
        return []
    edit = src.LineEditor.for_node(file, stmt).add_keywords(call, f"{param}={value}").edit()
    if edit is None:
        return []
    f.facts.add(PAD_LEFT_OUT)
    f.values.update(pad_helper=call.func.id, pad_call_line=call.lineno, pad_param=param, pad_value=value)
    return [edit]


def _gates_padding(fn: ast.FunctionDef, param: str) -> bool:
    """An `if` on `param` (`if pad_to is not None:`, `if pad:`) whose body lengthens something."""
    for node in src.nodes(fn, ast.If):
        if param in {n.id for n in ast.walk(node.test) if isinstance(n, ast.Name)} and any(
                isinstance(n, (ast.BinOp, ast.AugAssign, ast.Call)) for st in node.body for n in ast.walk(st)):
            return True
    return False


PAD_KEY_LEFT_OUT = fact("pad-key-left-out", "the collate pads only the keys of `pad_table` (line `pad_table_line`), "
                                            "and the batch's key `pad_key` is not one of them")
PAD_KEY_LISTED = fact("pad-key-listed", "the keys the collate pads are listed by name in `pad_table`, without "
                                        "`pad_key`")


def pad_key_left_out(ctx: Context, f: Finding) -> list[Edit]:
    """The failing line makes a tensor per key in a loop over the keys (`for key in batch[0]:`) that pads only
    `if key in PAD_VALUES:`, a module-level dict literal; the key being made (`key` = "shape_ids", read from the
    frame) is not in it: the entry `"shape_ids": 0` is added to the dict (-100 for a key named like labels)."""
    from ..analyzers.classes import _LABEL_NAME
    frame = ctx.user
    tree = src.tree_of(frame.file) if frame is not None else None
    if tree is None:
        return []
    loops = [n for n in src.path_to(tree, frame.line) if isinstance(n, ast.For) and isinstance(n.target, ast.Name)]
    for loop in reversed(loops):
        key = frame.scalars.get(loop.target.id)
        if not isinstance(key, str):  # (a string local named `key` is not reported: it may hold a secret)
            key = _key_by_shapes(frame, loop, f)
        if not isinstance(key, str):
            continue
        guards = [n for n in ast.walk(loop) if isinstance(n, ast.If) and isinstance(n.test, ast.Compare)
                  and len(n.test.ops) == 1 and isinstance(n.test.ops[0], ast.In)
                  and isinstance(n.test.left, ast.Name) and n.test.left.id == loop.target.id
                  and isinstance(n.test.comparators[0], ast.Name)]
        if len(guards) != 1:
            return []
        table = guards[0].test.comparators[0].id
        made = [st for st in tree.body if isinstance(st, ast.Assign) and len(st.targets) == 1
                and isinstance(st.targets[0], ast.Name) and st.targets[0].id == table]
        if len(made) == 1 and isinstance(made[0].value, (ast.Tuple, ast.List, ast.Set)) and made[0].value.elts:
            return _key_listed(ctx, f, frame.file, tree, guards[0], made[0], key)
        if len(made) != 1 or not isinstance(made[0].value, ast.Dict) or not made[0].value.keys:
            return []
        d = made[0].value
        keys = [k.value for k in d.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
        if len(keys) != len(d.keys) or key in keys:
            return []
        value = "-100" if _LABEL_NAME.search(key) else "0"
        last = d.values[-1]
        e = src.LineEditor.for_node(frame.file, made[0]).insert_after(last, f", {key!r}: {value}".replace("'", '"'))
        edit = e.edit()
        if edit is None:
            return []
        f.facts.add(PAD_KEY_LEFT_OUT)
        f.values.update(pad_table=table, pad_table_line=made[0].lineno, pad_key=key, pad_key_value=value)
        return [edit]
    return []


def _key_listed(ctx: Context, f: Finding, file: str, tree: ast.Module, guard: ast.If, made: ast.Assign,
                key: str) -> list[Edit]:
    """`if key in PAD_KEYS:` of `PAD_KEYS = ("input_ids", "labels")`, a module-level collection of key names: the
    key being stacked is added to it, when every value its padding branch reads per key (`PAD_VALUES[key]`)
    has an entry for it."""
    names = made.value.elts
    if not all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in names) or key in [
            k.value for k in names]:
        return []
    for n in (n for st in guard.body for n in ast.walk(st)):
        if isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Name) and n.slice.id == ast.unparse(
                guard.test.left) and isinstance(n.value, ast.Name):
            table = next((st.value for st in tree.body if isinstance(st, ast.Assign) and len(st.targets) == 1
                          and isinstance(st.targets[0], ast.Name) and st.targets[0].id == n.value.id), None)
            if table is None or not isinstance(n.ctx, ast.Load):
                continue  # `batch[key] = ...`: the batch written, not a table of the module read
            if not isinstance(table, ast.Dict) or key not in [k.value for k in table.keys
                                                             if isinstance(k, ast.Constant)]:
                return []  # the padding branch would read an entry the key has not got
    quote = '"' if '"' in src.segment(file, names[-1])[:1] else "'"
    e = src.LineEditor.for_node(file, made).insert_after(names[-1], f", {quote}{key}{quote}")
    edit = e.edit()
    if edit is None:
        return []
    f.facts.add(PAD_KEY_LEFT_OUT)
    f.facts.add(PAD_KEY_LISTED)
    f.values.update(pad_table=made.targets[0].id, pad_table_line=made.lineno, pad_key=key)
    return [edit]


def _key_by_shapes(frame, loop: ast.For, f: Finding) -> str | None:
    """The key the loop is at, read from the items' tensors: `for key in items[0]:` over dicts whose entries the
    frame holds (`items[1]["bbox"]`), the one key whose entries have both shapes that met in the failing call."""
    it = loop.iter
    while isinstance(it, ast.Subscript) or (isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute)
                                            and it.func.attr == "keys"):
        it = it.value if isinstance(it, ast.Subscript) else it.func.value
    if not isinstance(it, ast.Name):
        return None
    met = {tuple(int(x) for x in re.findall(r"-?\d+", str(f.values.get(k, "")))) for k in ("len_a", "len_b")}
    if len(met) != 2 or () in met:
        return None
    shapes: dict[str, set[tuple[int, ...]]] = {}
    pattern = re.compile(re.escape(it.id) + r"""\[\d+\]\[["'](\w+)["']\]$""")
    for t in frame.tensors:
        m = pattern.match(t.expr)
        if m:
            shapes.setdefault(m.group(1), set()).add(tuple(t.shape))
    keys = [k for k, seen in shapes.items() if met <= seen]
    return keys[0] if len(keys) == 1 else None
