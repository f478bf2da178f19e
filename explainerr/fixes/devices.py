"""Fixes for devices, at the line that left the odd operand behind (analyzers/placement.py): the inputs moved
where they are made (or right before the call), a dropped `.to()` kept, the model moved where it is made,
`device=` given to the constructor that made a tensor on the CPU, the plain tensor attributes left behind
registered as buffers, layers kept in a Python list or dict wrapped in `nn.ModuleList` / `nn.ModuleDict`; for
the meta device (analyzers/meta_device.py, meta_block.py): `assign=True`, the device read after `to_empty`, a
module built off meta, and what a meta block made beside its module made outside the block."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import Finding, fact
from ..facts import Context
from ..model import Edit
from . import Located, edits_of, failing_statement, locator
from .checks import bound_names

MOVED_WHERE_HANDED = fact("moved-where-handed", "the fix moves the tensor where the module holding it is handed it "
                                                "(`handed`, line `handed_line`), to `target`")


@locator("to-device")
def to_device(ctx: Context, f: Finding) -> Located:
    loaded = f.hints.get("loaded_without_assign")
    if loaded:  # the loaded tensors replace the meta parameters
        file, stmt, call = loaded
        return edits_of(src.LineEditor.for_node(file, stmt).add_keywords(call, "assign=True")), None
    unsaved = f.hints.get("unsaved_buffers")
    if unsaved:  # built off meta: the buffers the checkpoint does not hold are made for real
        return _without_block(*unsaved), None
    probed = f.hints.get("probed_in_meta_block")
    if probed:  # the module the block built for a dry run, built again after it for real use
        file, block, text = probed
        added = src.insert_after(file, block, text)
        return ([added] if added is not None else []), None
    block = f.hints.get("made_in_meta_block")
    if block:  # what the meta block made beside the module, made after the module is materialised instead
        return _made_after_materialised(block), None
    early = f.hints.get("device_read_early")
    if early:  # the device read from the module replaced by the one it is materialised on
        file, stmt, node, new = early
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, new)), None
    left_out = f.hints.get("device_left_out")
    if left_out:  # the helper's own `device` parameter given the operand's device
        file, stmt, call, keyword = left_out
        return edits_of(src.LineEditor.for_node(file, stmt).add_keywords(call, keyword)), None
    hit = f.hints.get("device_kw")
    if hit:  # the device named apart is read from the operand it meets
        file, stmt, node, new = hit
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, new)), None
    for build in (_hoist_part, _attach_moved, _register_buffer, _module_container, _keep_move, _move_where_handed,
                  _device_where_made, _move_model):
        edits = build(ctx, f)
        if edits:
            return edits, None
    if "inputs" in f.facts:
        return _move_inputs(ctx, f), None
    if "odd-operand" in f.facts:
        return _move_where_assigned(ctx, f), None
    return [], None


def _move_where_assigned(ctx: Context, f: Finding) -> list[Edit]:
    """The odd operand is a local computed on the failing frame's scope (`cw = ct.sum() / ct`): moved where it
    is assigned, to the device the code moves things to (`.to(dv)`) when that is the rest's device, else to the
    device of an operand it meets."""
    from ..analyzers.placement import kind, target_device
    frame, stray = f.hints.get("frame"), f.hints.get("stray") or []
    tree = src.tree_of(frame.file) if frame is not None else None
    names = [t for t in stray if t.expr.isidentifier()]
    if tree is None or len(names) != 1:
        return []
    meant = target_device(ctx)
    main = f.values.get("main_device")
    partners = [t.expr for t in ctx.tensors_in_node(frame) if t.expr.isidentifier() and kind(t.device) == kind(main)]
    target = meant[0] if meant and kind(meant[1]) == kind(main) else f"{partners[0]}.device" if partners else None
    a = src.last_assignment(tree, names[0].expr, frame.line)
    if target is None or a is None or not isinstance(a.stmt, ast.Assign) or a.value is not a.stmt.value:
        return []
    if any(n not in (bound_names(frame.file, a.stmt.lineno) or set()) for n in src.names_in(
            ast.parse(target, mode="eval"))):
        return []  # the device's name is not bound yet where the operand is made
    value = src.segment(frame.file, a.value)
    simple = isinstance(a.value, (ast.Name, ast.Call, ast.Attribute, ast.Subscript))
    return edits_of(src.LineEditor.for_node(frame.file, a.stmt).replace(
        a.value, f"{value}.to({target})" if simple else f"({value}).to({target})"))


def _hoist_part(ctx: Context, f: Finding) -> list[Edit]:
    """A layer made inside `with torch.device("meta"):` → made just before the block, unless it reads a name
    the block binds before it."""
    hit = f.hints.get("hoist")
    if not hit:
        return []
    file, block, made = hit
    reads = set(src.names_in(made.value)) if isinstance(made, ast.Assign) else set()
    bound = {n for stmt in block.body[:block.body.index(made)] for t in getattr(stmt, "targets", [])
             for n in src.names_in(t)}
    bound |= {n for i in block.items if i.optional_vars is not None for n in src.names_in(i.optional_vars)}
    if reads & bound:  # it reads what the block made first (`backbone.out_dim`): made right after the block
        later = block.body[block.body.index(made) + 1:]
        made_names = {n for t in getattr(made, "targets", []) for n in src.names_in(t)}
        if any(made_names & set(src.names_in(st)) for st in later):
            return []
        moved = _after_block(file, block, made)
        if moved:
            f.facts.add(MADE_AFTER_BLOCK)
        return moved
    e = src.hoist_before(file, block, made)
    return [e] if e else []


MADE_AFTER_BLOCK = fact("made-after-block", "the fix makes the submodule right after the device block, since it "
                                            "reads names the block makes")


def _after_block(file: str, block: ast.With, made: ast.stmt) -> list[Edit]:
    """`made` taken out of `block` and written right after it, at the block's indentation."""
    from .. import files
    first, last = block.lineno, block.end_lineno or block.lineno
    skip = set(range(made.lineno, (made.end_lineno or made.lineno) + 1))
    if len(skip) >= last - first:
        return []  # the block's only statement: nothing would stay in it
    head = files.line(file, first)
    indent = head[: len(head) - len(head.lstrip())]
    kept = "".join(files.line(file, n) for n in range(first, last + 1) if n not in skip).rstrip("\n")
    replacement = kept + "\n" + _at_indent(file, made, indent)
    if not src.parses_in_file(file, first, last, replacement):
        return []
    return [Edit(file=file, start_line=first, end_line=last, replacement=replacement)]


def _attach_moved(ctx: Context, f: Finding) -> list[Edit]:
    """`model.head = nn.Linear(...)` after `model.to(device)` → `model.head = nn.Linear(...).to(device)`."""
    hit, target = f.hints.get("attach"), f.hints.get("target")
    if not hit or not target:
        return []
    file, stmt = hit
    value = src.segment(file, stmt.value)
    if not isinstance(stmt.value, (ast.Name, ast.Call, ast.Attribute, ast.Subscript)):
        value = f"({value})"
    return edits_of(src.LineEditor.for_node(file, stmt).replace(stmt.value, f"{value}.to({target})"))


def _move_inputs(ctx: Context, f: Finding) -> list[Edit]:
    root, frame, target = f.hints.get("root"), f.hints.get("frame"), f.hints.get("target")
    if not root or frame is None:
        return []
    stray = f.hints.get("stray") or []
    is_mapping = any(t.expr.startswith(f'{root}["') for t in stray)
    tree = src.tree_of(frame.file)
    a = src.last_assignment(tree, root, frame.line) if tree else None
    if a is not None and isinstance(a.stmt, ast.Assign) and a.value is a.stmt.value:
        later = _after_target_is_bound(frame.file, tree, a.stmt, target, frame.line)
        if later is not None:  # `device` or the model is made after `root`: move it once both exist
            move = (f"{root} = {{k: v.to({target}) for k, v in {root}.items()}}" if is_mapping
                    else f"{root} = {root}.to({target})")
            e = src.insert_after(frame.file, later, move)
            return [e] if e else []
        if not (len(a.stmt.targets) == 1 and isinstance(a.stmt.targets[0], ast.Name)):
            # `batch, flags = prepare(...)`: the call returns more than `root`; move `root` once it is unpacked
            move = (f"{root} = {{k: v.to({target}) for k, v in {root}.items()}}" if is_mapping
                    else f"{root} = {root}.to({target})")
            e = src.insert_after(frame.file, a.stmt, move)
            return [e] if e else []
        rhs = src.segment(frame.file, a.value)
        new = (f"{{k: v.to({target}) for k, v in {rhs}.items()}}" if is_mapping else f"{rhs}.to({target})")
        return edits_of(src.LineEditor.for_node(frame.file, a.stmt).replace(a.value, new))
    # a loop variable or a parameter: move it right before the failing call
    found = failing_statement(frame)
    if found is None or not root.isidentifier():
        return []
    names = [root] + [t.expr for t in stray if t.expr.isidentifier() and t.expr != root]
    if tree is not None:  # the rest of the batch unpacked by the same loop goes along (labels too)
        device = stray[0].device if stray else None
        for loop in src.enclosing_loops(tree, frame.line):
            targets = src.names_in(loop.target)
            if root in targets:
                names += [t.expr for t in frame.tensors if t.expr in targets and t.device == device]
    moves = [f"{n} = {{k: v.to({target}) for k, v in {n}.items()}}" if any(
        t.expr.startswith(f'{n}["') for t in stray) else f"{n} = {n}.to({target})" for n in dict.fromkeys(names)]
    e = src.insert_before(frame.file, found[1], "; ".join(moves))
    return [e] if e else []


def _after_target_is_bound(file: str, tree: ast.Module, made: ast.stmt, target: str, before: int) -> ast.stmt | None:
    """When `target` (`device`, `next(model.parameters()).device`) reads a name bound only after `made`, the
    last statement of `made`'s scope, before line `before`, that binds one of those names; else None."""
    try:
        reads = set(src.names_in(ast.parse(target, mode="eval")))
    except SyntaxError:
        return None
    missing = reads - (bound_names(file, made.lineno) or reads)
    if not missing:
        return None
    scope = src.enclosing_scope(tree, made.lineno)
    found = [a.stmt for n in missing for a in src.assignments(tree, n, scope, before=before)
             if made.lineno < a.stmt.lineno]
    body = getattr(scope, "body", [])
    found = [stmt for stmt in found if stmt in body]  # a statement of the scope itself, not inside a loop
    return max(found, key=lambda stmt: stmt.lineno) if found else None


def _keep_move(ctx: Context, f: Finding) -> list[Edit]:
    """`ids.to(device)` alone on its line → `ids = ids.to(device)` (each such line of the scope)."""
    out = []
    for file, stmt in f.hints.get("dropped") or []:
        name = src.segment(file, stmt.value.func.value)
        out += edits_of(src.LineEditor.for_node(file, stmt).replace(stmt, f"{name} = {src.segment(file, stmt.value)}"))
    return out


def _move_model(ctx: Context, f: Finding) -> list[Edit]:
    """`model = Net()` → `model = Net().to(DEVICE)` when the code moves the inputs there and not the model."""
    hit, target = f.hints.get("model_stmt"), f.hints.get("target")
    if not hit or not target or "model-not-moved" not in f.facts:
        return []
    file, stmt = hit
    return edits_of(src.LineEditor.for_node(file, stmt).replace(stmt.value, f"{src.segment(file, stmt.value)}.to({target})"))


def _move_where_handed(ctx: Context, f: Finding) -> list[Edit]:
    """The odd operand is a tensor a module holds because its construction was handed it
    (`criterion.weight` of `criterion = nn.CrossEntropyLoss(weight=weights)`): moved where it is handed, to the
    device the code moves things to (`weight=weights.to(device)`), when that name is bound there: the helper that
    made it stays device-free, and reads of it as plain numbers before the hand-over stay on the CPU."""
    from ..analyzers.placement import kind, target_device
    frame, stray = f.hints.get("frame"), f.hints.get("stray") or []
    tree = src.tree_of(frame.file) if frame is not None else None
    meant = target_device(ctx)
    if tree is None or len(stray) != 1 or not meant or kind(meant[1]) != kind(f.values.get("main_device")):
        return []
    owner, _, attr = stray[0].expr.rpartition(".")
    a = src.last_assignment(tree, owner, frame.line) if owner.isidentifier() and attr else None
    call = a.value if a is not None else None
    kw = src.keyword(call, attr) if isinstance(call, ast.Call) else None
    if kw is None or meant[0] not in (bound_names(frame.file, a.stmt.lineno) or set()):
        return []
    value = src.segment(frame.file, kw.value)
    simple = isinstance(kw.value, (ast.Name, ast.Call, ast.Attribute, ast.Subscript))
    f.facts.add(MOVED_WHERE_HANDED)
    f.values.update(handed=f"{attr}={value}", handed_line=a.stmt.lineno, target=meant[0])
    return edits_of(src.LineEditor.for_node(frame.file, a.stmt).replace(
        kw.value, f"{value}.to({meant[0]})" if simple else f"({value}).to({meant[0]})"))


def _device_where_made(ctx: Context, f: Finding) -> list[Edit]:
    """`torch.zeros(n, m)` → `torch.zeros(n, m, device=x.device)`; `torch.from_numpy(a)` → `torch.from_numpy(a).to(DEVICE)`."""
    target = f.hints.get("target")
    if not target:
        return []
    editors: dict[tuple[str, int], src.LineEditor] = {}
    for file, stmt, call in f.hints.get("made") or []:
        e = editors.setdefault((file, stmt.lineno), src.LineEditor.for_node(file, stmt))
        fn = src.call_name(call).rpartition(".")[2]
        if fn in ("from_numpy", "Tensor", "LongTensor", "FloatTensor", "BoolTensor", "IntTensor"):
            e.replace(call, f"{src.segment(file, call)}.to({target})")
        else:
            e.add_keywords(call, f"device={target}")
    return [made for e in editors.values() for made in edits_of(e)]


def _register_buffer(ctx: Context, f: Finding) -> list[Edit]:
    """`self.pe = pe` in the module's class → `self.register_buffer("pe", pe)`."""
    if "attribute" not in f.facts:
        return []
    frame, attr = f.hints.get("frame"), f.hints.get("attribute")
    tree = src.tree_of(frame.file) if frame is not None else None
    cls = src.enclosing_class(tree, frame.line) if tree is not None else None
    if cls is None:
        return []
    stray = frame.tensor(f"self.{attr}")
    attrs = [attr] + [t.expr[5:] for t in frame.tensors if stray is not None and t.expr.startswith("self.")
                      and t.expr[5:].isidentifier() and t.expr[5:] != attr and t.device == stray.device]
    registered = {c.args[0].value for c in src.calls(cls) if isinstance(c.func, ast.Attribute)
                  and c.func.attr == "register_buffer" and c.args and isinstance(c.args[0], ast.Constant)}
    attrs = [a for a in attrs if a == attr or a not in registered]
    edits: list[Edit] = []  # the other plain tensor attributes left on the same device are registered too
    for name in attrs:
        for n in ast.walk(cls):
            if (isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Attribute)
                    and n.targets[0].attr == name and isinstance(n.targets[0].value, ast.Name)
                    and n.targets[0].value.id == "self"):
                value = src.segment(frame.file, n.value)
                edits += edits_of(src.LineEditor.for_node(frame.file, n).replace(
                    n, f'self.register_buffer("{name}", {value})'))
                break
        else:
            if name == attr:
                return []
    return edits


def _module_container(ctx: Context, f: Finding) -> list[Edit]:
    """`self.layers = [nn.Linear(...) for ...]` → `self.layers = nn.ModuleList([...])` (a dict: nn.ModuleDict)."""
    hit = f.hints.get("container")
    if not hit:
        return []
    file, stmt = hit
    bound = bound_names(file, stmt.lineno) or set()
    nn = "nn" if "nn" in bound else "torch.nn" if "torch" in bound else None
    if nn is None:
        return []
    holder = "ModuleDict" if isinstance(stmt.value, (ast.Dict, ast.DictComp)) else "ModuleList"
    empty = isinstance(stmt.value, (ast.List, ast.Dict)) and not getattr(stmt.value, "elts", None) and not getattr(
        stmt.value, "keys", None)
    inner = "" if empty else src.segment(file, stmt.value)
    f.values["wrapped"] = f"{nn}.{holder}({inner})"
    return edits_of(src.LineEditor.for_node(file, stmt).replace(stmt.value, f.values["wrapped"]))


def _made_after_materialised(hit) -> list[Edit]:
    """The statements a device block made after its module are taken out of the block and written after the
    module's `to_empty` line, at the block's indentation; the one that made the operand on meta gets
    `.to(<the device to_empty is given>)`, so it is where the module is whatever the default device."""
    from .. import files
    first, last = hit.block.lineno, hit.after.end_lineno or hit.after.lineno
    skip = {n for st in hit.moved + hit.handed for n in range(st.lineno, (st.end_lineno or st.lineno) + 1)}
    head = files.line(hit.file, first)
    indent = head[: len(head) - len(head.lstrip())]
    moved = []
    for st in hit.moved:
        text = _at_indent(hit.file, st, indent)
        if st is hit.failing:
            value = src.segment(hit.file, st.value)
            simple = isinstance(st.value, (ast.Call, ast.Name, ast.Attribute, ast.Subscript))
            text = text[: len(text) - len(value)] + (f"{value}.to({hit.device})" if simple
                                                     else f"({value}).to({hit.device})")
            if not text.endswith(f".to({hit.device})"):
                return []
        moved.append(text + "\n")
    # made before the module and read by its build: made before the block instead
    handed = [_at_indent(hit.file, st, indent) + "\n" for st in hit.handed]
    kept = [files.line(hit.file, n) for n in range(first, last + 1) if n not in skip]
    replacement = "".join(handed) + "".join(kept).rstrip("\n") + ("\n" + "".join(moved).rstrip("\n") if moved else "")
    if not src.parses_in_file(hit.file, first, last, replacement):
        return []
    return [Edit(file=hit.file, start_line=first, end_line=last, replacement=replacement)]


def _without_block(file: str, block: ast.With) -> list[Edit]:
    """The `with` statement replaced by its body, dedented to the `with`'s own indentation."""
    from .. import files
    first, last = block.lineno, block.end_lineno or block.lineno
    head = files.line(file, first)
    indent = len(head) - len(head.lstrip())
    body_first = block.body[0].lineno
    inner = files.line(file, body_first)
    shift = len(inner) - len(inner.lstrip()) - indent
    if shift <= 0 or body_first <= first:
        return []
    lines = "".join(files.line(file, n) for n in range(body_first, last + 1))
    replacement = _shifted(lines, shift).rstrip("\n")
    if not src.parses_in_file(file, first, last, replacement):
        return []
    return [Edit(file=file, start_line=first, end_line=last, replacement=replacement)]


def _at_indent(file: str, st: ast.stmt, indent: str) -> str:
    """The text of statement `st`, every line shifted so that its first line starts at `indent`."""
    first, _, rest = src.segment(file, st).partition("\n")
    return indent + first + ("\n" + _shifted(rest, st.col_offset - len(indent)) if rest else "")


def _shifted(text: str, by: int) -> str:
    """`text` with every line moved `by` columns to the left (to the right when negative); a line with fewer
    leading spaces than that keeps its own."""
    if by < 0:
        return "".join(" " * -by + ln if ln.strip() else ln for ln in text.splitlines(True))
    return "".join(ln[by:] if ln[:by].strip() == "" else ln for ln in text.splitlines(True))
