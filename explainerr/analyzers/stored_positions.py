"""Positions an object stores when it is built, read past the end later: the constructor keeps
`self.samples = [(s, start) for s in range(S) for start in range(T - lookback)]` (or appends them in loops),
`__getitem__` unpacks `s, start = self.samples[idx]` and reads `self.series[s, start + self.lookback]`.  The
stored positions run up to the range's stop less one, so the read passes the end of the tensor when that stop
leaves no room for what the read adds: the range must stop at the tensor's own size less the offset.  Read from
the user's source and the failing frame's shapes and numbers only."""
from __future__ import annotations

import ast

from .. import source as src
from ..model import FrameFacts, TensorFacts
from . import Finding, evidence, fact

STORED_POSITIONS = fact("stored-positions", "`var` is a position `cls` stored in `stored` when it was built "
                                            "(`loop_header`, line `made_line`); the read adds `offset` to it")


def stored_positions(frame: FrameFacts, tree: ast.Module, parts: list[ast.AST], base: str,
                     tensor: TensorFacts | None, index: int, dim: int | None, size: int) -> Finding | None:
    """The finding when an index part is `var + offset`, `var` unpacked from `self.<list>[...]` in the failing
    method, and the class fills that list from a `range` whose variable lands at `var`'s place; with the
    range's new stop (the tensor's size less the offset, in the constructor's names) when it can be written
    there."""
    from .dataset_length import added_to
    cls = src.enclosing_class(tree, frame.line)
    method = src.enclosing_scope(tree, frame.line)
    if cls is None or not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) or dim is None or index < size:
        return None
    for part in parts:
        for var in dict.fromkeys(src.names_in(part)):
            offset = added_to(part, var)
            made = stored_range(tree, frame.line, var) if offset is not None else None
            if made is None:
                continue
            builder, loop_var, rng, attr = made
            made_line = rng.lineno
            stop = rng.args[0] if len(rng.args) == 1 else rng.args[1]
            f = Finding(facts={STORED_POSITIONS})
            offset_text = " ".join(ast.unparse(offset).split())
            f.values.update(cls=cls.name, var=var, stored=f"self.{attr}", made_line=made_line,
                            loop_header=f"for {loop_var} in {src.segment(frame.file, rng)}",
                            index_expr=" ".join(ast.unparse(part).split()), offset=offset_text, tensor=base, size=size,
                            dim=dim, index=index, method=method.name, stop=src.segment(frame.file, stop))
            e = evidence(tensor) if tensor is not None else None
            if e:
                f.evidence.append(e)
            stored = frame.scalars.get(var)
            if type(stored) is int and 0 <= stored < size:  # the position itself fits: only the offset passes
                f.values.update(last_stored=stored)
                f.confidence = "high"
            new = _new_stop(builder, stop, offset, base, dim, made_line)
            if new is not None:
                f.values["new_stop"] = new
                f.hints["stored_stop"] = (frame.file, stop, new)
            return f
    return None


STORED_SIZE_OTHER = fact("stored-size-other", "the range that stores the positions stops by `size_name` = `size_read` "
                                              "(line `size_line`), the size of another entry (`sized_entry`) than "
                                              "the one read (`tensor`)")


def windowed_store(frame: FrameFacts, tree: ast.Module, loops: list[ast.For], parts: list[ast.AST], base: str,
                   tensor: TensorFacts | None, index: int, dim: int | None, size: int) -> Finding | None:
    """`ep["actions"][start + k] for k in range(self.chunk_len)` with `start` a stored position: the window's
    loop is a fixed span (its last `k` is `self.chunk_len - 1`), so the read is the stored position plus that
    span; what runs past the end is the stored range, not the window."""
    spans = {lp.target.id: lp.iter.args[0] for lp in loops if isinstance(lp.target, ast.Name)
             and isinstance(lp.iter, ast.Call) and src.call_name(lp.iter) == "range" and len(lp.iter.args) == 1}
    for part in parts:
        terms = src.signed_terms(part) if isinstance(part, ast.BinOp) else []
        spanned = [t.id for sign, t in terms if sign > 0 and isinstance(t, ast.Name) and t.id in spans]
        stored = [t.id for sign, t in terms if sign > 0 and isinstance(t, ast.Name) and t.id not in spans]
        if len(terms) != 2 or len(spanned) != 1 or len(stored) != 1 or stored_range(tree, frame.line, stored[0]) is None:
            continue
        last = ast.BinOp(left=spans[spanned[0]], op=ast.Sub(), right=ast.Constant(1))
        read = ast.BinOp(left=ast.Name(id=stored[0], ctx=ast.Load()), op=ast.Add(), right=last)
        f = stored_positions(frame, tree, [read], base, tensor, index, dim, size)
        if f is not None:
            f.values["index_expr"] = " ".join(ast.unparse(part).split())
            _stored_size_other(f, frame.file, tree, frame.line, stored[0], base)
        return f
    return None


def _stored_size_other(f: Finding, file: str, tree: ast.Module, line: int, var: str, base: str) -> None:
    """The stored range stops by a name sized from another entry of the record than the one read
    (`n_frames = ep["wrist_emb"].shape[0]` where the read is `ep["actions"][...]`): that entry's key is the fix."""
    try:
        read = ast.parse(base, mode="eval").body
    except SyntaxError:
        return
    if not (isinstance(read, ast.Subscript) and isinstance(read.slice, ast.Constant) and isinstance(read.slice.value, str)):
        return
    found = stored_range(tree, line, var)
    if found is None:
        return
    builder, _, rng, _ = found
    stop = rng.args[0] if len(rng.args) == 1 else rng.args[1]
    for _, t in src.signed_terms(stop):
        if not isinstance(t, ast.Name):
            continue
        made = src.assignments(tree, t.id, builder, before=rng.lineno)
        value = made[-1].value if made and not made[-1].augmented else None
        sized = src.measured(value)  # `ep["wrist_emb"]` of `ep["wrist_emb"].shape[0]`
        if not (isinstance(sized, ast.Subscript) and isinstance(sized.slice, ast.Constant)
                and isinstance(sized.slice.value, str) and ast.unparse(sized.value) == ast.unparse(read.value)
                and sized.slice.value != read.slice.value):
            continue
        quote = src.segment(file, sized.slice)[0]
        key = f"{quote}{read.slice.value}{quote}"
        f.facts.add(STORED_SIZE_OTHER)
        f.values.update(size_name=t.id, size_read=src.segment(file, value), size_line=made[-1].stmt.lineno,
                        sized_entry=src.segment(file, sized), size_fixed=src.segment(file, value).replace(
                            src.segment(file, sized.slice), key, 1))
        f.hints["stored_size"] = (file, made[-1].stmt, sized.slice, key)
        f.hints.pop("stored_stop", None)
        return


def stored_range(tree: ast.Module, line: int, var: str) -> tuple[ast.FunctionDef, str, ast.Call, str] | None:
    """(the method that stores them, the range's variable, the `range(...)` call, the stored list's attribute)
    when `var`, read on `line` of a method, is a position unpacked from a list its class fills from that range."""
    cls = src.enclosing_class(tree, line)
    method = src.enclosing_scope(tree, line)
    if cls is None or not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    read = _read_from_store(method, var, line)
    made = _store_range(tree, cls, read[0], read[1]) if read is not None else None
    return (*made, read[0]) if made is not None and read is not None else None  # type: ignore[return-value]


def _read_from_store(method: ast.AST, var: str, line: int) -> tuple[str, int | None] | None:
    """(`samples`, k) when `var` is the k-th name of `a, var = self.samples[i]` (k None for `var =
    self.samples[i]`), the last assignment of `var` in the method before `line`."""
    found = None
    for n in src.statements(method, nested=True):
        if not isinstance(n, ast.Assign) or n.lineno > line or len(n.targets) != 1:
            continue
        target, value = n.targets[0], n.value
        if not (isinstance(value, ast.Subscript) and _self_attr(value.value)):
            if var in _target_ids(target):
                found = None
            continue
        if isinstance(target, ast.Name) and target.id == var:
            found = (value.value.attr, None)
        elif isinstance(target, ast.Tuple) and var in _target_ids(target):
            k = next(i for i, e in enumerate(target.elts) if isinstance(e, ast.Name) and e.id == var)
            found = (value.value.attr, (k, len(target.elts)))
    return found  # type: ignore[return-value]


def _target_ids(target: ast.AST) -> list[str]:
    return [e.id for e in ast.walk(target) if isinstance(e, ast.Name)]


def _self_attr(node: ast.AST, name: str | None = None) -> bool:
    return (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"
            and (name is None or node.attr == name))


def _store_range(tree: ast.Module, cls: ast.ClassDef, attr: str, place: tuple[int, int] | None) -> tuple[
        ast.FunctionDef, str, ast.Call] | None:
    """(the method that fills `self.<attr>`, the variable stored at `place`, its `range(...)` call)
    when one method builds the list as a comprehension (`self.samples = [... for start in range(N)]`, directly
    or through a local name) or by appending inside `for start in range(N)` loops."""
    found = []
    for fn in (n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
        for n in src.statements(fn, nested=True):
            if isinstance(n, ast.Assign) and any(_self_attr(t, attr) for t in n.targets):
                value = n.value
                if isinstance(value, ast.Name):  # `self.samples = samples`: the local list it names
                    local = src.assignments(tree, value.id, fn, before=n.lineno)
                    value = local[-1].value if local else value
                    if not isinstance(value, ast.ListComp):
                        hit = _appended(fn, value.id if isinstance(value, ast.Name) else None, None, place)
                        if hit:
                            found.append((fn, *hit))
                        continue
                if isinstance(value, ast.ListComp):
                    hit = _from_generators(value.elt, value.generators, place)
                    if hit:
                        found.append((fn, *hit))
                continue
        hit = _appended(fn, None, attr, place)
        if hit:
            found.append((fn, *hit))
    return found[0] if len(found) == 1 else None  # type: ignore[return-value]


def _element_var(elt: ast.AST, place: tuple[int, int] | None) -> str | None:
    """The plain name a stored element puts where the reader unpacks its variable."""
    if place is None:
        return elt.id if isinstance(elt, ast.Name) else None
    k, n = place
    if isinstance(elt, (ast.Tuple, ast.List)) and len(elt.elts) == n and isinstance(elt.elts[k], ast.Name):
        return elt.elts[k].id
    return None


def _range_of(it: ast.AST) -> ast.Call | None:
    return it if isinstance(it, ast.Call) and src.call_name(it) == "range" and 1 <= len(it.args) <= 3 \
        and not it.keywords else None


def _from_generators(elt: ast.AST, generators: list[ast.comprehension], place: tuple[int, int] | None) -> tuple[
        str, ast.Call] | None:
    var = _element_var(elt, place)
    for gen in generators:
        rng = _range_of(gen.iter)
        if var is not None and isinstance(gen.target, ast.Name) and gen.target.id == var and rng is not None:
            return var, rng
    return None


def _appended(fn: ast.AST, local: str | None, attr: str | None, place: tuple[int, int] | None) -> tuple[
        str, ast.Call] | None:
    """`self.<attr>.append(elt)` / `<local>.append(elt)` inside `for v in range(...)`: (v, the range)."""
    for loop in (n for n in ast.walk(fn) if isinstance(n, ast.For) and _range_of(n.iter) is not None):
        for call in (c for c in ast.walk(loop) if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
                     and c.func.attr == "append" and len(c.args) == 1):
            owner = call.func.value
            if not ((attr and _self_attr(owner, attr)) or (local and isinstance(owner, ast.Name) and owner.id == local)):
                continue
            var = _element_var(call.args[0], place)
            if var is not None and isinstance(loop.target, ast.Name) and loop.target.id == var:
                return var, loop.iter  # type: ignore[return-value]
    return None


def _equivalents(builder: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, str]:
    """`self.lookback` → `lookback` for `self.lookback = lookback` where `lookback` is the builder's parameter:
    the names the constructor has for the attributes the reader uses."""
    params = {a.arg for a in (*builder.args.posonlyargs, *builder.args.args, *builder.args.kwonlyargs)}
    out = {}
    for n in src.statements(builder, nested=True):
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and _self_attr(n.targets[0]) \
                and isinstance(n.value, ast.Name) and n.value.id in params:
            out[ast.unparse(n.targets[0])] = n.value.id
    return out


def _available(builder: ast.AST, expr: ast.AST, line: int) -> bool:
    """Every `self.x` of `expr` is set in the builder before `line`, and `expr` has no other names."""
    set_before = {ast.unparse(t) for n in src.statements(builder, nested=True)
                  if isinstance(n, ast.Assign) and n.lineno < line for t in n.targets if _self_attr(t)}
    attrs = [a for a in ast.walk(expr) if _self_attr(a)]
    names = [x for x in ast.walk(expr) if isinstance(x, ast.Name) and x.id != "self"]
    return not names and all(ast.unparse(a) in set_before for a in attrs)


def _new_stop(builder: ast.FunctionDef | ast.AsyncFunctionDef, stop: ast.AST, offset: ast.AST, base: str, dim: int,
              line: int) -> str | None:
    """The range's stop rewritten to leave room for the offset: its size term replaced by the tensor's size when
    the stop already subtracts the offset (`self.num_hours - lookback` → `self.deltas.shape[1] - lookback`),
    else `<size> - <offset>`; None when the tensor or the offset cannot be named in the builder there."""
    try:
        base_node = ast.parse(base, mode="eval").body
    except SyntaxError:
        return None
    if not _available(builder, base_node, line):
        return None
    size_text = f"len({base})" if dim == 0 else f"{base}.shape[{dim}]"
    same = _equivalents(builder)
    added = [(sign, same.get(ast.unparse(t), ast.unparse(t)), t) for sign, t in src.signed_terms(offset)]
    subtracted = sorted((sign, ast.unparse(t)) for sign, t in src.signed_terms(stop) if sign < 0)
    if subtracted and subtracted == sorted((-sign, text) for sign, text, _ in added):
        return f"{size_text} " + " ".join(f"- {text}" for _, text in subtracted)  # the offset already taken off
    if not all(_available(builder, t, line) or text in same.values() for _, text, t in added):
        return None
    text = " ".join(f"{'+' if sign > 0 else '-'} {text}" for sign, text, _ in added)[2:]
    return f"{size_text} - ({text})" if len(added) > 1 else f"{size_text} - {text}"
