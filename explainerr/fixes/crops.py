"""Fix for items cropped to a fixed length only when they are longer: `__getitem__` crops a long item
(`if n > W: x = x[:, s:s + W]`) and returns a short one as it is, so the default collate meets items of
different lengths.  The short item is padded up to the crop's length right after the crop, along the axis the
crop cuts, with numpy or torch as the item is."""
from __future__ import annotations

import ast
import re
from typing import Any, Callable

from .. import source as src
from ..analyzers import Finding, fact
from ..facts import Context
from ..model import Edit

CROP_UNPADDED = fact("crop-unpadded", "the dataset's `__getitem__` crops an item to `crop_len` only when it is "
                                      "longer (`crop_test`, line `crop_line`) and returns a shorter one unpadded")


def pad_guarded_crop(ctx: Context, f: Finding) -> list[Edit]:
    """The user's one Dataset crops `x` under `if <length> > W:` (no else), along one axis of a slice whose
    bound reads `W`: `x` padded to `W` along that axis right after the `if`."""
    found = _sole_guard(ctx, _crop_under)
    if found is None:
        return []
    file, tree, get, (guard, name, axis, width) = found
    text = _pad_text(tree, get, guard, name, axis, width)
    made = src.insert_after(file, guard, text) if text else None
    if made is None:
        return []
    f.facts.add(CROP_UNPADDED)
    f.values.update(crop_len=width, crop_test=f"if {src.segment(file, guard.test)}:", crop_line=guard.lineno)
    return [made]


def _sole_guard(ctx: Context, reader: Callable[[str, ast.If], Any]) -> tuple[str, ast.Module, ast.AST, Any] | None:
    """(file, tree, `__getitem__`, what `reader` reads) for the one `if` without `else` of the user's one
    Dataset's `__getitem__` that `reader` recognises."""
    from ..batches import sole_getitem
    item = sole_getitem(ctx)
    if item is None:
        return None
    file, tree, get = item
    hits = [hit for st in ast.walk(get) if isinstance(st, ast.If) and not st.orelse
            for hit in [reader(file, st)] if hit is not None]
    return (file, tree, get, hits[0]) if len(hits) == 1 else None


def _crop_under(file: str, guard: ast.If) -> tuple[ast.If, str, int, str] | None:
    """(guard, name, axis, width) for `if A > W:` (or `W < A`, `>=`) whose body sets `x = x[..., s:s + W]`."""
    test = guard.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    op, left, right = test.ops[0], test.left, test.comparators[0]
    if isinstance(op, (ast.Gt, ast.GtE)):
        width = right
    elif isinstance(op, (ast.Lt, ast.LtE)):
        width = left
    else:
        return None
    said = src.segment(file, width)
    if not said or isinstance(width, ast.Constant) and not isinstance(width.value, int):
        return None
    for st in guard.body:
        if not (isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name)
                and isinstance(st.value, ast.Subscript) and isinstance(st.value.value, ast.Name)
                and st.value.value.id == st.targets[0].id):
            continue
        parts = st.value.slice.elts if isinstance(st.value.slice, ast.Tuple) else [st.value.slice]
        cuts = [i for i, p in enumerate(parts) if isinstance(p, ast.Slice) and p.upper is not None
                and said in src.segment(file, p.upper)]
        if len(cuts) != 1:
            continue
        at = cuts[0]
        ellipsis = any(isinstance(p, ast.Constant) and p.value is Ellipsis for p in parts[:at])
        if ellipsis and at != len(parts) - 1:
            return None
        return guard, st.targets[0].id, -1 if ellipsis else at, said
    return None


def _pad_text(tree: ast.Module, get: ast.FunctionDef, guard: ast.If, x: str, axis: int, width: str) -> str | None:
    """`x = np.pad(x, ...)` when `x` is a numpy array where it is later made a tensor, else the torch pad."""
    w = width if width.replace(".", "").replace("_", "").isalnum() else f"({width})"
    numpy = _alias(tree, "numpy")
    later = [c for c in src.calls(get) if c.lineno > (guard.end_lineno or guard.lineno)
             and any(isinstance(a, ast.Name) and a.id == x for n in c.args for a in ast.walk(n))]
    as_array = numpy and any(src.call_name(c).split(".")[-1] in ("from_numpy", "ascontiguousarray", "asarray")
                             or src.call_name(c).startswith(numpy + ".") for c in later)
    if as_array:
        if axis == -1:
            widths = f"[(0, 0)] * ({x}.ndim - 1) + [(0, {w} - {x}.shape[-1])]"
        else:  # the axes before the cut written out, those after it counted from the array's own
            before = "(0, 0), " * axis
            widths = f"[{before}(0, {w} - {x}.shape[{axis}])] + [(0, 0)] * ({x}.ndim - {axis + 1})"
        return f"{x} = {numpy}.pad({x}, {widths})"
    functional = _alias(tree, "torch.nn.functional") or "torch.nn.functional"
    if axis == -1:
        widths = f"(0, {w} - {x}.shape[-1])"
    else:
        widths = f"[0, 0] * ({x}.dim() - {axis + 1}) + [0, {w} - {x}.shape[{axis}]]"
    return f"{x} = {functional}.pad({x}, {widths})"


def _alias(tree: ast.Module, module: str) -> str | None:
    """The name `module` is bound to at the top of the file (`import numpy as np` → `np`)."""
    for st in tree.body:
        if isinstance(st, ast.Import):
            for a in st.names:
                if a.name == module:
                    return a.asname or (module if "." not in module else None)
        elif isinstance(st, ast.ImportFrom) and st.module and "." in module and not st.level:
            parent, _, leaf = module.rpartition(".")
            for a in st.names:
                if st.module == parent and a.name == leaf:
                    return a.asname or leaf
    return None


PAD_UNCROPPED = fact("pad-uncropped", "the dataset's `__getitem__` pads an item up to `crop_len` only when it is "
                                      "shorter (`crop_test`, line `crop_line`) and returns a longer one uncut")


def crop_guarded_pad(ctx: Context, f: Finding) -> list[Edit]:
    """The user's one Dataset pads `x` under `if <length> < W:` (no else) with an assignment that reads `W`
    (`x = F.pad(x, (0, W - n))`, `x = x + [pad] * (W - len(x))`): a longer `x` keeps its length, so `x` is cut
    to `W` right after the `if`, along the axis the padding extends."""
    found = _sole_guard(ctx, _pad_under)
    if found is None:
        return []
    file, _tree, _get, (guard, name, cut, width) = found
    made = src.insert_after(file, guard, f"{name} = {name}[{cut}]")
    if made is None:
        return []
    f.facts.add(PAD_UNCROPPED)
    f.values.update(crop_len=width, crop_test=f"if {src.segment(file, guard.test)}:", crop_line=guard.lineno,
                    crop_text=f"{name} = {name}[{cut}]")
    return [made]


def _pad_under(file: str, guard: ast.If) -> tuple[ast.If, str, str, str] | None:
    """(guard, name, slice text, width) for `if A < W:` (or `W > A`, `<=`) whose body sets `x` from itself and
    `W`: a call (a pad along the last axis, `[..., :W]`) or a list concatenation (`[:W]`)."""
    test = guard.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    op, left, right = test.ops[0], test.left, test.comparators[0]
    width = right if isinstance(op, (ast.Lt, ast.LtE)) else left if isinstance(op, (ast.Gt, ast.GtE)) else None
    said = src.segment(file, width) if width is not None else None
    if not said or isinstance(width, ast.Constant) and not isinstance(width.value, int):
        return None
    w = said if said.replace(".", "").replace("_", "").isalnum() else f"({said})"
    for st in guard.body:
        if not (isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name)):
            continue
        x = st.targets[0].id
        reads = {n.id for n in ast.walk(st.value) if isinstance(n, ast.Name)}
        if x not in reads or said not in src.segment(file, st.value):
            continue
        if isinstance(st.value, ast.Call) and "pad" in src.call_name(st.value).rsplit(".", 1)[-1]:
            return guard, x, f"..., :{w}", said
        if isinstance(st.value, ast.BinOp) and isinstance(st.value.op, ast.Add):
            return guard, x, f":{w}", said
    return None


CUT_BESIDE_PADDED = fact("cut-beside-padded", "the dataset's `__getitem__` pads one field with `pad_helper` "
                                              "(`padded_stmt`, line `padded_line`) but only cuts another "
                                              "(`cut_stmt`, line `cut_line`), so that one keeps each item's length")


def cut_beside_padded(ctx: Context, f: Finding) -> list[Edit]:
    """The user's one Dataset makes one field with its own padding function, `q = pad_to(seq, Q_LEN)`, and a
    sibling field only cut, `c = seq2[:C_LEN]`: the cut field is padded by the same function to its own cut,
    `pad_to(seq2, C_LEN)` (the function pads to a parameter it is given: analyzers/padded_to_max)."""
    from ..analyzers.padded_to_max import sizing_params
    from ..batches import sole_getitem
    item = sole_getitem(ctx)
    if item is None:
        return []
    file, tree, get = item
    sizing = sizing_params(tree)
    helpers = [c for c in src.calls(get) if sizing.get(src.call_name(c), (None, -1))[1] == 1 and len(c.args) == 2
               and not c.keywords]
    names = {src.call_name(c) for c in helpers}
    cuts = [s for s in src.statements(get) if isinstance(s, ast.Assign) and len(s.targets) == 1
            and isinstance(s.value, ast.Subscript) and isinstance(s.value.slice, ast.Slice)
            and s.value.slice.lower is None and s.value.slice.step is None and s.value.slice.upper is not None]
    if len(names) != 1 or len(cuts) != 1:
        return []
    helper, cut = helpers[0], cuts[0]
    from ..analyzers.classes import static_int
    cut_to = static_int(ctx, tree, cut.value.slice.upper)
    seen = {int(n) for k in ("len_a", "len_b") for n in re.findall(r"\d+", str(f.values.get(k, "")))}
    if isinstance(cut_to, int) and seen and cut_to not in seen:
        return []  # the rows that met are not of the cut field: a long one would have been cut to its bound
    seq, width = src.segment(file, cut.value.value), src.segment(file, cut.value.slice.upper)
    made = src.LineEditor.for_node(file, cut).replace(cut.value, f"{src.call_name(helper)}({seq}, {width})").edit()
    if made is None:
        return []
    padded = src.statement_at(tree, helper.lineno)
    f.facts.add(CUT_BESIDE_PADDED)
    f.values.update(pad_helper=src.call_name(helper), padded_stmt=" ".join(src.segment(file, padded).split()),
                    padded_line=helper.lineno, cut_stmt=" ".join(src.segment(file, cut).split()),
                    cut_line=cut.lineno, cut_fixed=f"{src.call_name(helper)}({seq}, {width})")
    return [made]


STOP_CLAMPED = fact("stop-clamped", "`start_stmt` (line `start_line`) keeps the crop's start inside the array but "
                                    "`stop_stmt` clamps its end to `dim_expr`: a crop near the far edge comes out short")


def _call_of(node: ast.AST, name: str) -> list[ast.expr] | None:
    return node.args if isinstance(node, ast.Call) and src.call_name(node) == name and len(node.args) == 2 \
        and not node.keywords else None


def stop_clamped(ctx: Context, f: Finding) -> list[Edit]:
    """`start = max(c - s // 2, 0)` then `stop = min(start + s, dim)`: a window near the far edge is cut short, so
    the items differ in length.  The start is clamped instead, `min(max(c - s // 2, 0), dim - s)`, and every crop
    keeps its size.  Only when the user's files hold exactly one such pair of lines."""
    from ..analyzers.classes import user_files
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for block in (getattr(n, "body") for n in (ast.walk(tree) if tree is not None else ())
                      if isinstance(getattr(n, "body", None), list)):
            starts = {s.targets[0].id: s for s in block if isinstance(s, ast.Assign) and len(s.targets) == 1
                      and isinstance(s.targets[0], ast.Name) and (args := _call_of(s.value, "max")) is not None
                      and any(isinstance(a, ast.Constant) and a.value == 0 for a in args)}
            for s in block:
                args = _call_of(s.value, "min") if isinstance(s, ast.Assign) else None
                if not args or not isinstance(args[0], ast.BinOp) or not isinstance(args[0].op, ast.Add):
                    continue
                grown = args[0]
                if isinstance(grown.left, ast.Name) and grown.left.id in starts:
                    found.append((file, starts[grown.left.id], s, grown.right, args[1]))
    if len(found) != 1:
        return []
    file, start, stop, size, dim = found[0]
    size_text = src.segment(file, size)
    size_text = size_text if isinstance(size, (ast.Name, ast.Attribute, ast.Constant)) else f"({size_text})"
    fixed = f"min({src.segment(file, start.value)}, {src.segment(file, dim)} - {size_text})"
    made = src.LineEditor.for_node(file, start).replace(start.value, fixed).edit()
    if made is None:
        return []
    f.facts.add(STOP_CLAMPED)
    f.values.update(start_stmt=" ".join(src.segment(file, start).split()), start_line=start.lineno,
                    stop_stmt=" ".join(src.segment(file, stop).split()), dim_expr=src.segment(file, dim),
                    start_fixed=fixed)
    return [made]
