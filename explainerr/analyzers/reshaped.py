"""A tensor whose sequence was changed on purpose next to the mask that was not: the user's own function
cuts positions off the states (`h = out[0][:, 1:-1]`, leaving out [CLS] and [SEP]) or concatenates positions
to them (`x = torch.cat([cls, x], dim=1)`, a learned summary token) and then combines them with the mask of
the original length.  The change is deliberate (written in the same function, from a tensor of the mask's
length), so the mask must get the same change there: the same cut, or entries for the added positions that
keep them (0 in a padding mask, 1 in a keep mask), rather than another mask.  Also a batch entry lengthened in
another function the batch passed through (`b["ids"] = torch.cat([b["ids"], codes], dim=1)` in a pipeline
stage) where the mask's entry is not."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context
from ..model import TensorFacts, replace
from . import Finding, fact, maskroles

MASK_FOLLOWS = fact("mask-follows", "the other tensor was cut or lengthened along the sequence in the same "
                                    "function, from a tensor of the mask's length: the mask must get the same change")
_CATS = ("cat", "concat", "concatenate")


def mask_follows(ctx: Context, f: Finding, mask: TensorFacts, other: TensorFacts, mask_len: int,
                 other_len: int) -> bool:
    """Adds MASK_FOLLOWS with `change` (the statement that changed `other`) and `mask_fixed` (the line that
    gives the mask the same change) when `other` is a plain name assigned in the mask's own frame from a slice
    or a `torch.cat` of a tensor of the mask's length along the dimension that differs."""
    if mask.frame == other.frame and _assignable(mask.expr) and _assignable(other.expr) and \
            not other.expr.isidentifier() and other_len > mask_len:
        return _entry_lengthened(ctx, f, mask, other, other_len - mask_len)
    if mask.frame != other.frame or not _assignable(mask.expr) or not other.expr.isidentifier():
        return False
    frame = ctx.frames[other.frame]
    tree = src.tree_of(frame.file)
    made = src.last_assignment(tree, other.expr, frame.line) if tree is not None else None
    if made is None or other_len not in other.shape or mask_len not in mask.shape:
        return False
    dim, mdim = other.shape.index(other_len), mask.shape.index(mask_len)
    value = made.value
    new = None
    if isinstance(value, ast.Subscript) and other_len < mask_len:
        new = _same_cut(mask.expr, value, dim, mdim)
    elif isinstance(value, ast.Call) and src.call_name(value).split(".")[-1] in _CATS and other_len > mask_len:
        new = _same_cat(ctx, frame, mask, value, other, dim, mdim, other_len - mask_len)
    if new is None:
        return False
    f.facts.add(MASK_FOLLOWS)
    f.values.update(change=src.segment(frame.file, made.stmt).strip(), mask_fixed=f"{mask.expr} = {new}")
    f.hints.update(follow_stmt=made.stmt, follow_frame=frame.index, mask_fixed=f"{mask.expr} = {new}")
    return True


def entry_lengthened(ctx: Context, f: Finding, mask: TensorFacts, other: TensorFacts, mask_len: int,
                     other_len: int) -> bool:
    """The ids' entry of a batch was lengthened by a `torch.cat` in a function of the user's that never writes
    the mask's entry (decided by the source alone, whichever tensor the batch's other members agree with)."""
    pol = None
    if mask.frame == other.frame and other_len > mask_len and mask.expr.isidentifier():
        entries = _entries_of(ctx, mask, other, other_len)  # `forward(ids, pad_positions)` given a batch's entries
        if entries is not None:
            pol = _polarity(ctx, ctx.frames[mask.frame], mask)  # read where the parameter is used
            mask, other = entries
    if mask.frame != other.frame or other_len <= mask_len or other.expr.isidentifier() or \
            not (_assignable(mask.expr) and _assignable(other.expr)) or mask.expr.isidentifier():
        return False
    found = _entry_lengthened(ctx, f, mask, other, other_len - mask_len, pol)
    if found and pol is not None:  # said by the entries the parameters were given
        f.values.update(mask=mask.expr, other=other.expr)
    return found


_ENTRY = re.compile(r'\w+\[["\'](\w+)["\']\]')


def _entries_of(ctx: Context, mask: TensorFacts, other: TensorFacts,
                other_len: int) -> tuple[TensorFacts, TensorFacts] | None:
    """The batch entries (`batch["pad_positions"]`, `batch["ids"]`) a caller's frame holds the mask and the ids
    of the frame under, for a mask and a tensor given as plain parameters: the ids are the one integer tensor of
    the frame with the other's length (the tensor that met the mask may be computed from them)."""
    def entry(t: TensorFacts) -> str | None:
        found = {u.expr for fr in ctx.user_frames() for u in fr.tensors
                 if u.ident == t.ident and _ENTRY.fullmatch(u.expr)}
        return found.pop() if len(found) == 1 else None

    frame = ctx.frames[mask.frame]
    ids = [t for t in frame.tensors if t.is_integer and len(t.shape) == 2 and t.shape[1] == other_len
           and t.shape[0] == mask.shape[0]]
    if len(ids) > 1:  # the ids beside other integer tensors as wide (`token_type_ids`): the one that met the mask
        ids = [t for t in ids if t.expr == other.expr]
    m = entry(mask)
    o = entry(ids[0]) if len(ids) == 1 else None
    if m is None or o is None or m.split("[")[0] != o.split("[")[0]:
        return None
    return replace(mask, expr=m), replace(other, expr=o)


def _entry_lengthened(ctx: Context, f: Finding, mask: TensorFacts, other: TensorFacts, added: int,
                      pol: str | None = None) -> bool:
    """`b["ids"] = torch.cat([b["ids"], codes], dim=1)` in one function of the user's files (a stage of a
    pipeline the batch went through) that never writes the mask's entry `b["attn"]`: the mask gets the same
    positions there, kept (ones) in a keep mask.  The entry may be read through a local first
    (`ids = b["ids"]`) and cut around the added block (`[ids[:, :1], marker, ids[:, 1:]]`): the mask is cut the
    same way around its block."""
    key, mkey = (re.fullmatch(r'\w+\[["\'](\w+)["\']\]', e).group(1) for e in (other.expr, mask.expr))
    frame = ctx.frames[mask.frame]
    pol = pol or _polarity(ctx, frame, mask)
    if pol is None or len(mask.shape) != 2:
        return False
    from .classes import user_files
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for a in src.nodes(tree, ast.Assign) if tree is not None else ():
            t = a.targets[0] if len(a.targets) == 1 else None
            padded = _padded_entry(file, tree, a, t, key, mkey)
            if padded is not None:  # `b["tokens"] = F.pad(b["tokens"], (0, extra), value=pad_id)`
                found.append((file, a, t.value.id, padded))  # type: ignore[union-attr]
                continue
            if not (isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and isinstance(t.slice, ast.Constant)
                    and t.slice.value == key and isinstance(a.value, ast.Call)
                    and src.call_name(a.value).split(".")[-1] in _CATS and a.value.args
                    and isinstance(a.value.args[0], (ast.List, ast.Tuple)) and len(a.value.args[0].elts) >= 2):
                continue
            scope = src.enclosing_scope(tree, a.lineno)
            writes_mask = any(isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store) and isinstance(n.slice, ast.Constant)
                              and n.slice.value == mkey for n in ast.walk(scope))
            own = ast.unparse(t)
            aliases = {own, *_aliases_of(scope, own, a.lineno)}
            parts = [_entry_part(e, aliases) for e in a.value.args[0].elts]
            if not writes_mask and sum(p is None for p in parts) == 1 and any(p is not None for p in parts):
                found.append((file, a, t.value.id, parts))
    if len(found) != 1:
        return False
    file, a, holder, parts = found[0]
    m = f'{holder}["{mkey}"]'
    fill = "new_zeros" if pol == maskroles.PAD else "new_ones"
    block = f"{m}.{fill}({m}.size(0), {added})"
    if isinstance(parts, tuple):  # padding positions added: the mask marks them as padding
        fn, pads = parts
        new = f"{fn}({m}, {pads}, value={'True' if pol == maskroles.PAD else '0'})"
    else:
        new = f"torch.cat([{', '.join(block if p is None else m + p for p in parts)}], dim=1)"
    f.facts.add(MASK_FOLLOWS)
    f.values.update(change=src.segment(file, a).strip(), mask_fixed=f"{m} = {new}")
    f.hints.update(follow_stmt=a, follow_file=file, mask_fixed=f"{m} = {new}")
    return True


def _padded_entry(file: str, tree: ast.Module, a: ast.Assign, t: ast.AST | None, key: str,
                  mkey: str) -> tuple[str, str] | None:
    """(the pad function as written, its padding argument) for `b[key] = F.pad(b[key], (0, extra), value=pad)`
    in a function that never writes `b[mkey]`."""
    v = a.value
    if not (isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and isinstance(t.slice, ast.Constant)
            and t.slice.value == key and isinstance(v, ast.Call) and src.call_name(v).split(".")[-1] == "pad"
            and len(v.args) >= 2 and ast.unparse(v.args[0]) == ast.unparse(t)):
        return None
    scope = src.enclosing_scope(tree, a.lineno)
    if any(isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store) and isinstance(n.slice, ast.Constant)
           and n.slice.value == mkey for n in ast.walk(scope)):
        return None
    return src.call_name(v), src.segment(file, v.args[1])


def _aliases_of(scope: ast.AST, entry: str, before: int) -> list[str]:
    """Locals assigned the entry itself (`ids = b["ids"]`) in `scope` before line `before`."""
    return [n.targets[0].id for n in ast.walk(scope) if isinstance(n, ast.Assign) and len(n.targets) == 1
            and isinstance(n.targets[0], ast.Name) and n.lineno < before and ast.unparse(n.value) == entry]


def _entry_part(item: ast.expr, aliases: set[str]) -> str | None:
    """What `item` takes of the entry: "" for the entry itself, the slice text for a cut along the sequence only
    (`ids[:, 1:]` gives "[:, 1:]"); None for a tensor that is not the entry's."""
    if ast.unparse(item) in aliases:
        return ""
    if isinstance(item, ast.Subscript) and ast.unparse(item.value) in aliases and isinstance(item.slice, ast.Tuple) \
            and len(item.slice.elts) == 2 and _whole(item.slice.elts[0]) and isinstance(item.slice.elts[1], ast.Slice):
        return f"[{', '.join(ast.unparse(e) for e in item.slice.elts)}]"
    return None


def cut_in_mapping(ctx: Context, f: Finding, mask: TensorFacts, other: TensorFacts) -> bool:
    """A function of the user's returns the batch as a mapping whose ids entry is cut along the sequence
    (`"input_ids": ids[:, :used]`) and whose mask entry is the uncut local (`"attention_mask": keep`), or pads
    the two from rows of which only the ids' are cut (`r["input_ids"][: self.max_tokens]`): the mask gets the
    same cut there."""
    from .collators import returned_mappings
    from .label_sources import leaf
    mkey, okey = leaf(mask.expr), leaf(other.expr)
    found = []
    for file, _tree, _fn, _ret, items in returned_mappings(ctx):
        m, o = items.get(mkey), items.get(okey)
        if not (isinstance(m, ast.Name) and isinstance(o, ast.Subscript) and isinstance(o.value, ast.Name)):
            continue
        parts = o.slice.elts if isinstance(o.slice, ast.Tuple) else [o.slice]
        if len(parts) == 2 and _whole(parts[0]) and isinstance(parts[1], ast.Slice) and not _whole(parts[1]):
            found.append((file, m, f"{m.id}[{src.segment(file, o.slice)}]", o))
    for file, tree, fn, _ret, items in returned_mappings(ctx):
        rows = [_row_list(tree, fn, items.get(k)) for k in (mkey, okey)]
        if None not in rows:
            cut = _rows_cut_apart(file, *rows)
            if cut is not None:
                found.append((file, *cut))
    if len(found) != 1:
        return False
    file, node, new, cut = found[0]
    tree = src.tree_of(file)
    stmt = src.statement_at(tree, node.lineno) if tree is not None else None
    if stmt is None:
        return False
    f.facts.add(MASK_FOLLOWS)
    f.values.update(change=f"{okey}: {src.segment(file, cut)}", mask_fixed=f"{mkey}: {new}")
    f.hints.update(mapping_cut=(file, stmt, node, new))
    return True


def lengthened_in_mapping(ctx: Context, f: Finding, mask: TensorFacts, other: TensorFacts, mask_len: int,
                          other_len: int) -> bool:
    """A function of the user's returns an example as a mapping whose ids entry is a local joined from the
    encoding's ids cut around an added block (`ids = enc["input_ids"][:1] + [tag_id] + enc["input_ids"][1:]`, or a
    `torch.cat` of the same) and whose mask entry is the encoding's mask as it came: the mask gets the same join
    there, with entries that keep the added positions."""
    from .collators import returned_mappings
    from .label_sources import leaf
    pol = _polarity(ctx, ctx.frames[mask.frame], mask) if other_len > mask_len else None
    if pol is None:
        return False
    mkey, okey = leaf(mask.expr), leaf(other.expr)
    found = []
    for file, tree, fn, _ret, items in returned_mappings(ctx):
        m, o = (src.tensor_data(items.get(k)) or items.get(k) for k in (mkey, okey))  # `torch.tensor(ids)`: the list
        made = src.assignments(tree, o.id, fn) if isinstance(o, ast.Name) and m is not None else []
        if len(made) != 1:
            continue
        new = _joined_like(made[0].value, src.segment(file, m), pol) or \
            _padded_like(tree, fn, made[0].value, m, src.segment(file, m), pol)
        stmt = src.statement_at(tree, m.lineno)
        if new is not None and stmt is not None:
            found.append((file, stmt, m, new, made[0].stmt))
    if len(found) != 1:
        return False
    file, stmt, m, new, change = found[0]
    f.facts.add(MASK_FOLLOWS)
    f.values.update(change=src.segment(file, change).strip(), mask_fixed=f"{mkey}: {new}")
    f.hints.update(mapping_cut=(file, stmt, m, new))
    return True


def _joined_like(value: ast.expr, mask: str, pol: str | None) -> str | None:
    """The mask joined the way `value` joins the ids: each cut of the ids' source becomes the same cut of `mask`,
    each added block becomes entries of the mask's keep value; None unless `value` is such a join."""
    keep = "0" if pol == maskroles.PAD else "1"
    if isinstance(value, ast.Call) and src.call_name(value).split(".")[-1] in _CATS and value.args and \
            isinstance(value.args[0], (ast.List, ast.Tuple)):
        parts, listed = list(value.args[0].elts), False
    elif isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        parts, listed = _summands(value), True
    else:
        return None
    sources = {ast.unparse(p.value) for p in parts if isinstance(p, ast.Subscript) and isinstance(p.slice, ast.Slice)}
    if len(sources) != 1:
        return None
    source = sources.pop()
    out, added = [], 0
    for p in parts:
        if ast.unparse(p) == source:
            out.append(mask)
        elif isinstance(p, ast.Subscript) and isinstance(p.slice, ast.Slice) and ast.unparse(p.value) == source:
            out.append(f"{mask}[{ast.unparse(p.slice)}]")
        elif listed and isinstance(p, ast.List):
            added += 1
            out.append(f"[{', '.join([keep] * len(p.elts))}]")
        elif listed:
            added += 1
            out.append(f"[{keep}] * len({ast.unparse(p)})")
        else:
            added += 1
            out.append(f"torch.{'zeros' if keep == '0' else 'ones'}_like({ast.unparse(p)})")
    if not added or mask == source:
        return None
    return " + ".join(out) if listed else f"torch.cat([{', '.join(out)}], dim={_cat_dim(value)})"


def _padded_like(tree: ast.Module, fn: ast.AST, value: ast.expr, m: ast.expr, mask: str,
                 pol: str | None) -> str | None:
    """`pad_to(enc["input_ids"], WIDTH, tok.pad_token_id)`, a helper of the user's that pads the encoding's ids,
    beside the encoding's mask left as it came (`enc["attention_mask"]`, or a local given it): the mask through
    the same helper, padded with the value that marks padding in it."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.args
            and isinstance(value.args[0], ast.Subscript) and isinstance(value.args[0].slice, ast.Constant)):
        return None
    if not any(isinstance(d, ast.FunctionDef) and d.name == value.func.id for d in tree.body):
        return None
    origin = m
    if isinstance(m, ast.Name):
        made = src.assignments(tree, m.id, fn)
        origin = made[0].value if len(made) == 1 else None
    if not (isinstance(origin, ast.Subscript) and ast.unparse(origin.value) == ast.unparse(value.args[0].value)
            and ast.unparse(origin) != ast.unparse(value.args[0])):
        return None
    fill = "1" if pol == maskroles.PAD else "0"
    pads = [a for a in [*value.args[1:], *(k.value for k in value.keywords)]
            if re.search(r"pad", ast.unparse(a), re.I)]
    if len(pads) != 1:
        return None
    args = [mask] + [fill if a is pads[0] else ast.unparse(a) for a in value.args[1:]]
    args += [f"{k.arg}={fill if k.value is pads[0] else ast.unparse(k.value)}" for k in value.keywords]
    return f"{value.func.id}({', '.join(args)})"


def _summands(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _summands(node.left) + _summands(node.right)
    return [node]


def _cat_dim(call: ast.Call) -> str:
    kw = src.keyword(call, "dim")
    return ast.unparse(kw.value) if kw is not None else ast.unparse(call.args[1]) if len(call.args) > 1 else "0"


def _row_list(tree: ast.Module, fn: ast.FunctionDef, item: ast.AST | None) -> ast.ListComp | None:
    """The one-generator comprehension of rows a returned entry is padded or stacked from
    (`pad_sequence(keep_rows, ...)` after `keep_rows = [torch.tensor(r["attention_mask"]) for r in rows]`)."""
    while isinstance(item, ast.Call) and item.args:
        item = item.args[0]
    if isinstance(item, ast.Name):
        made = src.assignments(tree, item.id, fn)
        item = made[-1].value if len(made) == 1 else None
    return item if isinstance(item, ast.ListComp) and len(item.generators) == 1 else None


def _rows_cut_apart(file: str, mask_rows: ast.ListComp, id_rows: ast.ListComp):
    """(the mask's row read, its new text, the ids' cut) when both comprehensions run over the same examples,
    the ids' cuts each example's field (`r["input_ids"][: self.max_tokens]`) and the mask's reads its field
    whole (`r["attention_mask"]`): the mask's read gets the same cut."""
    (mg,), (ig,) = mask_rows.generators, id_rows.generators
    if not (isinstance(mg.target, ast.Name) and isinstance(ig.target, ast.Name)) \
            or src.segment(file, mg.iter) != src.segment(file, ig.iter):
        return None

    def field(node: ast.AST, row: str) -> bool:
        return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == row \
            and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)

    cuts = [n for n in ast.walk(id_rows.elt) if isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Slice)
            and not _whole(n.slice) and field(n.value, ig.target.id) and ig.target.id not in src.names_in(n.slice)]
    cut_reads = {id(n.value) for n in ast.walk(mask_rows.elt) if isinstance(n, ast.Subscript)
                 and isinstance(n.slice, ast.Slice)}
    reads = [n for n in ast.walk(mask_rows.elt) if field(n, mg.target.id) and id(n) not in cut_reads]
    if len(cuts) != 1 or len(reads) != 1:
        return None
    new = f"{src.segment(file, reads[0])}[{src.segment(file, cuts[0].slice)}]"
    return reads[0], new, cuts[0]


def _assignable(expr: str) -> bool:
    """A name, or an item of a name (`enc["attention_mask"]`): something a statement can assign to."""
    return expr.isidentifier() or bool(re.fullmatch(r'\w+\[("\w+"|\'\w+\')\]', expr))


def _same_cut(mask: str, value: ast.Subscript, dim: int, mdim: int) -> str | None:
    """`out[0][:, 1:-1]` cut at `dim` → `mask[:, 1:-1]` when the mask's sequence is at the same dimension."""
    parts = value.slice.elts if isinstance(value.slice, ast.Tuple) else [value.slice]
    if dim != mdim or len(parts) != dim + 1 or not all(_whole(p) for p in parts[:dim]):
        return None
    cut = parts[dim]
    if not isinstance(cut, ast.Slice) or _whole(cut) or not all(
            b is None or _constant_int(b) for b in (cut.lower, cut.upper, cut.step)):
        return None
    return f"{mask}[{', '.join(ast.unparse(p) for p in parts)}]"


def _same_cat(ctx: Context, frame, mask: TensorFacts, call: ast.Call, other: TensorFacts, dim: int, mdim: int,
              added: int) -> str | None:
    """`torch.cat([cls, x], dim=1)` → `torch.cat([mask.new_zeros(mask.size(0), 1), mask], dim=1)` (zeros in a
    padding mask, ones in a keep mask) when the other items add `added` positions before or after `x`."""
    items = call.args[0] if call.args else None
    dim_node = call.args[1] if len(call.args) > 1 else getattr(src.keyword(call, "dim"), "value", None)
    if not isinstance(items, (ast.List, ast.Tuple)) or len(items.elts) < 2 or dim_node is None:
        return None
    cat_dim = dim_node.value if isinstance(dim_node, ast.Constant) and type(dim_node.value) is int else None
    if cat_dim is None or cat_dim % len(other.shape) != dim or len(mask.shape) != 2 or mdim != 1:
        return None

    def as_mask(e: ast.AST) -> str | None:
        """The mask's own part for an item made from the sequence the mask covers: `token_ids` → the mask,
        `token_ids[:, 1:]` → `mask[:, 1:]`."""
        base = e.value if isinstance(e, ast.Subscript) else e
        t = frame.tensor(base.id) if isinstance(base, ast.Name) else None
        if not (isinstance(base, ast.Name) and (base.id == other.expr or (
                t is not None and len(t.shape) > dim and t.shape[dim] == mask.shape[mdim]))):
            return None
        return mask.expr if e is base else _same_cut(mask.expr, e, dim, mdim)

    parts = [as_mask(e) for e in items.elts]
    inserted = [e for e, p in zip(items.elts, parts) if p is None]
    if not inserted or len(inserted) == len(parts):
        return None
    pol = _polarity(ctx, frame, mask)
    if pol is None:
        return None
    fill = "new_zeros" if pol == maskroles.PAD else "new_ones"
    named = [n for n in ctx.scalar_names(added) if n.isidentifier() and n in frame.scalars]
    kept = [e for e, p in zip(items.elts, parts) if p is not None]
    one = (named[0] if len(named) == 1 else added) if _tiles(kept, dim) else None
    blocks = [p if p is not None else f"{mask.expr}.{fill}({mask.expr}.size(0), "
              f"{one if len(inserted) == 1 and one is not None else f'{src.segment(frame.file, e)}.size({dim})'})"
              for e, p in zip(items.elts, parts)]
    return f"torch.cat([{', '.join(blocks)}], dim={mdim})"


def _tiles(kept: list[ast.AST], dim: int) -> bool:
    """The kept items are the whole sequence: one plain name, or slices of one name at `dim` that follow each
    other from its start to its end (`x[:, :1]`, `x[:, 1:]`)."""
    if len(kept) == 1 and isinstance(kept[0], ast.Name):
        return True
    bounds = []
    for e in kept:
        cut = e.slice.elts[dim] if isinstance(e, ast.Subscript) and isinstance(e.slice, ast.Tuple) and len(
            e.slice.elts) > dim else None
        if not isinstance(cut, ast.Slice) or cut.step is not None:
            return False
        bounds.append((ast.unparse(cut.lower) if cut.lower else None, ast.unparse(cut.upper) if cut.upper else None))
    return bool(bounds) and bounds[0][0] is None and bounds[-1][1] is None and all(
        a[1] is not None and a[1] == b[0] for a, b in zip(bounds, bounds[1:]))


def _polarity(ctx: Context, frame, mask: TensorFacts) -> str | None:
    """PAD when the mask is True on the padding (by construction, or given where a padding mask goes), KEEP
    when it is True on the real tokens."""
    p = maskroles.polarity(ctx, frame, ast.Name(id=mask.expr, ctx=ast.Load()))
    if p is not None:
        return p[0]
    tree = src.tree_of(frame.file)
    stmt = src.statement_at(tree, frame.line) if tree is not None else None
    for n in ast.walk(stmt) if stmt is not None else ():
        if isinstance(n, ast.keyword) and n.arg and " ".join(src.segment(frame.file, n.value).split()) == mask.expr:
            if "padding" in n.arg:
                return maskroles.PAD
            if n.arg in ("attention_mask",):
                return maskroles.KEEP
        if isinstance(n, ast.keyword) and n.arg is None and \
                mask.expr == f'{src.segment(frame.file, n.value)}["attention_mask"]':
            return maskroles.KEEP  # the entry is handed over as the keyword `attention_mask` by `**batch`
    return None


def _whole(p: ast.AST) -> bool:
    return isinstance(p, ast.Slice) and p.lower is None and p.upper is None and p.step is None


def _constant_int(n: ast.AST) -> bool:
    if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub):
        n = n.operand
    return isinstance(n, ast.Constant) and type(n.value) is int
