"""Labels padded to a configured maximum length while the tokenizer pads the inputs only to each batch's
longest text: the user's code pads every example's labels with `[-100] * (args.max_len - len(labels))`, and the
tokenizer call that makes the inputs has `max_length=args.max_len` but `padding="longest"` (or True), so the
labels come out wider than the logits.  Padding the inputs to that same maximum (`padding="max_length"`) makes
both one width.  Read from the user's source only: the padding expression and the tokenizer call, tied by the
text of their shared maximum."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact
from .classes import user_files
from .padded_items import pad_list

PADDED_TO_MAX = fact("padded-to-max", "the labels are padded to `max_expr` (`label_pad`, line `label_pad_line`) "
                                      "while the tokenizer call (line `tok_line`) that has `max_length=max_expr` "
                                      "pads the inputs only to the longest text (`padding_was`)")

PADDED_APART = fact("padded-apart", "the encodings are cut at `max_length=max_expr` (line `tok_line`) but padded "
                                    "apart by `pad_call` (line `pad_line`), only to each batch's longest")


WIDTH_ONLY_IN_MASK = fact("width-only-in-mask", "the mask is made `max_expr` wide by the user's helper "
                                                "(`label_pad`, line `label_pad_line`) while the tokenizer call beside "
                                                "it (line `tok_line`) pads the ids to each batch's longest text "
                                                "(`padding_was`) and is given no `max_length`")

COLLATE_LONGEST = fact("collate-longest", "the tokenizer call (line `tok_line`) cuts the texts at `max_length="
                                          "max_expr` without padding them and the collate function pads them to "
                                          "`longest_name = longest_was` (line `longest_line`)")


def _collate_longest(file: str, tree: ast.Module, ctx: Context, widths: dict) -> list:
    """(file, call, the width's assignment, the max_length keyword, the labels' padding) for a tokenizer call
    that truncates to `max_length=X` and pads nothing, while a function of the file sizes the batch it fills by
    its longest example (`longest = max(len(it["ids"]) for it in items)` then `torch.full((n, longest), pad)`)."""
    from ..fixes import tokenizes
    out = []
    for call in (c for c in src.calls(tree) if tokenizes(c, ctx, tree)):
        padding, most, cut = (src.keyword(call, k) for k in ("padding", "max_length", "truncation"))
        if most is None or cut is None or (padding is not None and not (
                isinstance(padding.value, ast.Constant) and padding.value.value in (False, "do_not_pad"))):
            continue
        made = widths.get(" ".join(ast.unparse(most.value).split()))
        sized = [a for a in src.nodes(tree, ast.Assign) if len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)
                 and isinstance(a.value, ast.Call) and src.call_name(a.value) == "max"
                 and any(isinstance(c, ast.Call) and src.call_name(c) == "len" for c in ast.walk(a.value))
                 and _fills_batch(tree, a)]
        if made is not None and len(sized) == 1:
            out.append((file, call, sized[0], most, made))
    return out


def _fills_batch(tree: ast.Module, a: ast.Assign) -> bool:
    """The width `a` binds sizes a (rows, width) tensor made in the same function (`torch.full((n, width), p)`)."""
    name, scope = a.targets[0].id, src.enclosing_scope(tree, a.lineno)
    return isinstance(scope, ast.FunctionDef) and any(
        src.call_name(c).split(".")[-1] in ("full", "zeros", "ones", "empty") and c.args
        and isinstance(c.args[0], ast.Tuple) and any(isinstance(e, ast.Name) and e.id == name for e in c.args[0].elts)
        for c in src.calls(scope))


_FACTORIES = ("zeros", "ones", "full", "empty")


def sizing_params(tree: ast.Module) -> dict[str, tuple[ast.FunctionDef, int]]:
    """The file's own functions that give one of their parameters as a dimension of a tensor they make, with that
    parameter's place: a list padded to it, `torch.arange(width)`, or a factory's size."""
    sizing = {}
    for fn in src.nodes(tree, ast.FunctionDef):
        params = [a.arg for a in fn.args.args]
        for n in src.nodes(fn, ast.BinOp):  # `seq + [value] * (length - len(seq))`: a list padded to `length`
            count = n.right if isinstance(n.left, ast.List) else n.left if isinstance(n.right, ast.List) else None
            if isinstance(n.op, ast.Mult) and isinstance(count, ast.BinOp) and isinstance(count.op, ast.Sub) \
                    and isinstance(count.left, ast.Name) and count.left.id in params:
                sizing[fn.name] = (fn, params.index(count.left.id))
        for c in src.calls(fn):
            if src.call_name(c).split(".")[-1] == "arange" and len(c.args) == 1 and isinstance(c.args[0], ast.Name) \
                    and c.args[0].id in params:  # `torch.arange(width)[None, :] < lengths[:, None]`
                sizing[fn.name] = (fn, params.index(c.args[0].id))
            if src.call_name(c).split(".")[-1] in _FACTORIES:
                dims = c.args[0].elts if len(c.args) == 1 and isinstance(c.args[0], (ast.Tuple, ast.List)) else c.args
                used = [params.index(d.id) for d in dims if isinstance(d, ast.Name) and d.id in params]
                if used:
                    sizing[fn.name] = (fn, used[-1])
    return sizing


def width_helper_calls(tree: ast.Module) -> list[tuple[ast.Call, ast.expr]]:
    """Every call of the file's own functions that give one of their parameters as a dimension of a tensor they
    make (`build_move_mask(plies, cfg.max_len)` of `def build_move_mask(plies, length): torch.zeros(len(plies),
    length)`), with the width it gives."""
    sizing = {name: at for name, (_, at) in sizing_params(tree).items()}
    return [(c, c.args[at]) for c in src.calls(tree) for at in [sizing.get(src.call_name(c))]
            if at is not None and at < len(c.args) and not isinstance(c.args[at], ast.Constant)]


def width_helper_defaults(tree: ast.Module) -> list[tuple[ast.Call, str, ast.expr]]:
    """Every call of such a function that leaves its width to the parameter's default (`build_mask(ids, idents)`
    of `def build_mask(ids, idents, max_len=MAX_SEQ_LEN)`): (the call, the parameter, its default)."""
    out = []
    for name, (fn, at) in sizing_params(tree).items():
        param = fn.args.args[at].arg
        default = src.param_defaults(fn).get(param)
        if default is None:
            continue
        skip = 1 if fn.args.args[0].arg == "self" else 0
        out += [(c, param, default) for c in src.calls(tree) if src.call_name(c).rpartition(".")[2] == name
                and len(c.args) <= at - skip and src.keyword(c, param) is None
                and not any(k.arg is None for k in c.keywords)]
    return out


def _helper_widths(tree: ast.Module) -> dict[str, ast.Call]:
    """The text of each width `width_helper_calls` gives, and its first call."""
    out: dict[str, ast.Call] = {}
    for c, width in width_helper_calls(tree):
        out.setdefault(" ".join(ast.unparse(width).split()), c)
    return out


def padded_to_max(ctx: Context, pad: int, helpers: bool = False) -> Finding | None:
    """The finding when exactly one tokenizer call of the user's files pads to the longest text with
    `max_length=X` and the labels are padded with `pad` to `X - len(...)` somewhere in those files (X the same
    text): hint `padded_to_max` = (file, the padding keyword's value node)."""
    from ..fixes import tokenizes
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        widths = {}
        for n in ast.walk(tree):
            count = pad_list(n, pad)
            if isinstance(count, ast.BinOp) and isinstance(count.op, ast.Sub):
                widths.setdefault(" ".join(ast.unparse(count.left).split()), n)
        if helpers:  # a mask made by the user's helper at the width it is given (`build_mask(rows, max_len)`)
            for k, v in _helper_widths(tree).items():
                widths.setdefault(k, v)
            found += _width_only_in_helper(file, tree, ctx)
        for call in (c for c in src.calls(tree) if tokenizes(c, ctx, tree)):
            longest, most = src.keyword(call, "padding"), src.keyword(call, "max_length")
            if longest is None or most is None or not (isinstance(longest.value, ast.Constant)
                                                       and longest.value.value in (True, "longest")):
                continue
            made = widths.get(" ".join(ast.unparse(most.value).split()))
            if made is not None:
                found.append((file, call, longest, most, made))
        found += _collate_longest(file, tree, ctx, widths) + _padded_apart(file, tree, ctx, widths)
        if not helpers:
            found += _aligned_apart(file, tree, ctx)
    if len(found) != 1:
        return None
    file, call, longest, most, made = found[0]
    if isinstance(longest, ast.Assign):  # the collate function's `longest = max(len(...) ...)`
        f = Finding(facts={PADDED_TO_MAX, COLLATE_LONGEST})
        f.values.update(max_expr=src.segment(file, most.value), label_pad=" ".join(src.segment(file, made).split()),
                        label_pad_line=made.lineno, tok_line=call.lineno, longest_line=longest.lineno,
                        longest_name=longest.targets[0].id, longest_was=src.segment(file, longest.value))
        f.hints["collate_longest"] = (file, longest, most.value)
        return f
    f = Finding(facts={PADDED_TO_MAX})
    f.values.update(max_expr=src.segment(file, most.value), label_pad=" ".join(src.segment(file, made).split()),
                    label_pad_line=made.lineno, tok_line=call.lineno,
                    padding_was=f"padding={src.segment(file, longest.value)}")
    if not isinstance(most, ast.keyword):  # the width is the mask helper's argument alone
        f.facts.add(WIDTH_ONLY_IN_MASK)
        cut = "" if src.keyword(call, "truncation") is not None else ", truncation=True"
        f.values["padding_to"] = f'"max_length", max_length={src.segment(file, most.value)}{cut}'
    elif src.keyword(call, "max_length") is None:  # `tok.pad(feats, padding=True)`: the maximum is given to it too
        f.facts.add(PADDED_APART)
        fn = src.enclosing_scope(src.tree_of(file), call.lineno)
        f.values.update(padding_to=f'"max_length", max_length={src.segment(file, most.value)}',
                        pad_call=" ".join(src.segment(file, call).split()), pad_line=call.lineno,
                        tok_line=most.value.lineno, pad_where=f", in `{fn.name}`" if isinstance(
                            fn, (ast.FunctionDef, ast.AsyncFunctionDef)) else "")
    f.hints["padded_to_max"] = (file, longest.value)
    return f


def _width_only_in_helper(file: str, tree: ast.Module, ctx: Context) -> list:
    """(file, the tokenizer call, its padding keyword, a stand-in keyword holding the width, the helper's call) for
    a tokenizer call that pads to the longest text with no `max_length`, in a function that also calls one helper
    of the file making a tensor at the width it is given (`ambiguity_mask(kmer_lists, cfg.max_tokens)`)."""
    from types import SimpleNamespace

    from ..fixes import tokenizes
    out = []
    sized = width_helper_calls(tree)
    for call in (c for c in src.calls(tree) if tokenizes(c, ctx, tree)):
        longest = src.keyword(call, "padding")
        if src.keyword(call, "max_length") is not None or longest is None or not (
                isinstance(longest.value, ast.Constant) and longest.value.value in (True, "longest")):
            continue
        scope = src.enclosing_scope(tree, call.lineno)
        beside = [(c, w) for c, w in sized if src.enclosing_scope(tree, c.lineno) is scope]
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)) and len(beside) == 1:
            out.append((file, call, longest, SimpleNamespace(value=beside[0][1]), beside[0][0]))
    return out


def _padded_apart(file: str, tree: ast.Module, ctx: Context, widths: dict) -> list:
    """(file, the pad call, its padding keyword, the cutting call's max_length keyword, the labels' padding) for
    encodings cut at `max_length=X` by the one tokenizer call of the file that encodes text, then padded apart,
    only to each batch's longest, by `tok.pad(feats, padding=True)` with no maximum of its own, while the labels
    are padded to `X - len(...)`."""
    from ..fixes import tokenizes
    made = [c for c in src.calls(tree) if tokenizes(c, ctx, tree)]
    cutting = [c for c in made if src.call_name(c).split(".")[-1] != "pad"]
    pads = [c for c in made if src.call_name(c).split(".")[-1] == "pad" and src.keyword(c, "max_length") is None]
    if len(cutting) != 1 or len(pads) != 1:
        return []
    most, longest = src.keyword(cutting[0], "max_length"), src.keyword(pads[0], "padding")
    if most is None or src.keyword(cutting[0], "padding") is not None or longest is None or not (
            isinstance(longest.value, ast.Constant) and longest.value.value in (True, "longest")):
        return []
    pad_to = widths.get(" ".join(ast.unparse(most.value).split()))
    return [(file, pads[0], longest, most, pad_to)] if pad_to is not None else []


def _aligned_apart(file: str, tree: ast.Module, ctx: Context) -> list:
    """(file, the padding call, its padding keyword, the aligning call's max_length keyword, the aligning call) for
    labels aligned on one tokenizer call's `word_ids()` that pads to `max_length=X` (so every label row is X long),
    while the one other tokenizer call of the file, the one that makes the batch's inputs (a collate function's),
    pads only to each batch's longest text and has no maximum."""
    from ..fixes import tokenizes
    made = [c for c in src.calls(tree) if tokenizes(c, ctx, tree)]
    aligned = [c for c in made if _pads_to_max(c) and _reads_word_ids(tree, c)]
    longest = [c for c in made if c not in aligned and src.keyword(c, "max_length") is None
               and (kw := src.keyword(c, "padding")) is not None
               and isinstance(kw.value, ast.Constant) and kw.value.value in (True, "longest")]
    if len(aligned) != 1 or len(longest) != 1:
        return []
    return [(file, longest[0], src.keyword(longest[0], "padding"), src.keyword(aligned[0], "max_length"), aligned[0])]


def _pads_to_max(call: ast.Call) -> bool:
    kw, most = src.keyword(call, "padding"), src.keyword(call, "max_length")
    return most is not None and kw is not None and isinstance(kw.value, ast.Constant) and kw.value.value == "max_length"


def _reads_word_ids(tree: ast.Module, call: ast.Call) -> bool:
    """The function that makes `call` reads `word_ids()` off an encoding: labels aligned on its pieces."""
    scope = src.enclosing_scope(tree, call.lineno)
    return isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
        src.call_name(c).split(".")[-1] == "word_ids" for c in src.calls(scope))
