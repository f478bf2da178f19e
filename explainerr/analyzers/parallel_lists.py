"""Labels built as a list parallel to the input ids but missing one of its parts: `input_ids = prompt_ids +
answer_ids + [eos_id]` beside `labels = [-100] * len(prompt_ids) + answer_ids`, so every row of labels is
shorter than its inputs by the part left out.  Read from the user's source: two `+` chains of lists in one
scope, the labels' holding a masked stand-in (`[-100] * len(part)`) for a part of the inputs'."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .. import source as src
from ..facts import Context
from . import Finding, fact

PART_LEFT_OUT = fact("part-left-out", "`labels_made` (line `labels_line`) is built like `ids_made` (line `ids_line`) "
                                      "but without `missing`")


@dataclass(frozen=True)
class Chain:
    stmt: ast.Assign
    name: str
    parts: list[ast.expr]


def part_left_out(ctx: Context, surplus: int) -> Finding | None:
    """The one pair of chains in a scope of the user's files where the labels' chain stands in for a part of the
    ids' chain with `[c] * len(part)`, has every other part of its own in the ids' chain, and leaves out list
    literals of the ids' chain holding `surplus` items in all."""
    found = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        for scope in [tree, *src.nodes(tree, ast.FunctionDef)]:
            chains = [c for c in (_chain(s) for s in src.statements(scope)) if c is not None]
            for lab in chains:
                masked = [_masked_of(p) for p in lab.parts]
                if not any(masked):
                    continue
                for ids in chains:
                    if ids is lab:
                        continue
                    extra = _left_out(lab, ids, {ast.dump(m) for m in masked if m is not None})
                    if extra and sum(len(e.elts) for e in extra) == surplus:
                        found.append((file, lab, ids, extra))
    if len(found) != 1:
        return None
    file, lab, ids, extra = found[0]
    missing = " + ".join(src.segment(file, e) for e in extra)
    # the labels' parts in the order of the ids' parts: a part left out goes where the ids have it
    own = {ast.dump(p): p for p in lab.parts if _masked_of(p) is None}
    stand_ins = {ast.dump(_masked_of(p)): p for p in lab.parts if _masked_of(p) is not None}
    ordered = [stand_ins.get(ast.dump(p)) or own.get(ast.dump(p)) or p for p in ids.parts]
    fixed = " + ".join(src.segment(file, p) for p in ordered)
    f = Finding(facts={PART_LEFT_OUT})
    f.values.update(labels_made=" ".join(src.segment(file, lab.stmt).split()), labels_line=lab.stmt.lineno,
                    ids_made=" ".join(src.segment(file, ids.stmt).split()), ids_line=ids.stmt.lineno,
                    missing=missing, labels_fixed=fixed)
    f.hints["part_left_out"] = (file, lab.stmt, f.values["labels_fixed"])
    f.confidence = "high"
    return f


def _chain(stmt: ast.stmt) -> Chain | None:
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.BinOp) and isinstance(stmt.value.op, ast.Add)):
        return None
    parts: list[ast.expr] = []

    def walk(n: ast.expr) -> None:
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add):
            walk(n.left)
            walk(n.right)
        else:
            parts.append(n)
    walk(stmt.value)
    return Chain(stmt, stmt.targets[0].id, parts)


def _masked_of(part: ast.expr) -> ast.expr | None:
    """`P` for `[c] * len(P)` (or `len(P) * [c]`)."""
    if not (isinstance(part, ast.BinOp) and isinstance(part.op, ast.Mult)):
        return None
    for lst, n in ((part.left, part.right), (part.right, part.left)):
        if (isinstance(lst, ast.List) and len(lst.elts) == 1 and isinstance(n, ast.Call)
                and isinstance(n.func, ast.Name) and n.func.id == "len" and len(n.args) == 1):
            return n.args[0]
    return None


def _left_out(lab: Chain, ids: Chain, masked: set[str]) -> list[ast.List]:
    """The list literals of the ids' chain the labels' chain leaves out, when all its other parts are there."""
    lab_parts = {ast.dump(p) for p in lab.parts if _masked_of(p) is None}
    ids_parts = [ast.dump(p) for p in ids.parts]
    if not masked <= set(ids_parts) or not lab_parts <= set(ids_parts):
        return []
    rest = [p for p in ids.parts if ast.dump(p) not in masked | lab_parts]
    return rest if rest and all(isinstance(p, ast.List) for p in rest) else []


SPECIALS_LEFT_OUT = fact("specials-left-out", "`ids_made` (line `ids_line`) puts `missing` around the items, and "
                                              "`labels_made` (line `labels_line`) has one label per item only")
_COMPS = (ast.ListComp, ast.GeneratorExp)


def specials_left_out(ctx: Context, surplus: int) -> Finding | None:
    """The one pair in a scope of the user's files of an ids chain made of one comprehension and list literals
    (`[vocab[BOS]] + [vocab[w] for w in line.words] + [vocab[EOS]]`) and labels made by one comprehension over
    a field of the same record (`[TAG_ID[t] for t in line.tags]`), the literals holding `surplus` items: the
    labels get a skipped label at each of those places."""
    found = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for scope in [tree, *src.nodes(tree, ast.FunctionDef)] if tree is not None else ():
            stmts = src.statements(scope)
            comps = [s for s in stmts if isinstance(s, ast.Assign) and len(s.targets) == 1
                     and isinstance(s.targets[0], ast.Name) and isinstance(s.value, ast.ListComp)]
            for ids in (c for c in (_chain(s) for s in stmts) if c is not None):
                inner = [p for p in ids.parts if isinstance(p, ast.ListComp)]
                rest = [p for p in ids.parts if not isinstance(p, ast.ListComp)]
                if len(inner) != 1 or not rest or not all(isinstance(p, ast.List) for p in rest) \
                        or sum(len(p.elts) for p in rest) != surplus:
                    continue
                for lab in comps:
                    if lab is not ids.stmt and _same_record(inner[0], lab.value):
                        found.append((file, ids, lab))
    if not found:
        return _specials_in_helpers(ctx, surplus)
    if len(found) != 1:
        return None
    file, ids, lab = found[0]
    skip = _ignore_name(src.tree_of(file))
    pieces = [src.segment(file, lab.value) if isinstance(p, ast.ListComp) else f"[{', '.join([skip] * len(p.elts))}]"
              for p in ids.parts]
    f = Finding(facts={SPECIALS_LEFT_OUT})
    f.values.update(labels_made=" ".join(src.segment(file, lab).split()), labels_line=lab.lineno,
                    ids_made=" ".join(src.segment(file, ids.stmt).split()), ids_line=ids.stmt.lineno,
                    missing=" and ".join(f"`{src.segment(file, p)}`" for p in ids.parts if isinstance(p, ast.List)),
                    labels_fixed=" + ".join(pieces), surplus=surplus)
    f.hints["part_left_out"] = (file, lab, f.values["labels_fixed"])
    f.confidence = "high"
    return f


def _specials_in_helpers(ctx: Context, surplus: int) -> Finding | None:
    """The ids' and the labels' helpers called side by side for one record (helper_specials.py)."""
    from .helper_specials import helper_specials, holder
    pair = helper_specials(ctx, surplus)
    if pair is None:
        return None
    file, ids_fn, lab_fn, comp, parts = pair
    skip = _ignore_name(src.tree_of(file))
    pieces = [src.segment(file, comp) if isinstance(p, ast.ListComp) else f"[{', '.join([skip] * len(p.elts))}]"
              for p in parts]
    f = Finding(facts={SPECIALS_LEFT_OUT})
    f.values.update(labels_made=lab_fn.name, labels_line=lab_fn.lineno, ids_made=ids_fn.name, ids_line=ids_fn.lineno,
                    missing=" and ".join(f"`{src.segment(file, e)}`" for p in parts if isinstance(p, ast.List)
                                         for e in p.elts),
                    labels_fixed=" + ".join(pieces), surplus=surplus)
    f.hints["part_left_out"] = (file, holder(comp), f.values["labels_fixed"])
    f.confidence = "high"
    return f


def _same_record(a: ast.ListComp, b: ast.ListComp) -> bool:
    """Two comprehensions over fields of one record (`line.words`, `line.tags`; `ex["tokens"]`, `ex["tags"]`)."""
    def root(n: ast.AST) -> str | None:
        it = n.generators[0].iter if len(n.generators) == 1 else None
        return ast.dump(it.value) if isinstance(it, (ast.Attribute, ast.Subscript)) else None
    ra, rb = root(a), root(b)
    return ra is not None and ra == rb and ast.dump(a.generators[0].iter) != ast.dump(b.generators[0].iter)


def _ignore_name(tree: ast.Module | None) -> str:
    """The module constant the file names -100 with (`IGNORE = -100`), else -100."""
    for st in tree.body if tree is not None else ():
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name) \
                and isinstance(st.value, ast.UnaryOp) and isinstance(st.value.op, ast.USub) \
                and isinstance(st.value.operand, ast.Constant) and st.value.operand.value == 100:
            return st.targets[0].id
    return "-100"


LABELS_ONE_PART = fact("labels-one-part", "the labels entry is one part of the inputs entry (`input_ids`: `a + b`, "
                                          "`labels`: `b`) in one mapping of the user's code")
_LABEL_KEYS = ("labels", "label_ids", "targets", "target_ids")
_IDS_KEYS = ("input_ids", "ids", "tokens", "token_ids")


def labels_one_part(ctx: Context) -> Finding | None:
    """The one mapping of the user's files (`{"input_ids": prompt + answer, "labels": answer}` or `dict(...)`)
    whose labels are a part of its joined ids: the labels are as long as that part only.  They keep the ids'
    length, the other parts marked -100 (what the losses skip)."""
    found = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for node in (ast.walk(tree) if tree is not None else ()):
            entries = _entries(node)
            ids = next((entries[k] for k in _IDS_KEYS if k in entries), None)
            lab_key = next((k for k in _LABEL_KEYS if k in entries), None)
            if ids is None or lab_key is None or not isinstance(entries[lab_key], ast.Name):
                continue
            parts = _joined_names(ids)
            kept = entries[lab_key].id
            if parts is None or kept not in parts or len(parts) < 2:
                continue
            found.append((file, node, entries[lab_key], parts, kept, ids))
    if len(found) != 1:
        return None
    file, node, lab, parts, kept, ids = found[0]
    pieces = [kept if p == kept else f"[-100] * len({p})" for p in parts]
    f = Finding(facts={LABELS_ONE_PART})
    stmt = src.statement_at(src.tree_of(file), lab.lineno)
    f.values.update(kept=kept, joined=src.segment(file, ids), dropped=" + ".join(p for p in parts if p != kept),
                    one_part_line=lab.lineno, labels_fixed=" + ".join(pieces))
    f.hints["labels_one_part"] = (file, stmt, lab, f.values["labels_fixed"])
    f.confidence = "high"
    return f


def _entries(node: ast.AST) -> dict[str, ast.expr]:
    if isinstance(node, ast.Dict):
        return {k.value: v for k, v in zip(node.keys, node.values)
                if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    if isinstance(node, ast.Call) and src.call_name(node) == "dict":
        return {k.arg: k.value for k in node.keywords if k.arg}
    return {}


def _joined_names(node: ast.expr) -> list[str] | None:
    """`a + b + c` of plain names: ["a", "b", "c"]."""
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _joined_names(node.left), _joined_names(node.right)
        return left + right if left is not None and right is not None else None
    return None
