"""An index read from text, counted from one: `rank = int(square[1])` (ranks 1..8) used as a position of a
tensor with 8 entries.  The failing read is no loop's variable; the index equals the dimension's size, the one
value a 1-based count has that a 0-based position never has, and the user's code made it with `int(...)` of a
piece of text (directly, or in the helper whose result it unpacks).  Human notations count from one (ranks,
days, ratings, line numbers), so the conversion is where one is subtracted.  Read from the user's source and
the failing frame's values; nothing else shows whether the other values are one too high as well, so the
finding is medium."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from .. import source as src
from ..model import FrameFacts
from . import Finding, fact, value_evidence

COUNTED_FROM_ONE = fact("counted-from-one", "the index `var` equals the size of the dimension it reads and comes "
                                            "from `made`, an int parsed from text (counted from one)")
FROM_HELPER = fact("counted-in-helper", "the index comes out of the user's helper `helper`, which parses it")


@dataclass(frozen=True)
class Parsed:
    """Where an index was parsed: `int(...)` in `stmt` of `file`, inside `function` (None: the failing frame)."""
    file: str
    stmt: ast.stmt
    call: ast.Call
    function: str | None


def _text_piece(node: ast.AST) -> bool:
    """A piece of text as `int(...)` gets it: an item or slice (`sq[1]`, `row["rank"]`, `parts[2]`) or a string
    method's result (`tok.strip()`); not arithmetic, which would make a number, not read one, nor a bare name,
    which may hold either."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in ("strip", "lstrip", "rstrip", "group", "split")
    return isinstance(node, ast.Subscript)


def _parsed(node: ast.AST | None) -> ast.Call | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "int" \
            and len(node.args) == 1 and not node.keywords and _text_piece(node.args[0]):
        return node
    return None


def _position(stmt: ast.stmt, name: str) -> int | None:
    """Which item of a tuple target `name` is (`r, f = ...` → 0 for r); None for a plain target."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Tuple):
        names = [e.id if isinstance(e, ast.Name) else None for e in stmt.targets[0].elts]
        return names.index(name) if names.count(name) == 1 else None
    return None


def _in_helper(tree: ast.Module, file: str, call: ast.Call, at: int | None) -> Parsed | None:
    """The `int(...)` the user's function `call` runs returns at item `at` of its result (the whole result for
    None), followed through one name of that function."""
    fns = src.called_functions(tree, call)
    if len(fns) != 1:
        return None
    fn = fns[0]
    returns = [r for r in src.nodes(fn, ast.Return) if r.value is not None]
    if len(returns) != 1:
        return None
    value = returns[0].value
    if at is not None:
        if not (isinstance(value, ast.Tuple) and at < len(value.elts)):
            return None
        value = value.elts[at]
    if isinstance(value, ast.Name):
        made = src.assignments(tree, value.id, fn, before=returns[0].lineno)
        if len(made) != 1 or made[0].augmented:
            return None
        stmt, value = made[0].stmt, made[0].value
    else:
        stmt = returns[0]
    parsed = _parsed(value)
    return Parsed(file, stmt, parsed, fn.name) if parsed is not None else None


def parsed_from_one(frame: FrameFacts, tree: ast.Module, part: ast.AST, index: int, size: int) -> Parsed | None:
    """Where the index `part` (a name of the failing frame holding `index` = `size`) was parsed from text."""
    if index != size or index <= 0 or not isinstance(part, ast.Name) or frame.scalars.get(part.id) != index:
        return None
    made = src.last_assignment(tree, part.id, frame.line)
    if made is None or made.augmented or src.enclosing_scope(tree, made.stmt.lineno) is not \
            src.enclosing_scope(tree, frame.line):
        return None
    if _parsed(made.value) is not None:
        return Parsed(frame.file, made.stmt, made.value, None)
    if isinstance(made.value, ast.Call):
        return _in_helper(tree, frame.file, made.value, _position(made.stmt, part.id))
    return None


LINE_NUMBERED = fact("line-numbered", "the index `var` takes its values from `made`, a line number of the `tokenize` "
                                      "or `ast` module, which count lines from one")
_IMPORTS_LINES = re.compile(r"^\s*(?:import|from)\s+(?:tokenize|ast)\b", re.M)


def _line_number(node: ast.AST) -> bool:
    """`tok.start[0]` / `tok.end[0]` (a token's row) or `node.lineno` / `node.end_lineno`."""
    if isinstance(node, ast.Attribute):
        return node.attr in ("lineno", "end_lineno")
    return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and \
        node.value.attr in ("start", "end") and isinstance(node.slice, ast.Constant) and node.slice.value == 0


def line_numbered(frame: FrameFacts, tree: ast.Module, part: ast.AST, index: int, size: int) -> Parsed | None:
    """Where the index `part`, a variable of a loop over stored numbers (`for pos, row in enumerate(rows)`) equal
    to the size, got its values: the one line number of the file (`lineno = tok.start[0]`) that the `tokenize` or
    `ast` module it imports counts from one."""
    if index != size or index <= 0 or not isinstance(part, ast.Name) or frame.scalars.get(part.id) != index \
            or not src.mentions(frame.file, _IMPORTS_LINES):
        return None
    loops = [n for n in src.path_to(tree, frame.line) if isinstance(n, ast.For)
             and part.id in {x.id for x in ast.walk(n.target) if isinstance(x, ast.Name)}]
    if not loops or isinstance(loops[-1].iter, ast.Call) and src.call_name(loops[-1].iter) == "range":
        return None
    reads = [(st, st.value) for st in src.nodes(tree, ast.Assign) if len(st.targets) == 1
             and isinstance(st.targets[0], ast.Name) and _line_number(st.value)]
    if len(reads) != 1:
        return None
    stmt, value = reads[0]
    scope = src.enclosing_scope(tree, stmt.lineno)
    return Parsed(frame.file, stmt, value, getattr(scope, "name", None))  # type: ignore[arg-type]


def counted_from_one(frame: FrameFacts, tree: ast.Module, parts: list[ast.AST], base: str, index: int,
                     dim: int | None, size: int) -> Finding | None:
    """The finding when the failing position (`parts[0]`) is an int parsed from text that reaches the size."""
    if not parts:
        return None
    where = parsed_from_one(frame, tree, parts[0], index, size)
    lines = where is None and (where := line_numbered(frame, tree, parts[0], index, size)) is not None
    if where is None:
        return None
    made = ast.unparse(where.call)
    f = Finding(confidence="medium")
    f.facts.add(COUNTED_FROM_ONE)
    if lines:
        f.facts.add(LINE_NUMBERED)
    f.values.update(var=ast.unparse(parts[0]), index=index, size=size, dim=dim if dim is not None else 0,
                    tensor=base, last=size - 1, made=made, made_line=where.stmt.lineno, fixed=f"{made} - 1")
    if where.function is not None:
        f.facts.add(FROM_HELPER)
        f.values["helper"] = where.function
    f.hints["from_one"] = where
    f.evidence.append(value_evidence(ast.unparse(parts[0]), index))
    return f
