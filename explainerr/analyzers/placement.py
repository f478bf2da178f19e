"""Why a tensor or a layer is on another device than the rest of its operation, read from the user's source:
the device the code means (`.to(DEVICE)`), a move whose result was dropped (`ids.to(device)` on its own line),
a tensor made without `device=` (in the failing line, in a helper it calls, from numpy), a plain tensor
attribute that `.to()` does not move, layers kept in a Python list or dict (not registered, so not moved), and
the line that made the model.  Each finder returns a Story for devices.py, or None.  Nothing is run.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

from .. import source as src
from ..facts import Context
from ..model import Evidence, FrameFacts, TensorFacts
from . import evidence, fact, value_evidence
from .idsource import one_line, where

_DEVICE_VALUE = re.compile(r"(cuda(:\d+)?|cpu|meta|mps|xpu|npu)")
#: torch constructors that take `device=`; the others (from_numpy, the legacy typed constructors) get `.to()`.
_WITH_DEVICE = {"zeros", "ones", "full", "arange", "tensor", "empty", "rand", "randn", "randint", "eye", "linspace",
                "as_tensor", "tril_indices", "triu_indices", "randperm", "ones_like", "zeros_like", "full_like",
                "logspace", "empty_like", "rand_like", "randn_like", "hann_window", "hamming_window",
                "blackman_window", "bartlett_window", "kaiser_window"}
_WITHOUT_DEVICE = {"from_numpy", "Tensor", "LongTensor", "FloatTensor", "BoolTensor", "IntTensor"}

MADE_WITHOUT_DEVICE = fact("made-without-device", "the odd tensor is made by a constructor called without device= "
                                                  "(on the default device, the CPU)")
NUMPY = fact("numpy", "the odd tensor is made from a numpy array (always in CPU memory)")
IN_HELPER = fact("in-helper", "the odd tensor is made inside a user function the failing line calls")
ATTRIBUTE = fact("attribute", "the odd tensor is a plain tensor attribute of a module (not a registered buffer)")
UNREGISTERED = fact("unregistered", "the odd layer is kept in a plain Python list or dict, so the model does not "
                                    "register it and `.to()` does not move it")
MOVED_BY = fact("moved-by", "the user's code moves the model with `moved_call` (line `moved_line`)")


@dataclass
class Story:
    values: dict[str, Any] = field(default_factory=dict)
    facts: set[str] = field(default_factory=set)
    hints: dict[str, Any] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)


def kind(device: str | None) -> str:
    return (device or "").split(":")[0]


def _user_files(ctx: Context) -> list[str]:
    return list(dict.fromkeys(fr.file for fr in ctx.user_frames()))


def target_device(ctx: Context) -> tuple[str, str] | None:
    """The device the user's code moves things to, as (expression, device): a name given to `.to(...)` or
    `device=` whose captured value is a device (`DEVICE` → "cuda:0"), else a device string there, else
    "cuda" for `.cuda()` calls.  An accelerator wins over "cpu" (results are often brought back to the CPU)."""
    values = {k: v for fr in ctx.user_frames() for k, v in fr.scalars.items()
              if isinstance(v, str) and _DEVICE_VALUE.fullmatch(v)}
    found: list[tuple[str, str]] = []
    cuda_call = False
    for file in _user_files(ctx):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            name = src.call_name(call)
            cuda_call = cuda_call or name.endswith(".cuda")
            args = [call.args[0]] if name.endswith(".to") and call.args else []
            kw = src.keyword(call, "device")
            if kw is not None:
                args.append(kw.value)
            for a in args:
                if isinstance(a, ast.Name) and a.id in values:
                    found.append((a.id, values[a.id]))
                elif isinstance(a, ast.Constant) and isinstance(a.value, str) and _DEVICE_VALUE.fullmatch(a.value):
                    found.append((repr(a.value), a.value))
    found.sort(key=lambda p: (kind(p[1]) == "cpu", not p[0].isidentifier()))
    if found:
        return found[0]
    return ('"cuda"', "cuda") if cuda_call else None


def discarded_move(ctx: Context, frame: FrameFacts, root: str) -> Story | None:
    """`ids.to(device)` as a statement of its own before the failing line (tensors are not moved in place):
    the one for `root`, and every other such statement of the same scope on a tensor of the frame."""
    tree = src.tree_of(frame.file)
    if tree is None or frame.tensor(root) is None:
        return None
    scope = src.enclosing_scope(tree, frame.line)
    dropped = [n for n in src.statements(scope)
               if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call) and isinstance(n.value.func, ast.Attribute)
               and n.value.func.attr in ("to", "cuda") and isinstance(n.value.func.value, ast.Name)
               and frame.tensor(n.value.func.value.id) is not None and n.lineno < frame.line]
    mine = [n for n in dropped if n.value.func.value.id == root]  # type: ignore[attr-defined]
    if not mine:
        return None
    first = mine[-1]
    return Story(values={"dropped": one_line(frame.file, first), "dropped_where": where(frame.file, first)},
                 facts={"move-discarded"}, hints={"dropped": [(frame.file, n) for n in dropped]})


def model_assignment(ctx: Context, frame: FrameFacts, model: str) -> Story | None:
    """The line that made the model held in `model` (where `.to(device)` belongs)."""
    tree = src.tree_of(frame.file)
    a = src.last_assignment(tree, model, frame.line) if tree is not None and model.isidentifier() else None
    if a is None or not isinstance(a.stmt, ast.Assign):
        return None
    return Story(values={"model_made": one_line(frame.file, a.stmt), "model_where": where(frame.file, a.stmt)},
                 hints={"model_stmt": (frame.file, a.stmt)})


def attribute_left_behind(ctx: Context, meant: tuple[str, str] | None) -> Story | None:
    """A tensor kept as a plain attribute of a module (`self.pe = pe`, not `register_buffer`) stays where it
    was made when the model is moved with `.to(device)`, and meets the moved inputs in `forward`."""
    for fr in ctx.user_frames():
        node = ctx.tensors_in_node(fr)
        attrs = [t for t in node if re.fullmatch(r"self\.\w+", t.expr)]
        others = [t for t in node if not t.expr.startswith("self.")]
        for t in list(others):  # `pe = self.pe[:, :n]` then `x + pe`: the attribute behind the local
            origin = ctx.origin(t.expr, fr)
            m = re.match(r"self\.(\w+)", origin[1]) if origin is not None else None
            held = fr.tensor(f"self.{m.group(1)}") if m else None
            if held is not None and held.device == t.device and held not in attrs:
                attrs.append(held)
                others.remove(t)
        for a in attrs:
            odd = [o for o in others if kind(o.device) != kind(a.device)]
            if not odd or (meant and kind(meant[1]) == kind(a.device)):
                continue
            target = meant[0] if meant else None
            s = Story()
            s.values.update(inputs=a.expr, attribute=a.expr.split(".", 1)[1], model=fr.self_class or "the module",
                            stray_device=a.device, main_device=odd[0].device,
                            moved=f"`.to({target})`" if target else "`.to(device)`")
            s.facts.add(ATTRIBUTE)
            s.evidence.extend(e for e in (evidence(a), evidence(odd[0])) if e)
            s.hints.update(attribute=s.values["attribute"], frame=fr)
            return s
    return None


def unregistered_layers(ctx: Context) -> Story | None:
    """A layer on another device than the model that holds the failing code, reached through `self.X` where
    `__init__` sets `self.X` to a plain list or dict of layers (`[nn.Linear(...) for _ in range(n)]`)."""
    for fr in ctx.user_frames():
        me = next((m for m in fr.modules if m.expr == "self" and m.device), None)
        if me is None or not fr.self_class:
            continue
        odd = [m for m in fr.modules if m.device and kind(m.device) != kind(me.device) and "." not in m.expr]
        odd += [m for f in ctx.raise_frames() for m in f.modules
                if m.expr == "self" and m.device and kind(m.device) != kind(me.device)]
        if not odd:
            continue
        tree = src.tree_of(fr.file)
        cls = src.enclosing_class(tree, fr.line) if tree is not None else None
        method = src.enclosing_scope(tree, fr.line) if tree is not None else None
        if cls is None or method is None:
            continue
        used = {n.attr for n in ast.walk(method) if isinstance(n, ast.Attribute)
                and isinstance(n.value, ast.Name) and n.value.id == "self"}
        for attr, stmt in _plain_containers(fr.file, cls):
            if attr in used:
                s = Story(facts={UNREGISTERED})
                s.values.update(attribute=f"self.{attr}", container_stmt=one_line(fr.file, stmt),
                                container_where=where(fr.file, stmt), model=fr.self_class,
                                stray_device=odd[0].device, main_device=me.device,
                                container="dict" if isinstance(stmt.value, (ast.Dict, ast.DictComp)) else "list",
                                holder="nn.ModuleDict" if isinstance(stmt.value, (ast.Dict, ast.DictComp))
                                else "nn.ModuleList")
                s.evidence.append(value_evidence(f"{odd[0].expr if odd[0].expr != 'self' else odd[0].cls} "
                                                 "parameters device", odd[0].device))
                s.evidence.append(value_evidence(f"{fr.self_class} parameters device", me.device))
                s.hints.update(container=(fr.file, stmt))
                _moved_by(ctx, s)
                return s
    return None


def _plain_containers(file: str, cls: ast.ClassDef) -> list[tuple[str, ast.Assign]]:
    """`self.X = [...]` / `{...}` / `[]` in the class whose items (or later `self.X.append(...)`s) are layers."""
    out = []
    appended = {src.segment(file, c.func.value) for c in src.calls(cls)  # type: ignore[attr-defined]
                if isinstance(c.func, ast.Attribute) and c.func.attr in ("append", "extend", "insert")
                and c.args and _makes_layer(c.args[-1])}
    for n in ast.walk(cls):
        if not (isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Attribute)
                and isinstance(n.targets[0].value, ast.Name) and n.targets[0].value.id == "self"):
            continue
        v = n.value
        if isinstance(v, (ast.List, ast.ListComp, ast.Dict, ast.DictComp)) and (
                _makes_layer(v) or f"self.{n.targets[0].attr}" in appended):
            out.append((n.targets[0].attr, n))
    return out


def _makes_layer(node: ast.AST) -> bool:
    """The expression builds an nn layer: a call of a capitalised class (`nn.Linear(...)`, `Block(...)`)."""
    return any(isinstance(c, ast.Call) and re.search(r"(^|\.)[A-Z]\w*$", src.call_name(c))
               and not src.call_name(c).startswith(("torch.Tensor", "torch.Long", "torch.Float"))
               for c in ast.walk(node))


def made_without_device(ctx: Context, frame: FrameFacts, stray: list[TensorFacts], odd_device: str | None,
                        main_device: str, meant: tuple[str, str] | None) -> Story | None:
    """Where the odd operand was made by a constructor without `device=`: along the odd tensors' provenance,
    or, when the odd operand is not a named tensor (`mask & causal_mask(n)`), inside the helper or the
    constructor call of the failing line itself."""
    from .idsource import _traced_statements
    stray = [_tuple_item(frame, t) for t in stray]
    hits: list[tuple[str, ast.stmt, ast.Call, str | None]] = []
    for file, stmt in _traced_statements(ctx, stray):
        hits += [(file, stmt, c, None) for c in _factories(stmt)]
    if not stray and odd_device:
        tree = src.tree_of(frame.file)
        stmt = src.statement_at(tree, frame.line) if tree is not None else None
        for call in src.calls(stmt) if stmt is not None else ():
            if _is_factory(call):
                hits.append((frame.file, stmt, call, None))
                continue
            helper = _function(tree, call)
            if helper is not None:
                for inner in src.statements(helper):
                    if isinstance(inner, ast.stmt):
                        hits += [(frame.file, inner, c, src.segment(frame.file, call)) for c in _factories(inner)]
    if not hits:
        return None
    if stray:  # the constructor nearest to each odd tensor: the last one along its provenance
        last: dict[int, tuple[str, ast.stmt, ast.Call, str | None]] = {}
        for h in hits:
            last[id(h[1])] = h
        chosen = list(dict.fromkeys(last.values()))
    else:
        chosen = hits[:1]
    file, stmt, call, operand = chosen[0]
    s = Story(facts={MADE_WITHOUT_DEVICE})
    name = src.call_name(call)
    s.values.update(made=one_line(file, call), made_where=where(file, stmt), factory=name,
                    made_name=", ".join(src.names_in(stmt.targets[0])) if isinstance(stmt, ast.Assign) else None,
                    operand=operand, helper=operand.split("(")[0] if operand else None)
    if operand:
        s.facts.add(IN_HELPER)
    if name.endswith("from_numpy") or any(src.call_name(c).startswith(("np.", "numpy.")) for c in src.calls(stmt)):
        s.facts.add(NUMPY)
    target = _device_expr(ctx, frame, file, stmt, main_device, meant)
    s.values["target"] = target
    s.hints.update(made=[(f, st, c) for f, st, c, _ in chosen], target=target)
    return s


def _tuple_item(frame: FrameFacts, t: TensorFacts) -> TensorFacts:
    """`state[1]` where the frame's code made `state = (h0, c0)`: the tensor `c0` (its own provenance)."""
    m = re.fullmatch(r"(\w+)\[(\d+)\]", t.expr)
    tree = src.tree_of(frame.file)
    a = src.last_assignment(tree, m.group(1), frame.line) if m and tree is not None else None
    if a is not None and isinstance(a.value, (ast.Tuple, ast.List)) and int(m.group(2)) < len(a.value.elts):
        item = a.value.elts[int(m.group(2))]
        named = frame.tensor(item.id) if isinstance(item, ast.Name) else None
        if named is not None and named.ident == t.ident:
            return named
    return t


def _is_factory(call: ast.Call) -> bool:
    module, _, fn = src.call_name(call).rpartition(".")
    return module == "torch" and (fn in _WITH_DEVICE or fn in _WITHOUT_DEVICE) and src.keyword(call, "device") is None \
        and not fn.endswith("_like")


def _factories(stmt: ast.AST) -> list[ast.Call]:
    return [c for c in src.calls(stmt) if _is_factory(c)]


def _function(tree: ast.Module | None, call: ast.Call) -> ast.FunctionDef | None:
    if tree is None or not isinstance(call.func, ast.Name):
        return None
    found = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == call.func.id]
    return found[-1] if found else None


def _device_expr(ctx: Context, frame: FrameFacts, file: str, stmt: ast.stmt, main_device: str,
                 meant: tuple[str, str] | None) -> str | None:
    """How to name the main device where `stmt` runs: `x.device` of a tensor on that device that the
    statement's function receives or made before it (a module's forward keeps working wherever the model
    goes), else the user's device name when it is bound there, else the module's own parameters' device."""
    from ..fixes.checks import bound_names
    tree = src.tree_of(file)
    fn = src.enclosing_scope(tree, stmt.lineno) if tree is not None else None
    if frame.file == file and fn is not None and fn is not tree and src.contains(fn, frame.line):
        params = {a.arg for a in fn.args.args}  # type: ignore[attr-defined]
        made_before = {n for a in src.statements(fn) if isinstance(a, ast.Assign) and a.lineno < stmt.lineno
                       for t in a.targets for n in src.names_in(t)}
        on_main = [t.expr for t in frame.tensors if kind(t.device) == kind(main_device) and t.expr.isidentifier()
                   and (t.expr in params or t.expr in made_before)]
        if on_main:
            return f"{sorted(on_main, key=lambda n: n not in params)[0]}.device"
    bound = bound_names(file, stmt.lineno) or set()
    if meant and kind(meant[1]) == kind(main_device) and (meant[0] in bound or not meant[0].isidentifier()):
        return meant[0]
    if isinstance(fn, ast.FunctionDef) and fn.args.args and fn.args.args[0].arg == "self" \
            and src.enclosing_class(tree, stmt.lineno) is not None:  # type: ignore[arg-type]
        return "next(self.parameters()).device"
    return None


def _moved_by(ctx: Context, s: Story) -> None:
    """The one call of the user's files that moves a model of the frames (`model.to(device)`,
    `model.to_empty(device=...)`, `model.cuda()`): what moved the registered parameters only."""
    modules = {m.expr for fr in ctx.user_frames() for m in fr.modules if "." not in m.expr}
    found = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            if (isinstance(call.func, ast.Attribute) and call.func.attr in ("to", "to_empty", "cuda")
                    and isinstance(call.func.value, ast.Name) and call.func.value.id in modules):
                found.append((file, call))
    if len(found) == 1:
        file, call = found[0]
        s.facts.add(MOVED_BY)
        s.values.update(moved_call=one_line(file, call), moved_line=call.lineno)
