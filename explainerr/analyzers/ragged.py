"""Analyzer for rows of different lengths made into one tensor (unpadded-batch): by the user's own
`torch.tensor` / `torch.stack` / `torch.cat`, by a DataLoader's default collate (also when a library's loop
iterates it), by a tokenizer call without padding, or by a collator that pads some keys and not the labels.
Names what was being built and where: the function, the DataLoader and its Dataset's `__getitem__`."""
from __future__ import annotations

import ast
import re
from functools import lru_cache

from .. import source as src
from ..facts import Context
from ..model import FrameFacts
from . import Finding, analyzer, fact

LABELS_NOT_PADDED = fact("labels-not-padded", "a DataCollatorWithPadding pads the tokenizer's keys but not the "
                                              "examples' per-token labels")
CONCATENATED = fact("concatenated", "per-batch outputs of different lengths were concatenated with torch.cat")
COLLATE = fact("collate", "a DataLoader's default collate stacked examples of different lengths")

_HF_COLLATOR = re.compile(r"transformers[/\\]data[/\\]data_collator\.py$")
_COLLATE_FILE = re.compile(r"torch[/\\]utils[/\\]data[/\\]_utils[/\\]collate\.py$")
_MAKES_TENSOR = re.compile(r"(^|\.)(stack|tensor|as_tensor|LongTensor|FloatTensor|cat)$")


_CHAINED = re.compile(r"expected sequence of length (\d+) at dim \d+ \(got (\d+)\)")


def _chained_lengths(ctx: Context) -> list[str]:
    """The two lengths a chained exception names when the last message has none (a tokenizer's "Unable to
    create tensor" is raised from torch's "expected sequence of length 6 at dim 1 (got 4)")."""
    for c in ctx.report.chain:
        m = _CHAINED.search(c.message)
        if m:
            return [m.group(1), m.group(2)]
    return []


def _window_cause_found(ctx: Context) -> bool:
    """The one Dataset's windows come out short for a reason its source shows: starts up to the end of each
    sequence (fixes/window_tail.py) or sequences a filter kept although shorter than a window
    (fixes/short_sources.py).  Then the mistake is named, and the fix is there, not in padding."""
    from ..batches import user_datasets
    from ..fixes.short_sources import short_sources
    from ..fixes.window_tail import full_windows_only
    found = user_datasets(ctx)
    if len(found) != 1:
        return False
    scratch = Finding()
    return bool(full_windows_only(scratch, *found[0]) or short_sources(ctx, scratch, *found[0]))


@analyzer("ragged-sequences")
def ragged_sequences(ctx: Context) -> Finding | None:
    """Rows of different lengths made into one tensor: by the user's own `torch.tensor`/`torch.stack`, by a
    DataLoader's default collate, or by a tokenizer call without padding.  Names what was being built and
    where (the function, the DataLoader and its dataset)."""
    frame = ctx.user
    g = ctx.groups
    if g.get("a") and g.get("b"):
        len_a, len_b = f"[{g['a']}]", f"[{g['b']}]"
    else:
        lens = [g.get(k) for k in ("expected", "got") if g.get(k)] or _chained_lengths(ctx)
        len_a, len_b = (lens + ["?", "?"])[:2]
    if _feature_widths(ctx, g.get("a"), g.get("b")) or _batch_outputs(ctx, g.get("a"), g.get("b")):
        return None
    f = Finding()
    f.values.update(len_a=len_a, len_b=len_b, lengths=f" ({len_a} and {len_b})" if len_a != "?" else "")
    target = items = call = arg = loader = None
    loader_made_here = False  # `for batch in DataLoader(data, ...)`: the loop makes the loader from a name
    if frame is not None and frame.statement:
        try:
            stmt = ast.parse(frame.statement.strip()).body[0]
        except (SyntaxError, IndexError):
            stmt = None
        if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
            target = stmt.targets[0].id
        if isinstance(stmt, ast.For) or (frame.node or "").startswith("next("):
            loader = _iterated(stmt.iter if isinstance(stmt, ast.For) else None, frame.node)
        loader_made_here = (isinstance(stmt, ast.For) and isinstance(stmt.iter, ast.Call)
                            and src.call_name(stmt.iter).endswith("DataLoader"))
        keys = re.findall(r"""\[\s*["'](\w+)["']\s*\]""", frame.node or frame.statement or "")
        items = keys[0] if keys else g.get("key")
        try:
            node = ast.parse((frame.node or "").strip(), mode="eval").body
        except SyntaxError:
            node = None
        if isinstance(node, ast.Call) and _MAKES_TENSOR.search(ast.unparse(node.func)) and node.args:
            call, arg = ast.unparse(node.func), ast.unparse(node.args[0])
            from .uneven_pieces import uneven_pieces
            if call.endswith("stack") and uneven_pieces(ctx, frame, arg):
                return None  # the pieces of one tensor cut unevenly, not examples of different lengths
            from .padded_axis import padded_other_axis
            if call.endswith("stack") and padded_other_axis(frame, arg, (g.get("a"), g.get("b"))):
                return None  # padded, but along the last axis by a length measured on the first
    in_collate = any(_COLLATE_FILE.search(fr.file) or _HF_COLLATOR.search(fr.file) for fr in ctx.raise_frames())
    collated = loader is not None and in_collate
    from .fixed_spans import clipped_windows
    if in_collate and clipped_windows(ctx) and not _window_cause_found(ctx):
        return None  # fixed-width windows that ran past the end of their series: no padding is the cure
    built = dataset = None
    if in_collate and not collated:  # the batch was made by a library's loop (Trainer, Lightning, Accelerate)
        built = _default_collate_loader(ctx)
        dataset = (built[2] if built else None) or _only_dataset(ctx)
        if built is not None and built[1] is None:  # several loaders of the file, none with a collate_fn
            f.facts.add(COLLATE)
            f.hints["loader_calls"] = loaders_without_collate(built[0])
        elif built is not None:
            f.facts.add(COLLATE)
            f.hints["loader_call"] = built[:2]
        if dataset:
            f.values["dataset"] = dataset
    where = f" in `{frame.function}`" if frame is not None and frame.function != "<module>" else ""
    collator = _collator_without_label_padding(ctx)
    if collator is not None:
        subject = f"`{collator[2]}`"
    elif collated:
        subject = (f"a DataLoader over `{loader}` (default collate)" if loader_made_here
                   else f"the DataLoader `{loader}` (default collate)")
        f.facts.add(COLLATE)
    elif in_collate and dataset:
        subject = f"the default collate of `{dataset.split('.')[0]}`'s examples"
    elif in_collate:
        subject = "the default collate of the batch"
    elif loader is not None:
        subject = f"the batches of `{loader}`"
    elif call and target:
        subject = f"`{target} = {call}({arg if len(arg or '') <= 30 else '...'})`{where}"
    elif call:
        subject = f"`{call}({arg})`{where}"
    else:
        subject = f"`{target or 'the batch'}`{where}"
    if collator is not None:
        f.facts.add(LABELS_NOT_PADDED)
        f.values.update(collator=collator[2])
        f.hints["collator"] = collator
    if ctx.groups.get("cat_dim") is not None:  # torch.cat: only lists of outputs collected batch by batch
        collected = _collected_outputs(ctx, frame, arg)
        if collected is None:
            return None
        f.facts.add(CONCATENATED)
        items = f"the tensors collected in `{arg}`"
        f.values["pad_dim"] = collected
        f.hints["pad_dim"] = collected
    if items is None and in_collate:
        items = _ragged_keys(ctx)
    f.values.update(target=target or arg or "the batch", items=items or "the rows", subject=subject,
                    items_named=f" ({items})" if items else "")
    if in_collate:
        from .padded_unlike import padded_unlike
        from .trainer_collator import trainer_default_collator
        both = str(g.get("a") or "").isdigit() and str(g.get("b") or "").isdigit()
        from .item_padding import padding_per_item
        if not padded_unlike(ctx, f, (int(g["a"]), int(g["b"])) if both else None) and collator is None and \
                not padding_per_item(ctx, f):
            trainer_default_collator(ctx, f)
    else:  # the user's own stacking of what a Dataset encoded one text at a time
        from .item_padding import padding_per_item
        padding_per_item(ctx, f)
    nums = [int(x) for x in re.findall(r"\d+", f"{f.values.get('len_a')} {f.values.get('len_b')}")]
    if len(nums) == 2 and not {"padded-unlike", "padding-per-item"} & f.facts:
        from .item_padding import padded_not_truncated
        padded_not_truncated(ctx, f, (nums[0], nums[1]))
    pad = _pad_constant(ctx)
    f.values["pad_value"] = f", padding_value={pad}" if pad else ""
    trace = []
    if frame is not None:
        for name in (arg, loader):
            if name and re.fullmatch(r"[A-Za-z_]\w*", name):
                trace.append((frame.index, name))
    f.hints.update(target=target, items=items, loader=loader if collated else None, pad=pad, trace=trace)
    return f


@analyzer("text-ragged-join")
def text_ragged_join(ctx: Context) -> Finding | None:
    """From a traceback's text: a join of per-batch tensors along dimension 0 (or no join at all). Joined
    along another dimension, the sizes that differ are those of dimension 0, the rows of each batch (a last,
    smaller batch): the join's dimension is the mistake, not a padding."""
    cat_dim = ctx.groups.get("cat_dim")
    return None if cat_dim not in (None, "0") else Finding()


_BATCH_ITEM = re.compile(r"""^batch\[\d+\]\[["'](\w+)["']\]$""")


def _ragged_keys(ctx: Context) -> str | None:
    """The keys of the examples whose tensors differ in shape across the batch the default collate was given
    (`batch[i]["input_ids"]` in its frame), as text: "`input_ids` and `attention_mask`"."""
    for fr in reversed(ctx.raise_frames()):  # outermost collate frame first: it holds the whole examples
        if not _COLLATE_FILE.search(fr.file):
            continue
        shapes: dict[str, set[tuple[int, ...]]] = {}
        for t in fr.tensors:
            m = _BATCH_ITEM.match(t.expr)
            if m:
                shapes.setdefault(m.group(1), set()).add(tuple(t.shape))
        keys = [f"`{k}`" for k, seen in shapes.items() if len(seen) > 1]
        if keys:
            return " and ".join([", ".join(keys[:-1]), keys[-1]] if len(keys) > 1 else keys)
    return None


def _feature_widths(ctx: Context, a: str | None, b: str | None) -> bool:
    """The shapes differ only in their last dimension, and those two sizes are the widths of models or layers in
    the frames (two encoders' hidden sizes), or one is the output of a head (`nn.Linear(h, 5)` beside a head of
    3, which may sit inside a Sequential the capture did not open): outputs of different widths or scores over
    different classes, not sequences of different lengths that padding would make equal."""
    try:
        sa, sb = [int(x) for x in (a or "").split(",")], [int(x) for x in (b or "").split(",")]
    except ValueError:
        return False
    if len(sa) != len(sb) or len(sa) < 2 or sa[:-1] != sb[:-1] or sa[-1] == sb[-1]:
        return False
    modules = [m for fr in ctx.report.frames for m in fr.modules]
    widths = {v for m in modules for k, v in (*m.config.items(), *m.attrs.items())
              if k in ("hidden_size", "d_model", "n_embd", "dim", "out_features", "embedding_dim")}
    heads = {m.attrs.get("out_features") for m in modules} | {m.config.get("num_labels") for m in modules}
    return {sa[-1], sb[-1]} <= widths or bool({sa[-1], sb[-1]} & heads)


def _batch_outputs(ctx: Context, a: str | None, b: str | None) -> bool:
    """The stacked tensors differ only in dimension 0 and were appended one per batch of a DataLoader (`for xb,
    _ in DataLoader(...): outs.append(model(xb))`): batches of different sizes, whose rows join with
    `torch.cat`; no padding makes them equal."""
    try:
        sa, sb = [int(x) for x in (a or "").split(",")], [int(x) for x in (b or "").split(",")]
    except ValueError:
        return False
    frame = ctx.user
    if len(sa) != len(sb) or not sa or sa[1:] != sb[1:] or sa[0] == sb[0] or frame is None:
        return False
    tree = src.tree_of(frame.file)
    stmt = src.statement_at(tree, frame.line) if tree is not None else None
    names = {c.args[0].id for c in src.calls(stmt) if src.call_name(c).endswith("stack") and c.args
             and isinstance(c.args[0], ast.Name)} if stmt is not None else set()
    loaders = {o.expr for fr in ctx.user_frames() for o in fr.objects if o.kind == "dataloader"}
    if stmt is not None and _yielded_per_batch(tree, stmt, loaders):
        return True
    if stmt is not None and _accumulated_per_call(tree, stmt, per_batch_only=len(sa) < 2):
        return True
    for loop in src.nodes(tree, ast.For) if names else ():
        it = src.segment(frame.file, loop.iter)
        if not ("DataLoader(" in it or it in loaders or _LOADER_NAME.search(it)):
            continue
        if any(isinstance(c, ast.Call) and src.call_name(c) in {f"{n}.append" for n in names}
               for c in ast.walk(loop)):
            return True
    return False


def _accumulated_per_call(tree: ast.Module, stmt: ast.stmt, per_batch_only: bool = False) -> bool:
    """`torch.stack(self._probs)` in a method of a class whose other method appends to `self._probs` (a metric's
    `update` called once per batch, `compute` joining): outputs of batches, not sequences of one batch.  For
    vectors (`per_batch_only`), which could also be one example's ids, the appending method must take a batch
    (a parameter named like one: `on_eval(self, trainer, batch, scores)`)."""
    cls = src.enclosing_class(tree, stmt.lineno)
    here = next((c.args[0] for c in src.calls(stmt) if src.call_name(c).endswith("stack") and c.args), None)
    if cls is None or not (isinstance(here, ast.Attribute) and isinstance(here.value, ast.Name)
                           and here.value.id == "self"):
        return False
    appended = f"self.{here.attr}.append"
    return any(isinstance(fn, ast.FunctionDef) and not src.contains(fn, stmt.lineno) and any(
        src.call_name(c) == appended for c in src.calls(fn)) and not (
        per_batch_only and not any(re.search(r"batch", a.arg, re.I) for a in fn.args.args)) for fn in cls.body)


def _yielded_per_batch(tree: ast.Module, stmt: ast.stmt, loaders: set[str]) -> bool:
    """`torch.stack(list(batched_logits(model, loader)))` where the user's generator yields one output per
    batch of a loop over a DataLoader (a loader seen in the frames, or one named like one)."""
    defs = {d.name: d for d in src.nodes(tree, ast.FunctionDef)}
    for c in src.calls(stmt):
        if not (src.call_name(c).endswith("stack") and c.args):
            continue
        arg = c.args[0]
        if isinstance(arg, ast.Call) and src.call_name(arg) in ("list", "tuple") and arg.args:
            arg = arg.args[0]
        fn = defs.get(src.call_name(arg)) if isinstance(arg, ast.Call) else None
        for loop in (n for n in ast.walk(fn) if isinstance(n, ast.For)) if fn is not None else ():
            it = ast.unparse(loop.iter)
            if (it in loaders or _LOADER_NAME.search(it)) and any(
                    isinstance(n, ast.Yield) for n in ast.walk(loop)):
                return True
    return False


_LOADER_NAME = re.compile(r"(?i)^[\w.]*(loader|dl)\b")


def _collected_outputs(ctx: Context, frame: FrameFacts | None, name: str | None) -> int | None:
    """`torch.cat(outputs)` where `outputs` was appended to in a loop (one tensor per batch) and its items
    differ in a length dimension (not in the last dimension of float features): that dimension."""
    if frame is None or not name or not name.isidentifier():
        return None
    tree = src.tree_of(frame.file)
    scope = src.enclosing_scope(tree, frame.line) if tree is not None else None
    appended = scope is not None and any(
        isinstance(n, ast.For) and any(isinstance(c, ast.Call) and src.call_name(c) in (f"{name}.append", f"{name}.extend")
                                       for c in ast.walk(n)) for n in src.statements(scope))
    items = [t for t in frame.tensors if t.expr.startswith(name + "[")]
    if not appended or len(items) < 2 or len({len(t.shape) for t in items}) != 1:
        return None
    cat_dim = ctx.int_group("cat_dim") or 0
    for d in range(len(items[0].shape)):
        if d != cat_dim and len({t.shape[d] for t in items}) > 1:
            last_float = d == len(items[0].shape) - 1 and items[0].is_float and len(items[0].shape) > 2
            # the batches' rows differ (a last, smaller batch) while joined along another dimension: the
            # join's dimension is what is wrong, not a padding
            return None if last_float or d == 0 else d
    return None


def _default_collate_loader(ctx: Context) -> tuple[str, ast.Call, str | None] | None:
    """The one `DataLoader(...)` call in the user's files without a `collate_fn` (file, call), and the
    `Dataset.__getitem__` its dataset is built with, when the code shows it; (file, None, the one Dataset's
    `__getitem__`) when one file holds several such calls (a data module's train and val loaders)."""
    found = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            if src.call_name(call).endswith("DataLoader") and src.keyword(call, "collate_fn") is None:
                found.append((file, call, tree))
    if len(found) != 1:
        return None if len(found) < 2 or len({f[0] for f in found}) != 1 else (found[0][0], None, _only_dataset(ctx))
    file, call, tree = found[0]
    data = call.args[0] if call.args else getattr(src.keyword(call, "dataset"), "value", None)
    text = ast.unparse(data) if data is not None else None
    made = None
    for n in src.nodes(tree, ast.Assign):
        if isinstance(n, ast.Assign) and any(ast.unparse(t) == text for t in n.targets) and isinstance(n.value, ast.Call):
            made = n.value
    cls = next((c for c in tree.body if isinstance(c, ast.ClassDef) and made is not None
                and src.call_name(made) == c.name and any(isinstance(m, ast.FunctionDef) and m.name == "__getitem__"
                                                          for m in c.body)), None)
    return file, call, f"{cls.name}.__getitem__" if cls is not None else None


def loaders_without_collate(file: str) -> list[tuple[str, ast.Call]]:
    """(file, call) of every `DataLoader(...)` call of `file` without a `collate_fn`."""
    tree = src.tree_of(file)
    return [(file, c) for c in (src.calls(tree) if tree is not None else ())
            if src.call_name(c).endswith("DataLoader") and src.keyword(c, "collate_fn") is None]


def _collator_without_label_padding(ctx: Context) -> tuple[str, ast.Call, str] | None:
    """`data_collator=DataCollatorWithPadding(tokenizer)` while the examples carry a per-token `labels` list
    (`enc["labels"] = [...]`): that collator pads the tokenizer's keys only, not the labels."""
    if not any(_HF_COLLATOR.search(fr.file) or "/tokenization_utils" in fr.file.replace("\\", "/")
               for fr in ctx.raise_frames()):
        return None
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        per_token = any(isinstance(n, ast.Assign) and any(
            isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant) and t.slice.value == "labels"
            for t in n.targets) and isinstance(n.value, (ast.List, ast.ListComp)) for n in src.nodes(tree, ast.Assign))
        calls = [c for c in src.calls(tree) if src.call_name(c).split(".")[-1] == "DataCollatorWithPadding"]
        if per_token and len(calls) == 1:
            return file, calls[0], src.segment(file, calls[0])
    return None


def _only_dataset(ctx: Context) -> str | None:
    """`Cls.__getitem__` of the one class in the user's files that defines `__getitem__` (their Dataset)."""
    found = [f"{c.name}.__getitem__" for file in dict.fromkeys(fr.file for fr in ctx.user_frames())
             for c in (src.tree_of(file).body if src.tree_of(file) is not None else [])
             if isinstance(c, ast.ClassDef) and any(isinstance(m, ast.FunctionDef) and m.name == "__getitem__"
                                                    for m in c.body)]
    return found[0] if len(found) == 1 else None


def _iterated(node: ast.AST | None, text: str | None) -> str | None:
    """`loader` in `for b in loader`, `for i, b in enumerate(loader)`, `next(iter(loader))`."""
    if node is None and text:
        m = re.search(r"iter\((\w+)\)", text)
        return m.group(1) if m else None
    while isinstance(node, ast.Call) and node.args:
        node = node.args[0]
    return node.id if isinstance(node, ast.Name) else None


def _pad_constant(ctx: Context) -> str | None:
    """A module-level constant the user pads with (`PAD_ID = 0`, `PAD_IDX = 1`, `pad_id = 0`)."""
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        found = _module_pad_constant(tree) if tree is not None else None
        if found is not None:
            return found
    return None


_PAD_NAME = re.compile(r"(?i)pad(_?(id|idx|index|token_id|value))?")


@lru_cache(maxsize=16)
def _module_pad_constant(tree: ast.Module) -> str | None:
    for n in tree.body:
        if not isinstance(n, ast.Assign) or len(n.targets) != 1:
            continue
        target, value = n.targets[0], n.value
        pairs = zip(target.elts, value.elts) if isinstance(target, ast.Tuple) and isinstance(
            value, ast.Tuple) and len(target.elts) == len(value.elts) else [(target, value)]
        for t, v in pairs:
            if (isinstance(t, ast.Name) and _PAD_NAME.fullmatch(t.id)
                    and isinstance(v, ast.Constant) and type(v.value) is int):
                return t.id
    return None
