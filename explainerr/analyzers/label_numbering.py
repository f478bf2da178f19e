"""Whether the user's code numbers the classes from zero: a label map built by enumerate (`{c: i for i, c in
enumerate(names)}`), a dict literal or an Enum that starts at 0, labels binned or looked up in such a map, a class
list the labels index.  Read from the user's source (nothing runs)."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from .classes import LabelSet, module_defs, static_len, user_files


def _numbers_from_zero(line: str) -> bool:
    """Whether a line of code makes a map numbering items from 0: `{x: i for i, x in enumerate(xs)}` (no start)."""
    try:
        tree = ast.parse(line.strip())
    except SyntaxError:
        return False
    return any(isinstance(n, ast.DictComp) and isinstance(n.value, ast.Name) and _enumerated(n) is not None
               for n in ast.walk(tree))


def _enumerated(comp: ast.AST) -> ast.expr | None:
    """`seq` of `{x: i for i, x in enumerate(seq)}`: a map numbering the items of `seq` from 0."""
    if not (isinstance(comp, ast.DictComp) and len(comp.generators) == 1):
        return None
    gen = comp.generators[0]
    it, target = gen.iter, gen.target
    if (isinstance(it, ast.Call) and src.call_name(it) == "enumerate" and len(it.args) == 1 and not it.keywords
            and isinstance(target, ast.Tuple) and len(target.elts) == 2
            and ast.unparse(comp.value) == ast.unparse(target.elts[0])):
        return it.args[0]
    return None


def made_zero_based(ctx: Context, labels: TensorFacts | None) -> bool:
    """The labels are made by a position in a list (`names.index(x)`) on the lines that made them (their
    provenance, or the user's Dataset's for a batch a library built): 0-based by construction, so labels
    from 1 up are not a 1-based numbering, whatever this batch holds."""
    lines = label_lines(ctx, labels)
    return any(re.search(r"\.index\(", line) for line in lines) or _indexed_in_class_list(ctx) or \
        enumerated_labels(ctx) is not None or _looked_up_in_map_from_zero(ctx, lines) or _label_map_from_zero(ctx) \
        or _binned_labels(ctx) or _label_dict_from_zero(ctx)


def _label_dict_from_zero(ctx: Context) -> bool:
    """The user's files write their label maps as dict displays of numbers (`LABEL2ID = {"queenright": 0, ...}`,
    named like labels), and each numbers its classes 0..n-1: the labels are 0-based by construction, even when a
    Dataset looks them up under another name (`self.label_map[cond]`)."""
    from .classes import _LABEL_NAME
    starts = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for name, a in (module_defs(tree) if tree is not None else {}).items():
            value = a.value
            if not (_LABEL_NAME.search(name) and isinstance(value, ast.Dict) and value.values):
                continue
            numbers = [v.value for v in value.values if isinstance(v, ast.Constant) and type(v.value) is int]
            if len(numbers) == len(value.values):
                starts.append(sorted(numbers) == list(range(len(numbers))))
    return bool(starts) and all(starts)


def _binned_labels(ctx: Context) -> bool:
    """The labels are bins of a `bucketize`/`digitize` whose count the code writes as its edges: bins count from
    0 (below the first edge), so labels from 1 up are not a 1-based numbering."""
    from .bucket_count import bins_counted_as_edges
    return bins_counted_as_edges(ctx, None) is not None


def _label_map_from_zero(ctx: Context) -> bool:
    """The one map of the user's files that numbers labels (`index = {name: i for i, name in
    enumerate(sorted(set(findings)))}` in `make_label_encoder`, or assigned to a label-named variable) counts
    from 0, and none counts from 1: the labels are 0-based by construction, whatever one batch holds."""
    from .classes import _LABEL_NAME
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for comp in src.nodes(tree, ast.DictComp) if tree is not None else ():
            stmt = src.statement_at(tree, comp.lineno)
            scope = src.enclosing_scope(tree, comp.lineno)
            names = [getattr(scope, "name", "")] + [src.segment(file, t) for t in getattr(stmt, "targets", ())]
            if any(_LABEL_NAME.search(n) for n in names if n):
                found.append(_enumerated(comp) is not None and isinstance(comp.value, ast.Name))
    return len(found) == 1 and found[0]


def label_lines(ctx: Context, labels: TensorFacts | None) -> list[str]:
    """The source lines that made the labels: their provenance (unless a library frame holds them), and the
    user's Dataset's for a batch a library built."""
    from ..batches import dataset_origin
    from ..provenance import origins
    steps = list(origins(ctx, [labels])) if labels is not None and not ctx.frames[labels.frame].library else []
    steps += dataset_origin(ctx, "labels", "labels")
    return [o.source for o in steps]


def subscripted_names(lines: list[str]) -> set[str]:
    """The names the lines look an item up in (`FAULT_CODES` of `FAULT_CODES[r[1]]`), not those read with a
    written key (`HP["hidden"]` reads a setting)."""
    return {m.group(1) for line in lines for m in re.finditer(r"\b([A-Za-z_]\w*)\[(?![\"'])", line)}


def _looked_up_in_map_from_zero(ctx: Context, lines: list[str]) -> bool:
    """The labels are read from a map of the user's whose values are numbers from 0: a module-level one
    (`FAULT_CODES[r[1]]` with `{"leak": 0, "corrosion": 1, ...}`), or one made on the labels' lines by numbering
    a list (`{name: i for i, name in enumerate(profile["queues"])}`): 0-based by construction."""
    if any(_numbers_from_zero(line) for line in lines):
        return True
    read = subscripted_names(lines)
    for file in user_files(ctx):
        tree = src.tree_of(file)
        defs = module_defs(tree) if tree is not None else {}
        for name in read & set(defs):
            value = defs[name].value
            numbers = [v.value for v in value.values if isinstance(v, ast.Constant) and type(v.value) is int] \
                if isinstance(value, ast.Dict) else []
            if numbers and len(numbers) == len(value.values) and min(numbers) == 0:
                return True
    return False


def enumerated_labels(ctx: Context) -> LabelSet | None:
    """Every `"labels": ids[name]` entry of the user's files (a dict literal's or an item written) looks its value up
    in a map numbered by `enumerate` from 0 (`ids = {name: i for i, name in enumerate(NAMES)}`): 0-based, and the
    sequence enumerated (a module-level one of known length) names the classes."""
    looked = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for n in src.nodes(tree, ast.Dict, ast.Assign) if tree is not None else ():
            if isinstance(n, ast.Dict):
                looked += [(tree, v) for k, v in zip(n.keys, n.values)
                           if isinstance(k, ast.Constant) and k.value in ("labels", "label")]
            elif len(n.targets) == 1 and isinstance(n.targets[0], ast.Subscript) and isinstance(
                    n.targets[0].slice, ast.Constant) and n.targets[0].slice.value in ("labels", "label"):
                looked.append((tree, n.value))
    seqs = {_enumeration_lookup(tree, v) for tree, v in looked}
    if not looked or None in seqs or len(seqs) != 1:
        return None
    seq = seqs.pop()
    for file in user_files(ctx):
        tree = src.tree_of(file)
        defs = module_defs(tree) if tree is not None else {}
        length = static_len(defs[seq].value, defs)[0] if seq in defs else None
        if length is not None:
            return LabelSet(name=seq, length=length, file=file, line=defs[seq].lineno)
    return LabelSet(name=seq, length=0, file="", line=0)


def _enumeration_lookup(tree: ast.Module, value: ast.expr) -> str | None:
    """`seq` of `ids[x]` or `ids.get(x, ...)` where `ids` is assigned only `{x: i for i, x in enumerate(seq)}`."""
    if isinstance(value, ast.Subscript):
        table = value.value
    elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "get":
        table = value.func.value
    else:
        return None
    made = src.assignments(tree, table.id, None) if isinstance(table, ast.Name) else []
    comp = made[0].value if len(made) == 1 else None
    seq = _enumerated(comp)
    return ast.unparse(seq) if seq is not None and not comp.generators[0].ifs else None  # type: ignore[union-attr]


_CLASS_LIST = re.compile(r"label|class|categor|names|tags?\b|materials?|kinds?|types?", re.I)


def _indexed_in_class_list(ctx: Context) -> bool:
    """The user's files number examples by their place in a list of class names (`label_names.index(mat)`, not
    shifted by `+ 1`): the labels are 0-based by construction, even where the traced lines do not show it."""
    for file in user_files(ctx):
        tree = src.tree_of(file)
        shifted = {id(n.left) for n in src.nodes(tree, ast.BinOp) if isinstance(n.op, ast.Add)} if tree else set()
        for call in src.calls(tree) if tree is not None else ():
            if (isinstance(call.func, ast.Attribute) and call.func.attr == "index" and len(call.args) == 1
                    and _CLASS_LIST.search(src.last_name(call.func.value)) and id(call) not in shifted):
                return True
    return False
