"""A layer and its input, read from the user's source (nothing runs): the attribute path of a layer held in a
container (`self.head[1]` for the Linear inside `self.head = nn.Sequential(...)`), the constructor call that
built it wherever its size argument is written, and the collection an input joined with `torch.cat` has one
part per item of (`torch.cat([pool(c) for c in convs])` with `self.convs` made over `filter_sizes`)."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from .classes import SizeSite, static_len, module_defs, user_files

#: Containers whose items are reached by index.
_INDEXED = ("Sequential", "ModuleList")
#: Calls that wrap a collection without changing its number of items.
_SAME_ITEMS = ("list", "tuple", "ModuleList", "Sequential", "enumerate", "zip")


def layer_path(ctx: Context) -> list[str]:
    """Attribute names from the user's module down to the innermost raising module (`["head", "1"]`)."""
    path: list[str] = []
    seen: set[int] = set()
    for m in ctx.raising_modules():
        if m.ident in seen:  # one module in several frames (its __call__, its forward)
            continue
        seen.add(m.ident)
        name = m.attrs.get("name")
        if not name:
            break
        path.insert(0, str(name))
    return path


def path_expr(path: list[str]) -> str | None:
    """`self.head[1]` for ["head", "1"]; None for an empty path."""
    if not path or path[0].isdigit():  # an item of a container no frame names: no expression for it
        return None
    out = f"self.{path[0]}"
    for p in path[1:]:
        out += f"[{p}]" if p.isdigit() else f".{p}"
    return out


def own_layer_site(ctx: Context, path: list[str], classes: tuple[str, ...], position: int, param: str) -> \
        SizeSite | None:
    """The size argument (position `position`, keyword `param`) of the constructor that built the layer at
    `path` in the user's class: `self.<path[0]> = Layer(...)`, or an item of a Sequential / ModuleList
    assigned there; whatever the argument is (a parameter, a config field).  The site's `call` is that
    constructor."""
    if not path:
        return None
    attr, _, key = path[0].partition("[")  # `parts["classifier"]`: an entry of a ModuleDict
    key = key.rstrip("]").strip("\"'")
    found: list[tuple[str | None, SizeSite]] = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for n in src.nodes(tree, ast.Assign) if tree is not None else ():
            if not (isinstance(n, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr == attr and isinstance(
                    t.value, ast.Name) and t.value.id == "self" for t in n.targets)):
                continue
            value = _entry(n.value, key) if key else n.value
            if isinstance(value, ast.Name):  # `self.head = head`, handed to the constructor: where it was built
                n, value = _built_elsewhere(tree, n)
            call = _item(value, path[1:], tree) if value is not None else None
            if not isinstance(call, ast.Call) or src.call_name(call).split(".")[-1] not in classes:
                continue
            kw = src.keyword(call, param)
            arg = kw.value if kw is not None else (call.args[position] if len(call.args) > position else None)
            if arg is None:
                continue
            at = src.statement_at(tree, call.lineno)
            if at is not None and not src.contains(n, call.lineno):  # added to a list the container is made of
                first = _first_pass_value(tree, call, arg)
                n, arg = first if first is not None else (at, arg)
            cls = src.enclosing_class(tree, n.lineno)
            found.append((cls.name if cls is not None else None,
                          SizeSite(file=file, stmt=n, kind="layer", node=arg, text=src.segment(file, call), call=call)))
    # two classes with a layer of that name (`self.proj` of a query tower and of a product tower): the one of the
    # class whose method ran, the innermost user frame's first
    running = [fr.self_class for fr in reversed(ctx.user_frames()) if fr.self_class]
    for cls_name in running:
        hit = next((site for name, site in found if name == cls_name), None)
        if hit is not None:
            return hit
    return found[0][1] if found else None


def _first_pass_value(tree: ast.Module, call: ast.Call, arg: ast.AST) -> tuple[ast.stmt, ast.AST] | None:
    """For a layer built on a loop's first pass, `nn.Linear(prev, width)` under `for width in widths:` with
    `prev = width` later in the loop: the statement before the loop that gives `prev` its first value and
    that value (`layers, prev = [], head_in` gives `head_in`)."""
    loops = src.enclosing_loops(tree, call.lineno)
    if not isinstance(arg, ast.Name) or not loops:
        return None
    loop = loops[-1]
    if not any(a.stmt.lineno > call.lineno for a in src.assignments(tree, arg.id, loop)):
        return None  # not carried from one pass to the next
    scope = src.enclosing_scope(tree, loop.lineno)
    before = [a for a in src.assignments(tree, arg.id, scope, before=loop.lineno) if a.stmt.lineno < loop.lineno]
    if not before or before[-1].augmented:
        return None
    return before[-1].stmt, before[-1].value


def container_item_site(ctx: Context, root: str, index: str, classes: tuple[str, ...], position: int,
                        param: str) -> SizeSite | None:
    """The size argument of item `index` of the Sequential / ModuleList the user's code assigns to `root` (a
    plain name, `intent_head = nn.Sequential(nn.Dropout(0.1), nn.Linear(...))`, or `self.<attr>`), when the
    user's frame calls that container and the raising layer is its item."""
    attr = root[len("self."):] if root.startswith("self.") else root
    for file in user_files(ctx):
        tree = src.tree_of(file)
        found = []
        for n in src.nodes(tree, ast.Assign) if tree is not None else ():
            if not any((isinstance(t, ast.Name) and t.id == root) or (
                    isinstance(t, ast.Attribute) and t.attr == attr and root.startswith("self.")
                    and isinstance(t.value, ast.Name) and t.value.id == "self") for t in n.targets):
                continue
            call = _item(n.value, [index])
            if isinstance(call, ast.Call) and src.call_name(call).split(".")[-1] in classes:
                kw = src.keyword(call, param)
                arg = kw.value if kw is not None else (call.args[position] if len(call.args) > position else None)
                if arg is not None:
                    found.append(SizeSite(file=file, stmt=n, kind="layer", node=arg, text=src.segment(file, call),
                                          call=call))
        if len(found) == 1:
            return found[0]
    return None


def _built_elsewhere(tree: ast.Module, stored: ast.Assign) -> tuple[ast.stmt, ast.AST | None]:
    """For `self.head = head` from `__init__`'s parameter: the statement that built what the construction passes
    (`head = nn.Sequential(...)`), or the one return of the user's builder it calls (`head = build_head(...)`),
    with the built value."""
    made = src.passed_to_constructor(tree, stored)
    value = getattr(made, "value", None)
    if isinstance(value, ast.Call):
        fns = src.called_functions(tree, value)
        returns = [r for fn in fns for r in src.statements(fn) if isinstance(r, ast.Return) and r.value is not None]
        if len(fns) == 1 and len(returns) == 1:
            return returns[0], returns[0].value
    return (made, value) if made is not None else (stored, None)


def _entry(value: ast.AST, key: str) -> ast.AST | None:
    """The module under `key` in `nn.ModuleDict({...})` / `nn.ModuleDict(dict(key=...))`."""
    if not (isinstance(value, ast.Call) and src.call_name(value).split(".")[-1] == "ModuleDict" and value.args):
        return None
    d = value.args[0]
    if isinstance(d, ast.Dict):
        return src.dict_item(d, key)
    if isinstance(d, ast.Call) and src.call_name(d) == "dict":
        kw = src.keyword(d, key)
        return kw.value if kw is not None else None
    return None


def _item(value: ast.AST, rest: list[str], tree: ast.Module | None = None) -> ast.AST | None:
    for p in rest:
        if not (p.isdigit() and isinstance(value, ast.Call) and src.call_name(value).split(".")[-1] in _INDEXED):
            return None
        items = value.args[0].elts if (len(value.args) == 1 and isinstance(value.args[0], (ast.List, ast.Tuple))) \
            else value.args
        if len(items) == 1 and isinstance(items[0], ast.Starred) and isinstance(items[0].value, ast.Name) \
                and tree is not None:  # `nn.Sequential(*layers)`: the items the function put into `layers`
            items = grown_items(tree, items[0].value.id, value.lineno)
        if any(isinstance(i, ast.Starred) for i in items) or int(p) >= len(items):
            return None
        value = items[int(p)]
    return value


def grown_items(tree: ast.Module, name: str, line: int) -> list[ast.expr]:
    """The items the function around `line` puts into the list `name` before `line`, in order, as far as
    their places are known: its literal (`layers = [...]`, `layers, prev = [], d`), each append or extend of
    a literal after it (`layers += [nn.Linear(...), nn.ReLU()]`), and a loop's items once, those of its first
    pass (a loop whose body only adds to the list); nothing after that loop has a known place."""
    scope = src.enclosing_scope(tree, line)
    items: list[ast.expr] | None = None
    for stmt in getattr(scope, "body", []):
        if stmt.lineno >= line:
            break
        if isinstance(stmt, ast.Assign):
            value = next((a.value for a in src.assignments(tree, name, scope) if a.stmt is stmt), None)
            if value is not None:
                items = list(value.elts) if isinstance(value, (ast.List, ast.Tuple)) else None
            continue
        if items is None:
            continue
        if isinstance(stmt, ast.For):
            grown = [g for g in map(src.list_growth, stmt.body) if g is not None and g[0] == name]
            others = [b for b in stmt.body if src.list_growth(b) is None or src.list_growth(b)[0] != name]
            if not grown or stmt.orelse or any(isinstance(n, ast.Name) and n.id == name
                                               for b in others for n in ast.walk(b)):
                return items
            for _, how, v in grown:
                if how == "extend" and not isinstance(v, (ast.List, ast.Tuple)):
                    return items
                items.extend(v.elts if how == "extend" else [v])
            return items
        grown = src.list_growth(stmt)
        if grown is not None and grown[0] == name:
            if grown[1] == "extend" and not isinstance(grown[2], (ast.List, ast.Tuple)):
                return items
            items.extend(grown[2].elts if grown[1] == "extend" else [grown[2]])
        elif any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(stmt)):
            return items  # handed elsewhere, or grown in a way not read: later places unknown
    return items or []


def joined_parts(file: str, tree: ast.Module, value: ast.AST, line: int) -> tuple[ast.Call, ast.AST | None] | None:
    """The `torch.cat(...)` inside `value` (an assignment's value, wrappers such as dropout allowed) and,
    when its parts are a comprehension rather than a literal list, the collection the comprehension has one
    item per element of, followed through names, `self.` attributes and ModuleList/list wrappers to where
    it is first named (a parameter such as `filter_sizes`)."""
    cat = next((c for c in ast.walk(value) if isinstance(c, ast.Call) and c.args and src.call_name(c).split(".")[-1]
                in ("cat", "concat", "hstack")), None)
    if cat is None:
        return None
    parts = cat.args[0]
    if isinstance(parts, (ast.List, ast.Tuple)):
        return cat, None
    return cat, _root(tree, parts, line, 0)


def _root(tree: ast.Module, node: ast.AST, line: int, depth: int) -> ast.AST | None:
    if depth > 12:
        return None
    if isinstance(node, ast.Call) and src.call_name(node) == "range" and len(node.args) == 1:
        return node  # `range(n_pool)`: n_pool items
    if isinstance(node, (ast.ListComp, ast.GeneratorExp)) and len(node.generators) == 1:
        return _root(tree, node.generators[0].iter, line, depth + 1)
    if isinstance(node, ast.Call) and src.call_name(node).split(".")[-1] in _SAME_ITEMS and len(node.args) == 1:
        return _root(tree, node.args[0], line, depth + 1)
    if isinstance(node, ast.Name):
        made = src.last_assignment(tree, node.id, line)
        if made is None or made.augmented or made.stmt.lineno >= line:
            return node  # a parameter, or a name made elsewhere: where the collection is first named
        return _root(tree, made.value, made.stmt.lineno, depth + 1) or node
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        cls = src.enclosing_class(tree, line)
        made = [n for n in ast.walk(cls) if isinstance(n, ast.Assign) and any(
            isinstance(t, ast.Attribute) and t.attr == node.attr for t in n.targets)] if cls is not None else []
        if len(made) != 1:
            return node
        return _root(tree, made[0].value, made[0].lineno, depth + 1) or node
    return None


def static_count(tree: ast.Module, node: ast.AST) -> int | None:
    """The number of items of a module-level collection named `node` (or of `range(<int>)`), when the source
    says it."""
    if isinstance(node, ast.Call):  # range(...)
        arg = node.args[0]
        return arg.value if isinstance(arg, ast.Constant) and type(arg.value) is int else None
    return static_len(node, module_defs(tree))[0] if isinstance(node, ast.Name) else None


def count_expr(root: ast.AST) -> str:
    """The code for the number of items of `root`: `n_pool` for `range(n_pool)`, else `len(<root>)`."""
    if isinstance(root, ast.Call):
        arg = ast.unparse(root.args[0])
        return arg if isinstance(root.args[0], (ast.Name, ast.Attribute, ast.Constant)) else f"({arg})"
    return f"len({ast.unparse(root)})"


def readable_at(file: str, line: int, code: str) -> bool:
    """Whether `code` can run at `line`: its names are bound there and each `self.<attr>` it reads was
    assigned earlier in the same function (a layer built in `__init__` before the ModuleList it counts)."""
    from ..fixes.checks import bound_names
    tree = src.tree_of(file)
    try:
        expr = ast.parse(code, mode="eval")
    except SyntaxError:
        return False
    names = {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)}
    if tree is None or not names <= (bound_names(file, line) or set()):
        return False
    attrs = {n.attr for n in ast.walk(expr) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
             and n.value.id == "self"}
    scope = src.enclosing_scope(tree, line)
    set_before = {t.attr for n in src.statements(scope) if isinstance(n, ast.Assign) and n.lineno < line
                  for t in n.targets if isinstance(t, ast.Attribute)}
    return attrs <= set_before
