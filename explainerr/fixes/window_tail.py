"""Windows started up to the very end of a sequence: the Dataset stores starts from `range(0, len(p), stride)`
and `__getitem__` cuts `p[start:start + self.window]`, so the last starts give windows shorter than the window
and the default collate cannot stack them.  The starts stop where a whole window still fits:
`range(0, len(p) - self.window + 1, stride)`."""
from __future__ import annotations

import ast

from .. import files
from .. import source as src
from ..analyzers import fact
from ..model import Edit

WINDOW_TAIL = fact("window-tail", "the Dataset's starts (`starts_range`, line `starts_line`) run to the end of "
                                  "each sequence while `__getitem__` cuts `window_cut` from them: the last windows "
                                  "are shorter")


def _cut_window(get: ast.FunctionDef) -> tuple[str, str] | None:
    """(the start's name, the window's width as written) of `x[start:start + width]` in `__getitem__`."""
    for sub in src.nodes(get, ast.Subscript):
        sl = sub.slice
        if isinstance(sl, ast.Slice) and isinstance(sl.lower, ast.Name) and isinstance(sl.upper, ast.BinOp) \
                and isinstance(sl.upper.op, ast.Add) and isinstance(sl.upper.left, ast.Name) \
                and sl.upper.left.id == sl.lower.id and sl.step is None:
            return sl.lower.id, ast.unparse(sl.upper.right)
    return None


def full_windows_only(f, file: str, cls: ast.ClassDef) -> list[Edit]:
    """`range(0, len(p), self.stride)` → `range(0, len(p) - self.window + 1, self.stride)` in the class whose
    `__getitem__` cuts `p[start:start + self.window]`, when exactly one `for <start> in range(...)` of the class
    (a loop or a comprehension) stores the starts and its stop is a `len(...)`."""
    get = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__getitem__"), None)
    cut = _cut_window(get) if get is not None else None
    if cut is None:
        return []
    start, width = cut
    tree = src.tree_of(file)
    defs = {t.id for n in (tree.body if tree is not None else []) if isinstance(n, ast.Assign)
            for t in n.targets if isinstance(t, ast.Name)}
    if not set(src.names_in(ast.parse(width, mode="eval"))) <= defs | {"self"}:
        return []  # a width named only inside `__getitem__` is not bound where the starts are made
    loops = [n for n in src.nodes(cls, ast.For, ast.comprehension) if isinstance(n.target, ast.Name)
             and n.target.id == start and isinstance(n.iter, ast.Call) and src.call_name(n.iter) == "range"
             and len(n.iter.args) >= 2 and isinstance(n.iter.args[1], ast.Call)
             and src.call_name(n.iter.args[1]) == "len"]  # `for start in range(...)`, `[... for start in range(...)]`
    if len(loops) != 1:
        return []
    loop = loops[0]
    stop = loop.iter.args[1]
    header, was = src.segment(file, loop.iter), src.segment(file, stop)
    starts_fixed = header.replace(was, f"{was} - {width} + 1", 1)
    lineno = loop.iter.lineno
    line = files.line(file, lineno)
    if header not in line:  # a range written over several lines: left to the words
        return []
    f.facts.add(WINDOW_TAIL)
    f.values.update(starts_range=header, starts_line=lineno, window_cut=f"[{start}:{start} + {width}]",
                    starts_fixed=starts_fixed)
    return [Edit(file=file, start_line=lineno, end_line=lineno,
                 replacement=line.rstrip("\n").replace(header, starts_fixed, 1))]
