"""Turns a live exception into a Report of plain data, then lets go of every frame.

It starts from what exceptions.py read of the exception and its chain (the messages, read once), marks each
traceback entry as user or library code, finds the executing expression of user frames (and of the frame that raised) with `executing`, and collects tensor
and module facts from the frames that matter: every user frame (the last ones first, bounded) and the
library frames after the last user frame, where torch or transformers raised.  Values are read through
tensors.py only; no user code runs here (dicts and instance `__dict__`s are read directly, never through
`__getattr__`, properties or `__repr__`; see safety.py).  Work is bounded (frames analysed in detail, names per
frame, items per container, container depth, the part of a message scanned, the size of a file parsed: see
files.py) and the analysis deadline is checked in every loop.  Plain
values named like secrets, or shaped like credentials, are left out of the Report.
"""
from __future__ import annotations

import ast
import collections
import os
import re
import sys
import types
from dataclasses import replace
from typing import Any, Iterator

from . import files, safety
from . import source as src
from . import tensors as tf
from .exceptions import exception_chain, exception_facts, is_library_file, read_exception
from .exceptions import safe_text  # noqa: F401  (the one str() of an exception, re-exported)
from .model import CallArg, ExceptionFacts, FrameFacts, ModuleFacts, ObjectFacts, Report, Scalar, TensorFacts

__all__ = ["capture", "exception_chain", "exception_facts", "is_library_file", "worker_exception"]

#: Bounds that keep capture flat on deep stacks and huge scopes.
MAX_USER_FRAMES = 12
MAX_LIBRARY_FRAMES = 16
#: Names read per frame: the first ones (parameters) and the last ones (assigned just before the failure).
MAX_NAMES_PER_FRAME = 400
MAX_LAST_NAMES = 100
MAX_ITEMS_PER_CONTAINER = 24
#: Only this much of a message is read for the text it embeds (DataLoader worker, torch.compile sections).
MAX_SCANNED_MESSAGE = 64_000

_WORKER_RE = re.compile(r"Caught (\w+) in DataLoader worker process (\d+)\.\s*Original Traceback")


def worker_exception(facts: ExceptionFacts) -> ExceptionFacts | None:
    """The original error embedded in a DataLoader worker's re-raised message, if there is one."""
    text = facts.message[:MAX_SCANNED_MESSAGE]
    m = _WORKER_RE.search(text)
    if not m:
        return None
    lines = [ln for ln in text.splitlines() if ln.strip()]
    last = lines[-1] if lines else ""
    typ, _, msg = last.partition(": ")
    return ExceptionFacts(type=typ.strip() or m.group(1), message=msg.strip(), mro=facts.mro)


def _compiled_user_line(message: str) -> str | None:
    """textlog.compiled_user_line: the traceback-text reader is imported only for a message that holds the
    section torch.compile appends to its errors."""
    if "from user code:" not in message:
        return None
    from .textlog import compiled_user_line
    return compiled_user_line(message)


def _entries(tb: types.TracebackType | None) -> Iterator[types.TracebackType]:
    while tb is not None:
        yield tb
        tb = tb.tb_next


_TRACEBACK = BaseException.__dict__["__traceback__"].__get__


def _hparams(module: object) -> dict[str, Scalar]:
    """`self.hparams.<name>` numbers of a Lightning module, read from its saved `_hparams` mapping (a dict
    subclass, read without calling its methods): the configured sizes a hook's loop may be bounded by."""
    d = _dict_of(module) if tf.is_module(module) else None
    saved = safety.dict_get(d, "_hparams") if d is not None and safety.dict_has(d, "_hparams") else None
    if saved is None or not safety.is_subclass(saved, dict):
        return {}
    out: dict[str, Scalar] = {}
    for name, value in safety.dict_items(saved, MAX_ITEMS_PER_CONTAINER):
        s = _scalar(name, value) if type(name) is str else None
        if s is not None:
            out[f"self.hparams.{name}"] = s
    return out


def _dict_of(obj: object) -> dict[str, Any] | None:
    return safety.instance_dict(obj)


def _named_fields(value: object) -> tuple[str, ...] | None:
    """The field names of a namedtuple (`typing.NamedTuple` or `collections.namedtuple`), read from its class's
    own namespace when the class is a plain `type` (no metaclass of the user's): no attribute lookup runs."""
    cls = type(value)
    if type(cls) is not type or cls is tuple or not safety.is_subclass(value, tuple):
        return None
    fields = cls.__dict__.get("_fields")
    if type(fields) is not tuple or not all(type(f) is str and f.isidentifier() for f in fields):
        return None
    return fields if len(fields) <= tuple.__len__(value) else None  # type: ignore[arg-type]


def _mapping_items(value: object) -> dict[Any, Any] | None:
    """The items of a dict or a UserDict-style container (BatchEncoding), read without calling its methods."""
    if safety.is_subclass(value, dict):
        return value  # type: ignore[return-value]
    d = _dict_of(value)
    data = safety.dict_get(d, "data") if d is not None else None
    return data if type(data) is dict else None


class _Collector:
    """Gathers tensor/module facts of one frame under readable expressions."""

    def __init__(self, index: int, arrays: bool = False, split: bool = False) -> None:
        self.index = index
        self.arrays = arrays  # numpy arrays are read too (the error is numpy's own)
        self.split = split  # a device error: a model's parts on two devices are read too
        self.tensors: list[TensorFacts] = []
        self.modules: list[ModuleFacts] = []
        self.objects: list[ObjectFacts] = []
        self.seen: set[tuple[int, str]] = set()

    def add(self, expr: str, value: object, depth: int = 0) -> None:
        safety.check_deadline()
        if len(self.tensors) > 200:
            return
        t = tf.tensor_facts(value, expr, self.index) or (tf.array_facts(value, expr, self.index) if self.arrays
                                                           else None)
        if t is not None:
            self.tensors.append(t)
            return
        if (id(value), expr) in self.seen or depth > 1:
            return
        self.seen.add((id(value), expr))
        if tf.is_module(value):
            m = tf.module_facts(value, expr, self.index)
            if m is not None:
                part = tf.module_split(value) if self.split and depth == 0 else None
                if part is not None:
                    m = replace(m, attrs={**m.attrs, "part": part[0], "part_device": part[1], "main_device": part[2]})
                self.modules.append(m)
            if depth == 0:
                d = _dict_of(value) or {}
                for name, child in safety.dict_items(safety.sub_dict(d, "_modules"), MAX_ITEMS_PER_CONTAINER):
                    if child is not None and type(name) is str:
                        cm = tf.module_facts(child, f"{expr}.{name}", self.index)
                        if cm is not None:
                            self.modules.append(cm)
                            if cm.cls in _CONTAINERS:  # `self.heads = nn.ModuleList([...])`: its items too
                                self._add_items(child, f"{expr}.{name}")
                for name, v in safety.dict_items(d, MAX_ITEMS_PER_CONTAINER * 4):
                    if type(name) is str and not name.startswith("_") and tf.is_tensor(v):
                        self.add(f"{expr}.{name}", v, depth + 1)
                # the module's own parameters and buffers (a learned position table, a registered buffer)
                for store in ("_parameters", "_buffers"):
                    for name, v in safety.dict_items(safety.sub_dict(d, store), MAX_ITEMS_PER_CONTAINER):
                        if type(name) is str and tf.is_tensor(v):
                            self.add(f"{expr}.{name}", v, depth + 1)
            return
        kind = tf.object_kind(value) if len(self.objects) < MAX_ITEMS_PER_CONTAINER else None
        if kind is not None:
            limit = safety.dict_get(_dict_of(value) or {}, "model_max_length") if kind[0] == "tokenizer" else None
            self.objects.append(ObjectFacts(expr=expr, kind=kind[0], cls=kind[1], frame=self.index, file=kind[2],
                                            max_length=limit if type(limit) is int else None))
            if kind[0] in ("tokenizer", "config", "collator"):
                return
        items = _mapping_items(value)
        if items is not None:
            for k, v in safety.dict_items(items, MAX_ITEMS_PER_CONTAINER):
                if safety.showable_key(k):
                    self.add(f'{expr}["{k}"]', v, depth + 1)
            return
        if type(value) is list or type(value) is tuple:
            seq: Any = value
            for i, v in enumerate(seq[:8]):
                if tf.is_tensor(v) or _mapping_items(v) is not None:
                    self.add(f"{expr}[{i}]", v, depth + 1)
            return
        fields = _named_fields(value)
        if fields:  # a namedtuple's items under their field names (`batch.start`), read as a plain tuple's
            for i, name in enumerate(fields[:MAX_ITEMS_PER_CONTAINER]):
                v = tuple.__getitem__(value, i)  # type: ignore[call-overload]
                if tf.is_tensor(v) or _mapping_items(v) is not None:
                    self.add(f"{expr}.{name}", v, depth + 1)
            return
        if depth == 0 and not safety.is_subclass(value, (type, types.ModuleType, types.FunctionType)):
            d = _dict_of(value)
            if d:
                for name, v in safety.dict_items(d, MAX_ITEMS_PER_CONTAINER * 2):
                    if type(name) is str and name.isidentifier() and not name.startswith("__") and (
                            tf.is_tensor(v) or _mapping_items(v) is not None or tf.is_module(v)
                            or tf.object_kind(v) is not None):
                        self.add(f"{expr}.{name}", v, depth + 1)


    def _add_items(self, container: object, expr: str) -> None:
        """The modules a ModuleList / ModuleDict / Sequential holds, under `expr.<key>`."""
        inner = safety.sub_dict(_dict_of(container) or {}, "_modules")
        for key, item in safety.dict_items(inner, MAX_ITEMS_PER_CONTAINER):
            if item is not None and type(key) is str:
                im = tf.module_facts(item, f"{expr}.{key}", self.index)
                if im is not None:
                    self.modules.append(im)


_CONTAINERS = frozenset({"ModuleList", "ModuleDict", "Sequential"})


def _scalar(name: str, value: object) -> Scalar:
    """The value of a plain local worth reporting (int, float, bool, a short non-secret str, a torch.device);
    None for anything else, and for every value whose name marks a secret (`api_key`, `password`, a string
    `hf_token`) or whose text looks like a credential."""
    t = type(value)
    if t is int or t is float or t is bool:
        return None if safety.is_secret_name(name, value) else value  # type: ignore[return-value]
    if t is str:
        return value if safety.showable_string(name, value) else None  # type: ignore[return-value,arg-type]
    torch = sys.modules.get("torch")
    if torch is not None and t is getattr(torch, "device", None):
        return str(value)
    return None


def _length(value: object) -> int | None:
    """len() of an exact list, tuple or dict, or of the standard library's `defaultdict`, `OrderedDict`, `Counter`
    and `deque` (their len runs no user code); None for anything else, a subclass included.  Types are compared
    with `is`: `in` would call a metaclass's `__eq__`."""
    t = type(value)
    if t is list or t is tuple or t is dict or t is collections.defaultdict or t is collections.OrderedDict \
            or t is collections.Counter or t is collections.deque:
        return len(value)  # type: ignore[arg-type]
    return None


def _call_args(node: ast.Call, text: str, callee_params: tuple[str, ...]) -> tuple[CallArg, ...]:
    params = list(callee_params)
    if params and params[0] in ("self", "cls"):
        params = params[1:]
    out: list[CallArg] = []
    for i, a in enumerate(node.args):
        seg = src.segment_text(text, a) or ast.unparse(a)
        out.append(CallArg(param=params[i] if i < len(params) and not isinstance(a, ast.Starred) else None,
                           text=seg, position=i))
    for kw in node.keywords:
        seg = src.segment_text(text, kw.value) or ast.unparse(kw.value)
        out.append(CallArg(param=kw.arg, text=seg if kw.arg else "**" + seg))
    return tuple(out)


def _called_name(node: ast.Call) -> str | None:
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None


def _node_text(ex: Any, node: ast.AST) -> tuple[str, tuple[int, int]] | None:
    try:
        text = ex.source.text
        seg = src.segment_text(text, node)
        if seg is None:
            return None
        return seg, (node.lineno, getattr(node, "end_lineno", node.lineno) or node.lineno)
    except Exception:
        return None


def _locate(tb: types.TracebackType) -> tuple[Any, ast.AST | None]:
    import executing  # lazy: only once an exception is being explained

    # executing reads the file through linecache with the frame's globals, which for a file that is not on
    # disk calls the module's loader (user code): only files.py's trusted, parsable sources go to it
    if not files.parsable(tb.tb_frame.f_code.co_filename):
        return None, None
    try:
        ex = executing.Source.executing(tb)
        return ex, ex.node
    except Exception:
        return None, None


def _bound_not_read(stmt: ast.AST) -> frozenset[str]:
    """The plain names the executing statement assigns and does not read (`out` of `out = model(**batch)`): the
    statement has not finished, so what they hold is an earlier pass's value, not part of the failing step."""
    if not isinstance(stmt, (ast.Assign, ast.AnnAssign)) or stmt.value is None:
        return frozenset()
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    bound = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    read = {n.id for n in ast.walk(stmt.value) if isinstance(n, ast.Name)}
    read |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return frozenset(bound - read)


def _frame_facts(i: int, tb: types.TracebackType, library: bool, deep: bool,
                 next_code: types.CodeType | None, next_codes: list[types.CodeType],
                 arrays: bool = False, devices: bool = False) -> FrameFacts:
    frame = tb.tb_frame
    code = frame.f_code
    lineno = tb.tb_lineno
    source = files.line(code.co_filename, lineno)
    node_text = statement = None
    node_lines = statement_lines = None
    call_args: tuple[CallArg, ...] = ()
    stale: frozenset[str] = frozenset()
    if deep and not library:
        ex, node = _locate(tb)
        if ex is not None:
            if node is not None:
                nt = _node_text(ex, node)
                if nt:
                    node_text, node_lines = nt
                if isinstance(node, ast.Call):
                    name = _called_name(node)
                    callee = None
                    for c in next_codes:
                        if c.co_name == name or (c.co_name == "forward"
                                                 and not c.co_filename.endswith("module.py")):
                            callee = c
                            break
                    if callee is None and next_code is not None:
                        callee = next_code
                    params = callee.co_varnames[:callee.co_argcount + callee.co_kwonlyargcount] if callee else ()
                    call_args = _call_args(node, ex.source.text, tuple(params))
            try:
                stmts = list(ex.statements)
                if stmts:
                    st = _node_text(ex, stmts[0])
                    if st:
                        statement, statement_lines = st
                    stale = _bound_not_read(stmts[0])
            except Exception:
                pass
    col = _Collector(i, arrays, split=devices and not library)
    scalars: dict[str, Scalar] = {}
    lengths: dict[str, int] = {}
    self_class = None
    if deep:
        f_locals = safety.frame_locals(frame)
        for name, value in safety.dict_items_ends(f_locals, MAX_NAMES_PER_FRAME - MAX_LAST_NAMES, MAX_LAST_NAMES):
            if type(name) is not str or name in stale:
                continue
            col.add(name, value)
            s = _scalar(name, value)
            if s is not None:
                scalars[name] = s
            n = _length(value)
            if n is not None:
                lengths[name] = n
        if safety.dict_has(f_locals, "self"):
            self_class = safety.type_name(safety.dict_get(f_locals, "self"))
            scalars.update(_hparams(safety.dict_get(f_locals, "self")))
        g = safety.frame_globals(frame)
        if not library and g is not None:
            for name in code.co_names[:MAX_NAMES_PER_FRAME]:
                safety.check_deadline()
                if safety.dict_has(g, name) and not safety.dict_has(f_locals, name):
                    value = safety.dict_get(g, name)
                    s = _scalar(name, value)
                    n = _length(value)
                    if n is not None:
                        lengths[name] = n
                    if s is not None:
                        scalars[name] = s
                    elif tf.is_tensor(value) or tf.is_module(value) or tf.object_kind(value) is not None:
                        col.add(name, value)
    return FrameFacts(index=i, file=code.co_filename, line=lineno, function=code.co_name, library=library,
                      source=source.rstrip("\n"), node=node_text, node_lines=node_lines, statement=statement,
                      statement_lines=statement_lines, call_args=call_args,
                      params=tuple(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]),
                      tensors=tuple(col.tensors), modules=tuple(col.modules), scalars=scalars,
                      self_class=self_class, objects=tuple(col.objects), lengths=lengths)


def _name_modules(frames: list[FrameFacts], tbs: list[types.TracebackType]) -> list[FrameFacts]:
    """Give each library `self` module the attribute name it has in an outer frame's module."""
    selves: list[tuple[int, object]] = []
    for i, tb in enumerate(tbs):
        safety.check_deadline()
        s = safety.dict_get(safety.frame_locals(tb.tb_frame), "self")
        if s is not None and tf.is_module(s):
            selves.append((i, s))
    out = list(frames)
    for k, (i, mod) in enumerate(selves):
        for j, parent in reversed(selves[:k]):
            name = tf.child_name(parent, mod)
            if name:
                f = out[i]
                mods = tuple(
                    replace(m, attrs={**m.attrs, "name": name}) if m.expr == "self" else m
                    for m in f.modules)
                out[i] = replace(f, modules=mods)
                break
    return out


def capture(exc: BaseException, tb: types.TracebackType | None = None,
            facts: tuple[ExceptionFacts, tuple[ExceptionFacts, ...]] | None = None) -> Report:
    """Build the Report for `exc` (with traceback `tb`, default its own).  `facts`: what
    `exceptions.read_exception` already read of it (so its `__str__` is not called again).  Frames are only
    borrowed: nothing live is kept in the result."""
    top, links = facts if facts is not None else read_exception(exc, tb)
    chain_facts = list(links)
    notes: list[str] = []
    worker = worker_exception(top)
    if worker is not None:
        chain_facts.insert(0, worker)
        notes.append("The error happened in a DataLoader worker process: only its traceback text survived, "
                      "so the live tensors of the failing frame were not available. Re-run with "
                      "num_workers=0 to get them.")
    compiled = next((c for c in (_compiled_user_line(f.message[:MAX_SCANNED_MESSAGE])
                                 for f in [top, *chain_facts]) if c), None)
    if compiled:
        notes.append(f"Raised while torch.compile traced {compiled} with fake tensors; the same mistake fails "
                     "without torch.compile too (run uncompiled, or with torch.compiler.set_stance(\"force_eager\"), "
                     "to see it in place).")
    tbs = list(_entries(tb if tb is not None else _TRACEBACK(exc)))
    arrays = any(m in top.message[:MAX_SCANNED_MESSAGE] for m in tf.NUMPY_MESSAGES)
    devices = "device" in top.message[:MAX_SCANNED_MESSAGE]
    hidden = set()
    for i, tb in enumerate(tbs):
        safety.check_deadline()
        try:
            hide = safety.dict_get(safety.frame_locals(tb.tb_frame), "__tracebackhide__")
            if hide is True or (type(hide) is int and hide != 0):
                hidden.add(i)
        except Exception:
            pass
    library = [is_library_file(tb.tb_frame.f_code.co_filename) for tb in tbs]
    user_idx = [i for i, lib in enumerate(library) if not lib and i not in hidden]
    last_user = user_idx[-1] if user_idx else None
    deep_set = set(user_idx[-MAX_USER_FRAMES:])
    start = (last_user + 1) if last_user is not None else 0
    lib_after = [i for i in range(start, len(tbs))]
    deep_set.update(lib_after[-MAX_LIBRARY_FRAMES:])
    # the outermost model forward a library loop called (Trainer, Lightning): the batch as the model got it
    entry = next((i for i in lib_after if tbs[i].tb_frame.f_code.co_name == "forward"), None)
    if entry is not None and last_user is not None:
        deep_set.add(entry)
    frames: list[FrameFacts] = []
    codes = [tb.tb_frame.f_code for tb in tbs]
    for i, tb in enumerate(tbs):
        if i in hidden:
            continue
        nxt = codes[i + 1] if i + 1 < len(codes) else None
        safety.check_deadline()
        try:
            frames.append(_frame_facts(len(frames), tb, library[i], i in deep_set, nxt, codes[i + 1:i + 8],
                                       arrays, devices))
        except Exception:
            if os.environ.get("EXPLAINERR_DEBUG", "") not in ("", "0"):
                raise
            code = tb.tb_frame.f_code
            frames.append(FrameFacts(index=len(frames), file=code.co_filename, line=tb.tb_lineno,
                                     function=code.co_name, library=library[i]))
    kept = [tb for i, tb in enumerate(tbs) if i not in hidden]
    frames = _name_modules(frames, kept)
    user_frame = None
    for f in reversed(frames):
        if not f.library:
            user_frame = f.index
            break
    if user_frame is not None:
        f = frames[user_frame]
        if files.lines(f.file) and not files.parsable(f.file):
            notes.append(files.too_large_note(f.file, os.path.basename(f.file)))
    del tbs, kept
    return Report(exception=top, chain=tuple(chain_facts), frames=tuple(frames), user_frame=user_frame,
                  notes=tuple(notes))
