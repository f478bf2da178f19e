"""Fix for a DataLoader whose default collate met examples of different lengths: a padding `collate_fn`,
written into the user's file before the DataLoader.  Sequences given as Python lists are made tensors first;
the fields the script gives a classification loss as its target are padded with that loss's ignore index
(-100 unless the loss sets another), so padding never counts as a class."""
from __future__ import annotations

import ast
import re

from .. import files
from .. import source as src
from ..analyzers import Finding, fact
from ..facts import Context
from ..model import Edit
from . import Located, edits_of
from .collate_unpassed import collate_left_out
from .crops import crop_guarded_pad, cut_beside_padded, pad_guarded_crop, stop_clamped
from .short_sources import short_sources
from .window_tail import full_windows_only, tiles_to_edge
from .option_elsewhere import option_given_elsewhere
from .pad_option import pad_option_left_out

_PAD_COLLATE = """def pad_collate(examples):
    \"\"\"Pad each field's variable-length sequences to the longest in the batch{doc}.\"\"\"
    from collections.abc import Mapping

    import torch

    def pad(values, value{pad_default}):
        if isinstance(values[0], Mapping):  # a dict (or a tokenizer's encoding) per example: each key padded
            return {{name: pad([v[name] for v in values], value) for name in values[0]}}
        if isinstance(values[0], (list, tuple)):
            values = [torch.tensor(v) for v in values]
        if isinstance(values[0], torch.Tensor) and values[0].dim() > 0:
            varying = [d for d in range(values[0].dim()) if len({{v.shape[d] for v in values}}) > 1]
            d = varying[0] if len(varying) == 1 else 0  # (channels, steps) items: padded along the steps
            moved = [v.movedim(d, 0) for v in values]
            padded = torch.nn.utils.rnn.pad_sequence(moved, batch_first=True, padding_value=value)
            return padded.movedim(1, d + 1)
        return torch.utils.data.default_collate(list(values))

    if isinstance(examples[0], Mapping):
        return {{name: pad([e[name] for e in examples]{by_key}) for name in examples[0]}}
    if isinstance(examples[0], torch.Tensor):  # one tensor per example
        return pad(list(examples))
    return [{as_list}pad(list(field){by_position}) for i, field in enumerate(zip(*examples))]
"""
_LOSSES = {"CrossEntropyLoss": "cross_entropy", "NLLLoss": "nll_loss"}
_TARGET_WRAPPERS = ("reshape", "view", "flatten", "long", "to", "contiguous", "squeeze")


def loader_collate(ctx: Context, f: Finding) -> Located:
    """The DataLoader's call gets `collate_fn=pad_collate`, the helper written just before its statement."""
    padded = _pad_fixed_cut(ctx, f) or cut_beside_padded(ctx, f) or stop_clamped(ctx, f) or pad_guarded_crop(ctx, f) or \
        crop_guarded_pad(ctx, f) or \
        pad_option_left_out(ctx, f) or _full_windows(ctx, f)
    if padded:  # `window = seq[:WINDOW + 1]` in `__getitem__`: the shorter ones padded to that length there
        return padded, None
    frame = ctx.user
    tree = src.tree_of(frame.file) if frame else None
    loader, built = f.hints.get("loader"), f.hints.get("loader_call")
    if f.hints.get("loader_calls"):  # several loaders: the one whose dataset left out its sibling's option
        given = option_given_elsewhere(f, f.hints["loader_calls"])
        return (given or _every_loader(f, f.hints["loader_calls"])), None
    if built is not None:  # the DataLoader a library iterated: its call in the user's file
        file, call = built
        stmt = src.statement_at(src.tree_of(file), call.lineno)
    elif tree is not None and loader:
        file, call = frame.file, _made_loader(tree, loader, frame.line)
        if call is None and loader in frame.params:  # a parameter: the loader the live caller handed it
            file, tree, call = _handed_loader(ctx, frame, loader)
        if call is None:
            return [], None
        stmt = src.statement_at(tree, call.lineno)
    else:
        return [], None
    given_elsewhere = option_given_elsewhere(f, [(file, call)]) if stmt is not None else []
    if given_elsewhere:  # `SmilesDataset(..., max_len=MAX_LEN)` elsewhere: this loader's dataset built without it
        return given_elsewhere, None
    if stmt is not None and src.keyword(call, "collate_fn") is not None:  # `collate_fn=collate_fn`, left None
        return collate_left_out(f, file, call, _pads), None
    if stmt is None:
        return [], None
    given = _collate_given_elsewhere(file, call)
    if given is not None:  # the file's other DataLoader has the user's own collate function: this one gets it too
        f.facts.add(COLLATE_ELSEWHERE)
        f.confidence = "high"  # the user's own padding function, given to the other loader: the facts decide
        f.values.update(collate_elsewhere=given, loader_text=" ".join(src.segment(file, call).split()),
                        loader_line=call.lineno, pads_with=" (with `pad_sequence`)" if "pad_sequence" in
                        src.text_of(file) else "", collate_does="pads" if _pads_rows(file, given) else
                        "joins items of different sizes into one batch")
        return edits_of(src.LineEditor.for_node(file, stmt).add_keywords(call, f"collate_fn={given}")), None
    tokenizer = _encodings_tokenizer(ctx, file, call, stmt)
    if tokenizer is not None:  # the examples are a tokenizer's encodings: its own padding collator
        return _padding_collator(file, call, stmt, tokenizer), None
    earlier = _earlier_loaders(file, stmt)
    if earlier:  # a training loader before the validation one that failed: one helper before both
        return _every_loader(f, [(file, c) for c in earlier] + [(file, call)]), None
    pad = f.values.get("pad_value", "").replace(", padding_value=", "") or "0"
    name = ast.unparse(stmt.targets[0]) if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None
    targets = target_keys(src.tree_of(file), name)
    keyed = {k: v for k, v in targets.items() if isinstance(k, str)}
    placed = {k: v for k, v in targets.items() if isinstance(k, int)}
    by_key = f", {_choice('name', keyed)} else {pad}" if keyed else ""
    by_position = f", {_choice('i', placed)} else {pad}" if placed else ""
    doc = "; the loss targets with the loss's ignore index" if targets else ""
    listed = sorted(k for k in per_example_fields(src.tree_of(file), name) if k not in placed)
    as_list = "" if not listed else (f"list(field) if i == {listed[0]} else " if len(listed) == 1
                                     else f"list(field) if i in {tuple(listed)} else ")
    if listed:
        doc += "; the fields the loop walks one example at a time are left a list"
    helper = _PAD_COLLATE.format(pad_default=f"={pad}", by_key=by_key, by_position=by_position, doc=doc,
                                 as_list=as_list)
    e = src.LineEditor.for_node(file, stmt).add_keywords(call, "collate_fn=pad_collate")
    made = e.edit()
    if made is None:
        return [], None
    first = files.line(file, stmt.lineno)
    indent = first[: len(first) - len(first.lstrip())]
    block = "".join(indent + line if line.strip() else line for line in (helper + "\n").splitlines(True))
    edit = Edit(file=made.file, start_line=made.start_line, end_line=made.end_line,
                replacement=block + made.replacement)
    if not src.parses_in_file(edit.file, edit.start_line, edit.end_line, edit.replacement):
        return [], None
    return [edit] + _later_loaders(file, stmt), None


FIXED_CUT = fact("fixed-cut", "the dataset's `__getitem__` cuts each sequence to a fixed length (`cut_stmt`, line "
                              "`cut_line`) but never pads the shorter ones to it; `pad_name` names the padding id")


def _pad_fixed_cut(ctx: Context, f: Finding) -> list[Edit]:
    """The user's one Dataset cuts a list to a fixed length in `__getitem__` (`window = self.games[idx][:N + 1]`,
    `N` a module constant), then makes a tensor of it: sequences shorter than the cut stay shorter, so the
    default collate cannot stack them.  The list is padded to the cut's length right after the cut, with the
    one padding id the module names (`PAD_TOKEN`)."""
    from ..analyzers.classes import module_defs
    from ..batches import sole_getitem
    item = sole_getitem(ctx)
    if item is None:
        return []
    file, tree, get = item
    defs = module_defs(tree)
    pads = [n for n, a in defs.items() if re.search(r"(^|_)PAD(_|$)", n) and n.isupper()]
    if len(pads) != 1:
        return []
    for stmt in get.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Subscript) and isinstance(stmt.value.slice, ast.Slice)):
            continue
        cut = stmt.value.slice
        if cut.lower is not None or cut.step is not None or cut.upper is None or not all(
                n in defs for n in src.names_in(cut.upper)) or not src.names_in(cut.upper):
            continue
        name = stmt.targets[0].id
        later = [c for c in src.calls(get) if c.lineno > stmt.lineno and src.call_name(c) in (
            "torch.tensor", "torch.LongTensor", "torch.as_tensor") and c.args and isinstance(c.args[0], ast.Name)
            and c.args[0].id == name]
        if not later:
            continue
        said = src.segment(file, cut.upper)
        size = said if re.fullmatch(r"\w+", said) else f"({said})"
        made = src.insert_after(file, stmt, f"{name} = {name} + [{pads[0]}] * ({size} - len({name}))")
        if made is None:
            return []
        f.facts.add(FIXED_CUT)
        f.values.update(cut_stmt=" ".join(src.segment(file, stmt).split()), cut_line=stmt.lineno, pad_name=pads[0],
                        cut_len=said)
        return [made]
    return []


def _full_windows(ctx: Context, f: Finding) -> list[Edit]:
    """The user's one Dataset stores window starts up to the end of each sequence (fixes/window_tail.py)."""
    from ..analyzers.classes import user_files
    from ..batches import user_datasets
    found = user_datasets(ctx)
    return (full_windows_only(f, *found[0]) or short_sources(ctx, f, *found[0]) if len(found) == 1 else []) \
        or tiles_to_edge(f, user_files(ctx))


def _earlier_loaders(file: str, stmt: ast.stmt) -> list[ast.Call]:
    """The DataLoader calls without a `collate_fn` of the same scope before `stmt` (the training loader made
    before the validation one whose batch failed first): their batches are as ragged."""
    tree = src.tree_of(file)
    scope = src.enclosing_scope(tree, stmt.lineno) if tree is not None else None
    return [c for c in (src.calls(scope) if scope is not None else ()) if c.lineno < stmt.lineno
            and src.call_name(c).endswith("DataLoader") and src.keyword(c, "collate_fn") is None
            and src.enclosing_scope(tree, c.lineno) is scope]


def _later_loaders(file: str, stmt: ast.stmt) -> list[Edit]:
    """`collate_fn=pad_collate` for the other DataLoaders without one in the same scope after `stmt` (the
    validation loader beside the training one: its batches are as ragged), where the helper is in scope."""
    tree = src.tree_of(file)
    scope = src.enclosing_scope(tree, stmt.lineno) if tree is not None else None
    edits = []
    for call in src.calls(scope) if scope is not None else ():
        if (call.lineno <= (stmt.end_lineno or stmt.lineno) or not src.call_name(call).endswith("DataLoader")
                or src.keyword(call, "collate_fn") is not None or src.enclosing_scope(tree, call.lineno) is not scope):
            continue
        later = src.statement_at(tree, call.lineno)
        made = src.LineEditor.for_node(file, later).add_keywords(call, "collate_fn=pad_collate").edit() \
            if later is not None else None
        if made is not None:
            edits.append(made)
    return edits


COLLATE_ELSEWHERE = fact("collate-elsewhere", "another DataLoader of the file is given the user's own "
                                              "`collate_elsewhere`, the one that failed (`loader_text`, line "
                                              "`loader_line`) none")


def _collate_given_elsewhere(file: str, call: ast.Call) -> str | None:
    """The one collate function of the file's own (a name it defines, bound where `call` is) that the file's other
    DataLoader calls are given (`DataLoader(val_ds, collate_fn=collate_posts)` beside the failing
    `DataLoader(train_ds)`), when it pads (`pad_sequence`, or a fill to the longest item)."""
    tree = src.tree_of(file)
    if tree is None:
        return None
    defs = {n.name: n for n in src.nodes(tree, ast.FunctionDef)}
    given = {ast.unparse(kw.value) for c in src.calls(tree) if c is not call and src.call_name(c).endswith("DataLoader")
             for kw in [src.keyword(c, "collate_fn")] if kw is not None}
    own = [g for g in given if g in defs and _pads(defs[g])]
    from .checks import bound_names
    if len(own) != 1 or len(given) != 1 or own[0] not in (bound_names(file, call.lineno) or set()):
        return None
    return own[0]


def _pads_rows(file: str, name: str) -> bool:
    """The file's function `name` pads (not only joins items, as graphs are batched)."""
    fn = next((n for n in src.nodes(src.tree_of(file), ast.FunctionDef) if n.name == name), None)
    return fn is not None and bool(re.search(r"pad_sequence|\bpad\(|\.pad\(|max\(", ast.unparse(fn)))


def _pads(fn: ast.FunctionDef) -> bool:
    """The function pads what it collates: `pad_sequence`, `F.pad`, or a tensor filled to the longest item
    (`T = int(lengths.max())` and rows written into a slice of a tensor made that wide, `out[i, :n] = seq`); or
    it joins items of different sizes into one batch the way graphs are batched (`torch.cat` of the node lists,
    the edges shifted by a running offset)."""
    text = ast.unparse(fn)
    if re.search(r"pad_sequence|\bpad\(|max\(\s*len\(|\.pad\(|max\(.*\.size\(|max\(.*\.shape", text):
        return True
    if re.search(r"\btorch\.cat\(", text) and re.search(r"\boffset\b|\+=", text):
        return True  # items of different sizes joined into one batch (graphs: nodes concatenated, edges offset)
    return bool(re.search(r"\.max\(|\bmax\(", text)) and any(
        isinstance(t, ast.Subscript) and any(isinstance(s, ast.Slice) for s in ast.walk(t.slice))
        for a in ast.walk(fn) if isinstance(a, ast.Assign) for t in a.targets)


def _made_loader(tree: ast.Module, loader: str, line: int) -> ast.Call | None:
    """The DataLoader call that made `loader` read at `line`: its assignment there, or, for a parameter of the
    function the loop is in (`def train_one_epoch(model, loader, ...)`), what the one caller handed it."""
    a = src.last_assignment(tree, loader, line)
    made = a.value if a is not None else src.name_source(tree, ast.Name(id=loader, lineno=line, col_offset=0))
    if isinstance(made, ast.Call) and not src.call_name(made).endswith("DataLoader"):
        made = _returned_loader(tree, made)  # `loader = make_loader(tracks)`: the DataLoader it returns
    return made if isinstance(made, ast.Call) and src.call_name(made).endswith("DataLoader") else None


def _handed_loader(ctx: Context, frame, param: str) -> tuple[str, ast.Module | None, ast.Call | None]:
    """(file, tree, DataLoader call) for the loader the user's caller of `frame` gives its parameter `param`
    as a plain name (`run_epoch(model, val_loader)`), when a function is called with several loaders."""
    caller = ctx._caller(frame)
    arg = next((a for a in caller.call_args if a.param == param), None) \
        if caller is not None and not caller.library else None
    tree = src.tree_of(caller.file) if arg is not None and arg.text.isidentifier() else None
    if tree is None:
        return frame.file, None, None
    return caller.file, tree, _made_loader(tree, arg.text, caller.line)


def _returned_loader(tree: ast.Module, call: ast.Call) -> ast.Call | None:
    """The DataLoader call the file's function `call` calls returns, when it has one return, of one."""
    fn = next((d for d in src.nodes(tree, ast.FunctionDef) if d.name == src.call_name(call)), None)
    returns = [r for r in ast.walk(fn) if isinstance(r, ast.Return)] if fn is not None else []
    value = returns[0].value if len(returns) == 1 else None
    return value if isinstance(value, ast.Call) and src.call_name(value).endswith("DataLoader") else None


def _every_loader(f: Finding, calls: list[tuple[str, ast.Call]]) -> list[Edit]:
    """Several DataLoaders of one file without a `collate_fn` (a data module's train and val loaders): one
    `pad_collate` written at the top level before the first of them, and each call given it."""
    file = calls[0][0]
    tree = src.tree_of(file)
    first = src.top_statement(tree, min(c.lineno for _, c in calls)) if tree is not None else None
    if first is None:
        return []
    pad = f.values.get("pad_value", "").replace(", padding_value=", "") or "0"
    helper = _PAD_COLLATE.format(pad_default=f"={pad}", by_key="", by_position="", doc="", as_list="")
    at = min([first.lineno] + [d.lineno for d in getattr(first, "decorator_list", [])])
    if at > 1 and not files.line(file, at - 1).strip():  # into the blank line before it: the helper alone
        at, text = at - 1, helper + "\n"
    else:
        text = helper + "\n\n" + files.line(file, at).rstrip("\n")  # the helper, then that first line
    edits = [Edit(file=file, start_line=at, end_line=at, replacement=text)] \
        if src.parses_in_file(file, at, at, text) else []
    for _, call in calls:
        stmt = src.statement_at(tree, call.lineno)
        e = src.LineEditor.for_node(file, stmt).add_keywords(call, "collate_fn=pad_collate") if stmt else None
        edit = e.edit() if e is not None else None
        if edit is None:
            return []
        if edits and edit.start_line == at:  # the first loader's own line: the helper goes before its new text
            edit = Edit(file=file, start_line=at, end_line=edit.end_line,
                        replacement=text[:-len(files.line(file, at).rstrip("\n"))] + edit.replacement)
            edits[0] = edit
            continue
        edits.append(edit)
    return edits if len(edits) == len(calls) + 1 or (edits and edits[0].start_line == at and len(edits) == len(
        calls)) else []


def _encodings_tokenizer(ctx: Context, file: str, call: ast.Call, stmt: ast.stmt) -> str | None:
    """The name of a tokenizer bound at the DataLoader's line when the loader's dataset is an instance of a
    user class whose `__getitem__` returns a tokenizer call's encoding as it is (no entry added to it)."""
    from . import tokenizes
    from .checks import bound_names
    tree = src.tree_of(file)
    if tree is None or "transformers" not in src.text_of(file):
        return None
    data = call.args[0] if call.args else getattr(src.keyword(call, "dataset"), "value", None)
    if isinstance(data, ast.Name):
        made = src.last_assignment(tree, data.id, stmt.lineno)
        data = made.value if made is not None else None
    if not (isinstance(data, ast.Call) and isinstance(data.func, ast.Name)):
        return None
    cls = next((c for c in src.nodes(tree, ast.ClassDef) if c.name == data.func.id), None)
    item = next((m for m in cls.body if isinstance(m, ast.FunctionDef) and m.name == "__getitem__"), None) \
        if cls is not None else None
    rets = [r for r in src.statements(item) if isinstance(r, ast.Return)] if item is not None else []
    if len(rets) != 1 or rets[0].value is None:
        return None
    value = rets[0].value
    if isinstance(value, ast.Name):
        if any(isinstance(n, ast.Assign) and any(isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name)
                                                 and t.value.id == value.id for t in n.targets)
               and _listy(tree, n.value, n.lineno) for n in ast.walk(item)):
            return None  # a list per example is added to the encoding (per-token labels): not padded by it
        made = src.last_assignment(tree, value.id, rets[0].lineno)
        value = made.value if made is not None else None
    if not (isinstance(value, ast.Call) and tokenizes(value, ctx, tree)):
        return None
    given = _tokenizer_given(cls, value, data)
    if given is not None:
        from ..analyzers.layer_parts import readable_at
        text = src.segment(file, given)
        scope = src.enclosing_scope(tree, stmt.lineno)
        in_method = isinstance(scope, ast.FunctionDef) and scope.args.args and scope.args.args[0].arg == "self"
        if text and ((in_method and text.startswith("self.")) or readable_at(file, stmt.lineno, text)):
            return text  # the tokenizer the dataset is given right there
    bound = bound_names(file, stmt.lineno) or set()
    names = [o.expr for fr in ctx.frames for o in fr.objects if o.kind == "tokenizer" and o.expr in bound]
    return names[0] if names else None


def _tokenizer_given(cls: ast.ClassDef, call: ast.Call, built: ast.Call) -> ast.expr | None:
    """The argument of the dataset's construction `built` that `__init__` stores as the `self.<attr>` the item
    method calls as its tokenizer (`self.tok(text, ...)`)."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self"):
        return None
    init = next((m for m in cls.body if isinstance(m, ast.FunctionDef) and m.name == "__init__"), None)
    if init is None:
        return None
    params = [a.arg for a in init.args.args[1:]]
    for n in src.statements(init):
        if not isinstance(n, ast.Assign) or len(n.targets) != 1:
            continue
        pairs = zip(n.targets[0].elts, n.value.elts) if isinstance(n.targets[0], ast.Tuple) and isinstance(
            n.value, ast.Tuple) else [(n.targets[0], n.value)]
        for target, value in pairs:
            if (isinstance(target, ast.Attribute) and target.attr == func.attr and isinstance(value, ast.Name)
                    and value.id in params):
                kw = src.keyword(built, value.id)
                place = params.index(value.id)
                return kw.value if kw is not None else built.args[place] if place < len(built.args) else None
    return None


def _listy(tree: ast.Module, value: ast.AST, line: int) -> bool:
    """A list literal or comprehension, a list concatenation, or a name last assigned one."""
    if isinstance(value, ast.Name):
        made = src.last_assignment(tree, value.id, line)
        value = made.value if made is not None else None
    return isinstance(value, (ast.List, ast.ListComp)) or (
        isinstance(value, ast.BinOp) and isinstance(value.op, (ast.Add, ast.Mult)))


def _padding_collator(file: str, call: ast.Call, stmt: ast.stmt, tokenizer: str) -> list[Edit]:
    """`collate_fn=DataCollatorWithPadding(<tokenizer>)` on the DataLoader, imported on the line before."""
    from . import imported_before
    made = src.LineEditor.for_node(file, stmt).add_keywords(call, f"collate_fn=DataCollatorWithPadding({tokenizer})")
    return imported_before(made.edit(), stmt, "DataCollatorWithPadding")


def _choice(var: str, values: dict) -> str:
    """`-100 if name == 'tags'` (several joined with `else`)."""
    return " else ".join(f"{v} if {var} == {k!r}" for k, v in sorted(values.items()))


def target_keys(tree: ast.Module | None, loader: str | None = None) -> dict[str | int, str]:
    """Batch fields the file gives a classification loss as its target, each with the loss's ignore index:
    keys of a dict batch (`loss_fn(out, batch["tags"].view(-1))` with `loss_fn = nn.CrossEntropyLoss(...)`,
    `F.cross_entropy(out, batch["labels"])`), and positions of a tuple batch (`for x, y in loader:` then
    `F.nll_loss(out, y)`: position 1)."""
    if tree is None:
        return {}
    losses: dict[str, str] = {}  # the names bound to loss modules, with their ignore index
    for n in src.nodes(tree, ast.Assign):
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.value, ast.Call) and \
                src.call_name(n.value).split(".")[-1] in _LOSSES:
            losses[ast.unparse(n.targets[0])] = _ignore_index(n.value)
    out: dict[str, str] = {}
    for call in src.calls(tree):
        name = src.call_name(call)
        if name in losses:
            ignore = losses[name]
        elif name.split(".")[-1] in _LOSSES.values() and name.split(".")[0] in ("F", "functional", "torch", "nn"):
            ignore = _ignore_index(call)
        else:
            continue
        target = call.args[1] if len(call.args) > 1 else getattr(src.keyword(call, "target"), "value", None)
        while isinstance(target, ast.Call) and isinstance(target.func, ast.Attribute) and \
                target.func.attr in _TARGET_WRAPPERS:
            target = target.func.value
        if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) and \
                isinstance(target.slice.value, str):
            out[target.slice.value] = ignore
        elif isinstance(target, ast.Name) and loader:
            k = _unpacked_at(tree, loader, target.id)
            if k is not None:
                out[k] = ignore
    return out


def per_example_fields(tree: ast.Module | None, loader: str | None) -> set[int]:
    """Positions of the loader's batch fields that the code walks one example at a time (`for t in targets`,
    `enumerate(targets)`, `zip(..., targets)`), in the loop over the loader or in a function of the file that
    the loop hands the field to (`render_targets(targets)`): a list of the examples' own values (a detection
    target dict per image), not one padded tensor."""
    if tree is None or not loader:
        return set()
    funcs = {n.name: n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    out: set[int] = set()
    for loop in (n for n in ast.walk(tree) if isinstance(n, ast.For)):
        it, target = src.unpacked_batches(loop)
        if ast.unparse(it) != loader or not isinstance(target, ast.Tuple):
            continue
        for k, e in enumerate(target.elts):
            if isinstance(e, ast.Name) and _only_walked(loop, e.id, funcs):
                out.add(k)
    return out


def _only_walked(loop: ast.For, name: str, funcs: dict[str, ast.AST]) -> bool:
    """Every read of `name` in the loop's body walks it (`for t in name`, `enumerate(name)`) or hands it to a
    function of the file that walks its parameter; a use as a tensor (`name.to(...)`, `model(name)`) keeps it one."""
    walkers = {id(a) for n in ast.walk(loop) for it in [n.iter if isinstance(n, (ast.For, ast.comprehension))
                                                          and n is not loop else None] if it is not None
               for a in (it.args if isinstance(it, ast.Call) and src.call_name(it) in ("enumerate", "zip") else [it])}
    handed = {id(a) for c in src.calls(loop) if src.call_name(c) in funcs
              for j, a in enumerate(c.args) if j < len(funcs[src.call_name(c)].args.args)
              and _walked(funcs[src.call_name(c)], funcs[src.call_name(c)].args.args[j].arg)}
    reads = [n for st in loop.body for n in ast.walk(st) if isinstance(n, ast.Name) and n.id == name
             and isinstance(n.ctx, ast.Load)]
    return bool(reads) and all(id(n) in walkers or id(n) in handed for n in reads)


def _walked(scope: ast.AST, name: str) -> bool:
    """`scope` iterates `name` itself: `for t in name`, `enumerate(name)`, `zip(..., name)`."""
    for n in ast.walk(scope):
        it = n.iter if isinstance(n, (ast.For, ast.comprehension)) else None
        if it is None:
            continue
        items = it.args if isinstance(it, ast.Call) and src.call_name(it) in ("enumerate", "zip") else [it]
        if any(isinstance(a, ast.Name) and a.id == name for a in items):
            return True
    return False


def _unpacked_at(tree: ast.Module, loader: str, name: str) -> int | None:
    """k when a loop unpacks the loader's batches with `name` at position k (`for x, y in loader`,
    `for step, (x, y) in enumerate(loader)`)."""
    for n in src.nodes(tree, ast.For):
        if not isinstance(n, ast.For):
            continue
        it, target = src.unpacked_batches(n)
        if ast.unparse(it) == loader and isinstance(target, ast.Tuple):
            hits = [i for i, e in enumerate(target.elts) if isinstance(e, ast.Name) and e.id == name]
            if hits:
                return hits[0]
    return None


def _ignore_index(call: ast.Call) -> str:
    """The loss's `ignore_index=` as written (a number or a name), else PyTorch's default -100."""
    kw = src.keyword(call, "ignore_index")
    return ast.unparse(kw.value) if kw is not None else "-100"
