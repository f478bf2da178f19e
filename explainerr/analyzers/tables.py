"""Where the size of a table the user built is decided: `self.pos = nn.Embedding(max_len, dim)` in a module's
`__init__`, sized by a parameter of that `__init__` (with its default), a module-level constant or a number,
and the calls that build the module.

A table of the user's own is not a pretrained model's limit: when no weights are loaded into it, making it
larger where the module is built is the fix at the cause, and it keeps the reusable class as it is.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from .. import source as src
from ..facts import Context
from ..model import FrameFacts

_TABLE_CALL = re.compile(r"(^|\.)(Embedding|Parameter|zeros|randn|empty|ones)$")
_FACTORY = re.compile(r"(^|\.)(zeros|randn|rand|empty|ones|full)$")
_LOADS_WEIGHTS = re.compile(r"\.load_state_dict\(|\bfrom_pretrained\(|\btorch\.load\(|\bload_checkpoint\(")


@dataclass
class TableSize:
    """How a table attribute of a user module is sized."""

    frame: FrameFacts                  # a user frame of the module's code
    cls: ast.ClassDef
    stmt: ast.stmt                     # `self.<attr> = nn.Embedding(...)`
    call_text: str                     # `nn.Embedding(max_length, hid_dim)`
    size: ast.AST                      # the size argument
    kind: str                          # "param" | "constant" | "literal" | "settings-text" | "field" | "other"
    name: str | None = None            # the parameter or constant name
    default: ast.AST | None = None     # the parameter's default
    builds: list[tuple[str, ast.Call]] = field(default_factory=list)  # (file, call) that build the module
    loads_weights: bool = False


def table_size(ctx: Context, attr: str, rows: int | None = None) -> TableSize | None:
    """The construction of `self.<attr>` in the class of a user frame running a method of that class; `rows`
    (the table's length, when known) picks the size argument of a tensor factory (`torch.zeros(1, max_len,
    d)`), which is the one whose value it is."""
    for fr in ctx.user_frames():
        if not fr.self_class:
            continue
        tree = src.tree_of(fr.file)
        cls = src.enclosing_class(tree, fr.line) if tree is not None else None
        if cls is None:
            continue
        for fn in (n for n in cls.body if isinstance(n, ast.FunctionDef)):
            for n in src.statements(fn):
                if not (isinstance(n, ast.Assign) and isinstance(n.value, ast.Call) and any(
                        isinstance(t, ast.Attribute) and t.attr == attr and isinstance(t.value, ast.Name)
                        and t.value.id == "self" for t in n.targets)):
                    continue
                call = n.value
                if not _TABLE_CALL.search(src.call_name(call)):
                    continue
                made = src.segment(fr.file, n.value)
                size = call.args[0] if call.args else getattr(src.keyword(call, "num_embeddings"), "value", None)
                if size is not None and src.call_name(call).endswith("Parameter"):
                    # nn.Parameter(torch.zeros(1, max_len, dim) * 0.02): the sizes of the tensor inside
                    call = next((c for c in src.calls(size) if _FACTORY.search(src.call_name(c))), None)
                    if call is None:
                        continue
                    size = call.args[0] if call.args else None
                if not src.call_name(call).endswith("Embedding") and rows is not None:
                    size = next((a for a in call.args if _value(a, fn, tree) == rows), None)
                if size is None:
                    continue
                found = TableSize(frame=fr, cls=cls, stmt=n, call_text=made, size=size,
                                  kind="literal")
                _size_kind(found, fn, tree)
                found.builds = _builds(ctx, cls.name)
                found.loads_weights = any(src.mentions(f, _LOADS_WEIGHTS) for f in
                                          dict.fromkeys(x.file for x in ctx.user_frames()))
                return found
    return None


def _value(node: ast.AST, fn: ast.FunctionDef, tree: ast.Module) -> int | None:
    """The int a size argument stands for: a number, a parameter's default, or a module constant."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if not isinstance(node, ast.Name):
        return None
    defaults = src.param_defaults(fn)
    if node.id in defaults:
        return _value(defaults[node.id], fn, tree)
    for n in tree.body:
        if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == node.id for t in n.targets):
            return n.value.value if isinstance(n.value, ast.Constant) and type(n.value.value) is int else None
    return None


def _size_kind(found: TableSize, fn: ast.FunctionDef, tree: ast.Module) -> None:
    size = found.size
    if isinstance(size, ast.Name):
        args = fn.args.args + fn.args.kwonlyargs
        names = [a.arg for a in args]
        if size.id in names:
            found.kind, found.name = "param", size.id
            found.default = src.param_defaults(fn).get(size.id)
            return
        if any(isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == size.id for t in n.targets)
               for n in tree.body):
            found.kind, found.name = "constant", size.id
            return
        found.kind, found.name = "other", size.id
    elif not (isinstance(size, ast.Constant) and type(size.value) is int):
        found.kind = "other"


def _builds(ctx: Context, cls_name: str) -> list[tuple[str, ast.Call]]:
    """Calls that build class `cls_name` in the user's files (`Encoder(vocab)`, `models.Encoder(...)`, and
    `partial(Encoder, max_len=24)`, whose keywords are the constructor's)."""
    out: list[tuple[str, ast.Call]] = []
    for file in dict.fromkeys(f.file for f in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        for call in src.calls(tree):
            name = src.call_name(call)
            if name == cls_name or name.endswith("." + cls_name):
                out.append((file, call))
            elif (prepared := src.prepared_call(call, cls_name)) is not None:
                out.append((file, prepared))
    return out


def param_position(cls: ast.ClassDef, param: str) -> int | None:
    """The position of `param` among `__init__`'s arguments after `self` (to read a positional argument)."""
    init = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
    if init is None:
        return None
    names = [a.arg for a in init.args.args][1:]
    return names.index(param) if param in names else None
