"""Fix for a vocabulary size written with a count kept by hand beside the list it counts: a settings class holds
`n_special: int = 2` and `special_tokens: list = [...]` with four entries, the tokenizer numbers the tokens after
the list (`offset = len(specials)`), but the config's size adds the hand-kept count (`vocab_size=rows * cols +
cfg.n_special`).  The count is replaced by the list's length, when that makes the table large enough for every id."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..analyzers import Finding, fact
from ..facts import Context
from . import Located, edits_of

COUNT_BESIDE_LIST = fact("count-beside-list", "the size adds `count_expr` = `count_value`, a count kept by hand "
                                              "beside `list_expr`, which holds `list_len` entries")
_COUNT = re.compile(r"^(?:n|num|number_of)_(\w+?)s?$")


def count_beside_list(ctx: Context, f: Finding) -> Located:
    needed, size = f.values.get("needed"), f.values.get("vocab_size") or f.values.get("num_embeddings")
    if not isinstance(needed, int) or not isinstance(size, int):
        return [], None
    found = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        fields = _fields(tree)
        for call in src.calls(tree):
            kw = src.keyword(call, "vocab_size")
            if kw is None or not src.is_config_call(call):
                continue
            for node in ast.walk(kw.value):
                m = _COUNT.match(node.attr) if isinstance(node, ast.Attribute) else None
                if m is None or not isinstance(fields.get(node.attr), int):
                    continue
                lists = [(name, n) for name, n in fields.items() if isinstance(n, list) and m.group(1) in name]
                if len(lists) != 1:
                    continue
                name, items = lists[0]
                count = fields[node.attr]
                if len(items) != count and size - count + len(items) >= needed:
                    found.append((file, call, node, name, len(items), count))
    if len(found) != 1:
        return [], None
    file, call, node, name, n, count = found[0]
    holder = src.segment(file, node.value)
    stmt = src.statement_at(src.tree_of(file), call.lineno)
    if stmt is None:
        return [], None
    f.facts.add(COUNT_BESIDE_LIST)
    f.values.update(count_expr=src.segment(file, node), count_value=count, list_expr=f"{holder}.{name}", list_len=n)
    return edits_of(src.LineEditor.for_node(file, stmt).replace(node, f"len({holder}.{name})")), None


def _fields(tree: ast.Module) -> dict[str, object]:
    """Field name → its default, for the annotated fields of the file's classes: an int, or the items of a list
    (a literal, or `field(default_factory=lambda: [...])`)."""
    out: dict[str, object] = {}
    for cls in src.nodes(tree, ast.ClassDef):
        for st in cls.body:
            if not (isinstance(st, ast.AnnAssign) and isinstance(st.target, ast.Name) and st.value is not None):
                continue
            v = st.value
            if isinstance(v, ast.Call) and src.call_name(v).split(".")[-1] == "field":
                factory = src.keyword(v, "default_factory")
                v = factory.value.body if factory is not None and isinstance(factory.value, ast.Lambda) else v
            if isinstance(v, ast.Constant) and type(v.value) is int:
                out[st.target.id] = v.value
            elif isinstance(v, (ast.List, ast.Tuple)) and not any(isinstance(e, ast.Starred) for e in v.elts):
                out[st.target.id] = list(v.elts)
    return out
