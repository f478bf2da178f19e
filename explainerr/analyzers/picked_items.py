"""A loop bounded by a per-item quantity computed over a whole collection, indexing results computed for a
selection of its items: the caller builds `states = [train(loaders[i]) for i in picked]` for the items `picked`
chooses, and `weights = sizes / sizes.sum()` from `sizes`, one entry per item of `loaders`; the function it hands
both to loops over `len(weights)` and reads `states` (through `stacked`) past its end.  The per-item quantity is
the odd one: it is indexed with the selection where it is made.  Read from the caller's source and the tensors
and lengths of the two frames."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from ..model import FrameFacts, TensorFacts
from . import Finding, fact

PICKED_ITEMS = fact("picked-items", "`bound_source` is computed (`whole_made`, line `whole_line`) from `per_item`, "
                                    "one entry per item of `items`, while `part_arg` was computed for the items "
                                    "`selection` picks (line `part_line`)")


def whole_beside_picked(ctx: Context, frame: FrameFacts, f: Finding, tensor: TensorFacts, size: int,
                        bound_source: str | None, bound_value: int | None) -> bool:
    """Adds the fact and the hint `picked_items` (file, statement, [(node, text)] edits) when the frame's function
    got `bound_source` and the list `tensor` was made from as parameters, and its caller made the list by a
    comprehension over a selection of another collection's items and the bound's argument from a tensor with
    one entry per item of that collection."""
    if not bound_source or bound_source not in frame.params or not isinstance(bound_value, int) or size >= bound_value:
        return False
    part_param = _list_param_of(frame, tensor, size)
    caller = ctx._caller(frame)
    if part_param is None or caller is None:
        return False
    args = {a.param: a.text.strip() for a in caller.call_args}
    whole_arg, part_arg = args.get(bound_source), args.get(part_param)
    tree = src.tree_of(caller.file)
    if tree is None or not whole_arg or not part_arg or not whole_arg.isidentifier() or not part_arg.isidentifier():
        return False
    part_made = src.last_assignment(tree, part_arg, caller.line)
    whole_made = src.last_assignment(tree, whole_arg, caller.line)
    if part_made is None or whole_made is None or not isinstance(whole_made.stmt, ast.Assign):
        return False
    picked = _picked_from(part_made.value)
    if picked is None:
        return False
    items, selection = picked
    if caller.lengths.get(items) != bound_value:
        return False
    per_item = [n for n in ast.walk(whole_made.value) if isinstance(n, ast.Name)
                for t in [caller.tensor(n.id)] if t is not None and t.shape and t.shape[0] == bound_value]
    if not per_item or len({n.id for n in per_item}) != 1:
        return False
    sel = selection.func.value if isinstance(selection, ast.Call) and isinstance(selection.func, ast.Attribute) \
        and selection.func.attr == "tolist" and not selection.args else selection
    sel_text = src.segment(caller.file, sel)
    if caller.tensor(sel_text) is None and sel_text not in caller.lengths:
        return False  # the selection is neither a tensor nor a list of the caller: nothing to index with
    name = per_item[0].id
    f.facts.add(PICKED_ITEMS)
    f.values.update(whole_arg=whole_arg, whole_made=" ".join(src.segment(caller.file, whole_made.value).split()),
                    whole_line=whole_made.stmt.lineno, per_item=name, items=items, part_arg=part_arg,
                    part_line=part_made.stmt.lineno, selection=sel_text,
                    caller_fn=caller.function)
    f.hints["picked_items"] = (caller.file, whole_made.stmt, [(n, f"{name}[{sel_text}]") for n in per_item])
    f.confidence = "high"
    return True


def _list_param_of(frame: FrameFacts, tensor: TensorFacts, size: int) -> str | None:
    """The parameter of the frame, a plain list of `size` items, that the indexed tensor is the parameter or was
    made from in the frame's function."""
    if tensor.expr in frame.params and frame.lengths.get(tensor.expr) == size:
        return tensor.expr
    tree = src.tree_of(frame.file)
    made = src.last_assignment(tree, tensor.expr, frame.line) if tree is not None and tensor.expr.isidentifier() \
        else None
    if made is None:
        return None
    found = [n for n in dict.fromkeys(src.names_in(made.value)) if n in frame.params and frame.lengths.get(n) == size]
    return found[0] if len(found) == 1 else None


def _picked_from(value: ast.AST) -> tuple[str, ast.expr] | None:
    """(`loaders`, `picked`) for `[f(loaders[i]) for i in picked]` (one generator, no condition)."""
    if not isinstance(value, ast.ListComp) or len(value.generators) != 1 or value.generators[0].ifs:
        return None
    gen = value.generators[0]
    if not isinstance(gen.target, ast.Name) or isinstance(gen.iter, ast.Call) and src.call_name(gen.iter) == "range":
        return None
    read = {n.value.id for n in ast.walk(value.elt) if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)
            and isinstance(n.slice, ast.Name) and n.slice.id == gen.target.id}
    return (read.pop(), gen.iter) if len(read) == 1 else None
