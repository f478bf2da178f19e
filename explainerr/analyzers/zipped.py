"""Two dicts zipped in different key orders: a loop pairs the keys of one dict (`for task, batch in
zip(TASKS, batches)`) with items made from another dict's values (`for batches in zip(*loaders.values())`)
whose keys are the same but listed in another order, so each key gets another key's items.  Read from the
user's source: both dicts are literals with constant keys."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact

ZIPPED_KEY_ORDER = fact("zipped-key-order", "`keys_dict` lists its keys in another order than `values_dict`, whose "
                                            "values the loop pairs with them (`pair_loop`, line `pair_line`)")


def zipped_key_order(ctx: Context) -> Finding | None:
    """The fact, with the hint `zipped` = (file, loop, the node of the keys' dict in the zip, the other dict's
    name), when a loop around the failing line of the innermost user frame is such a pairing."""
    frame = ctx.user
    tree = src.tree_of(frame.file) if frame is not None else None
    if tree is None:
        return None
    loops = src.enclosing_loops(tree, frame.line)
    dicts = _dict_literals(tree)
    for i, loop in enumerate(loops):
        it = loop.iter
        if not (isinstance(it, ast.Call) and src.call_name(it) == "zip" and len(it.args) == 2
                and isinstance(it.args[0], ast.Name) and it.args[0].id in dicts):
            continue
        keys_dict, items = it.args[0].id, it.args[1]
        if isinstance(items, ast.Name):  # items an outer loop made: `for batches in zip(*loaders.values())`
            source = next((_values_of(outer.iter) for outer in loops if outer is not loop
                           and items.id in src.names_in(outer.target)), None)
        else:
            source = _values_of(items)
        if source is None or source not in dicts or source == keys_dict:
            continue
        a, b = dicts[keys_dict], dicts[source]
        if sorted(a) != sorted(b) or a == b:
            continue
        f = Finding(facts={ZIPPED_KEY_ORDER})
        f.values.update(keys_dict=keys_dict, values_dict=source, keys_order=", ".join(a), values_order=", ".join(b),
                        pair_loop=f"for {src.segment(frame.file, loop.target)} in {src.segment(frame.file, it)}",
                        pair_line=loop.lineno)
        f.hints["zipped"] = (frame.file, loop, it.args[0], source)
        f.confidence = "high"
        return f
    return None


def _dict_literals(tree: ast.Module) -> dict[str, list[str]]:
    """Module-level names bound to dict literals with string keys: name -> keys in order."""
    out: dict[str, list[str]] = {}
    for n in tree.body:
        if (isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
                and isinstance(n.value, ast.Dict) and n.value.keys
                and all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in n.value.keys)):
            out[n.targets[0].id] = [k.value for k in n.value.keys]
    return out


def _values_of(node: ast.expr) -> str | None:
    """`D` for `zip(*D.values())` or `D.values()`."""
    if isinstance(node, ast.Call) and src.call_name(node) == "zip" and len(node.args) == 1 and isinstance(
            node.args[0], ast.Starred):
        node = node.args[0].value
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "values"
            and isinstance(node.func.value, ast.Name)):
        return node.func.value.id
    return None
