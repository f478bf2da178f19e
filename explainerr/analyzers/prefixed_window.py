"""Tokens added to a window already as long as the position table: the ids fed to the model are made as
`torch.cat([torch.tensor([bos]), ids[begin:end]])` (or `[bos] + ids[begin:end]`), k tokens added to a slice,
while the slices are `span` long, where `span` is a name of the user's code holding the model's limit.  Each
window is then k positions too long; truncating the text cannot help, the span must leave room for the k
tokens.  Read from the user's source: the line that made the ids, and the name that sizes the slices."""
from __future__ import annotations

import ast
from typing import NamedTuple

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, fact

PREFIXED_WINDOW = fact("prefixed-window", "`window` is made by adding `n_added` tokens to a slice of `sliced` "
                                          "(`window_made`), and the slices are `span_name` = the model's limit long")
#: Calls that keep a tensor's length along the sequence: followed to the tensor they are called on.
_KEEPS_LENGTH = ("unsqueeze", "view", "reshape", "to", "long", "int", "clone", "contiguous")
#: Calls that make a tensor of the list they are given.
_TENSOR_MAKERS = ("tensor", "LongTensor", "as_tensor")
#: Calls whose arguments only read a size (never build a model or a table of it).
_READS_ONLY = ("min", "max", "range", "len", "int", "print", "slice", "abs")


class Span(NamedTuple):
    """The assignment of the name that sizes the windows, and the edit of its value."""

    file: str
    stmt: ast.stmt
    value: ast.AST
    text: str


def _parts(value: ast.AST) -> list[ast.AST] | None:
    """The pieces joined along the sequence: `torch.cat([a, b])`'s list, `a + b`'s operands."""
    while isinstance(value, ast.Call):  # `torch.tensor(x)`, `x.unsqueeze(0)`: the same pieces
        last = src.call_name(value).split(".")[-1]
        if last in _TENSOR_MAKERS and len(value.args) == 1:
            value = value.args[0]
        elif isinstance(value.func, ast.Attribute) and value.func.attr in _KEEPS_LENGTH:
            value = value.func.value
        else:
            break
    if isinstance(value, ast.Call) and src.call_name(value).split(".")[-1] in ("cat", "concat", "concatenate") \
            and value.args and isinstance(value.args[0], (ast.List, ast.Tuple)):
        return list(value.args[0].elts)
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        return [*(_parts(value.left) or [value.left]), value.right]
    return None


def _static_len(node: ast.AST) -> int | None:
    """`[bos]` → 1; `torch.tensor([a, b])` → 2; None when the length is not written."""
    if isinstance(node, ast.Call) and src.call_name(node).split(".")[-1] in _TENSOR_MAKERS and node.args:
        node = node.args[0]
    return len(node.elts) if isinstance(node, (ast.List, ast.Tuple)) and not any(
        isinstance(e, ast.Starred) for e in node.elts) else None


def _sizes_something(scope: ast.AST, name: str) -> bool:
    """`name` is given to a call other than a reader of sizes (`Config(n_positions=name)`)."""
    helpers = {n.name for n in getattr(scope, "body", []) if isinstance(n, ast.FunctionDef)}
    for call in (n for n in ast.walk(scope) if isinstance(n, ast.Call)):
        if src.call_name(call).split(".")[-1] in _READS_ONLY or src.call_name(call) in helpers:
            continue  # a reader of sizes, or a function of the user's (followed through its parameter)
        if any(isinstance(a, ast.Name) and a.id == name for a in [*call.args, *(k.value for k in call.keywords)]):
            return True
    return False


def _span(ctx: Context, limit: int) -> Span | None:
    """A name holding `limit` in a user frame, assigned in its function (or the module), added to a start
    somewhere there (`begin + span`), and given to no call that could size the model."""
    for fr in ctx.user_frames():
        tree = src.tree_of(fr.file)
        if tree is None:
            continue
        for name in ctx.scalar_names(limit, fr):
            made = src.last_assignment(tree, name, fr.line)
            if made is None or not isinstance(made.stmt, ast.Assign) or len(made.stmt.targets) != 1:
                continue
            sliced = _sliced_by(tree, name)  # (a window slice is edited itself: the name may size the table too)
            if not (_added_somewhere(tree, name) or sliced) or (_sizes_something(tree, name) and not sliced):
                continue
            return Span(fr.file, made.stmt, made.value, src.segment(fr.file, made.value))
    return None


def _added_somewhere(tree: ast.Module, name: str) -> bool:
    """`begin + name` in the file, or `start + size` in a function of the user's that is called with `name`
    for its parameter `size`."""
    names = {name} | _parameters_given(tree, name)
    return any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add) and any(
        isinstance(o, ast.Name) and o.id in names for o in (n.left, n.right)) for n in ast.walk(tree))


def _window_bound(sl: ast.Slice, names: set[str]) -> ast.AST | None:
    """The bound of a window slice that is a name of `names` alone: `x[-span:]` (the last `span` items, its
    lower bound) or `x[:span]` (the first ones, its upper bound)."""
    if sl.step is not None:
        return None
    if sl.upper is None and isinstance(sl.lower, ast.UnaryOp) and isinstance(sl.lower.op, ast.USub) and \
            isinstance(sl.lower.operand, ast.Name) and sl.lower.operand.id in names:
        return sl.lower
    if sl.lower is None and isinstance(sl.upper, ast.Name) and sl.upper.id in names:
        return sl.upper
    return None


def _sliced_by(tree: ast.Module, name: str) -> bool:
    """`x[-name:]` or `x[:name]` somewhere in the file: windows `name` long."""
    return any(_window_bound(n, {name}) is not None for n in src.nodes(tree, ast.Slice))


def _read_apart(tree: ast.Module, name: str) -> bool:
    """`name` is read somewhere other than inside a slice (`max_plies: int = MAX_PLIES` sizes a table with it):
    changing its value would change that too."""
    inside = {id(x) for sl in src.nodes(tree, ast.Slice) for x in ast.walk(sl)}
    return any(isinstance(n.ctx, ast.Load) and id(n) not in inside for n in src.nodes(tree, ast.Name) if n.id == name)


def _parameters_given(tree: ast.Module, name: str) -> set[str]:
    """The parameters of the user's functions that calls in the file give `name` to."""
    out = set()
    for fn in (n for n in tree.body if isinstance(n, ast.FunctionDef)):
        params = [a.arg for a in fn.args.args]
        for call in (c for c in src.calls(tree) if src.call_name(c) == fn.name):
            out |= {params[i] for i, a in enumerate(call.args[:len(params)]) if isinstance(a, ast.Name) and a.id == name}
            out |= {k.arg for k in call.keywords if k.arg in params and isinstance(k.value, ast.Name)
                    and k.value.id == name}
    return out


def _made_by_parts(value: ast.AST) -> tuple[ast.Subscript, int] | None:
    """The one slice among the pieces `value` joins, and the number of tokens the other pieces add."""
    parts = _parts(value)
    if not parts:
        return None
    slices = [p for p in parts if isinstance(p, ast.Subscript) and isinstance(p.slice, ast.Slice)]
    lengths = [_static_len(p) for p in parts if p not in slices]
    if len(slices) != 1 or None in lengths:
        return None
    return slices[0], sum(lengths)  # type: ignore[arg-type]


def _window_line(ctx: Context, ids: TensorFacts | None, span: Span, k: int) -> tuple[str, ast.stmt, ast.Subscript] | None:
    """The line that made the windows: the ids' own assignment when the user's frame holds them; else (a batch
    a library built from the user's Dataset) a line of the user's files that adds k tokens to a slice ending
    at `start + span`."""
    if ids is not None and ids.expr.isidentifier() and not ctx.frames[ids.frame].library:
        frame = ctx.frames[ids.frame]
        tree = src.tree_of(frame.file)
        made = src.last_assignment(tree, ids.expr, frame.line) if tree is not None else None
        found = _made_by_parts(made.value) if made is not None else None
        return (frame.file, made.stmt, found[0]) if found and found[1] == k else None
    return None


def _joined_anywhere(ctx: Context, span: Span, k: int) -> tuple[str, ast.stmt, ast.AST, ast.Subscript] | None:
    """A line of the user's files that adds k tokens to a slice ending at `start + span` (or at `start + size`
    in a function called with `span` for `size`): an assignment's value or a call's argument
    (`chunks.append(torch.tensor([cls] + ids[s:s + span] + [sep]))`); only when exactly one."""
    target = span.stmt.targets[0]
    name = target.id if isinstance(target, ast.Name) else None
    hits = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None or name is None:
            continue
        names = {name} | _parameters_given(tree, name)
        joined = []
        for node in ast.walk(tree):
            found = _made_by_parts(node) if isinstance(node, (ast.BinOp, ast.Call)) else None
            upper = found[0].slice.upper if found else None  # type: ignore[union-attr]
            if found and ((upper is not None and names & set(src.names_in(upper)))
                          or _window_bound(found[0].slice, names) is not None):  # type: ignore[arg-type]
                joined.append((node, found))
        outer = [(n, fd) for n, fd in joined if not any(o is not n and _inside(n, o) for o, _ in joined)]
        for node, (piece, added) in outer:
            stmt = src.statement_at(tree, node.lineno)
            if added == k and stmt is not None:
                hits.append((file, stmt, node, piece))
    return hits[0] if len(hits) == 1 else None


def _inside(node: ast.AST, other: ast.AST) -> bool:
    return (other.lineno, other.col_offset) <= (node.lineno, node.col_offset) and (  # type: ignore[attr-defined]
        (node.end_lineno, node.end_col_offset) <= (other.end_lineno, other.end_col_offset))  # type: ignore[attr-defined]


def prefixed_window(ctx: Context, f: Finding, ids: TensorFacts | None, limit: int, seq_len: int | None = None) -> bool:
    """Adds the fact, and the hint `prefixed_window` (a Span and the number of added tokens), when the ids are
    longer than `limit` by exactly the tokens the line that made them adds to one slice, and a name sizing the
    slices holds `limit`."""
    seq = seq_len if seq_len is not None else (ids.shape[-1] if ids is not None and ids.shape else None)
    k = seq - limit if isinstance(seq, int) else 0
    span = _span(ctx, limit) if 0 < k <= 4 else None
    if span is None and 0 < k <= 4 and budget_fills_limit(ctx, f, k, limit):
        return True  # parts cut to budgets that fill the table, and k tokens put around them
    if span is None and 0 < k <= 4 and window_param_default(ctx, f, k, limit, seq):
        return True  # `def windows(ids, max_len=MAX_TOKENS)` slicing `max_len` items and adding k around them
    if span is None and 0 < k <= 4 and cut_to_table_then_joined(ctx, f, k, seq):
        return True  # `ids = x[:cfg.max_len]; return [CLS] + ids` beside `nn.Embedding(cfg.max_len, d)`
    if span is None and 0 < k < limit:  # pieces of a floor-counted split are shorter than twice the size
        from .chunk_count import floor_chunks
        return floor_chunks(ctx, f)
    made = _window_line(ctx, ids, span, k) if span is not None else None
    if made is not None:
        file, stmt, piece = made
        value = stmt.value
    else:
        anywhere = _joined_anywhere(ctx, span, k) if span is not None else None
        if anywhere is None:
            return False
        file, stmt, value, piece = anywhere
    target = span.stmt.targets[0]
    name = target.id if isinstance(target, ast.Name) else src.segment(span.file, target)
    bound = _window_bound(piece.slice, {name}) if isinstance(piece.slice, ast.Slice) else None
    tree = src.tree_of(file)
    if bound is not None and tree is not None and _read_apart(tree, name):
        # the span sizes something else too (the table): the window's own slice is what leaves room
        fixed = f"-({name} - {k})" if isinstance(bound, ast.UnaryOp) else f"{name} - {k}"
        span = Span(file, stmt, bound, src.segment(file, bound))
        shown, shown_line = src.segment(file, piece).replace(span.text, fixed, 1), stmt.lineno
    else:
        fixed = f"{span.text} - {k}" if isinstance(span.value, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)) or (
            isinstance(span.value, ast.BinOp) and isinstance(span.value.op, (ast.Add, ast.Sub))) else (
            str(limit - k) if isinstance(span.value, ast.Constant) else f"({span.text}) - {k}")
        shown, shown_line = f"{name} = {fixed}", span.stmt.lineno
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and stmt.value is value:
        window_is = f"`{src.segment(file, stmt.targets[0])}` is made as"
    else:
        window_is = "Each window is made as"
    f.facts.add(PREFIXED_WINDOW)
    f.facts.discard("grow-table")  # a larger table would hold the windows, but the span is what was meant
    f.values.update(window_is=window_is, window_made=" ".join(src.segment(file, value).split()),
                    window_line=stmt.lineno, n_added=k, tokens=f"{k} token{'s' if k != 1 else ''}",
                    sliced=src.segment(file, piece.value), span_name=name,
                    span_fixed=shown, span_line=shown_line, seq_len=seq)
    f.hints["prefixed_window"] = (span, fixed)
    f.confidence = "high"
    return True


BUDGET_FILLS_LIMIT = fact("budget-fills-limit", "the sequence `seq_made` (line `seq_line`) adds `n_added` tokens to "
                                                "parts cut to budgets, one of which, `budget_name` (line "
                                                "`budget_line`), is the model's limit less the others")
#: Config attributes that hold a model's number of positions.
_LIMIT_ATTRS = ("n_positions", "max_position_embeddings", "n_ctx", "block_size")


def budget_fills_limit(ctx: Context, f: Finding, k: int, limit: int) -> bool:
    """Adds the fact and the hint `prefixed_window` (a Span, its fixed text) when one line of the user's files
    joins literal token lists holding `k` tokens with parts cut by named budgets (`ids[:max_comment]`, directly
    or through a name assigned the cut), and exactly one of those budgets is assigned from the model's limit
    (`max_comment = cfg.n_positions - PROMPT_BUDGET`): the budgets fill the table and leave no room for the k."""
    hits = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for node in src.nodes(tree, ast.BinOp) if tree is not None else ():
            terms = src.summed_terms(node)
            if len(terms) < 3:
                continue
            lists = [t for t in terms if isinstance(t, ast.List)]
            if sum(_static_len(t) or 0 for t in lists) != k or any(_static_len(t) is None for t in lists):
                continue
            budgets = {n for t in terms if t not in lists for n in _budget_names(tree, t, node.lineno)}
            sets = [a for name in budgets for a in src.assignments(tree, name)
                    if any(isinstance(n, ast.Attribute) and n.attr in _LIMIT_ATTRS for n in ast.walk(a.value))]
            if len(sets) == 1 and isinstance(sets[0].stmt, ast.Assign) and not sets[0].augmented:
                hits.append((file, node, sets[0]))
    if len({id(h[2].stmt) for h in hits}) != 1:
        return False
    file, node, budget = hits[0]
    text = src.segment(file, budget.value)
    fixed = f"{text} - {k}" if not isinstance(budget.value, ast.Constant) else str(limit - k)
    name = src.segment(file, budget.stmt.targets[0])
    f.facts.add(BUDGET_FILLS_LIMIT)
    f.facts.discard("grow-table")
    f.values.update(seq_made=" ".join(src.segment(file, node).split()), seq_line=node.lineno, n_added=k,
                    tokens=f"{k} token{'s' if k != 1 else ''}", budget_name=name, budget_was=text,
                    budget_line=budget.stmt.lineno, budget_fixed=f"{name} = {fixed}")
    f.hints["prefixed_window"] = (Span(file, budget.stmt, budget.value, text), fixed)
    f.confidence = "high"
    return True


def _budget_names(tree: ast.Module, term: ast.AST, line: int) -> set[str]:
    """The names a part is cut by: `ids[:n]`, `ids[-n:]`, or a name assigned such a cut before `line`."""
    if isinstance(term, ast.Name):
        made = src.last_assignment(tree, term.id, line)
        term = made.value if made is not None else term
    if not (isinstance(term, ast.Subscript) and isinstance(term.slice, ast.Slice)):
        return set()
    out = set()
    for bound in (term.slice.lower, term.slice.upper):
        if isinstance(bound, ast.UnaryOp) and isinstance(bound.op, ast.USub):
            bound = bound.operand
        if isinstance(bound, ast.Name):
            out.add(bound.id)
    return out


PREFIX_EMBEDDED = fact("prefix-embedded", "`grown` is made (`grown_made`, line `grown_line`) by putting `added` "
                                          "(`n_added` positions) beside the embeddings of `padded`, which are "
                                          "`budget_name` = the model's limit long (line `budget_line`)")


def prefix_embedded(ctx: Context, f: Finding, ids: TensorFacts | None, limit: int, positions: int | None) -> bool:
    """The model was given embeddings longer than the ids the user's code padded to the model's limit: a frame of
    the user's joins learned vectors to the ids' embeddings along the sequence (`torch.cat([prefix, emb], dim=1)`,
    soft prompts, prefix tuning), k positions more, and the length the ids are padded or cut to is a name assigned
    from the config's number of positions.  Adds the fact and the hint `prefixed_window` (the budget's Span, its
    value less the k added positions, named by a constant holding k where the budget's function reads one)."""
    if ids is None or not ids.shape or not isinstance(positions, int) or ids.shape[-1] != limit or positions <= limit:
        return False
    k = positions - limit
    for fr in ctx.user_frames():
        tree = src.tree_of(fr.file)
        if tree is None:
            continue
        for t in fr.tensors:
            if len(t.shape) < 3 or t.shape[1] != positions or not t.expr.isidentifier():
                continue
            made = src.last_assignment(tree, t.expr, fr.line)
            parts = _parts(made.value) if made is not None else None
            same = [p for p in parts or [] if isinstance(p, ast.Name) and (fr.tensor(p.id) is not None)
                    and len(fr.tensor(p.id).shape) >= 2 and fr.tensor(p.id).shape[1] == limit]
            if not parts or len(same) != 1 or len(parts) < 2:
                continue
            budget = _limit_budget(ctx, limit)
            if budget is None:
                return False
            file, stmt = budget
            added = [p for p in parts if p is not same[0]]
            named = next((n for n in ctx.scalar_names(k, _frame_of(ctx, file, stmt)) if n.isupper()), None)
            text = src.segment(file, stmt.value)
            fixed = f"{text} - {named or k}"
            name = src.segment(file, stmt.targets[0])
            f.facts.add(PREFIX_EMBEDDED)
            f.facts.discard("grow-table")
            f.values.update(grown=t.expr, grown_made=" ".join(src.segment(fr.file, made.value).split()),
                            grown_line=made.stmt.lineno, added=", ".join(src.segment(fr.file, p) for p in added),
                            n_added=k, ids=t.expr, padded=ids.expr, budget_name=name, budget_was=text, budget_line=stmt.lineno,
                            budget_fixed=f"{name} = {fixed}", seq_len=positions)
            f.hints["prefixed_window"] = (Span(file, stmt, stmt.value, text), fixed)
            f.confidence = "high"
            return True
    return False


def _limit_budget(ctx: Context, limit: int) -> tuple[str, ast.Assign] | None:
    """The one assignment in the user's frames of a name holding `limit` from the config's number of positions
    (`max_len = lm.config.n_positions`)."""
    found = []
    for fr in ctx.user_frames():
        tree = src.tree_of(fr.file)
        for name in ctx.scalar_names(limit, fr) if tree is not None else ():
            made = src.last_assignment(tree, name, fr.line)
            if made is not None and isinstance(made.stmt, ast.Assign) and len(made.stmt.targets) == 1 \
                    and any(isinstance(n, ast.Attribute) and n.attr in _LIMIT_ATTRS for n in ast.walk(made.value)):
                found.append((fr.file, made.stmt))
    unique = {(file, stmt.lineno): (file, stmt) for file, stmt in found}
    return next(iter(unique.values())) if len(unique) == 1 else None


def _frame_of(ctx: Context, file: str, stmt: ast.stmt):
    """The user frame whose function holds `stmt`."""
    tree = src.tree_of(file)
    scope = src.enclosing_scope(tree, stmt.lineno) if tree is not None else None
    return next((fr for fr in ctx.user_frames() if fr.file == file and tree is not None
                 and src.enclosing_scope(tree, fr.line) is scope), None)


def window_param_default(ctx: Context, f: Finding, k: int, limit: int, seq: object) -> bool:
    """Adds the fact when a function of the user's slices windows by a parameter left at its default, the model's
    limit (`def page_windows(ids, max_len=MAX_TOKENS)`, called without `max_len`), and joins k tokens to each
    slice (`[cls] + ids[chunk] + [sep]`, `chunk = slice(start, start + max_len)`): the default is made k
    smaller, where it is written, since the name it reads sizes the table too.  Only when exactly one such
    function exists, and no call of the function gives the parameter."""
    from .classes import static_int, user_files
    hits = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            defaults = src.param_defaults(fn)
            for param, default in defaults.items():
                if static_int(ctx, tree, default) != limit:
                    continue
                calls = [c for c in src.calls(tree) if src.call_name(c).rpartition(".")[2] == fn.name]
                names = [a.arg for a in fn.args.args]
                at = names.index(param) if param in names else len(names)
                if not calls or any(src.keyword(c, param) is not None or len(c.args) > at or any(
                        k_.arg is None for k_ in c.keywords) for c in calls):
                    continue
                joined = _joined_by_param(fn, param, k)  # (the ids' join first; the fields beside it alike)
                if joined:
                    hits.append((file, fn, param, default, joined[0]))
    if len(hits) != 1:
        return False
    file, fn, param, default, (node, piece) = hits[0]
    text = src.segment(file, default)
    fixed = f"{text} - {k}" if not isinstance(default, ast.Constant) else str(limit - k)
    _room_story(f, file, node, piece, k, seq, "Each window is made as", param, f"{param}={fixed}", default.lineno,
                (Span(file, default, default, text), fixed))
    return True


def _joined_by_param(fn: ast.FunctionDef, param: str, k: int) -> list[tuple[ast.AST, ast.Subscript]]:
    """The outermost joins in `fn` of k literal tokens with one slice whose end reads `param` (`ids[s:s + n]`, or
    `ids[chunk]` with `chunk = slice(s, s + n)` in `fn`)."""
    cuts = {a.targets[0].id: a.value for a in src.statements(fn) if isinstance(a, ast.Assign) and len(a.targets) == 1
            and isinstance(a.targets[0], ast.Name) and isinstance(a.value, ast.Call)
            and src.call_name(a.value) == "slice" and len(a.value.args) == 2}
    found = []
    for node in ast.walk(fn):
        parts = _parts(node) if isinstance(node, (ast.BinOp, ast.Call)) else None
        if not parts:
            continue
        pieces = [p for p in parts if isinstance(p, ast.Subscript) and (
            (isinstance(p.slice, ast.Slice) and p.slice.upper is not None and param in src.names_in(p.slice.upper))
            or (isinstance(p.slice, ast.Name) and p.slice.id in cuts
                and param in src.names_in(cuts[p.slice.id].args[1])))]
        rest = [_static_len(p) for p in parts if p not in pieces]
        if len(pieces) == 1 and None not in rest and sum(rest) == k:  # type: ignore[arg-type]
            found.append((node, pieces[0]))
    return [(n, p) for n, p in found if not any(o is not n and _inside(n, o) for o, _ in found)]


def _same_setting(a: ast.AST, b: ast.AST) -> bool:
    """`cfg.max_len` and `self.cfg.max_len` (or two plain names alike): the same setting read off its holder."""
    if isinstance(a, ast.Attribute) and isinstance(b, ast.Attribute):
        return a.attr == b.attr
    return isinstance(a, ast.Name) and isinstance(b, ast.Name) and a.id == b.id


def cut_to_table_then_joined(ctx: Context, f: Finding, k: int, seq: object) -> bool:
    """Adds the fact when one function of the user's cuts a sequence to the setting that sizes the position table
    (`ids = grams(text)[: cfg.max_len]` beside `nn.Embedding(cfg.max_len, d)`) and then joins k literal tokens to
    the cut (`return [CLS] + ids`): every long sequence comes out k past the table.  The cut leaves room for them
    (`[: cfg.max_len - k]`).  Only when exactly one such cut exists in the user's files."""
    from .classes import user_files
    table = f.hints.get("table")
    size = getattr(table, "size", None)
    if size is None or isinstance(size, ast.Constant):
        return False
    hits = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            for node in ast.walk(fn):
                parts = _parts(node) if isinstance(node, ast.BinOp) else None
                if not parts:
                    continue
                cuts = []
                for p in parts:
                    cut = p
                    if isinstance(p, ast.Name):
                        made = src.assignments(tree, p.id, fn, before=node.lineno)
                        cut = made[-1].value if len(made) == 1 else None
                    if isinstance(cut, ast.Subscript) and isinstance(cut.slice, ast.Slice) and cut.slice.lower is None \
                            and cut.slice.upper is not None and cut.slice.step is None \
                            and _same_setting(cut.slice.upper, size):
                        cuts.append((p, cut))
                rest = [_static_len(p) for p in parts if p not in [c[0] for c in cuts]]
                if len(cuts) == 1 and None not in rest and sum(rest) == k:  # type: ignore[arg-type]
                    hits.append((file, node, cuts[0][1]))
    if len({(file, id(cut)) for file, _, cut in hits}) != 1:
        return False
    file, node, cut = hits[0]
    bound = cut.slice.upper
    text = src.segment(file, bound)
    stmt = src.statement_at(src.tree_of(file), cut.lineno)
    if stmt is None:
        return False
    _room_story(f, file, node, cut, k, seq, "Each sequence is made as", text, f"[: {text} - {k}]", cut.lineno,
                (Span(file, stmt, bound, text), f"{text} - {k}"))
    return True


def _room_story(f: Finding, file: str, node: ast.AST, piece: ast.Subscript, k: int, seq: object, window_is: str,
                span_name: str, span_fixed: str, span_line: int, hint: tuple[Span, str]) -> None:
    """The prefixed-window fact, its values and the edit's hint, for a join `node` of k tokens with `piece`."""
    f.facts.add(PREFIXED_WINDOW)
    f.facts.discard("grow-table")  # a larger table would hold the windows, but the span is what was meant
    f.values.update(window_is=window_is, window_made=" ".join(src.segment(file, node).split()),
                    window_line=node.lineno, n_added=k, tokens=f"{k} token{'s' if k != 1 else ''}",
                    sliced=src.segment(file, piece.value), span_name=span_name, span_fixed=span_fixed,
                    span_line=span_line, seq_len=seq)
    f.hints["prefixed_window"] = hint
    f.confidence = "high"
