"""A mask sized before the special tokens were added: the user's code builds each example's ids as
`[cls] + pieces + [sep]` (k tokens around the pieces) but its mask as `[1] * len(pieces)`, so every mask is k
positions shorter than its ids.  Read from the user's source: both lines, in one function (or module)."""
from __future__ import annotations

import ast
import re
from typing import NamedTuple

from .. import source as src
from ..facts import Context
from . import Finding, fact

MASK_BEFORE_SPECIALS = fact("mask-before-specials", "the mask is sized by `pieces` (`mask_made`, line `mask_line`) "
                                                    "while the ids add `n_added` special tokens around them "
                                                    "(`ids_made`, line `ids_line`)")


class Sized(NamedTuple):
    """`len(<name>)` inside the mask's expression (`len_arg` to replace by `ids`, the name of the ids)."""

    file: str
    stmt: ast.stmt
    len_arg: ast.Name
    ids: str


def _ones_of_len(node: ast.AST) -> ast.Name | None:
    """`[1] * len(x)` / `[True] * len(x)` / `torch.ones(len(x))`: the name `x`."""
    size = None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        lst, size = (node.left, node.right) if isinstance(node.left, ast.List) else (node.right, node.left)
        if not (isinstance(lst, ast.List) and len(lst.elts) == 1 and isinstance(lst.elts[0], ast.Constant)
                and lst.elts[0].value in (1, True)):
            return None
    elif isinstance(node, ast.Call) and src.call_name(node).split(".")[-1] == "ones" and node.args:
        size = node.args[0]
    if isinstance(size, ast.Call) and src.call_name(size) == "len" and len(size.args) == 1 and isinstance(
            size.args[0], ast.Name):
        return size.args[0]
    return None


def _added_around(value: ast.AST, name: str) -> int | None:
    """For `[cls] + f(name) + [sep]`: how many elements the literal lists add around the one term that reads
    `name`; None for another shape."""
    terms = src.summed_terms(value)
    reading = [t for t in terms if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(t))]
    if len(terms) < 2 or len(reading) != 1 or isinstance(reading[0], ast.List):
        return None
    lists = [t for t in terms if t is not reading[0]]
    if not all(isinstance(t, ast.List) for t in lists):
        return None
    return sum(len(t.elts) for t in lists)


def mask_before_specials(ctx: Context, f: Finding, mask_len: int, other_len: int) -> bool:
    """Adds the fact and the hint `mask_before_specials` (a Sized) when exactly one scope of the user's files
    makes a mask `[1] * len(pieces)` and, before it, ids from `pieces` plus `other_len - mask_len` literal
    tokens."""
    from .classes import user_files
    k = other_len - mask_len
    if k < 1:
        return False
    found: list[tuple[Sized, ast.Assign, ast.AST]] = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for node in src.nodes(tree, ast.BinOp, ast.Call) if tree is not None else ():
            piece = _ones_of_len(node)
            stmt = src.statement_at(tree, node.lineno) if piece is not None else None
            if stmt is None:
                continue
            scope = src.enclosing_scope(tree, stmt.lineno)
            per_piece = {a.targets[0].id for a in src.statements(scope) if isinstance(a, ast.Assign)
                         and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)
                         and isinstance(a.value, ast.ListComp) and len(a.value.generators) == 1
                         and not a.value.generators[0].ifs and isinstance(a.value.generators[0].iter, ast.Name)
                         and a.value.generators[0].iter.id == piece.id}  # `ids = [vocab[t] for t in tokens]`
            for a in src.statements(scope):
                if (a is not stmt and isinstance(a, ast.Assign) and len(a.targets) == 1
                        and isinstance(a.targets[0], ast.Name) and a.targets[0].id != piece.id
                        and any(_added_around(a.value, name) == k for name in {piece.id} | per_piece)):
                    found.append((Sized(file, stmt, piece, a.targets[0].id), a, node))
    if len(found) != 1:
        return False
    sized, ids_made, mask_node = found[0]
    f.facts.add(MASK_BEFORE_SPECIALS)
    f.values.update(pieces=sized.len_arg.id, mask_made=" ".join(src.segment(sized.file, mask_node).split()),
                    mask_line=sized.stmt.lineno, n_added=k, ids_name=sized.ids,
                    ids_made=" ".join(src.segment(sized.file, ids_made.value).split()), ids_line=ids_made.lineno)
    f.hints["mask_before_specials"] = sized
    f.hints["mask_before_specials_ids"] = ids_made
    if ids_made.lineno > sized.stmt.lineno:  # the ids are made after the mask: count the added tokens in it
        f.facts.add(MASK_MADE_FIRST)
        f.values["mask_counted"] = f"len({sized.len_arg.id}) + {k}"
    f.confidence = "high"  # the two lines differ by exactly the positions the message says
    return True


MASK_MADE_FIRST = fact("mask-made-first", "the mask is made before the ids it should cover (`mask_counted` counts "
                                          "the added tokens)")


IDS_FRAMED_ALONE = fact("ids-framed-alone", "a record's ids get `n_added` tokens around them (`framed`, line "
                                            "`framed_line`) while its mask field `mask_field` is left as it was")
_MASKY = ("mask", "keep", "attn", "attention", "valid")


def _record_fields(tree: ast.Module) -> set[str]:
    """Field names of the file's NamedTuple / dataclass records."""
    return {n.target.id for c in src.nodes(tree, ast.ClassDef) for n in c.body
            if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)}


def _record_keys(tree: ast.Module) -> set[str]:
    """The string keys the file's code reads (`rec["attention_mask"]`) or writes in dict displays."""
    out = {n.slice.value for n in src.nodes(tree, ast.Subscript) if isinstance(n.slice, ast.Constant)
           and isinstance(n.slice.value, str)}
    return out | {k.value for d in src.nodes(tree, ast.Dict) for k in d.keys if isinstance(k, ast.Constant)
                  and isinstance(k.value, str)}


def _framed(file: str, value: ast.AST, field: str, record: str) -> list[ast.AST] | None:
    """The terms of `[cls] + rec.ids + [sep]` (or `rec["ids"]`) when exactly one reads the record's field and
    the rest are list displays."""
    terms = src.summed_terms(value)
    own = {f"{record}.{field}", f'{record}["{field}"]', f"{record}['{field}']"}
    reading = [t for t in terms if src.segment(file, t) in own]
    if len(terms) < 2 or len(reading) != 1 or not all(isinstance(t, ast.List) for t in terms if t is not reading[0]):
        return None
    return terms


def ids_framed_alone(ctx: Context, f: Finding, mask_len: int, other_len: int) -> bool:
    """`item._replace(ids=[cls] + item.ids + [sep])` (or `item["input_ids"] = [cls] + item["input_ids"] +
    [sep]`) adding `other_len - mask_len` tokens around a record's ids, where the record also holds a mask field
    (a name like mask/keep/attention) that the same update does not touch: the edit frames the mask too, with 1s."""
    from .classes import user_files
    k = other_len - mask_len
    found = []
    for file in user_files(ctx) if k >= 1 else ():
        tree = src.tree_of(file)
        if tree is None:
            continue
        fields = _record_fields(tree)
        for call in src.calls(tree):  # `rec._replace(ids=...)`, `dataclasses.replace(rec, ids=...)`
            name = src.call_name(call).rpartition(".")[2]
            record = call.func.value if name == "_replace" and isinstance(call.func, ast.Attribute) else \
                call.args[0] if name == "replace" and len(call.args) == 1 else None
            if not isinstance(record, ast.Name):
                continue
            given = {kw.arg for kw in call.keywords}
            for kw in call.keywords:
                terms = _framed(file, kw.value, kw.arg, record.id) if kw.arg else None
                masks = [m for m in fields if m != kw.arg and m not in given and any(w in m.lower() for w in _MASKY)]
                if terms and sum(len(t.elts) for t in terms if isinstance(t, ast.List)) == k and len(masks) == 1:
                    stmt = src.statement_at(tree, call.lineno)
                    found.append((file, stmt, call, kw, terms, masks[0], record.id, "keyword"))
        for a in src.nodes(tree, ast.Assign):  # `rec["input_ids"] = [cls] + rec["input_ids"] + [sep]`
            t = a.targets[0] if len(a.targets) == 1 else None
            if not (isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and isinstance(t.slice, ast.Constant)
                    and isinstance(t.slice.value, str)):
                continue
            terms = _framed(file, a.value, t.slice.value, t.value.id)
            scope = src.enclosing_scope(tree, a.lineno)
            written = {n.targets[0].slice.value for n in src.statements(scope, nested=True)
                       if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Subscript)
                       and isinstance(n.targets[0].slice, ast.Constant)}
            masks = [m for m in _record_keys(tree) if m != t.slice.value and m not in written
                     and any(w in m.lower() for w in _MASKY)]
            if terms and sum(len(x.elts) for x in terms if isinstance(x, ast.List)) == k and len(masks) == 1:
                found.append((file, a, None, None, terms, masks[0], t.value.id, "item"))
    if len(found) != 1:
        return False
    file, stmt, call, kw, terms, mask, record, kind = found[0]
    ids_term = next(t for t in terms if not isinstance(t, ast.List))
    read = f"{record}.{mask}" if kind == "keyword" and "." in src.segment(file, ids_term) else f'{record}["{mask}"]'
    framed = " + ".join(read if t is ids_term else "[" + ", ".join("1" for _ in t.elts) + "]" for t in terms)
    f.facts.add(IDS_FRAMED_ALONE)
    f.values.update(framed=" ".join(src.segment(file, stmt).split()), framed_line=stmt.lineno, n_added=k,
                    mask_field=mask, mask_framed=framed)
    f.hints["ids_framed_alone"] = (file, stmt, call, f"{mask}={framed}" if kind == "keyword" else f"{read} = {framed}")
    f.confidence = "high"  # the update adds exactly the positions the message says to the ids alone
    return True


_MASK_ROWS = re.compile(r"(?i)mask|keep|att|pad|valid|visible")
MASK_ROWS_UNFRAMED = fact("mask-rows-unframed", "in one loop, `ids_rows` gets each example's ids framed by special "
                                                "tokens (`ids_made`, line `ids_line`) while `mask_rows` gets a row "
                                                "without their slots (`mask_made`, line `mask_line`)")


def _frame_of(value: ast.AST) -> tuple[int, int] | None:
    """(tokens before, tokens after) the one non-literal term of `[cls] + cell_ids + [sep]`."""
    terms = src.summed_terms(value)
    inner = [i for i, t in enumerate(terms) if not isinstance(t, ast.List)]
    if len(terms) < 2 or len(inner) != 1:
        return None
    before = sum(len(t.elts) for t in terms[:inner[0]])
    after = sum(len(t.elts) for t in terms[inner[0] + 1:])
    return (before, after) if before + after else None


_INVERTS = re.compile(r"~|logical_not|==\s*0\b|\.eq\(0\)|\b1\s*-|\bnot\b")


def _inverted_after(tree: ast.Module, file: str, loop: ast.For, rows: str) -> bool:
    """A statement after the loop reads `rows`, or a name made from it, through an inversion (`~torch.tensor(keep)`,
    `1 - mask`, `== 0`): the rows' 1s need not mean "kept" where the mask is used, so the frame's value is unknown."""
    scope = src.enclosing_scope(tree, loop.lineno)
    names = {rows}
    for st in src.statements(scope):
        if st.lineno <= (loop.end_lineno or loop.lineno) or not names & set(src.names_in(st)):
            continue
        if _INVERTS.search(src.segment(file, st)):
            return True
        names |= {t.id for t in getattr(st, "targets", []) if isinstance(t, ast.Name)}
    return False


def mask_rows_unframed(ctx: Context, f: Finding, mask_len: int, other_len: int) -> bool:
    """One loop of the user's files appends each example's ids framed by literal tokens (`ids.append([cls] +
    cell_ids + [sep])`) and, to a list named as a mask, a row built without those slots (`masks.append([0 if
    missing else 1 for c in COLS])`), the rows `other_len - mask_len` apart: the mask row gets the same frame of
    ones.  Adds the fact and the hint `mask_rows_unframed` = (file, statement, row node, framed row text)."""
    from .classes import user_files
    k = other_len - mask_len
    found = []
    for file in user_files(ctx) if k > 0 else ():
        tree = src.tree_of(file)
        for loop in src.nodes(tree, ast.For) if tree is not None else ():
            appends = [(st, c) for st in loop.body if isinstance(st, ast.Expr) and isinstance(c := st.value, ast.Call)
                       and isinstance(c.func, ast.Attribute) and c.func.attr == "append"
                       and isinstance(c.func.value, ast.Name) and len(c.args) == 1]
            framed = [(st, c, fr) for st, c in appends if (fr := _frame_of(c.args[0])) and sum(fr) == k]
            rows = [(st, c) for st, c in appends if _MASK_ROWS.search(c.func.value.id) and _frame_of(c.args[0]) is None
                    and isinstance(c.args[0], (ast.ListComp, ast.List))]
            if len(framed) == 1 and len(rows) == 1 and not _inverted_after(tree, file, loop, rows[0][1].func.value.id):
                found.append((file, framed[0], rows[0]))
    if len(found) != 1:
        return False
    file, (ids_st, ids_call, (before, after)), (row_st, row_call) = found[0]
    row = row_call.args[0]
    arg = f.hints.get("mask_arg")
    padding = "padding" in str(getattr(arg, "param", "") or "")  # True marks padding: the frame is kept, False
    item = row.elt if isinstance(row, ast.ListComp) else (row.elts[0] if row.elts else None)
    keep = ("False" if padding else "True") if isinstance(item, ast.Compare) else ("0" if padding else "1")
    text = " + ".join(p for p in ([f"[{keep}] * {before}" if before > 1 else f"[{keep}]"] if before else []) +
                      [src.segment(file, row)] + ([f"[{keep}] * {after}" if after > 1 else f"[{keep}]"] if after else []))
    f.facts.add(MASK_ROWS_UNFRAMED)
    f.values.update(ids_rows=ids_call.func.value.id, mask_rows=row_call.func.value.id, n_added=k,
                    ids_made=" ".join(src.segment(file, ids_call.args[0]).split()), ids_line=ids_st.lineno,
                    mask_made=" ".join(src.segment(file, row).split()), mask_line=row_st.lineno, mask_framed=text)
    f.hints["mask_rows_unframed"] = (file, row_st, row, text)
    f.confidence = "high"  # the rows differ by exactly the tokens that frame the ids
    return True
