"""Fix for one label per text given to a model that predicts once per window: the tokenizer cut the texts into
overlapping windows (`return_overflowing_tokens=True`) and the user kept the window-to-text map
(`owner = enc.pop("overflow_to_sample_mapping")`), but the loss gets the texts' labels (`labels=readmit_labels`,
3 for 10 windows).  Each window takes its text's label: `readmit_labels[owner]`."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import Finding, fact
from ..facts import Context
from ..model import Edit
from . import edits_of, failing_statement, find_expr

WINDOW_LABELS = fact("window-labels", "the model predicts once per window of the texts (`owner` maps windows to "
                                      "texts) and got one label per text, `labels`")
_MAP_KEY = "overflow_to_sample_mapping"


def _window_map(tree: ast.Module, scope: ast.AST, line: int) -> str | None:
    """The one name assigned the tokenizer's window-to-text map before `line` in `scope`
    (`owner = enc.pop("overflow_to_sample_mapping")`, `owner = enc["overflow_to_sample_mapping"]`)."""
    found = []
    for a in src.statements(scope, nested=True):
        if not (isinstance(a, ast.Assign) and a.lineno < line and len(a.targets) == 1
                and isinstance(a.targets[0], ast.Name)):
            continue
        v = a.value
        key = v.args[0] if isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) and v.func.attr in (
            "pop", "get") and v.args else v.slice if isinstance(v, ast.Subscript) else None
        if isinstance(key, ast.Constant) and key.value == _MAP_KEY:
            found.append(a.targets[0].id)
    return found[0] if len(set(found)) == 1 else None


def labels_per_window(ctx: Context, f: Finding) -> list[Edit]:
    """`labels[owner]` where the failing call passes the per-text labels, when the frame holds the window map
    `owner` with one entry per prediction row, each a row of the labels."""
    labels = f.hints.get("labels")
    rows = f.values.get("a")  # the predictions' rows, as the message gives them
    rows = int(rows) if isinstance(rows, str) and rows.isdigit() else rows
    if labels is None or not labels.shape or not isinstance(rows, int):
        return []
    for fr in ctx.user_frames():
        tree = src.tree_of(fr.file)
        found = failing_statement(fr)
        if tree is None or found is None:
            continue
        owner = _window_map(tree, src.enclosing_scope(tree, fr.line), fr.line)
        t = fr.tensor(owner) if owner else None
        if t is None or len(t.shape) != 1 or t.shape[0] != rows or t.max is None or t.max >= labels.shape[0]:
            continue
        given = next((a.text for a in fr.call_args if a.param == "labels" or a.text == labels.expr), None)
        node = find_expr(fr.file, found[1], given) if given else None
        if node is None:
            continue
        fixed = f"{given}[{owner}]"
        f.facts.add(WINDOW_LABELS)
        f.values.update(owner=owner, labels_by_window=fixed, window_labels=given)
        f.confidence = "high"
        return edits_of(src.LineEditor.for_node(fr.file, found[1]).replace(node, fixed))
    return []


LABELS_PER_TEXT_LOOP = fact("labels-per-text-loop", "`loop_header` (line `loop_line`) makes the labels once per "
                                                    "text of `texts`, while the tokenizer call (line `tok_line`) cut "
                                                    "them into windows (`return_overflowing_tokens=True`)")


def labels_loop_per_text(ctx: Context, f: Finding) -> list[Edit]:
    """The function that cuts texts into windows with a tokenizer call (`return_overflowing_tokens=True`) makes
    the labels in a loop over the texts (`for i, ex in enumerate(examples):`, `examples` the list the call's
    texts come from), one per text, while the model gets one row per window: the loop walks the windows
    instead, each taking its text, `enumerate(examples[j] for j in sample_map)` (the window map the function
    keeps, or reads off the encoding).  Only when the labels are fewer than the predictions, and the loop is the
    one loop of that function over that list that appends."""
    from . import is_tokenizer_call
    n_logits, n_labels = f.values.get("n_logits"), f.values.get("n_labels")
    if not (isinstance(n_logits, int) and isinstance(n_labels, int) and n_labels < n_logits):
        return []
    from ..analyzers.classes import user_files
    hits = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            calls = [c for c in src.calls(fn) if is_tokenizer_call(c, ctx) and any(
                k.arg == "return_overflowing_tokens" and isinstance(k.value, ast.Constant) and k.value.value is True
                for k in c.keywords)]
            if len(calls) != 1:
                continue
            call = calls[0]
            texts = {n for a in [*call.args, *(k.value for k in call.keywords if k.arg in ("text", "text_pair"))]
                     for n in src.names_in(a)}
            loops = []
            for loop in (n for n in ast.walk(fn) if isinstance(n, ast.For) and n.lineno > call.lineno):
                it = loop.iter
                if isinstance(it, ast.Call) and src.call_name(it) == "enumerate" and len(it.args) == 1:
                    it = it.args[0]
                appends = any(isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
                              and c.func.attr == "append" for c in ast.walk(loop))
                if isinstance(it, ast.Name) and it.id in texts and appends:
                    loops.append((loop, it))
            if len(loops) != 1:
                continue
            owner = _window_map(tree, fn, loops[0][0].lineno)
            if owner is None:
                enc = src.statement_at(tree, call.lineno)
                if not (isinstance(enc, ast.Assign) and len(enc.targets) == 1 and isinstance(enc.targets[0], ast.Name)):
                    continue
                if any(isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr == "pop"
                       and c.args and isinstance(c.args[0], ast.Constant) and c.args[0].value == _MAP_KEY
                       for c in ast.walk(fn)):
                    continue  # popped later than the loop reads it
                owner = f'{enc.targets[0].id}["{_MAP_KEY}"]'
            hits.append((file, tree, fn, call, loops[0][0], loops[0][1], owner))
    if len(hits) != 1:
        return []
    file, tree, fn, call, loop, texts, owner = hits[0]
    bound = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)} | {a.arg for a in fn.args.args}
    var = next(v for v in ("j", "w", "win", "window_i", "_j") if v not in bound)
    new = f"{texts.id}[{var}] for {var} in {owner}"
    editor = src.LineEditor(file, loop.lineno, loop.lineno)
    if loop.iter is texts:
        editor.replace(texts, f"({new})")
    else:
        editor.replace(texts, new)
    made = edits_of(editor)
    if made:
        f.facts.add(LABELS_PER_TEXT_LOOP)
        f.values.update(loop_header=f"for {src.segment(file, loop.target)} in {src.segment(file, loop.iter)}",
                        loop_line=loop.lineno, texts=texts.id, tok_line=call.lineno, window_map=owner,
                        loop_fixed=f"{texts.id}[{var}] for {var} in {owner}")
    return made
