"""Ways a module built without memory (on the `meta` device) stays there or leaves a stale device behind,
read from the user's source when the message names `meta` (nothing runs):

- built under `init_empty_weights()` / `with torch.device("meta"):` / `device="meta"` and then given weights with
  `load_state_dict(state)`: without `assign=True` copying into a meta parameter does nothing, so the module
  stays on meta.  The fix adds `assign=True` (the loaded tensors replace the parameters).
- a device read from the module (`device = next(model.parameters()).device`) before the module is materialised
  with `model.to_empty(device=X)`: the read gives `meta`, and every tensor later made with `device=device` stays
  there.  The fix reads the device the module is materialised on, `X`, when `X` can be read at that line.
- loaded with `assign=True`, but with buffers registered `persistent=False` (never in a checkpoint) or with
  `strict=False` (the checkpoint may leave tensors out): what is not replaced stays on meta.  The fix builds the
  module off meta (the block's body without the `with`).
- tensors made in the block beside the module, and a module built in the block for a dry run and then used
  as the real one (meta_block.py)."""
from __future__ import annotations

import ast
import builtins

from .. import source as src
from ..facts import Context
from . import Finding, evidence, fact, value_evidence
from .classes import user_files

LOADED_WITHOUT_ASSIGN = fact("loaded-without-assign", "`module` is built on the meta device (`built`, line "
                                                      "`built_line`) and given weights by `load` (line `load_line`) "
                                                      "without `assign=True`")
META_OPERANDS = fact("meta-operands", "the failing line's operands `on_meta` are on meta, `elsewhere` on "
                                      "`other_device`")
UNSAVED_BUFFERS = fact("unsaved-buffers", "`module` is built on meta (`built`, line `built_line`) and loaded with "
                                          "`load` (line `load_line`), but its buffers `buffers` are registered with "
                                          "`persistent=False`: not in the checkpoint, they stay on meta")
LOADED_PARTLY = fact("loaded-partly", "`module` is built on meta (`built`, line `built_line`) and loaded with `load` "
                                      "(line `load_line`): `strict=False` lets the checkpoint leave tensors out, and "
                                      "those are never replaced, so they stay on meta")
DEVICE_FIXED = fact("device-fixed", "the device `module` is materialised on, `device_fixed`, can be read where "
                                    "`device_name` is")
DEVICE_READ_EARLY = fact("device-read-early", "`device_name` is read from `module`'s parameters (line `read_line`) "
                                              "before `materialised` (line `materialised_line`) moves it off meta")


def meta_context(item: ast.withitem) -> bool:
    """`init_empty_weights()`, `torch.device("meta")` or `init_on_device(torch.device("meta"))` as a context, or
    either given a device chosen by a setting (`torch.device(cfg.init_device)`), meta when the message names meta."""
    call = item.context_expr
    if not isinstance(call, ast.Call):
        return False
    name = src.call_name(call).split(".")[-1]
    if name == "init_empty_weights":
        return True
    if name not in ("device", "init_on_device"):
        return False
    chosen = len(call.args) == 1 and not isinstance(call.args[0], ast.Constant) and not (
        isinstance(call.args[0], ast.Call) and isinstance(call.args[0].args[0] if call.args[0].args else None,
                                                           ast.Constant))
    return chosen or "'meta'" in ast.unparse(call)


def _built_on_meta(scope: ast.AST, name: str) -> ast.stmt | None:
    """The statement of `scope` that builds `name` on the meta device: inside a meta context, or with
    `device="meta"`."""
    for w in src.nodes(scope, ast.With):
        if any(meta_context(i) for i in w.items):
            for st in src.statements(w):
                if isinstance(st, ast.Assign) and any(name in src.names_in(t) for t in st.targets) \
                        and isinstance(st.value, ast.Call):
                    return w
    for st in src.statements(scope):
        if isinstance(st, ast.Assign) and isinstance(st.value, ast.Call) and any(
                isinstance(t, ast.Name) and t.id == name for t in st.targets):
            kw = src.keyword(st.value, "device")
            if kw is not None and isinstance(kw.value, ast.Constant) and kw.value.value == "meta":
                return st
    return None


def meta_device(ctx: Context, devs: list[str]) -> Finding | None:
    if "meta" not in devs:
        return None
    f = _loaded_without_assign(ctx) or _device_read_early(ctx)
    if f is None:  # a loss or tensor made in the block that builds the module on meta, left there
        from .devices import _operands
        from .meta_block import meta_block_finding, probed_in_meta_block
        on_meta = [o.expr for fr in ctx.user_frames()[:3] for o in _operands(ctx, fr) if o.device == "meta"]
        f = _unsaved_buffers(ctx, on_meta) or _loaded_partly(ctx) or meta_block_finding(ctx, on_meta) \
            or probed_in_meta_block(ctx) if on_meta else None
    if f is not None:
        _operands_on_meta(ctx, f)
    return f


def _operands_on_meta(ctx: Context, f: Finding) -> None:
    """The failing line's operands on meta (`on_meta`) and elsewhere (`elsewhere`, `other_device`), as evidence."""
    from .devices import _operands
    for fr in ctx.user_frames()[:3]:
        ops = _operands(ctx, fr)
        meta = [o for o in ops if o.device == "meta"]
        rest = [o for o in ops if o.device != "meta"]
        if not meta or not rest:
            continue
        f.facts.add(META_OPERANDS)
        f.values.update(on_meta=", ".join(f"`{o.expr}`" for o in meta[:4]),
                        elsewhere=", ".join(f"`{o.expr}`" for o in rest[:4]), other_device=rest[0].device)
        for o in (meta + rest)[:5]:
            f.evidence.append(evidence(o.tensor) if o.tensor is not None else value_evidence(
                f"{o.expr} parameters device", o.device))
        return


def _scopes(ctx: Context):
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for scope in [tree, *src.nodes(tree, ast.FunctionDef, ast.AsyncFunctionDef)] if tree is not None else []:
            yield file, scope


def _loaded_without_assign(ctx: Context) -> Finding | None:
    found = []
    for file, scope in _scopes(ctx):
        for call in src.walk_scope(scope):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "load_state_dict" and isinstance(call.func.value, ast.Name)
                    and src.keyword(call, "assign") is None and not any(k.arg is None for k in call.keywords)):
                continue
            built = _built_on_meta(scope, call.func.value.id)
            if built is not None and not _materialised_between(scope, call.func.value.id, built.lineno, call.lineno):
                found.append((file, scope, call, built))
    if len(found) != 1:
        return None
    file, scope, call, built = found[0]
    stmt = src.statement_at(src.tree_of(file), call.lineno)
    head = built.items[0].context_expr if isinstance(built, ast.With) else built
    f = Finding(facts={LOADED_WITHOUT_ASSIGN}, confidence="high")
    f.values.update(module=call.func.value.id, built=" ".join(src.segment(file, head).split()),
                    built_line=built.lineno, load=" ".join(src.segment(file, call).split()), load_line=call.lineno,
                    load_fixed=" ".join(src.segment(file, call).split())[:-1] + ", assign=True)")
    f.hints["loaded_without_assign"] = (file, stmt, call)
    return f


def _unsaved_buffers(ctx: Context, on_meta: list[str]) -> Finding | None:
    """A module built on meta and loaded with `load_state_dict(..., assign=True)`, whose operand on meta is a
    buffer registered with `persistent=False`: not in the checkpoint, so nothing replaces it and it stays on
    meta.  The edit builds the module off meta (the block's body, without the `with`)."""
    attrs = {e.split(".", 1)[1].split("[")[0] for e in on_meta if e.startswith("self.") and e.count(".") == 1}
    unsaved = set()
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            kw = src.keyword(call, "persistent")
            if isinstance(call.func, ast.Attribute) and call.func.attr == "register_buffer" and call.args \
                    and isinstance(call.args[0], ast.Constant) and kw is not None \
                    and isinstance(kw.value, ast.Constant) and kw.value.value is False:
                unsaved.add(call.args[0].value)
    left = sorted(attrs & unsaved)
    f = _assigned_on_meta(ctx, UNSAVED_BUFFERS) if left else None
    if f is not None:
        f.values["buffers"] = ", ".join(f"`{b}`" for b in left)
    return f


def _loaded_partly(ctx: Context) -> Finding | None:
    """A module built on meta and loaded with `load_state_dict(..., strict=False, assign=True)`: whatever the
    checkpoint does not hold (a new head) is not replaced and stays on meta."""
    return _assigned_on_meta(ctx, LOADED_PARTLY, strict=False)


def _assigned_on_meta(ctx: Context, fact_name: str, strict: bool | None = None) -> Finding | None:
    """The one `M.load_state_dict(..., assign=True)` (with `strict=False` when `strict` is False) of a module `M`
    built on meta: the finding `fact_name` with where it was built and loaded; the edit builds it off meta."""
    found = []
    for file, scope in _scopes(ctx):
        for call in src.walk_scope(scope):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "load_state_dict" and isinstance(call.func.value, ast.Name)):
                continue
            assign, given = src.keyword(call, "assign"), src.keyword(call, "strict")
            if not (assign is not None and isinstance(assign.value, ast.Constant) and assign.value.value is True):
                continue
            if strict is False and not (given is not None and isinstance(given.value, ast.Constant)
                                        and given.value.value is False):
                continue
            built = _built_on_meta(scope, call.func.value.id)
            if built is not None:
                found.append((file, call, built))
    if len(found) != 1:
        return None
    file, call, built = found[0]
    head = built.items[0].context_expr if isinstance(built, ast.With) else built
    f = Finding(facts={fact_name}, confidence="high")
    f.values.update(module=call.func.value.id, built=" ".join(src.segment(file, head).split()),
                    built_line=built.lineno, load=" ".join(src.segment(file, call).split()), load_line=call.lineno)
    if isinstance(built, ast.With) and len(built.items) == 1:
        f.hints["unsaved_buffers"] = (file, built)
    return f


def _materialised_between(scope: ast.AST, name: str, first: int, last: int) -> bool:
    """`name.to_empty(...)` runs between the lines: the module has memory before it is loaded."""
    return any(isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr == "to_empty"
               and isinstance(c.func.value, ast.Name) and c.func.value.id == name and first <= c.lineno < last
               for c in src.walk_scope(scope))


def _device_read(value: ast.AST) -> str | None:
    """The module `M` of `next(M.parameters()).device` / `next(iter(M.parameters())).device`."""
    if not (isinstance(value, ast.Attribute) and value.attr == "device" and isinstance(value.value, ast.Call)
            and src.call_name(value.value) == "next" and value.value.args):
        return None
    inner = value.value.args[0]
    if isinstance(inner, ast.Call) and src.call_name(inner) == "iter" and inner.args:
        inner = inner.args[0]
    if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr in (
            "parameters", "buffers") and isinstance(inner.func.value, ast.Name):
        return inner.func.value.id
    return None


def _device_read_early(ctx: Context) -> Finding | None:
    found = []
    for file, scope in _scopes(ctx):
        stmts = src.statements(scope)
        for st in stmts:
            if not (isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name)):
                continue
            module = _device_read(st.value)
            if module is None:
                continue
            later = [c for s in stmts if s.lineno > st.lineno for c in ast.walk(s) if isinstance(c, ast.Call)
                     and isinstance(c.func, ast.Attribute) and c.func.attr == "to_empty"
                     and isinstance(c.func.value, ast.Name) and c.func.value.id == module]
            if later:
                found.append((file, scope, st, module, later[0]))
    if len(found) != 1:
        return None
    file, scope, st, module, call = found[0]
    target = src.keyword(call, "device")
    target = target.value if target is not None else (call.args[0] if call.args else None)
    f = Finding(facts={DEVICE_READ_EARLY}, confidence="high")
    f.values.update(device_name=st.targets[0].id, module=module, read_line=st.lineno,
                    read=" ".join(src.segment(file, st).split()),
                    materialised=" ".join(src.segment(file, call).split()), materialised_line=call.lineno)
    if target is not None:
        tree = src.tree_of(file)
        bound_before = all(_bound_before(tree, scope, n, st.lineno) for n in set(src.names_in(target)))
        if bound_before:
            f.facts.add(DEVICE_FIXED)
            f.values["device_fixed"] = src.segment(file, target)
            f.hints["device_read_early"] = (file, st, st.value, src.segment(file, target))
    return f


def _bound_before(tree: ast.Module, scope: ast.AST, name: str, line: int) -> bool:
    """`name` is a parameter of `scope`, assigned in it before `line` and not after, or a module-level name."""
    params = {a.arg for a in getattr(getattr(scope, "args", None), "args", [])} | {
        a.arg for a in getattr(getattr(scope, "args", None), "kwonlyargs", [])}
    stores = [n.lineno for n in src.walk_scope(scope) if isinstance(n, ast.Name) and n.id == name
              and isinstance(n.ctx, ast.Store)]
    if stores:
        return all(s < line for s in stores)
    if name in params:
        return True
    return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store) for st in tree.body
               for n in ast.walk(st) if not isinstance(st, (ast.FunctionDef, ast.ClassDef))) or hasattr(builtins, name)
