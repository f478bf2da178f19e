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


TILES_PAST_EDGE = fact("tiles-past-edge", "the loops `tile_loops` (line `tiles_line`) start tiles up to the edge of "
                                          "the array while the tiles are cut `tile_cut`: the last ones are shorter")


def _tile_loops(fn: ast.FunctionDef, file: str) -> list[tuple[ast.For, str]]:
    """`for r in range(0, h, stride)` loops of `fn` whose bodies cut `x[..., r:r + size, ...]`: each loop with
    the width of its cut, as written."""
    out = []
    for loop in src.nodes(fn, ast.For):
        it = loop.iter
        if not (isinstance(loop.target, ast.Name) and isinstance(it, ast.Call) and src.call_name(it) == "range"
                and len(it.args) == 3 and isinstance(it.args[0], ast.Constant) and it.args[0].value == 0
                and not isinstance(it.args[1], ast.BinOp)):
            continue
        widths = set()
        for sub in src.nodes(loop, ast.Subscript):
            if _grouped_list(fn, sub.value):
                continue  # `by_len[start:start + batch_size]`: a list of examples split into groups, not a sequence
            for sl in (sub.slice.elts if isinstance(sub.slice, ast.Tuple) else [sub.slice]):
                if isinstance(sl, ast.Slice) and isinstance(sl.lower, ast.Name) and sl.lower.id == loop.target.id \
                        and isinstance(sl.upper, ast.BinOp) and isinstance(sl.upper.op, ast.Add) \
                        and isinstance(sl.upper.left, ast.Name) and sl.upper.left.id == loop.target.id:
                    widths.add(src.segment(file, sl.upper.right))
        if len(widths) == 1:
            out.append((loop, widths.pop()))
    return out


def _grouped_list(fn: ast.FunctionDef, base: ast.AST) -> bool:
    """`base` is a list the function builds (`sorted(...)`, `list(...)`, a list display or comprehension): its
    slices are groups of items, whose last one is merely smaller, not cut windows of one sequence."""
    if not isinstance(base, ast.Name):
        return False
    made = [n.value for n in src.nodes(fn, ast.Assign) if any(isinstance(t, ast.Name) and t.id == base.id
                                                            for t in n.targets)]
    return any(isinstance(v, (ast.List, ast.ListComp)) or (isinstance(v, ast.Call) and src.call_name(v) in (
        "sorted", "list", "range")) for v in made)


def tiles_to_edge(f, files_of_user: list[str]) -> list[Edit]:
    """`range(0, h, stride)` → `range(0, h - size + 1, stride)` for the loops of the user's one function that
    starts tiles (or windows) up to the end of an axis and cuts `x[r:r + size]` from each start, every such loop
    of that function edited (rows and columns alike)."""
    found = []
    for file in files_of_user:
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            loops = _tile_loops(fn, file)
            if loops:
                found.append((file, fn, loops))
    if len(found) != 1:
        return []
    file, fn, loops = found[0]
    edits: list[Edit] = []
    for loop, width in loops:
        stop = loop.iter.args[1]
        was = src.segment(file, stop)
        edit = src.LineEditor.for_node(file, loop.iter).replace(stop, f"{was} - {width} + 1").edit()
        if edit is None:
            return []
        edits.append(edit)
    f.facts.add(TILES_PAST_EDGE)
    f.values.update(tile_loops=", ".join(f"`for {lp.target.id} in {src.segment(file, lp.iter)}`" for lp, _ in loops),
                    tiles_line=loops[0][0].lineno,
                    tile_cut=", ".join(f"`{lp.target.id}:{lp.target.id} + {w}`" for lp, w in loops),
                    tiles_fixed=", ".join(f"`range(0, {src.segment(file, lp.iter.args[1])} - {w} + 1, ...)`"
                                          for lp, w in loops))
    return edits
