"""The rename transform: the script's own variables, parameters, functions and classes get neutral names
(v1, v2, ... for variables and parameters, f1, ... for functions, C1, ... for classes), consistently, by
scope (libcst's scope analysis: a local `mask` and a global `mask` are two names).

Never renamed: what comes from a library (imported names, builtins, attributes, keyword arguments of calls
that do not resolve to the script's own function or class, dict keys and strings), `self`/`cls` (a method's
first parameter), dunder names, names bound in a class body (attributes and methods: a library may look
them up), and a parameter whose name a caller might pass by keyword without the call resolving to its
function (a keyword argument of an unresolved call, a string of the script, or a `**` call when the function
is a method or is passed around).  A keyword argument of a call that resolves to the script's function (or
class: its `__init__`) is renamed with the parameter.
"""
from __future__ import annotations

from collections import defaultdict

import libcst as cst
from libcst.metadata import (Assignment, BuiltinScope, ClassScope, GlobalScope, ParentNodeProvider,
                             ScopeProvider)

from .base import Context, NotApplicable, fresh_names, identifiers, parse

Binding = tuple[object, str]  # (scope, name)
STEMS = {"function": "f", "class": "C", "variable": "v"}


def _binding_name_node(a: Assignment) -> cst.Name | None:
    """The Name that spells the binding, for the assignment kinds a rename can follow."""
    node = a.node
    if isinstance(node, cst.Name):
        return node
    if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Param)):
        return node.name
    if isinstance(node, cst.ExceptHandler) and node.name and isinstance(node.name.name, cst.Name):
        return node.name.name
    return None


class _Facts(cst.CSTVisitor):
    """One pass over the tree: functions with their parameters, calls, strings, global/nonlocal names."""

    def __init__(self) -> None:
        self.functions: list[cst.FunctionDef] = []
        self.calls: list[cst.Call] = []
        self.strings: set[str] = set()
        self.declarations: list[cst.Global | cst.Nonlocal] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.append(node)

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        value = node.evaluated_value
        if isinstance(value, str):
            self.strings.add(value)

    def visit_Global(self, node: cst.Global) -> None:
        self.declarations.append(node)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.declarations.append(node)


def _params(f: cst.FunctionDef | cst.Lambda) -> list[cst.Param]:
    p = f.params
    out = [*p.posonly_params, *p.params, *p.kwonly_params]
    out += [x for x in (p.star_arg, p.star_kwarg) if isinstance(x, cst.Param)]
    return out


class _Plan:
    """Which Name nodes and which keyword arguments get which new name."""

    def __init__(self, wrapper: cst.MetadataWrapper) -> None:
        self.module = wrapper.module
        self.scopes = wrapper.resolve(ScopeProvider)
        self.parents = wrapper.resolve(ParentNodeProvider)
        self.facts = _Facts()
        self.module.visit(self.facts)
        self.accesses = {acc.node: acc for s in set(self.scopes.values()) if s is not None for acc in s.accesses}
        self.bindings: dict[Binding, list[Assignment]] = defaultdict(list)
        for s in {s for s in self.scopes.values() if s is not None}:
            if isinstance(s, (ClassScope, BuiltinScope)):
                continue
            for a in s.assignments:
                self.bindings[(s, a.name)].append(a)
        self.param_binding: dict[cst.Param, Binding] = {}
        for key, assigns in self.bindings.items():
            for a in assigns:
                if isinstance(a.node, cst.Param):
                    self.param_binding[a.node] = key
        self.blocked: set[Binding] = set()
        self._block_params()
        self.nodes: dict[cst.Name, Binding] = {}
        self._collect_nodes()

    # which function or class a call's callee is
    def _resolve(self, func: cst.BaseExpression) -> cst.FunctionDef | cst.ClassDef | None:
        acc = self.accesses.get(func) if isinstance(func, cst.Name) else None
        if acc is None:
            return None
        defs = {getattr(r, "node", None) for r in acc.referents}
        if len(defs) == 1:
            node = next(iter(defs))
            if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                return node
        return None

    @staticmethod
    def _init_of(cls: cst.ClassDef) -> cst.FunctionDef | None:
        body = cls.body.body if isinstance(cls.body, cst.IndentedBlock) else ()
        return next((s for s in body if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"), None)

    def callee(self, call: cst.Call) -> cst.FunctionDef | None:
        """The script's function a call runs with its keywords (a class's __init__); None when unknown."""
        target = self._resolve(call.func)
        return self._init_of(target) if isinstance(target, cst.ClassDef) else target

    def _is_method(self, f: cst.FunctionDef) -> bool:
        return isinstance(self.scopes.get(f), ClassScope)

    def _escapes(self, f: cst.FunctionDef) -> bool:
        """The function is used other than by calling it by name (passed as a callback, stored)."""
        scope = self.scopes.get(f)
        for a in scope.assignments[f.name.value] if scope is not None else ():
            if a.node is not f:
                continue
            for acc in a.references:
                parent = self.parents.get(acc.node)
                if not (isinstance(parent, cst.Call) and parent.func is acc.node):
                    return True
        return False

    def _block_params(self) -> None:
        unresolved_keywords: set[str] = set()
        star_unresolved = False
        for call in self.facts.calls:
            target = self.callee(call)
            for arg in call.args:
                if target is None and arg.keyword is not None:
                    unresolved_keywords.add(arg.keyword.value)
                if arg.star == "**":
                    if target is None:
                        star_unresolved = True
                    else:
                        self.blocked.update(self.param_binding[p] for p in _params(target) if p in self.param_binding)
        for f in self.facts.functions:
            params = [p for p in _params(f) if p in self.param_binding]
            is_static = any(isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod"
                            for d in f.decorators)
            if self._is_method(f) and not is_static and params:
                self.blocked.add(self.param_binding[params[0]])
            if star_unresolved and (self._is_method(f) or self._escapes(f)):
                self.blocked.update(self.param_binding[p] for p in params)
            for p in params:
                if p.name.value in unresolved_keywords or p.name.value in self.facts.strings:
                    self.blocked.add(self.param_binding[p])

    def _renamable(self, key: Binding, assigns: list[Assignment]) -> bool:
        name = key[1]
        if key in self.blocked or name in ("self", "cls") or (name.startswith("__") and name.endswith("__")):
            return False
        if any(type(a) is not Assignment or _binding_name_node(a) is None for a in assigns):
            return False  # imports, or a binding form this transform does not follow
        refs = [acc for a in assigns for acc in a.references]
        if any(not isinstance(acc.node, cst.Name) for acc in refs):
            return False  # e.g. a string annotation naming it
        # every reference must resolve to this binding alone
        return all({(r.scope, r.name) for r in acc.referents} == {key} for acc in refs)

    def _collect_nodes(self) -> None:
        renamed = {key for key, assigns in self.bindings.items() if self._renamable(key, assigns)}
        for key in renamed:
            for a in self.bindings[key]:
                self.nodes[_binding_name_node(a)] = key
                for acc in a.references:
                    self.nodes[acc.node] = key
        for decl in self.facts.declarations:
            for item in decl.names:
                key = self._declared(self.scopes.get(decl), item.name.value, isinstance(decl, cst.Global))
                if key in renamed:
                    self.nodes[item.name] = key

    def _declared(self, scope: object, name: str, is_global: bool) -> Binding | None:
        """The binding a `global`/`nonlocal` statement in `scope` names."""
        if is_global:
            return (scope.globals, name) if scope is not None else None
        while scope is not None and not isinstance(scope, (GlobalScope, BuiltinScope)):
            scope = scope.parent
            if not isinstance(scope, ClassScope) and (scope, name) in self.bindings:
                return (scope, name)
        return None

    def kind(self, key: Binding) -> str:
        nodes = {type(a.node) for a in self.bindings[key]}
        if nodes == {cst.FunctionDef}:
            return "function"
        if nodes == {cst.ClassDef}:
            return "class"
        return "variable"


class _Rename(cst.CSTTransformer):
    def __init__(self, plan: _Plan, names: dict[Binding, str]) -> None:
        self.plan, self.names = plan, names

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        key = self.plan.nodes.get(original)
        return updated.with_changes(value=self.names[key]) if key in self.names else updated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        target = self.plan.callee(original)
        if target is None:
            return updated
        by_name = {p.name.value: self.plan.param_binding.get(p) for p in _params(target)}
        args = []
        for arg in updated.args:
            key = by_name.get(arg.keyword.value) if arg.keyword is not None else None
            if key in self.names:
                arg = arg.with_changes(keyword=arg.keyword.with_changes(value=self.names[key]))
            args.append(arg)
        return updated.with_changes(args=args)


class _Order(cst.CSTVisitor):
    """The renamed bindings in the order their names first appear in the script."""

    def __init__(self, nodes: dict[cst.Name, Binding]) -> None:
        self.nodes, self.order = nodes, []

    def visit_Name(self, node: cst.Name) -> None:
        key = self.nodes.get(node)
        if key is not None and key not in self.order:
            self.order.append(key)


def apply(source: str, ctx: Context = Context()) -> str:
    wrapper = parse(source)
    plan = _Plan(wrapper)
    order = _Order(plan.nodes)
    wrapper.module.visit(order)
    if not order.order:
        raise NotApplicable("no name of the script's own to rename")
    taken = identifiers(wrapper.module)
    stems = {kind: fresh_names(stem, taken) for kind, stem in STEMS.items()}
    names = {key: next(stems[plan.kind(key)]) for key in order.order}
    return wrapper.module.visit(_Rename(plan, names)).code
