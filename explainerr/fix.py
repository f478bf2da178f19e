"""Turns a diagnosis into corrected code: fills the pattern's fix template with the user's names and numbers,
and locates the line that must change in the user's source (often not the line that raised: the tokenizer
call that built the batch, the `for` header, the `nn.Linear(...)` in `__init__`, the mask construction).

Each locator is registered by name with `@locator("name")` and named by a pattern's `fix.locate`.  A
locator returns Edits made with source.LineEditor; an edit whose result does not parse is dropped.
"""
from __future__ import annotations

import ast
import linecache
import re
from typing import Any, Callable

from . import source as src
from .analyzers import Finding
from .diagnose import fill
from .facts import Context
from .model import Edit, Fix, FrameFacts, Pattern, Report

Located = tuple[list[Edit], str | None]
LOCATORS: dict[str, Callable[[Context, Finding], Located]] = {}

_TOKENIZER_CALL = re.compile(r"(tokeni[sz]er|tokenize|encode_plus|batch_encode_plus)$", re.I)


def locator(name: str) -> Callable[[Callable[[Context, Finding], Located]], Callable[[Context, Finding], Located]]:
    def register(fn: Callable[[Context, Finding], Located]) -> Callable[[Context, Finding], Located]:
        LOCATORS[name] = fn
        return fn
    return register


def make_fix(report: Report, pattern: Pattern, finding: Finding, ctx: Context) -> Fix:
    values = finding.values
    description = fill(pattern.fix_description, values)
    code = fill(pattern.fix_code, values)
    edits: list[Edit] = []
    if pattern.locate and report.user_frame is not None:
        edits, located_code = LOCATORS[pattern.locate](ctx, finding)
        edits = [e for e in edits if e is not None]
        if edits:
            code = "\n".join(_dedent(e.replacement) for e in edits)
        elif located_code:
            code = located_code
    return Fix(description=description, code=_dedent(code), edits=tuple(edits))


def _dedent(code: str) -> str:
    import textwrap
    return textwrap.dedent(code).strip("\n")


def _edit(e: src.LineEditor) -> list[Edit]:
    made = e.edit()
    return [made] if made else []


def _frame(ctx: Context, index: Any) -> FrameFacts | None:
    if isinstance(index, int) and 0 <= index < len(ctx.frames):
        return ctx.frames[index]
    return ctx.user


def _stmt(frame: FrameFacts) -> tuple[ast.Module, ast.stmt] | None:
    tree = src.tree_of(frame.file)
    if tree is None:
        return None
    stmt = src.statement_at(tree, frame.line)
    return (tree, stmt) if stmt is not None else None


def _stmt_of(frame: FrameFacts, node: ast.AST) -> ast.stmt | None:
    """The statement holding `node` (an origin found by facts.Context.origin)."""
    tree = src.tree_of(frame.file)
    return src.statement_at(tree, node.lineno) if tree is not None else None  # type: ignore[attr-defined]


def _find(file: str, within: ast.AST, text: str) -> ast.AST | None:
    for n in ast.walk(within):
        if isinstance(n, ast.expr) and src.segment(file, n) == text:
            return n
    return None


def _is_tokenizer_call(call: ast.Call) -> bool:
    name = src.call_name(call)
    return bool(_TOKENIZER_CALL.search(name)) and "." not in name.split("tokenizer")[-1]


def _tokenizer_call_for(ctx: Context, root: str | None, frame: FrameFacts | None) -> tuple[str, ast.Call] | None:
    """The tokenizer call that built `root` (via its assignment), else the only such call in the user's files."""
    files: list[str] = []
    if frame is not None and root:
        origin = ctx.origin(root, frame)
        if origin is not None:
            f, _, node = origin
            if isinstance(node, ast.Call) and _is_tokenizer_call(node):
                return f.file, node
            if node is not None:
                for c in src.calls(node):
                    if _is_tokenizer_call(c):
                        return f.file, c
    for fr in ctx.user_frames():
        if fr.file not in files:
            files.append(fr.file)
    for file in files:
        tree = src.tree_of(file)
        if tree is None:
            continue
        found = [c for c in src.calls(tree) if _is_tokenizer_call(c)]
        if found:
            return file, found[-1]
    return None


@locator("truncate")
def truncate(ctx: Context, f: Finding) -> Located:
    limit = f.values.get("max_positions")
    hit = _tokenizer_call_for(ctx, f.hints.get("ids_root"), _frame(ctx, f.hints.get("ids_frame")))
    if not isinstance(limit, int):
        return [], None
    if hit is None:
        return _slice_ids(ctx, f, limit)
    file, call = hit
    e = src.LineEditor.for_node(file, call)
    trunc, maxlen = src.keyword(call, "truncation"), src.keyword(call, "max_length")
    if trunc is not None:
        e.replace(trunc.value, "True")
    if maxlen is not None:
        e.replace(maxlen.value, str(limit))
    add = ([] if trunc is not None else ["truncation=True"]) + ([] if maxlen is not None else [f"max_length={limit}"])
    if add:
        e.add_keywords(call, ", ".join(add))
    return _edit(e), None


def _slice_ids(ctx: Context, f: Finding, limit: int) -> Located:
    """No tokenizer call: cut the ids where they are made, to the model's number of positions."""
    ids = f.values.get("ids")
    frame = _frame(ctx, f.hints.get("ids_frame"))
    if not isinstance(ids, str) or not ids.isidentifier() or frame is None:
        return [], None
    tensor = frame.tensor(ids)
    origin = ctx.origin(ids, frame)
    if origin is None or origin[2] is None:
        return [], None
    oframe, text, node = origin
    stmt = _stmt_of(oframe, node)
    if stmt is None:
        return [], None
    consts = ctx.scalar_names(limit)
    bound = consts[0] if consts and consts[0].isupper() else str(limit)
    cut = f"[:{bound}]" if tensor is None or len(tensor.shape) <= 1 else f"[:, :{bound}]"
    simple = isinstance(node, (ast.Name, ast.Subscript, ast.Attribute, ast.Call))
    new = f"{text}{cut}" if simple else f"({text}){cut}"
    return _edit(src.LineEditor.for_node(oframe.file, stmt).replace(node, new)), None


_PAD_COLLATE = """def pad_collate(examples):
    \"\"\"Pad each field's variable-length tensors to the longest in the batch.\"\"\"
    import torch

    def pad(values):
        if isinstance(values[0], torch.Tensor) and values[0].dim() > 0:
            return torch.nn.utils.rnn.pad_sequence(list(values), batch_first=True{pad_value})
        return torch.utils.data.default_collate(list(values))

    if isinstance(examples[0], dict):
        return {{key: pad([e[key] for e in examples]) for key in examples[0]}}
    return [pad(field) for field in zip(*examples)]
"""


def _loader_collate(ctx: Context, f: Finding) -> Located:
    """A DataLoader whose default collate met examples of different lengths: a padding collate_fn."""
    frame = ctx.user
    tree = src.tree_of(frame.file) if frame else None
    loader = f.hints.get("loader")
    if tree is None or not loader:
        return [], None
    a = src.last_assignment(tree, loader, frame.line)
    if a is None or not isinstance(a.value, ast.Call) or not src.call_name(a.value).endswith("DataLoader"):
        return [], None
    if src.keyword(a.value, "collate_fn") is not None:
        return [], None
    helper = _PAD_COLLATE.format(pad_value=f.values.get("pad_value", ""))
    e = src.LineEditor.for_node(frame.file, a.stmt).add_keywords(a.value, "collate_fn=pad_collate")
    made = e.edit()
    if made is None:
        return [], None
    first = linecache.getline(frame.file, a.stmt.lineno)
    indent = first[: len(first) - len(first.lstrip())]
    block = "".join(indent + line if line.strip() else line for line in (helper + "\n").splitlines(True))
    from .model import Edit
    edit = Edit(file=made.file, start_line=made.start_line, end_line=made.end_line,
                replacement=block + made.replacement)
    if not src.parses_in_file(edit.file, edit.start_line, edit.end_line, edit.replacement):
        return [], None
    return [edit], None


@locator("pad")
def pad(ctx: Context, f: Finding) -> Located:
    if f.hints.get("loader"):
        found = _loader_collate(ctx, f)
        if found[0]:
            return found
    hit = _tokenizer_call_for(ctx, None, ctx.user)
    if hit is not None:
        file, call = hit
        if src.keyword(call, "padding") is None:
            e = src.LineEditor.for_node(file, call)
            tree = src.tree_of(file)
            scope = src.enclosing_scope(tree, call.lineno) if tree else None
            per_sample = isinstance(scope, ast.FunctionDef) and scope.name in ("__getitem__", "encode", "tokenize",
                                                                               "preprocess", "convert_example")
            if src.keyword(call, "max_length") is not None:
                e.add_keywords(call, 'padding="max_length"')
            elif per_sample or src.keyword(call, "return_tensors") is None:
                width = max(int(x) for x in re.findall(r"\d+", f"{f.values.get('len_a')} {f.values.get('len_b')}") or [0])
                e.add_keywords(call, f'padding="max_length", truncation=True, max_length={max(width, 8)}')
            else:
                e.add_keywords(call, "padding=True")
            return _edit(e), None
    frame = ctx.user
    found = _stmt(frame) if frame else None
    if frame is None or found is None:
        return [], None
    _, stmt = found
    for call in src.calls(stmt):
        name = src.call_name(call)
        if name.endswith(("stack", ".tensor", "LongTensor")) and call.args:
            arg = src.segment(frame.file, call.args[0])
            pv = f.values.get("pad_value", "")
            if name.endswith("stack"):
                new = f"torch.nn.utils.rnn.pad_sequence({arg}, batch_first=True{pv})"
            elif isinstance(call.args[0], ast.ListComp):
                inner = src.segment(frame.file, call.args[0].elt)
                comp = arg[1:-1].replace(inner, f"torch.tensor({inner})", 1)
                new = f"torch.nn.utils.rnn.pad_sequence([{comp}], batch_first=True{pv})"
            else:
                new = f"torch.nn.utils.rnn.pad_sequence([torch.tensor(s) for s in {arg}], batch_first=True{pv})"
            return _edit(src.LineEditor.for_node(frame.file, stmt).replace(call, new)), None
    return [], None


@locator("loop-bound")
def loop_bound(ctx: Context, f: Finding) -> Located:
    frame, bound = f.hints.get("frame"), f.hints.get("bound")
    values = f.hints.get("values")
    if frame is not None and values is not None:
        target, var = f.hints["loop"].target, f.hints["var"]
        if (isinstance(target, ast.Tuple) and len(target.elts) == 2 and isinstance(target.elts[1], ast.Name)
                and target.elts[1].id == var and isinstance(values, ast.Call)
                and src.call_name(values) == "enumerate" and values.args):
            values = values.args[0]  # `for i, start in enumerate(starts)`: filter what is enumerated
        elif not isinstance(target, ast.Name):
            return [], None
        text = src.segment(frame.file, values)
        limit = f"{f.hints['tensor']}.size({f.hints['dim']})"
        new = f"[{var} for {var} in {text} if {var} < {limit}]"
        return _edit(src.LineEditor(frame.file, values.lineno, values.end_lineno or values.lineno)
                     .replace(values, new)), None
    if frame is None or bound is None:
        return [], None
    new = f"{f.hints['tensor']}.size({f.hints['dim']})"
    return _edit(src.LineEditor(frame.file, bound.lineno, bound.end_lineno or bound.lineno).replace(bound, new)), None


def _model_with_config(ctx: Context) -> str | None:
    for fr in ctx.user_frames():
        for m in sorted(fr.modules, key=lambda m: m.expr.count(".")):
            if m.config and not m.expr.startswith("self"):
                return m.expr
    return None


@locator("vocab")
def vocab(ctx: Context, f: Finding) -> Located:
    """Negative ids: the input padding value; else size the model from the tokenizer; else grow a table that
    is short by one or two rows (an unknown/padding id equal to the vocabulary's length)."""
    if f.hints.get("negative"):
        made = _input_padding_value(ctx, f)
        if made:
            return made, None
    found = _tokenizer_vocab(ctx, f)
    if found[0] or found[1]:
        return found
    grown = _grow_table(ctx, f)
    ids, num = f.values.get("ids"), f.hints.get("num_embeddings")
    if grown or "tokenizer" in f.variants or not ids or not isinstance(num, int):
        return grown, None
    return [], (f"# ids must be below {num}: map the others to an id the table has (an unknown-token id)\n"
                f"{ids} = {ids}.masked_fill({ids} >= {num}, 0)")


def _input_padding_value(ctx: Context, f: Finding) -> list[Edit]:
    """`pad_sequence(..., padding_value=IGNORE_INDEX)` where the input ids were made → the pad id (0)."""
    from .analyzers.shapes import _pad_constant
    from .provenance import trace

    ids = f.hints.get("user_ids")
    if ids is None:
        return []
    key = re.fullmatch(r'\w+\["(\w+)"\]', ids.expr)
    pad = _pad_constant(ctx) or "0"
    for step in trace(ctx, ids):
        tree = src.tree_of(step.file)
        stmt = src.statement_at(tree, step.line) if tree is not None else None
        if stmt is None:
            continue
        scope: ast.AST = stmt
        if key:
            for d in ast.walk(stmt):
                if isinstance(d, ast.Dict):
                    for k, v in zip(d.keys, d.values):
                        if isinstance(k, ast.Constant) and k.value == key.group(1):
                            scope = v
        for call in src.calls(scope):
            kw = src.keyword(call, "padding_value")
            if kw is not None and _negative(tree, kw.value):
                return _edit(src.LineEditor.for_node(step.file, stmt).replace(kw.value, pad))
    return []


def _negative(tree: ast.Module, node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return True
    if isinstance(node, ast.Name):
        for a in src.assignments(tree, node.id, tree):
            v = a.value
            if isinstance(v, ast.UnaryOp) and isinstance(v.op, ast.USub):
                return True
    return False


def _grow_table(ctx: Context, f: Finding) -> list[Edit]:
    """`nn.Embedding(len(vocab), dim)` one row short of the largest id → `nn.Embedding(len(vocab) + 1, dim)`."""
    table, num, top = f.hints.get("table"), f.hints.get("num_embeddings"), f.hints.get("max_id")
    if not table or not isinstance(num, int) or not isinstance(top, int) or not 0 < top - num + 1 <= 2:
        return []
    attr = table.split(".")[-1]
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        for n in ast.walk(tree):
            if not (isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.value, ast.Call)
                    and src.call_name(n.value).endswith(("Embedding", "EmbeddingBag")) and n.value.args):
                continue
            t = n.targets[0]
            name = t.attr if isinstance(t, ast.Attribute) else t.id if isinstance(t, ast.Name) else None
            if name != attr:
                continue
            size = n.value.args[0]
            text = src.segment(file, size)
            new = f"{text} + {top - num + 1}" if not isinstance(size, ast.Constant) else str(top + 1)
            return _edit(src.LineEditor.for_node(file, n).replace(size, new))
    return []


def _tokenizer_vocab(ctx: Context, f: Finding) -> Located:
    """Size the model from len(tokenizer), or resize its embeddings once both model and added tokens exist."""
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        added = [c for c in src.calls(tree) if src.call_name(c).endswith((".add_tokens", ".add_special_tokens"))]
        last_add = max(added, key=lambda c: c.lineno) if added else None
        for call in src.calls(tree):
            kw = src.keyword(call, "vocab_size")
            if kw is not None and src.call_name(call).endswith("Config"):
                m = re.fullmatch(r"(.+)\.vocab_size", src.segment(file, kw.value))
                if m and (last_add is None or call.lineno > last_add.lineno):
                    return _edit(src.LineEditor.for_node(file, call).replace(kw.value, f"len({m.group(1)})")), None
        if last_add is None or any(src.call_name(c).endswith("resize_token_embeddings") for c in src.calls(tree)):
            continue
        target = _model_with_config(ctx)
        if not target:
            continue
        tok = src.call_name(last_add).rsplit(".", 1)[0]
        line = f"{target}.resize_token_embeddings(len({tok}))"
        model_def = src.last_assignment(tree, target.split(".", 1)[0], 10 ** 9)
        add_stmt = src.statement_at(tree, last_add.lineno)
        anchors = [s for s in (model_def.stmt if model_def else None, add_stmt) if s is not None]
        if not anchors:
            continue
        anchor = max(anchors, key=lambda s: s.lineno)
        e = src.insert_after(file, anchor, line)
        return ([e] if e else []), line
    return [], None


@locator("token-type")
def token_type(ctx: Context, f: Finding) -> Located:
    """A model without segments (type_vocab_size 1): the tokenizer stops returning token_type_ids; ids made
    from an enumerate index: wrapped into the table; a Config built here: sized for the ids."""
    n = f.values.get("type_vocab_size")
    needed = f.values.get("needed")
    if n == 1:
        hit = _tokenizer_call_for(ctx, f.hints.get("ids_root"), _frame(ctx, f.hints.get("ids_frame")))
        if hit is not None and src.keyword(hit[1], "return_token_type_ids") is None:
            return _edit(src.LineEditor.for_node(hit[0], hit[1]).add_keywords(
                hit[1], "return_token_type_ids=False")), None
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Assign, ast.AugAssign)):
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [x for t in targets for x in src.names_in(t)]
            if not any(re.search(r"seg|type", x, re.I) for x in names):
                continue
            for loop in src.enclosing_loops(tree, node.lineno):
                if isinstance(loop.iter, ast.Call) and src.call_name(loop.iter) == "enumerate":
                    idx = loop.target.elts[0] if isinstance(loop.target, ast.Tuple) else None
                    if isinstance(idx, ast.Name):
                        uses = [u for u in ast.walk(node.value) if isinstance(u, ast.Name) and u.id == idx.id]
                        if uses and isinstance(n, int):
                            e = src.LineEditor.for_node(file, node)
                            for u in uses:
                                e.replace(u, f"{idx.id} % {n}")
                            return _edit(e), None
        for call in src.calls(tree):
            if not (src.call_name(call).endswith("Config") and isinstance(needed, int)):
                continue
            kw = src.keyword(call, "type_vocab_size")
            e = src.LineEditor.for_node(file, call)
            if kw is None:
                return _edit(e.add_keywords(call, f"type_vocab_size={needed}")), None
            return _edit(e.replace(kw.value, str(needed))), None
    return _grow_table(ctx, f), None


@locator("mask-length")
def mask_length(ctx: Context, f: Finding) -> Located:
    """The batch's own mask in the call, else the constant that sized the mask, else a slice of the (longer)
    mask to the inputs' length where it is used."""
    if f.hints.get("mask_arg") is not None:
        found = _same_batch_mask(ctx, f)
        if found:
            return found, None
    found = _mask_construction(ctx, f)
    return (found, None) if found else (_mask_slice(ctx, f), None)


def _same_batch_mask(ctx: Context, f: Finding) -> list[Edit]:
    """`model(input_ids=enc.input_ids, attention_mask=full.attention_mask[i:j])` → `enc.attention_mask`."""
    mask, oarg = f.hints["mask"], f.hints.get("other_arg")
    frame = ctx.frames[mask.frame]
    if oarg is None:
        return []
    m = re.fullmatch(r"(.+?)(\.input_ids|\[[\"']input_ids[\"']\])", oarg.text.strip())
    if m is None:
        return []
    root = m.group(1)
    own = frame.tensor(f'{root}["attention_mask"]') or frame.tensor(f"{root}.attention_mask")
    if own is None or not own.shape or own.shape[-1] != f.hints.get("other_len"):
        return []
    text = f"{root}.attention_mask" if m.group(2).startswith(".") else f'{root}["attention_mask"]'
    found = _stmt(frame)
    node = _find(frame.file, found[1], f.hints["mask_arg"].text) if found else None
    if node is None:
        return []
    return _edit(src.LineEditor.for_node(frame.file, found[1]).replace(node, text))


def _mask_slice(ctx: Context, f: Finding) -> list[Edit]:
    """A mask longer than the inputs (padded to a fixed or a dataset-wide length) cut to their length
    where it is used: its extra columns are padding."""
    mask, other = f.hints.get("mask"), f.hints.get("other")
    other_len, mask_len = f.hints.get("other_len"), f.hints.get("mask_len")
    if mask is None or other is None or not isinstance(mask_len, int) or not isinstance(other_len, int):
        return []
    if mask_len <= other_len or other_len not in other.shape or mask.shape[-1:] != (mask_len,):
        return []
    frame = ctx.frames[mask.frame]
    found = _stmt(frame)
    if found is None:
        return []
    stmt = found[1]
    length = f"{other.expr}.size({other.shape.index(other_len)})"
    if mask.expr.isidentifier() and frame.index == ctx.report.user_frame and frame.tensor(other.expr) is not None:
        made = src.insert_before(frame.file, stmt, f"{mask.expr} = {mask.expr}[..., :{length}]")
        return [made] if made else []
    node = _find(frame.file, stmt, mask.expr)
    if node is None:
        return []
    return _edit(src.LineEditor.for_node(frame.file, stmt).replace(node, f"{mask.expr}[..., :{length}]"))


def _mask_construction(ctx: Context, f: Finding) -> list[Edit]:
    outer = f.hints.get("mask_outer")
    other_len, mask_len = f.hints.get("other_len"), f.hints.get("mask_len")
    if outer is None:
        return []
    frame = ctx.frames[outer.frame]
    tree = src.tree_of(frame.file)
    if tree is None:
        return []
    name = re.split(r"[\[.]", outer.expr, maxsplit=1)[0]
    a = src.last_assignment(tree, name, frame.line)
    if a is None:
        return []
    sized = [t for t in frame.tensors if other_len in t.shape and t.expr.isidentifier() and t.ident != outer.ident]
    sized.sort(key=lambda t: (not t.is_integer, len(t.shape)))
    if not sized:
        return []
    length = f"{sized[0].expr}.size({sized[0].shape.index(other_len)})"
    consts = set(f.hints.get("consts") or [])
    e = src.LineEditor.for_node(frame.file, a.stmt)
    hits = [n for n in ast.walk(a.value) if (isinstance(n, ast.Name) and n.id in consts)
            or (isinstance(n, ast.Constant) and n.value == mask_len and type(n.value) is int)]
    if hits:
        for h in hits:
            e.replace(h, length)
        return _edit(e)
    if isinstance(a.value, ast.Call) and isinstance(a.value.func, ast.Name):
        fn = next((d for d in ast.walk(tree) if isinstance(d, ast.FunctionDef) and d.name == a.value.func.id), None)
        if fn is not None:
            params = fn.args.args
            defaults = dict(zip([p.arg for p in params][len(params) - len(fn.args.defaults):], fn.args.defaults))
            for p, d in defaults.items():
                if (isinstance(d, ast.Name) and d.id in consts) or (isinstance(d, ast.Constant) and d.value == mask_len):
                    if src.keyword(a.value, p) is None:
                        e.add_keywords(a.value, f"{p}={length}")
                        return _edit(e)
    return []


def _strip_cast(file: str, node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
            "long", "int", "float", "to", "type", "byte", "half", "double") and not node.keywords:
        return src.segment(file, node.func.value)
    return None


@locator("mask-bool")
def mask_bool(ctx: Context, f: Finding) -> Located:
    origin, mask = f.hints.get("origin"), f.hints.get("mask")
    if origin is not None and origin[2] is not None:
        frame, _, node = origin
        inner = _strip_cast(frame.file, node)
        stmt = _stmt_of(frame, node)
        if stmt is not None:
            new = inner if inner is not None else f"({src.segment(frame.file, node)}).bool()"
            return _edit(src.LineEditor.for_node(frame.file, stmt).replace(node, new)), None
    return _use_site(ctx, mask, "{}.bool()")


def _use_site(ctx: Context, tensor: Any, template: str) -> Located:
    frame = ctx.frames[tensor.frame] if tensor is not None else None
    found = _stmt(frame) if frame else None
    if frame is None or found is None:
        return [], None
    _, stmt = found
    e = src.LineEditor.for_node(frame.file, stmt)
    hits = [n for n in ast.walk(stmt) if isinstance(n, ast.expr) and src.segment(frame.file, n) == tensor.expr]
    for h in hits:
        e.replace(h, template.format(tensor.expr))
    return _edit(e) if hits else [], None


@locator("index-long")
def index_long(ctx: Context, f: Finding) -> Located:
    """Append .long() where each float index was made (its assignment), else where it is used."""
    editors: dict[tuple[str, int], src.LineEditor] = {}
    use_site: list[Any] = []
    for t in f.hints.get("tensors") or []:
        origin = ctx.origin(t.expr, ctx.frames[t.frame])
        stmt = _stmt_of(origin[0], origin[2]) if origin is not None and origin[2] is not None else None
        if origin is None or stmt is None or not isinstance(stmt, ast.Assign):
            use_site.append(t)
            continue
        frame, text, node = origin
        key = (frame.file, stmt.lineno)
        editor = editors.setdefault(key, src.LineEditor.for_node(frame.file, stmt))
        simple = isinstance(node, (ast.Name, ast.Subscript, ast.Attribute, ast.Call))
        editor.replace(node, f"{text}.long()" if simple else f"({text}).long()")
    edits = [e for ed in editors.values() for e in _edit(ed)]
    for t in use_site:
        edits += _use_site(ctx, t, "{}.long()")[0]
    return edits, None


from . import fix_more  # noqa: E402,F401  (registers the remaining locators)
