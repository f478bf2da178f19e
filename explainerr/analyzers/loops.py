"""Analyzer for an index past the end of a tensor inside a loop: what bounds the loop, what the index adds
to the loop variable, and which of the sequences the loop walks has the wrong length.

The loop bound is read as a value (`range(len(token_ids))` is 9 when `token_ids` holds 9 items, `seq_len`
unpacked from `hidden.shape` is that size) and classified: a fixed number (a configured batch size or
maximum length: bound the loop by the tensor's own size), the tensor's own size (then an offset such as
`i + 1` runs past its end: stop the loop that much earlier), or the size of another sequence of the same
batch.  In the last case narrowing the loop would silently skip positions of the other sequence; the
tensor that disagrees with the rest of its batch is blamed instead, and rebuilt from the batch where the
code shows how (a 0/1 mask from the ids and the padding id; a value computed from a list the loop's
sequence was built from).
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from .. import source as src
from .reduction import indices_reduced_over, reduced_over
from ..facts import Context
from ..model import FrameFacts, TensorFacts
from . import BAND_AID, Finding, analyzer, evidence, fact, value_evidence
from . import maskroles
from .batchwalk import collected_fewer, transposed, whole_per_batch
from .consistency import batch_votes, names
from .truncated_words import words_truncated
from .ctor_bound import given_to_constructor
from .overwritten import overwritten_per_batch
from .padded_row import padded_row, padded_row_passed
from .picked_items import whole_beside_picked
from .longest_of_items import longest_of_items
from .span_sum import span_past_end
from .scene import DATALOADER

CONSTANT_BOUND = fact("constant-bound", "the loop is bounded by a fixed number (a literal or a constant)")
PARTIAL_BATCH = fact("partial-batch", "the fixed bound is the DataLoader's batch size and the indexed tensor is a "
                                      "batch's first dimension: the last batch is smaller")
OWN_SIZE = fact("own-size", "the loop is bounded by the indexed tensor's own size; an offset runs past it")
OTHER_SIZE = fact("other-size", "the loop is bounded by the size of another sequence than the one indexed")
COMPUTED_SHORTER = fact("computed-shorter", "the indexed tensor is computed (`computed_by`, line `computed_line`) "
                                            "from a tensor of the loop's length (`computed_from`) and has a length "
                                            "of its own")
CLAMPED = fact("clamped-index", "the index `clamped_var` is `clamp_made` (line `clamp_line`): it reaches the loop's "
                                 "last value, one below the bound")
BOUND_IS_ODD = fact("bound-is-odd", "the loop walks the bound's own sequence (`bound_source`) and several others "
                                    "(`peers`) that all have the indexed tensor's length: the bound's sequence is the "
                                    "one made for another length")
DIFFERENCED = fact("differenced", "the indexed tensor is a difference of consecutive steps of `diff_base` "
                                  "(`diff_made`, line `diff_line`), `diff_k` fewer than its base by construction")
INDEXED_IS_ODD = fact("indexed-is-odd", "the indexed tensor disagrees with the rest of its batch; the loop's "
                                        "length is the batch's")
DATASET_SIZE = fact("dataset-size", "the number of examples the DataLoader batches is known")
OFFSET = fact("offset", "the index adds a constant to the loop variable (`i + 1`)")
GATHERED = fact("gathered", "positions gathered from a tensor (gather / index_select) point past its end")
OFFSET_TWICE = fact("offset-twice", "the indexed tensor was sliced to drop its first entries and the index adds "
                                   "the same offset again")
ROWS_DEDUPLICATED = fact("rows-deduplicated", "the indexed tensor has one row per distinct item of the sequence "
                                             "the loop walks (a list made with dict.fromkeys or set)")
IN_HELPER = fact("in-helper", "the index is read in a helper (`helper`, line `helper_line`) that the loop calls with "
                             "its variable (`helper_call`); `index_expr` is the helper's `helper_index` in the "
                             "loop's names")
SHORT_OF_SIZE = fact("short-of-size", "the loop bound is computed from the indexed tensor's size, less something")
PLAIN_SEQUENCE = fact("plain-sequence", "the indexed sequence is a plain list or tuple (`list index out of range`)")
VALUES = fact("values", "the loop variable takes stored values (positions), not a range")
ENUMERATED_FROM_ONE = fact("enumerated-from-one", "the loop numbers its items from 1 (`loop_header`), so its "
                                                  "variable reaches the size of the dimension it indexes")


@dataclass
class Bound:
    text: str                      # `len(token_ids)`
    value: int | None              # 9
    kind: str                      # "constant" | "size" | "other"
    source: str | None = None      # `token_ids`: the sequence whose size it is
    source_frame: FrameFacts | None = None


@analyzer("loop-bound-exceeds")
def loop_bound_exceeds(ctx: Context) -> Finding | None:
    frame = ctx.user
    index, dim, size = ctx.int_group("index"), ctx.int_group("dim"), ctx.int_group("size")
    listed = size is None and bool(_MODULE_LIST_INDEX.fullmatch(ctx.message.strip()))
    plain = _PLAIN_SEQUENCE_INDEX.fullmatch(ctx.message.strip())
    if frame is None or frame.node is None:
        return None
    try:
        node = ast.parse(frame.node.strip(), mode="eval").body
    except SyntaxError:
        return None
    sequence = None
    if plain is not None and not ctx.raise_frames():  # `offsets[e]` of a list: the frame holds its length and `e`
        read = _plain_index(frame, node)
        if read is None:
            return None
        index, size, sequence = read
        dim = 0
    if index is None or (size is None and not listed) or (ctx.raise_frames() and not listed):
        return None
    tree = src.tree_of(frame.file)
    if listed:  # `layers[i]` of an nn.ModuleList / Sequential: its number of modules is the size
        held = next((m for m in frame.modules if isinstance(node, ast.Subscript)
                     and m.expr == ast.unparse(node.value)), None)
        size = held.attrs.get("n_items") if held is not None else None
        if not isinstance(size, int):
            return None
        dim = 0
    if isinstance(node, ast.Call):
        return _gathered(ctx, frame, node, index, dim, size)
    if tree is None or not isinstance(node, ast.Subscript):
        return None
    loops = loops_around(tree, frame.line, ast.unparse(node))
    helper = None
    if not loops:
        inlined = _inlined_in_caller(ctx, frame, node)
        if inlined is not None:  # a helper given the loop's variable: read its index in the caller's loop
            helper = (frame, ast.unparse(node))
            frame, tree, node, loops = inlined
        elif isinstance(size, int):  # a callback given its index where a loop registered it
            from .registered_index import registered_index
            registered = registered_index(ctx, frame, node, index, size)
            if registered is not None:
                return registered
    base = ast.unparse(node.value)
    tensor = frame.tensor(base) or sequence
    from .swapped_args import made_by_swapped_call
    if made_by_swapped_call(ctx, tensor):
        return None  # made by the user's function given its arguments in each other's places: its axes are swapped
    parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    if dim is not None and 0 <= dim < len(parts) and len(parts) > 1:  # the message names the failing position
        parts = [parts[dim]] + [p for k, p in enumerate(parts) if k != dim]
    from .max_as_size import max_as_size
    largest = max_as_size(frame, tree, base, index, dim, size) if isinstance(size, int) else None
    if largest is not None:  # sized by the largest value, read at that value: one position short
        return largest
    if loops and index >= size:  # `start + k` for `k in range(self.chunk_len)`: a window read at a stored start
        from .stored_positions import windowed_store
        stored = windowed_store(frame, tree, loops, parts, base, tensor, index, dim, size)
        if stored is not None:
            return stored
    clamped = None
    if isinstance(node.slice, ast.Name):  # `j = min(t + k, n_steps - 1)` then `x[j]`: the loop that `n_steps` bounds
        unclamped = _unclamped(tree, frame, node.slice, loops)
        if unclamped is not None:
            clamped, parts = unclamped, [ast.Name(id=unclamped[2], ctx=ast.Load())]
    if loops and parts and isinstance(size, int) and index >= size:  # a window loop short of its reads ahead
        from .window_room import window_room
        room = window_room(ctx, frame, loops, parts[0], base, index, dim, size)
        if room is not None:
            return room
    loops, spans = _sized_loop_first(ctx, frame, loops, parts)
    for loop in loops:
        targets = src.names_in(loop.target)
        for part in parts:
            var, offset = _var_and_offset(part, targets, frame, spans,
                                          index if part is parts[0] and (dim is not None or len(parts) == 1) else None)
            if var is not None:
                source = _iterated_for(loop, var)
                if offset == 0 and source is not None and indices_reduced_over(ctx, frame, source, size):
                    return None  # the values are positions along another dimension (argmax over the batch)
                from .field_order import columns_read_out_of_order
                if columns_read_out_of_order(ctx, var):
                    return None  # the index was read from another column of its data line than its name says
                from .filtered import indices_of_unfiltered
                if indices_of_unfiltered(tree, loop, base, frame.line):
                    return None  # positions into every row, read on a filtered subset of the rows
                from .swapped_args import one_of_sibling_tables
                if offset == 0 and one_of_sibling_tables(tree, base, frame.line):
                    return None  # keys of a sibling table's list, looked up in this one
                found = _finding(ctx, frame, loop, var, offset, ast.unparse(node), base, tensor, index, dim, size)
                if found is not None and clamped is not None:
                    found.facts.add(CLAMPED)
                    found.values.update(clamped_var=node.slice.id, clamp_made=clamped[0], clamp_line=clamped[1])
                    found.hints["clamped"] = True
                if found is not None and VALUES in found.facts and _table_made_swapped(ctx, tensor, dim, index, parts):
                    return _lines_from_one(frame, tree, parts, base, index, dim, size)  # else a table made (b, a)
                    # and filled [a, b]: its sizes are swapped, not the values
                from .binned_values import values_binned
                if found is not None and VALUES in found.facts and values_binned(tree, loop.iter):
                    return None  # bins of a scaled, rounded score: not positions of any sequence
                if found is not None and VALUES in found.facts and _queried(tree, loop.iter):
                    return None  # rows of a database query: keys of the data, not positions computed for a sequence
                if found is not None and VALUES in found.facts and _written_settings(tree, loop.iter):
                    return None  # values written in the file's own settings tables, not positions computed for a text
                if found is not None and VALUES in found.facts and _counted(tree, frame.line):
                    return _lines_from_one(frame, tree, parts, base, index, dim, size)  # else `cm[g, p] += 1`: a
                    # table counting values, sized for other values than it meets
                from .filtered import positions_of_whole_on_reduced
                if found is not None and VALUES in found.facts and positions_of_whole_on_reduced(
                        tree, frame, loop, var, base, size):
                    return None  # positions into a whole list, read on a table made from its reduced copy
                if found is not None:
                    found.hints["offset_terms"] = _offset_terms(part, var, spans)
                if found is not None and listed:
                    found.values["size_expr"] = f"len({base})"
                if found is not None and sequence is not None and tensor is sequence:
                    if VALUES in found.facts:
                        return None  # a list read at stored values (class ids into names): not a loop's bound
                    found.facts.add(PLAIN_SEQUENCE)
                from .length_units import LENGTHS_OTHER_UNIT, lengths_other_unit
                other_unit = lengths_other_unit(ctx, frame, loop, size) if found is not None else None
                if other_unit is not None:  # the caller walks lengths counted in another unit than the tensor's
                    found.facts.add(LENGTHS_OTHER_UNIT)
                    found.values.update(other_unit[0])
                    found.hints["other_unit"] = other_unit[1]
                elif found is not None:
                    from .length_units import LENGTHS_CONVERTED_ELSEWHERE, lengths_converted_elsewhere
                    converted = lengths_converted_elsewhere(ctx, frame, loop, size)
                    if converted is not None:  # the caller's file converts these lengths elsewhere, not here
                        found.facts.add(LENGTHS_CONVERTED_ELSEWHERE)
                        found.values.update(converted[0])
                        found.hints["converted"] = converted[1]
                        found.confidence = "high"
                if found is not None and helper is not None:
                    found.facts.add(IN_HELPER)
                    found.values.update(helper=helper[0].function, helper_index=helper[1], helper_line=helper[0].line,
                                        helper_call=frame.node or helper[0].function)
                bound = found.values.get("bound_value") if found is not None else None
                if isinstance(bound, int) and reduced_over(ctx, frame, base, bound, size) \
                        and not found.values.get("walked"):
                    return None  # the indexed value was reduced over the dimension the loop walks, and no other
                    # value the loop walks has its length (`probe_ids[i]` beside `nearest[i]`: the bound is odd)
                if found is not None and (not isinstance(bound, int) or bound > size):
                    from .drop_last import dropped_last
                    if dropped_last(ctx, found, tensor, bound - size if isinstance(bound, int) else None):
                        found.alternatives.clear()
                        found.confidence = "high"
                return found
    from .counted_from_one import counted_from_one
    one_based = counted_from_one(frame, tree, parts, base, index, dim, size) if isinstance(size, int) else None
    if one_based is not None:  # a number parsed from text, counted from one, used as a position
        return one_based
    if not loops:
        from .dataset_length import dataset_length
        from .stored_positions import stored_positions
        from .per_row_count import per_row_count
        return stored_positions(frame, tree, parts, base, tensor, index, dim, size) or \
            dataset_length(frame, tree, parts, base, tensor, index, dim, size) or \
            per_row_count(frame, tree, parts, base, index, dim, size)
    return span_past_end(frame, tree, loops, parts, base, tensor, index, dim, size)


#: nn.ModuleList / Sequential's own message for an index past its modules.
_MODULE_LIST_INDEX = re.compile(r"index -?\d+ is out of range")
_PLAIN_SEQUENCE_INDEX = re.compile(r"(list|tuple) index out of range")


def _plain_index(frame: FrameFacts, node: ast.AST) -> tuple[int, int, TensorFacts] | None:
    """For `seq[i]` or `seq[i + k]` failing on a plain list or tuple (whose message names no number): the index
    (from the frame's scalars), the length (`len` of the exact builtin, read with the frame) and the sequence
    described as a one-dimensional `TensorFacts` of dtype `list`, so the loop's reading treats it as any
    indexed sequence."""
    if not isinstance(node, ast.Subscript) or isinstance(node.slice, (ast.Tuple, ast.Slice)):
        return None
    base = ast.unparse(node.value)
    size = frame.lengths.get(base)
    index = _int_value(node.slice, frame)
    if not isinstance(size, int) or index is None or not 0 <= size <= index:
        return None
    return index, size, TensorFacts(expr=base, shape=(size,), dtype="list", device="", frame=frame.index,
                                    numel=size)


def _int_value(node: ast.AST, frame: FrameFacts) -> int | None:
    """An expression's value from the frame's plain int names and integer constants (`e`, `i + 1`, `t - k`)."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.Name):
        v = frame.scalars.get(node.id)
        return v if type(v) is int else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        a, b = _int_value(node.left, frame), _int_value(node.right, frame)
        if a is None or b is None:
            return None
        return a + b if isinstance(node.op, ast.Add) else a - b
    return None

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


def _lines_from_one(frame: FrameFacts, tree: ast.Module, parts: list, base: str, index: int, dim: int | None,
                    size: int | None) -> Finding | None:
    """Values of a loop that are line numbers counted from one (counted_from_one.line_numbered), else nothing."""
    from .counted_from_one import LINE_NUMBERED, counted_from_one
    found = counted_from_one(frame, tree, parts, base, index, dim, size) if isinstance(size, int) else None
    return found if found is not None and LINE_NUMBERED in found.facts else None


def _table_made_swapped(ctx: Context, tensor: TensorFacts | None, dim: int | None, index: int, parts: list) -> bool:
    """A 2-D table the user's code made with a tensor factory (`torch.zeros(len(A), len(B))`), read with two
    indices, whose failing index fits its other dimension: the table's two sizes are the other way round from
    the order it is indexed in (a confusion matrix `table[pred, gold]` made (golds, preds))."""
    from ..provenance import trace
    if tensor is None or len(tensor.shape) != 2 or len(parts) != 2 or dim not in (0, 1) \
            or ctx.frames[tensor.frame].library:
        return False
    if not index < tensor.shape[1 - dim] or tensor.shape[0] == tensor.shape[1]:
        return False
    steps = trace(ctx, tensor)
    return bool(steps) and bool(re.search(r"\btorch\.(zeros|ones|full|empty)\(", steps[-1].source))


def loops_around(tree: ast.Module, line: int, failing: str | None) -> list[ast.For]:
    """The loops that run the failing expression, innermost first: the generators of the comprehensions on
    its line that hold it (each read as a `for` over its element; all of them when the expression is not
    known), then the enclosing `for` statements."""
    out: list[ast.For] = []
    comps = [n for n in src.path_to(tree, line) if isinstance(n, _COMPREHENSIONS)
             and (failing is None or any(ast.unparse(x) == failing for x in ast.walk(n)))]
    for comp in reversed(comps):  # deeper comprehensions come later in the walk
        body = ast.Tuple(elts=[comp.key, comp.value], ctx=ast.Load()) if isinstance(comp, ast.DictComp) else comp.elt
        for gen in reversed(comp.generators):
            loop = ast.For(target=gen.target, iter=gen.iter, body=[ast.Expr(value=body)], orelse=[])
            ast.copy_location(loop, comp)
            loop.end_lineno, loop.end_col_offset = comp.end_lineno, comp.end_col_offset
            out.append(loop)
    return out + src.enclosing_loops(tree, line)


def _gathered(ctx: Context, frame: FrameFacts, node: ast.Call, index: int, dim: int | None,
              size: int) -> Finding | None:
    """`x.gather(1, positions)` / `x.index_select(1, positions)` along a sequence dimension (not the last,
    where classes or features are): the positions were computed for a longer sequence than `x`."""
    name = src.call_name(node).split(".")[-1]
    if name not in ("gather", "index_select") or dim is None:
        return None
    is_method = isinstance(node.func, ast.Attribute) and not src.call_name(node).startswith("torch.")
    args = list(node.args)
    source = node.func.value if is_method else (args.pop(0) if args else None)
    if source is None or len(args) < 2:
        return None
    x = frame.tensor(ast.unparse(source))
    positions_node = maskroles.base(args[1])
    positions = frame.tensor(ast.unparse(positions_node))
    if x is None or positions is None or dim >= len(x.shape) - 1 or not positions.is_integer:
        return None
    shape = tuple(positions.shape) + ((1,) if _adds_last_axis(args[1]) else ())
    per_row = (len(shape) == len(x.shape) and shape[-1] == 1) or (
        len(shape) == 1 and shape[0] == x.shape[0])
    if per_row and positions.max is not None and positions.max < x.shape[-1] and x.shape[-1] > 1:
        return None  # one value per row that fits the last dimension (a class per example): the wrong `dim`
    f = Finding()
    f.facts |= {VALUES, GATHERED}
    text = ast.unparse(positions_node)
    f.values.update(var=text, bound=text, tensor=ast.unparse(source), size=size, dim=dim, index=index,
                    bound_value=f"values up to at least {index}")
    f.evidence.extend(e for e in (evidence(x), evidence(positions)) if e)
    f.hints.update(tensor=ast.unparse(source), dim=dim, frame=frame)
    return f


def _adds_last_axis(node: ast.AST) -> bool:
    """`targets.unsqueeze(-1)` / `targets[..., None]` / `targets[:, :, None]`: one value per position, put in a
    trailing axis of size 1 (the shape `gather` wants when it picks one entry of the last dimension)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "unsqueeze" \
            and len(node.args) == 1 and isinstance(node.args[0], ast.UnaryOp) and isinstance(node.args[0].op, ast.USub) \
            and isinstance(node.args[0].operand, ast.Constant) and node.args[0].operand.value == 1:
        return True
    if isinstance(node, ast.Subscript):
        parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        return bool(parts) and isinstance(parts[-1], ast.Constant) and parts[-1].value is None
    return False


def _iterated_for(loop: ast.For, var: str) -> str | None:
    """The expression whose items `var` takes: the loop's iterable for `for var in X`, the matching argument
    for `for a, var in zip(X, Y)`, the iterable for `for i, var in enumerate(X)`."""
    target, it = loop.target, loop.iter
    if isinstance(target, ast.Name):
        return ast.unparse(it) if target.id == var else None
    if not isinstance(target, ast.Tuple) or not isinstance(it, ast.Call) or not isinstance(it.func, ast.Name):
        return None
    names = [t.id if isinstance(t, ast.Name) else None for t in target.elts]
    if var not in names:
        return None
    k = names.index(var)
    if it.func.id == "zip" and len(it.args) == len(names) and not it.keywords:
        return ast.unparse(it.args[k])
    if it.func.id == "enumerate" and len(names) == 2 and k == 1 and it.args:
        return ast.unparse(it.args[0])
    return None


_ARITHMETIC = frozenset({"int", "min", "max", "abs", "round"})


def _queried(tree: ast.Module, iterable: ast.AST) -> bool:
    """The loop walks the rows of a database query (`con.execute("SELECT ...")`, `cur.fetchall()`), directly or
    through a local made from one."""
    return any(isinstance(c, ast.Call) and src.call_name(c).rpartition(".")[2] in ("execute", "fetchall", "fetchmany")
               for node in src.with_makers(tree, iterable) for c in ast.walk(node))


def _written_settings(tree: ast.Module, iterable: ast.AST) -> bool:
    """The loop walks a module-level table written out in the file (`SETTINGS.values()` of a dict display of
    settings records): its values are settings someone typed, not positions computed for a sequence."""
    from .classes import module_defs
    defs = module_defs(tree)
    for n in ast.walk(iterable):
        made = defs.get(n.id) if isinstance(n, ast.Name) else None
        value = made.value if made is not None else None
        items = value.values if isinstance(value, ast.Dict) else value.elts if isinstance(
            value, (ast.List, ast.Tuple)) else []
        if items and all(isinstance(v, (ast.Dict, ast.Call)) for v in items):  # records: `dict(...)`, `Spec(...)`
            return True
    return _settings_variants(tree, iterable)


def _settings_variants(tree: ast.Module, iterable: ast.AST) -> bool:
    """The loop walks a list written in place of settings objects, each made by building a class of the file or
    by `replace(...)` of one (`for name, s in [("quick", quick), ("deep", deep)]` with `deep = replace(quick,
    top_k=10)`): its values are settings someone chose, not positions computed for a sequence."""
    if not isinstance(iterable, (ast.List, ast.Tuple)) or not iterable.elts:
        return False
    classes = {c.name for c in src.nodes(tree, ast.ClassDef)}
    scope = src.enclosing_scope(tree, iterable.lineno)

    def record(node: ast.AST) -> bool:
        if isinstance(node, ast.Name):
            made = src.assignments(tree, node.id, scope, before=iterable.lineno)
            node = made[-1].value if made else None
        return isinstance(node, ast.Call) and (src.call_name(node).rpartition(".")[2] in classes | {"replace"})

    for item in iterable.elts:
        parts = item.elts if isinstance(item, ast.Tuple) else [item]
        if not any(record(p) for p in parts) or not all(record(p) or isinstance(p, ast.Constant) for p in parts):
            return False
    return True


def _counted(tree: ast.Module, line: int) -> bool:
    """The failing statement counts into a table (`cm[g, p] += 1`): its indices are values being tallied."""
    stmt = src.statement_at(tree, line)
    return isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Subscript) and \
        isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, (int, float))


def _unclamped(tree: ast.Module, frame: FrameFacts, name: ast.Name, loops: list[ast.For]) -> tuple[str, int, str] | None:
    """For an index `j` assigned in the loops as `min(<expr>, B - 1)` where `B` stops one of them (`for t in
    range(B)`): the clamp's text, its line and that loop's variable; `j` goes as far as that variable does."""
    if not loops:
        return None
    made = [a for a in src.assignments(tree, name.id, loops[0], before=frame.line)]
    value = made[-1].value if made and not made[-1].augmented else None
    if not (isinstance(value, ast.Call) and src.call_name(value) == "min" and len(value.args) == 2
            and not value.keywords):
        return None
    for arg in value.args:
        if not (isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Sub) and isinstance(arg.right, ast.Constant)
                and arg.right.value == 1):
            continue
        top = ast.unparse(arg.left)
        for loop in loops:
            it = loop.iter
            if isinstance(it, ast.Call) and src.call_name(it) == "range" and len(it.args) == 1 \
                    and ast.unparse(it.args[0]) == top and isinstance(loop.target, ast.Name):
                return " ".join(src.segment(frame.file, value).split()), made[-1].stmt.lineno, loop.target.id
    return None


def _var_and_offset(part: ast.AST, targets: list[str], frame: FrameFacts,
                    spans: dict[str, tuple[int, str]] | None = None, index: int | None = None) -> tuple[str | None, int]:
    """`i` → (i, 0); `i + 1` / `1 + i` → (i, 1); `i - 1` → (i, -1); `i + ctx + h - 1` with known numbers →
    (i, ctx + h - 1), a fixed span's variable (`spans`: `h` of `for h in range(K)`) at its last value K - 1;
    one term of unknown value (`cfg.context_len + k`) is what the failing `index` leaves once the variable's
    value and the known terms are taken off;
    a call of the user's given the variable (a lookup) → (None, 0); anything else with the variable → (i, 0)."""
    spans = spans or {}
    if isinstance(part, ast.Name) and part.id in targets:
        return part.id, 0
    if isinstance(part, ast.Call) and src.call_name(part) not in _ARITHMETIC:
        return None, 0  # `vec[vocab.lookup(term)]`: a value the call maps the variable to, not a position it walks
    if isinstance(part, ast.Subscript) and not (isinstance(part.value, ast.Name) and part.value.id in targets):
        return None, 0  # `trans[path[i]]`: a value read from another sequence at the variable, not the variable
    if isinstance(part, ast.Subscript) and isinstance(part.slice, ast.Constant) and isinstance(part.slice.value, str):
        return None, 0  # `w[batch["task_id"]]`: a field of the record the loop walks, an id of the data's
    terms = src.signed_terms(part)
    if len(terms) > 1:
        var = [(sign, t) for sign, t in terms if isinstance(t, ast.Name) and t.id in targets]
        known = [(sign, spans[t.id][0] - 1 if isinstance(t, ast.Name) and t.id in spans else _int_value(t, frame))
                 for sign, t in terms if (sign, t) not in var]
        if len(var) == 1 and var[0][0] == 1 and all(k is not None for _, k in known):
            return var[0][1].id, sum(sign * k for sign, k in known)  # type: ignore[operator]
        at = frame.scalars.get(var[0][1].id) if len(var) == 1 and var[0][0] == 1 else None
        if index is not None and type(at) is int and [k for _, k in known].count(None) == 1 and \
                all(sign == 1 for sign, k in known if k is None):
            return var[0][1].id, index - at  # the unknown term is what the failing index leaves
    hit = [n for n in src.names_in(part) if n in targets]
    return (hit[0], 0) if hit else (None, 0)


def _offset_terms(part: ast.AST, var: str, spans: dict[str, tuple[int, str]] | None = None) -> list[tuple[int, str]]:
    """The signed terms the index adds to `var`, in the user's words (`i + ctx + h - 1` → [(1, "ctx"), (1, "h"),
    (-1, "1")]; a fixed span's variable `h` of `for h in range(HORIZON)` as its last value, `HORIZON - 1`);
    [] when the index is not such a sum."""
    spans = spans or {}
    terms = src.signed_terms(part)
    out: list[tuple[int, str]] = []
    for sign, t in terms if len(terms) > 1 else ():
        if isinstance(t, ast.Name) and t.id == var:
            continue
        if isinstance(t, ast.Name) and t.id in spans:
            out += [(sign, spans[t.id][1]), (-sign, "1")]
        else:
            out.append((sign, ast.unparse(t)))
    return out


def _sized_loop_first(ctx: Context, frame: FrameFacts, loops: list[ast.For], parts: list[ast.AST]) -> tuple[
        list[ast.For], dict[str, tuple[int, str]]]:
    """An index that adds the variables of several enclosing loops (`series[:, start + WINDOW + h]`), where one
    loop is bounded by a size (`for start in range(0, T - WINDOW, STRIDE)`) and the others walk a fixed span
    (`for h in range(HORIZON)`): the sized loop is the one that must stop before the end, the span being read
    whole from each start.  The loops with the sized one first, and the spans' variables with their bound
    (value and text); the loops unchanged and no spans otherwise."""
    for part in parts:
        added = {t.id for sign, t in src.signed_terms(part) if sign == 1 and isinstance(t, ast.Name)}
        hit = [lp for lp in loops if set(src.names_in(lp.target)) & added]
        if len(hit) < 2:
            continue
        spans: dict[str, tuple[int, str]] = {}
        sized = []
        for lp in hit:
            it = lp.iter
            if not (isinstance(it, ast.Call) and src.call_name(it) == "range" and it.args):
                break
            stop = it.args[0] if len(it.args) == 1 else it.args[1]
            bound = read_bound(ctx, frame, stop)
            if bound.kind == "constant" and len(it.args) == 1 and bound.value and isinstance(lp.target, ast.Name):
                spans[lp.target.id] = (bound.value, src.segment(frame.file, stop))
            elif bound.kind == "size":
                sized.append(lp)
        else:
            if len(sized) == 1 and len(spans) == len(hit) - 1:
                return [sized[0]] + [lp for lp in loops if lp is not sized[0]], spans
    return loops, {}


def _inlined_in_caller(ctx: Context, frame: FrameFacts, node: ast.Subscript) -> tuple[
        FrameFacts, ast.Module, ast.Subscript, list[ast.For]] | None:
    """The failing subscript of a helper with no loop of its own (`series[:, start + lookback + lead - 1]` in
    `cut_window(series, start, lookback, lead)`) written with the arguments its caller passed
    (`temps[:, start + LOOKBACK + LEAD - 1]`), with the caller's frame, tree and the loops around its call;
    None when the caller runs it in no loop or some parameter it uses was not passed by name or place."""
    caller = ctx._caller(frame)
    tree = src.tree_of(caller.file) if caller is not None else None
    used = [n for n in src.names_in(node) if n in frame.params]
    if caller is None or tree is None or not used:
        return None
    given = {a.param: a.text for a in caller.call_args if a.param}
    if any(p not in given for p in used):
        return None
    try:
        args = {p: ast.parse(given[p].strip(), mode="eval").body for p in used}
    except SyntaxError:
        return None

    class _Inline(ast.NodeTransformer):
        def visit_Name(self, n: ast.Name) -> ast.AST:
            return args.get(n.id, n)

    inlined = _Inline().visit(ast.parse(ast.unparse(node), mode="eval")).body
    loops = loops_around(tree, caller.line, None)
    if not loops or not isinstance(inlined, ast.Subscript):
        return None
    return caller, tree, inlined, loops


def _finding(ctx: Context, frame: FrameFacts, loop: ast.For, var: str, offset: int, index_expr: str, base: str,
             tensor: TensorFacts | None, index: int, dim: int | None, size: int) -> Finding:
    f = Finding()
    f.values.update(var=var, tensor=base, size=size, dim=dim if dim is not None else "?", index=index,
                    index_expr=index_expr, offset=offset)
    e = evidence(tensor)
    if e:
        f.evidence.append(e)
    f.hints.update(loop=loop, tensor=base, dim=dim, frame=frame, var=var, offset=offset)
    # how the script reads the indexed thing's size: a numpy array has `.shape[d]`, a tensor `.size(d)`
    axis = _axis_after_ellipsis(tensor, index_expr, var, dim, size)
    f.values["size_expr"] = f"len({base})" if tensor is not None and tensor.dtype == "list" else \
        f"{base}.shape[{axis}]" if tensor is not None and tensor.is_array else f"{base}.size({axis})"
    overwritten = overwritten_per_batch(ctx, frame, tensor, index_expr)
    if overwritten is not None:  # the indexed rows are another batch's: no bound on this loop is right
        f.merge(overwritten)
        f.values.setdefault("bound", src.segment(frame.file, loop.iter))
        f.values["loop_header"] = f"for {src.segment(frame.file, loop.target)} in {src.segment(frame.file, loop.iter)}"
        return f
    if offset > 0:
        f.facts.add(OFFSET)
    if offset > 0:
        _offset_applied_twice(ctx, f, frame, base, dim, offset)
    it = loop.iter
    start = _enumerate_start(loop, var)
    if start is not None and offset == 0 and index == size:  # `enumerate(names, start=1)` reaches the size itself
        f.facts.add(ENUMERATED_FROM_ONE)
        f.values.update(loop_header=f"for {src.segment(frame.file, loop.target)} in {src.segment(frame.file, it)}",
                        start=src.segment(frame.file, start), last=size - 1,
                        enumerate_fixed=f"enumerate({src.segment(frame.file, it.args[0])})")
        f.hints["enumerate_start"] = (frame.file, loop, it)
        f.confidence = "high"
        return f
    from .classes_from_data import classes_from_data
    tree = src.tree_of(frame.file)
    if offset == 0 and tree is not None and classes_from_data(ctx, f, tree, it, size):
        f.values["bound"] = src.segment(frame.file, it)
        f.confidence = "high"  # the script's own list of classes is longer than the count taken from data
        return f
    counted = _enumerated(loop, var)
    if counted is not None:  # `for i, x in enumerate(seq)`: `i` runs over range(len(seq))
        stop = ast.Call(func=ast.Name(id="len", ctx=ast.Load()), args=[counted], keywords=[])
        f.hints["enumerated"] = True
    elif not (isinstance(it, ast.Call) and src.call_name(it) == "range" and it.args):
        # the loop walks over stored values (e.g. word starts from the untruncated text)
        f.facts.add(VALUES)
        f.values.update(bound=src.segment(frame.file, it), bound_value=f"values up to at least {index - offset}")
        f.hints["values"] = it
        return f
    else:
        stop = it.args[0] if len(it.args) == 1 else it.args[1]
    if isinstance(stop, ast.Call) and src.call_name(stop) == "min" and len(stop.args) >= 2 and not stop.keywords:
        # `min(s + span, n_positions)`: the loop stops at the smallest; a size among them is what runs past
        sized = [a for a in stop.args if _evaluate(ctx, frame, a)[2] == "size"]
        stop = sized[0] if len(sized) == 1 else stop
    bound = read_bound(ctx, frame, stop)
    f.values.update(bound=bound.text,
                    loop_header=f"for {src.segment(frame.file, loop.target)} in {src.segment(frame.file, it)}")
    if bound.value is not None:
        f.values.update(bound_value=bound.value, last=bound.value - 1 + offset)
    else:
        f.values["at_least"] = index - offset + 1
    walked = [t for t in _walked_with(frame, loop, var, tensor) if t.shape[dim:dim + 1] == (size,)] \
        if tensor is not None and dim is not None else []
    if walked:
        f.values["walked"] = names(walked)
    if bound.value is not None:
        f.evidence.append(value_evidence(bound.text, bound.value,
                                         note=(f"from the length of `{bound.source}`" if isinstance(stop, ast.BinOp)
                                               else f"the length of `{bound.source}`") if bound.source else None))
    f.hints["bound"] = stop
    if longest_of_items(frame, f, loop, stop, base):
        return f  # the longest of several sequences, each read at every step: the shorter ones run out
    if bound.kind == "constant":
        f.facts.add(CONSTANT_BOUND)
        f.confidence = "high" if bound.value is not None and bound.value > size else f.confidence
        loader = _loader_with_batch_size(ctx, bound) if dim == 0 else None
        if loader is not None:
            f.facts |= {PARTIAL_BATCH, DATALOADER}
            n = _dataset_size(ctx, loader)
            if n is not None and bound.value and n % bound.value == size:
                f.values["examples"] = n
                f.facts.add(DATASET_SIZE)
        return f
    if bound.kind == "size" and tensor is not None and bound.source in _names_of(ctx, tensor):
        f.facts.add(OWN_SIZE)
        if isinstance(stop, ast.BinOp) and bound.value is not None and bound.value < size:
            f.facts.add(SHORT_OF_SIZE)
        if offset > 0:
            f.confidence = "high"
        return f
    if bound.kind == "size" and (bound.value is None or bound.value > size) and tensor is not None and \
            bound.source and collected_fewer(ctx, frame, f, loop, bound.source, base):
        f.values["bound_source"] = bound.source
        return f
    if bound.kind == "size" and tensor is not None and given_to_constructor(frame, f, bound.source, size):
        f.values["bound_source"] = bound.source
        f.confidence = "high" if "fits-instead" in f.facts else f.confidence
        return f
    if bound.kind == "size" and bound.value is not None and bound.value > size - offset and tensor is not None:
        f.facts.add(OTHER_SIZE)
        f.values["bound_source"] = bound.source
        _other_size(ctx, f, frame, loop, tensor, size, bound, dim)
        words_truncated(ctx, f, tensor)
    elif bound.kind == "size" and bound.value is None and tensor is not None and bound.source:
        if words_truncated(ctx, f, tensor):  # a count the frames do not hold, of the words a cut encoding lost
            f.facts.add(OTHER_SIZE)
            f.values["bound_source"] = bound.source
    return f


def _axis_after_ellipsis(tensor: TensorFacts | None, index_expr: str, var: str, dim: int | None, size: int):
    """The axis the loop's variable indexes, as the script would name it: the message's `dim`, except for an
    index written after an ellipsis (`q[..., j]` of a (B, T, 6) tensor, which torch reports as dimension 1) when the
    tensor's size there is not the message's: counted from the end, where that size is."""
    try:
        node = ast.parse(index_expr, mode="eval").body
    except SyntaxError:
        return dim
    parts = node.slice.elts if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Tuple) else []
    shape = tensor.shape if tensor is not None else ()
    if not isinstance(dim, int) or not shape or not parts or (dim < len(shape) and shape[dim] == size):
        return dim
    ell = [k for k, p in enumerate(parts) if isinstance(p, ast.Constant) and p.value is Ellipsis]
    at = [k for k, p in enumerate(parts) if var in src.names_in(p)]
    if len(ell) != 1 or len(at) != 1 or at[0] < ell[0]:
        return dim
    back = at[0] - len(parts)
    return back if -len(shape) <= back and shape[back] == size else dim


def _enumerate_start(loop: ast.For, var: str) -> ast.expr | None:
    """The start (1) of `for var, item in enumerate(seq, start=1)` (or `enumerate(seq, 1)`)."""
    it, target = loop.iter, loop.target
    if not (isinstance(it, ast.Call) and src.call_name(it) == "enumerate" and it.args
            and isinstance(target, ast.Tuple) and target.elts and isinstance(target.elts[0], ast.Name)
            and target.elts[0].id == var):
        return None
    kw = src.keyword(it, "start")
    start = kw.value if kw is not None else it.args[1] if len(it.args) > 1 else None
    return start if isinstance(start, ast.Constant) and start.value == 1 else None


def _enumerated(loop: ast.For, var: str) -> ast.AST | None:
    """`seq` when the loop is `for var, item in enumerate(seq)` (no start): `var` counts the items of `seq`."""
    it, target = loop.iter, loop.target
    if (isinstance(it, ast.Call) and src.call_name(it) == "enumerate" and len(it.args) == 1 and not it.keywords
            and isinstance(target, ast.Tuple) and target.elts and isinstance(target.elts[0], ast.Name)
            and target.elts[0].id == var):
        return it.args[0]
    return None


def _offset_applied_twice(ctx: Context, f: Finding, frame: FrameFacts, base: str, dim: int | None,
                          offset: int) -> None:
    """The indexed tensor was made by slicing off the first `offset` entries of dimension `dim`
    (`scores = saliency[:, 1:-1]`), and the index adds `offset` again (`scores[b, i + 1]`): the shift is
    applied twice, so the index must use the loop variable alone."""
    if dim is None or not base.isidentifier():
        return
    found = ctx.origin(base, frame)
    if found is None or not isinstance(found[2], ast.Subscript):
        return
    made = found[2]
    parts = made.slice.elts if isinstance(made.slice, ast.Tuple) else [made.slice]
    if any(isinstance(p, ast.Constant) and p.value is Ellipsis for p in parts) or dim >= len(parts):
        return
    cut = parts[dim]
    if not (isinstance(cut, ast.Slice) and isinstance(cut.lower, ast.Constant) and cut.lower.value == offset
            and cut.step is None):
        return
    f.facts.add(OFFSET_TWICE)
    f.confidence = "high" if f.values.get("index") == f.values.get("size") else f.confidence
    f.values.update(made=src.segment(found[0].file, made), made_from=ast.unparse(made.value))
    f.hints["offset_twice"] = True


def read_bound(ctx: Context, frame: FrameFacts, node: ast.AST) -> Bound:
    """The loop bound `node` as a value, and what it is: a fixed number, the size of a sequence, or other."""
    text = src.segment(frame.file, node)
    value, source, kind = _evaluate(ctx, frame, node)
    return Bound(text=text, value=value, kind=kind, source=source, source_frame=frame)


def _evaluate(ctx: Context, frame: FrameFacts, node: ast.AST, depth: int = 0) -> tuple[int | None, str | None, str]:
    """(value, the sequence whose size it is, kind)."""
    if depth > 4:
        return None, None, "other"
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value, None, "constant"
    if isinstance(node, ast.Call) and src.call_name(node) == "len" and node.args:
        target = ast.unparse(node.args[0])
        t = frame.tensor(target)
        if t is not None and t.shape:
            return t.shape[0], target, "size"
        n = frame.lengths.get(target)
        if n is None and target.isidentifier():  # a module-level list read inside a comprehension's frame
            n = next((fr.lengths[target] for fr in ctx.user_frames() if fr.file == frame.file
                      and fr.function == "<module>" and target in fr.lengths), None)
        return n, target, "size"
    size = _size_call(frame, node)
    if size is not None:
        return size
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv)):
        lv, ls, lk = _evaluate(ctx, frame, node.left, depth + 1)
        rv, rs, rk = _evaluate(ctx, frame, node.right, depth + 1)
        value = None
        if lv is not None and rv is not None:
            value = {ast.Add: lv + rv, ast.Sub: lv - rv, ast.Mult: lv * rv,
                     ast.FloorDiv: lv // rv if rv else None}[type(node.op)]
        kind = "constant" if lk == rk == "constant" else "size" if "size" in (lk, rk) else "other"
        return value, ls or rs, kind
    if isinstance(node, ast.Attribute) and not _size_call(frame, node):
        # `self.hparams.batch_size`, `args.max_len`, `config.seq_len`: a configured number, not a size
        t = frame.tensor(ast.unparse(node))
        value = frame.scalars.get(ast.unparse(node))
        return (value if type(value) is int else None, None, "constant") if t is None else (None, None, "other")
    if isinstance(node, ast.Name):
        value = frame.scalars.get(node.id)
        value = value if type(value) is int else None
        origin = _origin_of(ctx, frame, node.id)
        if origin is not None:
            oframe, onode = origin
            v, source, kind = _evaluate(ctx, oframe, onode, depth + 1)
            return (value if value is not None else v), source, kind
        if node.id.isupper() and value is not None:
            return value, None, "constant"
        return value, None, "other"
    return None, None, "other"


def _size_call(frame: FrameFacts, node: ast.AST) -> tuple[int | None, str, str] | None:
    """`x.size(d)`, `x.shape[d]`, `x.size()[d]`, `x.size(dim=d)`."""
    owner = d = None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "size":
        owner = node.func.value
        arg = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "dim"), None)
        d = arg.value if isinstance(arg, ast.Constant) and type(arg.value) is int else None
    elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and type(node.slice.value) is int:
        v = node.value
        if isinstance(v, ast.Attribute) and v.attr == "shape":
            owner, d = v.value, node.slice.value
        elif isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) and v.func.attr == "size" and not v.args:
            owner, d = v.func.value, node.slice.value
    if owner is None or d is None:
        return None
    text = ast.unparse(owner)
    t = frame.tensor(text)
    value = t.shape[d] if t is not None and -len(t.shape) <= d < len(t.shape) else None
    return value, text, "size"


def _origin_of(ctx: Context, frame: FrameFacts, name: str) -> tuple[FrameFacts, ast.AST] | None:
    """The expression a plain name was assigned from; for `b, n, d = x.shape` the matching `x.shape[k]`;
    for a parameter, the caller's argument."""
    tree = src.tree_of(frame.file)
    if tree is None:
        return None
    if name in frame.params:
        found = ctx.origin(name, frame)
        return (found[0], found[2]) if found is not None and found[2] is not None else None
    scope = src.enclosing_scope(tree, frame.line)
    for n in reversed(src.statements(scope)):
        if not isinstance(n, ast.Assign) or n.lineno > frame.line:
            continue
        for target in n.targets:
            if isinstance(target, ast.Name) and target.id == name:
                return frame, n.value
            if isinstance(target, ast.Tuple) and any(isinstance(e, ast.Name) and e.id == name for e in target.elts):
                k = next(i for i, e in enumerate(target.elts) if isinstance(e, ast.Name) and e.id == name)
                if isinstance(n.value, ast.Tuple) and len(n.value.elts) == len(target.elts):
                    return frame, n.value.elts[k]
                return frame, ast.Subscript(value=n.value, slice=ast.Constant(k), ctx=ast.Load())
    return None


def _names_of(ctx: Context, t: TensorFacts) -> set[str]:
    """Every expression the user's frames reach the tensor `t` by."""
    return {u.expr for u in ctx.all_user_names(t)} | {t.expr}


def _loader_with_batch_size(ctx: Context, bound: Bound) -> ast.Call | None:
    """A DataLoader call in the user's files built with `batch_size=` the bound (same text or same value)."""
    for file in dict.fromkeys(f.file for f in ctx.user_frames()):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            if not src.call_name(call).endswith("DataLoader"):
                continue
            kw = src.keyword(call, "batch_size")
            if kw is None:
                continue
            if ast.unparse(kw.value) == bound.text or (
                    isinstance(kw.value, ast.Constant) and kw.value.value == bound.value):
                return call
    return None


def _dataset_size(ctx: Context, loader: ast.Call) -> int | None:
    """The number of examples of `DataLoader(TensorDataset(x, ...))` or `DataLoader(items)`, when one of the
    user's frames holds `x` (its first dimension) or `items` (its length)."""
    data = loader.args[0] if loader.args else getattr(src.keyword(loader, "dataset"), "value", None)
    if isinstance(data, ast.Call) and src.call_name(data).endswith("TensorDataset") and data.args:
        data = data.args[0]
    if not isinstance(data, (ast.Name, ast.Attribute, ast.Subscript)):
        return None
    text = ast.unparse(data)
    for fr in ctx.user_frames():
        t = fr.tensor(text)
        if t is not None and t.shape:
            return t.shape[0]
        if text in fr.lengths:
            return fr.lengths[text]
    return None


def _other_size(ctx: Context, f: Finding, frame: FrameFacts, loop: ast.For, tensor: TensorFacts, size: int,
                bound: Bound, dim: int | None) -> None:
    """The loop runs over another sequence's length.  When that sequence is walked by the loop too (indexed
    with the same variable), or other tensors of the batch have its length, the loop is right and the indexed
    tensor is the odd one out; else the bound only counts something else, and the tensor's own size bounds
    the loop."""
    var = f.values["var"]
    from .passed_list import PASSED_OTHER_LIST, passed_other_list
    passed = passed_other_list(ctx, frame, tensor, size, bound.source, bound.value)
    if passed is not None:  # `len(roster)` of a list a caller passed instead of the one the tensor was built for
        f.facts.add(PASSED_OTHER_LIST)
        f.values.update(param=bound.source, passed=passed.passed, meant=passed.meant, passed_call=passed.call,
                        passed_line=passed.stmt.lineno)
        f.hints["passed_list"] = passed
        return
    if whole_per_batch(frame, f, loop, bound.source) or collected_fewer(ctx, frame, f, loop, bound.source,
                                                                          f.values["tensor"]) or \
            (not _walks_other_items(loop, var, tensor.expr if tensor is not None else "", bound.source)
             and transposed(ctx, frame, f, tensor, dim, bound.value)):
        return
    if padded_row(frame, f, loop, tensor, size, bound.source, bound.value) or \
            padded_row_passed(ctx, frame, f, tensor, size, bound.source, bound.value):
        return  # the example's own length is the bound: what the loop skips is padding
    if whole_beside_picked(ctx, frame, f, tensor, size, bound.source, bound.value):
        return  # the bound counts every item of a collection, the tensor only the items a selection picked
    walked = _walked_with(frame, loop, var, tensor)
    agree = [t for t in walked if bound.value in t.shape and size not in t.shape and not _sized_by_bound(frame, loop, t)]
    source_walked = any(isinstance(n, ast.Subscript) and _indexed_by(n.slice, var)
                        and ast.unparse(n.value) == bound.source for n in ast.walk(loop))
    batch = tensor.shape[0] if dim and len(tensor.shape) >= 2 else None
    if batch is not None and bound.value is not None:
        votes = batch_votes(ctx, tensor, size, agree[0] if agree else tensor, bound.value, batch)
        if votes.first:
            return  # other tensors of the batch have the indexed tensor's length: no side wins
        read = {n.id for n in ast.walk(loop) if isinstance(n, ast.Name)}  # a tensor the loop never reads votes not
        agree += [t for t in votes.second if all(t.ident != a.ident for a in agree)
                  and re.split(r"[\[.]", t.expr, maxsplit=1)[0] in read and not _sized_by_bound(frame, loop, t)]
    if not agree and not source_walked:
        return
    peers = [t for t in walked if t.shape[dim:dim + 1] == (size,) and bound.value not in t.shape] \
        if dim is not None and bound.value is not None else []
    if peers and source_walked and len(peers) + 1 > len(agree) and \
            all(re.split(r"[\[.]", t.expr, maxsplit=1)[0] == bound.source for t in agree):
        # `mjd` beside `flux` and `flux_err` cut together: the bound's own sequence is the one left uncut
        f.facts.add(BOUND_IS_ODD)
        f.values.update(peers=names([tensor, *peers]), bound_source=bound.source)
        f.hints.update(bound_source=bound.source, bound_value=bound.value)
        return
    if peers and agree and _tables_for_part(loop, var, [tensor, *peers], agree):
        # `flex_lo[ch]`, `flex_hi[ch]` beside `rec[:, ch]`: per-channel tables made for some of the channels
        f.facts.add(TABLES_FOR_PART)
        f.values.update(tables=names([tensor, *peers]), columns=names(agree))
        return
    if source_walked and not peers and all(re.split(r"[\[.]", t.expr, maxsplit=1)[0] == bound.source for t in agree):
        # only the bound's own sequence beside the tensor, one of each length: the facts do not decide which (unless
        # the fix finds where one of them was cut apart from the other: one_against_one in fixes/lengths.py)
        f.hints["one_against_one"] = True
    if bound.value is not None and bound.value - size == 1 and _differenced(ctx, frame, tensor, size, bound.value) \
            is None:  # `gaps = np.diff(fill_days)` where the example is made, walked beside the fills themselves
        from .diffed_upstream import diffed_upstream
        diffed = diffed_upstream(ctx, tensor)
        if diffed is not None:
            f.merge(diffed)
            f.values["tensor"] = tensor.expr
            return
    differenced = _differenced(ctx, frame, tensor, size, bound.value)
    if differenced is not None:  # `speed = x[1:] - x[:-1]`: one step fewer by construction; the loop stops earlier
        made, base, k, line = differenced
        f.facts.add(DIFFERENCED)
        f.values.update(diff_made=made, diff_base=base, diff_k=k, diff_line=line)
        f.hints["differenced"] = k
        return
    computed = _computed_shorter(ctx, frame, tensor, size, bound.value)
    if computed is not None:  # `forecast = model(past)`: the computation gives its own length, the loop follows it
        f.facts.add(COMPUTED_SHORTER)
        f.values.update(computed_by=computed[0], computed_from=computed[1], computed_line=computed[2])
        return
    f.facts.add(INDEXED_IS_ODD)
    f.values["agree"] = names(agree) if agree else f"`{bound.source}`"
    f.values["diff"] = (bound.value or 0) - size
    f.hints.update(bound_source=bound.source, bound_value=bound.value)
    if source_walked and bound.source and _deduplicated_rows(f, frame, tensor, bound.source, var, size):
        return  # the rows map to the items: no narrower loop is an other reading
    f.alternatives.append(Finding(facts={OTHER_SIZE, BAND_AID}, confidence="low"))


def _differenced(ctx: Context, frame: FrameFacts, tensor: TensorFacts, size: int,
                 bound: int | None) -> tuple[str, str, int, int] | None:
    """The indexed tensor is made as a difference of steps `k` apart of one base of the loop's length
    (`x[1:] - x[:-1]`, `x[k:] - x[:-k]`, `torch.diff(x)`, `x.diff()`, scaled or not): `k` = the loop's length
    minus its own.  The text that made it, the base, `k` and its line."""
    found = ctx.origin(tensor.expr, frame) if bound is not None else None
    if found is None or found[2] is None:
        return None
    ofr, _, node = found
    while isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)):  # `(...) * FPS`
        node = node.left if isinstance(node.left, (ast.BinOp, ast.Call)) else node.right
    base = k = None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and all(
            isinstance(x, ast.Subscript) for x in (node.left, node.right)):
        a, b = node.left, node.right
        if ast.unparse(a.value) == ast.unparse(b.value) and isinstance(a.slice, ast.Slice) and isinstance(b.slice, ast.Slice):
            lo, hi = a.slice, b.slice
            start = lo.lower.value if isinstance(lo.lower, ast.Constant) and lo.upper is None and lo.step is None else None
            stop = -hi.upper.operand.value if hi.lower is None and hi.step is None and isinstance(
                hi.upper, ast.UnaryOp) and isinstance(hi.upper.op, ast.USub) and isinstance(hi.upper.operand,
                                                                                           ast.Constant) else None
            if type(start) is int and start > 0 and stop == -start:
                base, k = ast.unparse(a.value), start
    elif isinstance(node, ast.Call) and src.call_name(node).split(".")[-1] == "diff":
        owner = node.args[0] if src.call_name(node) in ("torch.diff", "np.diff", "numpy.diff") and node.args \
            else node.func.value if isinstance(node.func, ast.Attribute) else None
        if owner is not None and not node.keywords and len(node.args) <= (1 if owner is not getattr(
                node.func, "value", None) else 0):
            base, k = ast.unparse(owner), 1
    if base is None or bound - size != k:
        return None
    t = ofr.tensor(base)
    if t is not None and (not t.shape or t.shape[0] != bound):
        return None
    return " ".join(src.segment(ofr.file, found[2]).split()), base, k, found[2].lineno


def _computed_shorter(ctx: Context, frame: FrameFacts, tensor: TensorFacts, size: int,
                      bound: int | None) -> tuple[str, str, int] | None:
    """The indexed tensor is the result of a call (`forecast = model(past)`, `errs = window_errors(model,
    trace)`) given a tensor of the loop's length, and its own length is not in that tensor's shape: the
    computation makes a length of its own (a horizon, windows, a strided layer), so the loop walks its
    result, not the input's length.  The call, the argument of the loop's length and its line."""
    found = ctx.origin(tensor.expr, frame) if bound is not None else None
    if found is None or found[2] is None:
        return None
    ofr, _, node = found
    while isinstance(node, ast.Subscript):  # `reconstruction_error(...)[0]`
        node = node.value
    if not isinstance(node, ast.Call) or src.call_name(node) in ("torch.tensor", "torch.stack", "torch.cat"):
        return None
    args = list(node.args) + [k.value for k in node.keywords]
    for name in dict.fromkeys(n for a in args for n in src.names_in(a)):
        t = ofr.tensor(name)
        if t is not None and bound in t.shape and size not in t.shape:
            return " ".join(src.segment(ofr.file, node).split()), name, node.lineno
    return None


def _walks_other_items(loop: ast.For, var: str, tensor: str, source: str | None) -> bool:
    """The loop's body indexes, with the loop variable, another sequence than the indexed tensor and never the
    sequence the bound counts (`q_topics[qi]` in `for qi in range(len(d_emb))`): the loop walks the items the
    tensor's rows are, and the bound counts something else; not a matrix laid out the other way round."""
    indexed = {ast.unparse(n.value) for st in loop.body for n in ast.walk(st)
               if isinstance(n, ast.Subscript) and _indexed_by(n.slice, var)}
    return bool(indexed - {tensor, source}) and source not in indexed


def _indexed_by(index: ast.AST, var: str) -> bool:
    """`var` is the index itself or part of its arithmetic (`x[i]`, `x[i + 1]`, `x[:, i]`), not the index of a
    lookup that gives the index (`names[ids[i]]` is indexed by the value of `ids[i]`, not by `i`)."""
    todo = [index]
    while todo:
        n = todo.pop()
        if isinstance(n, ast.Name) and n.id == var:
            return True
        if not isinstance(n, (ast.Subscript, ast.Call)):
            todo.extend(ast.iter_child_nodes(n))
    return False


_DISTINCT = ("dict.fromkeys", "OrderedDict.fromkeys", "collections.OrderedDict.fromkeys", "set")
_AS_LIST = ("list", "sorted", "tuple")


def _deduplicated_rows(f: Finding, frame: FrameFacts, tensor: TensorFacts, seq: str, var: str, size: int) -> bool:
    """The indexed tensor was computed from `unique`, a list of the distinct items of the sequence the loop
    walks (`unique = list(dict.fromkeys(texts))`, `sorted(set(texts))`): its rows follow `unique`, so row
    `i` is not item `i` even before the end.  Each item's row is `unique.index(texts[i])`."""
    tree = src.tree_of(frame.file)
    made = src.last_assignment(tree, tensor.expr, frame.line) if tree is not None and tensor.expr.isidentifier() \
        else None
    if made is None:
        return False
    todo, seen = [(n, made.stmt.lineno, 0) for n in dict.fromkeys(src.names_in(made.value))], {tensor.expr}
    while todo:  # the names the tensor was computed from, and theirs (a few steps back)
        name, line, depth = todo.pop(0)
        a = src.last_assignment(tree, name, line) if name not in seen else None
        seen.add(name)
        if a is None:
            continue
        if depth < 3:
            todo += [(n, a.stmt.lineno, depth + 1) for n in dict.fromkeys(src.names_in(a.value)) if n not in seen]
        if not isinstance(a.value, ast.Call) or src.call_name(a.value) not in _AS_LIST:
            continue
        inner = a.value.args[0] if len(a.value.args) == 1 else None
        if not (isinstance(inner, ast.Call) and src.call_name(inner) in _DISTINCT and len(inner.args) == 1
                and ast.unparse(inner.args[0]) == seq):
            continue
        f.facts.add(ROWS_DEDUPLICATED)
        row = f"{name}.index({seq}[{var}])"
        f.values.update(unique=name, unique_made=src.segment(frame.file, a.value), row_expr=row)
        f.hints.update(row_expr=row)
        if frame.lengths.get(name) == size:  # as many rows as distinct items
            f.confidence = "high"
        return True
    return False


TABLES_FOR_PART = fact("tables-for-part", "the loop reads one entry of each of `tables` (all of one length, "
                                          "shorter than the bound) for a column of `columns`: tables made for "
                                          "the first columns only")


def _tables_for_part(loop: ast.For, var: str, tables: list[TensorFacts], columns: list[TensorFacts]) -> bool:
    """Every short tensor is 1-D and read as `table[var]`, every long one has two dimensions or more and is
    read as `x[:, var]`: per-column tables (calibration bounds, weights) that cover only some columns."""
    if any(len(t.shape) != 1 for t in tables) or any(len(t.shape) < 2 for t in columns):
        return False
    reads: dict[str, set[str]] = {}
    for n in ast.walk(loop):
        if isinstance(n, ast.Subscript) and _indexed_by(n.slice, var):
            kind = "entry" if isinstance(n.slice, ast.Name) else "column" if isinstance(n.slice, ast.Tuple) and \
                len(n.slice.elts) == 2 and isinstance(n.slice.elts[0], ast.Slice) and isinstance(n.slice.elts[1], ast.Name) \
                else "other"
            reads.setdefault(ast.unparse(n.value), set()).add(kind)
    return all(reads.get(t.expr) == {"entry"} for t in tables) and all(reads.get(t.expr) == {"column"} for t in columns)


def _sized_by_bound(frame: FrameFacts, loop: ast.For, t: TensorFacts) -> bool:
    """`t` is made, before the loop, with the loop's own bound among its sizes (`orders = torch.zeros(n, n_days)`
    beside `for d in range(n_days)`): its length follows the bound and says nothing of which length is right."""
    bound = loop.iter.args[-1] if isinstance(loop.iter, ast.Call) and src.call_name(loop.iter) == "range" \
        and loop.iter.args and len(loop.iter.args) <= 2 else None
    tree = src.tree_of(frame.file)
    if not isinstance(bound, ast.Name) or tree is None or not re.fullmatch(r"\w+", t.expr):
        return False
    made = src.last_assignment(tree, t.expr, loop.lineno)
    return made is not None and isinstance(made.value, ast.Call) and bound.id in src.names_in(made.value)


def _walked_with(frame: FrameFacts, loop: ast.For, var: str, tensor: TensorFacts) -> list[TensorFacts]:
    """Other tensors the loop body indexes with the same variable (`hidden[:, pos]` next to `mask[:, pos]`; not
    `names[ids[i]]`, indexed by the values of `ids[i]`)."""
    out: list[TensorFacts] = []
    for n in ast.walk(loop):
        if isinstance(n, ast.Subscript) and _indexed_by(n.slice, var):
            t = frame.tensor(ast.unparse(n.value))
            if t is not None and t.ident != tensor.ident and all(t.ident != o.ident for o in out):
                out.append(t)
    return out
