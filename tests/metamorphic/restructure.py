"""Two transforms that change the shape of the code and not what it does.

main:    the module-level code after the last import, function or class (the body of a trailing
         `if __name__ == "__main__":` included) becomes the body of a function `main()`, called under
         `if __name__ == "__main__":`.  Its names become locals of main(), except those that code staying at
         module level also reads or binds (a function reading a global the code sets): those are declared
         `global` in main(), so the script behaves as before.
method:  a module-level function (the innermost one on the failing stack, else the first one the script
         uses) becomes a method of a small helper class, with an instance made right after the class; every
         use of the function goes through that instance.
"""
from __future__ import annotations

import libcst as cst
from libcst.metadata import GlobalScope

from .base import Context, NotApplicable, fresh_name, global_scope, identifiers, parse

HEAD = (cst.FunctionDef, cst.ClassDef)


def _is_head(stmt: cst.BaseStatement) -> bool:
    if isinstance(stmt, HEAD):
        return True
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body)


def _is_main_guard(stmt: cst.BaseStatement) -> bool:
    """`if __name__ == "__main__":` with no else branch."""
    if not isinstance(stmt, cst.If) or stmt.orelse is not None or not isinstance(stmt.body, cst.IndentedBlock):
        return False
    test = stmt.test
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, cst.Equal)):
        return False
    sides = [test.left, test.comparisons[0].comparator]
    names = [s.value for s in sides if isinstance(s, cst.Name)]
    strings = [s.evaluated_value for s in sides if isinstance(s, cst.SimpleString)]
    return names == ["__name__"] and strings == ["__main__"]


def _nodes_under(stmts: list[cst.CSTNode]) -> set[cst.CSTNode]:
    found: set[cst.CSTNode] = set()

    class Collect(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            found.add(node)
            return True

    for s in stmts:
        s.visit(Collect())
    return found


def _globals_for_main(wrapper: cst.MetadataWrapper, tail: list[cst.BaseStatement]) -> list[str]:
    """Names the moved code binds that other code binds or reads as well: they stay module globals."""
    scope = global_scope(wrapper)
    inside = _nodes_under(tail)
    out = []
    for name in sorted({a.name for a in scope.assignments}):
        assigns = [a for a in scope.assignments[name] if hasattr(a, "node")]
        moved = [a for a in assigns if a.node in inside]
        if not moved:
            continue
        elsewhere = any(a.node not in inside for a in assigns) or any(
            acc.node not in inside for a in assigns for acc in a.references)
        if elsewhere:
            out.append(name)
    return out


def _calls_own_function(stmts: list[cst.BaseStatement], functions: set[str]) -> bool:
    """The code is a single `f()` of a function of the script: it is wrapped already."""
    if len(stmts) != 1 or not isinstance(stmts[0], cst.SimpleStatementLine) or len(stmts[0].body) != 1:
        return False
    expr = stmts[0].body[0]
    return (isinstance(expr, cst.Expr) and isinstance(expr.value, cst.Call)
            and isinstance(expr.value.func, cst.Name) and expr.value.func.value in functions)


def wrap_main(source: str, ctx: Context = Context()) -> str:
    wrapper = parse(source)
    body = list(wrapper.module.body)
    start = max((i for i, s in enumerate(body) if _is_head(s)), default=-1) + 1
    tail = body[start:]
    moved: list[cst.BaseStatement] = []
    for stmt in tail:
        moved.extend(stmt.body.body if _is_main_guard(stmt) else [stmt])
    if not moved:
        raise NotApplicable("no module-level code after the imports, functions and classes")
    functions = {s.name.value for s in body if isinstance(s, cst.FunctionDef)}
    if _calls_own_function(moved, functions):
        raise NotApplicable("the module-level code already is a single call of the script's function")
    main = fresh_name("main", identifiers(wrapper.module))
    shared = _globals_for_main(wrapper, tail)
    lead = moved[0].leading_lines
    moved[0] = moved[0].with_changes(leading_lines=())
    decl = [cst.SimpleStatementLine([cst.Global([cst.NameItem(cst.Name(n)) for n in shared])])] if shared else []
    main_def = cst.FunctionDef(name=cst.Name(main), params=cst.Parameters(),
                               body=cst.IndentedBlock(body=[*decl, *moved]),
                               leading_lines=lead or (cst.EmptyLine(), cst.EmptyLine()))
    guard = cst.ensure_type(cst.parse_statement(f'if __name__ == "__main__":\n    {main}()\n'), cst.If)
    guard = guard.with_changes(leading_lines=(cst.EmptyLine(), cst.EmptyLine()))
    return wrapper.module.with_changes(body=[*body[:start], main_def, guard]).code


def _chosen_function(module: cst.Module, scope: GlobalScope, ctx: Context) -> cst.FunctionDef:
    functions = {s.name.value: s for s in module.body if isinstance(s, cst.FunctionDef)}
    if not functions:
        raise NotApplicable("no module-level function")
    on_stack = [n for n in reversed(ctx.stack) if n in functions]
    used = [n for n in functions if any(a.references for a in scope.assignments[n])]
    if not on_stack and not used:
        raise NotApplicable("no module-level function the script uses")
    return functions[(on_stack or used)[0]]


def _mangled(node: cst.CSTNode) -> bool:
    """Names a class body would mangle (`__x`): moving the code into a class changes them."""
    return any(n.startswith("__") and not n.endswith("__") for n in identifiers(node))


class _IntoClass(cst.CSTTransformer):
    def __init__(self, func: cst.FunctionDef, refs: set[cst.Name], cls: str, inst: str) -> None:
        self.func, self.refs, self.cls, self.inst = func, refs, cls, inst

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        if original in self.refs:
            return cst.Attribute(value=cst.Name(self.inst), attr=cst.Name(original.value))
        return updated

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.BaseStatement:
        if original is not self.func:
            return updated
        params = updated.params
        me = cst.Param(cst.Name("self"))
        if params.posonly_params:
            params = params.with_changes(posonly_params=[me, *params.posonly_params])
        else:
            params = params.with_changes(params=[me, *params.params])
        method = updated.with_changes(params=params, leading_lines=())
        cls = cst.ClassDef(name=cst.Name(self.cls), body=cst.IndentedBlock(body=[method]),
                           leading_lines=updated.leading_lines)
        inst = cst.parse_statement(f"{self.inst} = {self.cls}()\n")
        return cst.FlattenSentinel([cls, inst.with_changes(leading_lines=(cst.EmptyLine(), cst.EmptyLine()))])


def move_to_class(source: str, ctx: Context = Context()) -> str:
    wrapper = parse(source)
    module = wrapper.module
    scope = global_scope(wrapper)
    func = _chosen_function(module, scope, ctx)
    name = func.name.value
    assigns = list(scope.assignments[name])
    if len(assigns) != 1 or getattr(assigns[0], "node", None) is not func:
        raise NotApplicable(f"`{name}` is bound more than once")
    refs = {acc.node for acc in assigns[0].references}
    if not all(isinstance(r, cst.Name) for r in refs):
        raise NotApplicable(f"`{name}` is named in a string annotation")
    params = func.params
    if any(p.name.value == "self" for p in [*params.posonly_params, *params.params, *params.kwonly_params]):
        raise NotApplicable(f"`{name}` already has a parameter named self")
    if _mangled(func):
        raise NotApplicable(f"`{name}` uses names a class body would mangle")
    taken = identifiers(module)
    cls = fresh_name("Helpers", taken)
    inst = fresh_name("helpers", taken)
    return module.visit(_IntoClass(func, refs, cls, inst)).code
