"""A mask read from the enclosing scope while the ids are a parameter: a helper (`def embed(input_ids): ...
model(input_ids=input_ids, attention_mask=mask)`) takes each batch's ids as an argument but closes over one
batch's mask (`mask = q["attention_mask"]` in the function around it, or at module level), so a call with another
batch's ids (`embed(p["input_ids"])`) meets a mask of another length.  The fix passes each batch's mask with its
ids.  Read from the user's source."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, fact

MASK_CAPTURED = fact("mask-captured", "`fn` takes its ids `other` as a parameter but reads `mask` from the scope "
                                      "around it, where it is the mask of `container` (line `mask_line`)")
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass(frozen=True)
class PassAlong:
    """What the fix needs: the helper's def, its ids parameter, and per call the argument the ids come in and
    the mask expression of the same batch."""
    file: str
    fn: ast.FunctionDef
    param: ast.arg
    mask: str
    calls: tuple[tuple[ast.stmt, ast.Call, ast.expr, str, bool], ...]  # (statement, call, ids arg, mask, keyword)


def captured_mask(ctx: Context, f: Finding, mask: TensorFacts, other: TensorFacts) -> bool:
    """Adds the fact (and the hint `captured`) when the failing user function reads `mask` (or the name it is
    made from, `m = pad_mask.unsqueeze(-1)`) from the scope around it, where it is assigned an entry of a batch
    (`E["attention_mask"]`, `E.attention_mask`), while `other` is (made from) one of its parameters."""
    if mask.frame != other.frame or not (mask.expr.isidentifier() and other.expr.isidentifier()):
        return False
    frame = ctx.frames[mask.frame]
    tree = src.tree_of(frame.file)
    if tree is None:
        return False
    fn = src.enclosing_scope(tree, frame.line)
    if not isinstance(fn, _FUNCS) or fn.name != frame.function:
        return False
    params = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)]
    mask_roots = _roots(tree, fn, mask.expr, frame.line, params)
    other_roots = _roots(tree, fn, other.expr, frame.line, params)
    outer = _scope_around(tree, fn)
    given = [n for n in other_roots if n in params]
    free = [(n, made[-1]) for n in mask_roots if n not in params and n not in other_roots
            for made in [src.assignments(tree, n, outer, before=fn.lineno)] if made and _entry(made[-1].value)]
    if len(free) != 1 or len(given) != 1:
        return False
    (captured, made), ids_param = free[0], given[0]
    container = str(_entry(made.value))  # an entry: `free` keeps only those
    mask_text = src.segment(frame.file, made.value)
    position = params.index(ids_param)
    calls = _calls(frame.file, tree, outer, fn, position, ids_param, container, mask_text)
    callers = [fr for fr in ctx.frames[:mask.frame] if not fr.library and fr.file == frame.file]
    failing = next((c for c in calls if callers and src.contains(c[0], callers[-1].line)), None)
    if failing is None or failing[3] == mask_text:  # the failing call's ids are not another batch's entry
        return False
    f.facts.add(MASK_CAPTURED)
    f.values.update(fn=fn.name, container=container, captured=captured, ids_param=ids_param,
                    mask_line=made.stmt.lineno, mask_made=mask_text,
                    ids_call=src.segment(frame.file, failing[1]))
    has_default = position >= len(params) - len(fn.args.defaults)
    if len(calls) == _call_count(outer, fn.name) and not has_default:
        arg = (fn.args.posonlyargs + fn.args.args)[position]
        f.hints["captured"] = PassAlong(frame.file, fn, arg, captured, tuple(calls))
        f.confidence = "high"
    return True


def _roots(tree: ast.Module, fn: ast.AST, name: str, line: int, params: list[str], depth: int = 3) -> list[str]:
    """The names `name` is made from inside `fn`, followed through `fn`'s own assignments before `line` (a few
    steps): the ones `fn` does not assign (its parameters, or names read from the scope around it)."""
    if name in params:
        return [name]
    made = src.assignments(tree, name, fn, before=line)
    if not made:
        return [name]
    if depth == 0 or made[-1].augmented:
        return []
    out: list[str] = []
    for n in dict.fromkeys(src.names_in(made[-1].value)):
        if n in _BUILTIN_CALLEES or n == name:
            continue
        out.extend(r for r in _roots(tree, fn, n, made[-1].stmt.lineno, params, depth - 1) if r not in out)
    return out


_BUILTIN_CALLEES = frozenset({"torch", "F", "nn", "np", "numpy", "self", "len", "float", "int", "min", "max"})


def _scope_around(tree: ast.Module, fn: ast.AST) -> ast.AST:
    """The function `fn` is defined in, else the module."""
    around: ast.AST = tree
    for n in src.path_to(tree, fn.lineno):  # type: ignore[attr-defined]
        if isinstance(n, _FUNCS) and n is not fn and any(s is fn for s in src.statements(n)):
            around = n
    return around


def _entry(value: ast.AST) -> str | None:
    """The batch `E` of `E["attention_mask"]` / `E.attention_mask`: an entry whose key names a mask."""
    if isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name) and isinstance(
            value.slice, ast.Constant) and isinstance(value.slice.value, str) and "mask" in value.slice.value:
        return value.value.id
    if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and "mask" in value.attr:
        return value.value.id
    return None


def _call_count(scope: ast.AST, name: str) -> int:
    return sum(1 for n in src.walk_scope(scope) if isinstance(n, ast.Call) and src.call_name(n) == name)


def _calls(file: str, tree: ast.Module, scope: ast.AST, fn: ast.FunctionDef, position: int, param: str,
           base: str, mask_text: str) -> list[tuple[ast.stmt, ast.Call, ast.expr, str, bool]]:
    """Each call of `fn` in `scope` (in any block of it) whose ids argument is an entry of a named batch
    (`X["input_ids"]`, `X.input_ids`), with its own statement: the mask expression for it is the mask's own
    expression on `X`."""
    found = []
    for call in (n for n in src.walk_scope(scope) if isinstance(n, ast.Call) and src.call_name(n) == fn.name):
        stmt = src.statement_at(tree, call.lineno)
        by_kw = src.keyword(call, param)
        arg = by_kw.value if by_kw is not None else (call.args[position] if position < len(call.args) else None)
        if stmt is None or arg is None or any(isinstance(a, ast.Starred) for a in call.args):
            continue
        batch = arg.value if isinstance(arg, (ast.Subscript, ast.Attribute)) else None
        if isinstance(batch, ast.Name):
            found.append((stmt, call, arg, batch.id + mask_text[len(base):], by_kw is not None))
    return found
