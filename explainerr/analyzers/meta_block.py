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


def _device_block(item: ast.withitem) -> bool:
    """`torch.device(...)` (whatever device expression it is given), `init_empty_weights()`, `init_on_device()`."""
    call = item.context_expr
    return isinstance(call, ast.Call) and src.call_name(call).split(".")[-1] in (
        "device", "init_empty_weights", "init_on_device")


def made_in_meta_block(ctx: Context, roots: set[str]) -> MetaBlock | None:
    """The one device block of the user's files that builds a name later given memory by `<name>.to_empty(...)`
    outside it, and assigns one of `roots` (the failing operands on meta) in a statement after the module's."""
    from .classes import user_files
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for block in src.nodes(tree, ast.With) if tree is not None else ():
            if not any(_device_block(i) for i in block.items):
                continue
            scope = src.enclosing_scope(tree, block.lineno)
            hit = _block_beside(file, tree, scope, block, roots)
            if hit is not None:
                found.append(hit)
    return found[0] if len(found) == 1 else None


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
                   for s in moved + handed):
            return None
        read = set(src.names_in(body[at]))
        if not moved and not (handed and {t.id for s in handed for t in s.targets} <= read):
            return None  # nothing else made in the block, or something made before the module it does not take
        made = {t.id for s in moved for t in s.targets}
        via = {n for s in stmts if isinstance(s, ast.Assign) and {t.id for t in s.targets
                                                                  if isinstance(t, ast.Name)} & roots
               for n in src.names_in(s.value)} & made  # `criterion = Loss(weight=w)` after the block, `w` made in it
        failing = [s for s in moved if {t.id for t in s.targets} & (roots | via)]
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


def meta_block_finding(ctx: Context, on_meta: list[str]) -> Finding | None:
    roots = {e.split(".")[0].split("[")[0] for e in on_meta}
    hit = made_in_meta_block(ctx, roots)
    if hit is None:
        return None
    names = list(dict.fromkeys(t.id for s in hit.moved + hit.handed for t in s.targets))
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
