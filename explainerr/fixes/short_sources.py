"""Windows cut from sequences a filter keeps although they are shorter than a window: the Dataset's
`__getitem__` cuts `x[start:start + self.seq_len]` (or `slice(start, start + self.seq_len)`), its construction
is given the width (`WindowDataset(usable, SEQ_LEN)`) and the sequences `usable = [ep for ep in replay if
len(ep["actions"]) >= MIN_LEN]`, with MIN_LEN below the width: a kept sequence shorter than the window gives a
shorter item, and the default collate cannot stack it.  The filter keeps only sequences a whole window fits in."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import fact
from ..analyzers.classes import static_int
from ..model import Edit
from . import edits_of
from .checks import bound_names

SHORT_SOURCES = fact("short-sources", "`filter_expr` (line `filter_line`) keeps sequences of `filter_min` items or "
                                      "more, while `__getitem__` of `window_cls` cuts windows of `window_len` "
                                      "(`window_text` = `window_value`) from them")


def _window_width(get: ast.FunctionDef) -> ast.expr | None:
    """W of `x[s:s + W]` or `slice(s, s + W)` in `__getitem__`."""
    for n in ast.walk(get):
        lower = upper = None
        if isinstance(n, ast.Slice) and n.step is None:
            lower, upper = n.lower, n.upper
        elif isinstance(n, ast.Call) and src.call_name(n) == "slice" and len(n.args) == 2:
            lower, upper = n.args
        if isinstance(lower, ast.Name) and isinstance(upper, ast.BinOp) and isinstance(upper.op, ast.Add) \
                and isinstance(upper.left, ast.Name) and upper.left.id == lower.id:
            return upper.right
    return None


def _given_width(tree: ast.Module, cls: ast.ClassDef, width: ast.expr) -> tuple[ast.Call, ast.expr] | None:
    """(the one construction of `cls`, the argument it gives for `self.<attr>` = W, stored from an `__init__`
    parameter)."""
    init = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
    if init is None or not (isinstance(width, ast.Attribute) and isinstance(width.value, ast.Name)
                            and width.value.id == "self"):
        return None
    stored = [st.value.id for st in src.self_assignments(cls, width.attr) if isinstance(st.value, ast.Name)]
    for st in src.nodes(init, ast.Assign):  # `self.tracks, self.span = tracks, span`
        if len(st.targets) == 1 and isinstance(st.targets[0], ast.Tuple) and isinstance(st.value, ast.Tuple) \
                and len(st.targets[0].elts) == len(st.value.elts):
            stored += [v.id for k, v in zip(st.targets[0].elts, st.value.elts) if isinstance(k, ast.Attribute)
                       and k.attr == width.attr and isinstance(k.value, ast.Name) and k.value.id == "self"
                       and isinstance(v, ast.Name)]
    params = [a.arg for a in init.args.args][1:]
    if len(stored) != 1 or stored[0] not in params:
        return None
    built = [c for c in src.calls(tree) if isinstance(c.func, ast.Name) and c.func.id == cls.name]
    if len(built) != 1:
        return None
    call, at = built[0], params.index(stored[0])
    kw = src.keyword(call, stored[0])
    arg = kw.value if kw is not None else call.args[at] if at < len(call.args) else None
    return (call, arg) if arg is not None and not isinstance(arg, ast.Starred) else None


def _length_floor(comp: ast.ListComp) -> tuple[ast.Compare, ast.expr, bool] | None:
    """(the test, its bound, strict) of `[x for x in xs if len(...) >= M]` (or `> M`, `M <= len(...)`)."""
    if len(comp.generators) != 1 or len(comp.generators[0].ifs) != 1:
        return None
    test = comp.generators[0].ifs[0]
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    left, op, right = test.left, test.ops[0], test.comparators[0]

    def is_len(n: ast.AST) -> bool:
        return isinstance(n, ast.Call) and src.call_name(n) == "len"
    if is_len(left) and isinstance(op, (ast.GtE, ast.Gt)):
        return test, right, isinstance(op, ast.Gt)
    if is_len(right) and isinstance(op, (ast.LtE, ast.Lt)):
        return test, left, isinstance(op, ast.Lt)
    return None


def short_sources(ctx, f, file: str, cls: ast.ClassDef) -> list[Edit]:
    """The filter's bound becomes the window's width where the Dataset is given sequences a filter kept."""
    tree = src.tree_of(file)
    get = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__getitem__"), None)
    width = _window_width(get) if get is not None and tree is not None else None
    given = _given_width(tree, cls, width) if width is not None else None
    if given is None or not given[0].args or not isinstance(given[0].args[0], ast.Name):
        return []
    call, arg = given
    whole = static_int(ctx, tree, arg)
    made = src.last_assignment(tree, call.args[0].id, call.lineno)
    floor = _length_floor(made.value) if made is not None and isinstance(made.value, ast.ListComp) else None
    if floor is None or whole is None:
        return []
    test, bound, strict = floor
    least = static_int(ctx, tree, bound)
    if least is None or least + strict >= whole:
        return []
    text = src.segment(file, arg)
    new = f"{text} - 1" if strict else text
    readable = bound_names(file, made.stmt.lineno)
    if readable is not None and not set(src.names_in(ast.parse(text, mode="eval"))) <= readable:
        return []  # the width is not readable where the filter is written
    f.facts.add(SHORT_SOURCES)
    f.values.update(filter_expr=" ".join(src.segment(file, test).split()), filter_line=made.stmt.lineno,
                    filter_min=src.segment(file, bound), window_cls=cls.name, window_len=text,
                    window_text=src.segment(file, width), window_value=whole,
                    filter_fixed=" ".join(src.segment(file, test).split()).replace(src.segment(file, bound), new, 1))
    return edits_of(src.LineEditor.for_node(file, made.stmt).replace(bound, new))
