"""Reads the user's source files as text and AST: scopes, loops, assignments, calls, and line edits.

Used by the analyzers (to name where a value came from) and by fix.py (to locate and rewrite the line that
must change).  Works from files only (read through files.py, so notebook cells work too, and only files small
enough to parse), never from live frames.
"""
from __future__ import annotations

import ast
import bisect
import io
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Iterator, TypeVar

from . import files
from .model import Edit

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


@lru_cache(maxsize=32)
def _lines(text: str) -> list[str]:
    return io.StringIO(text, newline="").readlines()  # the split ast.get_source_segment uses


def segment_text(text: str, node: ast.AST) -> str | None:
    """ast.get_source_segment without re-splitting the whole text on every call (it loops over the file
    in Python each time; explanations ask for dozens of segments)."""
    end_line, end_col = getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None)
    if end_line is None or end_col is None or not hasattr(node, "lineno"):
        return None
    lines = _lines(text)
    first, last, col = node.lineno - 1, end_line - 1, node.col_offset  # type: ignore[attr-defined]
    if last >= len(lines):
        return None
    if first == last:
        return lines[first].encode()[col:end_col].decode()
    return "".join([lines[first].encode()[col:].decode(), *lines[first + 1:last],
                    lines[last].encode()[:end_col].decode()])


def segment(file: str, node: ast.AST) -> str:
    return segment_text(text_of(file), node) or ast.unparse(node)


def _start(n: ast.AST) -> int:
    return min([n.lineno, *(d.lineno for d in getattr(n, "decorator_list", ()))])  # type: ignore[attr-defined]


def top_statement(tree: ast.Module, line: int) -> ast.stmt | None:
    """The top-level statement that can hold `line` (the last one starting at or before it), by bisection."""
    starts = tree.__dict__.get("_explainerr_starts")
    if starts is None:
        starts = tree.__dict__["_explainerr_starts"] = [_start(n) for n in tree.body]
    i = bisect.bisect_right(starts, line) - 1
    return tree.body[i] if i >= 0 else None


def path_to(tree: ast.AST, line: int) -> list[ast.AST]:
    """The nodes whose lines contain `line`, outermost first: a walk that never enters unrelated code.
    In a module, the one top-level statement that can hold the line is found by bisection (a long script
    has thousands of them), and results are kept on the tree per line."""
    memo = tree.__dict__.setdefault("_explainerr_paths", {})
    if line in memo:
        return list(memo[line])
    out: list[ast.AST] = []
    level = list(ast.iter_child_nodes(tree))
    if isinstance(tree, ast.Module) and tree.body:
        top = top_statement(tree, line)
        level = [top] if top is not None else []
    while level:
        nxt: list[ast.AST] = []
        for n in level:
            if not hasattr(n, "lineno"):
                nxt.extend(ast.iter_child_nodes(n))
            elif _start(n) <= line <= (getattr(n, "end_lineno", None) or n.lineno):  # type: ignore[attr-defined]
                out.append(n)
                nxt.extend(ast.iter_child_nodes(n))
        level = nxt
    memo[line] = tuple(out)
    return out


def walk_scope(scope: ast.AST) -> Iterator[ast.AST]:
    """Nodes of a function or module body, not descending into nested functions or classes."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        n = stack.pop()
        yield n
        if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(n))


def contains(node: ast.AST, line: int) -> bool:
    return node.lineno <= line <= (getattr(node, "end_lineno", None) or node.lineno)  # type: ignore[attr-defined]


def enclosing_scope(tree: ast.Module, line: int) -> ast.AST:
    """The innermost function containing `line`, or the module."""
    best: ast.AST = tree
    for n in path_to(tree, line):
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and contains(n, line):
            if best is tree or n.lineno >= best.lineno:  # type: ignore[attr-defined]
                best = n
    return best


def enclosing_class(tree: ast.Module, line: int) -> ast.ClassDef | None:
    best = None
    for n in path_to(tree, line):
        if isinstance(n, ast.ClassDef) and contains(n, line):
            if best is None or n.lineno >= best.lineno:
                best = n
    return best


def enclosing_loops(tree: ast.Module, line: int) -> list[ast.For]:
    """`for` statements whose body contains `line`, innermost first."""
    loops = [n for n in path_to(tree, line) if isinstance(n, ast.For) and contains(n, line) and n.lineno < line]
    return sorted(loops, key=lambda n: -n.lineno)


def statement_at(tree: ast.Module, line: int) -> ast.stmt | None:
    best = None
    for n in path_to(tree, line):
        if isinstance(n, ast.stmt) and not isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.For, ast.While,
                                                          ast.If, ast.With, ast.Try, ast.AsyncFunctionDef)):
            if contains(n, line) and (best is None or n.lineno >= best.lineno):
                best = n
    return best


def names_in(node: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(node) if isinstance(n, ast.Name)]


def _target_value(target: ast.AST, value: ast.AST, name: str) -> ast.AST | None:
    if isinstance(target, ast.Name) and target.id == name:
        return value
    if isinstance(target, (ast.Tuple, ast.List)):
        if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts):
            for t, v in zip(target.elts, value.elts):
                found = _target_value(t, v, name)
                if found is not None:
                    return found
        elif any(isinstance(t, ast.Name) and t.id == name for t in target.elts):
            return value
    return None


@dataclass(frozen=True)
class Assignment:
    stmt: ast.stmt
    value: ast.AST
    augmented: bool = False


def assignments(tree: ast.Module, name: str, scope: ast.AST | None = None,
                before: int | None = None) -> list[Assignment]:
    """Assignments to `name` in `scope` (default: the whole file), in source order."""
    found = _assignments_by_name(tree, scope).get(name, ())
    return [a for a in found if before is None or a.stmt.lineno <= before]


@lru_cache(maxsize=16)
def _assignments_by_name(tree: ast.Module, scope: ast.AST | None) -> dict[str, tuple[Assignment, ...]]:
    """Every assignment of `scope` (default: the whole file) by the name it assigns, each list in source
    order: one walk of the scope answers every later question about it."""
    out: dict[str, list[Assignment]] = {}
    nodes: Iterable[ast.AST] = walk_scope(scope) if scope is not None else ast.walk(tree)
    for n in nodes:
        if isinstance(n, ast.Assign):
            for t in n.targets:
                for name in _target_names(t):
                    v = _target_value(t, n.value, name)
                    if v is not None:
                        out.setdefault(name, []).append(Assignment(n, v))
        elif isinstance(n, (ast.AnnAssign, ast.AugAssign)) and n.value is not None:
            if isinstance(n.target, ast.Name):
                out.setdefault(n.target.id, []).append(Assignment(n, n.value, isinstance(n, ast.AugAssign)))
    return {k: tuple(sorted(v, key=lambda a: a.stmt.lineno)) for k, v in out.items()}


def _target_names(target: ast.AST) -> list[str]:
    """The names `_target_value` may find in an assignment target, each once, in order."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return list(dict.fromkeys(n for t in target.elts for n in _target_names(t)))
    return []


def last_assignment(tree: ast.Module, name: str, line: int) -> Assignment | None:
    """The nearest assignment to `name` before `line` in the scope enclosing `line` (then the module)."""
    scope = enclosing_scope(tree, line)
    found = assignments(tree, name, scope, before=line)
    if not found and scope is not tree:
        found = assignments(tree, name, tree, before=None)
    return found[-1] if found else None


def calls(tree: ast.AST) -> Iterator[ast.Call]:
    for n in ast.walk(tree):
        if isinstance(n, ast.Call):
            yield n


def call_name(call: ast.Call) -> str:
    """Dotted text of the called function: `tokenizer`, `self.tokenizer`, `nn.Linear`."""
    try:
        return ast.unparse(call.func)
    except Exception:
        return ""


def keyword(call: ast.Call, name: str) -> ast.keyword | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw
    return None


class LineEditor:
    """Rewrites pieces of one statement of a file and returns whole-line Edits (DESIGN.md §4)."""

    def __init__(self, file: str, first: int, last: int) -> None:
        self.file, self.first, self.last = file, first, last
        self.lines = [files.line(file, n) for n in range(first, last + 1)]
        self.changes: list[tuple[int, int, int, int, str]] = []

    @classmethod
    def for_node(cls, file: str, node: ast.AST) -> "LineEditor":
        return cls(file, node.lineno, getattr(node, "end_lineno", None) or node.lineno)  # type: ignore[attr-defined]

    def replace(self, node: ast.AST, text: str) -> "LineEditor":
        self.changes.append((node.lineno, node.col_offset, node.end_lineno or node.lineno,  # type: ignore[attr-defined]
                             node.end_col_offset or 0, text))  # type: ignore[attr-defined]
        return self

    def add_keywords(self, call: ast.Call, text: str) -> "LineEditor":
        """Append `text` (e.g. `truncation=True`) as the last arguments of `call`."""
        end_line, end_col = call.end_lineno or call.lineno, (call.end_col_offset or 1) - 1
        sep = ", " if (call.args or call.keywords) else ""
        self.changes.append((end_line, end_col, end_line, end_col, sep + text))
        return self

    def _offset(self, line: int, col: int) -> int:
        pre = "".join(self.lines[: line - self.first])
        # ast columns are UTF-8 byte offsets
        return len(pre) + len(self.lines[line - self.first].encode()[:col].decode(errors="ignore"))

    def edit(self) -> Edit | None:
        text = "".join(self.lines)
        for l1, c1, l2, c2, new in sorted(self.changes, key=lambda c: (c[0], c[1]), reverse=True):
            a, b = self._offset(l1, c1), self._offset(l2, c2)
            text = text[:a] + new + text[b:]
        new_text = text.rstrip("\n")
        if not self.changes or not parses_in_file(self.file, self.first, self.last, new_text):
            return None
        return Edit(file=self.file, start_line=self.first, end_line=self.last, replacement=new_text)


def parses_in_file(file: str, first: int, last: int, replacement: str) -> bool:
    """True if the file still compiles with lines first..last replaced (compiled, not only parsed: a repeated
    keyword argument parses but does not compile).  Only the top-level statement holding those lines is
    re-compiled (a long file is not compiled twice per edit); else the whole file."""
    lines = files.lines(file)
    if not lines:
        return False
    tree = tree_of(file)
    stmt = top_statement(tree, first) if isinstance(tree, ast.Module) and tree.body else None
    if stmt is not None:
        lo, hi = _start(stmt), stmt.end_lineno or stmt.lineno
        if lo <= first and last <= hi:
            return _compiles(lines[lo - 1:first - 1] + [replacement + "\n"] + lines[last:hi])
    return _compiles(lines[: first - 1] + [replacement + "\n"] + lines[last:])


def _compiles(lines: list[str]) -> bool:
    try:
        compile("".join(lines), "<edit>", "exec", dont_inherit=True)
        return True
    except (SyntaxError, ValueError):
        return False


def insert_after(file: str, stmt: ast.stmt, text: str) -> Edit | None:
    """An edit that keeps statement `stmt` and adds `text` (same indentation) after it."""
    first, last = stmt.lineno, stmt.end_lineno or stmt.lineno
    lines = [files.line(file, n) for n in range(first, last + 1)]
    indent = lines[0][: len(lines[0]) - len(lines[0].lstrip())]
    replacement = "".join(lines).rstrip("\n") + "\n" + indent + text
    if not parses_in_file(file, first, last, replacement):
        return None
    return Edit(file=file, start_line=first, end_line=last, replacement=replacement)


def insert_before(file: str, stmt: ast.stmt, text: str) -> Edit | None:
    """An edit that adds `text` (same indentation) before statement `stmt`, keeping it."""
    first, last = stmt.lineno, stmt.end_lineno or stmt.lineno
    lines = [files.line(file, n) for n in range(first, last + 1)]
    indent = lines[0][: len(lines[0]) - len(lines[0].lstrip())]
    replacement = indent + text + "\n" + "".join(lines).rstrip("\n")
    if not parses_in_file(file, first, last, replacement):
        return None
    return Edit(file=file, start_line=first, end_line=last, replacement=replacement)
