"""What Python itself shows of an exception, read once, bounded, and without running user code.

`read_exception` turns an exception into ExceptionFacts for it and for every link of its chain (`raise ...
from`, implicit context): the class as Python names it, the message, the notes (`add_note`), SyntaxError's
location, and the traceback's entries as shallow FrameFacts (file, line, function, source line, the
position Python underlines).  Each exception's `__str__` is called exactly once, here; every later stage
(diagnosis, both renderers, the JSON report, and the Python-style fallback of pyformat.py) reads the text
kept here.  Attributes are read through the C-level descriptors of BaseException and SyntaxError and dicts
through safety.py, so no `__getattribute__`, property or `__eq__` of the user's runs.
"""
from __future__ import annotations

import builtins
import functools
import itertools
import os
import re
import types
from typing import Any

from . import files, safety
from .model import ExceptionFacts, FrameFacts

#: The user's message is kept whole up to this size.
MAX_MESSAGE_CHARS = 2_000_000
MAX_CHAIN = 20
MAX_NOTES = 50
#: Traceback entries read per exception (Python prints all of them; past this the middle ones are left out).
MAX_ENTRIES = 10_000

_CAUSE = BaseException.__dict__["__cause__"].__get__
_CONTEXT = BaseException.__dict__["__context__"].__get__
_SUPPRESS = BaseException.__dict__["__suppress_context__"].__get__
_TRACEBACK = BaseException.__dict__["__traceback__"].__get__
_SYNTAX_FIELDS = ("filename", "lineno", "offset", "text", "end_lineno", "end_offset", "msg")
_type_qualname = type.__dict__["__qualname__"].__get__
_type_module = type.__dict__["__module__"].__get__



@functools.lru_cache(maxsize=1)
def _library_dirs() -> tuple[str, ...]:
    """Where installed code lives on this machine: the standard library and every site-packages folder
    (found on first use, not when explainerr is imported)."""
    import sysconfig
    dirs = [p for k, p in sysconfig.get_paths().items() if k in ("stdlib", "platstdlib", "purelib", "platlib") and p]
    try:
        import site
        dirs += [*site.getsitepackages(), site.getusersitepackages()]
    except Exception:  # an embedded interpreter without a full site module
        pass
    return tuple({os.path.realpath(p) + os.sep for p in dirs if p})


_OWN_DIR = os.path.dirname(os.path.realpath(__file__)) + os.sep
#: A library path in a log from another machine: a site-packages or dist-packages folder, or a Python
#: installation's standard library (`/usr/lib/python3.10/`, `C:\Python311\Lib\`).
_FOREIGN_LIBRARY = re.compile(r"[/\\](?:site-packages|dist-packages)[/\\]|[/\\]lib[/\\]python\d+(?:\.\d+)?t?[/\\]"
                              r"|^[A-Za-z]:\\.*\\Lib\\")


def is_library_file(filename: str) -> bool:
    """True for code the user did not write, decided by where the file lives (never by a module's name, so a
    user's own `datasets.py` or `threading.py` is user code): the standard library, site-packages (here, or
    in a path logged on another machine), frozen modules and explainerr itself."""
    if not filename or filename.startswith("<frozen") or filename.startswith("<string"):
        return filename.startswith("<frozen")
    if filename.startswith("<"):
        return False  # notebook cells, exec of user code
    real = os.path.realpath(filename)
    if real.startswith(_OWN_DIR) or any(real.startswith(d) for d in _library_dirs()):
        return True
    return bool(_FOREIGN_LIBRARY.search(filename))


def exception_chain(exc: BaseException) -> list[BaseException]:
    """exc, then its causes and contexts, each once (cycles such as `raise e from e` are cut)."""
    return [e for e, _ in _links(exc)]


def _links(exc: BaseException) -> list[tuple[BaseException, str]]:
    """(exception, how it is linked to the one before it: "cause", "context" or "" for the first)."""
    out: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    cur: BaseException | None = exc
    relation = ""
    while cur is not None and id(cur) not in seen and len(out) < MAX_CHAIN:
        seen.add(id(cur))
        out.append((cur, relation))
        cause = _CAUSE(cur)  # BaseException's own slots: a hostile __getattribute__ is not consulted
        if cause is not None:
            cur, relation = cause, "cause"
        else:
            cur, relation = (None if _SUPPRESS(cur) else _CONTEXT(cur)), "context"
        if cur is not None and not safety.is_subclass(cur, BaseException):
            break
    return out


def safe_text(obj: object, limit: int = MAX_MESSAGE_CHARS) -> str:
    """str() of an exception, never raising; user-defined __str__ is only trusted on exception objects."""
    try:
        text = str(obj)
        if type(text) is not str:
            raise TypeError
    except BaseException:  # as Python's own traceback does: a failing __str__ is shown, never raised
        text = "<exception str() failed>"
    return text if len(text) <= limit else text[:limit] + "…"


def display_name(cls: type) -> str:
    """The class as Python's traceback names it: `ValueError`, `SlowError` (in __main__), `torch.OutOfMemoryError`."""
    try:
        name = str(_type_qualname(cls))
        module = _type_module(cls)
    except Exception:
        return safety.type_name(cls)
    if module in ("__main__", "builtins"):
        return name
    return f"{module if type(module) is str else '<unknown>'}.{name}"


def _notes(exc: BaseException) -> tuple[str, ...]:
    d = safety.instance_dict(exc)
    notes = safety.dict_get(d, "__notes__") if d is not None else None
    if type(notes) not in (list, tuple):
        return ()
    return tuple(n[:MAX_MESSAGE_CHARS] for n in itertools.islice(notes, MAX_NOTES) if type(n) is str)


def _syntax(exc: BaseException) -> tuple[Any, ...] | None:
    """SyntaxError's (filename, lineno, offset, text, end_lineno, end_offset, msg), plain values only."""
    if not safety.is_subclass(exc, SyntaxError):
        return None
    out: list[Any] = []
    for name in _SYNTAX_FIELDS:
        try:
            v = SyntaxError.__dict__[name].__get__(exc)
        except Exception:
            v = None
        out.append(v if type(v) in (str, int) else None)
    return tuple(out)


def _position(code: types.CodeType, lasti: int) -> tuple[Any, ...] | None:
    """(lineno, end_lineno, col, end_col) of the instruction at `lasti`: what Python underlines."""
    if lasti < 0 or not hasattr(code, "co_positions"):
        return None
    try:
        return tuple(next(itertools.islice(code.co_positions(), lasti // 2, None)))
    except (StopIteration, ValueError, TypeError):
        return None


def _entries(tb: types.TracebackType | None) -> list[types.TracebackType]:
    out = []
    while tb is not None:
        out.append(tb)
        tb = tb.tb_next
    if len(out) > MAX_ENTRIES:
        half = MAX_ENTRIES // 2
        out = out[:half] + out[-half:]
    return out


def shallow_frame(index: int, tb: types.TracebackType) -> FrameFacts:
    """One traceback entry as Python prints it (no values read)."""
    safety.check_deadline()
    code = tb.tb_frame.f_code
    file = code.co_filename if type(code.co_filename) is str else "<unknown>"
    lineno = tb.tb_lineno if type(tb.tb_lineno) is int else 0
    return FrameFacts(index=index, file=file, line=lineno, function=str(code.co_name),
                      library=is_library_file(file),
                      source=files.line(file, lineno).rstrip("\n"), position=_position(code, tb.tb_lasti))


def exception_facts(exc: BaseException, tb: types.TracebackType | None = None, relation: str = "",
                    with_frames: bool = True) -> ExceptionFacts:
    """`exc` as Python shows it; `tb` defaults to its own traceback."""
    try:
        mro = tuple(str(safety._type_name(c)) for c in safety._type_mro(type(exc)))
    except Exception:
        mro = ()
    frames: tuple[FrameFacts, ...] = ()
    if with_frames:
        tbs = _entries(tb if tb is not None else _TRACEBACK(exc))
        frames = tuple(shallow_frame(i, t) for i, t in enumerate(tbs))
    return ExceptionFacts(type=safety.type_name(exc), message=safe_text(exc), mro=mro,
                          display=display_name(type(exc)), notes=_notes(exc), relation=relation,
                          syntax=_syntax(exc), frames=frames)


def read_exception(exc: BaseException, tb: types.TracebackType | None = None) -> tuple[
        ExceptionFacts, tuple[ExceptionFacts, ...]]:
    """The exception (with traceback `tb`, default its own) and its chain, newest first."""
    links = _links(exc)
    top = exception_facts(exc, tb)
    chain = tuple(exception_facts(e, relation=rel) for e, rel in links[1:])
    return top, chain


_GROUP: type | None = getattr(builtins, "BaseExceptionGroup", None)  # Python 3.11+


def is_group(exc: BaseException) -> bool:
    return _GROUP is not None and safety.is_subclass(exc, _GROUP)


def has_group(exc: BaseException) -> bool:
    """Whether exc or a link of its chain is an exception group (Python prints those as boxes)."""
    return any(is_group(e) for e in exception_chain(exc))
