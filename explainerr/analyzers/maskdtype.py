"""Analyzer for masks of the wrong dtype: an integer or float mask where a bool one is required
(`masked_fill`, `torch.where`, attention masks), and bool masks used in arithmetic (`1 - mask`, `~` on a
float mask, `&` on a float mask).

Besides naming the mask, it plans the corrected expression, because the obvious one can change what the
code means: `.bool()` keeps a mask's values, but `masked_fill` and `key_padding_mask` want True on the
padding, so a 1-keep/0-pad attention mask must become `mask == 0` there (maskroles.polarity decides).
The plan goes to the fix builder as `hints["rewrite"]`: (frame index, expression text, new text).
"""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context, dtype_text
from ..model import FrameFacts, TensorFacts
from . import Finding, analyzer, evidence, fact
from .maskroles import KEEP, PAD, base, describe, expression_in, is_boolean_expr, polarity, strip_casts

CAST_FROM_BOOL = fact("cast-from-bool", "the mask was a bool comparison cast to another dtype")
KEEP_MASK = fact("keep-mask", "the mask is 1 for the tokens to keep and 0 for the padding (its construction says so)")
PAD_MASK = fact("pad-mask", "the mask is 1 (True) on the padding (its construction says so)")
INVERTED_FOR_OP = fact("inverted-for-op", "the op wants True where the mask has 0: the fix inverts the mask")
POLARITY_UNKNOWN = fact("polarity-unknown", "nothing in the code says whether the mask is 1 on the tokens or on "
                                            "the padding")
BOOL_ARITHMETIC = fact("bool-arithmetic", "a bool mask was used in subtraction (`1 - mask`, `a - b`)")
INVERT_FLOAT = fact("invert-float", "`~` was applied to a float mask")
BITWISE_FLOAT = fact("bitwise-float", "`&`, `|` or `^` was applied to a float mask")
LITERAL = fact("literal-mask", "the op takes the mask's values as they are (True where it is 1): `.bool()` keeps "
                                "the meaning")
INVERT_INT = fact("invert-int", "`~` was applied to an integer 0/1 mask: a bitwise not (0 -> -1, 1 -> -2), nonzero "
                                 "everywhere, not a logical one")
MASK_ARGUMENT = fact("mask-argument", "a mask of another dtype than bool was passed where a bool mask is required")

_BOOL_ARITH = re.compile(r"Subtraction, the `-` operator, with (?:a|two) bool tensors?")
_INVERT = re.compile(r"~ \(operator\.invert\) is only implemented on integer and Boolean")
_BITWISE = re.compile(r'"bitwise_(?:and|or|xor)\w*" not implemented for')
_MASK_DTYPE_PARAM = re.compile(r"only bool and floating types of (\w+) are supported")
_OP_IN_MESSAGE = re.compile(r"\b(masked_fill_?|masked_select|masked_scatter_?|where)\b|(attn_mask dtype)")

#: What True means to each consumer of a mask: "fill" / "ignore" want True on what is removed, "attend"
#: on what is kept, "select" on what is picked (its literal values are kept).
TRUE_MEANS = {"masked_fill": "fill", "masked_fill_": "fill", "key_padding_mask": "ignore",
              "src_key_padding_mask": "ignore", "tgt_key_padding_mask": "ignore", "memory_key_padding_mask": "ignore",
              "attn_mask": "ignore", "mask": "ignore", "src_mask": "ignore", "tgt_mask": "ignore",
              "scaled_dot_product_attention": "attend", "where": "select", "masked_select": "select",
              "masked_scatter": "select", "masked_scatter_": "select"}


def message_kind(message: str) -> str:
    """Which misuse the message reports (shared with the text-mode analyzer)."""
    if _BOOL_ARITH.search(message):
        return BOOL_ARITHMETIC
    if _INVERT.search(message):
        return INVERT_FLOAT
    if _BITWISE.search(message):
        return BITWISE_FLOAT
    return MASK_ARGUMENT


@analyzer("non-bool-mask")
def non_bool_mask(ctx: Context) -> Finding | None:
    frame = ctx.user
    if frame is None:
        return None
    kind = message_kind(ctx.message)
    if kind != MASK_ARGUMENT:
        return _operator_misuse(ctx, frame, kind)
    return _mask_argument(ctx, frame)


# --- a bool mask in arithmetic, `~` or `&` on a float mask -----------------------------------------------

def _operator_misuse(ctx: Context, frame: FrameFacts, kind: str) -> Finding | None:
    node = expression_in(frame, frame.node or "") if frame.node else None
    if kind == BOOL_ARITHMETIC and isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
        left, right = node.left, node.right
        lb, rb = _is_bool(frame, left), _is_bool(frame, right)
        if lb and rb:
            new, mask = f"{_wrap(left)} & ~{_wrap(right)}", ast.unparse(right)
            meaning = f"the positions of `{ast.unparse(left)}` that are not in `{mask}`"
        elif rb and isinstance(left, ast.Constant) and left.value == 1:
            new, mask = f"~{_wrap(right)}", ast.unparse(right)
            meaning = f"the inverse of `{mask}`"
        elif rb:
            new, mask = f"{ast.unparse(left)} - {_wrap(right)}.long()", ast.unparse(right)
            meaning = f"`{ast.unparse(left)}` minus 1 where `{mask}` holds"
        elif lb:
            new, mask = f"{_wrap(left)}.long() - {_wrap(right)}", ast.unparse(left)
            meaning = f"`{mask}` as 0/1 minus `{ast.unparse(right)}`"
        else:
            return None
    elif kind == INVERT_FLOAT and isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
        mask = ast.unparse(node.operand)
        new, meaning = f"{_wrap(node.operand)} == 0", f"True where `{mask}` is 0"
    elif kind == BITWISE_FLOAT and isinstance(node, ast.BinOp) and isinstance(
            node.op, (ast.BitAnd, ast.BitOr, ast.BitXor)):
        floats = [side for side in (node.left, node.right) if not _is_bool(frame, side)]
        if not floats:
            return None
        sym = {ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^"}[type(node.op)]
        new = f" {sym} ".join(f"{_wrap(s)}.bool()" if s in floats else _wrap(s) for s in (node.left, node.right))
        mask = ast.unparse(floats[0])
        meaning = f"`{mask}` read as bool (nonzero = True)"
    else:
        return None
    expr = ast.unparse(node)
    f = Finding(confidence="high")
    f.facts.add(kind)
    f.values.update(expr=expr, mask=mask, fixed=new, meaning=meaning, op="`-`" if kind == BOOL_ARITHMETIC else
                    "`~`" if kind == INVERT_FLOAT else "a bitwise operator")
    t = frame.tensor(ast.unparse(base(_node_of(mask))))
    e = evidence(t)
    if e:
        f.evidence.append(e)
    f.hints["rewrite"] = (frame.index, frame.node, new, node)
    return f


def _node_of(text: str) -> ast.AST:
    try:
        return ast.parse(text, mode="eval").body
    except SyntaxError:
        return ast.Name(id=text)


def _is_bool(frame: FrameFacts, node: ast.AST) -> bool:
    if is_boolean_expr(node):
        return True
    t = frame.tensor(ast.unparse(node)) or frame.tensor(ast.unparse(base(node)))
    return t is not None and t.dtype == "torch.bool"


def _wrap(node: ast.AST) -> str:
    return _wrap_text(ast.unparse(node), node)


def _wrap_text(text: str, node: ast.AST) -> str:
    """`text` (the source of `node`) parenthesised unless it is an atom."""
    simple = isinstance(node, (ast.Name, ast.Attribute, ast.Subscript, ast.Call, ast.Constant))
    return text if simple else f"({text})"


# --- an integer or float mask passed where bool is required ----------------------------------------------

def _inverted_int(ctx: Context, frame: FrameFacts) -> Finding | None:
    """`x.masked_fill(~mask, v)` with an integer 0/1 `mask`: `~` flips its bits (giving -1 and -2, an integer
    tensor again), so the op refuses it; what `~mask` meant is `mask == 0`."""
    call = _mask_call(frame)
    if call is None or not (isinstance(call[1], ast.UnaryOp) and isinstance(call[1].op, ast.Invert)):
        return None
    operand = src.segment(frame.file, call[1].operand)
    t = frame.tensor(operand) or frame.tensor(src.segment(frame.file, base(call[1].operand)))
    if t is None or not t.is_integer or t.dtype == "torch.bool":
        return None
    f = Finding(facts={MASK_ARGUMENT, INVERT_INT})
    f.values.update(mask=src.segment(frame.file, call[1]), inverted=operand, dtype=dtype_text(t.dtype),
                    op=f"`{call[0]}`", origin="")
    e = evidence(t)
    if e:
        f.evidence.append(e)
    f.confidence = "high"
    return _rewrite(f, frame.index, src.segment(frame.file, call[1]),
                    f"{_wrap_text(operand, call[1].operand)} == 0", call[1])


def _mask_argument(ctx: Context, frame: FrameFacts) -> Finding | None:
    inverted = _inverted_int(ctx, frame)
    if inverted is not None:
        return inverted
    mask, op, use = _find_mask(ctx, frame)
    if mask is None or mask.dtype == "torch.bool" or use is None:
        return None
    use_frame, text = use
    f = Finding()
    f.facts.add(MASK_ARGUMENT)
    origin = ctx.origin(mask.expr, ctx.frames[mask.frame])
    made = origin[1] if origin and origin[1] != mask.expr else None
    f.values.update(mask=text, dtype=dtype_text(mask.dtype), op=f"`{op.strip('`')}`" if op else "the call",
                    origin=f" It was made by `{made}`." if made else "")
    e = evidence(mask)
    if e:
        f.evidence.append(e)
    onode = origin[2] if origin is not None else None
    means = TRUE_MEANS.get((op or "").strip("`"), "select")
    mask_node = _node_of(text)
    pol = polarity(ctx, ctx.frames[use_frame], mask_node) if means != "select" else None
    invert = pol is not None and ((means in ("fill", "ignore") and pol[0] == KEEP)
                                  or (means == "attend" and pol[0] == PAD))
    if pol is not None:
        f.facts.add(KEEP_MASK if pol[0] == KEEP else PAD_MASK)
        f.values["why"] = describe(pol, text)
        f.confidence = "high"
    if invert:  # the values mean the opposite of what the op wants True to be: invert where it is used
        f.facts.add(INVERTED_FOR_OP)
        return _rewrite(f, use_frame, text, f"{_wrap_text(text, mask_node)} == 0")
    if onode is not None and strip_casts(onode) is not onode and is_boolean_expr(strip_casts(onode)) and \
            _complement(mask_node) is None and not _computed_with_later(origin[0], onode):
        # a comparison cast to another dtype: drop the cast where it was made (the values keep their meaning)
        f.facts.add(CAST_FROM_BOOL)
        f.confidence = "high"
        inner = strip_casts(onode)
        return _rewrite(f, origin[0].index, origin[1], src.segment(origin[0].file, inner), onode)
    if pol is None and means == "select":
        f.facts.add(LITERAL)
        f.confidence = "high"
    elif pol is None:
        f.facts.add(POLARITY_UNKNOWN)
        complement = _complement(mask_node)
        f.values["other_fixed"] = f"{_wrap_text(ast.unparse(complement), complement)}.bool()" \
            if complement is not None else f"{_wrap_text(text, mask_node)} == 0"
    if mask_node is not None and _complement(mask_node) is not None:
        # `1 - keep` handed over as it is: the same values as a bool are `keep == 0`
        right = _complement(mask_node)
        _rewrite(f, use_frame, text, f"{_wrap_text(ast.unparse(right), right)} == 0")
    elif (onode is not None and isinstance(onode, ast.BinOp) and isinstance(onode.op, ast.Sub)
            and isinstance(onode.left, ast.Constant) and onode.left.value == 1):
        # `padding = 1 - keep`: the same values as a bool, made where they are made
        right = src.segment(origin[0].file, onode.right)
        _rewrite(f, origin[0].index, origin[1], f"{_wrap_text(right, onode.right)} == 0", onode)
    else:
        _rewrite(f, use_frame, text, f"{_wrap_text(text, mask_node)}.bool()")
        from .mask_factory import MADE_BOOL_AT_FACTORY, mask_factory
        held = made or mask.expr  # the batch's entry as handed over, or as read right where it failed
        factory = mask_factory(ctx, held) if not invert else None
        if factory is not None:  # a batch entry made by a torch factory: made bool there, for every reader
            file, stmt, call = factory
            f.facts.add(MADE_BOOL_AT_FACTORY)
            f.values.update(factory_key=held, factory_call=" ".join(src.segment(file, call).split()),
                            factory_line=call.lineno, factory_dtype="dtype=torch.bool" if src.call_name(
                                call).startswith("torch.") else "dtype=bool")
            f.hints["mask_factory"] = factory
    if pol is None and means in ("fill", "ignore"):
        other = f.values["other_fixed"]
        f.alternatives.append(Finding(
            values={"fixed": other, "why": f"if `{text}` is 1 for the real tokens"}, confidence="low",
            facts={MASK_ARGUMENT, KEEP_MASK, INVERTED_FOR_OP}, hints={"rewrite": (use_frame, text, other, None)}))
    return f


def _computed_with_later(frame: FrameFacts, made: ast.AST) -> bool:
    """The name assigned `made` (`pad_mask = (...).float()`) is computed with later in its scope (`1.0 - pad_mask`,
    `x * pad_mask`): the cast is what makes that arithmetic work, so it is kept."""
    tree = src.tree_of(frame.file)
    stmt = src.statement_at(tree, made.lineno) if tree is not None and hasattr(made, "lineno") else None
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return False
    from .mask_factory import computed_with
    name = stmt.targets[0].id
    return any(isinstance(o, ast.Name) and o.id == name for n in src.walk_scope(src.enclosing_scope(tree, stmt.lineno))
               if getattr(n, "lineno", 0) > stmt.lineno for o in computed_with(n))


def _complement(node: ast.AST | None) -> ast.AST | None:
    """`keep` of `1 - keep` (`1.0 - keep`)."""
    if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and isinstance(node.left, ast.Constant)
            and node.left.value == 1):
        return node.right
    return None


def _rewrite(f: Finding, frame_index: int, text: str, new: str, node: ast.AST | None = None) -> Finding:
    """Plan the edit: `text` (the node itself when known, else found in the frame's failing statement)
    becomes `new`."""
    f.values["fixed"] = new
    f.hints["rewrite"] = (frame_index, text, new, node)
    return f


def _find_mask(ctx: Context, frame: FrameFacts) -> tuple[TensorFacts | None, str | None, tuple[int, str] | None]:
    """(the mask, the op or parameter that refused it, (the frame, the text) where the user's code hands it
    over): the argument text of the user's call when the mask reached a library through a parameter."""
    named = _MASK_DTYPE_PARAM.search(ctx.message)
    if named:  # raised inside torch's attention: the argument the user's call passed for that parameter
        param = named.group(1)
        for fr in ctx.user_frames():
            arg, t = ctx.call_arg_tensor(fr, (param,))
            kept = _complement(_node_of(arg.text)) if arg is not None and t is None else None
            if kept is not None:  # `src_key_padding_mask=1 - valid`: arithmetic keeps the operand's dtype
                t = fr.tensor(ast.unparse(base(kept)))
            if arg is not None and t is not None:
                return t, f"`{param}`", (fr.index, arg.text)
        for fr in ctx.user_frames():  # the layer's own `key_padding_mask`: fed from one of the call's *_key_padding_mask
            for a in fr.call_args:
                if not (a.param and a.param != param and a.param.endswith(param)):
                    continue
                arg, t = ctx.call_arg_tensor(fr, (a.param,))
                if t is not None and t.dtype != "torch.bool" and not t.dtype.startswith("torch.float"):
                    return t, f"`{a.param}`", (fr.index, arg.text)
        return None, None, None
    call = _mask_call(frame)
    if call is not None:
        opname, arg = call
        text = src.segment(frame.file, arg)
        t = frame.tensor(text) or frame.tensor(src.segment(frame.file, base(arg)))
        if t is None and _complement(arg) is not None:  # `1 - keep`: arithmetic keeps the operand's dtype
            t = frame.tensor(src.segment(frame.file, base(_complement(arg))))
        if t is not None:
            return t, opname, (frame.index, text)
    op = _OP_IN_MESSAGE.search(ctx.message)
    opname = (op.group(1) or "scaled_dot_product_attention") if op else None
    lib = ctx.library_tensor("mask", "condition", "attn_mask")
    if lib is not None and lib.dtype != "torch.bool":
        u = ctx.user_name(lib)
        if u is not None:
            return u, opname, (u.frame, u.expr)
    return None, None, None


#: Mask-taking ops: (positional index of the mask in a method call, in a `torch.` function call, keyword).
_MASK_SLOT = {"masked_fill": (0, 1, "mask"), "masked_fill_": (0, 1, "mask"), "masked_select": (0, 1, "mask"),
              "masked_scatter": (0, 1, "mask"), "masked_scatter_": (0, 1, "mask"), "where": (None, 0, "condition"),
              "scaled_dot_product_attention": (None, None, "attn_mask")}


def _mask_call(frame: FrameFacts) -> tuple[str, ast.AST] | None:
    """The innermost mask-taking call of the failing expression and its mask argument."""
    node = expression_in(frame, frame.node) if frame.node else None
    if node is None:
        return None
    for n in ast.walk(node):
        if not isinstance(n, ast.Call):
            continue
        name = src.call_name(n).split(".")[-1]
        if name not in _MASK_SLOT:
            continue
        as_method, as_function, kw = _MASK_SLOT[name]
        is_function = src.call_name(n).split(".")[0] in ("torch", "F", "functional", "nn") or isinstance(n.func, ast.Name)
        slot = as_function if is_function else as_method
        k = src.keyword(n, kw)
        if k is not None:
            return name, k.value
        if slot is not None and len(n.args) > slot:
            return name, n.args[slot]
    return None


# --- from a traceback's text --------------------------------------------------------------------------------

@analyzer("text-mask-dtype")
def text_mask_dtype(ctx: Context) -> Finding | None:
    """The misuse the message names, and for operator misuses the corrected expression, read from the
    logged source line (a bool operand is known only when the code shows it: a comparison, `~`, `.bool()`)."""
    kind = message_kind(ctx.message)
    f = Finding()
    f.facts.add(kind)
    if kind == MASK_ARGUMENT:
        return f
    two = "two bool tensors" in ctx.message
    for fr in reversed(ctx.frames):
        if fr.library or not fr.source:
            continue
        node = _parsed_line(fr.node or fr.source)
        for n in ast.walk(node) if node is not None else ():
            new = _text_rewrite(n, kind, two)
            if new:
                f.values.update(expr=ast.unparse(n), fixed=new)
                return f
        break
    return f


def _parsed_line(text: str) -> ast.AST | None:
    text = text.strip()
    for candidate in (text, text.rstrip(":") + ": pass" if text.endswith(":") else None):
        if candidate is None:
            continue
        try:
            return ast.parse(candidate)
        except SyntaxError:
            continue
    return None


def _text_rewrite(n: ast.AST, kind: str, two: bool) -> str | None:
    if kind == BOOL_ARITHMETIC and isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub):
        if two:
            return f"{_wrap(n.left)} & ~{_wrap(n.right)}"
        if isinstance(n.left, ast.Constant) and n.left.value == 1:
            return f"~{_wrap(n.right)}"
    if kind == INVERT_FLOAT and isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Invert):
        return f"{_wrap(n.operand)} == 0"
    return None
