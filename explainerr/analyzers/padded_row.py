"""A loop over the padded width of a batch tensor that reads one example's own, unpadded sequence beside that
example's row (`for b, ref in enumerate(refs): for t in range(preds.size(1)): preds[b, t] == ref[t]`): the
batch is as wide as its longest example, so for every shorter one the loop runs on into the row's padding and
past the end of the example.  The example's own length is the right bound; the positions it leaves out are
padding.  Read from the loop's source and the shapes in the frame."""
from __future__ import annotations

import ast

from .. import source as src
from ..model import FrameFacts, TensorFacts
from . import Finding, fact

PADDED_ROW = fact("padded-row", "the loop walks row `row` of the batch tensor `padded` (padded to "
                                "`bound_value` positions) beside that example's own sequence `tensor` (`size`)")


def padded_row(frame: FrameFacts, f: Finding, loop: ast.For, tensor: TensorFacts, size: int, source: str,
               width: int | None) -> bool:
    """Adds the fact when `tensor` (`size` < `width` rows: a sequence, or a sequence of vectors) is the item of an enclosing
    `for row, item in enumerate(items)` (or `items[row]`), and the loop body indexes `source` (a tensor of the
    frame at least two dimensions, `width` wide in dimension 1, one row per item) as `source[row, var]`."""
    var = f.values.get("var")
    if not tensor.shape or tensor.shape[0] != size or width is None or size >= width or not var:
        return False
    row = _row_of(frame, loop, tensor.expr)
    if row is None:
        return False
    row_var, items = row
    batch = frame.tensor(source)
    if batch is None:  # the bound is a number (`width`): the padded tensor the loop fills row by row (`pos[r, t]`)
        filled = {ast.unparse(n.value) for n in ast.walk(loop) if isinstance(n, ast.Subscript)
                  and isinstance(n.slice, ast.Tuple) and len(n.slice.elts) >= 2
                  and ast.unparse(n.slice.elts[0]) == row_var and var in src.names_in(n.slice.elts[1])}
        found = [(name, t) for name in filled for t in [frame.tensor(name)] if t is not None]
        source, batch = found[0] if len(found) == 1 else (source, None)
    if batch is None or len(batch.shape) < 2 or batch.shape[1] != width:
        return False
    if items in frame.lengths and frame.lengths[items] != batch.shape[0]:
        return False
    if not any(isinstance(n, ast.Subscript) and ast.unparse(n.value) == source and isinstance(n.slice, ast.Tuple)
               and len(n.slice.elts) >= 2 and ast.unparse(n.slice.elts[0]) == row_var
               and var in src.names_in(n.slice.elts[1]) for n in ast.walk(loop)) \
            and not _row_walked(frame, loop, source, row_var, var):
        return False
    f.facts.add(PADDED_ROW)
    f.values.update(row=row_var, items=items, padded=source)
    return True


def _row_of(frame: FrameFacts, loop: ast.For, expr: str) -> tuple[str, str] | None:
    """(the row variable, the items) when `expr` is `items[row]` (or a name assigned so), or the item of an
    enclosing `for row, expr in enumerate(items)` (or a field of it: `note.tag_ids`)."""
    tree = src.tree_of(frame.file)
    if tree is None:
        return None
    try:
        node = ast.parse(expr, mode="eval").body
    except SyntaxError:
        return None
    if isinstance(node, ast.Name):  # `ref = refs[b]` in the loop over the rows
        made = src.last_assignment(tree, node.id, frame.line)
        value = made.value if made is not None else None
        if isinstance(value, ast.Call) and src.call_name(value) in _AS_SEQUENCE | _ELEMENTWISE and value.args:
            value = value.args[0]  # `offs = torch.tensor(offsets[w])`, `torch.log1p(minutes)`: the item, as long
            if isinstance(value, ast.Name):
                node = value
        if isinstance(value, ast.Subscript):
            node = value
        sized = _sized_by_item(value)
        if sized is not None:  # `smoothed = torch.empty(n_real)`: as long as the item of the loop over lengths
            node = ast.Name(id=sized)
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Name):
        return node.slice.id, ast.unparse(node.value)
    while isinstance(node, ast.Attribute) or (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)):
        node = node.value  # `note.tag_ids`, `ex["tags"]`: a field of the item
    expr = node.id if isinstance(node, ast.Name) else expr
    for outer in src.enclosing_loops(tree, frame.line):
        if outer is loop or not (isinstance(outer.target, ast.Tuple) and len(outer.target.elts) == 2):
            continue
        index, item = outer.target.elts
        if isinstance(item, ast.Tuple) and any(isinstance(e, ast.Name) and e.id == expr for e in item.elts):
            item = ast.Name(id=expr)  # `for r, (_, _, minutes) in enumerate(recipes)`: a field of the item
        if (isinstance(index, ast.Name) and isinstance(item, ast.Name) and item.id == expr
                and isinstance(outer.iter, ast.Call) and src.call_name(outer.iter) == "enumerate"
                and outer.iter.args):
            return index.id, src.segment(frame.file, outer.iter.args[0])
    return None


#: Tensor constructors whose first argument is the length.
_SIZED = ("torch.empty", "torch.zeros", "torch.ones", "torch.full", "np.zeros", "np.empty", "np.ones", "np.full")


def _sized_by_item(value: ast.AST | None) -> str | None:
    """`torch.empty(n_real, ...)`: the plain name a constructor takes its length from."""
    if isinstance(value, ast.Call) and src.call_name(value) in _SIZED and value.args \
            and isinstance(value.args[0], ast.Name):
        return value.args[0].id
    return None


#: Elementwise functions: their result is as long as their argument.
_ELEMENTWISE = {"torch.log1p", "torch.log", "torch.exp", "torch.sqrt", "torch.abs", "torch.sigmoid", "torch.tanh",
                "torch.expm1", "np.log1p", "np.log", "np.exp", "np.sqrt", "np.abs"}

_AS_SEQUENCE = {"torch.tensor", "torch.as_tensor", "torch.LongTensor", "np.array", "np.asarray", "numpy.array",
                "numpy.asarray", "list", "tuple"}


def _row_walked(frame: FrameFacts, loop: ast.For, source: str, row_var: str, var: str) -> bool:
    """The loop reads `x[var]` where `x` is row `row_var` of `source`, taken before the loop (`probs =
    scores[w].softmax(-1)`: a row of the batch, transformed elementwise along it)."""
    tree = src.tree_of(frame.file)
    if tree is None:
        return False
    read = {ast.unparse(n.value) for n in ast.walk(loop) if isinstance(n, ast.Subscript)
            and var in src.names_in(n.slice if not isinstance(n.slice, ast.Tuple) else n.slice.elts[0])}
    for name in read:
        made = src.last_assignment(tree, name, loop.lineno) if name.isidentifier() else None
        if made is None:
            continue
        rows = [n for n in ast.walk(made.value) if isinstance(n, ast.Subscript) and ast.unparse(n.value) == source
                and ast.unparse(n.slice) == row_var]
        if rows:
            return True
    return False


PADDED_ROW_PASSED = fact("padded-row-passed", "`bound_source` is one row of the padded batch `batch` (zipped with "
                                              "`items`, the examples' own sequences), handed to the function "
                                              "beside `tensor`")


def padded_row_passed(ctx, frame: FrameFacts, f: Finding, tensor: TensorFacts, size: int, source: str,
                      width: int | None) -> bool:
    """Adds the fact when `source` and `tensor` are parameters of the frame's function, and its caller passes
    them from one `for a, b in zip(..., batch, items)` loop (or comprehension): `batch` a tensor of the caller whose rows are
    `width` wide (dimension 1), `items` not such a tensor (a list of the examples' own sequences); `tensor`
    (`size` < `width`) is then one example's own sequence, and `source` its padded row."""
    if width is None or size >= width or source not in frame.params or tensor.expr not in frame.params:
        return False
    caller = ctx._caller(frame)
    args = {a.param: a.text.strip() for a in caller.call_args} if caller is not None else {}
    row, item = args.get(source), args.get(tensor.expr)
    tree = src.tree_of(caller.file) if caller is not None else None
    if tree is None or not row or not item:
        return False
    if _rows_of_one_example(ctx, caller, tree, f, row, item, width):
        return True
    stmt = src.statement_at(tree, caller.line)
    comps = [n for n in ast.walk(stmt) if isinstance(n, ast.comprehension)] if stmt is not None else []
    for loop in [*src.enclosing_loops(tree, caller.line), *comps]:  # `for` statements and comprehensions
        target, it = loop.target, loop.iter
        if not (isinstance(target, ast.Tuple) and isinstance(it, ast.Call) and src.call_name(it) == "zip"):
            continue
        names = [e.id if isinstance(e, ast.Name) else None for e in target.elts]
        if row not in names or item not in names or len(it.args) != len(names):
            continue
        batch_text, items_text = (ast.unparse(it.args[names.index(n)]) for n in (row, item))
        outer = ctx._caller(caller) if caller.function.startswith("<") else None  # a comprehension's own frame
        batch = caller.tensor(batch_text) or (outer.tensor(batch_text) if outer is not None else None)
        items = caller.tensor(items_text) or (outer.tensor(items_text) if outer is not None else None)
        if batch is None or len(batch.shape) < 2 or batch.shape[1] != width:
            return False
        if items is not None and len(items.shape) >= 2 and items.shape[1] == width:
            return False  # the examples' side is padded the same: not their own lengths
        f.facts.add(PADDED_ROW_PASSED)
        f.values.update(batch=batch_text, items=items_text, row=row, paired="one `zip` over the examples")
        return True
    return False


def _rows_of_one_example(ctx, caller: FrameFacts, tree: ast.Module, f: Finding, row: str, item: str,
                         width: int) -> bool:
    """The caller passes `batch[w]` and `items[w]` (the same variable `w` of a loop around the call): `batch` a
    tensor of the caller `width` wide in dimension 1, `items` not such a tensor and, where its length is known,
    one item per row of `batch`."""
    try:
        r, i = ast.parse(row, mode="eval").body, ast.parse(item, mode="eval").body
    except SyntaxError:
        return False
    if not (isinstance(r, ast.Subscript) and isinstance(i, ast.Subscript) and isinstance(r.slice, ast.Name)
            and isinstance(i.slice, ast.Name) and r.slice.id == i.slice.id):
        return False
    var = r.slice.id
    if not any(var in src.names_in(loop.target) for loop in src.enclosing_loops(tree, caller.line)):
        return False
    batch_text, items_text = ast.unparse(r.value), ast.unparse(i.value)
    batch, items = caller.tensor(batch_text), caller.tensor(items_text)
    if batch is None or len(batch.shape) < 2 or batch.shape[1] != width:
        return False
    if items is not None and (len(items.shape) < 2 or items.shape[1] == width or items.shape[0] != batch.shape[0]):
        return False
    if items is None and caller.lengths.get(items_text, batch.shape[0]) != batch.shape[0]:
        return False
    f.facts.add(PADDED_ROW_PASSED)
    f.values.update(batch=batch_text, items=items_text, row=row, paired=f"the same index `{var}`")
    return True
