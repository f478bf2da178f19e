"""Things made inside a device block beside the module it builds without memory: `with torch.device(X):` (or
`init_empty_weights()`) builds a model, then `model.to_empty(device=D)` after the block gives the model memory
on D.  Anything else the block made (a loss with class weights, a tensor, an optimizer) was made on meta too, and
`to_empty` on the model does not move it.  Read from the user's source when the message names `meta` and the
failing operand on meta is one of those names (nothing runs).  The fix moves those statements after the
`to_empty` line, the failing one moved to `D` as well."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .. import source as src
from ..facts import Context
from . import Finding, fact
from .meta_device import meta_context

MADE_IN_META_BLOCK = fact("made-in-meta-block", "`made` is made inside the device block `block` (line `block_line`) "
                                                "that builds `module` on meta; `materialised` (line "
                                                "`materialised_line`) moves only `module` off meta")


@dataclass(frozen=True)
class MetaBlock:
    file: str
    module: str                     # the name the block builds and `to_empty` materialises
    block: ast.With
    moved: tuple[ast.stmt, ...]     # the block's statements after the module's, in order
    failing: ast.Assign | None      # the moved statement that makes the operand on meta
    after: ast.stmt                 # the `to_empty` statement they go after
    device: str                     # the device `to_empty` is given, as written
    handed: tuple[ast.stmt, ...] = ()  # the block's statements before the module's that its build reads


def made_in_meta_block(ctx: Context, roots: set[str]) -> MetaBlock | None:
    """The one device block of the user's files that builds a name later given memory by `<name>.to_empty(...)`
    outside it, and assigns one of `roots` (the failing operands on meta) in a statement after the module's."""
    found = [hit for file, tree, scope, block in _meta_blocks(ctx)
             for hit in [_block_beside(file, tree, scope, block, roots)] if hit is not None]
    return found[0] if len(found) == 1 else None


def _meta_blocks(ctx: Context):
    """(file, tree, enclosing scope, block) of every meta-device `with` block of the user's files."""
    from .classes import user_files
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for block in src.nodes(tree, ast.With) if tree is not None else ():
            if any(meta_context(i) for i in block.items):
                yield file, tree, src.enclosing_scope(tree, block.lineno), block


def _block_beside(file: str, tree: ast.Module, scope: ast.AST, block: ast.With, roots: set[str]) -> MetaBlock | None:
    body = block.body
    built = {}
    for i, st in enumerate(body):
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
            built.setdefault(st.targets[0].id, i)
    stmts = [s for s in src.statements(scope) if s.lineno > (block.end_lineno or block.lineno)]
    for name, at in built.items():
        empty = next((s for s in stmts if any(
            isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr == "to_empty"
            and isinstance(c.func.value, ast.Name) and c.func.value.id == name for c in ast.walk(s))), None)
        if empty is None:
            continue
        moved, handed = tuple(body[at + 1:]), tuple(body[:at])
        if not all(isinstance(s, ast.Assign) and all(isinstance(t, ast.Name) for t in s.targets)
                   for s in handed) or not all(_binds_nothing(s) or isinstance(s, ast.Assign) and all(
                       isinstance(t, ast.Name) for t in s.targets) for s in moved):
            return None
        read = set(src.names_in(body[at]))
        if not moved and not (handed and {t.id for s in handed for t in s.targets} <= read):
            return None  # nothing else made in the block, or something made before the module it does not take
        made = {t.id for s in moved for t in getattr(s, "targets", ())}
        via = {n for s in stmts if isinstance(s, ast.Assign) and {t.id for t in s.targets
                                                                  if isinstance(t, ast.Name)} & roots
               for n in src.names_in(s.value)} & made  # `criterion = Loss(weight=w)` after the block, `w` made in it
        failing = [s for s in moved if {t.id for t in getattr(s, "targets", ())} & (roots | via)]
        between = [s for s in stmts if s.lineno <= empty.lineno]
        if moved and len(failing) != 1 or any(n in made for s in between for n in src.names_in(s)):
            return None  # what the block made is read before the module is materialised: not movable
        call = next(c for c in ast.walk(empty) if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
                    and c.func.attr == "to_empty")
        target = src.keyword(call, "device")
        target = target.value if target is not None else (call.args[0] if call.args else None)
        if target is None:
            return None
        return MetaBlock(file=file, module=name, block=block, moved=moved, failing=failing[0] if failing else None,
                         after=empty, device=src.segment(file, target), handed=handed if not moved else ())
    return None


def _binds_nothing(st: ast.stmt) -> bool:
    """A check or a report that binds no name (`if n_params > cap: raise ...`, `print(...)`): it can move with
    the statements around it."""
    return isinstance(st, (ast.If, ast.Expr, ast.Assert)) and not any(
        isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.NamedExpr, ast.For, ast.With)) for n in ast.walk(st))


def meta_block_finding(ctx: Context, on_meta: list[str]) -> Finding | None:
    roots = {e.split(".")[0].split("[")[0] for e in on_meta}
    hit = made_in_meta_block(ctx, roots)
    if hit is None:
        return None
    said = (hit.failing,) if hit.failing is not None else hit.moved + hit.handed  # not a count made beside it
    names = list(dict.fromkeys(t.id for s in said for t in getattr(s, "targets", ())))
    call = next(c for c in ast.walk(hit.after) if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
                and c.func.attr == "to_empty")
    f = Finding(facts={MADE_IN_META_BLOCK}, confidence="high")
    f.values.update(module=hit.module, made=", ".join(f"`{n}`" for n in names),
                    block=" ".join(src.segment(hit.file, hit.block.items[0].context_expr).split()),
                    block_line=hit.block.lineno, materialised=" ".join(src.segment(hit.file, call).split()),
                    materialised_line=hit.after.lineno, device_to=hit.device,
                    made_where="before the block, off meta" if hit.handed else
                    f"after `{' '.join(src.segment(hit.file, call).split())}`, on `{hit.device}`")
    f.hints["made_in_meta_block"] = hit
    return f


PROBED_IN_META_BLOCK = fact("probed-in-meta-block", "`module` is built inside the meta-device block `block` (line "
                                                    "`block_line`), used after it (line `used_line`), and nothing "
                                                    "gives it memory (`to_empty`, `load_state_dict(assign=True)`)")


def probed_in_meta_block(ctx: Context) -> Finding | None:
    """A module built inside a meta-device block (`with torch.device("meta"): encoder = GloveEncoder(cfg)`, often
    to work out a size without memory) and then used after the block as the real one, with nothing giving it
    memory: it has no values anywhere.  The fix builds it again after the block, off meta (the block keeps its
    dry run)."""
    live = {m.expr for fr in ctx.user_frames() for m in fr.modules if m.device == "meta" and m.expr.isidentifier()}
    tensors = {t.expr for fr in ctx.user_frames() for t in fr.tensors if t.device == "meta" and t.expr.isidentifier()}
    found = []
    for file, tree, scope, block in _meta_blocks(ctx):
        after = [s for s in src.statements(scope) if s.lineno > (block.end_lineno or block.lineno)]
        for st in block.body:
            if not (isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name)
                    and isinstance(st.value, ast.Call)):
                continue
            name = st.targets[0].id
            if name not in live and _returned_as(tree, scope, name) not in tensors:
                continue  # neither a module on meta now, nor a tensor the function hands out, on meta now
            used = next((s for s in after if name in src.names_in(s)), None)
            if used is None or _given_memory(tree, name) or not set(src.names_in(st.value)).isdisjoint(
                    t.id for s in block.body for t in getattr(s, "targets", []) if isinstance(t, ast.Name)):
                continue  # unused after the block, materialised, or built from what the block made
            found.append((file, block, st, used))
    if len(found) != 1:
        return None
    file, block, st, used = found[0]
    f = Finding(facts={PROBED_IN_META_BLOCK}, confidence="high")
    if st.targets[0].id not in live:
        f.facts.add(PROBED_TENSOR)
    f.values.update(module=st.targets[0].id, built=" ".join(src.segment(file, st.value).split()),
                    block=" ".join(src.segment(file, block.items[0].context_expr).split()), block_line=block.lineno,
                    used_line=used.lineno)
    remade = " ".join(src.segment(file, st).split())
    from ..fixes.checks import bound_names
    moved = _one_device_name(src.tree_of(file)) if PROBED_TENSOR in f.facts else None
    if moved is not None and moved in (bound_names(file, block.lineno) or set()):
        # a tensor, made again where the file's other tensors go
        remade += f".to({moved})"
    f.values["remade"] = remade
    f.hints["probed_in_meta_block"] = (file, block, remade)
    return f


def _one_device_name(tree: ast.Module) -> str | None:
    """The one name the file moves tensors to with `.to(name)` (or `.to(name, non_blocking=...)`)."""
    names = {c.args[0].id for c in src.nodes(tree, ast.Call) if isinstance(c.func, ast.Attribute)
             and c.func.attr == "to" and len(c.args) == 1 and isinstance(c.args[0], ast.Name)}
    return next(iter(names)) if len(names) == 1 else None


PROBED_TENSOR = fact("probed-tensor", "what the block built and hands out is a tensor, not a module")


def _returned_as(tree: ast.Module, scope: ast.AST, name: str) -> str | None:
    """The name a caller gives `name` when the function `scope` returns it (`micro_bs, pe = plan(...)` of
    `return micro_bs, pe`): the name at the same place of the one call's unpacking."""
    if not isinstance(scope, ast.FunctionDef):
        return None
    rets = [r.value for r in src.nodes(scope, ast.Return) if r.value is not None]
    if len(rets) != 1:
        return None
    items = rets[0].elts if isinstance(rets[0], ast.Tuple) else [rets[0]]
    at = next((i for i, e in enumerate(items) if isinstance(e, ast.Name) and e.id == name), None)
    if at is None:
        return None
    calls = [a for a in src.nodes(tree, ast.Assign) if isinstance(a.value, ast.Call)
             and src.call_name(a.value).split(".")[-1] == scope.name and len(a.targets) == 1]
    if len(calls) != 1:
        return None
    target = calls[0].targets[0]
    named = target.elts if isinstance(target, ast.Tuple) else [target]
    if len(named) != len(items) or not isinstance(named[at], ast.Name):
        return None
    return named[at].id


def _given_memory(tree: ast.Module, name: str) -> bool:
    """`name.to_empty(...)` or `name.load_state_dict(..., assign=True)` somewhere in the file."""
    for c in src.nodes(tree, ast.Call):
        if isinstance(c.func, ast.Attribute) and isinstance(c.func.value, ast.Name) and c.func.value.id == name and (
                c.func.attr == "to_empty" or c.func.attr == "load_state_dict" and src.keyword(c, "assign") is not None):
            return True
    return False
