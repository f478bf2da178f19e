"""Where a classifier's number of outputs is decided in the user's code, and the label set it should match.

Two static questions, answered from the user's source files (source.py), nothing run:

- `label_set(ctx, ...)`: the collection that names the classes (`TOPICS = [...]`, `LABEL_LIST`,
  `LABEL_COLUMNS`, `label2id = {t: i for i, t in enumerate(TAGS)}`), with its length as written (or, for a
  collection named like a label set whose length the text does not tell, as the frames read it).  A
  collection counts when the code maps labels through it (`TOPICS.index(t)`, `label2id[tag]`) or builds
  labels by iterating it and is named like a label set; one derived from another (`label2id` from
  `LABEL_LIST`) gives way to its source.
- `size_site(ctx, n)`: the argument that gave the classifier its `n` outputs: the `num_labels=` of the
  config or `from_pretrained` call the user's model was built from (or that call itself, when it leaves
  num_labels at its default), a name passed there followed to the assignment that computed it, a
  `config.num_labels = ...` line, or a `Linear(..., n)`'s out_features (a constant, or the argument a
  reusable class was given at its call site).
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any

from .. import source as src
from ..facts import Context
from ..model import ModuleFacts, TensorFacts

_LABEL_NAME = re.compile(r"label|tag|class|topic|categor|intent|target|column|sentiment|emotion|genre|type|kind|cls\b|"
                         r"relation|stance|severity|verdict", re.I)
_CONFIG_CALL = re.compile(r"(^|\.)\w*Config(\.from_pretrained|\.from_dict)?$")


@dataclass
class LabelSet:
    name: str
    length: int
    file: str
    line: int
    made_from: str | None = None  # the collection a map made in a function numbers (`{d: i for i, d in
    # enumerate(departments)}`): where the classes are listed
    count: str | None = None  # how the code counts its classes, when not `len(name)`: a map of several keys to
    # each class id (`{1: 0, 2: 0, 21: 3}`) counts `len(set(name.values()))`
    keys: int | None = None  # that map's number of keys


@dataclass
class SizeSite:
    """Where the number of outputs is set.  `node` is the expression to replace; when None, `keyword` is
    to be added to `call` (the value was left at its default)."""

    file: str
    stmt: ast.stmt
    kind: str  # "default", "checkpoint", "saved", "keyword", "label-map", "assignment", "layer", "constant", "argument"
    text: str  # the current code, for sentences (`num_labels=6`, `BertConfig(...)`, `NUM_CLASSES = 5`)
    node: ast.AST | None = None
    call: ast.Call | None = None
    keyword: str | None = None

    @property
    def line(self) -> int:
        return self.stmt.lineno


def user_files(ctx: Context) -> list[str]:
    return list(dict.fromkeys(f.file for f in ctx.user_frames()))


def user_calls(ctx: Context):
    """(file, call) for every call in the user's files that parse."""
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            yield file, call


# --- label sets ----------------------------------------------------------------------------------------

def module_defs(tree: ast.Module) -> dict[str, ast.Assign]:
    """name -> the module-level statement that binds it to one value (`N = 5`; an annotated `N: int = 5` is given
    as an Assign at the same place, holding the same value node)."""
    out: dict[str, ast.Assign] = {}
    for n in tree.body:
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
            out[n.targets[0].id] = n
        elif isinstance(n, ast.AnnAssign) and n.value is not None and isinstance(n.target, ast.Name):
            out[n.target.id] = _as_assign(n)
    return out


def _as_assign(n: ast.AnnAssign) -> ast.Assign:
    """One Assign per annotated statement, kept on the statement itself (the same object on every call, so
    identity checks hold, and it lives exactly as long as the parsed tree)."""
    made = getattr(n, "_as_assign", None)
    if made is None:
        made = ast.copy_location(ast.Assign(targets=[n.target], value=n.value), n)
        made.end_lineno, made.end_col_offset = n.end_lineno, n.end_col_offset
        n._as_assign = made  # type: ignore[attr-defined]
    return made


def static_len(node: ast.AST, defs: dict[str, ast.Assign], depth: int = 0,
               enums: dict[str, int] | None = None) -> tuple[int | None, str | None]:
    """(length as written, the collection it is derived from) of a collection expression; (None, None)
    when the length is not plain from the text.  With `enums` (class name → members), a comprehension over an
    Enum class and a slice with constant bounds of a known length are counted too."""
    if depth > 4:
        return None, None
    if enums is not None:
        counted = _enum_counted(node, defs, depth, enums)
        if counted is not None:
            return counted, None
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        if any(isinstance(e, ast.Starred) for e in node.elts):
            return None, None
        consts = [e.value for e in node.elts if isinstance(e, ast.Constant)]
        if len(consts) == len(node.elts) and len(set(map(repr, consts))) != len(consts):
            return None, None  # repeated items: data, not a set of classes
        return len(node.elts), None
    if isinstance(node, ast.Dict):
        return (len(node.keys), None) if all(k is not None for k in node.keys) else (None, None)
    if isinstance(node, ast.Call):
        name = src.call_name(node)
        if (isinstance(node.func, ast.Attribute) and node.func.attr == "split" and not node.args
                and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str)):
            return len(node.func.value.value.split()), None
        if name in ("list", "tuple", "sorted", "dict", "enumerate") and len(node.args) == 1:
            return static_len(node.args[0], defs, depth + 1, enums)
        if name == "map" and len(node.args) == 2:  # `map(reversed, enumerate(NAMES))`: one item per name
            return static_len(node.args[1], defs, depth + 1, enums)
        if name == "zip" and len(node.args) == 2 and isinstance(node.args[1], ast.Call) and \
                src.call_name(node.args[1]) == "range" and len(node.args[1].args) == 1 and \
                ast.dump(node.args[1].args[0]) == ast.dump(ast.Call(ast.Name("len", ast.Load()), [node.args[0]], [])):
            return static_len(node.args[0], defs, depth + 1, enums)  # `zip(NAMES, range(len(NAMES)))`
    if isinstance(node, (ast.DictComp, ast.ListComp)) and len(node.generators) == 1 and not node.generators[0].ifs:
        it = node.generators[0].iter
        if isinstance(it, ast.Call) and src.call_name(it) == "enumerate" and it.args:
            it = it.args[0]
        if isinstance(it, ast.Name) and it.id in defs:
            n, base = static_len(defs[it.id].value, defs, depth + 1, enums)
            return n, base or it.id
    if isinstance(node, ast.Name) and node.id in defs:
        n, base = static_len(defs[node.id].value, defs, depth + 1, enums)
        return n, base or node.id
    return None, None


def enum_sizes(tree: ast.Module) -> dict[str, int]:
    """The number of members of each Enum class of the module, as written (`A = "A"` lines of its body)."""
    out = {}
    for cls in src.nodes(tree, ast.ClassDef):
        if any(ast.unparse(b).split(".")[-1] in ("Enum", "IntEnum", "StrEnum") for b in cls.bases):
            out[cls.name] = sum(1 for s in cls.body if isinstance(s, ast.Assign) and len(s.targets) == 1
                                and isinstance(s.targets[0], ast.Name) and not s.targets[0].id.startswith("_"))
    return out


def _enum_counted(node: ast.AST, defs: dict[str, ast.Assign], depth: int, enums: dict[str, int]) -> int | None:
    """`tuple(aa.name for aa in AminoAcid)` → the Enum's members; `X[:20]` → min(len(X), 20)."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice) and node.slice.step is None:
        lo, hi = node.slice.lower, node.slice.upper
        whole = static_len(node.value, defs, depth + 1, enums)[0]
        if whole is None or any(b is not None and not (isinstance(b, ast.Constant) and type(b.value) is int)
                                for b in (lo, hi)):
            return None
        return len(range(whole)[slice(lo.value if lo else None, hi.value if hi else None)])
    if isinstance(node, ast.Call) and src.call_name(node) in ("list", "tuple", "sorted") and len(node.args) == 1:
        node = node.args[0]
    if isinstance(node, (ast.GeneratorExp, ast.ListComp)) and len(node.generators) == 1 \
            and not node.generators[0].ifs and isinstance(node.generators[0].iter, ast.Name):
        return enums.get(node.generators[0].iter.id)
    if isinstance(node, ast.Name) and node.id in enums:
        return enums[node.id]
    return None


def _uses(tree: ast.Module, name: str) -> set[str]:
    """How the code uses `name`: "maps" (`name.index(x)`, `name[x]` but for a written key, `name.get(x)`), "iterates" (a `for` over
    it), "counts" (`len(name)`).  A lookup whose result is itself a position in another array
    (`counts[WORDS.index(w)] += 1`) makes features, not labels: it does not count as "maps"."""
    out: set[str] = set()
    positions = {id(n.slice) for n in src.nodes(tree, ast.Subscript)}
    for n in src.nodes(tree, ast.Subscript, ast.Call, ast.comprehension, ast.For):
        if id(n) in positions:
            continue
        if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and n.value.id == name and isinstance(
                n.ctx, ast.Load) and not (isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, str)) \
                and not isinstance(n.slice, ast.Slice):
            out.add("maps")  # `label2id[tag]`; `CFG["seed"]` reads a setting, `rows[i:j]` takes a batch: no map
        elif (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("index", "get")
              and isinstance(n.func.value, ast.Name) and n.func.value.id == name):
            out.add("maps")
        elif isinstance(n, ast.Call) and src.call_name(n) == "len" and n.args and isinstance(
                n.args[0], ast.Name) and n.args[0].id == name:
            out.add("counts")
        elif isinstance(n, (ast.comprehension, ast.For)):
            it = n.iter
            if isinstance(it, ast.Call) and src.call_name(it) == "enumerate" and it.args:
                it = it.args[0]
            if isinstance(it, ast.Name) and it.id == name:
                out.add("iterates")
    return out


def _numbered(tree: ast.Module, name: str) -> bool:
    """`{c: i for i, c in enumerate(name)}` somewhere in the file: the items of `name` are numbered as ids."""
    for d in src.nodes(tree, ast.DictComp):
        gen = d.generators[0]
        if len(d.generators) == 1 and isinstance(gen.iter, ast.Call) and src.call_name(gen.iter) == "enumerate" \
                and gen.iter.args and isinstance(gen.iter.args[0], ast.Name) and gen.iter.args[0].id == name \
                and isinstance(gen.target, ast.Tuple) and len(gen.target.elts) == 2 \
                and ast.unparse(d.value) == ast.unparse(gen.target.elts[0]):
            return True
    return False


def label_set(ctx: Context, at_least: int = 1, exactly: int | None = None) -> LabelSet | None:
    """The collection naming the classes (see the module docstring), with at least `at_least` items (or
    exactly `exactly`): a module-level one, or a map a user frame made and holds, used to map and named as classes
    (or exactly `at_least` long); None when there is none, or two that fit equally well."""
    scored: dict[str, tuple[int, LabelSet]] = {}
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        defs = module_defs(tree)
        for name, a in defs.items():
            if isinstance(a.value, (ast.List, ast.Tuple)) and a.value.elts and all(
                    isinstance(e, (ast.Tuple, ast.Dict, ast.List, ast.Call)) for e in a.value.elts):
                continue  # records of the data (`REPORTS = [("text", "desk"), ...]`), not the class names
            length, base = static_len(a.value, defs)
            named = bool(_LABEL_NAME.search(name))
            if length is not None and _mutated(tree, name):
                length = None  # filled after it was written (`ids.setdefault(c, len(ids))`): not its length
            if length is None and named:  # a length only the frames tell: the name must say it is classes
                length = _module_len(ctx, tree, file, name)
            if length is None or length < at_least or (exactly is not None and length != exactly):
                continue
            uses = _uses(tree, name)
            if _numbered(tree, name):  # a module-level list numbered into a map (`{c: i for i, c in enumerate(C)}`)
                uses.add("maps")
            if not ("maps" in uses or (named and uses & {"iterates", "counts"})):
                continue
            score = 2 * ("maps" in uses) + named + (length == at_least)
            if base is not None and base in defs:
                name, a = base, defs[base]
            best = scored.get(name)
            ids = _class_ids(a.value) if base is None and isinstance(a.value, ast.Dict) and len(
                a.value.keys) == length else None
            if ids is not None and len(ids) < length:  # several keys for one class: the classes are its values
                if len(ids) < at_least or (exactly is not None and len(ids) != exactly):
                    continue
                found = LabelSet(name=name, length=len(ids), file=file, line=a.lineno,
                                 count=f"len(set({name}.values()))", keys=length)
            else:
                found = LabelSet(name=name, length=length, file=file, line=a.lineno)
            if best is None or best[0] < score:
                scored[name] = (score, found)
    for fr in ctx.user_frames():  # a map made inside a function from the data (`cat2id = index(rows)`)
        tree = src.tree_of(fr.file)
        scope = src.enclosing_scope(tree, fr.line) if tree is not None else None
        if scope is None or scope is tree:
            continue
        for name, length in fr.lengths.items():
            made = src.assignments(tree, name, scope, before=fr.line)
            if (name in scored or name in fr.params or not made or length < at_least
                    or (exactly is not None and length != exactly)
                    or not (_LABEL_NAME.search(name) or length in (at_least, exactly))):  # else any lookup table
                continue
            held = any(isinstance(n.value, ast.Attribute) and n.value.attr == name and isinstance(n.ctx, ast.Load)
                       for n in src.nodes(tree, ast.Subscript))  # `self.label_index[c]` once it is handed on
            if "maps" in _uses(tree, name) or held or _numbered(tree, name):  # (numbered where it is handed on)
                scored[name] = (2 + 1 + (length == at_least), LabelSet(
                    name=name, length=length, file=fr.file, line=made[-1].stmt.lineno,
                    made_from=numbered_from(fr.file, made[-1].value)))
    if not scored:
        return None
    ranked = sorted(scored.values(), key=lambda s: -s[0])
    if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:  # a list and the map a function numbers it into: the map
        numbered = {ls.made_from for _, ls in ranked if ls.made_from}
        ranked = [r for r in ranked if r[1].name not in numbered or r[0] < ranked[0][0]] or ranked
    if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
        ranked = _without_inverses(ranked)
    if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
        return None
    return ranked[0][1]


def _without_inverses(ranked: list[tuple[int, LabelSet]]) -> list[tuple[int, LabelSet]]:
    """Drops a map made by inverting another of the list (`id2label = {i: n for n, i in label2id.items()}`): the
    two count the same classes, and the one the labels are looked up in is the original."""
    names = {ls.name for _, ls in ranked}
    out = []
    for score, ls in ranked:
        tree = src.tree_of(ls.file)
        a = module_defs(tree).get(ls.name) if tree is not None else None
        comp = a.value if a is not None else None
        it = comp.generators[0].iter if isinstance(comp, ast.DictComp) and len(comp.generators) == 1 else None
        source = it.func.value.id if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) \
            and it.func.attr == "items" and isinstance(it.func.value, ast.Name) else None
        if source is not None and source not in names and tree is not None:  # `label2id`, counted as its names
            _, source = static_len(module_defs(tree)[source].value, module_defs(tree)) \
                if source in module_defs(tree) else (None, None)
        if source is None or source not in names - {ls.name}:
            out.append((score, ls))
    return out or ranked


def _class_ids(value: ast.AST) -> set[int] | None:
    """The class ids a dict display maps its keys to (`{1: 0, 2: 0, 4: 1}` → {0, 1}), when every value is a
    literal int and they number 0..k-1; None for anything else."""
    if not isinstance(value, ast.Dict) or not value.values or not all(
            isinstance(v, ast.Constant) and type(v.value) is int for v in value.values):
        return None
    ids = {v.value for v in value.values}
    return ids if ids == set(range(len(ids))) else None


def numbered_from(file: str, value: ast.AST) -> str | None:
    """The collection a map numbers, as written: `departments` of `{d: i for i, d in enumerate(departments)}`,
    `cfg["data"]["statuses"]` of `dict(zip(cfg["data"]["statuses"], range(...)))`; None for a literal or a
    call that reads the data."""
    it = None
    if isinstance(value, (ast.DictComp, ast.ListComp)) and len(value.generators) == 1:
        it = value.generators[0].iter
    elif isinstance(value, ast.Call) and src.call_name(value) in ("dict", "list", "sorted", "tuple") and value.args:
        it = value.args[0]
    for _ in range(3):
        if isinstance(it, ast.Call) and src.call_name(it) in ("enumerate", "sorted", "zip", "list", "set") \
                and it.args:
            it = it.args[0]
    if isinstance(it, (ast.Name, ast.Attribute, ast.Subscript)) and not isinstance(it, ast.Call):
        return src.segment(file, it)
    return None


def class_name(found: LabelSet, label: int) -> str | None:
    """The name the label set gives class `label`: the key mapped to it by a dict display of str keys and int
    values (`{"contradiction": 0, ..., "neutral": 2}`), or the item at that place of a list or tuple of
    strings."""
    tree = src.tree_of(found.file)
    a = module_defs(tree).get(found.name) if tree is not None else None
    value = a.value if a is not None else None
    if isinstance(value, ast.Dict):
        keys = [k.value for k, v in zip(value.keys, value.values) if isinstance(k, ast.Constant)
                and isinstance(k.value, str) and isinstance(v, ast.Constant) and type(v.value) is int
                and v.value == label]
        return keys[0] if len(keys) == 1 else None
    if isinstance(value, (ast.List, ast.Tuple)) and 0 <= label < len(value.elts):
        item = value.elts[label]
        return item.value if isinstance(item, ast.Constant) and isinstance(item.value, str) else None
    return None


def _module_len(ctx: Context, tree: ast.Module, file: str, name: str) -> int | None:
    """The length the frames read of the module-level collection `name` of `file` (a plain list, tuple or dict,
    whose len runs no user code): from a frame of that file whose scope does not bind the name itself."""
    for fr in ctx.user_frames():
        if fr.file != file or name not in fr.lengths:
            continue
        scope = src.enclosing_scope(tree, fr.line)
        if scope is tree or not (src.assignments(tree, name, scope) or name in fr.params):
            return fr.lengths[name]
    return None


# --- where the number of outputs is set ----------------------------------------------------------------

def assigned_call(tree: ast.Module, name: str, before: int) -> tuple[ast.stmt, ast.Call] | None:
    """The call assigned to `name` last before line `before` (`model = X.from_pretrained(...).to(dev)` gives
    the from_pretrained call), passing over the calls that wrap the object itself (`accelerator.prepare(model)`)."""
    found = [a for a in src.assignments(tree, name, None, before=before) if isinstance(a.value, ast.Call)
             and not any(isinstance(x, ast.Name) and x.id == name for x in a.value.args)]  # not a re-wrapping:
    if not found:                                    # `model, opt = accelerator.prepare(model, opt)`, `compile(model)`
        return None
    call = found[-1].value
    while isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in (
            "to", "cuda", "cpu", "train", "eval", "half", "float") and isinstance(call.func.value, ast.Call):
        call = call.func.value
    return (found[-1].stmt, call) if isinstance(call, ast.Call) else None


def _keyword_site(file: str, tree: ast.Module, stmt: ast.stmt, kw: ast.keyword) -> SizeSite:
    """`num_labels=<value>`: a plain name is followed to the assignment that computed it, an item of a settings
    dict (`cfg["num_labels"]`) to the dict's item."""
    if isinstance(kw.value, ast.Name):
        made = src.assignments(tree, kw.value.id, src.enclosing_scope(tree, stmt.lineno), before=stmt.lineno)
        counted = made[-1].value.args[0] if made and isinstance(made[-1].value, ast.Call) and src.call_name(
            made[-1].value) == "len" and len(made[-1].value.args) == 1 else None
        grown = isinstance(counted, ast.Name) and _mutated_between(tree, counted.id, made[-1].stmt.lineno, stmt.lineno)
        if made and not made[-1].augmented and not grown:  # (a count taken before the list grew: edited where used)
            a = made[-1]
            return SizeSite(file=file, stmt=a.stmt, kind="assignment", node=a.value,
                            text=src.segment(file, a.stmt))
    if isinstance(kw.value, ast.Subscript) and isinstance(kw.value.slice, ast.Constant) and isinstance(
            kw.value.slice.value, str):  # `num_labels=cfg["num_labels"]`: the settings dict's item
        table = config_dict(tree, kw.value.value)
        item = src.dict_item(table, kw.value.slice.value) if table is not None else None
        held = src.statement_at(tree, table.lineno) if item is not None else None
        if held is not None:
            key = src.segment(file, table.keys[table.values.index(item)])  # read in a sentence as `{site}`
            written = key if "=" in key else f"{key}: {src.segment(file, item)}"  # `dict(k=v)` or `{"k": v}`
            return SizeSite(file=file, stmt=held, kind="assignment", node=item,
                            text=f"{kw.arg}={src.segment(file, kw.value)}`, set by `{written}")
    return _held_site(file, tree, kw.value) or SizeSite(file=file, stmt=stmt, kind="keyword", node=kw.value,
                                                        text=f"{kw.arg}={src.segment(file, kw.value)}")


def _held_site(file: str, tree: ast.Module, node: ast.AST) -> SizeSite | None:
    """A size read from a shared holder (`ctx["n_classes"]`, `state.n_classes`) that one statement of the file
    writes (`ctx["n_classes"] = len(seen)`): that statement, where the size is decided."""
    if not ((isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)
             and isinstance(node.slice.value, str)) or isinstance(node, ast.Attribute)) \
            or not isinstance(node.value, ast.Name) or node.value.id == "self":
        return None
    text = src.segment(file, node)
    writes = [a for a in src.nodes(tree, ast.Assign, ast.AugAssign, ast.AnnAssign)
              if any(src.segment(file, t) == text for t in (a.targets if isinstance(a, ast.Assign) else [a.target]))]
    if len(writes) != 1 or not isinstance(writes[0], ast.Assign) or len(writes[0].targets) != 1 \
            or isinstance(writes[0].value, ast.Constant):
        return None
    a = writes[0]
    return SizeSite(file=file, stmt=a, kind="assignment", node=a.value, text=src.segment(file, a))


def _call_sets(file: str, tree: ast.Module, stmt: ast.stmt, call: ast.Call, field: str) -> SizeSite | None:
    """The call's own keyword for `field`; for num_labels, a label map (`id2label=`, `label2id=`) sets it
    too (its length), and is not rewritten."""
    kw = src.keyword(call, field)
    if kw is not None:
        return _keyword_site(file, tree, stmt, kw)
    forwarded = _forwarded_keyword(tree, call, field)
    if forwarded is not None:  # `BertConfig(**overrides)` in `def build(..., **overrides)`, called `build(k=...)`
        return _keyword_site(file, tree, *forwarded)
    given = src.splatted_keyword(tree, call, field)
    held = src.statement_at(tree, given.lineno) if given is not None else None
    if held is not None:  # `BertConfig(**model_kwargs)` of `{**MODEL_DEFAULTS, ...}` that writes `num_labels=3`
        return SizeSite(file=file, stmt=held, kind="keyword", node=given, text=f"{field}={src.segment(file, given)}")
    for other in ("id2label", "label2id") if field == "num_labels" else ():
        kw = src.keyword(call, other)
        if kw is not None:
            return SizeSite(file=file, stmt=stmt, kind="label-map", text=f"{other}={src.segment(file, kw.value)}")
    return None


def _forwarded_keyword(tree: ast.Module, call: ast.Call, field: str) -> tuple[ast.stmt, ast.keyword] | None:
    """(statement, keyword) of the one call of the enclosing function that passes `field` to it, when `call`
    unpacks that function's `**kwargs` (directly or inside a dict display, `**{**base, **kwargs}`)."""
    fn = src.enclosing_scope(tree, call.lineno)
    extra = fn.args.kwarg.arg if isinstance(fn, ast.FunctionDef) and fn.args.kwarg is not None else None
    unpacked = [k.value for k in call.keywords if k.arg is None]
    unpacked += [v for d in unpacked if isinstance(d, ast.Dict) for k, v in zip(d.keys, d.values) if k is None]
    if extra is None or not any(isinstance(u, ast.Name) and u.id == extra for u in unpacked):
        return None
    found = [(c, kw) for c in src.calls(tree) if src.call_name(c).rpartition(".")[2] == fn.name
             for kw in [src.keyword(c, field)] if kw is not None]
    stmt = src.statement_at(tree, found[0][0].lineno) if len(found) == 1 else None
    return (stmt, found[0][1]) if stmt is not None else None


def _left_default(file: str, stmt: ast.stmt, call: ast.Call, field: str) -> SizeSite:
    """A config built without `field` keeps the class default (num_labels=2); `from_pretrained` without it
    keeps the checkpoint's value, `from_dict` the saved dict's."""
    name = src.call_name(call)
    kind = "checkpoint" if name.endswith("from_pretrained") else "saved" if name.endswith("from_dict") else "default"
    return SizeSite(file=file, stmt=stmt, kind=kind, call=call, keyword=field, text=src.call_name(call) + "(...)")


def _built_in_helper(tree: ast.Module, call: ast.Call, cls: str) -> tuple[ast.stmt, ast.Call] | None:
    """(the return statement, the model's construction) of the user's function or method `call` names (or one
    looked up in a dict of builders, when only one of them returns it), when it returns `cls(...)` (or
    `cls.from_pretrained(...)`) directly."""
    found = [(r, r.value) for fn in src.called_functions(tree, call) for r in ast.walk(fn)
             if isinstance(r, ast.Return) and isinstance(r.value, ast.Call) and cls in src.call_name(r.value)]
    return found[0] if len(found) == 1 or (found and len(src.called_functions(tree, call)) == 1) else None


def config_site(ctx: Context, model: ModuleFacts, model_name: str | None, field: str = "num_labels") -> \
        SizeSite | None:
    """Where `field` of the user's transformers model was set: a keyword of the model's or its config's
    construction, an assignment `config.<field> = ...`, or (left at its default) the construction call."""
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        made = assigned_call(tree, model_name, 10 ** 9) if model_name else None
        if made is not None and model.cls not in src.call_name(made[1]):
            made = _built_in_helper(tree, made[1], model.cls) or made  # `model = builder.build_model(tok)`
        if made is not None and model.cls not in src.call_name(made[1]) and not re.search(
                r"from_pretrained|Auto", src.call_name(made[1])):
            made = None  # `model = train_fold(...)` returns a model built elsewhere: find its construction
        if made is None:
            calls = [c for c in src.calls(tree) if model.cls in src.call_name(c)]
            if not calls:
                continue
            made = (src.statement_at(tree, calls[-1].lineno), calls[-1])
        stmt, call = made
        if stmt is None:
            continue
        found = _call_sets(file, tree, stmt, call, field)
        if found is not None:
            return _from_caller(ctx, file, tree, found, model.config.get(field)) or found
        cfg = src.keyword(call, "config")
        cfg_node = cfg.value if cfg is not None else (call.args[0] if call.args and not src.call_name(
            call).endswith("from_pretrained") else None)
        handed = src.handed_value(tree, cfg_node) if isinstance(cfg_node, ast.Call) else None
        if isinstance(handed, ast.Call) and _CONFIG_CALL.search(src.call_name(handed)):
            stmt, cfg_node = src.statement_at(tree, handed.lineno) or stmt, handed  # `c.resolve("config")`
        if isinstance(cfg_node, ast.Name):
            for n in src.nodes(tree, ast.Assign):  # `config.num_labels = 4` before the model is built
                if (isinstance(n, ast.Assign) and n.lineno < stmt.lineno and any(
                        isinstance(t, ast.Attribute) and t.attr == field and isinstance(t.value, ast.Name)
                        and t.value.id == cfg_node.id for t in n.targets)):
                    return SizeSite(file=file, stmt=n, kind="assignment", node=n.value, text=src.segment(file, n))
            made_cfg = assigned_call(tree, cfg_node.id, stmt.lineno)
            if made_cfg is not None and _CONFIG_CALL.search(src.call_name(made_cfg[1])):
                cstmt, ccall = made_cfg
                found = _call_sets(file, tree, cstmt, ccall, field)
                return (_from_caller(ctx, file, tree, found, model.config.get(field)) or found) if found \
                    else _left_default(file, cstmt, ccall, field)
        elif isinstance(cfg_node, ast.Call) and _CONFIG_CALL.search(src.call_name(cfg_node)):
            found = _call_sets(file, tree, stmt, cfg_node, field)
            return (_from_caller(ctx, file, tree, found, model.config.get(field)) or found) if found \
                else _left_default(file, stmt, cfg_node, field)
        elif cfg_node is None and src.call_name(call).endswith("from_pretrained"):
            return _left_default(file, stmt, call, field)
    return None


def _from_caller(ctx: Context, file: str, tree: ast.Module, site: SizeSite, n: object) -> SizeSite | None:
    """A config keyword given a parameter of the `__init__` around it (`num_labels=num_reasons` in
    `DelayTagger.__init__(self, tok, num_reasons)`): the argument the class's construction passes for it
    (`DelayTagger(tok, num_reasons=len(seen_reasons))`), where the size is decided."""
    if site.kind == "keyword" and isinstance(n, int) and site.node is not None:
        given = src.handed_value(tree, site.node)  # `kw.get("segments", 2)` of `make_config(**kw)`, `c.resolve("n")`
        stmt = src.statement_at(tree, given.lineno) if given is not None else None
        if stmt is not None and static_int(ctx, tree, given) in (n, None):
            node = site.node
            key = node.slice.value if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) else \
                node.args[0].value if isinstance(node, ast.Call) and node.args and isinstance(
                    node.args[0], ast.Constant) else src.segment(file, node)  # `cfg.model.num_labels`
            return SizeSite(file=file, stmt=stmt, kind="argument", node=given, text=f"{key}={src.segment(file, given)}")
    if site.kind != "keyword" or not isinstance(site.node, ast.Name) or not isinstance(n, int):
        return None
    if _init_param(tree, site.node, site.node.id) is None:  # type: ignore[arg-type]
        return None
    return _argument_site(ctx, file, tree, site.node, site.node.id, n)  # type: ignore[arg-type]


def looped_setting(ctx: Context, tree: ast.Module, call: ast.Call, arg: ast.AST, n: int) -> \
        tuple[ast.Assign, ast.expr] | None:
    """(the table's statement, the item) for a size `v["num_labels"]` read off the loop variable of a `for` (or a
    comprehension) over a module-level dict of settings dicts (`for k, v in TASKS.items()`) or list of them
    (`for spec in ARCH`): the one entry's `"num_labels"` item that is `n`."""
    if not (isinstance(arg, ast.Subscript) and isinstance(arg.value, ast.Name) and isinstance(arg.slice, ast.Constant)
            and isinstance(arg.slice.value, str)):
        return None
    var = arg.value.id
    around = [n for n in src.path_to(tree, call.lineno)
              if isinstance(n, (ast.For, ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp))
              and any(c is call for c in ast.walk(n))]
    loops = [g for n in around for g in ([n] if isinstance(n, ast.For) else n.generators)
             if var in src.names_in(g.target)]
    if not loops:
        return None
    it = loops[-1].iter
    if isinstance(it, ast.Call) and src.call_name(it) == "enumerate" and it.args:
        it = it.args[0]  # `for i, spec in enumerate(ARCH)`
    for _ in range(3):  # `for spec in arch`, given `assemble(ARCH)` (through the callers' own parameters)
        if not isinstance(it, ast.Name) or it.id in module_defs(tree):
            break
        handed = src.sole_argument(tree, src.enclosing_scope(tree, it.lineno), it.id)
        if not isinstance(handed, ast.Name):
            break
        it = handed
    if isinstance(it, ast.Name):  # `for spec in ARCH`: a module-level list of settings dicts
        table = module_defs(tree).get(it.id)
        rows = table.value.elts if table is not None and isinstance(table.value, (ast.List, ast.Tuple)) else []
    elif isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and it.func.attr in ("items", "values") \
            and isinstance(it.func.value, ast.Name):
        table = module_defs(tree).get(it.func.value.id)
        rows = table.value.values if table is not None and isinstance(table.value, ast.Dict) else []
    else:
        return None
    if table is None or not rows:
        return None
    found = [item for inner in rows if isinstance(inner, ast.Dict)
             for item in [src.dict_item(inner, arg.slice.value)] if item is not None
             and static_int(ctx, tree, item) == n]
    return (table, found[0]) if len(found) == 1 else None


def _holds_layer(ctx: Context, file: str, stmt: ast.stmt, ident: int, call: ast.Call | None = None) -> bool:
    """`stmt` assigns a plain name (or returns the value of a builder function whose call is assigned to one)
    that a user frame of `file`, at or after the statement, holds the module `ident` under (or under the same name
    as an attribute of `self`: the layer handed to a model's constructor, which stores it)."""
    names = [t.id for t in getattr(stmt, "targets", []) if isinstance(t, ast.Name)]
    if isinstance(stmt, ast.Return):  # `return nn.Linear(...)` of a builder: the names its calls are assigned to
        tree = src.tree_of(file)
        fn = src.enclosing_scope(tree, stmt.lineno) if tree is not None else None
        if isinstance(fn, ast.FunctionDef):
            names = [a.targets[0].id for a in src.nodes(tree, ast.Assign) if len(a.targets) == 1
                     and isinstance(a.targets[0], ast.Name) and isinstance(a.value, ast.Call)
                     and fn in src.called_functions(tree, a.value)]
            chain = stmt.value
            if call is not None and isinstance(chain, ast.Call) and src.call_name(chain).split(".")[-1] == \
                    "Sequential" and any(a is call for a in chain.args):  # `return nn.Sequential(nn.Linear(...), ...)`
                at = next(i for i, a in enumerate(chain.args) if a is call)
                names = [f"{n}.{at}" for n in names]  # the modules of a frame are named `head.0`
            return any(fr.file == file and m.expr in names and m.ident == ident
                       for fr in ctx.user_frames() for m in fr.modules)
    return any(fr.file == file and m.ident == ident and (
        (fr.line >= stmt.lineno and m.expr in names) or m.expr in {f"self.{n}" for n in names})
        for fr in ctx.user_frames() for m in fr.modules)


def static_int(ctx: Context, tree: ast.Module, node: ast.AST, given: dict[str, int] | None = None) -> int | None:
    """The int an expression plainly holds: a literal, a module constant (or a plain int local of a user
    frame), `len(<collection>)`, or + - * // of those; a name in `given` holds the value given there."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if given and isinstance(node, ast.Name) and node.id in given:
        return given[node.id]
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv)):
        a, b = static_int(ctx, tree, node.left, given), static_int(ctx, tree, node.right, given)
        if a is None or b is None or (isinstance(node.op, ast.FloorDiv) and b == 0):
            return None
        return {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b}.get(type(node.op), a // b if b else 0)
    if isinstance(node, ast.Name):
        defs = module_defs(tree)
        if node.id in defs and isinstance(defs[node.id].value, ast.Constant) and type(
                defs[node.id].value.value) is int:
            return defs[node.id].value.value
        for f in ctx.user_frames():
            v = f.scalars.get(node.id)
            if type(v) is int:
                return v
    option = argument_default(tree, node)
    if option is not None:
        return static_int(ctx, tree, option[1])
    setting = class_constant(tree, node)
    if setting is not None:
        return setting
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        from .lengths import _field_default  # `SETTINGS.n_classes` of `SETTINGS = Settings()`, `n_classes: int = 3`
        field = _field_default(tree, node.value.id, node.attr)
        if field is not None:
            return field.value
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        table = config_dict(tree, node.value)
        item = src.dict_item(table, node.slice.value) if table is not None else None
        return static_int(ctx, tree, item) if item is not None and item is not node else None
    if isinstance(node, ast.Call) and src.call_name(node) == "len" and node.args:
        if isinstance(node.args[0], ast.Name) and _mutated(tree, node.args[0].id):
            return None  # filled after it was written (`word2id.setdefault(w, len(word2id))`): not plain
        return static_len(node.args[0], module_defs(tree), enums=enum_sizes(tree))[0]
    return None


def class_setting(tree: ast.Module, node: ast.AST) -> ast.Assign | None:
    """The one class-body assignment `hidden = 32` of `class CFG:` (a class of the file) that `CFG.hidden`
    reads."""
    if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
        return None
    cls = next((c for c in src.nodes(tree, ast.ClassDef) if c.name == node.value.id), None)
    made = [st for st in (cls.body if cls is not None else []) if isinstance(st, ast.Assign) and len(st.targets) == 1
            and isinstance(st.targets[0], ast.Name) and st.targets[0].id == node.attr]
    return made[0] if len(made) == 1 else None


def class_constant(tree: ast.Module, node: ast.AST) -> int | None:
    """The int literal a settings class sets in its body (`class CFG: hidden = 32`) for `CFG.hidden`, when no
    statement of the file assigns `CFG.hidden` afterwards."""
    made = class_setting(tree, node)
    if made is None or not (isinstance(made.value, ast.Constant) and type(made.value.value) is int):
        return None
    if any(isinstance(t, ast.Attribute) and t.attr == node.attr and isinstance(t.value, ast.Name)
           and t.value.id == node.value.id for a in src.nodes(tree, ast.Assign, ast.AugAssign)
           for t in (a.targets if isinstance(a, ast.Assign) else [a.target])):
        return None  # set again by the script (`CFG.vocab_size = len(tok)`): not the literal
    return made.value.value


def argument_default(tree: ast.Module, node: ast.AST) -> tuple[ast.stmt, ast.expr] | None:
    """(the statement, its `default=` value) of the one `add_argument(...)` of the file whose destination is
    the attribute `node` reads off a name (`args.num_labels` for `add_argument("--num-labels", default=2)` or
    `dest="num_labels"`): what the option holds when the script is run without it."""
    if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
        return None
    found = []
    for call in src.calls(tree):
        if not (isinstance(call.func, ast.Attribute) and call.func.attr == "add_argument"):
            continue
        dest = src.keyword(call, "dest")
        names = [dest.value.value] if dest is not None and isinstance(dest.value, ast.Constant) else [
            a.value.lstrip("-").replace("-", "_") for a in call.args
            if isinstance(a, ast.Constant) and isinstance(a.value, str) and (a.value.startswith("--") or len(
                call.args) == 1)]
        default = src.keyword(call, "default")
        if node.attr in names[:1] and default is not None:
            stmt = src.statement_at(tree, call.lineno)
            if stmt is not None:
                found.append((stmt, default.value))
    return found[0] if len(found) == 1 else None


def config_dict(tree: ast.Module, node: ast.AST) -> ast.Dict | None:
    """The dict literal a configuration expression plainly names: a module-level `CFG = {...}` never changed in
    place (or one of its sections, `CFG["data"]`), or `self.cfg` of a class whose methods set `self.cfg = cfg` from a
    parameter that every construction of the class in the file (`Trainer(CFG)`, `Trainer(cfg=CFG)`) is given such
    a dict for."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        outer = config_dict(tree, node.value)  # `SETTINGS["data"]`: a section of a nested settings dict
        inner = src.dict_item(outer, node.slice.value) if outer is not None else None
        return inner if isinstance(inner, ast.Dict) else None
    if isinstance(node, ast.Name):
        made = module_defs(tree).get(node.id)
        if made is None and hasattr(node, "lineno"):
            return _param_dict(tree, node)
        value = _as_dict(made.value) if made is not None else None
        return value if value is not None and not _mutated(tree, node.id) else None
    if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"):
        return None
    cls = src.enclosing_class(tree, node.lineno) if hasattr(node, "lineno") else None
    if cls is None:
        return None
    found = []
    for fn in (n for n in cls.body if isinstance(n, ast.FunctionDef)):
        params = [a.arg for a in fn.args.args]
        for n in src.statements(fn, nested=True):
            if isinstance(n, ast.Assign) and any(ast.unparse(t) == ast.unparse(node) for t in n.targets):
                if isinstance(n.value, ast.Dict):
                    found.append(n.value)
                elif isinstance(n.value, ast.Name) and n.value.id in params[1:] and fn.name == "__init__":
                    given = [_given(call, params.index(n.value.id) - 1, n.value.id) for call in src.calls(tree)
                             if src.call_name(call).split(".")[-1] == cls.name]
                    tables = [config_dict(tree, g) if g is not None else None for g in given]
                    if tables and all(t is not None and t is tables[0] for t in tables):
                        found.append(tables[0])
                    else:
                        return None
                else:
                    return None
    return found[0] if len(found) == 1 else None


def _as_dict(value: ast.AST) -> ast.Dict | None:
    """A dict display, or `dict(a=1, b=2)` read as one (its keywords as the keys, the values as written)."""
    if isinstance(value, ast.Dict):
        return value
    if (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict" and not value.args
            and value.keywords and all(k.arg for k in value.keywords)):
        made = ast.Dict(keys=[ast.copy_location(ast.Constant(k.arg), k) for k in value.keywords],
                        values=[k.value for k in value.keywords])
        return ast.copy_location(made, value)
    return None


def _param_dict(tree: ast.Module, node: ast.Name, depth: int = 0) -> ast.Dict | None:
    """The dict literal a parameter read as `hp["k"]` holds: every construction of the class in the file
    (`Model(cfg, HPARAMS)`, for an `__init__`), or every call of the plain function (`make_model(CFG)`),
    passes the same module-level dict for it, or leaves it at a default that names one."""
    cls = src.enclosing_class(tree, node.lineno)
    fn = src.enclosing_scope(tree, node.lineno)
    if not isinstance(fn, ast.FunctionDef) or (cls is not None and fn.name != "__init__"):
        return None
    params = [a.arg for a in fn.args.args]
    skip = 1 if cls is not None else 0  # `self`; a plain function (`make_model(cfg)`) is called by its name
    if node.id not in params[skip:]:
        return None
    called = cls.name if cls is not None else fn.name
    default = src.param_defaults(fn).get(node.id)  # `def main(cfg=TRAIN_CFG)` called as `main()`
    given = [_given(call, params.index(node.id) - skip, node.id) or default for call in src.calls(tree)
             if src.call_name(call).split(".")[-1] == called]
    # `run(CFG)` → `make_model(cfg)`: a parameter handed on under its own name is followed one call up
    tables = [(_param_dict(tree, g, depth + 1) if depth < 3 and module_defs(tree).get(g.id) is None
               else config_dict(tree, g)) if isinstance(g, ast.Name) and g is not node else None for g in given]
    return tables[0] if tables and all(t is not None and t is tables[0] for t in tables) else None


def _given(call: ast.Call, index: int, name: str) -> ast.expr | None:
    kw = src.keyword(call, name)
    if kw is not None:
        return kw.value
    return call.args[index] if index < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args) \
        else None


_MUTATORS = ("append", "extend", "insert", "add", "update", "setdefault", "pop", "remove", "clear", "discard")


def _changed_in_place(tree: ast.Module, name: str) -> list[ast.AST]:
    """The nodes that change `name` in place: a mutating method's call (`name.append(x)`), an item written."""
    return [n for n in src.nodes(tree, ast.Call) if isinstance(n.func, ast.Attribute) and n.func.attr in _MUTATORS
            and isinstance(n.func.value, ast.Name) and n.func.value.id == name] + \
        [n for n in src.nodes(tree, ast.Subscript) if isinstance(n.ctx, ast.Store)
         and isinstance(n.value, ast.Name) and n.value.id == name]


def _mutated_between(tree: ast.Module, name: str, after: int, before: int) -> bool:
    """`name` is changed in place (a mutating method, an item written) on a line between the two."""
    return any(after < n.lineno < before for n in _changed_in_place(tree, name))


def _mutated(tree: ast.Module, name: str) -> bool:
    """`name` is changed in place somewhere in the file: a mutating method, an item written, `+=`."""
    return bool(_changed_in_place(tree, name)) or any(
        isinstance(n.target, ast.Name) and n.target.id == name for n in src.nodes(tree, ast.AugAssign))


#: Keywords by which library constructors take a number of classes.
SIZE_KEYWORDS = ("num_labels", "num_classes", "n_classes", "n_labels", "num_class", "nclass", "nclasses",
                 "out_features", "output_dim", "out_dim", "n_out", "num_outputs")


def keyword_site(ctx: Context, n: int, keywords: tuple[str, ...] = SIZE_KEYWORDS,
                 follow_names: bool = True) -> SizeSite | None:
    """A call in the user's code that passes `n` by one of `keywords` (by default those of a number of
    classes: `SoftmaxLoss(..., num_labels=2)`), the constructor of a module that raised first.  A name passed
    there is followed to the assignment that computed it unless `follow_names` is False (a width written as
    a named constant is changed where it is passed, not where the constant is defined)."""
    raising = {m.cls for m in ctx.raising_modules()}
    found: list[tuple[bool, str, ast.Module, ast.stmt, ast.keyword]] = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            for kw in call.keywords:
                if kw.arg in keywords and static_int(ctx, tree, kw.value) == n:
                    stmt = src.statement_at(tree, call.lineno)
                    if stmt is not None:
                        found.append((src.call_name(call).split(".")[-1] not in raising, file, tree, stmt, kw))
    if not found:
        return None
    _, file, tree, stmt, kw = sorted(found, key=lambda x: x[0])[0]
    if not follow_names:
        return SizeSite(file=file, stmt=stmt, kind="keyword", node=kw.value,
                        text=f"{kw.arg}={src.segment(file, kw.value)}")
    return _keyword_site(file, tree, stmt, kw)


def linear_site(ctx: Context, n: int, logits: TensorFacts | None = None) -> SizeSite | None:
    """The out_features argument of the classifier `Linear` that is `n`; when the frames hold one such layer by an
    attribute name (`model.sub_head`, `Linear(..., out_features=4)`), that attribute's constructor first.  Of
    several such layers, the one whose output a user module's `forward` returns where the loss's `logits` come
    from: under their name (`sub_logits = self.sub_head(...)`, `return shelf_logits, sub_logits`), or at the
    place of the tuple they were unpacked from (`topic, mood = net(x)`)."""
    names = {m.expr.rsplit(".", 1)[-1] for fr in ctx.user_frames() for m in fr.modules
             if m.cls == "Linear" and m.attrs.get("out_features") == n and "." in m.expr}
    if len(names) > 1 and logits is not None:
        names = {a for a in names if a in _heads_returned_as(ctx, logits.expr, _unpacked_at(ctx, logits))} or names
    attr = names.pop() if len(names) == 1 and not next(iter(names)).isdigit() else None
    return layer_site(ctx, ("Linear",), n, 1, "out_features", attr=attr)


def _unpacked_at(ctx: Context, t: TensorFacts) -> int | None:
    """k when `t`'s name was last assigned by unpacking a call's result (`topic, mood = net(x)`) at place k."""
    frame = ctx.frames[t.frame]
    tree = src.tree_of(frame.file) if t.expr.isidentifier() else None
    made = src.last_assignment(tree, t.expr, frame.line) if tree is not None else None
    target = made.stmt.targets[0] if made is not None and isinstance(made.stmt, ast.Assign) else None
    if isinstance(target, ast.Tuple) and isinstance(made.stmt.value, ast.Call):
        names = [e.id if isinstance(e, ast.Name) else None for e in target.elts]
        return names.index(t.expr) if t.expr in names else None
    return None


def _heads_returned_as(ctx: Context, name: str, place: int | None = None) -> set[str]:
    """The attributes `X` of `v = self.X(...)` in a user `forward` that returns `v` where `name` is (`v` is
    `name`, alone or in the returned tuple, or the item at `place` of the returned tuple)."""
    out: set[str] = set()
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            if fn.name != "forward":
                continue
            items = [r.value.elts if isinstance(r.value, ast.Tuple) else [r.value] for r in src.nodes(fn, ast.Return)
                     if r.value is not None]
            returned = {n.id for elts in items for n in elts if isinstance(n, ast.Name)}
            at = {elts[place].id for elts in items if place is not None and len(elts) > 1 and place < len(elts)
                  and isinstance(elts[place], ast.Name)}
            for v in ({name} & returned) | at:
                out |= _head_of(tree, fn, v)
    return out


def _head_of(tree: ast.Module, fn: ast.FunctionDef, name: str) -> set[str]:
    """`X` of each `name = self.X(...)` in `fn`."""
    return {a.value.func.attr for a in src.assignments(tree, name, fn)
            if isinstance(a.value, ast.Call) and isinstance(a.value.func, ast.Attribute)
            and isinstance(a.value.func.value, ast.Name) and a.value.func.value.id == "self"}


def layer_site(ctx: Context, classes: tuple[str, ...], n: int, argument: int, param: str,
               attr: str | None = None, ident: int | None = None, built: ast.Call | None = None,
               path: tuple[str, ...] = ()) -> SizeSite | None:
    """The argument (position `argument`, keyword `param`) of a layer constructor (`classes`: Linear, Conv1d,
    ...) that is `n`, preferring the layer assigned to `self.<attr>`: a literal or an expression where it is
    written, a constant's assignment when the argument is a plain constant; an `__init__` parameter is
    followed to the call sites of its class (the call that passes it, or the one that leaves it at its
    default).  With `ident`, a constructor whose size is not plain from the text (`cfg.hidden_size`) is the
    layer's when it is assigned to a name under which a user frame holds that very layer.  With `built` (the
    constructor known from the layer's place in the user's module, an item of a Sequential), only that one.  With
    `path` (the attribute names from the user's module down to the layer, two or more), a constructor assigned to
    `self.<name>` for a name off that path built another layer and is passed over."""
    hits: list[tuple[str, ast.Module, ast.Call, ast.AST, bool]] = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        for call in src.calls(tree):
            if src.call_name(call).split(".")[-1] not in classes:
                continue
            kw = src.keyword(call, param)
            arg = kw.value if kw is not None else (call.args[argument] if len(call.args) > argument else None)
            if arg is None:
                continue
            stmt = src.statement_at(tree, call.lineno)
            named = attr is not None and isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Attribute) and t.attr == attr for t in stmt.targets)
            if len(path) >= 2 and isinstance(stmt, ast.Assign) and stmt.value is call and all(
                    isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"
                    and t.attr not in path for t in stmt.targets):
                continue  # `self.proj = nn.Linear(...)`: a layer of its own, not on the raising layer's path
            hits.append((file, tree, call, arg, named))
    if built is not None and any(h[2] is built for h in hits):  # known by its place: only its constructor
        hits = [h for h in hits if h[2] is built]
    elif any(h[4] for h in hits):  # the layer that raised is known by its attribute: only its own constructor
        hits = [h for h in hits if h[4]]
    for file, tree, call, arg, named in hits:
        stmt = src.statement_at(tree, call.lineno)
        if stmt is None:
            continue
        item = looped_setting(ctx, tree, call, arg, n)
        if item is not None:  # `nn.Linear(h, v["num_labels"]) for k, v in TASKS.items()`: the one task's item
            table, node = item
            return SizeSite(file=file, stmt=table, kind="assignment", node=node, text=src.segment(file, node))
        value = static_int(ctx, tree, arg)
        nested = src.nested_item(tree, arg) if value is None else None  # `cfg.model.n_classes` of a settings tree
        if nested is not None and static_int(ctx, tree, nested) == n:
            nstmt = src.statement_at(tree, nested.lineno)
            if nstmt is not None:
                return SizeSite(file=file, stmt=nstmt, kind="assignment", node=nested,
                                text=f"{src.segment(file, arg)}={src.segment(file, nested)}")
        if value is None and ident is not None and _holds_layer(ctx, file, stmt, ident, call):
            return SizeSite(file=file, stmt=stmt, kind="layer", node=arg, text=src.segment(file, call))
        if value is None and (named or len(hits) == 1) and _set_in_settings_text(file, arg, n):
            return SizeSite(file=file, stmt=stmt, kind="layer", node=arg, text=src.segment(file, call))
        field = _field_default(tree, arg) if value is None and named and argument > 0 else None
        if field is not None:  # `cfg.n_subgenres` of the raising layer: the config class's default, never overridden
            return SizeSite(file=file, stmt=field, kind="constant", node=field.value, text=src.segment(file, field))
        if value != n:
            continue
        defs = module_defs(tree)
        if isinstance(arg, ast.Name) and arg.id in defs and (argument > 0 or _uses_of(tree, arg.id) == 1):
            a = defs[arg.id]  # a number of classes is edited where it is defined; a width only if used once
            return SizeSite(file=file, stmt=a, kind="constant", node=a.value, text=src.segment(file, a))
        return SizeSite(file=file, stmt=stmt, kind="layer", node=arg, text=src.segment(file, call))
    for file, tree, call, arg, _ in hits:  # `nn.Linear(hidden, num_classes)` with num_classes an __init__ parameter
        if not isinstance(arg, ast.Name):
            continue
        if argument > 0 and _feeds_next_layer(tree, call, arg.id, classes):
            continue  # `Linear(emb, mlp_dim), GELU(), Linear(mlp_dim, n)`: a width inside the stack, not its outputs
        init = src.enclosing_scope(tree, call.lineno)
        if _given_other(ctx, tree, call, arg.id, n):
            continue  # every place the class is built gives this parameter another size: not this layer
        registered = src.handed_value(tree, arg)  # `{"type": "linear", "args": {"num_classes": 4}}` of a registry
        if registered is not None and static_int(ctx, tree, registered) == n:
            stmt = src.statement_at(tree, registered.lineno)
            if stmt is not None:
                return SizeSite(file=file, stmt=stmt, kind="assignment", node=registered,
                                text=f"{arg.id}={src.segment(file, registered)}")
        default = src.param_defaults(init).get(arg.id) if isinstance(init, ast.FunctionDef) else None
        if default is not None and registered is None and static_int(ctx, tree, default) not in (n, None):
            continue  # the parameter's default is another size, and nothing is seen passing this one
        if default is not None and registered is None and static_int(ctx, tree, default) == n and \
                src.registered_args(tree, init) is not None:  # type: ignore[arg-type]
            # built only through a registry whose settings leave the parameter out: its default is the size
            return SizeSite(file=file, stmt=default, kind="constant", node=default,  # type: ignore[arg-type]
                            text=f"{arg.id}={src.segment(file, default)}")
        if isinstance(init, ast.FunctionDef) and _sizes_more(init, arg.id):
            # the parameter sizes other layers too (an LSTM's hidden size and the head over it): changing it
            # where the class is built changes them all, so the layer's own argument is the place
            stmt = src.statement_at(tree, call.lineno)
            if stmt is not None:
                return SizeSite(file=file, stmt=stmt, kind="layer", node=arg, text=src.segment(file, call))
            continue
        site = _argument_site(ctx, file, tree, call, arg.id, n)
        if site is not None:
            return site
    return None


def _set_in_settings_text(file: str, arg: ast.AST, n: int) -> bool:
    """`settings.num_classes` (or `cfg["num_classes"]`) whose key a settings text the script parses sets to `n`."""
    from ..settings_text import read_key, setting_line
    key = read_key(arg)
    return key is not None and setting_line(file, key, n) is not None


def _feeds_next_layer(tree: ast.Module, call: ast.Call, name: str, classes: tuple[str, ...]) -> bool:
    """Whether another layer built in the same function takes `name` as its input size (its first argument)."""
    scope = src.enclosing_scope(tree, call.lineno)
    return any(c is not call and src.call_name(c).split(".")[-1] in classes and c.args and isinstance(c.args[0], ast.Name)
               and c.args[0].id == name for c in src.nodes(scope, ast.Call))


def _field_default(tree: ast.Module, node: ast.AST) -> ast.AnnAssign | None:
    """For `cfg.n_subgenres`, the field `n_subgenres: int = <default>` of the one class of the file that declares
    it, when no call of that class in the file gives the field (by keyword or by position): the value the
    instance holds is that default, whatever the expression."""
    if not (isinstance(node, ast.Attribute) and isinstance(node.value, (ast.Name, ast.Attribute))):
        return None
    found = [(cls, n) for cls in src.nodes(tree, ast.ClassDef) for n in cls.body if isinstance(n, ast.AnnAssign)
             and isinstance(n.target, ast.Name) and n.target.id == node.attr and n.value is not None]
    if len(found) != 1:
        return None
    value = found[0][1].value
    if isinstance(value, ast.Call) and src.call_name(value).rpartition(".")[2] == "field" and \
            src.keyword(value, "default") is None:
        return None  # `field(init=False)` (set in `__post_init__`) or `field(default_factory=...)`: no default here
    cls, field = found[0]
    for call in src.calls(tree):
        if src.call_name(call).split(".")[-1] == cls.name and (call.args or any(
                k.arg in (node.attr, None) for k in call.keywords)):
            return None  # built with arguments: the field may be given another value
        if isinstance(call.func, ast.Name) and call.func.id in ("replace", "dataclasses.replace"):
            return None
    return field


@dataclass(frozen=True)
class InitParam:
    """A parameter of the `__init__` of a user's class: the class, its place after `self`, its default."""
    cls: ast.ClassDef
    position: int
    default: ast.expr | None


def _init_param(tree: ast.Module, call: ast.Call, param: str) -> InitParam | None:
    """`param` of the `__init__` of the class whose body holds `call`; None when there is none."""
    cls = src.enclosing_class(tree, call.lineno)
    init = next((f for f in (cls.body if cls else []) if isinstance(f, ast.FunctionDef) and f.name == "__init__"),
                None)
    if cls is None or init is None:
        return None
    names = [a.arg for a in init.args.args][1:]
    if param not in names:
        return None
    return InitParam(cls, names.index(param), src.param_defaults(init).get(param))


def _given_other(ctx: Context, tree: ast.Module, call: ast.Call, param: str, n: int) -> bool:
    """The class around `call` is built somewhere, and every build gives its `__init__` parameter `param` (or
    leaves it at a default) a plain int other than `n`."""
    p = _init_param(tree, call, param)
    if p is None:
        return False
    values = []
    for use in (c for c in src.calls(tree) if src.call_name(c).split(".")[-1] == p.cls.name):
        kw = src.keyword(use, param)
        given = kw.value if kw is not None else (use.args[p.position] if len(use.args) > p.position else p.default)
        values.append(static_int(ctx, tree, given) if given is not None else None)
    return bool(values) and all(v is not None and v != n for v in values)


def _sizes_more(fn: ast.FunctionDef, name: str) -> bool:
    """Whether `fn` (an `__init__`) reads its parameter `name` in more than one call."""
    if name not in {a.arg for a in fn.args.args}:
        return False
    return sum(1 for c in src.nodes(fn, ast.Call) if any(_reads(a, name) for a in [*c.args, *(k.value for k in
                                                                                          c.keywords)])) > 1


def _reads(node: ast.AST, name: str) -> bool:
    """Whether `node` reads `name` outside any call nested in it (`2 * hidden`, not `nn.Linear(hidden, 3)`)."""
    if isinstance(node, ast.Name):
        return node.id == name
    if isinstance(node, ast.Call):
        return False
    return any(_reads(child, name) for child in ast.iter_child_nodes(node))


def _uses_of(tree: ast.Module, name: str) -> int:
    return sum(1 for n in src.nodes(tree, ast.Name) if n.id == name and isinstance(n.ctx, ast.Load))


def _function_argument(ctx: Context, file: str, tree: ast.Module, call: ast.Call, param: str, n: int) -> \
        SizeSite | None:
    """`in_dim` of `nn.Linear(in_dim, n_out)` in a plain function `make_head(in_dim, n_out)`: what its one call
    (or the `partial(make_head, width)` that prepares it) gives for it, when that is `n` or not plain."""
    fn = src.enclosing_scope(tree, call.lineno)
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or fn.name == "__init__":
        return None
    given = src.sole_argument(tree, fn, param)
    stmt = src.statement_at(tree, given.lineno) if given is not None else None
    if stmt is None or static_int(ctx, tree, given) not in (n, None):
        return None
    return _held_site(file, tree, given) or SizeSite(file=file, stmt=stmt, kind="argument", node=given,
                                                     text=f"{param}={src.segment(file, given)}")


def _argument_site(ctx: Context, file: str, tree: ast.Module, call: ast.Call, param: str, n: int) -> \
        SizeSite | None:
    p = _init_param(tree, call, param)
    if p is None:
        return _function_argument(ctx, file, tree, call, param, n)
    pos = p.position
    aliases = _partials_of(tree, p.cls.name)  # `make_model = partial(BarForecaster, n_venues=...)`
    for use in src.calls(tree):
        called = src.call_name(use).split(".")[-1]
        if called != p.cls.name and called not in aliases:
            continue
        stmt = src.statement_at(tree, use.lineno)
        if stmt is None:
            continue
        kw = src.keyword(use, param)
        by_place = use.args[pos] if len(use.args) > pos and called == p.cls.name else None
        given = kw.value if kw is not None else by_place
        text = src.segment(file, use)
        if given is None:  # `BulletinClassifier(**cfg)`: the value the dict (or the caller's caller) holds
            given = src.splatted_keyword(tree, use, param)
            stmt = src.statement_at(tree, given.lineno) if given is not None else stmt
            if stmt is None:
                continue
            text = f"{param}={src.segment(file, given)}" if given is not None else text
        if given is not None and static_int(ctx, tree, given) in (n, None):
            return _held_site(file, tree, given) or SizeSite(
                file=file, stmt=stmt, kind="argument", node=given, text=text)
        if given is None and p.default is not None and static_int(ctx, tree, p.default) == n:
            return SizeSite(file=file, stmt=stmt, kind="default", call=use, keyword=param,
                            text=src.segment(file, use))
    return None


def _partials_of(tree: ast.Module, cls: str) -> set[str]:
    """The names the module binds to `partial(cls, ...)` (functools.partial of the class)."""
    return {a.targets[0].id for a in tree.body if isinstance(a, ast.Assign) and len(a.targets) == 1
            and isinstance(a.targets[0], ast.Name) and isinstance(a.value, ast.Call)
            and src.call_name(a.value).split(".")[-1] == "partial" and a.value.args
            and isinstance(a.value.args[0], ast.Name) and a.value.args[0].id == cls}


def settings_class_of(tree: ast.Module, name: str) -> ast.ClassDef | None:
    """The file's class that every `name = Cls()` of the file builds, with no arguments (the settings object handed
    around as `cfg`), in whichever function."""
    classes = {k.name: k for k in src.nodes(tree, ast.ClassDef)}
    made = {a.value.func.id for a in src.nodes(tree, ast.Assign) if len(a.targets) == 1
            and isinstance(a.targets[0], ast.Name) and a.targets[0].id == name and isinstance(a.value, ast.Call)
            and isinstance(a.value.func, ast.Name) and a.value.func.id in classes and not a.value.args
            and not a.value.keywords}
    return classes[made.pop()] if len(made) == 1 else None


def literal_defaults(cls: ast.ClassDef) -> dict[str, Any]:
    """The annotated fields of a settings class whose defaults are ints or tuples/lists of ints, by name."""
    out: dict[str, Any] = {}
    for st in cls.body:
        if isinstance(st, ast.AnnAssign) and isinstance(st.target, ast.Name) and st.value is not None:
            try:
                v = ast.literal_eval(st.value)
            except ValueError:
                continue
            if type(v) is int or isinstance(v, (tuple, list)) and all(type(x) is int for x in v):
                out[st.target.id] = v
    return out

