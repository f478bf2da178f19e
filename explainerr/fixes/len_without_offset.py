"""Fix for a vocabulary class whose `__len__` counts its words but not the ids reserved before them: the class
numbers its words from an offset (`self.stoi = {t: i + len(SPECIALS) for i, t in enumerate(self.tokens)}`) and
returns `len(self.tokens)` as its length, so a table sized `len(vocab)` lacks the offset's rows.  `__len__` adds the
offset.  Read from the user's source: the one such class of the user's files, checked against the batch's numbers
(the largest id is past the table but within the table plus the offset)."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import Finding, fact
from ..analyzers.classes import static_int, user_files
from ..facts import Context
from ..model import Edit
from . import edits_of

LEN_WITHOUT_OFFSET = fact("len-without-offset", "`len_cls.__len__` returns `len_expr` (line `len_line`), while "
                                                "the class numbers those entries from `len_offset` (`numbered`)")


def _counted(fn: ast.FunctionDef) -> ast.Return | None:
    """The one `return len(self.X)` of a `__len__`."""
    rets = [r for r in ast.walk(fn) if isinstance(r, ast.Return)]
    if len(rets) != 1 or not isinstance(rets[0].value, ast.Call) or src.call_name(rets[0].value) != "len":
        return None
    arg = rets[0].value.args[0] if len(rets[0].value.args) == 1 else None
    return rets[0] if isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name) and arg.value.id == "self" \
        else None


def _offset(cls: ast.ClassDef, attr: str) -> ast.expr | None:
    """`OFF` of `{t: i + OFF for i, t in enumerate(self.<attr>)}` (or `enumerate(self.<attr>, start=OFF)`)."""
    for comp in src.nodes(cls, ast.DictComp):
        gen = comp.generators[0] if len(comp.generators) == 1 else None
        it = gen.iter if gen is not None else None
        if not (isinstance(it, ast.Call) and src.call_name(it) == "enumerate" and it.args
                and ast.unparse(it.args[0]) == f"self.{attr}" and isinstance(gen.target, ast.Tuple)
                and isinstance(gen.target.elts[0], ast.Name)):
            continue
        start = src.keyword(it, "start")
        if start is not None or len(it.args) == 2:
            return start.value if start is not None else it.args[1]
        index = gen.target.elts[0].id
        for value in (comp.key, comp.value):
            if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add) and isinstance(value.left, ast.Name) \
                    and value.left.id == index:
                return value.right
    return None


def _measured(tree: ast.Module, cls: str) -> bool:
    """Some `len(v)` of the file reads a name `v` bound to an instance of `cls` (`vocab = SubwordVocab(...)`)."""
    made = {a.targets[0].id for a in src.nodes(tree, ast.Assign) if len(a.targets) == 1
            and isinstance(a.targets[0], ast.Name) and isinstance(a.value, ast.Call)
            and src.call_name(a.value).rpartition(".")[2] == cls}
    return any(src.call_name(c) == "len" and len(c.args) == 1 and isinstance(c.args[0], ast.Name)
               and c.args[0].id in made for c in src.calls(tree))


def len_without_offset(ctx: Context, f: Finding) -> list[Edit]:
    rows, top = f.values.get("num_embeddings"), f.values.get("max_id")
    if type(rows) is not int or type(top) is not int or top < rows:
        return []
    hits = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for cls in src.nodes(tree, ast.ClassDef) if tree is not None else ():
            fn = next((s for s in cls.body if isinstance(s, ast.FunctionDef) and s.name == "__len__"), None)
            ret = _counted(fn) if fn is not None else None
            off = _offset(cls, ret.value.args[0].attr) if ret is not None else None
            k = static_int(ctx, tree, off) if off is not None else None
            if type(k) is int and 0 < k and top < rows + k and _measured(tree, cls.name):
                hits.append((file, cls, ret, off, k))
    if len(hits) != 1:
        return []
    file, cls, ret, off, k = hits[0]
    counted, offset = src.segment(file, ret.value), src.segment(file, off)
    f.facts.add(LEN_WITHOUT_OFFSET)
    f.confidence = "high"  # the largest id is past the words' count and within the offset: the numbers decide
    f.values.update(len_cls=cls.name, len_expr=counted, len_line=ret.lineno, len_offset=offset, len_k=k,
                    len_fixed=f"{offset} + {counted}", numbered=f"{k} id(s) before the first entry")
    return edits_of(src.LineEditor.for_node(file, ret).replace(ret.value, f"{offset} + {counted}"))
