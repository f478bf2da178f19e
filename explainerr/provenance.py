"""Where a tensor's value was made in the user's code: the chain of assignments, renaming call arguments,
`for` headers, DataLoaders, helper functions and `self.` attributes that led to it.

Read from the user's source files only (source.py) along the frames of the Report: nothing is run.  The
steps are shown under a diagnosis ("Where the values come from") because the line that raised is rarely
the line to change: the mask was built by a helper, the ids were clipped two frames up, the batch came from
a collate function.
"""
from __future__ import annotations

import ast
import re
from dataclasses import replace

from . import dataflow as flow
from . import source as src
from .facts import Context
from .model import FrameFacts, Origin, TensorFacts
from .safety import looks_secret

MAX_STEPS = 5
MAX_TRACED = 3
MAX_SOURCE = 160
_ROOT = re.compile(r"[A-Za-z_]\w*")
_FACTORY = re.compile(r"(torch|np|numpy)\.\w+$")
#: Calls that convert their first argument without making new values: followed into that argument.
_CONVERSIONS = re.compile(r"^(torch\.(from_numpy|as_tensor|tensor|LongTensor|FloatTensor|stack|cat)|"
                          r"(np|numpy)\.(array|asarray|stack|concatenate))$")


def origins(ctx: Context, tensors: list[TensorFacts]) -> tuple[Origin, ...]:
    """The steps behind each of `tensors` (user-frame tensors), at most MAX_TRACED tensors, deduplicated."""
    out: list[Origin] = []
    seen_roots: set[tuple[int, str]] = set()
    seen_lines: set[tuple[str, int]] = set()
    for t in tensors:
        if len(seen_roots) >= MAX_TRACED:
            break
        if ctx.frames[t.frame].library:
            continue
        root = root_name(t.expr)
        if root is None or (t.frame, t.expr) in seen_roots:
            continue
        seen_roots.add((t.frame, t.expr))
        for o in trace(ctx, t):
            if (o.file, o.line) not in seen_lines:
                seen_lines.add((o.file, o.line))
                out.append(o)
    return tuple(out)


def trace(ctx: Context, t: TensorFacts) -> list[Origin]:
    frame = ctx.frames[t.frame]
    tree = src.tree_of(frame.file)
    if tree is None:
        return []
    steps: list[Origin] = []
    name, line = root_name(t.expr), frame.line
    if t.expr.startswith("self."):
        attr = t.expr.split(".")[1].split("[")[0]
        stored = _self_attribute(frame, tree, attr, t.expr, steps)
        passed = _constructor_argument(ctx, frame, tree, stored, t.expr, steps) if stored is not None else None
        if passed is None:
            return steps
        name, frame, line = passed  # `EpisodeTower(cfg, emb, pop_bucket)`: on to where `pop_bucket` was made
    elif re.fullmatch(r"\w+\.\w+", t.expr):
        _instance_attribute(tree, frame, t.expr, steps)  # `train_ds.targets`: set in the class's `__init__`
    elif re.fullmatch(r'\w+\["\w+"\]', t.expr):
        _item_written(frame, tree, t.expr, steps)  # `batch["labels"] = encode(tags)` after `batch` was made
    position = None  # the place of the name in the tuple a `for` unpacked it from (a batch's fields)
    entry = None  # the key of the mapping a `**mapping` argument gave the parameter traced
    followed: set[int] = set()  # the assignments already followed (one is never followed twice)
    while name and len(steps) < MAX_STEPS:
        tree = src.tree_of(frame.file)
        if tree is None:
            break
        scope = src.enclosing_scope(tree, line)
        found = src.assignments(tree, name, scope, before=line)
        found = [a for a in found if (a.stmt.lineno < line or (a.stmt.lineno == line and line != frame.line))
                 and id(a.stmt) not in followed]
        loop = _loop_over(tree, name, line, scope)
        if found and (loop is None or found[-1].stmt.lineno > loop.lineno):
            a = found[-1]
            _writes_since(frame, tree, scope, name, a.stmt.lineno, line, t.expr, steps)
            _add(steps, frame, a.stmt, t.expr)
            followed.add(id(a.stmt))
            if isinstance(a.value, ast.Attribute) and isinstance(a.value.value, ast.Name):
                _instance_attribute(tree, frame, ast.unparse(a.value), steps)  # `ts = sched.ddim_ts`: set in its class
            passed = _prepared(a.stmt, name)
            if passed is not None:  # `model, loader = accelerator.prepare(model, loader)`: the same object, wrapped
                name, line = passed, a.stmt.lineno
                continue
            if position is None and isinstance(a.stmt, ast.Assign) and len(a.stmt.targets) == 1:
                position = _unpacked_position(a.stmt.targets[0], name)  # `codes, flags = prepare(rows)`
            entry = entry_read(a.value) or entry  # `gold = inputs.pop("labels")`: the batch's "labels"
            name, line = _follow(frame, tree, a.value, a.stmt, t.expr, steps, position, entry), a.stmt.lineno
            position = None
            continue
        if loop is not None:
            _add(steps, frame, loop, t.expr, header=True)
            position = _unpacked_position(loop.target, name)
            it = loop.iter
            while isinstance(it, ast.Call) and src.call_name(it) in ("enumerate", "tqdm", "tqdm.tqdm") and it.args:
                it = it.args[0]
            if isinstance(it, ast.Call) and src.call_name(it).split(".")[-1] == "DataLoader":
                stored = _loader_lines(frame, tree, it, t.expr, steps, position, entry)  # `for batch in DataLoader(...)`
                if stored is None:
                    break
                name, line = stored, loop.lineno  # `LogDataset(token_matrix[idx], ...)`: on to `token_matrix`
                continue
            helper = user_function(tree, it, loop.lineno) if isinstance(it, ast.Call) else None
            if helper is not None and any(isinstance(n, ast.Yield) for n in ast.walk(helper)):
                _helper_lines(frame, helper, t.expr, steps, position=position, entry=entry)  # `for x, y in batches(rows)`
                position = None
                name, line = _iterated_name(loop.iter), loop.lineno  # then the data it was given
                continue
            name, line = _iterated_name(loop.iter), loop.lineno
            continue
        if name in frame.params and name != "self":
            caller = ctx._caller(frame)
            arg = next((a for a in caller.call_args if a.param == name), None) if caller else None
            if caller is not None and arg is None:  # `model(**batch)`: the parameter is one of the mapping's keys
                arg = next((a for a in caller.call_args if a.param is None and a.text.startswith("**")
                            and a.text[2:].isidentifier()), None)
                if arg is not None:
                    _add_text(steps, caller, f"{caller.node or arg.text}", t.expr)
                    name, frame, line, entry = arg.text[2:], caller, caller.line, name
                    continue
            if caller is None or arg is None or (caller.library and entry is not None):
                if entry is not None:  # `inputs.pop("labels")` of a batch a library's loop collated
                    _collated_entry(frame, tree, entry, t.expr, steps)
                break
            if arg.text != name:
                _add_text(steps, caller, f"{caller.node or arg.text}", t.expr)
            made = _argument_call(caller, arg.text)
            if made is not None:  # `model(titles_to_tensor(titles))`: into the helper that made the value
                name = _follow(caller, made[0], made[1], made[2], t.expr, steps)
                frame, line = caller, caller.line
                continue
            attr = re.fullmatch(r"self\.(\w+)", arg.text)
            caller_tree = src.tree_of(caller.file) if attr is not None and not caller.library else None
            if caller_tree is not None:  # `to_bones(x, self.parent_idx)`: on to where the instance stored it
                stored = _self_attribute(caller, caller_tree, attr.group(1), t.expr, steps)
                passed = _constructor_argument(ctx, caller, caller_tree, stored, t.expr, steps) \
                    if stored is not None else None
                if passed is None:
                    break
                name, frame, line = passed
                continue
            name, frame, line = root_name(arg.text), caller, caller.line
            continue
        outer = _closure_frame(ctx, frame, tree, scope, name)
        if outer is not None:  # a nested function's free variable: on in the frame of the function around it
            frame, line = outer, outer.line
            continue
        if scope is not tree:
            found = src.assignments(tree, name, tree, before=None)
            if found:
                _add(steps, frame, found[-1].stmt, t.expr)
                if isinstance(found[-1].value, ast.Call):  # a module-level `table = encode(rows)`: into the helper
                    _follow(frame, tree, found[-1].value, found[-1].stmt, t.expr, steps)
        break
    return steps


def origin_statement(o: Origin) -> ast.stmt | None:
    """The statement of the user's source a step of the provenance stands for (its `source` is one line, cut
    at MAX_SOURCE characters: for reading, the statement itself)."""
    tree = src.tree_of(o.file)
    return src.statement_at(tree, o.line) if tree is not None else None


def entry_read(value: ast.AST) -> str | None:
    """"labels" for `inputs["labels"]`, `inputs.pop("labels")`, `inputs.get("labels")`."""
    if isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Constant) and isinstance(value.slice.value, str):
        return value.slice.value
    if (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in ("pop", "get")
            and value.args and isinstance(value.args[0], ast.Constant) and isinstance(value.args[0].value, str)):
        return value.args[0].value
    return None


def _collated_entry(frame: FrameFacts, tree: ast.Module, key: str, expr: str, steps: list[Origin]) -> None:
    """The lines of the user's collator that write the batch's `key`, for a batch a library's loop hands to the
    user's hook (`compute_loss(self, model, inputs)`): the collator given as `data_collator=` / `collate_fn=`
    in the file (a class with `__call__`, a function, a factory's or partial's function)."""
    from .analyzers.collators import function_of
    classes = {c.name: c for c in src.nodes(tree, ast.ClassDef)}
    for call in src.calls(tree):
        kw = src.keyword(call, "data_collator") or src.keyword(call, "collate_fn")
        if kw is None:
            continue
        value = kw.value
        if isinstance(value, ast.Name):  # `collator = LogLineCollator(...)` then `data_collator=collator`
            made = src.assignments(tree, value.id, src.enclosing_scope(tree, call.lineno), before=call.lineno)
            value = made[-1].value if made else value
        cls = classes.get(value.func.id) if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) else None
        fn = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__call__"), None) \
            if cls is not None else function_of(tree, kw.value)
        if fn is None or not any(isinstance(n, ast.Constant) and n.value == key for n in ast.walk(fn)):
            continue
        name = f"{cls.name}.__call__" if cls is not None else fn.name
        site = FrameFacts(index=-1, file=frame.file, line=fn.lineno, function=name, library=False)
        _helper_lines(site, fn, expr, steps, name=name, entry=key)
        return


def _closure_frame(ctx: Context, frame: FrameFacts, tree: ast.Module, scope: ast.AST, name: str) -> FrameFacts | None:
    """The running frame of the function that `scope` is defined in, when `name` is its parameter or local (a
    closure handed to a library, `opt.step(closure)`, reads it from there)."""
    if not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    parent = next((n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                   and any(c is scope for c in src.statements(n))), None)
    if parent is None or not (name in [a.arg for a in parent.args.args] or src.assignments(tree, name, parent)):
        return None
    return next((fr for fr in ctx.frames if fr is not frame and fr.file == frame.file and fr.function == parent.name
                 and parent.lineno <= fr.line <= (parent.end_lineno or fr.line)), None)


def _prepared(stmt: ast.stmt, name: str) -> str | None:
    """For `a, b = accelerator.prepare(a, b)` (a wrapper that returns its arguments in order), the name passed at
    `name`'s place."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Attribute) and stmt.value.func.attr == "prepare"):
        return None
    target, args = stmt.targets[0], stmt.value.args
    place = 0 if isinstance(target, ast.Name) and target.id == name else _unpacked_position(target, name)
    if place is None or place >= len(args) or not isinstance(args[place], ast.Name):
        return None
    return args[place].id


def _argument_call(frame: FrameFacts, text: str) -> tuple[ast.Module, ast.Call, ast.stmt] | None:
    """The call expression a caller passed as an argument (`titles_to_tensor(titles)`), found in the
    caller's statement, with the file's tree and that statement; None for a name or an item."""
    tree = src.tree_of(frame.file)
    stmt = src.statement_at(tree, frame.line) if tree is not None else None
    if tree is None or stmt is None:
        return None
    for n in ast.walk(stmt):
        if isinstance(n, ast.Call) and src.segment(frame.file, n) == text:
            return tree, n, stmt
    return None


def _writes_since(frame: FrameFacts, tree: ast.Module, scope: ast.AST, name: str, after: int, before: int,
                  expr: str, steps: list[Origin]) -> None:
    """The lines between `name`'s assignment and its use that changed its values without assigning it: in-place
    writes to it or to a name sharing its storage (`labels = input_ids` then `labels[~m] = -100`), most recent
    first, each followed by the line that made the alias."""
    shared = flow.aliases(tree, scope, name, before)
    names = [name] + [n for n, _ in shared]
    for w in reversed(flow.inplace_writes(scope, names, after, before)):
        _add(steps, frame, w, expr)
    for _, stmt in reversed(shared):
        if after < stmt.lineno < before:
            _add(steps, frame, stmt, expr)


def _unpacked_position(target: ast.AST, name: str) -> int | None:
    """k when a `for` target unpacks `name` at place k (`for ids, mask, y in loader` gives mask 1; also
    `for i, (ids, mask) in enumerate(loader)`)."""
    if isinstance(target, ast.Tuple) and len(target.elts) == 2 and isinstance(target.elts[1], ast.Tuple) and \
            any(isinstance(e, ast.Name) and e.id == name for e in target.elts[1].elts):
        target = target.elts[1]
    if isinstance(target, ast.Tuple):
        hits = [i for i, e in enumerate(target.elts) if isinstance(e, ast.Name) and e.id == name]
        return hits[0] if hits else None
    return None


def _follow(frame: FrameFacts, tree: ast.Module, value: ast.AST, stmt: ast.stmt, expr: str,
            steps: list[Origin], position: int | None = None, entry: str | None = None) -> str | None:
    """After an assignment: the name to keep following, having added a helper's or a DataLoader's lines (of
    the batch's `entry` when one was read)."""
    while (isinstance(value, ast.Call) and _CONVERSIONS.match(src.call_name(value)) and value.args
           and isinstance(value.args[0], (ast.Call, ast.Name, ast.Subscript))):
        value = value.args[0]  # `torch.from_numpy(build(...))`: the values were made by `build`
    while isinstance(value, ast.Subscript) and isinstance(value.value, (ast.Name, ast.Subscript)):
        value = value.value  # `torch.from_numpy(table[:, -1])`: a column of `table`, made where `table` was
    if isinstance(value, ast.Name):
        return value.id
    if isinstance(value, ast.Call) and src.call_name(value).split(".")[-1] == "train_test_split" and \
            position is not None and position // 2 < len(value.args) and isinstance(value.args[position // 2], ast.Name):
        return value.args[position // 2].id  # `a_tr, a_te, b_tr, b_te = train_test_split(a, b)`: a train/test part of b
    if isinstance(value, ast.Call):
        helper = user_function(tree, value, stmt.lineno)
        if helper is not None:
            _helper_lines(frame, helper, expr, steps, position=position, entry=entry)
            return None
        if src.call_name(value).split(".")[-1] == "DataLoader":
            return _loader_lines(frame, tree, value, expr, steps, position, entry)
        if _FACTORY.match(src.call_name(value)):
            return None  # made here (torch.zeros, torch.tensor, np.array): the line itself is the origin
        if entry_read(value) is not None and isinstance(value.func.value, ast.Name):  # type: ignore[attr-defined]
            return value.func.value.id  # type: ignore[attr-defined]  # `inputs.pop("labels")`: an entry of `inputs`
    elif isinstance(value, (ast.Name, ast.Attribute, ast.Subscript)):
        base = value
        while isinstance(base, (ast.Attribute, ast.Subscript)):
            base = base.value
        if isinstance(base, ast.Call):  # `model(x).logits`, `out[0]`: what the call was computed from
            return _tensor_operand(frame, base, stmt)
        name = root_name(ast.unparse(value))
        if name and any(m.expr == name for m in frame.modules):
            return None  # a module (`model`), not a tensor: its construction is not where values come from
        return name
    return _tensor_operand(frame, value, stmt)


def _tensor_operand(frame: FrameFacts, value: ast.AST, stmt: ast.stmt) -> str | None:
    """In a computed value (`q @ k.T`, `self.embed(ids)`), the tensor it was computed from: the assigned name
    itself when the value updates it, else a name that holds a tensor in the frame, integer tensors (ids) first."""
    targets = {n for t in getattr(stmt, "targets", [getattr(stmt, "target", None)]) if t is not None
               for n in src.names_in(t)}
    updated = [n for n in dict.fromkeys(src.names_in(value)) if n in targets and frame.tensor(n) is not None]
    if updated:  # `x = (x - mu) / sigma`: the values are `x`'s, updated; they were made where `x` was before
        return updated[0]
    live = [frame.tensor(n) for n in dict.fromkeys(src.names_in(value)) if n not in targets or
            isinstance(stmt, ast.AugAssign)]
    live = [t for t in live if t is not None]
    if not live:
        return None
    return sorted(live, key=lambda t: not t.is_integer)[0].expr


def user_function(tree: ast.Module, call: ast.Call, line: int) -> ast.FunctionDef | None:
    """The definition in the same file of a plain `helper(...)` or `self.helper(...)` call, of a method of an
    instance the file makes, or of the one method of the file's classes with that name."""
    func = call.func
    if isinstance(func, ast.Name):
        defs = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == func.id]
        return defs[-1] if defs else _made_by_factory(tree, func.id, line)
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self":
        cls = src.enclosing_class(tree, line)
        if cls is not None:
            defs = [n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == func.attr]
            return defs[-1] if defs else None
    found = _instance_method(tree, func.value.id, func.attr, line) if isinstance(func, ast.Attribute) and isinstance(
        func.value, ast.Name) else None
    if found is None and isinstance(func, ast.Attribute):  # `self._encoder.to_targets(...)`: the one class method
        methods = [n for c in src.nodes(tree, ast.ClassDef) for n in c.body
                   if isinstance(n, ast.FunctionDef) and n.name == func.attr]
        found = methods[0] if len(methods) == 1 else None
    return found


def _made_by_factory(tree: ast.Module, name: str, line: int) -> ast.FunctionDef | None:
    """`collate = make_collate(tok)` (or `partial(collate_rows, pad_id=0)`) before `line` in its scope, where the
    user's `make_collate` returns a function it defines: that inner function (or `collate_rows`)."""
    from .analyzers.collators import function_of
    made = src.assignments(tree, name, src.enclosing_scope(tree, line), before=line)
    value = made[-1].value if made else None
    return function_of(tree, value) if isinstance(value, ast.Call) else None


def _own_method(tree: ast.Module, node: ast.AST, method: str) -> ast.FunctionDef | None:
    """`self.<method>` read at `node`: that method of the class around it."""
    cls = src.enclosing_class(tree, node.lineno)  # type: ignore[attr-defined]
    defs = [n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == method] if cls is not None else []
    return defs[-1] if defs else None


def _instance_method(tree: ast.Module, instance: str, method: str, line: int | None = None) -> ast.FunctionDef | None:
    """`helpers.build(...)` where the file makes `helpers = Helpers(...)` (in the function around `line`, else at
    module level) and defines class `Helpers` with a method `build`: that method's definition."""
    scope = src.enclosing_scope(tree, line) if line is not None else tree
    made = [a for a in src.assignments(tree, instance, scope, before=line) if isinstance(a.value, ast.Call)
            and isinstance(a.value.func, ast.Name)] if scope is not tree else []
    made = made or [a for a in src.assignments(tree, instance, tree) if isinstance(a.value, ast.Call)
                    and isinstance(a.value.func, ast.Name)]
    if not made:
        return None
    cls_name = made[-1].value.func.id  # type: ignore[attr-defined]
    cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls_name), None)
    defs = [n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == method] if cls is not None else []
    return defs[-1] if defs else None


def _helper_lines(frame: FrameFacts, fn: ast.FunctionDef, expr: str, steps: list[Origin],
                  name: str | None = None, position: int | None = None, entry: str | None = None) -> None:
    """A helper's return statement, preceded by the assignment of the first local its return uses (for
    `batch["labels"]` and a returned dict, the local behind the "labels" entry; for a returned tuple unpacked
    by a loop, the item at the unpacked place; `entry` names the dict's key when `expr` does not)."""
    returns = [n for n in src.statements(fn) if isinstance(n, ast.Return) and n.value is not None] or [
        n for n in src.statements(fn) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Yield)
        and n.value.value is not None]  # a generator's `yield`
    if not returns:
        return
    ret = max(returns, key=lambda n: n.lineno)
    value: ast.AST = ret.value.value if isinstance(ret, ast.Expr) else ret.value
    function = name or fn.name
    if position is not None and isinstance(value, ast.Tuple) and position < len(value.elts):
        value = value.elts[position]
    elif position is not None and isinstance(value, ast.Name):  # `batches.append((words, tags))`, `return batches`
        rows = [c.args[0] for c in src.calls(fn) if isinstance(c.func, ast.Attribute) and c.func.attr == "append"
                and isinstance(c.func.value, ast.Name) and c.func.value.id == value.id and len(c.args) == 1
                and isinstance(c.args[0], ast.Tuple) and position < len(c.args[0].elts)]
        value = rows[0].elts[position] if len(rows) == 1 else value
    read = re.fullmatch(r'\w+\["(\w+)"\]', expr)
    key = read.group(1) if read else entry
    tree = frame_tree(frame)
    set_item = None
    if key and isinstance(value, ast.Dict):
        value = src.dict_item(value, key) or value
    elif key and isinstance(value, ast.Name):  # `batch["labels"] = labels ... return batch`
        sets = flow.key_assignments(fn, value.id, key, before=ret.lineno)
        if sets:
            set_item = sets[-1]
            value = flow.key_value(set_item, key) or value
    params = {a.arg for a in fn.args.args}
    locals_used = [n for n in src.names_in(value) if n not in params]
    inside: list[Origin] = []
    _add(inside, frame, ret, expr, function=function)
    if set_item is not None:
        _add(inside, frame, set_item, expr, function=function)
    end = set_item.lineno if set_item is not None else ret.lineno
    made_here = [n for n in locals_used if src.assignments(tree, n, fn, before=end)]  # not `torch` of `torch.floor`
    for local in made_here[:1]:
        found = src.assignments(tree, local, fn, before=end)
        if found:
            _writes_since(frame, tree, fn, local, found[-1].stmt.lineno, end, expr, inside)
            _add(inside, frame, found[-1].stmt, expr, function=function)
    steps.extend(sorted((_in_function(o, function) for o in inside), key=lambda o: o.line))


def _in_function(o: Origin, function: str) -> Origin:
    return replace(o, function=function)


def _loader_lines(frame: FrameFacts, tree: ast.Module, call: ast.Call, expr: str, steps: list[Origin],
                  position: int | None = None, entry: str | None = None) -> str | None:
    """A DataLoader's collate function's return (a function, a method of a helper object, or `self.<method>`
    of the class that builds the DataLoader), else its dataset class's `__getitem__` return; then, when that
    return reads one array the constructor stored from an argument, the name that argument reads (returned, to
    follow on where the DataLoader is made).  `entry` is the key of the batch that was read (`batch["gloss_ids"]`)
    when `expr` does not name it."""
    kw = src.keyword(call, "collate_fn")
    if kw is not None and isinstance(kw.value, ast.Call):  # a factory's product, or a partial of a function
        from .analyzers.collators import collate_def
        fn = collate_def(tree, call)
        if fn is not None:
            _helper_lines(frame, fn, expr, steps, position=position, entry=entry)
            return None
    if kw is not None and isinstance(kw.value, (ast.Name, ast.Attribute)):
        v = kw.value
        fn = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == v.id), None) \
            if isinstance(v, ast.Name) else _own_method(tree, call, v.attr) \
            if isinstance(v.value, ast.Name) and v.value.id == "self" else _instance_method(tree, v.value.id, v.attr) \
            if isinstance(v.value, ast.Name) else None
        if fn is not None:
            _helper_lines(frame, fn, expr, steps, position=position, entry=entry)
        return None
    dataset = call.args[0] if call.args else (src.keyword(call, "dataset").value if src.keyword(call, "dataset")
                                             else None)
    if isinstance(dataset, ast.Name):
        made = src.assignments(tree, dataset.id, src.enclosing_scope(tree, call.lineno), before=call.lineno)
        if made and isinstance(made[-1].value, ast.Call) and isinstance(made[-1].value.func, ast.Name):
            dataset = made[-1].value
        if isinstance(dataset, ast.Call) and src.call_name(dataset) in ("random_split", "Subset") and \
                dataset.args and isinstance(dataset.args[0], ast.Name):  # a split of a Dataset: its items are that one's
            whole = src.assignments(tree, dataset.args[0].id, src.enclosing_scope(tree, call.lineno),
                                    before=dataset.lineno)
            if whole and isinstance(whole[-1].value, ast.Call) and isinstance(whole[-1].value.func, ast.Name):
                dataset = whole[-1].value
        if made and isinstance(made[-1].value, ast.Call) and position is not None and \
                src.call_name(made[-1].value).split(".")[-1] == "TensorDataset":
            _add(steps, frame, made[-1].stmt, expr)
            dataset = made[-1].value
    if isinstance(dataset, ast.Call) and src.call_name(dataset).split(".")[-1] == "TensorDataset" and \
            position is not None and position < len(dataset.args) and not dataset.keywords:
        part = dataset.args[position]  # `TensorDataset(src[n:], tgt[n:])`: a batch's k-th tensor is rows of the k-th
        while isinstance(part, ast.Subscript) and not (isinstance(part.slice, ast.Constant)
                                                       and isinstance(part.slice.value, str)):
            part = part.value  # (rows of it; not an entry of a dict, `cache["mask"]`: no name holds that)
        return part.id if isinstance(part, ast.Name) else None
    if isinstance(dataset, ast.Call) and isinstance(dataset.func, ast.Name):
        cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == dataset.func.id), None)
        item = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__getitem__"), None) \
            if cls is not None else None
        if item is not None:
            _helper_lines(frame, item, expr, steps, name=f"{cls.name}.__getitem__", position=position,
                          entry=entry)
            return _stored_argument(cls, item, dataset, expr, position)
    return None


def _stored_argument(cls: ast.ClassDef, item: ast.FunctionDef, made: ast.Call, expr: str,
                     position: int | None = None) -> str | None:
    """`__getitem__` returns (for the entry `expr` reads) a row of the one attribute `self.tok` that `__init__`
    stores from its parameter `tok`: the name the construction `made` passes there (`token_matrix` of
    `LogDataset(token_matrix[idx], ...)`)."""
    returns = [n.value for n in src.statements(item) if isinstance(n, ast.Return) and n.value is not None]
    if len(returns) != 1:
        return None
    value = returns[0]
    if position is not None and isinstance(value, ast.Tuple) and position < len(value.elts):
        value = value.elts[position]  # `for x, y in loader`: the item at the unpacked place
    read = re.fullmatch(r'\w+\["(\w+)"\]', expr)
    if isinstance(value, ast.Dict):  # the entry `batch["tok"]` reads, or the one the parameter `tok` is named after
        value = src.dict_item(value, read.group(1) if read else expr)
    attrs = {n.attr for n in ast.walk(value) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
             and n.value.id == "self"} if value is not None else set()
    init = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
    if len(attrs) != 1 or init is None:
        return None
    stored = src.self_assignments(cls, attrs.pop())
    params = [a.arg for a in init.args.args][1:]
    if len(stored) != 1 or not isinstance(stored[0].value, ast.Name) or stored[0].value.id not in params:
        return None
    name = stored[0].value.id
    kw = src.keyword(made, name)
    at = params.index(name)
    arg = kw.value if kw is not None else made.args[at] if at < len(made.args) and not any(
        isinstance(a, ast.Starred) for a in made.args) else None
    return root_name(ast.unparse(arg)) if arg is not None else None


def _self_attribute(frame: FrameFacts, tree: ast.Module, attr: str, expr: str,
                    steps: list[Origin]) -> tuple[ast.ClassDef, ast.AST | None] | None:
    """Where `self.<attr>` was set in the class of the failing method (usually `__init__`): adds that line and
    returns (the class, the value stored there)."""
    cls = src.enclosing_class(tree, frame.line)
    if cls is None:
        return None
    stored = [n for n in ast.walk(cls) if isinstance(n, (ast.Assign, ast.AnnAssign)) and any(
        isinstance(t, ast.Attribute) and t.attr == attr and isinstance(t.value, ast.Name) and t.value.id == "self"
        for t in (n.targets if isinstance(n, ast.Assign) else [n.target]))]
    given = [n for n in stored if not (isinstance(n.value, ast.Constant) and n.value.value is None)]
    if len(given) == 1 and given[0] is not stored[0]:  # `self._targets = None` first, the value set later
        setter = _setter_call(cls, given[0])
        if setter is not None:  # `def set_targets(self, t): self._targets = t`, called as `self.set_targets(...)`
            stmt, value = setter
            _add(steps, frame, stmt, expr, function=f"{cls.name}.{_function_at(cls, stmt.lineno)}")
            return cls, value
        stored = given
    for n in ast.walk(cls):
        if stored and n is stored[0]:
            _add(steps, frame, n, expr, function=f"{cls.name}.{_function_at(cls, n.lineno)}")
            return cls, n.value
        if (isinstance(n, ast.Call) and src.call_name(n).endswith("register_buffer") and n.args
                and isinstance(n.args[0], ast.Constant) and n.args[0].value == attr):
            stmt = src.statement_at(tree, n.lineno)
            if stmt is not None:
                _add(steps, frame, stmt, expr, function=f"{cls.name}.{_function_at(cls, n.lineno)}")
                return cls, n.args[1] if len(n.args) > 1 else None
    return None


def _setter_call(cls: ast.ClassDef, assign: ast.Assign | ast.AnnAssign) -> tuple[ast.stmt, ast.expr] | None:
    """(statement, argument) of the one `self.<setter>(value)` call in the class when `assign` stores a parameter of
    the method `<setter>` (`def set_targets(self, targets): self._targets = targets`)."""
    method = next((m for m in cls.body if isinstance(m, ast.FunctionDef) and src.contains(m, assign.lineno)), None)
    params = [a.arg for a in method.args.args[1:]] if method is not None else []
    if method is None or method.name == "__init__" or not (
            isinstance(assign.value, ast.Name) and assign.value.id in params):
        return None
    at = params.index(assign.value.id)
    calls = [c for c in ast.walk(cls) if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
             and c.func.attr == method.name and isinstance(c.func.value, ast.Name) and c.func.value.id == "self"
             and len(c.args) > at]
    if len(calls) != 1:
        return None
    inner = [s for s in ast.walk(cls) if isinstance(s, ast.stmt) and not isinstance(s, (ast.FunctionDef, ast.ClassDef))
             and any(c is calls[0] for c in ast.walk(s))]
    stmt = min(inner, key=lambda s: len(list(ast.walk(s))), default=None)  # the innermost statement holding it
    return (stmt, calls[0].args[at]) if stmt is not None else None


def _item_written(frame: FrameFacts, tree: ast.Module, expr: str, steps: list[Origin]) -> None:
    """`inputs["labels"] = <value>` in the failing scope before the line (the item set after the mapping was
    made): that line, and the helper that computed the value."""
    obj, key = expr.split("[")[0], expr.split('"')[1]
    scope = src.enclosing_scope(tree, frame.line)
    written = [n for n in src.statements(scope, nested=True) if isinstance(n, ast.Assign) and len(n.targets) == 1
               and n.lineno < frame.line and isinstance(n.targets[0], ast.Subscript)
               and isinstance(n.targets[0].value, ast.Name) and n.targets[0].value.id == obj
               and isinstance(n.targets[0].slice, ast.Constant) and n.targets[0].slice.value == key]
    if written:
        _add(steps, frame, written[-1], expr)
        _follow(frame, tree, written[-1].value, written[-1], expr, steps)


def _instance_attribute(tree: ast.Module, frame: FrameFacts, expr: str, steps: list[Origin]) -> None:
    """`ds.targets` of an instance of a class of the file (`ds = Incidents(rows)` before the line): the one
    `self.targets = ...` of that class, added as a step."""
    obj, attr = expr.split(".")
    made = src.last_assignment(tree, obj, frame.line)
    if made is None or not isinstance(made.value, ast.Call) or not isinstance(made.value.func, ast.Name):
        return
    cls = next((c for c in src.nodes(tree, ast.ClassDef) if c.name == made.value.func.id), None)
    stored = src.self_assignments(cls, attr) if cls is not None else []
    if len(stored) == 1:
        _add(steps, frame, stored[0], expr, function=f"{cls.name}.{_function_at(cls, stored[0].lineno)}")


def _constructor_argument(ctx: Context, frame: FrameFacts, tree: ast.Module,
                          stored: tuple[ast.ClassDef, ast.AST | None], expr: str,
                          steps: list[Origin]) -> tuple[str, FrameFacts, int] | None:
    """A stored attribute that is a parameter of `__init__` (`self.register_buffer("pop_bucket", pop_bucket)`):
    the plain name a running caller gave the class's constructor for it (`EpisodeTower(cfg, emb, pop_bucket)`),
    with that frame and the constructor's line (the constructor's line is added to the steps)."""
    cls, value = stored
    init = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
    while isinstance(value, ast.Call) and _CONVERSIONS.match(src.call_name(value)) and len(value.args) == 1:
        value = value.args[0]  # `self.register_buffer("parents", torch.from_numpy(parents))`: the parameter given
    if init is None or not isinstance(value, ast.Name):
        return None
    params = [a.arg for a in init.args.args][1:]
    if value.id not in params or src.assignments(tree, value.id, init):
        return None  # not a parameter, or one reassigned inside `__init__`
    at = params.index(value.id)
    for caller in reversed(ctx.frames[: frame.index]):
        caller_tree = src.tree_of(caller.file) if not caller.library else None
        if caller_tree is None:
            continue
        scope = src.enclosing_scope(caller_tree, caller.line)
        for call in src.calls(scope):
            if src.call_name(call).split(".")[-1] != cls.name or call.lineno > caller.line:
                continue
            kw = src.keyword(call, value.id)
            arg = kw.value if kw is not None else call.args[at] if at < len(call.args) and not any(
                isinstance(a, ast.Starred) for a in call.args[: at + 1]) else None
            if isinstance(arg, ast.Name):
                stmt = src.statement_at(caller_tree, call.lineno)
                if stmt is not None:
                    _add(steps, caller, stmt, expr)
                return arg.id, caller, call.lineno
            stmt = src.statement_at(caller_tree, call.lineno)
            if isinstance(arg, ast.Call) and stmt is not None:  # `Smoother(chain_links(6))`: into the helper
                _add(steps, caller, stmt, expr)
                name = _follow(caller, caller_tree, arg, stmt, expr, steps)
                return (name, caller, call.lineno) if name else None
    return None


def _function_at(cls: ast.ClassDef, line: int) -> str:
    for n in cls.body:
        if isinstance(n, ast.FunctionDef) and src.contains(n, line):
            return n.name
    return cls.name


def _loop_over(tree: ast.Module, name: str, line: int, scope: ast.AST) -> ast.For | None:
    for loop in src.enclosing_loops(tree, line):
        if scope is not tree and not src.contains(scope, loop.lineno):
            break
        if name in src.names_in(loop.target):
            return loop
    return None


def _iterated_name(node: ast.AST) -> str | None:
    """`loader` in `for b in loader`, `enumerate(loader)`, `tqdm(loader, ...)`, `zip(loader, ...)`."""
    if isinstance(node, ast.Call) and node.args:
        node = node.args[0]
    if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
        return root_name(ast.unparse(node))
    return None


def frame_tree(frame: FrameFacts) -> ast.Module:
    tree = src.tree_of(frame.file)
    assert tree is not None
    return tree


def root_name(expr: str | None) -> str | None:
    """`batch` of `batch["input_ids"]`, `enc` of `enc.input_ids`."""
    m = _ROOT.match(expr or "")
    return m.group(0) if m else None


def _function_name(frame: FrameFacts, line: int) -> str:
    tree = src.tree_of(frame.file)
    scope = src.enclosing_scope(tree, line) if tree is not None else None
    return getattr(scope, "name", "<module>")


def _add(steps: list[Origin], frame: FrameFacts, stmt: ast.AST, expr: str, header: bool = False,
         function: str | None = None) -> None:
    text = src.segment(frame.file, stmt)
    if header and isinstance(stmt, ast.For):
        text = f"for {src.segment(frame.file, stmt.target)} in {src.segment(frame.file, stmt.iter)}:"
    if _has_secret(stmt):
        return
    steps.append(Origin(expr=expr, file=frame.file, line=stmt.lineno,  # type: ignore[attr-defined]
                        function=function or _function_name(frame, stmt.lineno), source=_one_line(text),
                        note=_dtype_note(stmt)))


def _dtype_note(stmt: ast.AST) -> str | None:
    """`np.zeros(...)` without `dtype=` makes float64 values (torch's constructors float32): said on the step."""
    value = getattr(stmt, "value", None)
    if isinstance(value, ast.Call):
        dtype = flow.default_dtype(value)
        if dtype is not None and src.call_name(value) == "torch.Tensor":
            return f"torch.Tensor(...) makes {dtype} values, whatever the data"
        if dtype is not None:
            return f"{src.call_name(value)} without dtype= gives {dtype}"
    return None


def _add_text(steps: list[Origin], frame: FrameFacts, text: str, expr: str) -> None:
    steps.append(Origin(expr=expr, file=frame.file, line=frame.line, function=frame.function,
                        source=_one_line(text)))


def _has_secret(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Constant) and isinstance(n.value, str) and looks_secret(n.value)
               for n in ast.walk(node))


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    text = re.sub(r"([(\[{]) ", r"\1", text)
    text = re.sub(r",? ([)\]}])", r"\1", text)
    return text if len(text) <= MAX_SOURCE else text[:MAX_SOURCE - 1] + "…"
