"""A loop bounded by the longest of several sequences that reads every one of them at the same step:
`steps = max(s["x"].shape[0] for s in shards.values())`, then `for step in range(steps): for name, shard in
shards.items(): shard["x"][step]`.  Every shorter sequence runs out before the loop ends.  Which way it should go
on is the user's to say (skip a sequence once it has run out, or start it again with `step % its size`); the edit
skips it, and the text names the other.  Read from the loop's source: the bound's assignment and the inner loop."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..model import FrameFacts
from . import Finding, fact

LONGEST_OF_ITEMS = fact("longest-of-items", "the bound `bound` is the longest of `items` (`longest_made`, line "
                                            "`longest_line`), and the inner loop reads each item `item` at the same "
                                            "step")


def longest_of_items(frame: FrameFacts, f: Finding, loop: ast.For, stop: ast.AST, base: str) -> bool:
    """Adds the fact and the hint `longest_of_items` (file, the inner loop's first statement, the guard's text)
    when `stop` is a name assigned `max(<size of g> for g in <items>)` and the indexed `base` reads the item of an
    inner loop over the same items, inside `loop`."""
    tree = src.tree_of(frame.file)
    var = f.values.get("var")
    if tree is None or not isinstance(stop, ast.Name) or not var:
        return False
    made = src.last_assignment(tree, stop.id, loop.lineno)
    value = made.value if made is not None else None
    if not (isinstance(value, ast.Call) and src.call_name(value) == "max" and len(value.args) == 1
            and isinstance(value.args[0], ast.GeneratorExp) and len(value.args[0].generators) == 1):
        return False
    gen = value.args[0].generators[0]
    if not isinstance(gen.target, ast.Name) or gen.ifs:
        return False
    items = _collection(gen.iter)
    for inner in src.nodes(loop, ast.For):
        if inner is loop or not src.contains(inner, frame.line) or _collection(inner.iter) != items:
            continue
        names = src.names_in(inner.target)
        item = names[-1] if names else None
        if item is None or base.split("[")[0].split(".")[0] != item:
            continue
        first = inner.body[0]
        if first.lineno != first.end_lineno:
            return False
        size = re.sub(rf"\b{gen.target.id}\b", item, src.segment(frame.file, value.args[0].elt))
        line = src.segment(frame.file, first)
        text = f"if {var} >= {size}:\n{' ' * first.col_offset}    continue\n{' ' * first.col_offset}{line}"
        f.facts.add(LONGEST_OF_ITEMS)
        f.values.update(items=items, item=item, longest_made=" ".join(src.segment(frame.file, value).split()),
                        longest_line=made.stmt.lineno, item_size=size)
        f.hints["longest_of_items"] = (frame.file, inner, first, text)
        return True
    return False


def _collection(node: ast.expr) -> str:
    """The collection a loop walks the items of: `shards` for `shards.values()`, `shards.items()` and `shards`."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("items", "values") \
            and not node.args:
        return ast.unparse(node.func.value)
    return ast.unparse(node)
