"""How explainerr reads the user's source files: which sources it trusts, and how much of them.

A file's lines come from disk (through `linecache`, which keeps them for later stages) or from a source
registered whole in `linecache` (IPython and Jupyter cells).  They never come through a module's
`__loader__.get_source` (code served from a database or an encrypted bundle is user code) nor from a
namesake file found on `sys.path`, which is what `linecache` falls back to for a file that is not on disk.

Bounds: a file is read whole up to `MAX_READ_BYTES`, and parsed (AST, `executing`) up to
`MAX_PARSED_BYTES`: a syntax tree costs 50 to 250 times the size of its text in memory and about a second per
megabyte to build, and no parse can be interrupted by the analysis deadline.
"""
from __future__ import annotations

import linecache
import os
import stat

MAX_READ_BYTES = 8 << 20
MAX_PARSED_BYTES = 256_000

_sizes: dict[tuple[str, int], int] = {}


def lines(file: str) -> list[str]:
    """The lines of `file` (each ending in a newline), or [] when no trusted source is available.
    The list is linecache's own: read it, never change it."""
    if type(file) is not str or not file:
        return []
    entry = linecache.cache.get(file)
    if type(entry) is tuple and len(entry) == 4 and type(entry[2]) is list:
        return entry[2]  # read whole already: a file, or a notebook cell registered by IPython
    if file.startswith("<") and file.endswith(">"):
        return []
    try:
        st = os.stat(file)
    except (OSError, ValueError):
        return []
    if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_READ_BYTES:
        return []
    try:
        return linecache.getlines(file)
    except (OSError, MemoryError, ValueError):
        return []


def line(file: str, lineno: int | None) -> str:
    """Line `lineno` (1-based) of `file`, with its newline; "" when unknown."""
    found = lines(file)
    if type(lineno) is int and 1 <= lineno <= len(found):
        return found[lineno - 1]
    return ""


def size(file: str) -> int:
    """The size of `file`'s text in characters (0 when it cannot be read)."""
    found = lines(file)
    key = (file, id(found))
    if key not in _sizes:
        if len(_sizes) > 256:
            _sizes.clear()
        _sizes[key] = sum(map(len, found))
    return _sizes[key]


def parsable(file: str) -> bool:
    """Whether `file` may be parsed: readable, and no larger than MAX_PARSED_BYTES."""
    return 0 < size(file) <= MAX_PARSED_BYTES


def too_large_note(file: str, shown: str) -> str:
    return (f"{shown} is {size(file) // 1000} kB: explainerr parses source files up to "
            f"{MAX_PARSED_BYTES // 1000} kB, so its code was not analysed (the values in its frames were).")
