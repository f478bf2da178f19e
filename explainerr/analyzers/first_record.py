"""A setting read off the first record and used for every record: `rate = calls[0].sample_rate`, then
`for call in calls:` computes each record's positions with `rate`, while each record has its own
`call.sample_rate`.  The positions of every other record are in the wrong unit, so an index that falls past a
table downstream is not a bound, a class count or a vocabulary to change, and no pattern names it.  Read from
the user's source: the files of the user frames."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from .classes import user_files

_SIZES = frozenset({"shape", "size", "dtype", "device", "T", "ndim"})  # a tensor's size is the loop patterns' own


def first_record_setting(ctx: Context) -> bool:
    """A scope assigns `name = SEQ[0].ATTR` (ATTR not a tensor size) and then loops `for V in SEQ:` reading `name`
    and `V` but never `V.ATTR`: the first record's setting used for every record."""
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        for scope in [tree, *src.nodes(tree, ast.FunctionDef, ast.AsyncFunctionDef)]:
            firsts = {}
            for st in src.statements(scope):
                v = st.value if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(
                    st.targets[0], ast.Name) else None
                if (isinstance(v, ast.Attribute) and v.attr not in _SIZES and isinstance(v.value, ast.Subscript)
                        and isinstance(v.value.value, ast.Name) and isinstance(v.value.slice, ast.Constant)
                        and v.value.slice.value == 0):
                    firsts[st.targets[0].id] = (v.value.value.id, v.attr, st.lineno)
            for loop in (n for n in src.statements(scope, nested=True) if isinstance(n, ast.For)):
                if not (isinstance(loop.iter, ast.Name) and isinstance(loop.target, ast.Name)):
                    continue
                var = loop.target.id
                body = [n for st in loop.body for n in ast.walk(st)]
                read = {n.id for n in body if isinstance(n, ast.Name)}
                own = {n.attr for n in body if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
                       and n.value.id == var}
                for name, (seq, attr, line) in firsts.items():
                    if seq == loop.iter.id and line < loop.lineno and name in read and var in read \
                            and attr not in own and own:
                        return True
    return False
