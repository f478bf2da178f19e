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
