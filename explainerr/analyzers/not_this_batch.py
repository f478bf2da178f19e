"""A value that is not the batch at hand: one left over from another loop (`tags = batch["tag_ids"]` set in the
training loop and read again in the evaluation loop, where it holds the last training batch), one computed
from a batch drawn before the loop (`next(iter(loader))`) beside the loop's own batch, or a module's
global read inside a function that was given the right tensor as a parameter (`def evaluate(net, feats, ys):
... F.cross_entropy(logits, y_train)`).  Its size disagrees with the batch because it is another value, not
because it was made with the wrong length.  Also a batch entry that repeats another key's value (it reads
another field) and a collate function that returns from inside its loop over the examples (a batch of one
example's labels).  The analyzers that would blame a length or an id ask this reader first and give no
diagnosis when it finds one.  Read from the user's source and the frames' tensors."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context
from ..model import TensorFacts


def left_from_loop(ctx: Context, t: TensorFacts | None) -> str | None:
    """The assignment (its text) that gave the plain name `t` the value it holds at the failing line, when that
    assignment reads the variable of a `for` loop that ended before the line, and the line itself runs in
    another `for` loop: the value is the other loop's last item.  Also a name bound by the header of such a
    loop (`for feats, labels in train_loader`) and read in a later loop that binds other names (the header,
    `for feats, labels in train_loader`, is returned)."""
    if t is None or not t.expr.isidentifier():
        return None
    frame = ctx.frames[t.frame]
    if frame.library:
        return None
    tree = src.tree_of(frame.file)
    if tree is None:
        return None
    here = src.enclosing_loops(tree, frame.line)
    made = src.last_assignment(tree, t.expr, frame.line)
    if _reached_live(tree, frame, t):
        return None  # the same tensor under a name of this pass (`batch["labels"]`): the leftover only aliases it
    if here and not any(t.expr in src.names_in(lp.target) for lp in here):
        ended = src.ended_loop_binding(tree, t.expr, frame.line)
        if ended is not None and (made is None or made.stmt.lineno < ended.lineno):
            return f"for {src.segment(frame.file, ended.target)} in {src.segment(frame.file, ended.iter)}"
    if not here or made is None or made.stmt.lineno >= frame.line:
        return None
    for loop in src.enclosing_loops(tree, made.stmt.lineno):
        if src.contains(loop, frame.line):
            return None  # the loop that made it runs the failing line too: the value is this iteration's
        if set(src.names_in(loop.target)) & set(src.names_in(made.value)):
            return " ".join(src.segment(frame.file, made.stmt).split())
    return None


def left_from_loop_in_any_frame(ctx: Context, t: TensorFacts | None) -> str | None:
    """`left_from_loop` for `t` under each name a user frame holds it by (a parameter `mask` of `forward` is the
    caller's `mask`, which the training loop's header bound and the evaluation loop reads)."""
    if t is None:
        return None
    found = left_from_loop(ctx, t)
    if found or not t.ident:
        return found
    for fr in ctx.user_frames():
        for u in fr.tensors:
            if u.ident == t.ident and u is not t and u.frame != t.frame:
                found = left_from_loop(ctx, u)
                if found:
                    return found
    return None


def _reached_live(tree: ast.Module, frame, t: TensorFacts) -> bool:
    """The frame reaches the tensor `t` also through another expression (`batch["labels"]` beside the `value`
    a printing loop over `batch.items()` left behind) whose root name no ended loop binds or assigns."""
    for u in frame.tensors:
        if u.ident != t.ident or u.expr == t.expr or not t.ident:
            continue
        root = re.split(r"[\[.]", u.expr, maxsplit=1)[0]
        if not root.isidentifier() or root == t.expr or src.ended_loop_binding(tree, root, frame.line) is not None:
            continue
        made = src.last_assignment(tree, root, frame.line)
        if made is None or not any((lp.end_lineno or lp.lineno) < frame.line
                                   for lp in src.enclosing_loops(tree, made.stmt.lineno)):
            return True
    return False


def computed_from_stale(ctx: Context, t: TensorFacts | None) -> str | None:
    """The header of the loop whose variable `t`'s own assignment reads (`logits = net(feats)`), when that loop
    ended before and the failing line runs in another loop: `feats` is the training loop's last batch, read in
    the validation loop."""
    if t is None or not t.expr.isidentifier() or ctx.frames[t.frame].library:
        return None
    frame = ctx.frames[t.frame]
    tree = src.tree_of(frame.file)
    made = src.last_assignment(tree, t.expr, frame.line) if tree is not None else None
    here = src.enclosing_loops(tree, frame.line) if tree is not None else []
    if made is None or not here:
        return None
    fresh = {n for loop in here for n in src.names_in(loop.target)}
    scope = src.enclosing_scope(tree, frame.line)
    for name in dict.fromkeys(src.names_in(made.value)):
        if name in fresh:
            continue
        later = src.last_assignment(tree, name, made.stmt.lineno)
        for loop in (n for n in src.walk_scope(scope) if isinstance(n, ast.For) and name in src.names_in(n.target)):
            ended = (loop.end_lineno or loop.lineno) < made.stmt.lineno
            if ended and not src.contains(loop, frame.line) and (later is None or later.stmt.lineno < loop.lineno):
                return f"for {src.segment(frame.file, loop.target)} in {src.segment(frame.file, loop.iter)}"
    return None


def global_for_parameter(ctx: Context, t: TensorFacts | None, length: int) -> str | None:
    """The parameter (its name) of the function running the failing line that holds a tensor shaped like `t`
    but `length` long, of `t`'s dtype, when `t` is a name the function does not bind (a module's global): the
    global was read where the parameter was meant."""
    if t is None or not t.expr.isidentifier() or not t.shape:
        return None
    frame = ctx.frames[t.frame]
    tree = src.tree_of(frame.file) if not frame.library else None
    fn = src.enclosing_scope(tree, frame.line) if tree is not None else None
    if not isinstance(fn, ast.FunctionDef) or t.expr in frame.params or src.assignments(tree, t.expr, fn):
        return None
    for p in frame.params:
        given = frame.tensor(p)
        if (given is not None and p != t.expr and given.dtype == t.dtype and len(given.shape) == len(t.shape)
                and given.shape[0] == length and tuple(given.shape[1:]) == tuple(t.shape[1:])):
            return p
    return None


def entry_copied_from(ctx: Context, key: str) -> str | None:
    """The other key of the dict literal that gives the batch's `key` its value (in the user's Dataset or the
    functions it calls, batches.item_entry) when both are given the same expression (`"movie":
    torch.tensor(r["movie_id"]), "genre": torch.tensor(r["movie_id"])`): the entry reads another field."""
    from ..batches import item_entry
    entry = item_entry(ctx, key)
    if entry is None:
        return None
    file, stmt, value = entry
    text = src.segment(file, value)
    for d in (n for n in ast.walk(stmt) if isinstance(n, ast.Dict) and any(v is value for v in n.values)):
        for k, v in zip(d.keys, d.values):
            if (v is not value and isinstance(k, ast.Constant) and isinstance(k.value, str)
                    and src.segment(file, v) == text):
                return k.value
    return None


def returned_in_loop(ctx: Context, n_labels: int) -> str | None:
    """The name of a user function that returns from inside its loop over one of its parameters (`for ex in
    examples: ... return batch`, the `return` a statement of the `for` body itself): it returns after the first
    example (a collate function's batch of one), so the labels hold one (`n_labels` is 1) while the inputs were
    made for all."""
    if n_labels != 1:
        return None
    from .classes import user_files
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            params = {a.arg for a in fn.args.args}
            for loop in (n for n in src.walk_scope(fn) if isinstance(n, ast.For)):
                if (isinstance(loop.iter, ast.Name) and loop.iter.id in params
                        and any(isinstance(b, ast.Return) and b.value is not None for b in loop.body)):
                    return fn.name
    return None


_KEYED = re.compile(r"""^[A-Za-z_][\w.]*\[["'](\w+)["']\]$""")


def batch_key(ctx: Context, t: TensorFacts | None) -> str | None:
    """The batch key `t` was read from (`shop` of `batch["shop"]`), following a parameter to the argument its
    callers passed (`model(batch["shop"], ...)` into `forward(self, shop, ...)`), a few calls up."""
    if t is None:
        return None
    frame, text = ctx.frames[t.frame], t.expr
    for _ in range(4):
        m = _KEYED.match(text)
        if m:
            return m.group(1)
        caller = ctx._caller(frame) if text.isidentifier() and text in frame.params else None
        arg = next((a for a in caller.call_args if a.param == text), None) if caller is not None else None
        if arg is None:
            return None
        frame, text = caller, arg.text.strip()
    return None


def drawn_before_loop(ctx: Context, one: TensorFacts | None, other: TensorFacts | None) -> str | None:
    """The line that drew a batch before the loop (`probe_x, probe_y = next(iter(loader))`) when one operand
    comes from the loop's batch (`for xb, yb in loader:` in its provenance) and the other was computed from that
    earlier batch instead (its provenance reads the same loader outside the loop, never the loop's batch)."""
    from ..provenance import trace
    if one is None or other is None:
        return None
    traced = (trace(ctx, one), trace(ctx, other))
    for steps_a, steps_b in (traced, traced[::-1]):
        loops = [s.source.strip() for s in steps_a if s.source.lstrip().startswith("for ")]
        if not loops or any(s.source.lstrip().startswith("for ") for s in steps_b):
            continue
        for header in loops:
            m = re.match(r"for .+ in\s+([A-Za-z_][\w.]*)\s*:", header)
            if m is None:
                continue
            loader = re.escape(m.group(1))
            for s in steps_b:
                if re.search(rf"\bnext\(\s*iter\(\s*{loader}\s*\)\s*\)", s.source):
                    return " ".join(s.source.split())
    return None


def drawn_twice(ctx: Context, one: TensorFacts | None, other: TensorFacts | None) -> str | None:
    """The two operands were read off two different draws of one iterator (`x = next(stream)["x"]`, then
    `y = next(stream)["y"]`): each `next` hands over a new batch, so they belong to two batches (and the last,
    shorter one shows it).  The second draw's line."""
    from ..provenance import trace
    if one is None or other is None:
        return None
    draws = []
    for t in (one, other):
        found = None
        for step in trace(ctx, t):
            m = re.search(r"\bnext\(\s*([A-Za-z_][\w.]*)\s*\)", step.source)
            if m is not None:
                found = (step.file, step.line, m.group(1), step.source)
                break
        if found is None:
            return None
        draws.append(found)
    (file_a, line_a, it_a, _), (file_b, line_b, it_b, text_b) = draws
    if file_a != file_b or it_a != it_b or line_a == line_b:
        return None
    tree = src.tree_of(file_a)
    if tree is None or src.enclosing_scope(tree, line_a) is not src.enclosing_scope(tree, line_b):
        return None
    if {id(lp) for lp in src.enclosing_loops(tree, line_a)} != {id(lp) for lp in src.enclosing_loops(tree, line_b)}:
        return None  # a batch drawn once before the loop and one per step: `drawn_before_loop`'s case
    return " ".join(text_b.split())
