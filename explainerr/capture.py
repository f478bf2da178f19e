"""Turns a live exception into a Report of plain data, then lets go of every frame.

It walks the exception chain with a seen-set, marks each traceback entry as user or library code, finds the
executing expression of user frames (and of the frame that raised) with `executing`, and collects tensor
and module facts from the frames that matter: every user frame (the last ones first, bounded) and the
library frames after the last user frame, where torch or transformers raised.  Values are read through
tensors.py only; no user code runs here (dicts and instance `__dict__`s are read directly, never through
`__getattr__`, properties or `__repr__`).
"""
from __future__ import annotations

import ast
import os
import re
import sys
import sysconfig
import types
from dataclasses import replace
from typing import Any, Iterator

from . import tensors as tf
from .model import CallArg, ExceptionFacts, FrameFacts, ModuleFacts, Report, Scalar, TensorFacts

#: Bounds that keep capture flat on deep stacks and huge scopes.
MAX_USER_FRAMES = 12
MAX_LIBRARY_FRAMES = 16
MAX_NAMES_PER_FRAME = 400
MAX_ITEMS_PER_CONTAINER = 24
MAX_SOURCE_LINES = 20_000

_LIB_DIRS = tuple({os.path.realpath(p) + os.sep for k, p in sysconfig.get_paths().items()
                   if k in ("stdlib", "platstdlib", "purelib", "platlib") and p})
_OWN_DIR = os.path.dirname(os.path.realpath(__file__)) + os.sep
_LIBRARY_MODULES = ("torch", "transformers", "explainerr", "runpy", "IPython", "ipykernel", "tokenizers",
                    "accelerate", "datasets", "numpy", "_pytest", "pytest", "pluggy", "importlib", "threading")
_WORKER_RE = re.compile(r"Caught (\w+) in DataLoader worker process (\d+)\.\s*Original Traceback")


def is_library_file(filename: str, module: str | None = None) -> bool:
    """True for code the user did not write: the stdlib, site-packages, frozen modules and explainerr."""
    if module and module.split(".", 1)[0] in _LIBRARY_MODULES:
        return True
    if not filename or filename.startswith("<frozen") or filename.startswith("<string"):
        return filename.startswith("<frozen")
    if filename.startswith("<"):
        return False  # notebook cells, exec of user code
    real = os.path.realpath(filename)
    if real.startswith(_OWN_DIR):
        return True
    return any(real.startswith(d) for d in _LIB_DIRS) or "site-packages" + os.sep in real


def exception_chain(exc: BaseException) -> list[BaseException]:
    """exc, then its causes and contexts, each once (cycles such as `raise e from e` are cut)."""
    out: list[BaseException] = []
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen and len(out) < 20:
        seen.add(id(cur))
        out.append(cur)
        cur = cur.__cause__ if cur.__cause__ is not None else (
            None if cur.__suppress_context__ else cur.__context__)
    return out


def safe_text(obj: object, limit: int = 2000) -> str:
    """str() of an exception, never raising; user-defined __str__ is only trusted on exception objects."""
    try:
        text = str(obj)
    except Exception:
        text = f"<unprintable {type(obj).__name__}>"
    return text if len(text) <= limit else text[:limit] + "…"


def exception_facts(exc: BaseException) -> ExceptionFacts:
    mro = tuple(c.__name__ for c in type(exc).__mro__)
    return ExceptionFacts(type=type(exc).__name__, message=safe_text(exc), mro=mro)


def worker_exception(facts: ExceptionFacts) -> ExceptionFacts | None:
    """The original error embedded in a DataLoader worker's re-raised message, if there is one."""
    m = _WORKER_RE.search(facts.message)
    if not m:
        return None
    lines = [ln for ln in facts.message.splitlines() if ln.strip()]
    last = lines[-1] if lines else ""
    typ, _, msg = last.partition(": ")
    return ExceptionFacts(type=typ.strip() or m.group(1), message=msg.strip(), mro=facts.mro)


def _entries(tb: types.TracebackType | None) -> Iterator[types.TracebackType]:
    while tb is not None:
        yield tb
        tb = tb.tb_next


def _dict_of(obj: object) -> dict[str, Any] | None:
    try:
        d = object.__getattribute__(obj, "__dict__")
    except Exception:
        return None
    return d if type(d) is dict else None


def _mapping_items(value: object) -> dict[Any, Any] | None:
    """The items of a dict or a UserDict-style container (BatchEncoding), read without calling its methods."""
    if isinstance(value, dict):
        return value
    d = _dict_of(value)
    if d is not None and type(d.get("data")) is dict:
        return d["data"]
    return None


class _Collector:
    """Gathers tensor/module facts of one frame under readable expressions."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.tensors: list[TensorFacts] = []
        self.modules: list[ModuleFacts] = []
        self.seen: set[tuple[int, str]] = set()

    def add(self, expr: str, value: object, depth: int = 0) -> None:
        if len(self.tensors) > 200:
            return
        t = tf.tensor_facts(value, expr, self.index)
        if t is not None:
            self.tensors.append(t)
            return
        if (id(value), expr) in self.seen or depth > 1:
            return
        self.seen.add((id(value), expr))
        if tf.is_module(value):
            m = tf.module_facts(value, expr, self.index)
            if m is not None:
                self.modules.append(m)
            if depth == 0:
                d = _dict_of(value) or {}
                for name, child in list((d.get("_modules") or {}).items())[:MAX_ITEMS_PER_CONTAINER]:
                    if child is not None:
                        cm = tf.module_facts(child, f"{expr}.{name}", self.index)
                        if cm is not None:
                            self.modules.append(cm)
                for name, v in list(d.items())[:MAX_ITEMS_PER_CONTAINER * 4]:
                    if not name.startswith("_") and tf.is_tensor(v):
                        self.add(f"{expr}.{name}", v, depth + 1)
            return
        items = _mapping_items(value)
        if items is not None:
            for k, v in list(items.items())[:MAX_ITEMS_PER_CONTAINER]:
                if type(k) is str:
                    self.add(f'{expr}["{k}"]', v, depth + 1)
            return
        if type(value) in (list, tuple):
            seq: Any = value
            for i, v in enumerate(seq[:8]):
                if tf.is_tensor(v) or _mapping_items(v) is not None:
                    self.add(f"{expr}[{i}]", v, depth + 1)
            return
        if depth == 0 and not isinstance(value, (type, types.ModuleType, types.FunctionType)):
            d = _dict_of(value)
            if d:
                for name, v in list(d.items())[:MAX_ITEMS_PER_CONTAINER * 2]:
                    if type(name) is str and not name.startswith("__") and (
                            tf.is_tensor(v) or _mapping_items(v) is not None or tf.is_module(v)):
                        self.add(f"{expr}.{name}", v, depth + 1)


def _scalar(value: object) -> Scalar:
    t = type(value)
    if t in (int, float, bool):
        return value  # type: ignore[return-value]
    if t is str and len(value) <= 40:  # type: ignore[arg-type]
        return value  # type: ignore[return-value]
    torch = sys.modules.get("torch")
    if torch is not None and t is getattr(torch, "device", None):
        return str(value)
    return None


def _call_args(node: ast.Call, text: str, callee_params: tuple[str, ...]) -> tuple[CallArg, ...]:
    params = list(callee_params)
    if params and params[0] in ("self", "cls"):
        params = params[1:]
    out: list[CallArg] = []
    for i, a in enumerate(node.args):
        seg = ast.get_source_segment(text, a) or ast.unparse(a)
        out.append(CallArg(param=params[i] if i < len(params) and not isinstance(a, ast.Starred) else None,
                           text=seg, position=i))
    for kw in node.keywords:
        seg = ast.get_source_segment(text, kw.value) or ast.unparse(kw.value)
        out.append(CallArg(param=kw.arg, text=seg if kw.arg else "**" + seg))
    return tuple(out)


def _called_name(node: ast.Call) -> str | None:
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None


def _node_text(ex: Any, node: ast.AST) -> tuple[str, tuple[int, int]] | None:
    try:
        text = ex.source.text
        seg = ast.get_source_segment(text, node)
        if seg is None:
            return None
        return seg, (node.lineno, getattr(node, "end_lineno", node.lineno) or node.lineno)
    except Exception:
        return None


def _locate(tb: types.TracebackType) -> tuple[Any, ast.AST | None]:
    import executing  # lazy: only once an exception is being explained

    code = tb.tb_frame.f_code
    try:
        import linecache
        if len(linecache.getlines(code.co_filename)) > MAX_SOURCE_LINES:
            return None, None
    except Exception:
        pass
    try:
        ex = executing.Source.executing(tb)
        return ex, ex.node
    except Exception:
        return None, None


def _frame_facts(i: int, tb: types.TracebackType, library: bool, deep: bool,
                 next_code: types.CodeType | None, next_codes: list[types.CodeType]) -> FrameFacts:
    frame = tb.tb_frame
    code = frame.f_code
    lineno = tb.tb_lineno
    import linecache
    source = linecache.getline(code.co_filename, lineno)
    node_text = statement = None
    node_lines = statement_lines = None
    call_args: tuple[CallArg, ...] = ()
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
            except Exception:
                pass
    col = _Collector(i)
    scalars: dict[str, Scalar] = {}
    self_class = None
    if deep:
        f_locals = frame.f_locals
        for name, value in list(f_locals.items())[:MAX_NAMES_PER_FRAME]:
            col.add(name, value)
            s = _scalar(value)
            if s is not None:
                scalars[name] = s
        if "self" in f_locals:
            self_class = type(f_locals["self"]).__name__
        if not library:
            g = frame.f_globals
            for name in code.co_names[:MAX_NAMES_PER_FRAME]:
                if name in g and name not in f_locals:
                    s = _scalar(g[name])
                    if s is not None:
                        scalars[name] = s
                    elif tf.is_tensor(g[name]) or tf.is_module(g[name]):
                        col.add(name, g[name])
    return FrameFacts(index=i, file=code.co_filename, line=lineno, function=code.co_name, library=library,
                      source=source.rstrip("\n"), node=node_text, node_lines=node_lines, statement=statement,
                      statement_lines=statement_lines, call_args=call_args,
                      params=tuple(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]),
                      tensors=tuple(col.tensors), modules=tuple(col.modules), scalars=scalars,
                      self_class=self_class)


def _name_modules(frames: list[FrameFacts], tbs: list[types.TracebackType]) -> list[FrameFacts]:
    """Give each library `self` module the attribute name it has in an outer frame's module."""
    selves: list[tuple[int, object]] = []
    for i, tb in enumerate(tbs):
        s = tb.tb_frame.f_locals.get("self")
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


def capture(exc: BaseException, tb: types.TracebackType | None = None) -> Report:
    """Build the Report for `exc` (with traceback `tb`, default its own).  Frames are only borrowed:
    nothing live is kept in the result."""
    chain = exception_chain(exc)
    top = exception_facts(exc)
    chain_facts = [exception_facts(e) for e in chain[1:]]
    notes: list[str] = []
    worker = worker_exception(top)
    if worker is not None:
        chain_facts.insert(0, worker)
        notes.append("The error happened in a DataLoader worker process: only its traceback text survived, "
                      "so the live tensors of the failing frame were not available. Re-run with "
                      "num_workers=0 to get them.")
    tbs = list(_entries(tb if tb is not None else exc.__traceback__))
    hidden = set()
    for i, tb in enumerate(tbs):
        try:
            if tb.tb_frame.f_locals.get("__tracebackhide__"):
                hidden.add(i)
        except Exception:
            pass
    library = []
    for tb in tbs:
        code = tb.tb_frame.f_code
        mod = tb.tb_frame.f_globals.get("__name__")
        library.append(is_library_file(code.co_filename, mod if isinstance(mod, str) else None))
    user_idx = [i for i, lib in enumerate(library) if not lib and i not in hidden]
    last_user = user_idx[-1] if user_idx else None
    deep_set = set(user_idx[-MAX_USER_FRAMES:])
    start = (last_user + 1) if last_user is not None else 0
    lib_after = [i for i in range(start, len(tbs))]
    deep_set.update(lib_after[-MAX_LIBRARY_FRAMES:])
    frames: list[FrameFacts] = []
    codes = [tb.tb_frame.f_code for tb in tbs]
    for i, tb in enumerate(tbs):
        if i in hidden:
            continue
        nxt = codes[i + 1] if i + 1 < len(codes) else None
        try:
            frames.append(_frame_facts(len(frames), tb, library[i], i in deep_set, nxt, codes[i + 1:i + 8]))
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
    del tbs, kept
    return Report(exception=top, chain=tuple(chain_facts), frames=tuple(frames), user_frame=user_frame,
                  notes=tuple(notes))
