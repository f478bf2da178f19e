"""Fixes for dtypes: a float index made integer where its dtype was decided (the constructor that defaulted
to a float dtype gets `dtype=`; the legacy `torch.Tensor(data)` becomes `torch.tensor(data, dtype=...)`), else `.long()` where it was assigned, else where it is used."""
from __future__ import annotations

import ast
import re
from typing import Any

from .. import source as src
from ..analyzers import Finding, fact
from ..facts import Context
from .checks import bound_names
from . import Located, at_use_site, at_use_sites, edits_of, failing_statement, later_arguments, locator, statement_of


@locator("index-long")
def index_long(ctx: Context, f: Finding) -> Located:
    taken = f.hints.get("values_taken")
    if taken:  # `x.max(dim)[0]` gives the largest values; its indices, `[1]`, are the ids
        file, stmt, node, text = taken
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, text)), None
    cast_all = f.hints.get("cast_all")
    if cast_all:
        return _cast_floating_only(*cast_all), None
    float_at = f.hints.get("float_at")
    if float_at:  # the ids become float where they are computed with a float tensor: made long right there
        file, stmt, value = float_at
        return edits_of(src.LineEditor.for_node(file, stmt).replace(value, cast_text(file, value))), None
    spaced = f.hints.get("spaced")
    if spaced:  # evenly spaced positions: rounded to the nearest whole position, then made integers
        file, stmt, call = spaced
        return edits_of(src.LineEditor.for_node(file, stmt).replace(call, f"{src.segment(file, call)}.round().long()")), None
    made = f.hints.get("made")
    if made:
        file, stmt, call = made
        editor = src.LineEditor.for_node(file, stmt)
        if "legacy-constructor" in f.facts:  # torch.Tensor takes no dtype=: torch.tensor does
            if len(call.args) != 1 or call.keywords or isinstance(call.args[0], ast.Constant):
                return [], None
            editor.replace(call, f"torch.tensor({src.segment(file, call.args[0])}, dtype={f.values['int_dtype']})")
        else:
            editor.add_keywords(call, f"dtype={f.values['int_dtype']}")
        e = edits_of(editor)
        if e:
            f.facts.add("edit-dtype")
            return e, None
    filled = next((hit for t in f.hints.get("tensors") or [] for hit in [_nan_filled(ctx, t)] if hit), None)
    if filled is not None:  # ids that are float because missing values were filled in: integers right there
        file, stmt, value, cast = filled
        f.facts.add(NAN_FILLED)
        f.values.update(filled=" ".join(src.segment(file, value).split()), filled_line=stmt.lineno)
        return edits_of(src.LineEditor.for_node(file, stmt).replace(value, f"{src.segment(file, value)}{cast}")), None
    editors: dict[tuple[str, int], src.LineEditor] = {}
    use_site: list[Any] = []
    inserted: dict[tuple[str, int], tuple[str, ast.stmt, list[tuple[str, Any]]]] = {}
    later: dict[tuple[str, int], tuple[Any, ast.stmt, set[str]]] = {}
    done: set[tuple[int, str]] = set()
    for t in f.hints.get("tensors") or []:
        t = _unpacked_base(ctx, t) or t  # `x0, y0, x1, y1 = boxes.unbind(-1)`: the float tensor they come from
        if (t.frame, t.expr) in done:
            continue
        done.add((t.frame, t.expr))
        stored = _stored_from_caller(ctx, t)
        if stored is not None:  # `self.table[ids]` whose table a caller computed and handed to the constructor
            file, stmt = stored
            editor = editors.setdefault((file, stmt.lineno), src.LineEditor.for_node(file, stmt))
            editor.replace(stmt.value, cast_text(file, stmt.value))
            continue
        origin = ctx.origin(t.expr, ctx.frames[t.frame])
        stmt = statement_of(origin[0], origin[2]) if origin is not None and origin[2] is not None else None
        returned = _returned_items(ctx, t) if origin is None else []
        if returned:  # `for seq, nxt in loader` of a Dataset returning `(torch.from_numpy(seq), ...)`: long there
            for file, at, value in returned:
                editor = editors.setdefault((file, at.lineno), src.LineEditor.for_node(file, at))
                editor.replace(value, cast_text(file, value))
            continue
        entry = _dataset_entry(ctx, origin[1] if origin is not None else t.expr)
        if entry is not None:  # `batch["pages"]`: long where the Dataset gives that entry, for every loop reading it
            file, stmt, value = entry
            editor = editors.setdefault((file, stmt.lineno), src.LineEditor.for_node(file, stmt))
            if _dtype_param_left(file, value):  # `to_tensor(col)` of `def to_tensor(a, dtype=None)`: asked for long
                editor.add_keywords(value, "dtype=torch.long")
            elif _makes_tensor(value) or "torch" not in (bound_names(file, stmt.lineno) or set()):
                editor.replace(value, cast_text(file, value))
            else:  # `row["region_code"]` of a numpy record: a numpy scalar has no `.long()`; the collate stacks tensors
                editor.replace(value, f"torch.as_tensor({src.segment(file, value)}).long()")
            continue
        field = _tensor_dataset_field(*_name_in(ctx, t.expr, ctx.frames[t.frame])) \
            if origin is None or not isinstance(stmt, ast.Assign) else None
        if field is not None and isinstance(field[1].targets[0], ast.Tuple):  # `tokens, segs = build(...)`
            file, at, name = field
            inserted.setdefault((file, at.lineno), (file, at, []))[2].append((name, t))
            continue
        if field is not None:  # `for x, ids in loader` of `DataLoader(TensorDataset(xs, all_ids))`: `all_ids` made long
            file, at = field[:2]
            editor = editors.setdefault((file, at.lineno), src.LineEditor.for_node(file, at))
            editor.replace(at.value, cast_text(file, at.value))
            continue
        if origin is None or stmt is None or not isinstance(stmt, ast.Assign):
            use_site.append(t)
            continue
        frame, text, node = origin
        rows_of = _rows_made_apart(ctx, frame, node)
        if rows_of is not None:  # `train_b[chunk]`: rows of a float array made elsewhere, cast where it was made
            file, made_stmt, cast = rows_of
            f.facts.add(ROWS_MADE_APART)
            f.values.update(made_name=src.segment(file, made_stmt.targets[0]), made_line=made_stmt.lineno,
                            made_cast=cast, rows_read=text)
            siblings = _sibling_rows(ctx, frame, node, stmt) if isinstance(node, ast.Subscript) else []
            for at, how in [(made_stmt, cast), *siblings]:
                editor = editors.setdefault((file, at.lineno), src.LineEditor.for_node(file, at))
                editor.replace(at.value, cast_text(file, at.value, how))
            continue
        if isinstance(stmt.targets[0], ast.Tuple) and node is stmt.value and isinstance(node, ast.Call):
            # unpacked from a helper's result: cast where it was made
            made = _made_in_helper(ctx, t)
            if made is None:
                use_site.append(t)
                continue
            file, stmt = made
            editor = editors.setdefault((file, stmt.lineno), src.LineEditor.for_node(file, stmt))
            editor.replace(stmt.value, cast_text(file, stmt.value))
            continue
        column = _column_made(ctx, t) if isinstance(stmt.targets[0], ast.Tuple) and isinstance(node, ast.Name) \
            else None
        if column is not None:  # `src, dst = edge_index` of `edge_index = table[:, :2].t()`: long where it is cut
            file, at, cast = column
            if (file, at.lineno) in editors:
                continue  # `src` and `dst` both come from it: cast once
            editor = editors.setdefault((file, at.lineno), src.LineEditor.for_node(file, at))
            editor.replace(at.value, cast_text(file, at.value, cast))
            continue
        if isinstance(stmt.targets[0], ast.Tuple) and node is stmt.value:
            # unpacked from a batch: the one name is cast after the unpacking, not the whole batch
            name = t.expr if t.expr.isidentifier() and t.expr in src.names_in(stmt.targets[0]) else None
            if name is None:
                use_site.append(t)
            else:  # the names of one unpacking are cast on one added line: `row, col = row.long(), col.long()`
                inserted.setdefault((frame.file, stmt.lineno), (frame.file, stmt, []))[2].append((name, t))
            continue
        key = (frame.file, stmt.lineno)
        editor = editors.setdefault(key, src.LineEditor.for_node(frame.file, stmt))
        for part in _cast_parts(node):  # `a if c else None`: each branch that holds a tensor
            editor.replace(part, cast_text(frame.file, part))
        if isinstance(node, (ast.Attribute, ast.Subscript)) and node is not getattr(stmt, "value", None):
            later.setdefault(key, (frame, stmt, set()))[2].add(src.segment(frame.file, node))  # `b.users` again
    edits = [e for ed in editors.values() for e in edits_of(ed)]
    for frame, stmt, texts in later.values():
        edits += later_arguments(frame, stmt, sorted(texts), "{}.long()")
    for file, stmt, named in inserted.values():
        order = src.names_in(stmt.targets[0])  # as the unpacking lists them
        named.sort(key=lambda item: order.index(item[0]) if item[0] in order else len(order))
        names = [n for n, _ in named]
        cast = src.insert_after(file, stmt, f"{', '.join(names)} = {', '.join(f'{n}.long()' for n in names)}")
        if cast is not None:
            edits.append(cast)
        else:
            use_site.extend(t for _, t in named)
    rebound = _cast_before(ctx, use_site)
    edits += [rebound] if rebound is not None else at_use_sites(ctx, use_site, "{}.long()")
    return edits, None


#: Values a method call can follow without parentheses.
_PLAIN = (ast.Name, ast.Subscript, ast.Attribute, ast.Call)


def cast_text(file: str, node: ast.AST, cast: str = ".long()") -> str:
    """`node`'s source with `cast` after it (`ids.long()`), parenthesised unless it is a name, an item, an
    attribute or a call (`(a * b).long()`)."""
    text = src.segment(file, node)
    return f"{text}{cast}" if isinstance(node, _PLAIN) else f"({text}){cast}"


def _cast_parts(node: ast.AST) -> list[ast.AST]:
    """The parts of a value a cast goes on: the branches of a conditional expression that are not `None` (a
    cast on the whole would call `.long()` on None), else the value itself."""
    if isinstance(node, ast.IfExp):
        return [p for b in (node.body, node.orelse) if not (isinstance(b, ast.Constant) and b.value is None)
                for p in _cast_parts(b)]
    return [node]


ROWS_MADE_APART = fact("rows-made-apart", "the index is rows (`rows_read`) of a float array a helper returned, made "
                                           "from `made_name` (line `made_line`): the fix casts it there "
                                           "(`made_cast`)")
NAN_FILLED = fact("nan-filled", "the ids were float because missing values were filled in (`filled`, line "
                                "`filled_line`): a float array stays float after the fill")
_FILLS = ("fillna", "nan_to_num")


def _name_in(ctx: Context, expr: str, frame: Any) -> tuple[Any, str]:
    """The frame and name `expr` has where its value was made: followed through the parameters it fills, as
    `Context.origin` follows them (`idx` of `positives(self, idx)` called as `bank.positives(wid)`: `wid`)."""
    for _ in range(6):
        if not expr.isidentifier() or expr not in frame.params:
            break
        caller = ctx._caller(frame)
        arg = next((a for a in caller.call_args if a.param == expr), None) if caller is not None else None
        if arg is None or not arg.text.isidentifier():
            break
        expr, frame = arg.text, caller
    return frame, expr


def _tensor_dataset_field(frame: Any, name: str) -> tuple[str, ast.Assign, str] | None:
    """The assignment of the tensor a batch field `name` comes from, when the loop around the frame's line that
    binds it unpacks the batches of a DataLoader built on `TensorDataset(a, b, ...)` in the same scope (`for x,
    ids in loader:`, `ids` at position 1: `b`) and that tensor is made by a plain assignment before the
    DataLoader: every batch field is rows of it (also `TensorDataset(tokens[:split], ...)`; the tensor unpacked
    from a helper's result, `tokens, segs = build(...)`, is given with its name to be cast after that line)."""
    tree = src.tree_of(frame.file)
    loop = next((n for n in reversed(src.path_to(tree, frame.line)) if isinstance(n, ast.For)
                 and name in src.names_in(n.target)), None) if tree is not None and name.isidentifier() else None
    if loop is None:
        return None
    it, target = src.unpacked_batches(loop)
    if tree is None or not isinstance(it, ast.Name) or not isinstance(target, ast.Tuple):
        return None
    names = [e.id if isinstance(e, ast.Name) else None for e in target.elts]
    made = src.last_assignment(tree, it.id, loop.lineno)
    call = made.value if made is not None else None
    if not isinstance(call, ast.Call) or not src.call_name(call).endswith("DataLoader") or not call.args:
        return None
    data = call.args[0]
    if isinstance(data, ast.Name):
        d = src.last_assignment(tree, data.id, made.stmt.lineno)
        data = d.value if d is not None else None
    if not isinstance(data, ast.Call) or not src.call_name(data).endswith("TensorDataset") \
            or len(data.args) != len(names) or any(isinstance(a, ast.Starred) for a in data.args):
        return None
    hits = [k for k, n in enumerate(names) if n == name]
    field = data.args[hits[0]] if len(hits) == 1 else None
    if isinstance(field, ast.Subscript) and isinstance(field.value, ast.Name):
        field = field.value  # `TensorDataset(tokens[:split], ...)`: rows of `tokens`
    if not isinstance(field, ast.Name):
        return None
    at = src.last_assignment(tree, field.id, made.stmt.lineno)
    if at is None or not isinstance(at.stmt, ast.Assign) or len(at.stmt.targets) != 1 or not (
            (isinstance(at.stmt.targets[0], ast.Name) and at.stmt.value is at.value)
            or (isinstance(at.stmt.targets[0], ast.Tuple) and field.id in src.names_in(at.stmt.targets[0]))):
        return None
    return frame.file, at.stmt, field.id


def _fill_cast(node: ast.AST) -> str | None:
    """The cast that makes a fill of missing values integer: `np.where(np.isnan(a), 0, a)`, `np.nan_to_num(a)`,
    `a.fillna(0)` (numpy / pandas: `.astype("int64")`), `torch.nan_to_num(a)` (`.long()`); None for other values."""
    if not isinstance(node, ast.Call):
        return None
    name = src.call_name(node)
    last = name.split(".")[-1]
    if last == "where" and len(node.args) == 3 and isinstance(node.args[0], ast.Call) \
            and src.call_name(node.args[0]).split(".")[-1] in ("isnan", "isna", "isnull"):
        return ".long()" if name.startswith("torch.") else ".astype(\"int64\")"
    if last in _FILLS:
        return ".long()" if name.startswith("torch.") else ".astype(\"int64\")"
    return None


def _nan_filled(ctx: Context, t: Any) -> tuple[str, ast.Assign, ast.expr, str] | None:
    """The one assignment, among those the float ids were computed from in their file, whose value fills in
    missing values of a float array: (file, statement, value, the cast that makes it integer).  The walk goes
    back through names' assignments, a dict's item by its key (a literal, `d[key] = v`, `{k: f(v) for k, v in
    d.items()}`) and the return values of the file's functions."""
    from ..provenance import trace
    frame = ctx.frames[t.frame]
    tree = src.tree_of(frame.file)
    if tree is None:
        return None
    given = ctx.origin(t.expr, frame)  # a parameter: the caller's argument, as written there
    exprs = [t.expr, *(u.expr for u in ctx.all_user_names(t)), *(o.expr for o in trace(ctx, t))]
    todo: list[tuple[ast.AST, str | None, int]] = []
    for expr in dict.fromkeys(exprs + ([given[1]] if given is not None and given[1] else [])):
        try:
            todo.append((ast.parse(expr.strip(), mode="eval").body, None, 0))
        except SyntaxError:
            continue
    functions = {d.name: d for d in src.nodes(tree, ast.FunctionDef)}
    assigns = [n for n in src.statements(tree, nested=True) if isinstance(n, ast.Assign) and len(n.targets) == 1]
    seen: set[tuple[str, str | None]] = set()
    found: dict[int, ast.Assign] = {}
    while todo:
        node, key, depth = todo.pop(0)
        if depth > 8 or (ast.dump(node), key) in seen:
            continue
        seen.add((ast.dump(node), key))
        if isinstance(node, ast.Name):
            for n in assigns:
                target = n.targets[0]
                if isinstance(target, ast.Name) and target.id == node.id:
                    if _fill_cast(n.value):
                        found[id(n)] = n
                    else:
                        todo.append((n.value, key, depth + 1))
                elif (key is not None and isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
                      and target.value.id == node.id and isinstance(target.slice, ast.Constant)
                      and target.slice.value == key):
                    todo.append((n.value, None, depth + 1))
        elif isinstance(node, ast.Subscript):
            const = isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)
            todo.append((node.value, node.slice.value if const and key is None else key, depth + 1))
        elif isinstance(node, ast.Dict):
            item = src.dict_item(node, key) if key is not None else None
            if item is not None:
                todo.append((item, None, depth + 1))
        elif isinstance(node, ast.DictComp):
            it = node.generators[0].iter if len(node.generators) == 1 else None
            if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and it.func.attr == "items":
                todo.append((it.func.value, key, depth + 1))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions:
            todo += [(r.value, key, depth + 1) for r in ast.walk(functions[node.func.id])
                     if isinstance(r, ast.Return) and r.value is not None]
        else:
            todo += [(n, None, depth + 1) for n in ast.walk(node) if isinstance(n, ast.Name) and n is not node]
    if len(found) != 1:
        return None
    stmt = next(iter(found.values()))
    return frame.file, stmt, stmt.value, _fill_cast(stmt.value)  # type: ignore[return-value]


def _cast_before(ctx: Context, tensors: list[Any]) -> Any:
    """`who, what = who.long(), what.long()` before the failing statement, when every tensor is a plain name of
    one frame and a later statement of the same function uses one of them again (a cast inside the failing
    line would leave the next lookup failing)."""
    if not tensors or len({t.frame for t in tensors}) != 1 or not all(t.expr.isidentifier() for t in tensors):
        return None
    frame = ctx.frames[tensors[0].frame]
    found = failing_statement(frame)
    if found is None or not isinstance(found[1], (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Return)):
        return None
    tree, stmt = found
    names = list(dict.fromkeys(t.expr for t in tensors))
    scope = src.enclosing_scope(tree, stmt.lineno)
    later = any(isinstance(n, ast.Name) and n.id in names and n.lineno > (stmt.end_lineno or stmt.lineno)
                for n in src.walk_scope(scope))
    if not later:
        return None
    left = ", ".join(names)
    right = ", ".join(f"{n}.long()" for n in names)
    return src.insert_before(frame.file, stmt, f"{left} = {right}")


def _cast_floating_only(file: str, stmt: ast.stmt, comp: ast.DictComp, call: ast.Call) -> list:
    """The comprehension casts only the floating-point entries; the others keep their dtype (and still move
    where `.to(device, dtype=...)` moved them): `v.to(dev, dtype=d) if v.is_floating_point() else v.to(dev)`."""
    from ..analyzers.dtypes import dtype_like
    value = src.segment(file, call.func.value)
    kept: list[str] = []
    if call.func.attr == "to":  # `.to(device, dtype)` keeps its device; `.half()` and the like keep nothing
        kept = [src.segment(file, a) for a in call.args if not dtype_like(a)]
        kept += [f"{k.arg}={src.segment(file, k.value)}" for k in call.keywords if k.arg not in ("dtype", None)]
    uncast = f"{value}.to({', '.join(kept)})" if kept else value
    whole = src.segment(file, comp.value)
    plain = whole.replace(src.segment(file, call), uncast, 1)
    e = src.LineEditor.for_node(file, stmt)
    e.replace(comp.value, f"{whole} if {value}.is_floating_point() else {plain}")
    return edits_of(e)


_SPLITS = ("unbind", "split", "chunk", "tensor_split", "hsplit", "vsplit")


def _unpacked_base(ctx: Context, t):
    """For ids unpacked from a float tensor of the same frame by one of its own methods (`x0, y0, x1, y1 =
    boxes.unbind(-1)`, `a, b = pair.chunk(2, -1)`), that tensor: its values are the ids' values, so it is
    made integer where it is made, once for all the names."""
    origin = ctx.origin(t.expr, ctx.frames[t.frame]) if t.expr.isidentifier() else None
    if origin is None or origin[2] is None:
        return None
    frame, _, node = origin
    stmt = statement_of(frame, node)
    if not (isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Tuple) and node is stmt.value
            and isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _SPLITS
            and isinstance(node.func.value, ast.Name)):
        return None
    base = frame.tensor(node.func.value.id)
    return base if base is not None and base.is_float else None


def _made_in_helper(ctx: Context, t) -> tuple[str, ast.Assign] | None:
    """The assignment of a plain name along `t`'s provenance (into the helper whose returned tuple was
    unpacked): where the value was computed."""
    from ..provenance import trace
    for step in trace(ctx, t):
        tree = src.tree_of(step.file)
        stmt = src.statement_at(tree, step.line) if tree is not None else None
        if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and step.line != ctx.frames[t.frame].line):
            return step.file, stmt
    return None


def _column_made(ctx: Context, t) -> tuple[str, ast.Assign, str] | None:
    """For ids unpacked from a tensor of index rows (`src, dst = edge_index`), the assignment along their
    provenance that cut them as columns of a table (`edge_index = line_table[:, :2].t()`), passing over later
    assignments that only rebuild the name from itself (`edge_index = torch.cat([edge_index, edge_index.flip(0)])`):
    the float ids come from the table's columns there, and every later use reads them."""
    from ..provenance import trace
    steps = trace(ctx, t)
    last = next((st for st in reversed(steps) for tree in [src.tree_of(st.file)] if tree is not None
                 for stmt in [src.statement_at(tree, st.line)] if isinstance(stmt, ast.Assign)
                 and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)), None)
    if last is None:
        return None
    tree = src.tree_of(last.file)
    stmt = src.statement_at(tree, last.line)
    name = stmt.targets[0].id
    scope = src.enclosing_scope(tree, stmt.lineno)
    for _ in range(4):
        if not any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(stmt.value)):
            break
        earlier = [a for a in src.assignments(tree, name, scope, before=stmt.lineno - 1)
                   if isinstance(a.stmt, ast.Assign) and len(a.stmt.targets) == 1]
        if not earlier:
            return None
        stmt = earlier[-1].stmt
    columns = any(isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Tuple) and isinstance(n.value, ast.Name)
                  for n in ast.walk(stmt.value))
    reads_self = any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(stmt.value))
    if not columns or reads_self:
        return None
    cast = _int_cast(last.file, stmt, _numpy_made(tree, stmt))
    return (last.file, stmt, cast) if cast else None


def _rows_made_apart(ctx: Context, frame: Any, node: ast.AST) -> tuple[str, ast.Assign, str] | None:
    """For ids read as rows of a name (`train_b[chunk]`, no column taken) that a helper's returned tuple gave
    (`train_m, train_b = to_tensors(tr)`), the plain assignment along its provenance where the values were made
    (`book_idx = raw[:, 1]`), and the cast for it: `.astype(np.int64)` for a numpy array, `.long()` for a
    tensor.  Casting there serves every split and loop that reads it."""
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)) or isinstance(node.slice, ast.Tuple):
        return None
    held = frame.tensor(node.value.id)
    tree = src.tree_of(frame.file)
    made = src.last_assignment(tree, node.value.id, frame.line) if tree is not None else None
    if held is not None and made is not None and _tensor_made_here(made.stmt, node.value.id):
        return frame.file, made.stmt, ".long()"  # `pos = torch.from_numpy(table[:, 0])`: the rows' own tensor
    if held is None or made is None or not isinstance(made.stmt, ast.Assign) or not isinstance(
            made.stmt.targets[0], ast.Tuple):
        return None
    found = _made_in_helper(ctx, held) or _global_returned(ctx, held, made.stmt, node.value.id)
    if found is None:
        return None
    file, stmt = found
    name = stmt.targets[0].id
    array = next((t for fr in ctx.user_frames() for t in fr.tensors if t.expr == name), None)
    if array is not None and array.is_integer:
        return None
    cast = _int_cast(file, stmt, array.is_array if array is not None else _numpy_made(src.tree_of(file), stmt))
    return (file, stmt, cast) if cast else None


def _int_cast(file: str, stmt: ast.stmt, numpy: bool) -> str | None:
    """The cast that makes the value `stmt` assigns integers: `.astype(np.int64)` for a numpy array (None
    where numpy is not imported as np), `.long()` for a tensor."""
    from .checks import bound_names
    if not numpy:
        return ".long()"
    return ".astype(np.int64)" if "np" in (bound_names(file, stmt.lineno) or set()) else None


_TENSOR_MAKERS = ("torch.from_numpy", "torch.as_tensor", "torch.tensor", "torch.Tensor", "torch.FloatTensor",
                  "torch.DoubleTensor")


def _tensor_made_here(stmt: ast.stmt, name: str) -> bool:
    """`name = torch.from_numpy(...)` (or torch.tensor / as_tensor) with no dtype of its own: the one statement
    that made the float tensor whose rows are read."""
    return (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            and stmt.targets[0].id == name and isinstance(stmt.value, ast.Call)
            and src.call_name(stmt.value) in _TENSOR_MAKERS and src.keyword(stmt.value, "dtype") is None)


def _sibling_rows(ctx: Context, frame: Any, node: ast.Subscript, stmt: ast.stmt) -> list[tuple[ast.Assign, str]]:
    """The other arguments of the call that reads `node` (`pos_tracks[idx]` beside `pos_listeners[idx]`): rows,
    by the same index, of float tensors made the same way from the same array; they are ids too and are cast
    where they are made with it."""
    tree = src.tree_of(frame.file)
    call = next((c for c in ast.walk(stmt) if isinstance(c, ast.Call) and any(a is node for a in c.args)), None)
    mine = src.last_assignment(tree, node.value.id, frame.line) if tree is not None else None
    if call is None or mine is None:
        return []
    source = {n.id for n in ast.walk(mine.stmt.value) if isinstance(n, ast.Name)}
    out = []
    for a in call.args:
        if a is node or not (isinstance(a, ast.Subscript) and isinstance(a.value, ast.Name)) \
                or ast.dump(a.slice) != ast.dump(node.slice):
            continue
        t = frame.tensor(a.value.id)
        made = src.last_assignment(tree, a.value.id, frame.line)
        if t is None or t.is_integer or made is None or not _tensor_made_here(made.stmt, a.value.id):
            continue
        if source & {n.id for n in ast.walk(made.stmt.value) if isinstance(n, ast.Name)} - {"torch"}:
            out.append((made.stmt, ".long()"))
    return out


def _numpy_made(tree: ast.Module | None, stmt: ast.Assign) -> bool:
    """The assigned value is numpy's: a `np.` call, or part of a name a `np.` call made (`raw[:, 1]` of
    `raw = np.loadtxt(...)`)."""
    value = stmt.value
    while isinstance(value, ast.Subscript):
        value = value.value
    if isinstance(value, ast.Name) and tree is not None:
        made = src.last_assignment(tree, value.id, stmt.lineno)
        value = made.value if made is not None else None
    return isinstance(value, ast.Call) and src.call_name(value).split(".")[0] in ("np", "numpy")


def _global_returned(ctx: Context, held: Any, unpacked: ast.Assign, name: str) -> tuple[str, ast.Assign] | None:
    """`a, b = to_tensors(rows)` where the helper returns `(torch.from_numpy(a_all[rows]), ...)`: the module-level
    assignment of the global that the returned item at `name`'s place reads (`book_idx = raw[:, 1]`)."""
    from ..provenance import trace
    steps = trace(ctx, held)
    place = next((i for i, e in enumerate(unpacked.targets[0].elts) if isinstance(e, ast.Name) and e.id == name), None)
    last = steps[-1] if steps else None
    tree = src.tree_of(last.file) if last is not None else None
    ret = src.statement_at(tree, last.line) if tree is not None else None
    if place is None or not isinstance(ret, ast.Return) or not isinstance(ret.value, ast.Tuple) \
            or place >= len(ret.value.elts):
        return None
    item = ret.value.elts[place]
    while isinstance(item, ast.Call) and len(item.args) == 1 and src.call_name(item) in (
            "torch.from_numpy", "torch.as_tensor", "torch.tensor", "np.asarray", "np.array"):
        item = item.args[0]
    while isinstance(item, ast.Subscript):
        item = item.value
    if not isinstance(item, ast.Name):
        return None
    made = [a for a in src.assignments(tree, item.id, tree) if isinstance(a.stmt, ast.Assign)
            and len(a.stmt.targets) == 1 and isinstance(a.stmt.targets[0], ast.Name)]
    return (last.file, made[-1].stmt) if len(made) == 1 else None


def _returned_items(ctx: Context, t: Any) -> list[tuple[str, ast.stmt, ast.expr]]:
    """The ids unpacked by position from a loader's batches (`for seq, nxt in loader`) trace back to a user
    Dataset's `return torch.from_numpy(seq), torch.as_tensor(nxt)`: that item, and each other item of the same
    return whose batch field the loop gives a classification loss as its target while it is a float tensor
    (the next error if left as it is)."""
    from ..provenance import trace
    from .collate import target_keys
    steps = trace(ctx, t)
    if len(steps) < 2 or not steps[-1].function.endswith("__getitem__"):
        return []
    last, first = steps[-1], steps[0]
    tree = src.tree_of(last.file)
    ret = src.statement_at(tree, last.line) if tree is not None else None
    if not isinstance(ret, ast.Return) or not isinstance(ret.value, ast.Tuple):
        return []
    items = ret.value.elts
    holding = [i for i, e in enumerate(items) if any(isinstance(n, ast.Name) and n.id == last.expr
                                                     for n in ast.walk(e))]
    if len(holding) != 1 or not isinstance(items[holding[0]], (ast.Call, ast.Name, ast.Subscript, ast.Attribute)):
        return []
    out = [(last.file, ret, items[holding[0]])]
    ftree = src.tree_of(first.file)
    loop = next((n for n in src.nodes(ftree, ast.For) if n.lineno == first.line), None) if ftree is not None else None
    frame = next((fr for fr in ctx.user_frames() if fr.file == first.file and fr.function == first.function), None)
    if isinstance(loop, ast.For) and frame is not None:
        it, target = src.unpacked_batches(loop)
        if isinstance(target, ast.Tuple) and len(target.elts) == len(items):
            for k in target_keys(ftree, ast.unparse(it)):
                other = target.elts[k] if isinstance(k, int) and k != holding[0] else None
                held = frame.tensor(other.id) if isinstance(other, ast.Name) else None
                if held is not None and held.dtype.startswith("torch.float") and isinstance(
                        items[k], (ast.Call, ast.Name, ast.Subscript, ast.Attribute)):
                    out.append((last.file, ret, items[k]))
    return out


def _dataset_entry(ctx: Context, text: str) -> tuple[str, ast.stmt, ast.expr] | None:
    """For a batch's entry `batch["pages"]` (the tensor's text, or the argument it was passed as), where the user's
    Dataset gives "pages" its value, when that value is not a tensor made with a dtype of its own."""
    m = re.fullmatch(r"\w+\[[\"'](\w+)[\"']\]", text.strip())
    if m is None:
        return None
    from ..batches import item_entry
    entry = item_entry(ctx, m.group(1))
    if entry is None or (isinstance(entry[2], ast.Call) and src.keyword(entry[2], "dtype") is not None):
        return None
    if not _makes_tensor(entry[2]):  # `self.species[idx]` of whatever array: the collate's tensor of it, cast there
        return _collated_tensor(ctx, m.group(1)) or entry
    return entry


_TORCH_MAKES = re.compile(r"^(torch\.)?(tensor|as_tensor|from_numpy|stack|cat|LongTensor|FloatTensor|Tensor)$")


def _makes_tensor(node: ast.AST) -> bool:
    """`node` is plainly a torch tensor: made by a torch constructor, or such a call's method (`.float()`)."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            not src.call_name(node).startswith(("torch.", "np.", "numpy.")):
        node = node.func.value
    return isinstance(node, ast.Call) and src.call_name(node).startswith("torch.") and \
        bool(_TORCH_MAKES.match(src.call_name(node)))


def _collated_tensor(ctx: Context, key: str) -> tuple[str, ast.stmt, ast.expr] | None:
    """(file, statement, value) where the one user collate function given to a DataLoader makes the batch's
    `key` a tensor with a torch constructor (`"species": torch.as_tensor(np.array([b["species"] for b in
    batch]))`): the place the values become a tensor, whatever the Dataset held them as."""
    from ..analyzers.classes import user_files
    from ..analyzers.collators import collate_def
    from ..batches import _entry_in
    found = {}
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            fn = collate_def(tree, call) if src.call_name(call).endswith("DataLoader") else None
            hit = _entry_in(tree, fn, key) if fn is not None else None
            if hit is not None and _makes_tensor(hit[1]):
                found[(file, hit[0].lineno)] = (file, *hit)
    return next(iter(found.values())) if len(found) == 1 else None


def _dtype_param_left(file: str, value: ast.AST) -> bool:
    """`value` calls the user's one function of that name, which takes a `dtype` parameter with a default, and
    leaves it out: the function makes the tensor, and is asked for the integer dtype there."""
    tree = src.tree_of(file)
    if tree is None or not isinstance(value, ast.Call) or src.keyword(value, "dtype") is not None \
            or any(isinstance(a, ast.Starred) for a in value.args) or any(k.arg is None for k in value.keywords):
        return False
    fns = src.called_functions(tree, value)
    if len(fns) != 1 or "dtype" not in src.param_defaults(fns[0]):
        return False
    params = [a.arg for a in (*fns[0].args.posonlyargs, *fns[0].args.args)]
    given_by_place = "dtype" in params and params.index("dtype") < len(value.args)  # (a keyword-only one never is)
    return not given_by_place and "torch" in (bound_names(file, value.lineno) or set())


def _stored_from_caller(ctx: Context, t) -> tuple[str, ast.Assign] | None:
    """For an attribute `self.<name>` that `__init__` stored from a parameter, the first assignment of a plain name,
    past the constructor's call, along its provenance (`pop_bucket = torch.floor(...)` in the helper that made
    it); None for other tensors or when the value was not followed there."""
    if not t.expr.startswith("self."):
        return None
    from ..provenance import trace
    steps = trace(ctx, t)
    if len(steps) < 3 or steps[1].function == steps[0].function:
        return None  # not followed past the class
    for step in steps[2:]:
        tree = src.tree_of(step.file)
        stmt = src.statement_at(tree, step.line) if tree is not None else None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and not isinstance(stmt.value, ast.Name):
            return step.file, stmt
    return None


@locator("label-dtype")
def label_dtype(ctx: Context, f: Finding) -> Located:
    """The labels get the loss's dtype where they are made: the maker's `dtype=` changed or added (for the
    constructors that take it), else its result cast (`.float()`, `.long()`); else cast where the loss is
    called."""
    from ..analyzers.label_dtype import takes_dtype
    want, cast = f.hints.get("want"), f.values.get("cast")
    made = f.hints.get("maker")
    if made and want:
        file, stmt, call = made
        e = src.LineEditor.for_node(file, stmt)
        kw = src.keyword(call, "dtype")
        if kw is not None:
            e.replace(kw.value, want)
        elif takes_dtype(call):
            e.add_keywords(call, f"dtype={want}")
        elif isinstance(call.func, ast.Name) and call.func.id in ("float", "int") and len(call.args) == 1:
            e.replace(call, f"{'int' if want == 'torch.long' else 'float'}({src.segment(file, call.args[0])})")
        elif isinstance(call.func, ast.Attribute) and call.func.attr in ("long", "float", "int", "double") \
                and not call.args:
            e.replace(call, f"{src.segment(file, call.func.value)}{cast}")
        else:
            e.replace(call, f"{src.segment(file, call)}{cast}")
        edits = edits_of(e)
        if edits:
            return edits, None
    labels = f.hints.get("labels")
    shared = f.hints.get("shared_loss")
    if labels is not None and cast and shared:  # cast for this loss only: the loop's other losses keep theirs
        var, cls = shared
        return at_use_site(ctx, labels, f"{{0}}{cast} if type({var}).__name__ == {cls!r} else {{0}}")
    if labels is not None and cast:
        return at_use_site(ctx, labels, "{}" + cast)
    return [], None
