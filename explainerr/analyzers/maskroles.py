"""What a mask is, decided by how it is built and used rather than by its name.

Two questions the mask analyzers and their fixes ask of the user's source (AST only, nothing is run):

- `polarity`: is a 0/1 or bool mask 1 for the tokens to keep (an attention mask) or for the padding?  Read
  from its construction, followed back through assignments and arguments: `ids != pad`, `arange < lengths`,
  `torch.ones(...)` and a tokenizer's `attention_mask` keep; `ids == pad`, `1 - keep`, `~keep`, `keep == 0`
  mark padding.  A fix that turns an integer mask into a bool one must know it: `masked_fill` and
  `key_padding_mask` want True on the padding, so `.bool()` on a keep-mask would mask the real tokens.
- `base` / `is_boolean_expr`: the tensor under casts and shape changes (`mask.unsqueeze(-1).float()` is
  `mask`), and whether an expression already gives a bool tensor (a comparison, `~`, a logical op).
"""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context
from ..model import FrameFacts

KEEP, PAD = "keep", "pad"
#: Methods that change a tensor's dtype but not its values' meaning.
CASTS = frozenset({"long", "int", "float", "bool", "byte", "half", "double", "short", "to", "type", "bfloat16"})
#: Methods that change a tensor's shape (or view) but not which tensor it is.
RESHAPES = frozenset({"unsqueeze", "squeeze", "view", "reshape", "expand", "expand_as", "repeat", "permute",
                      "transpose", "contiguous", "flatten", "detach", "clone", "cpu", "cuda", "to"})
_PAD_NAME = re.compile(r"(?i)(^|_)pad(ding)?(_?(id|idx|index|token_id|value))?$|pad_token_id$")
_MAX_DEPTH = 6


def _method(node: ast.AST) -> tuple[str, ast.AST] | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr, node.func.value
    return None


def strip_casts(node: ast.AST) -> ast.AST:
    """`(x == 0).long()` → `x == 0`: the expression under dtype casts."""
    while (m := _method(node)) is not None and m[0] in CASTS:
        node = m[1]
    return node


def base(node: ast.AST) -> ast.AST:
    """The tensor under casts, reshapes and `[:, None, :]`-style indexing: `mask.unsqueeze(-1).float()` → `mask`."""
    while True:
        m = _method(node)
        if m is not None and (m[0] in CASTS or m[0] in RESHAPES):
            node = m[1]
        elif isinstance(node, ast.Subscript) and _is_view_index(node.slice):
            node = node.value
        else:
            return node


def _is_view_index(s: ast.AST) -> bool:
    """`[:, None, :]`, `[..., None]`, `[:, :n]`: indexing that keeps every row (slices, None, Ellipsis)."""
    parts = s.elts if isinstance(s, ast.Tuple) else [s]
    return all(isinstance(p, ast.Slice) or (isinstance(p, ast.Constant) and p.value in (None, Ellipsis))
               for p in parts)


def is_boolean_expr(node: ast.AST) -> bool:
    """The expression gives a bool tensor by construction (a comparison, `~`/logical ops of those, `.bool()`)."""
    if isinstance(node, ast.Compare):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Invert, ast.Not)):
        return is_boolean_expr(node.operand)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr, ast.BitXor)):
        return is_boolean_expr(node.left) and is_boolean_expr(node.right)
    m = _method(node)
    if m is not None:
        name = m[0]
        if name in ("bool", "eq", "ne", "lt", "le", "gt", "ge", "isnan", "isinf", "logical_not", "logical_and",
                    "logical_or", "logical_xor"):
            return True
        if name in RESHAPES:
            return is_boolean_expr(m[1])
    if isinstance(node, ast.Call) and src.call_name(node).split(".")[-1] in (
            "logical_not", "logical_and", "logical_or", "eq", "ne", "lt", "gt", "le", "ge", "isin"):
        return True
    return False


def _invert(p: tuple[str, str] | None, node: ast.AST) -> tuple[str, str] | None:
    if p is None:
        return None
    return (PAD if p[0] == KEEP else KEEP), f"{p[1]}; `{ast.unparse(node)}` inverts it"


def _is_pad_value(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and node.value == 0 and type(node.value) is int:
        return True
    text = ast.unparse(node).split(".")[-1]
    return bool(_PAD_NAME.search(text))


def _is_positions(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and src.call_name(n).split(".")[-1] == "arange" for n in ast.walk(node))


_FLIP = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE, ast.Eq: ast.Eq, ast.NotEq: ast.NotEq}


def _compare(ctx: Context, frame: FrameFacts, left: ast.AST, op: type, right: ast.AST,
             depth: int) -> tuple[str, str] | None:
    if _is_pad_value(left) and not _is_pad_value(right):
        left, right, op = right, left, _FLIP.get(op, op)
    text = f"`{ast.unparse(left)} {_OPS.get(op, '?')} {ast.unparse(right)}`"
    if _is_positions(left) or _is_positions(right):  # positions compared with lengths
        if _is_positions(right):
            op = _FLIP.get(op, op)
        if op in (ast.Lt, ast.LtE):
            return KEEP, f"{text} is True inside each length"
        if op in (ast.Gt, ast.GtE):
            return PAD, f"{text} is True past each length"
        return None
    if not _is_pad_value(right):
        return None
    if isinstance(right, ast.Constant):  # `x == 0`: x a mask (inverted), or ids padded with 0
        inner = polarity(ctx, frame, left, depth + 1)
        if inner is not None:
            return inner if op in (ast.NotEq, ast.Gt) else _invert(inner, ast.Compare(left, [op()], [right]))
    if op is ast.Eq:
        return PAD, f"{text} is True on the padding"
    if op in (ast.NotEq, ast.Gt):
        return KEEP, f"{text} is True on the real tokens"
    return None


_OPS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_METHOD_OPS = {"eq": ast.Eq, "ne": ast.NotEq, "lt": ast.Lt, "le": ast.LtE, "gt": ast.Gt, "ge": ast.GtE}


def describe(p: tuple[str, str], mask: str) -> str:
    """`mask` is 1 for the real tokens (why)."""
    return f"`{mask}` is {'1 for the real tokens' if p[0] == KEEP else '1 on the padding'} ({p[1]})"


def polarity(ctx: Context, frame: FrameFacts, node: ast.AST, depth: int = 0) -> tuple[str, str] | None:
    """(KEEP or PAD, why) for the mask `node` of `frame`'s code, or None when its construction does not say."""
    if depth > _MAX_DEPTH:
        return None
    node = base(node)
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        return _compare(ctx, frame, node.left, type(node.ops[0]), node.comparators[0], depth)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Invert, ast.Not)):
        return _invert(polarity(ctx, frame, node.operand, depth + 1), node)
    if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and isinstance(node.left, ast.Constant)
            and node.left.value == 1):
        return _invert(polarity(ctx, frame, node.right, depth + 1), node)
    m = _method(node)
    if m is not None:
        name, owner = m
        if name in _METHOD_OPS and isinstance(node, ast.Call) and node.args:
            return _compare(ctx, frame, owner, _METHOD_OPS[name], node.args[0], depth)
        if name == "logical_not":
            return _invert(polarity(ctx, frame, owner, depth + 1), node)
        if name in ("new_ones", "ones_like"):
            return KEEP, f"`{ast.unparse(node)}` keeps every position"
    if isinstance(node, ast.Call):
        fn = src.call_name(node).split(".")[-1]
        if fn in ("ones", "ones_like"):
            return KEEP, f"`{ast.unparse(node)}` keeps every position"
        if fn == "logical_not" and node.args:
            return _invert(polarity(ctx, frame, node.args[0], depth + 1), node)
    key = _attention_mask_key(node)
    if key:
        return KEEP, "an `attention_mask` is 1 for the real tokens and 0 for the padding"
    if isinstance(node, ast.Name):
        found = ctx.origin(node.id, frame)
        if found is not None and found[2] is not None and found[2] is not node:
            ofr, _, value = found
            return polarity(ctx, ofr, value, depth + 1)
    return _filled_over_tokens(ctx, frame, node)


def _filled_over_tokens(ctx: Context, frame: FrameFacts, node: ast.AST) -> tuple[str, str] | None:
    """KEEP for a mask whose making (its provenance) writes 1 over each row's own length: `keep[i, :len(ids)] = 1`
    on a tensor of zeros marks the real tokens; PAD for one that writes 1 past it, `pad[i, len(ids):] = 1`."""
    from ..provenance import origin_statement, trace
    text = ast.unparse(node) if isinstance(node, (ast.Name, ast.Subscript)) else None
    seen = (frame.tensor(text) or frame.tensor(text.replace("'", '"'))) if text else None  # `b["keep"]` as written
    if seen is None or frame.library:
        return None
    for o in trace(ctx, seen):
        stmt = origin_statement(o)
        if not (isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Subscript)
                and isinstance(stmt.value, ast.Constant) and stmt.value.value in (1, True)):
            continue
        parts = stmt.targets[0].slice.elts if isinstance(stmt.targets[0].slice, ast.Tuple) else [stmt.targets[0].slice]
        if any(isinstance(p, ast.Slice) and p.lower is None and isinstance(p.upper, ast.Call)
               and src.call_name(p.upper) == "len" for p in parts):
            return KEEP, f"`{' '.join(src.segment(o.file, stmt).split())}` marks each row's real tokens with 1"
        if any(isinstance(p, ast.Slice) and p.upper is None and isinstance(p.lower, ast.Call)
               and src.call_name(p.lower) == "len" for p in parts):  # `pad[i, len(ids):] = 1`: the padding
            return PAD, f"`{' '.join(src.segment(o.file, stmt).split())}` marks each row's padding with 1"
    return None


def _attention_mask_key(node: ast.AST) -> str | None:
    """`enc["attention_mask"]`, `batch.attention_mask`, or a parameter / name `attention_mask` whose value
    could not be followed: the tokenizers' convention (1 = attend, 0 = padding)."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value == "attention_mask":
        return ast.unparse(node)
    if isinstance(node, ast.Attribute) and node.attr == "attention_mask":
        return ast.unparse(node)
    return None


def expression_in(frame: FrameFacts, text: str) -> ast.AST | None:
    """The node of `text` inside the frame's failing statement (or `text` parsed alone)."""
    tree = src.tree_of(frame.file)
    stmt = src.statement_at(tree, frame.line) if tree is not None else None
    if stmt is not None:
        for n in ast.walk(stmt):
            if isinstance(n, ast.expr) and src.segment(frame.file, n) == text:
                return n
    try:
        return ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None
