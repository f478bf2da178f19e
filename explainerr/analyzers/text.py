"""Analyzers for a traceback known only as text (`python -m explainerr explain LOG`).

No tensors are available, so these decide from what a log keeps: the numbers in the message, the function
names of the frames and the source line printed under each.  Where the user's file is readable on this
machine and still holds the logged line, its AST is used too (the `for` loop around an index).  Each one
returns None when the text does not support its mistake, so a pasted log stays undiagnosed rather than
guessed.  Names are prefixed `text-`; the knowledge base lists them under a pattern's `text.when`.
"""
from __future__ import annotations

import ast
import io
import re
import tokenize

from .. import source as src
from ..facts import Context
from ..model import FrameFacts
from . import Finding, analyzer, maskroles, value_evidence

_EMBED_CALL = re.compile(r"(?P<table>[\w.]*(?:embed|emb|wte|wpe|lookup|table)[\w]*)\s*\(\s*(?P<ids>[\w.\[\]\"']+)",
                         re.I)
_F_EMBED = re.compile(r"\b(?:F|functional|nn\.functional)\.embedding\s*\(\s*(?P<ids>[\w.\[\]\"']+)\s*,\s*"
                      r"(?P<table>[\w.\[\]\"']+)")
_NAME = re.compile(r"[A-Za-z_][\w.]*(?:\[[\"']?\w+[\"']?\])?")


def _operands(text: str) -> list[str]:
    """Names and attribute chains used as values in a line (`mask.unsqueeze(-1)` gives `mask`; calls of
    plain functions give nothing)."""
    out = []
    for m in _NAME.finditer(text):
        name = m.group(0)
        if text[m.end():m.end() + 1] == "(":
            if "." not in name:
                continue
            name = name.rsplit(".", 1)[0]
        if name not in out and not name[0].isdigit():
            out.append(name)
    return out


def _frames_inside_out(ctx: Context) -> list[FrameFacts]:
    """Frames that printed a source line, innermost first (where it raised, then the callers)."""
    return [f for f in reversed(ctx.frames) if f.source]


def _where(f: FrameFacts) -> str:
    return f"{f.file.rsplit('/', 1)[-1]}:{f.line} in {f.function}"


def _embedding_call(ctx: Context) -> tuple[FrameFacts, str, str] | None:
    """The innermost embedding lookup in the logged source lines: (frame, table, ids).  When a line holds
    several lookups (`self.tok(ids) + self.pos(positions)`), the part the log underlined decides; without
    that underline, lookups of different kinds on one line are ambiguous and give None."""
    for f in _frames_inside_out(ctx):
        if "torch/nn/functional.py" in f.file or f.function == "embedding":
            continue
        text = f.node or f.source
        m = _F_EMBED.search(text)
        if m:
            return f, m["table"], m["ids"]
        calls = [c for c in _EMBED_CALL.finditer(text)
                 if not c["table"].lower().startswith(("nn.", "torch.nn.")) and "Embedding(" not in text]
        if not calls and f.node:  # the underlined part is one call: any callee name is the table
            calls = [c for c in re.finditer(r"(?P<table>[\w.]+)\s*\(\s*(?P<ids>[\w.\[\]\"']+)\s*(?:,[^()]*)?\)", text)
                     if not c["table"].startswith(("torch", "F."))]
        if not calls:
            continue
        if len({_role(c["table"], c["ids"]) for c in calls}) > 1:
            return None
        return f, calls[0]["table"], calls[0]["ids"]
    return None


def _counted_in_file(frame: FrameFacts, ids: str) -> bool:
    """The ids were made with `torch.arange` in the user's file readable here (`steps = torch.arange(n)`):
    positions, whatever the table and the ids are called."""
    tree = src.tree_of(frame.file) if frame.file and ids.isidentifier() else None
    a = src.last_assignment(tree, ids, frame.line) if tree is not None else None
    value = maskroles.base(a.value) if a is not None else None
    return isinstance(value, ast.Call) and src.call_name(value).split(".")[-1] == "arange"


#: Words of a table's or its ids' name that say what the ids count (a log keeps only names).
_SEGMENT_WORDS = frozenset({"seg", "segs", "segment", "segments", "type", "types", "tt"})
_POSITION_WORDS = frozenset({"step", "steps", "timestep", "timesteps", "rel", "relative", "dist", "distance",
                             "distances", "offset", "offsets", "where"})


#: A layout model's tables of box coordinates (LayoutLM's `x_position_embeddings`, `h_position_embeddings`, ...):
#: they are looked up with a box's coordinates, never with the places of a sequence.
_BOX_TABLE = re.compile(r"(?:^|\.)[xyhw]_position_embeddings$")


def _role(table: str, ids: str) -> str:
    if _BOX_TABLE.search(table):
        return "box"
    text = f"{table} {ids}".lower()
    words = set(re.split(r"[^a-z]+", re.sub(r"([a-z])([A-Z])", r"\1_\2", f"{table} {ids}").lower()))
    if "token_type" in text or "segment" in text or "type_emb" in text or words & _SEGMENT_WORDS:
        return "token-type"
    if re.search(r"pos|wpe", text) or words & _POSITION_WORDS:
        return "position"
    return "vocab"


def _embedding_finding(ctx: Context, role: str) -> Finding | None:
    found = _embedding_call(ctx)
    if found is None:
        return None
    frame, table, ids = found
    if _role(table, ids) != role and not (role == "position" and _counted_in_file(frame, ids)):
        return None
    f = Finding()
    f.values.update(table=table.removeprefix("self."), ids=ids, where=_where(frame))
    if "value" in ctx.groups and "limit" in ctx.groups:
        f.values.update(max_id=ctx.groups["value"], num_embeddings=ctx.groups["limit"])
        f.evidence.append(value_evidence("id in the message", int(ctx.groups["value"]),
                                         f"table has {ctx.groups['limit']} rows"))
    f.evidence.append(value_evidence("lookup that failed", f"{table}({ids})", _where(frame)))
    return f


@analyzer("text-word-embedding")
def word_embedding(ctx: Context) -> Finding | None:
    found = _embedding_call(ctx)
    if found is not None and _counted_in_file(found[0], found[2]):
        return None  # positions, not token ids
    f = _embedding_finding(ctx, "vocab")
    if f is not None:
        from .vocab import text_facts
        text_facts(ctx, f)
    return f


@analyzer("text-position-embedding")
def position_embedding(ctx: Context) -> Finding | None:
    f = _embedding_finding(ctx, "position")
    if f is not None:
        return f
    # RoBERTa-style: positions past the end of a buffer sliced by the sequence length
    for fr in _frames_inside_out(ctx):
        if re.search(r"buffered_token_type_ids|position_ids\[|self\.position_ids", fr.source):
            g = Finding()
            g.values.update(table="position_ids", ids="input_ids", where=_where(fr))
            g.evidence.append(value_evidence("raised in", fr.function, _where(fr)))
            return g
    return None


@analyzer("text-token-type-embedding")
def token_type_embedding(ctx: Context) -> Finding | None:
    return _embedding_finding(ctx, "token-type")


@analyzer("text-position-add")
def position_add(ctx: Context) -> Finding | None:
    """A size mismatch on a line that adds or expands position embeddings / a positional table."""
    frames = _frames_inside_out(ctx)[:3]
    if ctx.int_group("index") is not None and frames and not frames[0].library:
        return None  # an index past the end in the user's own line (`positions[:, slot]`): no table added
    for fr in frames:
        names = [n for n in _operands(_code(fr.source))
                 if re.search(r"position|pos_emb|pos_enc|positional|\bpe\b|token_type", n, re.I)]
        names = names or _added_table_cut_to_length(_code(fr.source))
        if names:
            f = Finding()
            f.values.update(table=names[0].removeprefix("self."), where=_where(fr))
            f.evidence.append(value_evidence("line that failed", fr.source, _where(fr)))
            return f
    return None


def _added_table_cut_to_length(code: str) -> list[str]:
    """`x + self.table[:, :x.size(1)]`: a tensor cut to a length computed from another one, then added (what a
    position table looks like, whatever its name)."""
    try:
        tree = ast.parse(code.strip().rstrip(":"), mode="exec")
    except SyntaxError:
        return []
    found = []
    for n in ast.walk(tree):
        if not (isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add)):
            continue
        for side in (n.left, n.right):
            if not isinstance(side, ast.Subscript):
                continue
            parts = side.slice.elts if isinstance(side.slice, ast.Tuple) else [side.slice]
            cut = [p for p in parts if isinstance(p, ast.Slice) and p.lower is None and p.upper is not None]
            if cut and re.search(r"\.shape|\.size\(|\blen\(|len\b|seq", ast.unparse(cut[-1].upper)):
                found.append(ast.unparse(side.value))
    return found


def _masks_by_usage(code: str) -> list[str]:
    """Operands a line uses as a mask: multiplied into another tensor and also summed as the divisor of a
    mean (`(h * w).sum(1) / w.sum(1)`), or spread over the last dimension before multiplying
    (`h * w.unsqueeze(-1)`, `h * w[..., None]`)."""
    try:
        tree = ast.parse(code.strip().rstrip(":"))
    except SyntaxError:
        return []
    summed = {ast.unparse(n.func.value) for n in ast.walk(tree) if isinstance(n, ast.Call)
              and isinstance(n.func, ast.Attribute) and n.func.attr in ("sum", "clamp")}
    out = []
    for n in ast.walk(tree):
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mult):
            for side in (n.left, n.right):
                spread = ((isinstance(side, ast.Call) and isinstance(side.func, ast.Attribute)
                           and side.func.attr == "unsqueeze") or (isinstance(side, ast.Subscript)
                                                                 and "None" in ast.unparse(side.slice)))
                root = maskroles.base(side)
                text = ast.unparse(root)
                if (spread or text in summed) and isinstance(root, (ast.Name, ast.Attribute)) and text not in out:
                    out.append(text)
    return out


def _parsed(code: str) -> ast.AST | None:
    try:
        return ast.parse(code.strip().rstrip(":"))
    except SyntaxError:
        return None


def _keywords(code: str) -> set[str]:
    """The keyword names of the calls on a line (`attn_mask` in `f(x, attn_mask=m)`): names, not values."""
    tree = _parsed(code)
    return {k.arg for n in ast.walk(tree) if isinstance(n, ast.Call) for k in n.keywords if k.arg} if tree else set()


def _masks_passed(code: str) -> list[str]:
    """Values a line passes where a mask goes, whatever they are called: a mask keyword of a call
    (`src_key_padding_mask=pad`, `attention_mask=m`), the first argument of `masked_fill`, the condition of
    `torch.where`."""
    from .masks import MASK_PARAMS
    tree = _parsed(code)
    out: list[str] = []
    for n in ast.walk(tree) if tree is not None else ():
        if not isinstance(n, ast.Call):
            continue
        found = [k.value for k in n.keywords if k.arg in MASK_PARAMS]
        name = src.call_name(n).split(".")[-1]
        if name in ("masked_fill", "masked_fill_") and n.args:
            found.append(n.args[0])
        if name == "where" and len(n.args) == 3:
            found.append(n.args[0])
        for v in found:
            while isinstance(v, (ast.Compare, ast.UnaryOp)):
                v = v.left if isinstance(v, ast.Compare) else v.operand
            root = maskroles.base(v)
            if isinstance(root, (ast.Name, ast.Attribute, ast.Subscript)) and ast.unparse(root) not in out:
                out.append(ast.unparse(root))
    return out


def _masks_by_construction(fr: FrameFacts, names: list[str]) -> list[str]:
    """Operands whose assignments in the user's readable file build a mask: a comparison, a cast or reshape
    of one, or of a name that is itself built that way (`w = m.unsqueeze(-1).float()`, `m = (x != 0).long()`)."""
    tree = src.tree_of(fr.file) if fr.file else None
    if tree is None:
        return []
    made: dict[str, list[ast.AST]] = {}
    for n in src.nodes(tree, ast.Assign):
        if isinstance(n, ast.Assign):
            for t in n.targets:
                if isinstance(t, ast.Name):
                    made.setdefault(t.id, []).append(n.value)

    def masky(name: str, depth: int) -> bool:
        for value in made.get(name, []):
            inner = maskroles.base(value)
            if maskroles.is_boolean_expr(maskroles.strip_casts(inner)) or maskroles.is_boolean_expr(inner):
                return True
            if depth < 3 and isinstance(inner, ast.Name) and inner.id != name and masky(inner.id, depth + 1):
                return True
        return False

    return [n for n in names if n.isidentifier() and masky(n, 0)]


def _code(line: str) -> str:
    """The code of a logged source line, without its trailing comment."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(line.strip() + "\n").readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return line.split("#", 1)[0]
    comment = next((t for t in tokens if t.type == tokenize.COMMENT), None)
    return line.strip()[:comment.start[1]] if comment else line.strip()


_EXPAND_SIZES = re.compile(r"Target sizes: \[(?P<target>[\d, ]+)\]\.\s+Tensor sizes: \[(?P<tensor>[\d, ]+)\]")


def _expanded_without_axis(message: str) -> bool:
    """An `expand` whose tensor's sizes are the leading sizes of the target's ("Target sizes: [8, 30, 32].
    Tensor sizes: [8, 30]"): masks.missing_trailing_axis, read from the message."""
    from .masks import missing_trailing_axis
    m = _EXPAND_SIZES.search(message)
    return m is not None and missing_trailing_axis([int(x) for x in m.group("tensor").split(",")],
                                                   [int(x) for x in m.group("target").split(",")])


@analyzer("text-mask-operand")
def mask_operand(ctx: Context) -> Finding | None:
    """A size mismatch on a line that combines something named like a mask; when it was raised inside a
    library's attention, the mask the user's call passed in."""
    if ctx.groups.get("index") is not None:
        return None  # an index past a dimension: from the text alone, nothing ties it to a mask's length
    if _expanded_without_axis(ctx.message):
        return None  # `mask.expand(h.size())` of a (b, s) mask to (b, s, d): the lengths agree, an axis is missing
    from .masks import padding_mask_as_attn_mask
    if padding_mask_as_attn_mask(ctx):
        return None  # a (batch, seq) padding mask in the (seq, seq) slot: the right length, the wrong parameter
    frames = _frames_inside_out(ctx)
    near = frames[:3]
    if any(re.search(r"attention|attn|sdpa", f.function + f.source, re.I) for f in frames if f.library) or \
            re.search(r"\bmask", ctx.message, re.I):  # raised in an attention, or the message is about a mask
        near += [f for f in frames if not f.library and f not in near]
    for fr in near:
        operands = _operands(_code(fr.node or fr.source))
        passed = _masks_passed(_code(fr.source))
        operands = [n for n in operands if n not in _keywords(_code(fr.source))]
        names = passed or [n for n in operands if re.search(r"mask", n, re.I)] or _masks_by_usage(
            _code(fr.source)) or _masks_by_construction(fr, operands)
        if names:
            f = Finding()
            mask = names[0].removeprefix("self.")
            others = [n for n in operands if n != names[0] and "mask" not in n.lower()
                      and n != "self" and not n.startswith(("torch", "F.", "self.", "math"))
                      and "." not in n.split("[")[0]]
            other = others[0] if others else "the input"
            f.values.update(mask=mask, other=other, where=_where(fr),
                            sizes=_sides(fr.node or fr.source, mask, other, ctx.groups, ctx.message))
            f.evidence.append(value_evidence("line that failed", fr.source, _where(fr)))
            return f
    return _attention_key_length(ctx, frames)


def _attention_key_length(ctx: Context, frames: list[FrameFacts]) -> Finding | None:
    """No mask on any logged line (a Trainer or a pipeline called the model): a size mismatch at dimension 3
    raised in a transformers attention function (scores are batch x heads x queries x keys) is the batch's
    `attention_mask` against the keys' length."""
    inner = next((f for f in frames if f.library), None)
    if inner is None or ctx.groups.get("dim") not in ("3", "-1") or not re.search(
            r"attention|sdpa", inner.function + " " + inner.file.replace("\\", "/").rsplit("/", 1)[-1], re.I) \
            or not any("/transformers/" in f.file.replace("\\", "/") for f in frames if f.library):
        return None
    f = Finding()
    f.values.update(mask="attention_mask", other="input_ids", where=_where(inner),
                    sizes=_sides(inner.node or inner.source, "attention_mask", "input_ids", ctx.groups, ctx.message))
    f.evidence.append(value_evidence("raised in", inner.function, _where(inner)))
    return f


def _sides(text: str, mask: str, other: str, groups: dict[str, str], message: str = "") -> str:
    """For `a * b`-style lines torch calls the left operand tensor a and the right one tensor b."""
    a, b = groups.get("a", "?"), groups.get("b", "?")
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        node = None
    expand = next((n for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                   and n.func.attr in ("expand", "expand_as")), None) if node is not None else None
    if expand is not None and "expanded size" in message and mask in ast.unparse(expand.func.value) \
            and other in ast.unparse(expand):
        return f"`{mask}` has {b}, `{other}` has {a}"  # expand: a is the target size, b the existing one
    if isinstance(node, ast.BinOp):
        left, right = ast.unparse(node.left), ast.unparse(node.right)
        if mask in right and mask not in left:
            return f"`{mask}` has {b}, `{other}` has {a}"
        if mask in left and mask not in right:
            return f"`{mask}` has {a}, `{other}` has {b}"
    return f"{a} vs {b}"


def _loop_for(frame: FrameFacts) -> tuple[str, str] | None:
    """(loop variable, iterable text) of a `for` around the logged line whose variable indexes on that line;
    only when the file on this machine still holds the logged source line."""
    lines = src.per_version(frame.file, str.splitlines, str.splitlines) or []
    if not (0 < frame.line <= len(lines)) or lines[frame.line - 1].strip() != frame.source.strip():
        return None
    tree = src.tree_of(frame.file)
    if tree is None:
        return None
    used = {n.id for s in src.nodes(tree, ast.Subscript) if s.lineno <= frame.line <= (
        s.end_lineno or s.lineno) for n in ast.walk(s.slice) if isinstance(n, ast.Name)}
    from .loops import loops_around
    try:
        failing = ast.unparse(ast.parse(frame.node.strip(), mode="eval")) if frame.node else None
    except SyntaxError:
        failing = None
    loops = loops_around(tree, frame.line, failing)
    for loop in loops:  # innermost first
        targets = {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
        hit = sorted(targets & used)
        if hit:
            return hit[0], src.segment(frame.file, loop.iter)
    from .stored_positions import stored_range
    for name in sorted(used) if not loops else ():  # a position a Dataset stored when it was built
        stored = stored_range(tree, frame.line, name)
        if stored is not None:
            return name, src.segment(frame.file, stored[2])
    walked = _dataset_walk(tree, frame, used) if not loops else None
    if walked is not None:  # `__getitem__`'s index (or a position computed from it): the loader walks `__len__`
        return walked
    if loops:  # an index computed in the innermost loop from its variable (`pos = first + k`)
        targets = {n.id for n in ast.walk(loops[0].target) if isinstance(n, ast.Name)}
        for name in sorted(used):
            made = src.last_assignment(tree, name, frame.line)
            if made is not None and src.contains(loops[0], made.stmt.lineno) and targets & set(src.names_in(made.value)):
                return name, src.segment(frame.file, loops[0].iter)
    return None


def _dataset_walk(tree: ast.Module, frame: FrameFacts, used: set[str]) -> tuple[str, str] | None:
    """(the index parameter, `range(<what __len__ returns>)`) when the logged line is in a Dataset's
    `__getitem__` and indexes with that parameter plus an offset (`x[i + self.lookback]`, or a local made so):
    a DataLoader asks for every index below `__len__`."""
    from .dataset_length import added_to, dataset_methods
    found = dataset_methods(tree, frame)
    if found is None:
        return None
    _, getitem, var, returned = found
    for s in src.nodes(getitem, ast.Subscript):
        if not s.lineno <= frame.line <= (s.end_lineno or s.lineno):
            continue
        parts = s.slice.elts if isinstance(s.slice, ast.Tuple) else [s.slice]
        for part in parts:
            value = src.assigned_value(tree, getitem, part, frame.line) if isinstance(part, ast.Name) else part
            if value is not None and added_to(value, var) is not None:
                return var, f"range({src.segment(frame.file, returned.value)})"
    return None


@analyzer("text-loop-index")
def loop_index(ctx: Context) -> Finding | None:
    user = ctx.user
    if user is None or not user.source:
        return None
    found = _loop_for(user)
    if found is None:
        return None
    var, bound = found
    f = Finding()
    f.values.update(var=var, bound=bound, where=_where(user))
    f.evidence.append(value_evidence("loop", f"for {var} in {bound}", _where(user)))
    return f


_MATMUL = re.compile(r"(?:\btorch\.(?:mm|matmul|bmm)|\.(?:mm|matmul|bmm))\s*\(\s*(?P<a>[\w.\[\]]+)\s*,?\s*(?P<b>[\w.\[\]]*)"
                     r"|(?P<c>[\w.\[\]]+)\s*@\s*(?P<d>[\w.\[\]]+)")


def _multiplies_data(ctx: Context) -> bool:
    """The innermost logged line multiplies two tensors itself (`torch.mm(q, d)`, `q @ d`) and no module of
    torch.nn lies below it: no layer was called, so none has a size to blame.  An operand that is a weight
    (`self.W`, `weight`) keeps the layer reading."""
    frames = _frames_inside_out(ctx)
    if not frames or any("/torch/nn/" in f.file.replace("\\", "/") for f in frames[:1]):
        return False
    m = _MATMUL.search(frames[0].node or frames[0].source)
    if m is None:
        return False
    operands = [o for o in m.group("a", "b", "c", "d") if o]
    return not any(o.startswith("self.") or "weight" in o.lower() or o[:1].isupper() for o in operands)


@analyzer("text-linear-layer")
def linear_layer(ctx: Context) -> Finding | None:
    """The layer call on the failing line (`self.classifier(x)`); always succeeds, naming it if it can."""
    f = Finding()
    layer = "the linear layer"
    if _multiplies_data(ctx):
        return None
    for fr in _frames_inside_out(ctx):
        if fr.library:
            continue
        m = re.search(r"([\w.]+)\s*\(\s*([\w.\[\]]+)", fr.source)
        if m and not m.group(1).startswith(("torch", "F.")):
            layer = f"`{m.group(1)}`"
            f.evidence.append(value_evidence("line that failed", fr.source, _where(fr)))
            break
    f.values["layer"] = layer
    return f
