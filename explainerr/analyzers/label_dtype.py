"""Analyzer for labels of the wrong dtype for their loss: class indices that are floats (or int32) for
cross-entropy / NLL, and integer targets for the losses that compare probabilities (binary cross-entropy,
BCEWithLogitsLoss, cross-entropy with class-probability rows).  The labels are followed to the call that made
them (provenance.py's steps, or the TensorDataset column a DataLoader read), where the dtype is decided."""
from __future__ import annotations

import ast
import re
from dataclasses import replace

from .. import source as src
from ..facts import Context, dtype_text
from ..model import TensorFacts
from . import Finding, analyzer, evidence, fact
from .label_sources import dataset_column, dataset_column_call, leaf
from .classes import user_files
from .operands import describe_library_loss, loss_model, loss_operands, rows_taken

WANTS_LONG = fact("wants-long", "the loss takes class indices, an integer tensor (int64)")
WANTS_FLOAT = fact("wants-float", "the loss compares the predictions with float targets (probabilities, 0/1 floats)")
PROBABILITY_ROWS = fact("probability-rows", "the labels have one row of class probabilities per example (the "
                                            "predictions' shape), which cross-entropy reads as soft targets")
MAKER_FOUND = fact("maker-found", "the call that made the labels was found (`maker`, `maker_line`)")
LOSS_MODULE = fact("loss-module", "the loss is a module object of the user's code (`criterion`, `loss_cls`)")
MULTI_LABEL = fact("multi-label-model", "the model's config has problem_type multi_label_classification")
INT32_LABELS = fact("int32-labels", "the labels are int32 integers, while the loss takes int64 class indices")
PICKED_BY_DTYPE = fact("problem-type-from-dtype", "the model chose multi-label classification (BCEWithLogitsLoss) "
                                                  "itself because the class-index labels are floats: the script "
                                                  "never sets problem_type")
SHARED_LOSS = fact("shared-loss", "the failing call runs each loss of a collection in turn (`loss_var`, now "
                                     "`loss_cls`): the others may want the labels as they are")
LOSS_OBJECT = fact("loss-object", "the failing cross-entropy runs inside a loss object the user's code built "
                                 "(`criterion`, a library's `loss_cls`)")
_BCE_SHAPES = re.compile(r"Target size \(torch\.Size\(\[(?P<t>[\d, ]*)\]\)\) must be the same as input size")

#: Calls that make a tensor and take `dtype=`.
_TAKES_DTYPE = re.compile(r"^(torch\.)?(tensor|as_tensor|zeros|ones|full|empty|randint|arange|zeros_like|ones_like"
                          r"|full_like)$")
_MAKES = re.compile(r"(^|\.)(tensor|as_tensor|from_numpy|zeros|ones|full|empty|randint|arange|one_hot|LongTensor"
                    r"|FloatTensor|IntTensor|Tensor|stack|array|asarray|loadtxt)$")


@analyzer("label-dtype")
def label_dtype(ctx: Context) -> Finding | None:
    _, labels_op = loss_operands(ctx)
    if labels_op.user is None:  # `loss(out, y[idx])`: the dtype and the maker are those of `y`
        labels_op = replace(labels_op, user=rows_taken(ctx.user, labels_op.seen))
    seen = labels_op.seen
    if seen is None:
        return None
    picked = picked_multi_label(ctx, seen)
    if _BCE_SHAPES.search(ctx.message) and not picked:
        return None  # a shape message: the labels' dtype is what the loss wanted
    int32 = seen.dtype == "torch.int32"
    wants_long = picked or bool(re.search(r"expected target dtype to be Long|expected scalar type Long|nll_loss",
                                          ctx.message))
    if wants_long == seen.is_integer and seen.dtype != "torch.int32":
        return None  # the message and the labels disagree: not the labels' dtype
    labels = labels_op.user or seen
    f = Finding(facts={WANTS_LONG if wants_long else WANTS_FLOAT} | ({INT32_LABELS} if int32 and wants_long else set()))
    want = "torch.long" if wants_long else "torch.float"
    f.values.update(labels=labels.expr if labels_op.user else None, dtype=dtype_text(seen.dtype), want=want,
                    cast=".long()" if wants_long else ".float()")
    fn = next((fr.function for fr in ctx.frames if fr.library and fr.function in _LOSS_FUNCTIONS), None)
    if fn is not None:
        f.values["loss_fn"] = fn
    if "class probabilities" in ctx.message:
        f.facts.add(PROBABILITY_ROWS)
    e = evidence(labels)
    if e:
        f.evidence.append(e)
    describe_library_loss(ctx, f, labels_op)
    model = loss_model(ctx)
    if model is not None and model.config.get("problem_type") == "multi_label_classification":
        f.facts.add(MULTI_LABEL)
    if picked:
        f.facts.add(PICKED_BY_DTYPE)
        f.values.update(num_labels=model.config.get("num_labels"))
    loss = _loss_module(ctx)
    if loss is not None:
        f.facts.add(LOSS_MODULE)
        f.values.update(criterion=loss[0], loss_cls=loss[1])
    elif wants_long:
        outer = _outer_loss_object(ctx)
        if outer is not None:
            f.facts.add(LOSS_OBJECT)
            f.values.update(criterion=outer[0], loss_cls=outer[1])
    shared = shared_loss(ctx, labels_op.user)
    if shared is not None:
        f.facts.add(SHARED_LOSS)
        f.values.update(loss_var=shared[0], loss_cls=shared[1])
        f.hints["shared_loss"] = shared
    made = maker(ctx, labels_op.user) if shared is None else None  # a shared maker serves the other losses too
    if made is None and shared is None:
        made = cast_per_example(ctx, "float" if wants_long else "int")
    if made is not None:
        file, stmt, call = made
        f.facts.add(MAKER_FOUND)
        f.values.update(maker=" ".join(src.segment(file, call).split()), maker_line=stmt.lineno)
        if f.values.get("labels") is None and isinstance(stmt, ast.Assign):
            f.values["labels"] = src.segment(file, stmt.targets[0])  # named where made: `item["labels"]`
        if f.values.get("labels") is None and isinstance(stmt, ast.Return) and (
                returned := _returned_by_helper(ctx)) is not None:
            f.values["labels"] = returned[3]  # given inline: `labels=multi_hot(group)`
        f.hints["maker"] = made
    f.hints.update(labels=labels_op.user, want=want)
    f.confidence = "high" if labels_op.user is not None and not picked and shared is None else "medium"
    return f


def picked_multi_label(ctx: Context, seen: TensorFacts | None) -> bool:
    """A transformers classifier with num_labels > 1 picks its loss from the labels' dtype when no
    problem_type is set: float labels make it multi-label (BCEWithLogitsLoss), which then rejects one class index
    per example.  True when the message is that loss's shape check, the labels are one float per example of the
    logits' rows, and no file of the script sets problem_type (float values are not read: whether they are class
    indices or scores for a regression head is left open, so the finding is of medium confidence)."""
    m = _BCE_SHAPES.search(ctx.message)
    model = loss_model(ctx)
    if m is None or model is None or seen is None or seen.is_integer or len(seen.shape) != 1:
        return False
    num_labels = model.config.get("num_labels")
    if model.config.get("problem_type") != "multi_label_classification" or not isinstance(num_labels, int) \
            or num_labels < 2 or [int(x) for x in re.findall(r"\d+", m.group("t"))] != list(seen.shape):
        return False
    return not _sets_problem_type(ctx)


def shared_loss(ctx: Context, labels: TensorFacts | None) -> tuple[str, str] | None:
    """(name, class) of the loss called on the failing line when that name is a target of a loop around it
    (`for name, (rows, loss_fn) in objectives.items(): loss_fn(features, labels)`): the line calls one loss
    after another, so a dtype fixed for all of them breaks the others."""
    from .loops import loops_around
    if labels is None:
        return None
    frame = ctx.frames[labels.frame]
    tree = src.tree_of(frame.file)
    stmt = src.statement_at(tree, frame.line) if tree is not None else None
    if stmt is None:
        return None
    callees = {n.func.id for n in ast.walk(stmt) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
               and any(labels.expr == ast.unparse(a) for a in n.args + [k.value for k in n.keywords])}
    for loop in loops_around(tree, frame.line, None):
        bound = {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)} & callees
        for name in bound:
            m = next((m for m in frame.modules if m.expr == name), None)
            if m is not None:
                return name, m.cls
    return None


def _loss_module(ctx: Context) -> tuple[str, str] | None:
    """(the user's name, class) of a torch loss module called on the failing line (`criterion`, BCELoss)."""
    user = ctx.user
    if user is None:
        return None
    for m in user.modules:
        if m.cls.endswith("Loss") and re.fullmatch(r"(self\.)?[A-Za-z_]\w*", m.expr) and re.search(
                rf"(?<![\w.]){re.escape(m.expr)}\s*\(", user.statement or user.node or ""):
            return m.expr, m.cls
    return None


def _outer_loss_object(ctx: Context) -> tuple[str, str] | None:
    """(the user's name, class) of the loss object whose `forward` runs the failing loss, outermost first
    (`head = losses.SoftmaxLoss(...)` given to a library's training loop)."""
    for fr in reversed(ctx.raise_frames()):
        if fr.function == "forward" and fr.self_class and fr.self_class.endswith("Loss"):
            for user in ctx.user_frames():
                named = [m.expr for m in user.modules if m.cls == fr.self_class and m.expr.isidentifier()]
                if len(named) == 1:
                    return named[0], fr.self_class
            return None
    return None


def maker(ctx: Context, t: TensorFacts | None) -> tuple[str, ast.stmt, ast.Call] | None:
    """(file, statement, call) that made the labels `t`: along their provenance, the assignment to a name that
    carries them (the labels' own name, a name a function returned at the labels' place in an unpacking such
    as `xs, ys = batch`, or a dict value under the labels' key) whose value is a call that makes a tensor; for
    labels a DataLoader read from a TensorDataset, the tensor given at their column."""
    if t is None:
        made = _made_in_dataset(ctx) or _made_in_collator(ctx)
        returned = _returned_by_helper(ctx) if made is None else None
        return returned[:3] if returned is not None else made
    targets = [t]
    column = dataset_column(ctx, t)
    if column is not None:
        col = ctx.frames[column[0]].tensor(column[1])
        if col is not None:
            targets.append(col)
    for target in targets:
        found = _made_along(ctx, target)
        if found is not None:
            return found
    place = _unpacked_place(ctx, t)
    if place is not None:  # a tuple batch a library loop made: the part of each example at that place
        from .tuple_items import example_part
        part = example_part(ctx, place)
        if part is not None and isinstance(part[2], ast.Call) and makes_tensor(part[2]):
            return part  # type: ignore[return-value]
    found = dataset_column_call(ctx, t)
    key = leaf(t.expr)
    if found is None and (key == "labels" or re.search(r"\[[\"']\w+[\"']\]$", t.expr)):
        # `batch["target"]` a library collated from the Dataset
        return _made_in_dataset(ctx, key) or _made_in_collator(ctx, key) or _made_for_key(ctx, key)
    return found


def _made_for_key(ctx: Context, key: str) -> tuple[str, ast.stmt, ast.Call] | None:
    """The one tensor-making call that the user's code gives the batch key `key` its value with, followed into
    the function that returns it (`batch["labels"] = self._targets(tags)` → `return torch.tensor(...)`)."""
    from .key_makers import key_values
    found = [(file, stmt, value) for file, stmt, value in key_values(ctx, key, deep=True)
             if isinstance(value, ast.Call) and makes_tensor(value)]
    return found[0] if len({(f, s.lineno) for f, s, _ in found}) == 1 else None


_LABEL_KEYS = ("label", "labels", "target", "targets")


def cast_per_example(ctx: Context, cast: str) -> tuple[str, ast.stmt, ast.Call] | None:
    """(file, statement, call) of the one place in the user's files where each example's label is given
    through the builtin `cast` (`InputExample(texts=[a, b], label=float(code[rel]))`, `{"label": float(y)}`):
    a library's collation keeps the Python type, so float labels become a float tensor."""
    found = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for n in src.nodes(tree, ast.keyword, ast.Dict) if tree is not None else ():
            pairs = [(n.arg, n.value)] if isinstance(n, ast.keyword) else [
                (k.value, v) for k, v in zip(n.keys, n.values) if isinstance(k, ast.Constant)]
            for key, value in pairs:
                if (key in _LABEL_KEYS and isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
                        and value.func.id == cast and len(value.args) == 1 and not value.keywords):
                    stmt = src.statement_at(tree, value.lineno)
                    if stmt is not None:
                        found.append((file, stmt, value))
    return found[0] if len(found) == 1 else None


def _unpacked_place(ctx: Context, t: TensorFacts) -> int | None:
    """The place of `t`'s name in the tuple it was unpacked from (`ids, labels = batch`, `for ids, labels in
    loader`), along its provenance."""
    from ..provenance import trace
    key = leaf(t.expr)
    for step in trace(ctx, t):
        tree = src.tree_of(step.file)
        stmt = src.statement_at(tree, step.line) if tree is not None else None
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target if isinstance(stmt, ast.For) \
            else None
        if isinstance(target, ast.Tuple):
            names = [e.id if isinstance(e, ast.Name) else None for e in target.elts]
            if key in names:
                return names.index(key)
    return None


def _returned_by_helper(ctx: Context) -> tuple[str, ast.stmt, ast.Call, str] | None:
    """Labels handed to the model inline as a call of the user's own function (`labels=multi_hot(group)`): the
    tensor-making call that function returns, when it has one return, and the call as written."""
    from ..fixes import _user_def
    for fr in ctx.user_frames():
        tree = src.tree_of(fr.file)
        stmt = src.statement_at(tree, fr.line) if tree is not None else None
        for call in src.calls(stmt) if stmt is not None else ():
            kw = next((k for k in call.keywords if k.arg in _LABEL_KEYS), None)
            helper = _user_def(tree, kw.value) if kw is not None and isinstance(kw.value, ast.Call) else None
            returns = [n for n in ast.walk(helper) if isinstance(n, ast.Return)] if helper is not None else []
            if len(returns) == 1 and isinstance(returns[0].value, ast.Call) and makes_tensor(returns[0].value):
                return fr.file, returns[0], returns[0].value, src.segment(fr.file, kw.value)
    return None


def _made_in_dataset(ctx: Context, key: str = "labels") -> tuple[str, ast.stmt, ast.Call] | None:
    """For labels no user frame holds (a Trainer collated them): the tensor-making call under the `key` key
    in the user's Dataset `__getitem__` (`item["labels"] = torch.tensor(label, dtype=torch.float)`)."""
    from ..batches import dataset_origin
    for step in dataset_origin(ctx, key):
        tree = src.tree_of(step.file)
        stmt = src.statement_at(tree, step.line) if tree is not None else None
        if not isinstance(stmt, ast.Assign):
            continue
        value = stmt.value
        if isinstance(value, ast.Dict):
            value = src.dict_item(value, key)
        elif not any(isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant) and t.slice.value == key
                     for t in stmt.targets):
            continue
        if isinstance(value, ast.Call) and makes_tensor(value):
            return step.file, stmt, value
    return None


def _made_in_collator(ctx: Context, key: str = "labels") -> tuple[str, ast.stmt, ast.Call] | None:
    """For labels a library batched with the user's collate function (a Trainer's `data_collator`, a
    DataLoader's `collate_fn`): the tensor-making call under the `key` key of the one function of the user's
    files (not a Dataset's `__getitem__`) that returns a mapping holding it.  When that call only joins the
    items' own `key` entries (`torch.stack([r["target"] for r in rows])`), the one call that makes each item's
    entry instead, where it is made (`target = torch.tensor([...])` put in `{"target": target}`)."""
    from .collators import returned_mappings
    found = []
    for file, tree, fn, ret, items in returned_mappings(ctx):
        value = items.get(key)
        if isinstance(value, ast.Name):  # `multi_hot = torch.tensor(...)` then `return {"targets": multi_hot}`
            value = src.assigned_value(tree, fn, value, ret.lineno)
        if fn.name != "__getitem__" and isinstance(value, ast.Call) and makes_tensor(value):
            found.append((file, tree, value))
    joins = [c for c in found if _joins_items(c[2], key)]
    site = src.sole_site(joins, 2) if joins else src.sole_site(found, 2)
    if site is not None and joins:
        return _made_per_item(ctx, key) or (site[0][0], site[1], site[0][2])
    return (site[0][0], site[1], site[0][2]) if site is not None else None


def _joins_items(call: ast.Call, key: str) -> bool:
    """`torch.stack([r[key] for r in rows])`: a join of each item's `key` entry."""
    return src.call_name(call).split(".")[-1] in ("stack", "cat", "tensor", "as_tensor") and any(
        isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Constant) and n.slice.value == key
        for n in ast.walk(call))


def _made_per_item(ctx: Context, key: str) -> tuple[str, ast.stmt, ast.Call] | None:
    """The one tensor-making call of the user's files given to a dict literal under `key`, directly or through
    a name assigned it in the same function (`target = torch.tensor(...)` then `{"ids": ids, "target":
    target}`), not itself a join of items' entries."""
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            for d in (n for n in src.walk_scope(fn) if isinstance(n, ast.Dict)):
                value = src.dict_item(d, key)
                if isinstance(value, ast.Name):
                    value = src.assigned_value(tree, fn, value, d.lineno)
                if isinstance(value, ast.Call) and makes_tensor(value) and not _joins_items(value, key):
                    found.append((file, tree, value))
    site = src.sole_site(found, 2)
    return (site[0][0], site[1], site[0][2]) if site is not None else None


def _made_along(ctx: Context, t: TensorFacts) -> tuple[str, ast.stmt, ast.Call] | None:
    from ..provenance import trace
    key = leaf(t.expr)
    steps = []
    for step in trace(ctx, t):
        tree = src.tree_of(step.file)
        stmt = src.statement_at(tree, step.line) if tree is not None else None
        if stmt is not None:
            steps.append((step.file, tree, stmt))
    names, place = {key}, None
    for _, _, stmt in steps:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Tuple):
            ids = [e.id if isinstance(e, ast.Name) else None for e in stmt.targets[0].elts]
            place = ids.index(key) if key in ids else place
    for file, tree, stmt in steps:
        if isinstance(stmt, ast.Return) and stmt.value is not None:
            value = stmt.value
            if isinstance(value, ast.Tuple) and place is not None and place < len(value.elts):
                value = value.elts[place]
            if isinstance(value, ast.Name):
                names.add(value.id)
                made = src.last_assignment(tree, value.id, stmt.lineno)
                if made is not None and isinstance(made.value, ast.Call) and makes_tensor(made.value):
                    return file, made.stmt, made.value
        if not isinstance(stmt, (ast.Assign, ast.Return)) or stmt.value is None:
            continue
        value = stmt.value
        if isinstance(value, ast.Dict):
            value = src.dict_item(value, key)
        elif isinstance(stmt, ast.Assign) and not _binds(stmt, names):
            continue
        if isinstance(value, ast.Call) and makes_tensor(value):
            return file, stmt, value
    return None


def _binds(stmt: ast.Assign, names: set[str]) -> bool:
    """Whether the assignment gives a value to one of `names` (a plain name, or a key of a container)."""
    for t in stmt.targets:
        if isinstance(t, ast.Name) and t.id in names:
            return True
        if isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant) and t.slice.value in names:
            return True
    return False


def makes_tensor(call: ast.Call) -> bool:
    """A call that makes a tensor: a factory, a cast, or a method called on a factory's result
    (`F.one_hot(ids, n).sum(0)`)."""
    return bool(_MAKES.search(src.call_name(call))) or _cast(call) or (
        isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Call) and makes_tensor(call.func.value))


def _cast(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr in ("long", "float", "int", "double", "to")


def takes_dtype(call: ast.Call) -> bool:
    return bool(_TAKES_DTYPE.match(src.call_name(call)))


_LOSS_FUNCTIONS = ("cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits")


@analyzer("text-loss-dtype")
def text_loss_dtype(ctx: Context) -> Finding | None:
    """A pasted log: the message came out of one of torch's losses (its frame is in the traceback), so it is
    about the loss's target, not some other operation with the same wording."""
    if logged_multi_label(ctx):
        return Finding(facts={WANTS_LONG, PICKED_BY_DTYPE}, values={"cast": ".long()"})
    if _BCE_SHAPES.search(ctx.message) or not any(fr.library and fr.function in _LOSS_FUNCTIONS for fr in ctx.frames):
        return None  # a shape message says nothing of the dtype without the labels themselves
    wants_long = bool(re.search(r"expected target dtype to be Long|expected scalar type Long|nll_loss", ctx.message))
    return Finding(facts={WANTS_LONG if wants_long else WANTS_FLOAT},
                   values={"cast": ".long()" if wants_long else ".float()"})


def logged_multi_label(ctx: Context) -> bool:
    """A pasted log of the same mistake as `picked_multi_label`: the BCE shape check raised inside a transformers
    model's forward, with one target per prediction row against two or more columns, and no readable file of the
    script setting problem_type (a multi-label model the user asked for wants multi-hot rows instead)."""
    m = _BCE_SHAPES.search(ctx.message)
    if m is None or not any(fr.library and fr.function == "forward" and "/transformers/models/" in
                            fr.file.replace("\\", "/") for fr in ctx.frames):
        return False
    target = [int(x) for x in re.findall(r"\d+", m.group("t"))]
    wanted = re.search(r"input size \(torch\.Size\(\[(?P<i>[\d, ]*)\]\)\)", ctx.message)
    given = [int(x) for x in re.findall(r"\d+", wanted.group("i"))] if wanted else []
    if len(target) != 1 or len(given) != 2 or given[0] != target[0] or given[1] < 2:
        return False
    return not _sets_problem_type(ctx)


def _sets_problem_type(ctx: Context) -> bool:
    """Some file of the script names problem_type: the model's loss may be the one the user asked for."""
    return any("problem_type" in src.text_of(f.file) for f in ctx.user_frames())
