"""A label moved past the classes a name list defines: the classifier is sized `len(NAMES)` from a list of class
names, and the function that makes the labels adds a constant to a label (`tag += 1` to turn a B- tag into its
I- tag).  The last names have no class after them, so the shift yields an id no name has; more outputs would
train a class that does not exist, so the fix is said in words: keep the shift inside the names."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, fact
from .classes import SIZE_KEYWORDS, _mutated, user_files

SHIFTED_PAST_NAMES = fact("shifted-past-names", "the classifier is sized by the length of a list of class names "
                                                "and the labels' maker adds a constant to a label "
                                                "(`names`, `names_len`, `last_name`, `shift_stmt`, `shift_where`)")


def shifted_past_names(ctx: Context, labels: TensorFacts | None, n_classes: int, max_label: int | None) -> Finding | None:
    """The reading, when the numbers tie: the shift by k moves the last named class (n_classes - 1) to at
    least the largest label seen."""
    if max_label is None or max_label < n_classes:
        return None
    names = name_list_sizing(ctx, n_classes)
    if names is None:
        return None
    name, items = names
    last = items[-1]
    makers = _maker_functions(ctx, labels)
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            if fn.name not in makers:
                continue
            for n in ast.walk(fn):
                k = _added_constant(n)
                appended = _appended_shift(n)
                if appended is not None:
                    k = appended
                if k is not None and n_classes - 1 + k >= max_label and (appended is not None
                                                                         or _stored_as_value(fn, n)):
                    f = Finding(facts={SHIFTED_PAST_NAMES}, confidence="medium")
                    f.values.update(names=name, names_len=n_classes, last_name=last, shift_by=k,
                                    shift_stmt=" ".join(src.segment(file, n).split()),
                                    shift_where=f"line {n.lineno} in `{fn.name}`")
                    if appended is not None and k == 1:
                        _inside_tag(f, file, tree, n.args[0], items)  # type: ignore[attr-defined]
                    elif k == 1:
                        _inside_tag_of_id(f, file, tree, fn, n, name, items)
                    return f
    return None


BIO_INSIDE = fact("bio-inside", "the names are BIO tags (`B-X` and `I-X` pairs): the shift by one meant the `I-` tag of "
                                 "the word's `B-` tag, which `inside_expr` looks up by name")


def _inside_tag(f: Finding, file: str, tree: ast.Module, shifted: ast.BinOp, items: list[str]) -> None:
    """`tag2id[tag] + 1` over BIO names (`items`): the continuation piece of a `B-X` word was meant to get `I-X`,
    whose id is not always one more (`I-X` words, and names not ordered in pairs): looked up by name,
    `tag2id[tag.replace("B-", "I-")]`."""
    lookup = shifted.left
    if not isinstance(lookup, ast.Subscript):
        return
    if not _bio(items):
        return
    key = src.segment(file, lookup.slice)
    fixed = f'{src.segment(file, lookup.value)}[{key}.replace("B-", "I-")]'
    stmt = src.statement_at(tree, shifted.lineno)
    if stmt is None:
        return
    f.facts.add(BIO_INSIDE)
    f.values["inside_expr"] = fixed
    f.hints["bio_inside"] = (file, stmt, shifted, fixed)


def _inside_tag_of_id(f: Finding, file: str, tree: ast.Module, fn: ast.FunctionDef, shift: ast.stmt, names: str,
                      items: list[str]) -> None:
    """`tag = tag2id[...]` then `tag += 1` (or `tag = tag + 1`) over BIO names: the id is turned back into its name
    (`names[tag]`, the map being `{t: i for i, t in enumerate(names)}`) and the `I-` tag looked up by name,
    `tag = tag2id[names[tag].replace("B-", "I-")]`."""
    if not _bio(items) or not names.isidentifier():
        return
    var = shift.target.id if isinstance(shift, ast.AugAssign) else shift.targets[0].id  # type: ignore[attr-defined]
    before = [a for a in src.assignments(tree, var, fn, before=shift.lineno - 1)
              if isinstance(a.value, ast.Subscript) and isinstance(a.value.value, ast.Name)]
    if not before or not _numbers_names(tree, before[-1].value.value.id, names):  # type: ignore[attr-defined]
        return
    table = before[-1].value.value.id  # type: ignore[attr-defined]
    fixed = f'{table}[{names}[{var}].replace("B-", "I-")]'
    f.facts.add(BIO_INSIDE)
    f.values["inside_expr"] = fixed
    if isinstance(shift, ast.AugAssign):
        f.hints["bio_inside"] = (file, shift, shift, f"{var} = {fixed}")
    else:
        f.hints["bio_inside"] = (file, shift, shift.value, fixed)  # type: ignore[attr-defined]


def _bio(items: list[str]) -> bool:
    """Names that are BIO tags: `O` and `B-X`/`I-X`, every `I-X` with its `B-X`."""
    inside = {t[2:] for t in items if t.startswith("I-")}
    begin = {t[2:] for t in items if t.startswith("B-")}
    return bool(inside) and inside <= begin and all(t == "O" or t[:2] in ("B-", "I-") for t in items)


def _numbers_names(tree: ast.Module, table: str, names: str) -> bool:
    """`table` maps each of `names` to its position: `{t: i for i, t in enumerate(names)}` (or `{n: i ...}` with
    the pair in either order), assigned once."""
    found = src.assignments(tree, table)
    if len(found) != 1 or not isinstance(found[0].value, ast.DictComp):
        return False
    comp = found[0].value
    gen = comp.generators[0] if len(comp.generators) == 1 else None
    if (gen is None or not isinstance(gen.iter, ast.Call) or src.call_name(gen.iter) != "enumerate"
            or not gen.iter.args or not (isinstance(gen.iter.args[0], ast.Name) and gen.iter.args[0].id == names)
            or not isinstance(gen.target, ast.Tuple) or len(gen.target.elts) != 2):
        return False
    index, item = (e.id if isinstance(e, ast.Name) else None for e in gen.target.elts)
    return (isinstance(comp.key, ast.Name) and comp.key.id == item and isinstance(comp.value, ast.Name)
            and comp.value.id == index)


def _appended_shift(n: ast.AST) -> int | None:
    """`out.append(tag2id[t] + k)`: a label looked up and shifted by a positive int constant k as it is stored."""
    if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "append"
            and len(n.args) == 1):
        return None
    v = n.args[0]
    if (isinstance(v, ast.BinOp) and isinstance(v.op, ast.Add) and isinstance(v.left, ast.Subscript)
            and isinstance(v.right, ast.Constant) and type(v.right.value) is int and v.right.value > 0):
        return v.right.value
    return None


def _added_constant(n: ast.AST) -> int | None:
    """`v += k` or `v = v + k` with a positive int constant k."""
    if isinstance(n, ast.AugAssign) and isinstance(n.op, ast.Add) and isinstance(n.target, ast.Name):
        value = n.value
    elif (isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
          and isinstance(n.value, ast.BinOp) and isinstance(n.value.op, ast.Add)
          and isinstance(n.value.left, ast.Name) and n.value.left.id == n.targets[0].id):
        value = n.value.right
    else:
        return None
    if isinstance(value, ast.Constant) and type(value.value) is int and value.value > 0:
        return value.value
    return None


def _stored_as_value(fn: ast.FunctionDef, shift: ast.AST) -> bool:
    """The shifted name is kept as a value after the shift (appended, returned, written into an item, put in a
    list), not only used to index something, as a running position (`word_idx += 1`) is."""
    name = shift.targets[0].id if isinstance(shift, ast.Assign) else shift.target.id  # type: ignore[attr-defined]

    def named(node: ast.AST | None) -> bool:
        return isinstance(node, ast.Name) and node.id == name

    for n in ast.walk(fn):
        if getattr(n, "lineno", 0) < shift.lineno:  # type: ignore[attr-defined]
            continue
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("append", "extend",
                                                                                             "insert"):
            if any(named(a) for a in n.args):
                return True
        if isinstance(n, ast.Return) and named(n.value):
            return True
        if isinstance(n, ast.Assign) and named(n.value) and isinstance(n.targets[0], ast.Subscript):
            return True
        if isinstance(n, (ast.List, ast.Tuple)) and any(named(e) for e in n.elts):
            return True
    return False


def name_list_sizing(ctx: Context, n_classes: int, of: type = str) -> tuple[str, list] | None:
    """`num_labels=len(NAMES)` (another size keyword, or an argument by position) where NAMES is a literal list of
    n_classes constants of type `of` (names; `int` for a list of the label values) that nothing changes in place:
    (NAMES, its items).  For `int`, a dict literal whose keys are the values counts too (`{1: "walking", ...}`),
    and so does a size parameter's default (`def __init__(self, n_classes=len(CODES))`)."""
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        defaults = [v for fn in src.nodes(tree, ast.FunctionDef) for k, v in src.param_defaults(fn).items()
                    if k in SIZE_KEYWORDS] if of is int else []
        for call in [None, *src.calls(tree)]:
            given = defaults if call is None else [k.value for k in call.keywords if k.arg in SIZE_KEYWORDS] + list(
                call.args)
            for v in given:
                if not (isinstance(v, ast.Call) and src.call_name(v) == "len" and len(v.args) == 1):
                    continue
                if isinstance(v.args[0], ast.Attribute):  # `len(cfg.tag_names)`: a config class's literal field
                    items = _field_list(tree, v.args[0].attr) if of is str else None
                    if items is not None and len(items) == n_classes:
                        return src.segment(file, v.args[0]), items
                    continue
                entry = dict_entry_list(tree, v.args[0]) if of is int else None
                if entry is not None and len(entry) == n_classes:  # `len(SEG_CLASSES[CATEGORY])`: one entry's list
                    return src.segment(file, v.args[0]), entry
                if not isinstance(v.args[0], ast.Name):
                    continue
                name = v.args[0].id
                if _mutated(tree, name):
                    continue
                for a in src.assignments(tree, name):
                    items = a.value.keys if isinstance(a.value, ast.Dict) and of is int else getattr(a.value, "elts", None)
                    if (isinstance(a.value, (ast.List, ast.Tuple, ast.Dict)) and items and len(items) == n_classes
                            and all(isinstance(e, ast.Constant) and type(e.value) is of for e in items)):
                        return name, [e.value for e in items]  # type: ignore[attr-defined]
    return None


def dict_entry_list(tree: ast.Module, node: ast.AST) -> list[int] | None:
    """`TABLE[KEY]` where TABLE is a module-level dict literal of int lists and KEY a string literal or a module
    constant holding one, neither changed in place: that entry's ints."""
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)):
        return None
    key = node.slice
    if isinstance(key, ast.Name):
        made = [a for a in src.assignments(tree, key.id, tree)]
        key = made[0].value if len(made) == 1 else None
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)) or _mutated(tree, node.value.id):
        return None
    tables = src.assignments(tree, node.value.id, tree)
    table = tables[0].value if len(tables) == 1 else None
    if not isinstance(table, ast.Dict):
        return None
    for k, v in zip(table.keys, table.values):
        if isinstance(k, ast.Constant) and k.value == key.value and isinstance(v, (ast.List, ast.Tuple)) and v.elts \
                and all(isinstance(e, ast.Constant) and type(e.value) is int for e in v.elts):
            return [e.value for e in v.elts]
    return None


def _field_list(tree: ast.Module, attr: str) -> list[str] | None:
    """The literal string list a class body gives its field `attr` (`tag_names: list = field(default_factory=lambda:
    [...])`, `TAGS = [...]`), when exactly one class does and nothing assigns the attribute elsewhere."""
    found = []
    for cls in src.nodes(tree, ast.ClassDef):
        value = src.class_field(cls, attr)
        if value is not None:
            if isinstance(value, ast.Call) and src.call_name(value).split(".")[-1] == "field":
                kw = src.keyword(value, "default_factory")
                value = kw.value.body if kw is not None and isinstance(kw.value, ast.Lambda) else None
            if isinstance(value, (ast.List, ast.Tuple)) and value.elts and all(
                    isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts):
                found.append([e.value for e in value.elts])
    writes = [t for a in src.nodes(tree, ast.Assign) for t in a.targets
              if isinstance(t, ast.Attribute) and t.attr == attr]
    return found[0] if len(found) == 1 and not writes else None


def _maker_functions(ctx: Context, labels: TensorFacts | None) -> set[str]:
    """Names of the user's functions called on the lines the labels were made by (provenance; a library
    loop's batch entry through the Dataset)."""
    from ..batches import dataset_origin
    from ..provenance import origins
    steps = list(origins(ctx, [labels])) if labels is not None and not ctx.frames[labels.frame].library else []
    if not steps:
        steps = list(dataset_origin(ctx, "labels", "labels"))
    called: set[str] = set()
    for o in steps:
        called.update(re.findall(r"([A-Za-z_]\w*)\s*\(", o.source))
        called.add(o.function.split(".")[-1])  # the function whose lines made them (a Dataset's __getitem__)
    if not steps:
        called |= _dataset_makers(ctx)
    if labels is not None and labels.expr.isidentifier() and not ctx.frames[labels.frame].library:
        frame = ctx.frames[labels.frame]  # every assignment of the labels' name before the loss, not only the last
        tree = src.tree_of(frame.file)
        scope = src.enclosing_scope(tree, frame.line) if tree is not None else None
        for a in src.assignments(tree, labels.expr, scope, before=frame.line) if scope is not None else ():
            called.update(src.call_name(c).split(".")[-1] for c in ast.walk(a.value) if isinstance(c, ast.Call))
    return called - {"<module>"}


def _dataset_makers(ctx: Context) -> set[str]:
    """The functions called where the dataset given to a library loop is made (`train_set = [encode(p) for p in
    rows]` passed as `train_dataset=train_set`, or a DataLoader's first argument)."""
    out: set[str] = set()
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            given = [k.value for k in call.keywords if k.arg in ("train_dataset", "dataset", "eval_dataset")]
            if src.call_name(call).split(".")[-1] == "DataLoader" and call.args:
                given.append(call.args[0])
            for v in given:
                if isinstance(v, ast.Name):
                    for a in src.assignments(tree, v.id):
                        out.update(src.call_name(c).split(".")[-1] for c in ast.walk(a.value) if isinstance(c, ast.Call))
    return out
