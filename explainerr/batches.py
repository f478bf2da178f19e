"""Where a batch entry came from when a library built the batch (a Trainer, a DataLoader's collate, a Lightning
loop) out of the user's own Dataset: that Dataset's `__getitem__` lines for the entry, the `__init__` line of
the `self.` attribute they read, the call that built the dataset and the line that made its argument.

Read from the user's source files only; the Dataset classes are found from the objects seen in the frames.
"""
from __future__ import annotations

import ast
import re
from dataclasses import replace

from . import source as src
from .facts import Context
from .model import FrameFacts, Origin
from .provenance import _add, _helper_lines, _unpacked_position


def user_datasets(ctx: Context) -> list[tuple[str, ast.ClassDef]]:
    """The user's own Dataset classes behind the failing batch: each Dataset object seen in the frames (a
    DataLoader's or a Trainer's dataset included) whose class is defined in a user file, with that file."""
    from .capture import is_library_file
    out: list[tuple[str, ast.ClassDef]] = []
    seen: set[str] = set()
    user_files = list(dict.fromkeys(f.file for f in ctx.user_frames()))
    for f in [*ctx.user_frames(), *ctx.raise_frames()]:
        for o in f.objects:
            if o.kind != "dataset" or o.cls in seen or (o.file and is_library_file(o.file)):
                continue
            seen.add(o.cls)
            for file in ([o.file] if o.file else []) + user_files:
                tree = src.tree_of(file)
                cls = next((n for n in src.nodes(tree, ast.ClassDef) if n.name == o.cls),
                           None) if tree is not None else None
                if cls is not None:
                    out.append((file, cls))
                    break
    if not out and not any(o.kind == "dataset" for f in ctx.user_frames() for o in f.objects):
        out = _only_dataset_class(user_files)  # no Dataset object in sight (a wrapped, prepared loader)
    return out


def sole_getitem(ctx: Context) -> tuple[str, ast.Module, ast.FunctionDef] | None:
    """(file, tree, `__getitem__`) of the user's one Dataset behind the failing batch, when there is exactly one
    and it defines `__getitem__`."""
    found = user_datasets(ctx)
    if len(found) != 1:
        return None
    file, cls = found[0]
    tree = src.tree_of(file)
    get = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__getitem__"), None)
    return (file, tree, get) if tree is not None and get is not None else None


def _only_dataset_class(files: list[str]) -> list[tuple[str, ast.ClassDef]]:
    """The one class of the user's files that subclasses a `...Dataset` and defines `__getitem__`; none when
    there are several."""
    found = []
    for file in files:
        tree = src.tree_of(file)
        for cls in src.nodes(tree, ast.ClassDef) if tree is not None else ():
            if any(ast.unparse(b).split(".")[-1].endswith("Dataset") for b in cls.bases) and any(
                    isinstance(n, ast.FunctionDef) and n.name == "__getitem__" for n in cls.body):
                found.append((file, cls))
    return found if len(found) == 1 else []


def dataset_origin(ctx: Context, key: str, expr: str | None = None) -> list[Origin]:
    """Where the batch entry `key` ("labels", "input_ids") came from when the batch was built by a library
    (a Trainer, a DataLoader's collate) out of the user's Dataset: its `__getitem__` lines for that key, then
    the `__init__` line that set the `self.` attribute they read, then the call that built the dataset."""
    for file, cls in user_datasets(ctx):
        item = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__getitem__"), None)
        if item is None:
            continue
        if not _makes_key(item, key):
            continue
        frame = FrameFacts(index=-1, file=file, line=item.lineno, function="__getitem__", library=False)
        steps: list[Origin] = []
        shown = expr or f'batch["{key}"]'
        _helper_lines(frame, item, f'batch["{key}"]', steps, name=f"{cls.name}.__getitem__")
        if not steps:
            continue
        steps = [replace(o, expr=shown) for o in steps]
        attrs = [a for o in steps for a in re.findall(r"\bself\.(\w+)", _entry_text(o.source, key))]
        tree = src.tree_of(file)
        init = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
        params: list[str] = []
        for attr in dict.fromkeys(attrs):
            if init is None or tree is None:
                break
            for n in src.statements(init):
                if isinstance(n, ast.Assign) and any(
                        isinstance(t, ast.Attribute) and t.attr == attr and isinstance(t.value, ast.Name)
                        and t.value.id == "self" for t in n.targets):
                    _add(steps, frame, n, shown, function=f"{cls.name}.__init__")
                    params += [x for x in src.names_in(n.value) if x in {a.arg for a in init.args.args[1:]}]
                    break
        built = _constructed(tree, cls.name) if tree is not None else None
        if built is not None and tree is not None:
            _add(steps, frame, built[0], shown)
            if init is not None:
                _constructor_args(frame, tree, init, built, params, shown, steps)
        return list({(o.file, o.line): o for o in steps}.values())
    return []


def item_entry(ctx: Context, key: str) -> tuple[str, ast.stmt, ast.expr] | None:
    """(file, statement, value) where the user's Dataset gives `key` its value: a dict literal's entry
    (`{..., "labels": self.stars[i]}`) or an item assignment (`item["labels"] = ...`) in its `__getitem__`, else
    in its other methods (items built whole in `__init__`), else in a function of the same file its methods call
    (`self.items = [encode_note(t, y) for ...]` with `enc["labels"] = level` inside `encode_note`)."""
    for file, cls in user_datasets(ctx):
        methods = [n for n in cls.body if isinstance(n, ast.FunctionDef)]
        tree = src.tree_of(file)
        if tree is None or not any(m.name == "__getitem__" for m in methods):
            continue
        defs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
        called = [defs[c.func.id] for m in methods for c in src.walk_scope(m)
                  if isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id in defs]
        ordered = sorted(methods, key=lambda m: m.name != "__getitem__") + list(dict.fromkeys(called))
        for fn in ordered:
            found = _entry_in(tree, fn, key)
            if found is not None:
                return (file, *found)
    return _sole_entry(ctx, key)


def _sole_entry(ctx: Context, key: str) -> tuple[str, ast.stmt, ast.expr] | None:
    """The Dataset only hands out items made elsewhere (`return self.rows[i]`): the one function of the user's
    files that gives `key` a value (a featurizer's `feats["labels"] = ...`), when exactly one does."""
    found = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            entry = _entry_in(tree, fn, key)
            if entry is not None:
                found.append((file, *entry))
    return found[0] if len(found) == 1 else None


def _entry_in(tree: ast.Module, fn: ast.FunctionDef, key: str) -> tuple[ast.stmt, ast.expr] | None:
    """The statement of `fn` that gives `key` its value (a dict literal's entry or an item assignment), and it."""
    for n in src.walk_scope(fn):
        value = None
        if isinstance(n, ast.Dict):
            value = src.dict_item(n, key)
        elif (isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Subscript)
              and isinstance(n.targets[0].slice, ast.Constant) and n.targets[0].slice.value == key):
            value = n.value
        stmt = src.statement_at(tree, value.lineno) if value is not None else None
        if stmt is not None:
            return stmt, value
    return None


def _entry_text(line: str, key: str) -> str:
    """Of a step's one-line source, the part that makes `key` when it is a dict literal holding other keys too
    (`return {**self.enc[i], "labels": self.stars[i]}` → `self.stars[i]`); the whole line otherwise."""
    try:
        tree = ast.parse(line.strip())
    except SyntaxError:
        return line
    for n in ast.walk(tree):
        if isinstance(n, ast.Dict):
            for k, v in zip(n.keys, n.values):
                if isinstance(k, ast.Constant) and k.value == key:
                    return ast.unparse(v)
    return line


#: Keys a tokenizer's encoding holds: an item built from one (`{k: v[i] for k, v in enc.items()}`) has them.
_ENCODING_KEYS = frozenset({"input_ids", "attention_mask", "token_type_ids", "special_tokens_mask", "offset_mapping"})


def _makes_key(fn: ast.FunctionDef, key: str) -> bool:
    """Whether `__getitem__` puts `key` in what it returns: a dict literal or item assignment with that key, or
    (for a tokenizer's keys) a dict built from an encoding."""
    for n in src.walk_scope(fn):
        if isinstance(n, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == key for k in n.keys):
            return True
        if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store) and isinstance(n.slice, ast.Constant) and (
                n.slice.value == key):
            return True
        if isinstance(n, ast.DictComp) and key in _ENCODING_KEYS:
            return True
        if isinstance(n, ast.keyword) and n.arg == key:
            return True
    return False


def _constructed(tree: ast.Module, name: str) -> tuple[ast.stmt, ast.Call] | None:
    """The last statement of the file that calls `name(...)` (where a Dataset was built), and that call."""
    found = [n for n in src.nodes(tree, ast.Call) if isinstance(n.func, ast.Name)
             and n.func.id == name]
    if not found:
        return None
    call = max(found, key=lambda c: c.lineno)
    stmt = src.statement_at(tree, call.lineno)
    return (stmt, call) if stmt is not None else None


def _constructor_args(frame: FrameFacts, tree: ast.Module, init: ast.FunctionDef, built: tuple[ast.stmt, ast.Call],
                      params: list[str], shown: str, steps: list[Origin]) -> None:
    """For each `__init__` parameter the values came through, the line that made the argument passed for it
    at the call that built the object (`labels = [...]` for `NewsDataset(texts, labels)`)."""
    stmt, call = built
    names = [a.arg for a in init.args.args[1:]]
    passed = {names[i]: a for i, a in enumerate(call.args) if i < len(names)}
    passed.update({k.arg: k.value for k in call.keywords if k.arg})
    for p in dict.fromkeys(params):
        arg = passed.get(p)
        if isinstance(arg, ast.Name):
            made = src.assignments(tree, arg.id, src.enclosing_scope(tree, stmt.lineno), before=stmt.lineno)
            if made:
                _add(steps, frame, made[-1].stmt, shown)
                _returned_part(frame, tree, made[-1].stmt, arg.id, shown, steps)


def _returned_part(frame: FrameFacts, tree: ast.Module, stmt: ast.stmt, name: str, shown: str,
                   steps: list[Origin]) -> None:
    """When `stmt` gets `name` from a function of the file (`texts, stars = load_reviews(path)`), that
    function's return line (the part at `name`'s place of an unpacked tuple)."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Name)):
        return
    target = stmt.targets[0]
    position = _unpacked_position(target, name) if isinstance(target, ast.Tuple) else None
    if isinstance(target, ast.Tuple) and position is None:
        return
    fn = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == stmt.value.func.id), None)
    if fn is not None:
        _helper_lines(frame, fn, shown, steps, position=position)
