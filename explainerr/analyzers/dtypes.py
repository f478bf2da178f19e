"""Analyzers for dtypes: float tensors used as indices (embedding ids, advanced indexing, gather, scatter,
index_select, one_hot), with where the float dtype came from: a constructor's default (`np.zeros` gives
float64, `torch.zeros` float32), arithmetic on a float tensor (a float mask's `sum() - 1`), or a column of a
tensor that also holds float values (ids packed with weights)."""
from __future__ import annotations

import ast
import re
from typing import Collection

from .. import dataflow
from .. import source as src
from ..facts import Context, dtype_text
from ..model import FrameFacts, TensorFacts
from . import Finding, analyzer, evidence, fact, label_dtype  # noqa: F401  (registers label-dtype)
from .idsource import _traced_statements, one_line, where

DEFAULT_DTYPE = fact("default-dtype", "the index was made by a constructor called without dtype=, whose default is "
                                      "a float dtype")
FLOAT_OPERAND = fact("float-operand", "the index is computed from a float tensor (arithmetic keeps its dtype)")
PACKED = fact("packed-with-floats", "the index is a column or item of a float tensor that also holds float values")
LEGACY_CONSTRUCTOR = fact("legacy-constructor", "the index was made by `torch.Tensor(data)`, which always makes "
                          "the default float dtype and takes no dtype=")
EDIT_DTYPE = fact("edit-dtype", "the fix gives the constructor that made the index an integer dtype")
ROUNDED_FLOAT = fact("rounded-float", "the index is made by `rounded` (line `rounded_line`), which rounds to whole "
                                      "numbers and keeps the float dtype of its input")
DIVISION = fact("division", "the index is computed with `/`, which always gives floats")
FLOAT_LITERALS = fact("float-literals", "the index is built from float numbers (`torch.tensor([0.0, 2.0])`)")
SPACED_POSITIONS = fact("spaced-positions", "the index is computed inline by linspace/logspace, whose values are "
                                            "floats (fractions in general)")
FLOAT_DRAW = fact("float-draw", "the float operand is made by a call whose result is floating point "
                                "(`float_made`, line `float_made_line`)")
USED_BY = fact("used-by", "the float tensor is given to a function that needs integer class ids (one_hot)")
INDEXES = fact("indexes", "the tensor the float index indexes is known")
CAST_EVERY_ENTRY = fact("cast-every-entry", "a comprehension over the batch's entries casts every one of them to a "
                                            "float dtype (`cast_all`, line `cast_line`), the ids too")

#: Where the index is among the arguments of index-taking calls, in method form (`x.gather(1, idx)`); the
#: function form (`torch.gather(x, 1, idx)`) has it one place later.
_INDEX_ARG = {"gather": 1, "index_select": 1, "scatter": 1, "scatter_": 1, "scatter_add": 1, "scatter_add_": 1,
              "index_add": 1, "index_add_": 1, "index_fill": 1, "index_fill_": 1, "index_copy": 1, "index_copy_": 1,
              "take": 0, "take_along_dim": 1, "index_put": 0, "index_put_": 0, "put": 0, "put_": 0}
_FUNCTIONS_FIRST = ("one_hot", "embedding", "embedding_bag")


@analyzer("float-index")
def float_index(ctx: Context) -> Finding | None:
    lib = ctx.library_tensor("input", "indices", "index")
    candidates: list[TensorFacts] = []
    indexed: dict[str, str] = {}
    if lib is not None and not lib.is_integer and lib.dtype != "torch.bool":
        passed = ctx.passed_as(lib)
        u = passed[2] if passed is not None else ctx.user_name(lib)
        if u is not None:
            candidates.append(u)
            from .vocab import embedding_failure
            fail = embedding_failure(ctx)
            if fail is not None and fail.name:
                indexed[u.expr] = fail.name
    user = ctx.user
    if lib is not None and not candidates and user is not None:
        # the library reshaped the index before it failed (`embedding_bag` flattens 2-D input): the float
        # tensor the user's failing call passed in
        passed = [t for a in user.call_args for t in [user.tensor(a.text)] if t is not None and t.is_float
                  and t.numel == lib.numel]
        if not passed:  # a slice of the user's float tensor passed in (`table(codes[..., i])`,
            # `emb(batch["cats"][:, 0])`): that tensor
            roots = [(a, root) for a in user.call_args for root in _subscripted(a.text)]
            passed = [t for _, r in roots for t in [user.tensor(r)] if t is not None and t.is_float
                      and lib.numel and t.numel % lib.numel == 0
                      and tuple(t.shape[:len(lib.shape)]) == tuple(lib.shape)]
            if not passed:  # rows of it selected (`model(input_ids=all_ids[pick], ...)`): same dtype, same rows' shape
                rows = [(a, t) for a, r in roots for t in [user.tensor(r)] if t is not None
                        and t.dtype == lib.dtype and len(t.shape) == len(lib.shape) >= 2
                        and tuple(t.shape[1:]) == tuple(lib.shape[1:])]
                named = [t for a, t in rows if a.param and (a.param.endswith("ids") or a.param in ("input", "indices"))]
                passed = named if len(named) == 1 else [t for _, t in rows]
        if len(passed) == 1:
            candidates.append(passed[0])
            from .vocab import embedding_failure
            fail = embedding_failure(ctx)
            if fail is not None and fail.name:
                indexed[passed[0].expr] = fail.name
    if user is not None:
        tables = {m.expr for m in user.modules if m.cls in ("Embedding", "EmbeddingBag")}
        names = _names_used_as_index(user.node or "", tables)
        names.update({k: v for k, v in _names_used_as_index(user.statement or "", tables).items() if k not in names})
        for name, target in names.items():
            t = user.tensor(name)
            if t is not None and t.is_float and t not in candidates:
                candidates.append(t)
                indexed[name] = target
        if not candidates:  # `pat["flair"][crop]` of `crop = (slice(z - H, z + H), ...)`: the float scalars in it
            for name, target in names.items():
                for t in _scalars_behind(user, name):
                    if t not in candidates:
                        candidates.append(t)
                        indexed[t.expr] = target
        if candidates and all(c.frame == user.index for c in candidates):
            _also_indexing(user, tables, candidates, indexed)
    if not candidates and user is not None:
        found = _computed_positions(ctx, user)
        if found is not None:
            return found
    if not candidates:
        return _fed_by_library(ctx, lib) if lib is not None and lib.is_float else None
    bad = candidates[0]
    f = Finding()
    f.values.update(index=bad.expr, dtype=dtype_text(bad.dtype),
                    others=", ".join(f"`{c.expr}`" for c in candidates[1:]) or None)
    target = indexed.get(bad.expr)
    if target and target.rsplit(".", 1)[-1] in ("one_hot",):
        f.values["used_by"] = target
        f.facts.add(USED_BY)
    elif target:
        f.values["indexed"] = target
        f.facts.add(INDEXES)
    fr = ctx.frames[bad.frame]
    origin = ctx.origin(bad.expr, fr)
    carried = _carried_float_part(fr, bad.expr)
    if carried is not None:  # `seq = torch.cat([seq, picked])` later in the loop: the float part came in there
        origin = carried[0]
        _values_for_indices(f, fr, carried[1])
    if origin is not None:
        f.values["origin"] = origin[1]
    for c in candidates:
        e = evidence(c)
        if e:
            f.evidence.append(e)
    _float_story(ctx, f, bad, fr, origin)
    f.hints.update(tensors=candidates, origin=origin)
    f.confidence = "high" if f.facts & {DEFAULT_DTYPE, FLOAT_OPERAND, PACKED, DIVISION, FLOAT_LITERALS, ROUNDED_FLOAT,
                                        SPACED_POSITIONS, CAST_EVERY_ENTRY} else "medium"
    return f


def _subscripted(text: str) -> list[str]:
    """The tensors an argument is a subscript of, as written, innermost first: `batch["cats"]` and then `batch`
    for `batch["cats"][:, 0]`."""
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return []
    out = []
    while isinstance(node, ast.Subscript):
        node = node.value
        if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
            out.append(text.strip()[node.col_offset:node.end_col_offset])
    return out


VALUES_NOT_INDICES = fact("values-not-indices", "the float ids take in `part`, made as `taken` (the values of a "
                                                "max, min, sort or topk, not its indices)")
_PAIRED = ("max", "min", "sort", "topk", "kthvalue", "mode", "median")


def _carried_float_part(fr, name: str) -> tuple[tuple, str] | None:
    """`seq = torch.cat([seq, picked], dim=-1)` after the failing line in the loop around it: on every pass after
    the first, `seq` is that statement's value, and the float part it joined (`picked`, a float tensor of the
    frame) made it float.  Returns ((frame, text, node), the part's name)."""
    tree = src.tree_of(fr.file)
    loops = [n for n in src.path_to(tree, fr.line) if isinstance(n, (ast.For, ast.While))] if tree is not None else []
    for loop in reversed(loops):
        for a in src.nodes(loop, ast.Assign):
            v = a.value
            if a.lineno <= fr.line or len(a.targets) != 1 or not isinstance(a.targets[0], ast.Name) \
                    or a.targets[0].id != name or not isinstance(v, ast.Call) or not v.args \
                    or src.call_name(v).split(".")[-1] not in ("cat", "concat", "stack", "hstack") \
                    or not isinstance(v.args[0], (ast.List, ast.Tuple)):
                continue
            parts = [e.id for e in v.args[0].elts if isinstance(e, ast.Name)]
            floats = [p for p in parts if p != name and (t := fr.tensor(p)) is not None and t.is_float]
            if name in parts and len(floats) == 1:
                return (fr, src.segment(fr.file, v), v), floats[0]
        return None
    return None


def _values_for_indices(f: Finding, fr, part: str) -> None:
    """`picked = probs.max(dim=-1, keepdim=True)[0]` (or `.values`): the values of a max/min/sort/topk where its
    indices were meant; the hint turns `[0]` into `[1]` (`.values` into `.indices`)."""
    tree = src.tree_of(fr.file)
    made = src.assignments(tree, part, src.enclosing_scope(tree, fr.line)) if tree is not None else []
    v = made[0].value if len(made) == 1 and not made[0].augmented else None
    if isinstance(v, ast.Subscript) and isinstance(v.slice, ast.Constant) and v.slice.value == 0:
        taken, fixed = v.slice, "1"
    elif isinstance(v, ast.Attribute) and v.attr == "values":
        taken, fixed = v, f"{src.segment(fr.file, v.value)}.indices"
    else:
        return
    call = v.value
    if not (isinstance(call, ast.Call) and src.call_name(call).split(".")[-1] in _PAIRED and (
            src.keyword(call, "dim") is not None or len(call.args) >= (2 if isinstance(call.func, ast.Name)
                                                                       or src.call_name(call).startswith("torch.") else 1)
            or src.call_name(call).split(".")[-1] in ("sort", "topk"))):
        return
    stmt = src.statement_at(tree, v.lineno)
    if stmt is None:
        return
    f.facts.add(VALUES_NOT_INDICES)
    f.values.update(part=part, taken=" ".join(src.segment(fr.file, v).split()), taken_line=v.lineno)
    f.hints["values_taken"] = (fr.file, stmt, taken, fixed)


#: Methods that cast a tensor to a float dtype by their name alone.
_FLOAT_CASTS = ("float", "half", "bfloat16", "double")


_SPACED = ("linspace", "logspace")


def _computed_positions(ctx: Context, user: FrameFacts) -> Finding | None:
    """`x[row, torch.linspace(0, n - 1, k)]`: evenly spaced positions computed inline as the index, which
    torch makes float32 (numpy float64), fractions in general."""
    tree = src.tree_of(user.file)
    stmt = src.statement_at(tree, user.line) if tree is not None else None
    if stmt is None:
        return None
    for n in ast.walk(stmt):
        index = n.slice if isinstance(n, ast.Subscript) else _index_argument(n)[0] if isinstance(n, ast.Call) else None
        for call in (c for c in ast.walk(index) if isinstance(c, ast.Call)) if index is not None else ():
            module, _, fn = src.call_name(call).rpartition(".")
            if fn in _SPACED and src.keyword(call, "dtype") is None:
                f = Finding(confidence="high")
                made = one_line(user.file, call)
                f.values.update(index=made, dtype="float32" if module == "torch" else "float64", others=None,
                                made=made, made_where=where(user.file, stmt),
                                made_dtype="float32" if module == "torch" else "float64",
                                indexed=one_line(user.file, n.value) if isinstance(n, ast.Subscript) else None)
                f.facts.add(SPACED_POSITIONS)
                if isinstance(n, ast.Subscript):
                    f.facts.add(INDEXES)
                f.hints.update(spaced=(user.file, stmt, call), tensors=[])
                return f
    return None


def _fed_by_library(ctx: Context, lib: TensorFacts) -> Finding | None:
    """Float ids a library loop passed to the model (no name of the user's holds them): the model's parameter
    they came in as (`input_ids`), and the constructor without dtype= where the user's code makes that entry of
    the batch (a Dataset's `{"input_ids": fixed_width(...)}` → `np.zeros(width)`)."""
    entry = next((t for fr in ctx.frames if fr.library and fr.function == "forward" for t in fr.tensors
                  if t.expr.isidentifier() and t.dtype == lib.dtype and t.shape == lib.shape), None)
    if entry is None:
        return None
    f = Finding(confidence="high")
    f.values.update(index=entry.expr, dtype=dtype_text(entry.dtype), others=None)
    if not _made_for_key(ctx, f, entry.expr):
        return None
    e = evidence(entry)
    if e:
        f.evidence.append(e)
    f.hints.setdefault("tensors", [])
    return f


def _made_for_key(ctx: Context, f: Finding, key: str, deep: bool = False) -> bool:
    """Adds the default-dtype story when the user's code makes the batch entry `key` with a constructor called
    without dtype= (key_makers.key_values)."""
    from .key_makers import key_values
    for file, stmt, value in key_values(ctx, key, deep, helpers=deep):
        if _float_arithmetic(f, file, stmt, value):
            return True
        rounding = value if isinstance(value, ast.Call) and _rounds_keeping_float(value) else None
        if rounding is not None and isinstance(stmt, ast.Assign) and stmt.value is rounding:
            f.facts.add(ROUNDED_FLOAT)  # `cell = torch.floor(...)`: whole numbers, still floats
            f.values.update(rounded=one_line(file, rounding), rounded_line=stmt.lineno)
            f.hints["float_at"] = (file, stmt, rounding)
            return True
        for call in src.calls(value):
            dtype = dataflow.default_dtype(call)
            if dtype is None:
                continue
            module = src.call_name(call).rpartition(".")[0]
            f.values.update(made=one_line(file, call), made_where=where(file, stmt), made_dtype=dtype,
                            int_dtype=f"{module}.int64" if module in ("np", "numpy") else "torch.long")
            f.facts.add(DEFAULT_DTYPE)
            if module in ("np", "numpy"):
                f.facts.add("numpy")
            f.hints["made"] = (file, stmt, call)
            return True
    return False


#: Calls whose result is floating point whatever they are given (random draws, probabilities).
_FLOAT_DRAWS = ("bernoulli", "rand", "rand_like", "randn", "randn_like", "sigmoid", "softmax", "dropout")


#: Calls that round to whole numbers and keep a float input's dtype.
_ROUNDING = ("floor", "round", "ceil", "trunc", "floor_divide")


def _rounds_keeping_float(call: ast.Call) -> bool:
    """`torch.div(a, b, rounding_mode="floor")`, `torch.floor(x)`, `x.round()`: whole numbers of a float
    tensor's dtype (no integer dtype given, no `.long()` after)."""
    last = src.call_name(call).rpartition(".")[2]
    return (last == "div" and src.keyword(call, "rounding_mode") is not None) or last in _ROUNDING


def _float_arithmetic(f: Finding, file: str, stmt: ast.stmt, value: ast.expr) -> bool:
    """`input_ids * keep + unk_id * (1 - keep)` where `keep` was made by a float-valued call in the same scope
    (`torch.bernoulli(...)`): the arithmetic makes the ids float.  Adds the float-operand story and the hint
    `float_at` (file, statement, expression) for a cast where the ids become float."""
    if not any(isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Mult, ast.Add, ast.Sub)) for n in ast.walk(value)):
        return False
    tree = src.tree_of(file)
    for name in dict.fromkeys(n.id for n in ast.walk(value) if isinstance(n, ast.Name)):
        made = src.last_assignment(tree, name, stmt.lineno) if tree is not None else None
        calls = [c for c in ast.walk(made.value) if isinstance(c, ast.Call)] if made is not None else []
        draw = next((c for c in calls if src.call_name(c).split(".")[-1] in _FLOAT_DRAWS
                     or dataflow.default_dtype(c)), None)
        if draw is None:
            continue
        f.values.update(float_source=name, float_source_dtype="float32", origin=one_line(file, value),
                        float_made=one_line(file, made.value), float_made_line=made.stmt.lineno)
        f.facts |= {FLOAT_OPERAND, FLOAT_DRAW}
        f.hints["float_at"] = (file, stmt, value)
        return True
    return False


def every_entry_cast(stmt: ast.stmt) -> tuple[ast.DictComp, ast.Call] | None:
    """A dict comprehension over a batch's items that casts each value to a dtype (`{k: v.to(device,
    dtype=weight_dtype) for k, v in batch.items()}`, `v.half()`, `v.type(dtype)`): the comprehension and the
    casting call on the value."""
    for comp in ast.walk(stmt):
        if not isinstance(comp, ast.DictComp) or len(comp.generators) != 1:
            continue
        names = src.names_in(comp.generators[0].target)
        value = names[-1] if names else None
        for call in ast.walk(comp.value):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and isinstance(call.func.value, ast.Name) and call.func.value.id == value):
                continue
            attr = call.func.attr
            if attr in _FLOAT_CASTS and not call.args or attr == "type" and call.args or attr == "to" and (
                    src.keyword(call, "dtype") is not None or any(dtype_like(a) for a in call.args)):
                return comp, call
    return None


def dtype_like(node: ast.expr) -> bool:
    """An argument that names a dtype (`weight_dtype`, `DTYPE`, `torch.float16`)."""
    return bool(re.search(r"dtype|torch\.(float|half|bfloat|double)", ast.unparse(node), re.I))


def _column_taken(traced: list, made: ast.stmt) -> bool:
    """A later traced statement takes part of what `made` assigned (`table[:, -1]`): the constructor made a
    table of other values too, so its dtype is not the index's to change.  A write into it (`out[i, :n] = ids`)
    fills it; it takes nothing."""
    names = {t.id for t in getattr(made, "targets", []) if isinstance(t, ast.Name)}
    later = [stmt for _, stmt in traced if stmt is not made]
    for _ in range(len(later)):  # `table = torch.tensor(numeric, ...)`: what is made from it holds its columns too
        grown = {t.id for stmt in later if isinstance(stmt, ast.Assign) and names & set(src.names_in(stmt.value))
                 for t in stmt.targets if isinstance(t, ast.Name)} - names
        if not grown:
            break
        names |= grown
    return any(isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and n.value.id in names
               and isinstance(n.ctx, ast.Load) and _takes_columns(n) for stmt in later for n in ast.walk(stmt))


def _takes_columns(node: ast.Subscript) -> bool:
    """`table[:, -1]`, `table[:, 2:4]`, `table[0]`: part of the table's columns (or one row).  A shift along
    the sequence (`grid[:, :-1]`, `grid[:, 1:]`, every column but an open end) keeps the same values."""
    if not isinstance(node.slice, ast.Tuple):
        return not isinstance(node.slice, ast.Slice)
    return any(not isinstance(e, ast.Slice) or (e.lower is not None and e.upper is not None)
               for e in node.slice.elts[1:])


def _cast_to_float_later(traced: list, made: ast.stmt) -> bool:
    """Another traced statement casts to a floating dtype (`torch.tensor(numeric, dtype=torch.float32)`,
    `.float()`): an integer dtype given where the values were made would not reach the index."""
    for _, stmt in traced:
        if stmt is made:
            continue
        for call in src.calls(stmt):
            kw = src.keyword(call, "dtype")
            if kw is not None and re.search(r"float|half|double|bfloat", ast.unparse(kw)):
                return True
            if isinstance(call.func, ast.Attribute) and call.func.attr in ("float", "double", "half") and not call.args:
                return True
    return False


def _float_story(ctx: Context, f: Finding, bad: TensorFacts, fr: FrameFacts,
                 origin: tuple[FrameFacts, str, ast.AST | None] | None) -> None:
    """Why the index is float: a constructor's default dtype along its provenance, else a float tensor it was
    computed from or taken out of."""
    traced = list(_traced_statements(ctx, [bad]))
    for file, stmt in traced:
        cast = every_entry_cast(stmt)
        if cast is not None:
            comp, call = cast
            f.values.update(cast_all=one_line(file, comp.value), cast_line=stmt.lineno)
            f.facts.add(CAST_EVERY_ENTRY)
            f.hints["cast_all"] = (file, stmt, comp, call)
            return
    for file, stmt in traced:
        if _cast_to_float_later(traced, stmt):
            break  # made float on purpose after (`torch.tensor(numeric, dtype=torch.float32)`): no default's doing
        for call in src.calls(stmt):
            dtype = dataflow.default_dtype(call)
            if src.call_name(call).split(".")[-1] in _FLOAT_DRAWS:
                dtype = None  # a random draw is fractional by nature: no integer dtype makes it ids
            if dtype is not None:
                module = src.call_name(call).rpartition(".")[0]
                f.values.update(made=one_line(file, call), made_where=where(file, stmt), made_dtype=dtype,
                                int_dtype=f"{module}.int64" if module in ("np", "numpy") else "torch.long")
                f.facts.add(DEFAULT_DTYPE)
                if src.call_name(call) == "torch.Tensor":
                    f.facts.add(LEGACY_CONSTRUCTOR)
                if module in ("np", "numpy"):
                    f.facts.add("numpy")
                if not _column_taken(traced, stmt):  # the whole result is the index: give it an integer dtype
                    f.hints["made"] = (file, stmt, call)
                return
    for file, stmt in traced:  # `torch.div(x, size, rounding_mode="floor")`: whole numbers, still floats
        rounding = next((c for c in src.calls(stmt) if _rounds_keeping_float(c)), None)
        if rounding is not None and isinstance(stmt, ast.Assign) and stmt.value is rounding:
            f.facts.add(ROUNDED_FLOAT)
            f.values.update(rounded=one_line(file, rounding), rounded_line=stmt.lineno)
            f.hints["float_at"] = (file, stmt, rounding)
            return
    for file, stmt in traced:  # ids computed with a float tensor (`ids * (1 - chosen) + mask_id * chosen`)
        if isinstance(stmt, ast.Assign) and _float_arithmetic(f, file, stmt, stmt.value):
            return
    if origin is None or origin[2] is None:
        from .reordered import entry_key
        key = entry_key(bad.expr)
        if key:  # an entry of a batch a library loop made: where the user's code makes that entry
            _made_for_key(ctx, f, key)
        elif bad.expr in fr.params and _spread_by_caller(ctx, fr):  # `forward(input_ids, ...)` given `**batch`
            _made_for_key(ctx, f, bad.expr, deep=True)
        return
    from .reordered import entry_key
    key = entry_key(origin[1])
    if key and _made_for_key(ctx, f, key, deep=True):  # `batch["input_ids"]`: where the user makes that entry
        return
    frame, text, node = origin
    floats = [t for t in frame.tensors if t.is_float and t.expr.isidentifier()]
    base, column = node, False
    while isinstance(base, ast.Subscript):
        column = column or isinstance(base.slice, ast.Tuple)  # `table[:, 0]`; `rows[chunk]` takes whole rows
        base = base.value
    if isinstance(base, ast.Name) and base is not node and column and any(t.expr == base.id for t in floats):
        f.values["container"] = base.id
        f.facts.add(PACKED)
        return
    spaced = next((c for c in ast.walk(node) if isinstance(c, ast.Call)
                   and src.call_name(c).rpartition(".")[2] in _SPACED and src.keyword(c, "dtype") is None), None)
    if spaced is not None:
        tree = src.tree_of(frame.file)
        stmt = src.statement_at(tree, spaced.lineno) if tree is not None and hasattr(spaced, "lineno") else None
        if stmt is not None:
            module = src.call_name(spaced).rpartition(".")[0]
            f.values.update(made=one_line(frame.file, spaced), made_where=where(frame.file, stmt),
                            made_dtype="float32" if module == "torch" else "float64")
            f.facts.add(SPACED_POSITIONS)
            f.hints["spaced"] = (frame.file, stmt, spaced)
            return
    if any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div) for n in ast.walk(node)):
        f.facts.add(DIVISION)
        return
    if _float_literals(node):
        f.facts.add(FLOAT_LITERALS)
        return
    sized = {id(n.value) for n in ast.walk(node) if isinstance(n, ast.Attribute)
             and n.attr in ("size", "shape", "dim", "ndim", "numel", "device", "dtype")}
    sized |= {id(a) for c in ast.walk(node) if isinstance(c, ast.Call) and src.call_name(c) == "len" for a in c.args}
    used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and id(n) not in sized}  # its values, not its size
    computed = any(isinstance(n, (ast.BinOp, ast.UnaryOp, ast.Call)) for n in ast.walk(node))
    source = next((t for t in floats if t.expr in used and t.expr != bad.expr), None) if computed else None
    if source is not None:
        f.values.update(float_source=source.expr, float_source_dtype=dtype_text(source.dtype))
        f.facts.add(FLOAT_OPERAND)
        if source.expr in frame.params and any(_spread_by_caller(ctx, fr_) for fr_ in ctx.user_frames()):
            _made_for_key(ctx, f, source.expr, deep=True)  # handed down from a `model(**batch)`: where it is made


def _spread_by_caller(ctx: Context, fr: FrameFacts) -> bool:
    """The user's caller of `fr` calls it with a spread mapping (`self.model(**batch)`)."""
    caller = ctx._caller(fr)
    return caller is not None and not caller.library and "**" in (caller.node or "")


def _float_literals(node: ast.AST) -> bool:
    """`torch.tensor([0.0, 2.0])` / `np.array([1, 2.5])`: a constructor given float numbers (or no dtype)."""
    for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
        if src.keyword(call, "dtype") is None and call.args and re.search(r"(tensor|array|as_tensor|asarray)$",
                                                                          src.call_name(call)):
            if any(isinstance(c, ast.Constant) and type(c.value) is float for c in ast.walk(call.args[0])):
                return True
    return False


def _also_indexing(user: FrameFacts, tables: Collection[str], candidates: list[TensorFacts],
                   indexed: dict[str, str]) -> None:
    """The failing function's other float tensors that it uses as indices on other lines (`self.items(item_ids)`
    below `self.users(user_ids)`): they fail next, so they are cast with the first."""
    tree = src.tree_of(user.file)
    fn = src.enclosing_scope(tree, user.line) if tree is not None else None
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return
    for name, target in _index_names(fn, tables).items():
        t = user.tensor(name) or user.tensor(name.replace("'", '"')) or user.tensor(name.replace('"', "'"))
        if t is not None and t.is_float and t not in candidates and (name.isidentifier() or _keyed_text(name)):
            candidates.append(t)
            indexed[t.expr] = target


def _keyed_text(text: str) -> bool:
    try:
        return _keyed(ast.parse(text, mode="eval").body)
    except SyntaxError:
        return False


def _scalars_behind(user: FrameFacts, name: str) -> list[TensorFacts]:
    """The single-element float tensors of the frame that the index `name` was built from, when `name` is no
    tensor itself (`crop = (slice(z - HALF, z + HALF), ...)`: `z`): a slice bound or an index taken from one."""
    if user.tensor(name) is not None or not name.isidentifier():
        return []
    tree = src.tree_of(user.file)
    made = src.last_assignment(tree, name, user.line) if tree is not None else None
    if made is None:
        return []
    out = []
    for n in dict.fromkeys(src.names_in(made.value)):
        t = user.tensor(n)
        if t is not None and t.is_float and t.numel == 1:
            out.append(t)
    return out


def _names_used_as_index(text: str, tables: Collection[str] = ()) -> dict[str, str]:
    """Names inside subscript slices (→ the subscripted expression), or given as the index of an embedding
    (by its name, or one of the frame's embedding modules `tables`), gather, scatter, index_select, one_hot
    call (→ the call's table or tensor)."""
    try:
        tree = ast.parse(text.strip())
    except SyntaxError:
        return {}
    return _index_names(tree, tables)


def _index_names(tree: ast.AST, tables: Collection[str]) -> dict[str, str]:
    """`_names_used_as_index` of a parsed tree.  A name read only for an attribute (`frames.device` in
    `self.pos(torch.arange(T, device=frames.device))`) is not an index."""
    out: dict[str, str] = {}
    for n in ast.walk(tree):
        if isinstance(n, ast.Subscript):
            for x in _index_parts(n.slice):
                if isinstance(x, ast.Name):
                    out.setdefault(x.id, ast.unparse(n.value))
                elif isinstance(x, ast.Attribute) and _dotted(x):  # `t_hidden[self.layer_idx]`: a stored index
                    out.setdefault(ast.unparse(x), ast.unparse(n.value))
        elif isinstance(n, ast.Call):
            callee = ast.unparse(n.func)
            arg, target = (n.args[0], callee) if n.args and callee in tables else _index_argument(n)
            if arg is not None and tables and callee.startswith("self.") and callee not in tables \
                    and target == callee:
                continue  # `self.patch_embed(chips)`: a module of the frame that is no embedding table
            if arg is not None:
                if _keyed(arg):  # `self.sku_emb(batch["sku"])`: a batch's entry
                    out.setdefault(ast.unparse(arg), target)
                for x in _index_parts(arg):
                    if isinstance(x, ast.Name):
                        out.setdefault(x.id, target)
                    elif isinstance(x, ast.Attribute) and _dotted(x):  # `self.pop_bucket[ids]`: a stored table
                        out.setdefault(ast.unparse(x), target)
    return out


def _keyed(node: ast.AST) -> bool:
    """`batch["sku"]`: a name's entry under a written key."""
    return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) \
        and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)


def _index_parts(node: ast.AST) -> list[ast.AST]:
    """The nodes of an index expression, less the names read only for one of their attributes other than a
    stored table (`frames` of `frames.device`, of `x.shape[1]`)."""
    bases = {id(a.value) for a in ast.walk(node) if isinstance(a, ast.Attribute) and isinstance(a.value, ast.Name)
             and a.attr in _NOT_VALUES}
    return [x for x in ast.walk(node) if id(x) not in bases]


#: Attributes that read something about a tensor, not its values.
_NOT_VALUES = {"device", "dtype", "shape", "ndim", "size", "numel", "is_cuda", "requires_grad", "layout"}


def _dotted(node: ast.AST) -> bool:
    """`self.pop_bucket`, `model.table`: attributes of a name, no call or subscript in between."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def _index_argument(call: ast.Call) -> tuple[ast.AST | None, str]:
    name = ast.unparse(call.func)
    method = name.rsplit(".", 1)[-1]
    kw = next((k.value for k in call.keywords if k.arg in ("index", "indices")), None)
    if kw is not None:
        return kw, name
    if method in _FUNCTIONS_FIRST or re.search(r"emb", method, re.I):
        return (call.args[0] if call.args else None), name
    if method in _INDEX_ARG:
        is_function = isinstance(call.func, ast.Attribute) and ast.unparse(call.func.value) in ("torch", "F")
        at = _INDEX_ARG[method] + (1 if is_function else 0)
        target = ast.unparse(call.args[0]) if is_function and call.args else (
            ast.unparse(call.func.value) if isinstance(call.func, ast.Attribute) else name)
        return (call.args[at] if len(call.args) > at else None), target
    return None, name
