"""Inputs and labels padded to two different targets by one collate function: each example's ids are padded
to the batch's own longest (`ids + [pad_id] * (longest - len(ids))`) and its labels to a fixed maximum
(`lab + [-100] * (self.max_len - len(lab))`), so a batch of short examples gets more labels than token
predictions.  The labels are padded to the inputs' target instead.  Read from the user's source: the
function returning the batch mapping, the lists its entries are made from, the padding appended to each."""
from __future__ import annotations

import ast
import re
from typing import NamedTuple

from .. import source as src
from ..facts import Context
from . import Finding, fact
from ..model import TensorFacts
from .classes import user_files
from .collators import returned_mappings
from .field_order import unpacked_names
from .label_sources import leaf

PAD_TARGETS = fact("pad-targets", "the collate function `collator` pads the inputs to `ids_target` (`ids_pad`) but "
                                  "the labels to `labels_target` (`labels_pad`, line `labels_pad_line`)")


class Padding(NamedTuple):
    """`kept + [value] * count` appended to one of the batch's lists; `target` is count's `T` of `T - len(x)`
    (a local count name followed to its assignment)."""

    stmt: ast.stmt
    padded: ast.expr
    count: ast.expr
    target: ast.expr
    whole: bool = False  # `count` is a width itself (a helper's width argument, a preallocated tensor's): replaced whole


def pad_targets(ctx: Context, f: Finding, labels: TensorFacts, ids: TensorFacts) -> bool:
    """Adds the fact, with hint `pad_targets` = (file, statement, count node, new count text), when exactly one
    function of the user's files returns the labels and the inputs (a mapping with their keys, or a tuple with
    them where a `for` header unpacks them) made from lists whose items are padded to two targets that read
    differently."""
    found = []
    for file, tree, fn, mine_item, their_item in _returned_pairs(ctx, labels, ids):
        pads = [_padding(file, tree, fn, item) for item in (mine_item, their_item)]
        if None in pads:
            continue
        mine, theirs = pads
        if _own_longest(tree, fn, mine) and _own_longest(tree, fn, theirs):
            continue  # each padded to its own longest: the widths differ only if a record's labels and ids do
        if src.segment(file, mine.target) == src.segment(file, theirs.target) or not _bound(file, tree, fn,
                                                                                         theirs.target,
                                                                                         mine.stmt.lineno):
            continue
        found.append((file, fn, mine, theirs))
    if not found:
        return padded_by_library(ctx, f, labels, ids)
    if len(found) != 1:
        return False
    file, fn, mine, theirs = found[0]
    if not (isinstance(mine.count, ast.BinOp) or mine.whole):  # a count name: its value is edited elsewhere
        return False
    _found(f, file, fn, mine, src.segment(file, theirs.target), theirs.padded, mine.padded)
    return True


def aligned_records_apart(ctx: Context, labels: TensorFacts, ids: TensorFacts) -> bool:
    """The labels are aligned to the word pieces (`_aligned_to_pieces`) and one collate function pads the
    labels and the ids each to its own longest: their widths differ only when some record's labels are not as
    long as its own ids, i.e. a record got labels made for other tokens (paired with another record's), which no
    padding or truncation mends."""
    for file, tree, fn, mine_item, their_item in _returned_pairs(ctx, labels, ids):
        if not _aligned_to_pieces(file, tree):
            continue
        pads = [_padding(file, tree, fn, item) for item in (mine_item, their_item)]
        if None not in pads and all(_own_longest(tree, fn, p) for p in pads):  # type: ignore[arg-type]
            return True
    return False


def padded_by_library(ctx: Context, f: Finding, labels: TensorFacts, ids: TensorFacts) -> bool:
    """A collate function whose inputs come from a padding call of a library (`enc = tok(texts, padding=True)`,
    `batch = self.tokenizer.pad(...)`, returned as the mapping itself or an item of it) and whose labels are
    padded by hand, to their own longest (`max(len(t) for t in tags)`) or into a tensor preallocated at a
    width of their own (`torch.full((n, spec.max_len), -100)`), the labels aligned to the word pieces
    (`_aligned_to_pieces`): the labels take the width the library gave the inputs,
    `enc["input_ids"].shape[1]`."""
    keys = leaf(labels.expr), leaf(ids.expr)
    found = []
    for file, tree, fn, ret, items in returned_mappings(ctx):
        if keys[0] not in items or keys[1] in items or not _aligned_to_pieces(file, fn):
            continue
        mine = _padding(file, tree, fn, items[keys[0]])
        if mine is None or not (mine.whole or _own_longest(tree, fn, mine)):
            continue
        splatted = [v for k, v in zip(ret.value.keys, ret.value.values) if k is None] if isinstance(
            ret.value, ast.Dict) else []  # `{**enc, "labels": ...}`
        holders = {h.id: made for v in [*items.values(), *splatted] for h in [_copied(v)] if isinstance(h, ast.Name)
                   for made in [src.assignments(tree, h.id, fn)] if len(made) == 1 and
                   _library_padding(made[0].value) and made[0].stmt.lineno < mine.stmt.lineno}
        if len(holders) == 1:
            (holder, made), = holders.items()
            found.append((file, fn, mine, f'{holder}["{keys[1]}"].shape[1]', made[0].value))
    if len(found) != 1:
        return False
    file, fn, mine, target, padded = found[0]
    _found(f, file, fn, mine, target, padded, mine.padded)
    return True


def _copied(value: ast.AST) -> ast.AST:
    """`enc` of `dict(enc)`, `{**enc}`, `enc.copy()` or `enc`."""
    if isinstance(value, ast.Call) and src.call_name(value) == "dict" and len(value.args) == 1:
        return value.args[0]
    if isinstance(value, ast.Dict) and len(value.keys) == 1 and value.keys[0] is None:
        return value.values[0]
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "copy":
        return value.func.value
    return value


_WORD_IDS = re.compile(r"\.word_ids\(")


def _aligned_to_pieces(file: str, fn: ast.AST) -> bool:
    """The labels are made per token, not per word: `word_ids()` aligns them in the file, or the code (`fn`: a
    function, or the whole module) gives the special tokens a label of their own at both ends (`[-100] +
    ex.tags + [-100]`) or a word's other pieces an ignored label (`[tag] + [-100] * (n - 1)`)."""
    if src.mentions(file, _WORD_IDS):
        return True
    for node in (src.walk_scope(fn) if not isinstance(fn, ast.Module) else ast.walk(fn)):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and isinstance(node.left, ast.List) and \
                len(node.left.elts) == 1 and isinstance(node.left.elts[0], ast.UnaryOp) and \
                isinstance(node.right, ast.BinOp) and isinstance(node.right.op, ast.Sub) and \
                isinstance(node.right.right, ast.Constant) and node.right.right.value == 1:
            return True  # `[-100] * (n - 1)`: the pieces after a word's first
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.right, ast.List) and \
                len(node.right.elts) == 1:
            first = node.left
            while isinstance(first, ast.BinOp) and isinstance(first.op, ast.Add):
                first = first.left
            if isinstance(first, ast.List) and len(first.elts) == 1 and \
                    ast.dump(first.elts[0]) == ast.dump(node.right.elts[0]):
                return True
    return False


def _library_padding(value: ast.AST) -> bool:
    """`tok.pad(features, ...)`, `tokenizer(texts, padding=...)`, `DataCollatorWithPadding(tok)(features)`: a
    library call that pads the inputs."""
    if not isinstance(value, ast.Call):
        return False
    name = src.call_name(value).split(".")[-1]
    return name == "pad" or src.keyword(value, "padding") is not None or (
        isinstance(value.func, ast.Call) and "Collator" in src.call_name(value.func))


def _own_longest(tree: ast.Module, fn: ast.FunctionDef, mine: Padding) -> bool:
    """The labels are padded to the longest of their own lists (`max(len(t) for t in tags)`)."""
    target = mine.target
    if isinstance(target, ast.Name):
        target = src.assigned_value(tree, fn, target, mine.stmt.lineno)
    return isinstance(target, ast.Call) and src.call_name(target) == "max" and any(
        isinstance(n, ast.Call) and src.call_name(n) == "len" for n in ast.walk(target))


def _found(f: Finding, file: str, fn: ast.FunctionDef, mine: Padding, ids_target: str, ids_padded: ast.AST,
           labels_padded: ast.AST) -> None:
    """The fact, its values and the hint `pad_targets` = (file, statement, count node, `ids_target - length`)."""
    cls = src.enclosing_class(src.tree_of(file), fn.lineno)
    f.facts.add(PAD_TARGETS)
    f.values.update(collator=f"{cls.name}.{fn.name}" if cls is not None else fn.name, collator_line=fn.lineno,
                    ids_target=ids_target, labels_target=src.segment(file, mine.target),
                    ids_pad=" ".join(src.segment(file, ids_padded).split()),
                    labels_pad=" ".join(src.segment(file, labels_padded).split()), labels_pad_line=mine.stmt.lineno)
    new = ids_target if mine.whole else f"{ids_target} - {src.segment(file, mine.count.right)}"  # type: ignore
    f.hints["pad_targets"] = (file, mine.stmt, mine.count, new)
    f.confidence = "high"  # one function pads the two to two targets: that is where the widths part


def _returned_pairs(ctx: Context, labels: TensorFacts, ids: TensorFacts):
    """(file, tree, function, the labels' item, the inputs' item) of the user's functions that return both."""
    keys = leaf(labels.expr), leaf(ids.expr)
    for file, tree, fn, ret, items in returned_mappings(ctx):
        if keys[0] in items and keys[1] in items:
            yield file, tree, fn, items[keys[0]], items[keys[1]]
    names = unpacked_names(ctx, labels)
    called = None
    if names is None:  # `ii, am, y = make_batch(rows)`: the names a call of the user's function is unpacked into
        names, called = _unpacked_call(ctx, labels)
    if names is None or ids.expr not in names:
        return
    at, other = names.index(labels.expr), names.index(ids.expr)
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            if called is not None and fn.name != called:
                continue
            for ret in (r for r in src.statements(fn) if isinstance(r, ast.Return)):
                if isinstance(ret.value, ast.Tuple) and len(ret.value.elts) == len(names):
                    yield file, tree, fn, ret.value.elts[at], ret.value.elts[other]


def _unpacked_call(ctx: Context, t: TensorFacts) -> tuple[list[str] | None, str | None]:
    """(the names, the function's name) of `a, b, c = helper(...)` that last assigned `t` (or the very tensor
    under its name in a caller's frame, the one that unpacked it and passed it on)."""
    for frame in [ctx.frames[t.frame], *ctx.user_frames()]:
        if frame.library or not t.expr.isidentifier() or not any(
                u.ident == t.ident and u.expr == t.expr for u in frame.tensors):
            continue
        tree = src.tree_of(frame.file)
        made = src.last_assignment(tree, t.expr, frame.line) if tree is not None else None
        stmt = made.stmt if made is not None else None
        if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Tuple)
                and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Name)
                and all(isinstance(e, ast.Name) for e in stmt.targets[0].elts)):
            return [e.id for e in stmt.targets[0].elts], stmt.value.func.id
    return None, None


def _padding(file: str, tree: ast.Module, fn: ast.FunctionDef, item: ast.AST | None) -> Padding | None:
    """The padding of the list an entry is made from (`torch.tensor(labels, ...)`, `labels`): the one
    `labels.append(...)` (or `+= [...]`) of the function whose item is `kept + [value] * (T - len(x))`, or the
    comprehension that makes the rows so (`torch.tensor([[1] * len(s) + [0] * (T - len(s)) for s in rows])`)."""
    if isinstance(item, ast.Call) and not (item.args and isinstance(item.args[0], (ast.Name, ast.ListComp, ast.Call))):
        return _helper_padding(file, tree, item)  # `pad_to(values=row, target_length=W, padding_value=v)` returned
    while isinstance(item, ast.Call) and item.args:
        if isinstance(item.func, ast.Name):  # `torch.tensor(pad_tags(rows, max_len))`: the user's padding helper
            helped = _helper_padding(file, tree, item)
            if helped is not None:
                return helped
        item = item.args[0]
    if isinstance(item, ast.Name):  # `keep = torch.tensor([...])` then `return tokens, keep, target`
        made = src.assignments(tree, item.id, fn)
        allocated = [m for m in made if _allocated_width(m.value) is not None]
        if len(made) > 1 and len(allocated) == 1:  # one branch preallocates the padded rows (another a 1-D target)
            made = allocated
        value = made[-1].value if len(made) == 1 else None
        width = _allocated_width(value)
        if width is not None:  # `tags = torch.full((len(items), CFG.max_len), -100)`, filled row by row
            return Padding(made[-1].stmt, value, width, width, whole=True)
        while isinstance(value, ast.Call) and value.args:
            value = value.args[0]
        if isinstance(value, ast.ListComp):
            item = value
    if isinstance(item, ast.ListComp) and len(item.generators) == 1:  # `[row + [pad] * (T - len(row)) for ...]`
        if isinstance(item.elt, ast.Call):  # `[tag_row(tags, MAX_TAGS) for ...]`
            return _helper_padding(file, tree, item.elt)
        padding = next((p for n in ast.walk(item.elt) if (p := _padded(n)) is not None), None)
        target = _target(tree, fn, padding[1], item.lineno) if padding is not None else None
        stmt = src.statement_at(tree, item.lineno)
        return Padding(stmt, item.elt, padding[1], target) if target is not None and stmt is not None else None
    if not isinstance(item, ast.Name):
        return None
    found = []
    for node in src.walk_scope(fn):
        added = None
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append"
                and isinstance(node.func.value, ast.Name) and node.func.value.id == item.id and len(node.args) == 1):
            added = node.args[0]
        if added is None:
            continue
        stmt = src.statement_at(tree, node.lineno)
        if isinstance(added, ast.Call) and _padded(added) is None:  # `labels.append(tag_row(tags, MAX_TAGS))`
            helped = _helper_padding(file, tree, added)
            if helped is None:
                return None
            found.append(helped)
            continue
        if isinstance(added, ast.Name):  # `labels.append(row)` after `row = lab + [-100] * (...)`
            grown = _grown(fn, added.id, node.lineno)
            if grown is not None:  # `row += [-100] * (width - len(row))` before it is appended
                target = _target(tree, fn, grown[1], grown[0].lineno)
                if target is None:
                    return None
                found.append(Padding(grown[0], grown[0].value, grown[1], target))
                continue
            value = src.assigned_value(tree, fn, added, node.lineno)
            made = src.last_assignment(tree, added.id, node.lineno)
            added, stmt = value, made.stmt if made is not None else None
        padding = _padded(added) if added is not None else None
        if padding is None or stmt is None:
            return None
        count = padding[1]
        target = _target(tree, fn, count, stmt.lineno)
        if target is None:
            return None
        found.append(Padding(stmt, added, count, target))
    return found[0] if len(found) == 1 else None


def _allocated_width(value: ast.AST | None) -> ast.expr | None:
    """`W` of `torch.full((rows, W), fill)`, `torch.zeros(rows, W)`, `torch.ones((rows, W), ...)`: a tensor
    preallocated at its padded width."""
    if not (isinstance(value, ast.Call) and src.call_name(value).split(".")[-1] in ("full", "zeros", "ones", "empty")
            and value.args):
        return None
    dims = value.args[0].elts if isinstance(value.args[0], (ast.Tuple, ast.List)) else value.args[
        :2 if src.call_name(value).split(".")[-1] != "full" else 0]
    return dims[1] if len(dims) == 2 else None


def _helper_padding(file: str, tree: ast.Module, call: ast.Call) -> Padding | None:
    """The padding a user function does to the width one of its parameters gets (`def tag_row(tags, width): ...
    return ids + [IGNORE] * (width - len(ids))`), read at a call of it: the argument given for that parameter
    is the target, replaced whole by the fix.  A lambda bound to a name pads so too."""
    from ..provenance import user_function
    helper = user_function(tree, call, call.lineno)
    if helper is None and isinstance(call.func, ast.Name):  # `pad = lambda row, n, v: row + [v] * (n - len(row))`
        made = [a.value for a in src.assignments(tree, call.func.id) if isinstance(a.value, ast.Lambda)]
        helper = made[0] if len(made) == 1 else None  # bound in the scope around (a closure's helper too)
    stmt = src.statement_at(tree, call.lineno)
    if helper is None or stmt is None:
        return None
    params = [a.arg for a in helper.args.args]
    params = params[1:] if params[:1] in (["self"], ["cls"]) else params
    params += [a.arg for a in helper.args.kwonlyargs]  # `def pad_to(*, values, target_length, padding_value)`
    def counted(count: ast.expr) -> ast.expr:  # `width - len(tags) - 2`: the constant is kept, the width replaced
        while isinstance(count, ast.BinOp) and isinstance(count.op, (ast.Add, ast.Sub)) \
                and isinstance(count.right, ast.Constant):
            count = count.left
        return count

    targets = {t.id for n in src.walk_scope(helper) if (p := _padded(n)) is not None
               and isinstance(t := _target(tree, helper, counted(p[1]), n.lineno), ast.Name)}
    if len(targets) != 1 or (width := targets.pop()) not in params:
        return None
    at = params.index(width)
    given = call.args[at] if at < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args) else (
        next((k.value for k in call.keywords if k.arg == width), None))
    return Padding(stmt, call, given, given, whole=True) if given is not None else None


def _grown(fn: ast.FunctionDef, name: str, before: int) -> tuple[ast.AugAssign, ast.expr] | None:
    """(the statement, count) of the last `name += [value] * count` of `fn` before line `before`."""
    found = [n for n in src.walk_scope(fn) if isinstance(n, ast.AugAssign) and isinstance(n.op, ast.Add)
             and isinstance(n.target, ast.Name) and n.target.id == name and n.lineno < before]
    rep = found[-1].value if found else None
    if not (isinstance(rep, ast.BinOp) and isinstance(rep.op, ast.Mult)):
        return None
    for lst, count in ((rep.left, rep.right), (rep.right, rep.left)):
        if isinstance(lst, ast.List) and len(lst.elts) == 1:
            return found[-1], count
    return None


def labels_padded_past_tokenizer(ctx: Context, f: Finding, key: str) -> bool:
    """The pad-targets reading for a collate function whose returned mapping is a tokenizer call's encoding
    (or reads its input ids), padded to the batch's longest text (`batch = tok(texts, padding=True, ...)`,
    `tok.pad(features)`), and whose `key` entry is made
    from lists padded to another target (`row += [-100] * (self.label_width - len(row))`): the labels get the
    encoding's width instead."""
    from ..fixes import tokenizes
    found = []
    for file, tree, fn, ret, items in returned_mappings(ctx):
        mapping = items.get("__mapping__") or _encoding_read(items)
        if key not in items or not isinstance(mapping, ast.Name):
            continue
        made = src.assignments(tree, mapping.id, fn, before=ret.lineno)
        call = made[0].value if made else None
        padding = src.keyword(call, "padding") if isinstance(call, ast.Call) else None
        padded = padding is not None and tokenizes(call, ctx, tree) and (
            isinstance(padding.value, ast.Constant) and padding.value.value in (True, "longest"))
        pads = isinstance(call, ast.Call) and padding is None and src.call_name(call).endswith(".pad") and not \
            src.keyword(call, "max_length")  # `tok.pad(features)`: to the batch's longest by default
        if not (padded or pads):
            continue
        mine = _padding(file, tree, fn, items[key])
        if mine is None or not (isinstance(mine.count, ast.BinOp) or mine.whole) \
                or mine.stmt.lineno < made[0].stmt.lineno:
            continue
        found.append((file, fn, mine, mapping.id, call))
    if len(found) != 1:
        return False
    file, fn, mine, enc, call = found[0]
    tensors = src.keyword(call, "return_tensors")
    width = f'{enc}["input_ids"].size(1)' if tensors is not None and isinstance(tensors.value, ast.Constant) and \
        tensors.value.value == "pt" else f'len({enc}["input_ids"][0])'  # lists (or arrays) of ids otherwise
    _found(f, file, fn, mine, width, call, mine.stmt)
    return True


def _encoding_read(items: dict[str, ast.AST]) -> ast.Name | None:
    """The encoding a returned dict reads its input ids from (`"input_ids": enc["input_ids"]`)."""
    for value in items.values():
        if isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name) \
                and isinstance(value.slice, ast.Constant) and value.slice.value == "input_ids":
            return value.value
        if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and value.attr == "input_ids":
            return value.value
    return None


def _padded(node: ast.AST) -> tuple[ast.expr, ast.expr] | None:
    """(kept, count) of `kept + [value] * count` / `kept + count * [value]`, or of `kept += [value] * count`."""
    if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add):
        rep, kept = node.value, node.target
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        rep, kept = node.right, node.left
    else:
        return None
    if not (isinstance(rep, ast.BinOp) and isinstance(rep.op, ast.Mult)):
        return None
    for lst, count in ((rep.left, rep.right), (rep.right, rep.left)):
        if isinstance(lst, ast.List) and len(lst.elts) == 1:
            return kept, count
    return None


def _target(tree: ast.Module, fn: ast.FunctionDef, count: ast.expr, line: int) -> ast.expr | None:
    """`T` of a count `T - len(x)`, or of the local name's value it reads (`gap = longest - len(ids)`); the length
    may be a local name too (`n = len(ids)` then `longest - n`)."""
    if isinstance(count, ast.Name):
        count = src.assigned_value(tree, fn, count, line)
    if not (isinstance(count, ast.BinOp) and isinstance(count.op, ast.Sub)):
        return None
    length = count.right
    if isinstance(length, ast.Name):
        length = src.assigned_value(tree, fn, length, line)
    if isinstance(length, ast.Call) and src.call_name(length) == "len":
        return count.left
    return None


def _bound(file: str, tree: ast.Module, fn: ast.FunctionDef, target: ast.expr, line: int) -> bool:
    """Whether every name `target` reads can be read at `line` of `fn` (checks.bound_names), a local of `fn`
    only when it is assigned before that line."""
    from ..fixes.checks import bound_names
    bound = bound_names(file, line) or set()
    for name in src.names_in(target):
        if name not in bound:
            return False
        made = src.assignments(tree, name, fn)
        if made and not any(a.stmt.lineno < line for a in made):
            return False
    return True


HELPER_WIDTH = fact("helper-width", "`labels` is made by the user's helper `helper` (line `helper_line`), which pads "
                                    "each row to the width it is given, `width`, while the inputs `ids` are "
                                    "`ids_width` wide")


def helper_width(ctx: Context, f: Finding, labels: TensorFacts, ids: TensorFacts) -> bool:
    """The labels' name was last assigned by a call of the user's helper that pads each row to a width parameter
    (`tag_ids = tag_rows(NOTES, settings["max_tags"])` of `def tag_rows(notes, width): ... row += [-100] *
    (width - len(row))`), given another width than the inputs have: the helper gets the inputs' width instead
    (`enc["input_ids"].shape[1]`), when their name is bound there."""
    from ..fixes.checks import bound_names
    frame = ctx.frames[labels.frame]
    tree = src.tree_of(frame.file) if not frame.library and labels.expr.isidentifier() else None
    made = src.last_assignment(tree, labels.expr, frame.line) if tree is not None else None
    call = made.value if made is not None and isinstance(made.value, ast.Call) else None
    padding = _helper_padding(frame.file, tree, call) if call is not None else None
    if padding is None or padding.target is None or not padding.whole:
        return False
    root = re.split(r"[\[.]", ids.expr, maxsplit=1)[0]
    if root not in (bound_names(frame.file, made.stmt.lineno) or set()) or ids.frame != labels.frame:
        return False
    width = src.segment(frame.file, padding.target)
    if width == f"{ids.expr}.shape[1]":
        return False
    f.facts.add(HELPER_WIDTH)
    f.values.update(helper=src.call_name(call), helper_line=made.stmt.lineno, width=width, ids=ids.expr,
                    ids_width=ids.shape[1] if ids.shape else "?")
    f.hints["helper_width"] = (frame.file, made.stmt, padding.target, f"{ids.expr}.shape[1]")
    f.confidence = "high"
    return True
