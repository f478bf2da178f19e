"""The split transform: the failing statement's largest sub-expression is computed first, into a temporary.

The failing statement is the innermost statement at the failing line (for a compound statement, its header:
an `if` test, a `for` iterable, the first `with` item).  Its expression's sub-expressions that are always
evaluated (not inside a lambda or comprehension, not a short-circuited operand or an `if`/`else` branch, not
a callee) are the candidates; the largest (most expression nodes; the first in reading order on a tie) is
assigned to `tmp` (a fresh name) on a statement of its own just before.  When no sub-expression qualifies,
the whole expression of an assignment, `return`, `if` or `for` header is hoisted.  A `while` test, an
`elif` test and expressions holding `await`, `yield` or `:=` are not split.
"""
from __future__ import annotations

import libcst as cst
from libcst.metadata import CodeRange, ParentNodeProvider, PositionProvider

from .base import Context, NotApplicable, fresh_name, identifiers, parse

TRIVIAL = (cst.Name, cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.Ellipsis)
OPAQUE = (cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
FORBIDDEN = (cst.Await, cst.Yield, cst.NamedExpr)


def _expressions_under(node: cst.CSTNode) -> list[cst.BaseExpression]:
    """The nearest expression nodes below `node` (through Arg, Element, Index, Slice and the like)."""
    out: list[cst.BaseExpression] = []
    for child in node.children:
        if isinstance(child, cst.BaseExpression):
            out.append(child)
        else:
            out.extend(_expressions_under(child))
    return out


def _always_evaluated(expr: cst.BaseExpression) -> list[tuple[cst.BaseExpression, bool]]:
    """(child, may be hoisted) for the sub-expressions of `expr` evaluated whenever `expr` is."""
    if isinstance(expr, OPAQUE):
        return []
    if isinstance(expr, cst.BooleanOperation):
        return [(expr.left, True)]
    if isinstance(expr, cst.IfExp):
        return [(expr.test, True)]
    if isinstance(expr, cst.Comparison):
        return [(expr.left, True), (expr.comparisons[0].comparator, True)]
    if isinstance(expr, cst.Call):
        rest = [(e, True) for arg in expr.args for e in _expressions_under(arg)]
        return [(expr.func, False), *rest]
    return [(e, True) for e in _expressions_under(expr)]


def _size(node: cst.CSTNode) -> int:
    return int(isinstance(node, cst.BaseExpression)) + sum(_size(c) for c in node.children)


def _contains(node: cst.CSTNode, kinds: tuple[type, ...]) -> bool:
    return isinstance(node, kinds) or any(_contains(c, kinds) for c in node.children)


def largest_subexpression(expr: cst.BaseExpression) -> cst.BaseExpression | None:
    found: list[cst.BaseExpression] = []

    def walk(node: cst.BaseExpression) -> None:
        for child, hoistable in _always_evaluated(node):
            if hoistable and not isinstance(child, TRIVIAL):
                found.append(child)
            walk(child)

    walk(expr)
    best = max((_size(n) for n in found), default=0)
    return next((n for n in found if _size(n) == best), None)


def _main_expression(stmt: cst.CSTNode, parent: cst.CSTNode | None) -> tuple[cst.BaseExpression | None, bool]:
    """(the statement's expression, whether the whole of it may be hoisted)."""
    if isinstance(stmt, (cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Return)):
        return stmt.value, True
    if isinstance(stmt, cst.Expr):
        return stmt.value, False
    if isinstance(stmt, cst.Assert):
        return stmt.test, False
    if isinstance(stmt, cst.Raise):
        return stmt.exc, False
    if isinstance(stmt, cst.If):
        return (None, False) if isinstance(parent, cst.If) else (stmt.test, True)  # elif: nowhere to put it
    if isinstance(stmt, cst.For):
        return stmt.iter, True
    if isinstance(stmt, cst.With):
        return stmt.items[0].item, True
    return None, False


def _header_range(stmt: cst.CSTNode, rng: CodeRange, positions) -> tuple[int, int]:
    """The lines of a statement that are its own (a compound statement's header, not its body)."""
    if isinstance(stmt, cst.BaseCompoundStatement):
        parts = {cst.If: lambda s: [s.test], cst.While: lambda s: [s.test], cst.For: lambda s: [s.target, s.iter],
                 cst.With: lambda s: [i.item for i in s.items]}.get(type(stmt), lambda s: [])(stmt)
        end = max((positions[p].end.line for p in parts), default=rng.start.line)
        return rng.start.line, end
    return rng.start.line, rng.end.line


def failing_statement(wrapper: cst.MetadataWrapper, line: int) -> cst.CSTNode:
    positions = wrapper.resolve(PositionProvider)
    best: tuple[int, cst.CSTNode] | None = None
    for node, rng in positions.items():
        if not isinstance(node, (cst.BaseSmallStatement, cst.BaseCompoundStatement)):
            continue
        first, last = _header_range(node, rng, positions)
        if first <= line <= last and (best is None or last - first <= best[0]):
            best = (last - first, node)
    if best is None:
        raise NotApplicable(f"no statement at line {line}")
    return best[1]


class _Hoist(cst.CSTTransformer):
    def __init__(self, stmt: cst.CSTNode, expr: cst.BaseExpression, tmp: str, code: str) -> None:
        self.stmt, self.expr, self.tmp = stmt, expr, tmp
        hoisted = expr
        if ("\n" in code or isinstance(expr, cst.GeneratorExp)) and not expr.lpar:  # f(x for x in y) shares parens
            hoisted = expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        self.assign = cst.Assign(targets=[cst.AssignTarget(cst.Name(tmp))], value=hoisted)
        self.done = False

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode):
        if original is self.expr:
            return cst.Name(self.tmp)
        if isinstance(original, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) and self.stmt in original.body:
            if len(original.body) > 1 or isinstance(original, cst.SimpleStatementSuite):
                k = original.body.index(self.stmt)
                self.done = True
                return updated.with_changes(body=[*updated.body[:k], self.assign, *updated.body[k:]])
            return self._before(updated)
        if original is self.stmt and isinstance(original, cst.BaseCompoundStatement):
            return self._before(updated)
        return updated

    def _before(self, updated: cst.BaseStatement):
        self.done = True
        line = cst.SimpleStatementLine([self.assign], leading_lines=updated.leading_lines)
        return cst.FlattenSentinel([line, updated.with_changes(leading_lines=())])


def apply(source: str, ctx: Context = Context()) -> str:
    if ctx.line is None:
        raise NotApplicable("no failing line known")
    wrapper = parse(source)
    stmt = failing_statement(wrapper, ctx.line)
    parent = wrapper.resolve(ParentNodeProvider).get(stmt)
    expr, whole_ok = _main_expression(stmt, parent)
    if expr is None:
        raise NotApplicable(f"the statement at line {ctx.line} has no expression to split")
    if _contains(expr, FORBIDDEN):
        raise NotApplicable(f"the expression at line {ctx.line} holds await, yield or :=")
    target = largest_subexpression(expr)
    if target is None and whole_ok and not isinstance(expr, TRIVIAL):
        target = expr
    if target is None:
        raise NotApplicable(f"the statement at line {ctx.line} has no sub-expression to compute first")
    tmp = fresh_name("tmp", identifiers(wrapper.module))
    hoist = _Hoist(stmt, target, tmp, wrapper.module.code_for_node(target))
    out = wrapper.module.visit(hoist)
    if not hoist.done:
        raise NotApplicable(f"the statement at line {ctx.line} sits where no statement can go before it")
    return out.code
