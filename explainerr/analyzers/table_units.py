"""A table sized by a setting counted in other units than the sequence it meets, where the script converts that
setting elsewhere: `ModelConfig(max_len=mon.window_min)` sizes the position table in minutes (180) while the data
has `n_steps = mon.window_min * 60 // mon.sample_period_s` steps (360).  The conversion the script already writes
is the size the table needs.  Read from the user's source (nothing runs): the one call of the user's files that
gives the table's size setting a value V, and the one arithmetic expression elsewhere that reads V and, with the
settings' written defaults, comes to the sequence's length."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact

TABLE_OTHER_UNIT = fact("table-other-unit", "`size_given` sizes the table (`size_call`, line `size_line`), but the "
                                            "sequence is `converted` long (line `converted_line`)")

_OPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
        ast.FloorDiv: lambda a, b: a // b if b else None}


def table_other_unit(ctx: Context, setting: str, rows: int, seq: int) -> Finding | None:
    """`setting` is the field the table is sized by (`max_len` of `nn.Embedding(cfg.max_len, d)`), `rows` its
    value, `seq` the length the table met."""
    from .classes import user_files
    given, converted = [], []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            kw = src.keyword(call, setting)
            if kw is not None and not isinstance(kw.value, ast.Constant):
                given.append((file, tree, call, kw.value))
    if len(given) != 1:
        return None
    file, tree, call, value = given[0]
    text = ast.unparse(value)
    reading = [n for n in ast.walk(tree) if isinstance(n, ast.BinOp) and n is not value
               and any(ast.unparse(m) == text for m in ast.walk(n))]
    inner = {id(m) for n in reading for m in ast.walk(n) if m is not n}
    converted = [n for n in reading if id(n) not in inner and _value(tree, n, text, rows) == seq]
    if len(converted) != 1:
        return None
    conv = converted[0]
    stmt = src.statement_at(tree, call.lineno)
    from ..fixes.checks import bound_names
    if stmt is None or not {n.id for n in ast.walk(conv) if isinstance(n, ast.Name)} <= (
            bound_names(file, call.lineno) or set()):
        return None  # the conversion reads names the call's place does not have
    f = Finding(facts={TABLE_OTHER_UNIT})
    f.values.update(size_given=f"{setting}={src.segment(file, value)}", size_call=src.call_name(call),
                    size_line=call.lineno, converted=" ".join(src.segment(file, conv).split()),
                    converted_line=conv.lineno, size_fixed=f"{setting}={' '.join(src.segment(file, conv).split())}")
    f.hints["table_other_unit"] = (file, stmt, value, " ".join(src.segment(file, conv).split()))
    return f


def _value(tree: ast.Module, node: ast.AST, text: str, known: int) -> int | None:
    """The int `node` comes to, `text` standing for `known`, settings' attributes for their written defaults."""
    if ast.unparse(node) == text:
        return known
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        a, b = _value(tree, node.left, text, known), _value(tree, node.right, text, known)
        return None if a is None or b is None else _OPS[type(node.op)](a, b)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        from .lengths import _field_default
        default = _field_default(tree, node.value.id, node.attr)
        return default.value if default is not None else None
    return None
