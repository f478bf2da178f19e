"""A layer's input made by a function of the user's that picks its output by a mode setting (`if self.pooling
== "cls": return cls_vec ... return torch.cat([cls_vec, mean_vec], -1)`): the width depends on the mode, and a
layer sized for one mode breaks on another.  Reads the function's branches (the constants compared with the
mode, and how many vectors each branch joins) and writes the layer's size as the same choice:
`(2 if self.pooling == "cls_mean" else 1) * hidden`."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .. import source as src
from ..model import FrameFacts
from . import Finding, fact
from .layer_parts import readable_at

MODE_WIDTH = fact("mode-width", "the layer's input comes from `mode_fn`, whose output width depends on `mode_expr` "
                                "(`mode_widths`): the fix sizes the layer by the same choice (`mode_sized`)")

_JOIN = ("cat", "concat", "hstack")


@dataclass(frozen=True)
class _Branches:
    mode: ast.expr            # the compared expression (`self.pooling`)
    widths: dict              # constant -> number of joined vectors
    default: int | None       # the number for any other constant (None: the function raises)


def mode_width(f: Finding, frame: FrameFacts, site, want: int, got: int) -> None:
    """Records MODE_WIDTH when the layer's input text calls a function of the file that returns k joined vectors
    for some values of a mode and one for others, and the layer's size written at `site` is one such multiple
    of a unit whose other multiple is the input's width."""
    text = f.values.get("input")
    tree = src.tree_of(frame.file) if text else None
    if tree is None or site is None or site.node is None:
        return
    try:
        parsed = ast.parse(text, mode="eval").body
    except SyntaxError:
        return
    if isinstance(parsed, ast.Name):  # `pooled` of `pooled = POOLERS[mode](h, keep)` before the failing line
        made = src.last_assignment(tree, parsed.id, frame.line)
        parsed = made.value if made is not None and not made.augmented else parsed
    called = [c for c in ast.walk(parsed) if isinstance(c, ast.Call)]
    cls = src.enclosing_class(tree, frame.line)
    for call in called:
        name = src.call_name(call).rpartition(".")[2]
        fn = _def_named(tree, cls, name)
        branches = _branches(fn) if fn is not None else _dispatched(tree, call)
        if branches is None:
            continue
        if fn is None:
            name = ast.unparse(call.func.value)  # type: ignore[attr-defined]
        unit, k_site = _unit(site.node)
        if unit is None or want % k_site or got % (want // k_site):
            return
        k_now = got // (want // k_site)
        ks = {*branches.widths.values(), *([branches.default] if branches.default is not None else [])}
        if k_site not in ks or k_now not in ks or k_site == k_now:
            return
        mode = _mode_at_site(tree, fn, branches.mode, site)
        if mode is None:
            return
        sized = _sized(branches, mode, src.segment(site.file, unit))
        if sized is None:
            return
        f.facts.add(MODE_WIDTH)
        f.values.update(mode_fn=name, mode_expr=ast.unparse(branches.mode), mode_sized=sized, mode_widths=_widths_text(branches))
        f.hints["mode_sized"] = sized
        return


def _def_named(tree: ast.Module, cls: ast.ClassDef | None, name: str) -> ast.FunctionDef | None:
    """The method `name` of the class around the failing line, else the file's one function of that name."""
    if cls is not None:
        own = [n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == name]
        if own:
            return own[0]
    found = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
    return found[0] if len(found) == 1 else None


def _branches(fn: ast.FunctionDef) -> _Branches | None:
    """The function's top-level `if <mode> == C: return ...` (or `in (C1, C2)`, elif chains) and its final
    return: how many vectors each returns.  One mode expression, string or int constants."""
    mode, widths, default = None, {}, None
    for stmt in fn.body:
        chain = stmt
        while isinstance(chain, ast.If):
            tested = _tested(chain.test)
            if tested is None:
                return None
            expr, constants = tested
            if mode is not None and ast.dump(expr) != ast.dump(mode):
                return None
            mode = expr
            ret = next((s for s in chain.body if isinstance(s, ast.Return)), None)
            if ret is None:
                if any(isinstance(s, ast.Raise) for s in chain.body):
                    break
                return None
            k = _joined(fn, ret.value)
            for c in constants:
                widths.setdefault(c, k)
            chain = chain.orelse[0] if len(chain.orelse) == 1 and isinstance(chain.orelse[0], ast.If) else None
        if isinstance(stmt, ast.Return):
            default = _joined(fn, stmt.value)
            break
        if isinstance(stmt, ast.Raise):
            break
    if mode is None or len(widths) < 1 or len({*widths.values(), *([default] if default else [])}) < 2:
        return None
    return _Branches(mode, widths, default)


def _dispatched(tree: ast.Module, call: ast.Call) -> _Branches | None:
    """`POOLERS[spec.pooling](h, keep)`: a module-level dict of the file's functions, picked by a mode; each
    constant key gives as many vectors as its function's return joins."""
    if not (isinstance(call.func, ast.Subscript) and isinstance(call.func.value, ast.Name)):
        return None
    table = [a.value for a in src.assignments(tree, call.func.value.id, tree)]
    if len(table) != 1 or not isinstance(table[0], ast.Dict):
        return None
    widths = {}
    for k, v in zip(table[0].keys, table[0].values):
        fn = _def_named(tree, None, v.id) if isinstance(v, ast.Name) else None
        last = fn.body[-1] if fn is not None else None
        if not (isinstance(k, ast.Constant) and isinstance(k.value, (str, int)) and isinstance(last, ast.Return)):
            return None
        widths[k.value] = _joined(fn, last.value)
    if len(set(widths.values())) < 2:
        return None
    return _Branches(call.func.slice, widths, None)


def _tested(test: ast.expr) -> tuple[ast.expr, list] | None:
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    right = test.comparators[0]
    if isinstance(test.ops[0], ast.Eq) and isinstance(right, ast.Constant) and isinstance(right.value, (str, int)):
        return test.left, [right.value]
    if isinstance(test.ops[0], ast.In) and isinstance(right, (ast.Tuple, ast.List, ast.Set)) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, (str, int)) for e in right.elts):
        return test.left, [e.value for e in right.elts]
    return None


def _joined(fn: ast.FunctionDef, value: ast.expr | None) -> int:
    """How many vectors a returned value joins: the parts of a `torch.cat([...])` written out (or made into a
    local name of the function), else 1."""
    if isinstance(value, ast.Name):
        made = [a for a in src.assignments(fn, value.id) if not a.augmented]
        value = made[-1].value if len(made) == 1 else value
    if isinstance(value, ast.Call) and src.call_name(value).rpartition(".")[2] in _JOIN and value.args and \
            isinstance(value.args[0], (ast.List, ast.Tuple)):
        return len(value.args[0].elts)
    return 1


def _unit(node: ast.AST) -> tuple[ast.AST | None, int]:
    """The size's unit and its multiple: `2 * hidden` -> (hidden, 2), `hidden` -> (hidden, 1)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        for const, other in ((node.left, node.right), (node.right, node.left)):
            if isinstance(const, ast.Constant) and type(const.value) is int and const.value > 0:
                return other, const.value
        return None, 1
    if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
        return node, 1
    return None, 1


def _mode_at_site(tree: ast.Module, fn: ast.FunctionDef, mode: ast.expr, site) -> str | None:
    """The mode as the layer's line can read it: `self.pooling` when set before the layer in the same function,
    else what `self.pooling` is set from there (`mcfg.pooling`)."""
    text = ast.unparse(mode)
    if readable_at(site.file, site.line, text):
        return text
    looped = _mode_in_loop(tree, mode, site.line)
    if looped is not None and (looped[1] or readable_at(site.file, site.line, looped[0])):
        return looped[0]
    if isinstance(mode, ast.Attribute) and isinstance(mode.value, ast.Name) and mode.value.id == "self":
        scope = src.enclosing_scope(tree, site.line)
        set_from = [s.value for s in src.statements(scope) if isinstance(s, ast.Assign) and any(
            ast.dump(t) == ast.dump(mode) for t in s.targets)]
        if len(set_from) == 1 and readable_at(site.file, site.line, ast.unparse(set_from[0])):
            return ast.unparse(set_from[0])
    return None


def _mode_in_loop(tree: ast.Module, mode: ast.expr, line: int) -> tuple[str, bool] | None:
    """`TASKS[task].pooling` read where the layers are made in `for name, spec in TASKS.items()`: `spec.pooling`
    (or `TASKS[name].pooling` in `for name in TASKS`), and whether a comprehension around the line binds it."""
    if not (isinstance(mode, ast.Attribute) and isinstance(mode.value, ast.Subscript) and
            isinstance(mode.value.value, ast.Name)):
        return None
    table = mode.value.value.id
    comprehended = [g for n in src.path_to(tree, line) if isinstance(n, (ast.ListComp, ast.DictComp, ast.SetComp,
                                                                         ast.GeneratorExp)) for g in n.generators]
    for loop in reversed([*src.enclosing_loops(tree, line), *comprehended]):
        it, target = loop.iter, loop.target
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and isinstance(it.func.value, ast.Name) \
                and it.func.value.id == table and it.func.attr == "items" and isinstance(target, ast.Tuple) and \
                len(target.elts) == 2 and isinstance(target.elts[1], ast.Name):
            return f"{target.elts[1].id}.{mode.attr}", loop in comprehended
        keys = it.func.value if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and \
            it.func.attr == "keys" else it
        if isinstance(keys, ast.Name) and keys.id == table and isinstance(target, ast.Name):
            return f"{table}[{target.id}].{mode.attr}", loop in comprehended
    return None


def _sized(branches: _Branches, mode: str, unit: str) -> str | None:
    """`(2 if mode == "cls_mean" else 1) * unit`: the constants whose multiple differs from the others'."""
    by_k = _by_multiple(branches)
    other = branches.default
    if other is None:
        if len(by_k) != 2:
            return None
        other = max(by_k, key=lambda k: len(by_k[k]))  # the more common multiple is the `else`
    rest = {k: cs for k, cs in by_k.items() if k != other}
    if len(rest) != 1:
        return None
    k, cs = next(iter(rest.items()))
    test = f"{mode} == {_literal(cs[0])}" if len(cs) == 1 else f"{mode} in ({', '.join(map(_literal, cs))})"
    unit = unit if unit.replace(".", "").replace("_", "").isalnum() else f"({unit})"
    return f"({k} if {test} else {other}) * {unit}"


def _literal(value: object) -> str:
    """A constant as code, strings in double quotes as most code writes them."""
    if isinstance(value, str) and '"' not in value and "\\" not in value and value.isprintable():
        return f'"{value}"'
    return repr(value)


def _widths_text(branches: _Branches) -> str:
    """`one vector for "cls" and "mean", 2 joined otherwise`."""
    said = [f"{'one vector' if k == 1 else f'{k} joined'} for {' and '.join(map(_literal, cs))}"
            for k, cs in _by_multiple(branches).items()]
    if branches.default is not None:
        said.append(f"{'one vector' if branches.default == 1 else f'{branches.default} joined'} otherwise")
    return ", ".join(said)


def _by_multiple(branches: _Branches) -> dict[int, list]:
    """The mode's constants grouped by how many vectors their branch joins, in the order the function tests them."""
    by_k: dict[int, list] = {}
    for c, k in branches.widths.items():
        by_k.setdefault(k, []).append(c)
    return by_k
