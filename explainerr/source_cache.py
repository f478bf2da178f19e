"""Each user file's current reading, made once per version of the file: its text (one string object), its AST
(the one `executing` built for the same text, else parsed here) and answers computed from the whole text (a
scan of every line).  A version is linecache's list of the file's lines: a new reading of the file (after
linecache.checkcache saw it change) is a new version.  Files come through files.py: trusted sources, small
enough to parse; for others every answer is empty.
"""
from __future__ import annotations

import ast
from functools import lru_cache
from typing import Callable, TypeVar

from . import files

T = TypeVar("T")


@lru_cache(maxsize=64)
def _parse(file: str, text: str) -> ast.Module | None:
    try:
        return ast.parse(text, filename=file)
    except (SyntaxError, ValueError):
        return None


class _Version:
    """What is known of one version of a file: linecache's list of its lines (held, so that a new reading of the
    file is a new list), its text (one string object, so that caches keyed by it hash it once) and its AST."""

    __slots__ = ("lines", "text", "tree", "memo")

    def __init__(self, lines: list[str], text: str) -> None:
        self.lines, self.text = lines, text
        self.tree: ast.Module | None | bool = False  # False: not looked up yet
        self.memo: dict[object, object] = {}


_versions: dict[str, _Version] = {}


def _version(file: str) -> _Version | None:
    """The file's current version when it may be parsed (files.py: a trusted source, not too large)."""
    if not files.parsable(file):
        return None
    found = files.lines(file)
    known = _versions.get(file)
    if known is None or known.lines is not found:
        if len(_versions) >= 64:
            _versions.pop(next(iter(_versions)))
        known = _versions[file] = _Version(found, "".join(found))
    return known


def text_of(file: str) -> str:
    """The file's text when it may be parsed (files.py: a trusted source, not too large), else "".  The same
    string object for as long as linecache holds the same reading of the file."""
    v = _version(file)
    return v.text if v is not None else ""


def tree_of(file: str) -> ast.Module | None:
    """The file's AST: the one `executing` built for the same text (a second full tree of a long file costs
    ~10 MB), else parsed here; looked up once per reading of the file."""
    v = _version(file)
    if v is None:
        return None
    if v.tree is False:
        v.tree = _executing_tree(file, v.text)
        if v.tree is None:
            v.tree = _parse(file, v.text)
    return v.tree  # type: ignore[return-value]


def _executing_tree(file: str, text: str) -> ast.Module | None:
    try:
        import executing
        known = executing.Source.for_filename(file)
        if known.tree is not None and known.text == text:
            return known.tree  # type: ignore[no-any-return]
    except Exception:
        pass
    return None


def per_version(file: str, key: object, compute: Callable[[str], T]) -> T | None:
    """`compute(text)` of the file's current text, computed once per reading of the file (None when the file
    may not be parsed): for questions asked of a whole file, such as a scan of every line."""
    v = _version(file)
    if v is None:
        return None
    if key not in v.memo:
        v.memo[key] = compute(v.text)
    return v.memo[key]  # type: ignore[return-value]
