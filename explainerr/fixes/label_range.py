"""Fixes for class ids the classifier does not have: labels counted from one, a classifier sized by a stale
count or a map that grew later, negative markers the loss is told to skip, a size chosen by a caller."""
from __future__ import annotations

import ast
import re

from .. import files, source as src
from ..analyzers import Finding, fact
from ..analyzers.label_sources import labels_maker
from ..batches import item_entry
from ..facts import Context
from ..model import Edit
from ..settings_text import read_key, setting_edit
from . import Located, edits_of, failing_statement, find_expr, locator, loss_frame
from .checks import bound_names
from .label_splits import fill_from_every_split
from .offset_left_out import offset_left_out
from .quantized_past_count import quantized_past_count


def _derive_again(kept) -> list[Edit]:
    """`replace(base, relations=...)` → `replace(base, relations=..., num_labels=None)`: the derived field unset,
    so `__post_init__` derives it from the new value."""
    return edits_of(src.LineEditor.for_node(kept.file, kept.stmt).add_keywords(kept.call, f"{kept.field}={kept.unset}"))


def _binned_source(fr, name: str) -> ast.Assign | None:
    """The assignment of the labels' source when `name` is made once from rows of another name (`ytr =
    torch.tensor(y[itr])`) that is itself made once by a binning call (`y = np.digitize(Re, edges)`) and read
    by other statements too (the other splits, an evaluation): the bins, shifted where they are made."""
    from ..analyzers.bucket_count import BINNING_CALL
    tree = src.tree_of(fr.file)
    if tree is None or not name.isidentifier():
        return None
    scope = src.enclosing_scope(tree, fr.line)
    made = src.assignments(tree, name, scope)
    if len(made) != 1:
        return None
    for source in dict.fromkeys(src.names_in(made[0].value)):
        theirs = src.assignments(tree, source, scope)
        if len(theirs) != 1 or not isinstance(theirs[0].stmt, ast.Assign) or theirs[0].stmt.value is not theirs[0].value \
                or not isinstance(theirs[0].value, ast.Call) or not BINNING_CALL.search(src.call_name(theirs[0].value)):
            continue
        readers = {src.statement_at(tree, n.lineno) for n in ast.walk(scope) if isinstance(n, ast.Name)
                   and n.id == source and isinstance(n.ctx, ast.Load)}
        if len(readers - {made[0].stmt}) >= 1:
            return theirs[0].stmt
    return None


def _made_once_read_again(fr, stmt: ast.stmt, name: str) -> ast.Assign | None:
    """The one assignment of the plain name `name` in the failing line's scope, when its value is a call that
    makes a tensor (`y_t = torch.from_numpy(y)`) and another statement than the failing one reads the name."""
    from ..analyzers.label_dtype import makes_tensor
    tree = src.tree_of(fr.file)
    if tree is None or not name.isidentifier():
        return None
    scope = src.enclosing_scope(tree, fr.line)
    made = src.assignments(tree, name, scope)
    if len(made) != 1 or not isinstance(made[0].stmt, ast.Assign) or not isinstance(made[0].value, ast.Call) \
            or made[0].stmt.value is not made[0].value or not makes_tensor(made[0].value):
        return None
    failing = range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1)
    reads = [n for n in ast.walk(scope) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)
             and n.lineno > made[0].stmt.lineno and n.lineno not in failing]
    return made[0].stmt if reads else None


def _rows_of(stmt: ast.AST, node: ast.AST) -> ast.AST:
    """The subscript that takes rows of `node` in `stmt` (`y_t[bi]` for `y_t`), outermost; `node` otherwise."""
    while True:
        parent = next((n for n in ast.walk(stmt) if isinstance(n, ast.Subscript) and n.value is node), None)
        if parent is None:
            return node
        node = parent


ONE_BASED_AT_MAKER = fact("one-based-at-maker", "the labels are made 0-based where they are made (`maker_text`, "
                                                "line `maker_line`), so every loop over the loader reads them so")


def _batches_of_loader(ctx: Context, labels) -> bool:
    """The labels are a field of a DataLoader's batches (their provenance goes through the loader's construction)."""
    from ..provenance import trace
    return any(re.search(r"\bDataLoader\(", o.source or "") for o in trace(ctx, labels))


@locator("label-range")
def label_range(ctx: Context, f: Finding) -> Located:
    labels = f.hints.get("labels")
    variants = f.variants
    made = f.hints.get("one_based_map")
    if "setting-not-passed" in f.facts and "setting_not_passed" in f.hints:  # the map made for the run's setting
        left = f.hints["setting_not_passed"]
        return edits_of(src.LineEditor.for_node(left.file, left.stmt).add_keywords(left.call, f.values["passed"])), None
    quantized = quantized_past_count(ctx, f, f.values.get("max_label"), f.values.get("n_classes"))
    if quantized:  # `vel * BINS // 127`: the largest value gets bin BINS
        return quantized, None
    max_label = f.values.get("max_label")
    offset = offset_left_out(ctx, f, f.values.get("n_classes"), max_label + 1 if type(max_label) is int else None)
    if offset:  # `tgt_vocab=len(TGT_WORDS)` beside `src_vocab=len(SRC_WORDS) + 4`
        return offset, None
    if "zipped-key-order" in f.facts:
        file, loop, keys_node, source = f.hints["zipped"]
        return edits_of(src.LineEditor.for_node(file, loop.iter).replace(keys_node, source)), None
    if "bio-inside" in f.facts and "bio_inside" in f.hints:
        file, stmt, node, text = f.hints["bio_inside"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, text)), None
    if "attr-overridden" in f.facts and "overridden" in f.hints:  # the subclass's attribute, read off the data
        over = f.hints["overridden"]
        if over.instance in (bound_names(over.file, over.read.lineno) or set()):
            return edits_of(src.LineEditor.for_node(over.file, over.stmt).replace(over.read, f.values["attr_fixed"])), None
    if "kept-by-replace" in f.facts and "kept" in f.hints:  # `replace(base, relations=...)` keeps the count
        return _derive_again(f.hints["kept"]), None
    if "bins-one-more" in f.facts and "bins" in f.hints:  # `len(edges)` classes for len(edges) + 1 bins
        bins = f.hints["bins"]
        return edits_of(src.LineEditor.for_node(bins.file, bins.stmt).replace(bins.count, f.values["bins_fixed"])), None
    if "edges-with-limits" in f.facts and "edges_with_limits" in f.hints:  # the inner edges: one bin per class
        file, stmt, edges, *_ = f.hints["edges_with_limits"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(edges, f.values["edges_fixed"])), None
    if "grown-after-model" in f.facts and "grown_after" in f.hints:
        moved = _filled_first(f.hints["grown_after"])
        if not moved:
            moved = _built_after(f.hints["grown_after"])
            if moved:
                f.facts.add(BUILT_AFTER)
        if moved:
            return moved, None
    if "map-grew" in f.facts and "site" in f.hints and f.hints["site"] is not None:  # numbered from one split
        filled = fill_from_every_split(f, f.hints["site"].file, f.values["read_name"], f.values["read_line"])
        if filled:
            return filled, None
    found = f.hints.get("label_set")
    counted_late = "map-grew" in f.facts and f.hints.get("map_grew_via") and found is not None and \
        f.hints.get("site") is not None and found.name in (bound_names(f.hints["site"].file, f.hints["site"].line) or set())
    if counted_late:  # `NUM_LABELS = len(id2label)` taken before the map grew: the model counts the map itself
        return size_edit(f), None
    if "map-grew" in f.facts or "shifted-past-names" in f.facts or "set-again" in f.facts:
        return [], None  # a number written at the model would break again on the next new label: said in words
    if "labels-offset" in variants:  # ids of a larger numbering: shifted by the group's first id where made
        return _shift_where_made(ctx, labels, f.values["offset_expr"]), None
    if "one-based" in variants and made is not None:
        if made.zero_based is None and isinstance(made.start, ast.Dict):  # ids written out: each one less
            e = src.LineEditor.for_node(made.file, made.stmt)
            for v in made.start.values:
                e.replace(v, str(v.value - 1))
            return edits_of(e), None
        if made.zero_based is None:
            return [], None
        return edits_of(src.LineEditor.for_node(made.file, made.stmt).replace(made.start, made.zero_based)), None
    if "one-based" in variants and labels is not None:
        entry = _library_batch_entry(ctx, labels)
        if entry is not None:  # read off a batch a library's loop built: 0-based where the Dataset gives them
            return _minus_one(*entry), None
        made = labels_maker(ctx, labels)
        if made is not None and _batches_of_loader(ctx, labels):  # every loop over the loader reads them: 0-based
            file, stmt, call = made  # where the labels are made, not at this one loss
            f.facts.add(ONE_BASED_AT_MAKER)
            f.values.update(maker_text=" ".join(src.segment(file, call).split()), maker_line=stmt.lineno)
            return edits_of(src.LineEditor.for_node(file, stmt).replace(call, f"{src.segment(file, call)} - 1")), None
        fr = loss_frame(ctx, labels.expr)
        found = failing_statement(fr) if fr else None
        once = _made_once_read_again(fr, found[1], labels.expr) if fr is not None and found is not None else None
        binned = _binned_source(fr, labels.expr) if fr is not None and once is None else None
        if binned is not None:  # `y = np.digitize(...)`, split into `ytr`, `yva`: every split 0-based at once
            once = binned
        if once is not None:  # the other reads (an accuracy, a report) need the labels 0-based too
            return edits_of(src.LineEditor.for_node(fr.file, once).replace(
                once.value, f"{src.segment(fr.file, once.value)} - 1")), None
        shared = _loop_over_heads(fr) if fr is not None and found is not None else None
        if shared is not None:  # the line serves every head: the other heads' labels may well start at 0
            f.facts.add(SHARED_BY_HEADS)
            f.values.update(heads_loop=shared)
            return [], None
        if fr is not None and found is not None:
            node = find_expr(fr.file, found[1], labels.expr)
            if node is not None:
                node = _rows_of(found[1], node)  # `y[idx]`: the rows the loss gets, shifted
                text = src.segment(fr.file, node)
                return edits_of(src.LineEditor.for_node(fr.file, found[1]).replace(node, f"{text} - 1")), None
        made = labels_maker(ctx, labels)  # the labels reach a library's loss: 0-based where they are made
        if made is not None:
            file, stmt, call = made
            return edits_of(src.LineEditor.for_node(file, stmt).replace(call, f"{src.segment(file, call)} - 1")), None
        key = re.fullmatch(r"\w+\[[\"'](\w+)[\"']\]", labels.expr)
        entry = item_entry(ctx, key.group(1)) if key else None
        if entry is not None:  # a batch's item: 0-based where the user's files give that key its value
            return _minus_one(*entry), None
    if "one-based" in variants and labels is None and f.hints.get("per_example"):
        entry = item_entry(ctx, "labels")  # a library loop's batch: 0-based where the Dataset gives each label
        if entry is not None:
            return _minus_one(*entry), None
    if "one-based" in variants and labels is None:
        example = _example_label(ctx)  # sentence-transformers' `InputExample(texts=..., label=...)`
        if example is not None:
            return _minus_one(*example), None
    from ..analyzers.label_markers import negative_written
    if "negative" in variants and not negative_written(ctx, f.hints.get("target")):
        pass  # computed below 0 (`grade - offset`), never written as a marker: skipping it would drop real examples
    elif "negative" in variants:
        target = f.hints.get("target")
        for fr in ctx.user_frames():
            found = failing_statement(fr)
            if found is None:
                continue
            for call in src.calls(found[1]):
                name = src.call_name(call)
                if re.search(r"cross_entropy|nll_loss|loss", name, re.I) and src.keyword(call, "ignore_index") is None:
                    marker = f.values.get("marker")
                    ignore = marker if marker in (bound_names(fr.file, fr.line) or set()) else str(target)
                    f.facts.add("skip-marker")
                    f.values["ignore"] = ignore
                    return edits_of(src.LineEditor.for_node(fr.file, found[1]).add_keywords(
                        call, f"ignore_index={ignore}")), None
        # the loss is inside the library (a transformers model given `labels=`): the marker constant → -100
        from ..analyzers.label_markers import marker_constants
        for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
            tree = src.tree_of(file)
            found = marker_constants(tree, target) if tree is not None and isinstance(target, int) else []
            if len(found) == 1:  # `MISSING = -1` at module level or in a class body
                a = found[0][1]
                return edits_of(src.LineEditor.for_node(file, a).replace(a.value, "-100")), None
        marked = _negative_marked_ignored(ctx, labels)
        if marked:
            return marked, None
    if "sentinel" in f.facts:
        return _skip_sentinel(ctx, f), None
    if "too-few-classes" in variants and "kept-ids" in f.facts:
        k = f.hints["kept_ids"]
        return edits_of(src.LineEditor.for_node(k.file, k.stmt).replace(k.picked, f.values["renumbered"])), None
    if "too-few-classes" in variants:
        return size_edit(f, reserved=bool(f.facts & {"reserved-first", "fallback-class"})), None
    return [], None


SHARED_BY_HEADS = fact("shared-by-heads", "the failing line runs in `heads_loop`, once per head picked by the "
                                          "loop's variable, so it serves the labels of every head")


def _loop_over_heads(fr) -> str | None:
    """The header of the loop around the failing line whose variable picks the module that makes the predictions
    (`for task, batch in batches.items(): logits = heads[task](...)`): the line serves several heads' labels."""
    tree = src.tree_of(fr.file)
    for loop in src.enclosing_loops(tree, fr.line) if tree is not None else []:
        names = set(src.names_in(loop.target))
        for call in (n for st in loop.body for n in ast.walk(st) if isinstance(n, ast.Call)):
            if isinstance(call.func, ast.Subscript) and set(src.names_in(call.func.slice)) & names:
                return f"for {src.segment(fr.file, loop.target)} in {src.segment(fr.file, loop.iter)}"
    return None


def _skip_sentinel(ctx: Context, f: Finding) -> list:
    """`ignore_index=<marker>` for the loss that failed: a functional loss called on the failing line
    (`F.cross_entropy(...)`), or the constructor of the loss object called there (`criterion =
    nn.CrossEntropyLoss()` for `criterion(logits, y)`), in the user's frames from the innermost out."""
    marker, target = f.values.get("marker"), f.hints.get("target")
    for fr in ctx.user_frames():
        found = failing_statement(fr)
        tree = src.tree_of(fr.file)
        if found is None or tree is None:
            continue
        for call in src.calls(found[1]):
            name = src.call_name(call)
            site = None
            if re.search(r"cross_entropy|nll_loss", name):
                site = (found[1], call)
            elif isinstance(call.func, (ast.Name, ast.Attribute)):
                made = src.last_assignment(tree, name, fr.line) if isinstance(call.func, ast.Name) else None
                if made is None and isinstance(call.func, ast.Attribute):
                    made = next((a for a in src.nodes(tree, ast.Assign) if any(ast.unparse(t) == name for t in a.targets)
                                 and isinstance(a.value, ast.Call)), None)
                    made = src.Assignment(made, made.value) if made is not None else None
                value = made.value if made is not None else None
                if isinstance(value, ast.Call) and src.call_name(value).endswith("Loss"):
                    site = (made.stmt, value)
            if site is None or src.keyword(site[1], "ignore_index") is not None:
                continue
            stmt, loss = site
            bound = bound_names(fr.file, stmt.lineno) or set()
            ignore = marker if marker and set(re.findall(r"[A-Za-z_]\w*", marker.split("[")[0])) <= bound else str(target)
            f.facts.add("skip-marker")
            f.values["ignore"] = ignore
            editor = src.LineEditor.for_node(fr.file, stmt).add_keywords(loss, f"ignore_index={ignore}")
            if stmt is found[1]:  # the same loss beside it in the statement (start and end targets): skip it there too
                for other in src.calls(stmt):
                    if other is not loss and src.call_name(other) == src.call_name(loss) \
                            and src.keyword(other, "ignore_index") is None:
                        editor = editor.add_keywords(other, f"ignore_index={ignore}")
            return edits_of(editor)
    return []


def _example_label(ctx: Context) -> tuple[str, ast.stmt, ast.expr] | None:
    """The one `InputExample(..., label=<value>)` of the user's files (the examples a sentence-transformers loss
    gets its labels from), when its label is computed (not a literal)."""
    found = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            kw = src.keyword(call, "label")
            if src.call_name(call).rpartition(".")[2] == "InputExample" and kw is not None \
                    and not isinstance(kw.value, ast.Constant):
                stmt = src.statement_at(tree, call.lineno)
                if stmt is not None:
                    found.append((file, stmt, kw.value))
    return found[0] if len(found) == 1 else None


def _shift_where_made(ctx: Context, labels, by: str) -> list:
    """`value - by` at the deepest plain assignment the labels' provenance reaches (`seg = data[:, 6].astype(...)`
    in a Dataset's `__getitem__`), when every name of `by` is bound there."""
    from ..provenance import trace
    if labels is None:
        return []
    made = None
    for step in trace(ctx, labels):
        tree = src.tree_of(step.file)
        stmt = src.statement_at(tree, step.line) if tree is not None else None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and not any(src.call_name(c).endswith(("DataLoader", "Dataset")) for c in src.calls(stmt)):
            made = (step.file, stmt)  # the last one along the steps: where the values were made
    if made is None:
        return []
    file, stmt = made
    names = set(re.findall(r"[A-Za-z_]\w*", by))
    if not names <= (bound_names(file, stmt.lineno) or set()):
        return []
    value = stmt.value
    text = src.segment(file, value)
    simple = isinstance(value, (ast.Name, ast.Subscript, ast.Attribute, ast.Call))
    return edits_of(src.LineEditor.for_node(file, stmt).replace(value, f"{text} - {by}" if simple
                                                                else f"({text}) - {by}"))


def _minus_one(file: str, stmt: ast.stmt, value: ast.expr) -> list:
    """`value - 1` in `stmt`; inside a tensor maker's data (`torch.tensor(row["severity"] - 1, dtype=...)`)."""
    if isinstance(value, ast.Call) and src.call_name(value) in ("torch.tensor", "torch.as_tensor", "torch.LongTensor") \
            and len(value.args) == 1 and not isinstance(value.args[0], (ast.List, ast.ListComp, ast.Tuple)) \
            and not _names_a_list(file, stmt, value.args[0]):
        value = value.args[0]
    if isinstance(value, ast.ListComp):  # a list of labels: each one shifted (a list has no `- 1`)
        value = value.elt
    text = src.segment(file, value)
    simple = isinstance(value, (ast.Name, ast.Subscript, ast.Attribute, ast.Call))
    return edits_of(src.LineEditor.for_node(file, stmt).replace(value, f"{text} - 1" if simple else f"({text}) - 1"))


def _names_a_list(file: str, stmt: ast.stmt, node: ast.expr) -> bool:
    """Whether `node` is a name the function around `stmt` makes a list (a display, a comprehension, `list(...)`,
    or one it appends to): `- 1` goes on the tensor made from it, not on the list."""
    if not isinstance(node, ast.Name):
        return False
    tree = src.tree_of(file)
    scope = src.enclosing_scope(tree, stmt.lineno) if tree is not None else None
    if scope is None:
        return False
    made = src.assignments(tree, node.id, scope)
    if any(isinstance(a.value, (ast.List, ast.ListComp)) or (isinstance(a.value, ast.Call) and src.call_name(
            a.value) in ("list", "sorted")) for a in made):
        return True
    return any(isinstance(c.func, ast.Attribute) and c.func.attr in ("append", "extend") and isinstance(
        c.func.value, ast.Name) and c.func.value.id == node.id for c in src.nodes(scope, ast.Call))


def _library_batch_entry(ctx: Context, labels) -> tuple[str, ast.stmt, ast.expr] | None:
    """Labels a user method reads off the batch a library's loop handed it (`labels = inputs.pop("labels")` in a
    Trainer's `compute_loss`, `batch["labels"]` in a `training_step`): where the user's Dataset gives that key."""
    fr = ctx.frames[labels.frame]
    if fr.index == 0 or not ctx.frames[fr.index - 1].library:
        return None
    key = None
    m = re.fullmatch(r"(\w+)\[[\"'](\w+)[\"']\]", labels.expr)
    if m and m.group(1) in fr.params:
        key = m.group(2)
    elif labels.expr.isidentifier():
        tree = src.tree_of(fr.file)
        made = src.last_assignment(tree, labels.expr, fr.line) if tree is not None else None
        value = made.value if made is not None else None
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in ("pop", "get") \
                and value.args and isinstance(value.args[0], ast.Constant):
            holder, key = value.func.value, value.args[0].value
        elif isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Constant):
            holder, key = value.value, value.slice.value
        else:
            holder = None
        if not (isinstance(holder, ast.Name) and holder.id in fr.params):
            key = None
    return item_entry(ctx, key) if isinstance(key, str) else None


def _negative_marked_ignored(ctx: Context, labels) -> list:
    """Negative labels reaching a loss that skips -100: where the user's code makes the labels from a list
    comprehension (`torch.tensor([r["label"] for r in rows])`), each negative label becomes -100."""
    from ..analyzers.labels import ignores_minus_100
    made = labels_maker(ctx, labels) if labels is not None else None
    if made is None or not ignores_minus_100(ctx):
        return []
    file, stmt, call = made
    comp = call.args[0] if call.args else None
    if not isinstance(comp, ast.ListComp):
        return []
    elt = src.segment(file, comp.elt)
    return edits_of(src.LineEditor.for_node(file, stmt).replace(comp.elt, f"-100 if {elt} < 0 else {elt}"))


def _class_setting(site) -> ast.Assign | None:
    """The class-body assignment `num_classes = 4` of `class CFG:` when the site passes `CFG.num_classes` and
    the file reads `CFG.num_classes` at another place too: the setting is changed, not the one place; the last
    `CFG.num_classes = ...` of the script instead, when it sets it."""
    from ..analyzers.classes import class_setting
    node, tree = site.node, src.tree_of(site.file)
    made = class_setting(tree, node) if tree is not None else None
    if made is None:
        return None
    owner, attr = node.value.id, node.attr
    written = sorted((a for a in src.nodes(tree, ast.Assign) if len(a.targets) == 1
                      and isinstance(a.targets[0], ast.Attribute) and a.targets[0].attr == attr
                      and isinstance(a.targets[0].value, ast.Name) and a.targets[0].value.id == owner),
                     key=lambda a: a.lineno)
    if written:  # `CFG.num_labels = len(...)` set by the script: that line decides, not the class body
        return written[-1]
    reads = [n for n in src.nodes(tree, ast.Attribute) if n is not node and n.attr == attr
             and isinstance(n.value, ast.Name) and n.value.id == owner and isinstance(n.ctx, ast.Load)]
    return made if reads else None


def _written_setting(f: Finding, site, need: int | None) -> Edit | None:
    """The line of a settings text parsed by the script that sets the key the size is read from."""
    node, current = site.node, f.values.get("n_classes")
    key = read_key(node)
    if key is None or type(current) is not int or type(need) is not int:
        return None
    return setting_edit(site.file, key, current, need)  # `settings.num_classes` of `num_classes: 5` in YAML


def _numbered_from(found) -> str | None:
    """The text of the sequence a label map was numbered from (`cfg.data.label_names` of `label_to_id = {name: i
    for i, name in enumerate(cfg.data.label_names)}`, `dict(map(reversed, enumerate(NAMES)))`,
    `dict(zip(NAMES, range(len(NAMES))))`), when the label set is such a map."""
    tree = src.tree_of(found.file)
    made = src.assignments(tree, found.name) if tree is not None and found.name.isidentifier() else []
    value = made[-1].value if len(made) == 1 else None
    if isinstance(value, ast.DictComp) and len(value.generators) == 1:
        it = value.generators[0].iter
    elif isinstance(value, ast.Call) and src.call_name(value) == "dict" and len(value.args) == 1 and isinstance(
            value.args[0], ast.Call):
        inner = value.args[0]
        if src.call_name(inner) == "map" and len(inner.args) == 2 and isinstance(inner.args[0], ast.Name) and \
                inner.args[0].id == "reversed":
            it = inner.args[1]
        elif src.call_name(inner) == "zip" and len(inner.args) == 2 and _range_over(inner.args[1], inner.args[0]):
            return src.segment(found.file, inner.args[0])
        else:
            return None
    else:
        return None
    if not (isinstance(it, ast.Call) and src.call_name(it) == "enumerate" and len(it.args) == 1):
        return None
    return src.segment(found.file, it.args[0])


def _range_over(node: ast.AST, names: ast.AST) -> bool:
    """`range(len(NAMES))`: one number per item of `names`, from 0."""
    return isinstance(node, ast.Call) and src.call_name(node) == "range" and len(node.args) == 1 and isinstance(
        node.args[0], ast.Call) and src.call_name(node.args[0]) == "len" and len(node.args[0].args) == 1 and \
        ast.dump(node.args[0].args[0]) == ast.dump(names)


def _one_hot_width(f: Finding) -> list:
    """`num_classes=` added to the `one_hot` call: the expression that sizes the model where it is readable
    there (`len(CUISINES)`), else the number of outputs."""
    file, call = f.hints["one_hot_inferred"]
    site, outputs = f.hints.get("site"), f.values.get("n_outputs")
    value = str(outputs)
    if site is not None and site.node is not None and not isinstance(site.node, ast.Constant):
        text = src.segment(site.file, site.node)
        names = set(src.names_in(site.node)) - {"len"}
        if site.file == file and names and names <= (bound_names(file, call.lineno) or set()):
            value = text
    f.values["one_hot_classes"] = value
    return edits_of(src.LineEditor.for_node(file, call).add_keywords(call, f"num_classes={value}"))


def size_edit(f: Finding, reserved: bool = False) -> list:
    """Set the classifier's number of outputs where it is decided (analyzers/classes.py `SizeSite`): to
    `len(<label set>)` when that collection is bound there, `len(<names>) + 1` when the label list puts a
    reserved entry before the names (`reserved`), else to the number the data needs."""
    site = f.hints.get("site")
    if site is None:
        return []
    found, need = f.hints.get("label_set"), f.hints.get("need")
    value = str(need)
    if reserved and isinstance(site.node, ast.Call) and src.call_name(site.node) == "len":
        value = f"{src.segment(site.file, site.node)} + 1"
    if found is not None and found.name in (bound_names(site.file, site.line) or set()):
        value = found.count or f"len({found.name})"
    elif f.hints.get("radix") is not None and set(src.names_in(ast.parse(f.hints["radix"].count_text, mode="eval"))) \
            - {"len"} <= (bound_names(site.file, site.line) or set()):
        value = f.hints["radix"].count_text  # `len(PITCH_CLASSES) * len(MODES)`: every label the function makes
    elif found is not None and (numbered := _numbered_from(found)) is not None and all(
            n in (bound_names(site.file, site.line) or set()) for n in src.names_in(ast.parse(numbered, mode="eval"))):
        value = f"len({numbered})"  # `label_to_id` made later from `cfg.data.label_names`: that list is in reach
    shared = _class_setting(site)
    if shared is not None:  # `CFG.num_classes`, read elsewhere too (an out-of-fold table): set where it is defined
        bound = found is not None and found.name in (bound_names(site.file, shared.lineno) or set())
        value = (found.count or f"len({found.name})") if bound else str(need)
        return edits_of(src.LineEditor.for_node(site.file, shared).replace(shared.value, value))
    written = _written_setting(f, site, need)
    if written is not None:  # `num_labels=cfg["num_labels"]` from `yaml.safe_load(SETTINGS)`: set in the text
        return [written]
    chosen = _chosen_by_caller(f, site, need, found)
    if chosen:
        return chosen
    named = _count_named_once(site, value)
    if named:  # `n_morph = len(unique(y))` read by every model the script builds: set the count where it is made
        return named
    if _reused_parameter(site):
        return []  # a literal in a helper the file calls several times would size every layer it makes
    e = src.LineEditor.for_node(site.file, site.stmt)
    if site.node is None and site.call is not None and site.kind == "checkpoint":
        # a checkpoint's classifier of another size is replaced, not loaded
        extra = "" if src.keyword(site.call, "ignore_mismatched_sizes") else ", ignore_mismatched_sizes=True"
        e.add_keywords(site.call, f"{site.keyword}={value}{extra}")
    elif site.node is None and site.call is not None:
        e.add_keywords(site.call, f"{site.keyword}={value}")
    elif site.node is not None:
        e.replace(site.node, value)
    return edits_of(e)


def _reused_parameter(site) -> bool:
    """The size is a parameter of a helper function (not a constructor) that the file calls more than once:
    `nn.Conv3d(cout, cout, 3)` in `def block(cin, cout)`, used for every stage of a network."""
    tree = src.tree_of(site.file)
    fn = src.enclosing_scope(tree, site.line) if tree is not None else None
    return isinstance(site.node, ast.Name) and isinstance(fn, ast.FunctionDef) and fn.name != "__init__" and \
        site.node.id in [a.arg for a in fn.args.args] and len(src.callers_of(tree, fn)) > 1


def _count_named_once(site, value: str) -> list:
    """The classifier's size is a plain name of the scope (`MorphNet(n_morph)`) assigned once before it and read
    by other lines too (another model built with it, a metric): the edit sets it where it is assigned, when
    `value` reads only names bound there."""
    tree = src.tree_of(site.file)
    if tree is None or not isinstance(site.node, ast.Name):
        return []
    scope = src.enclosing_scope(tree, site.line)
    made = src.assignments(tree, site.node.id, scope)
    if len(made) != 1 or made[0].augmented or not isinstance(made[0].stmt, ast.Assign) \
            or made[0].stmt.lineno >= site.line:
        return []
    reads = [n for n in ast.walk(scope) if isinstance(n, ast.Name) and n.id == site.node.id
             and isinstance(n.ctx, ast.Load) and n is not site.node]
    bound = bound_names(site.file, made[0].stmt.lineno) or set()
    if not reads or not set(re.findall(r"[A-Za-z_]\w*", value)) - {"len"} <= bound:
        return []
    return edits_of(src.LineEditor.for_node(site.file, made[0].stmt).replace(made[0].value, value))


def _chosen_by_caller(f: Finding, site, need: object, found) -> list:
    """`nn.Conv2d(width, n_classes, 1)` inside a class the script builds once, as `Net(n_classes)` after
    `n_classes = len(CLASS_TO_ID)`: the number is chosen at that assignment, which other lines may read too (a
    metric over the classes), so it is set there: `len(CLASS_TO_ID) + 1` (the label set's `len(...)` when it is
    in reach there), not a number written into the reusable class."""
    tree = src.tree_of(site.file)
    current = f.values.get("n_classes")
    if tree is None or not isinstance(site.node, ast.Name) or type(need) is not int or type(current) is not int \
            or need <= current:
        return []
    fn = src.binding_scope(tree, site.node)
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or site.node.id not in [a.arg for a in fn.args.args]:
        return []
    given = src.name_source(tree, site.node)
    stmt = src.statement_at(tree, given.lineno) if given is not None else None
    if stmt is None or not isinstance(stmt, (ast.Assign, ast.AnnAssign)) or stmt.value is not given \
            or src.contains(fn, given.lineno):
        return []
    if found is not None and found.name in (bound_names(site.file, given.lineno) or set()) and found.length == need:
        value = found.count or f"len({found.name})"
    elif isinstance(given, ast.Call) and src.call_name(given) == "len":
        value = f"{src.segment(site.file, given)} + {need - current}"
    else:
        return []
    cls = src.enclosing_class(tree, site.line) if fn.name == "__init__" else None
    f.facts.add(SIZE_CHOSEN_BY_CALLER)
    f.values.update(size_name=site.node.id, chosen=value, given_to=cls.name if cls is not None else fn.name)
    return edits_of(src.LineEditor.for_node(site.file, stmt).replace(given, value))


SIZE_CHOSEN_BY_CALLER = fact("size-chosen-by-caller", "the classifier's size is a parameter (`size_name`) of the "
                                                      "class or function that builds it (`given_to`), chosen where "
                                                      "it is called: the edit sets it there (`chosen`)")


def _filled_first(g) -> list[Edit]:
    """The statement that fills the label lists moved to just before the model's construction (same body, same
    indentation), when every name it reads is bound there: the heads are then sized for every class."""
    own = {n.id for n in ast.walk(g.grows) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    bound = bound_names(g.file, g.model.lineno) or set()
    if not set(src.names_in(g.grows)) - own <= bound or g.grows.col_offset != g.model.col_offset:
        return []
    lines = "".join(files.line(g.file, n) for n in range(g.grows.lineno, (g.grows.end_lineno or g.grows.lineno) + 1))
    removed = src.remove_statement(g.file, g.grows)
    added = src.insert_before(g.file, g.model, lines[g.grows.col_offset:].rstrip("\n"))
    return [added, removed] if removed is not None and added is not None else []


BUILT_AFTER = fact("built-after-growth", "the fix moves the model's construction after the statement that fills "
                                         "the label map (its own inputs are made only after the model)")


def _built_after(g) -> list[Edit]:
    """The model's construction moved after the statement that fills the label map, when what fills it is made
    only after the model and nothing in between uses the model; a size copied from the map before it grew
    (`n_classes = len(label_to_id)`) is read off the map there (`len(label_to_id)`)."""
    model = g.model.targets[0].id
    if any(model in src.names_in(st) for st in g.between) or g.grows.col_offset != g.model.col_offset:
        return []
    tree = src.tree_of(g.file)
    text = src.segment(g.file, g.model)
    for name in dict.fromkeys(src.names_in(g.model.value)):
        made = src.last_assignment(tree, name, g.model.lineno) if tree is not None else None
        if made is not None and isinstance(made.value, ast.Call) and src.call_name(made.value) == "len" and \
                src.names_in(made.value) == ["len", g.grown]:
            text = re.sub(rf"\b{re.escape(name)}\b", f"len({g.grown})", text)
    removed, added = src.remove_statement(g.file, g.model), src.insert_after(g.file, g.grows, text)
    return [removed, added] if removed is not None and added is not None else []
