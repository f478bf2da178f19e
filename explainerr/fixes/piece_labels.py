"""Fix for labels made one per word beside ids built one per word piece by hand: a loop over the words extends
the ids with each word's pieces (`ids.extend(tok.convert_tokens_to_ids(tok.tokenize(word)))`) and adds no label,
while the labels are made apart, by a comprehension over the same words (`[TAG2ID[t] for _, t in words]`) or over
the tags listed beside them (`[TAG2ID[t] for t in form["tags"]]` next to `zip(form["words"], ...)`).  The
comprehension is rewritten to give each word's first piece its label and the other pieces the ignore index, and
the special tokens put around the ids before and after the loop get the ignore index too.
"""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..analyzers import Finding, fact
from ..facts import Context
from . import edits_of

LABELS_APART = fact("labels-apart-from-pieces", "the loop on line `pieces_loop_line` adds every piece of each word "
                                                "to `piece_ids` while `word_labels_made` (line `word_labels_line`) "
                                                "makes one label per word")
#: A tokenizer's methods that turn a word into its pieces (or their ids).
SPLITS = frozenset({"tokenize", "encode", "convert_tokens_to_ids"})
#: Names (and dict keys) that hold labels.
LABEL_NAME = re.compile(r"label|tag", re.I)


def labels_beside_pieces(ctx: Context, f: Finding) -> list:
    """The edit of the per-word labels comprehension, or []."""
    found = per_word_beside_pieces(ctx) if "ignore-index" in f.facts else None  # the edit writes -100
    if found is None:
        return []
    file, stmt, comp, new, values = found
    f.facts.add(LABELS_APART)
    f.values.update(values)
    return edits_of(src.LineEditor.for_node(file, stmt).replace(comp, new))


def per_word_beside_pieces(ctx: Context) -> tuple[str, ast.stmt, ast.ListComp, str, dict] | None:
    """(file, statement, the per-word comprehension, its per-piece text, the fact's values) when a user file
    builds ids per piece in a loop and the labels per word apart from it; None otherwise."""
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for loop in src.nodes(tree, ast.For) if tree is not None else ():
            found = _rewrite(file, tree, loop)
            if found is not None:
                return (file, *found)
    return None


def _split_call(node: ast.AST) -> ast.Call | None:
    """The outermost call of a tokenizer's `tokenize`/`encode`/`convert_tokens_to_ids` in `node`."""
    for n in ast.walk(node):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in SPLITS:
            return n
    return None


def _pieces(file: str, loop: ast.For) -> tuple[str, str, int] | None:
    """(the ids list, the expression of one word's pieces, the line) when the loop's body extends one list with a
    word's pieces (directly, or through a name assigned them in the body) and appends no label."""
    named = {st.targets[0].id: st.value for st in loop.body if isinstance(st, ast.Assign) and len(st.targets) == 1
             and isinstance(st.targets[0], ast.Name) and _split_call(st.value) is not None}
    grown = [g for st in loop.body if (g := src.list_growth(st))]
    ids = []
    for name, how, value in grown:
        if how != "extend" or isinstance(value, ast.BinOp):
            continue  # `boxes.extend([box] * len(pieces))`: repeats a value per piece, not the pieces
        if isinstance(value, ast.Name) and value.id in named:
            ids.append((name, named[value.id]))
        elif _split_call(value) is not None:
            ids.append((name, value))
    if len(ids) != 1 or any(how == "append" for _, how, _ in grown):
        return None
    name, pieces = ids[0]
    return name, _inlined(file, pieces, named), loop.lineno


def _inlined(file: str, node: ast.expr, named: dict[str, ast.expr], depth: int = 0) -> str:
    """The source text of `node` with the names the loop's body assigned a word's pieces to replaced by what they
    were assigned: the comprehension that counts the pieces has no body to assign them in."""
    text, start = src.segment(file, node), (node.lineno, node.col_offset)
    uses = [n for n in ast.walk(node) if isinstance(n, ast.Name) and n.id in named and depth < 3]
    if not uses or node.lineno != node.end_lineno:
        return text
    for n in sorted(uses, key=lambda n: n.col_offset, reverse=True):  # from the right: offsets stay valid
        a, b = n.col_offset - start[1], n.end_col_offset - start[1]
        text = text[:a] + _inlined(file, named[n.id], named, depth + 1) + text[b:]
    return text


def _around(scope: ast.AST, ids: str, loop: ast.For) -> tuple[int, int] | None:
    """How many entries the ids list gets before the loop (its list literal) and after it (appends)."""
    before = after = None
    for st in src.statements(scope):
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name) \
                and st.targets[0].id == ids and st.lineno < loop.lineno and isinstance(st.value, ast.List):
            before = len(st.value.elts)
        grown = src.list_growth(st)
        if grown and grown[0] == ids and st.lineno > (loop.end_lineno or loop.lineno):
            if grown[1] != "append":
                return None
            after = (after or 0) + 1
    return (before, after or 0) if before is not None else None


def _label_comps(scope: ast.AST, loop: ast.For) -> list[tuple[ast.stmt, ast.ListComp]]:
    """Comprehensions with one `for` and no condition, outside the loop, that make labels: assigned to a name like
    labels/tags or given under such a key of a dict."""
    out = []
    for st in src.statements(scope):
        if src.contains(loop, st.lineno):
            continue
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name) \
                and LABEL_NAME.search(st.targets[0].id):
            values = [st.value]
        else:
            values = [v for d in ast.walk(st) if isinstance(d, ast.Dict) for k, v in zip(d.keys, d.values)
                      if isinstance(k, ast.Constant) and isinstance(k.value, str) and LABEL_NAME.search(k.value)]
        for v in values:
            out += [(st, c) for c in ast.walk(v) if isinstance(c, ast.ListComp) and len(c.generators) == 1
                    and not c.generators[0].ifs and not c.generators[0].is_async and _split_call(c.elt) is None]
    return out


def _merged_targets(file: str, loop: ast.For, comp: ast.comprehension, word_names: set[str]) -> str | None:
    """The target and iterable of a comprehension over the loop's words that gives both the loop's names used for
    the pieces (`word_names`) and the comprehension's label: the same iterable (targets merged place by place,
    `_` giving way), or `zip(words, tags)` when the loop zips the words with other lists and the comprehension
    walks a list of its own."""
    lt, ct = loop.target, comp.target
    if ast.unparse(loop.iter) == ast.unparse(comp.iter):
        if isinstance(lt, ast.Tuple) and isinstance(ct, ast.Tuple) and len(lt.elts) == len(ct.elts):
            names = []
            for a, b in zip(lt.elts, ct.elts):
                if not (isinstance(a, ast.Name) and isinstance(b, ast.Name)):
                    return None
                if a.id != b.id and "_" not in (a.id, b.id):
                    return None
                names.append(b.id if a.id == "_" else a.id)
            return f"{', '.join(names)} in {src.segment(file, loop.iter)}"
        return None
    it = loop.iter
    if not (isinstance(it, ast.Call) and src.call_name(it) == "zip" and isinstance(lt, ast.Tuple)
            and len(lt.elts) == len(it.args) and isinstance(ct, ast.Name)):
        return None
    words = [(e.id, a) for e, a in zip(lt.elts, it.args) if isinstance(e, ast.Name) and e.id in word_names]
    if len(words) != 1 or words[0][0] == ct.id:
        return None
    return f"{words[0][0]}, {ct.id} in zip({src.segment(file, words[0][1])}, {src.segment(file, comp.iter)})"


def _rewrite(file: str, tree: ast.Module, loop: ast.For) -> tuple[ast.stmt, ast.ListComp, str, dict] | None:
    found = _pieces(file, loop)
    if found is None:
        return None
    ids, pieces, line = found
    scope = src.enclosing_scope(tree, loop.lineno)
    around = _around(scope, ids, loop)
    loop_names = set(src.names_in(loop.target))
    word_names = set(src.names_in(ast.parse(pieces, mode="eval"))) & loop_names
    if around is None or not word_names:
        return None
    for stmt, comp in _label_comps(scope, loop):
        header = _merged_targets(file, loop, comp.generators[0], word_names)
        if header is None:
            continue
        elt = src.segment(file, comp.elt)
        new = f"[piece_label for {header} for piece_label in [{elt}] + [-100] * (len({pieces}) - 1)]"
        wrapped = _wrapped_in_specials(stmt, comp)
        before, after = around
        if wrapped is None and (before or after):
            new = " + ".join(p for p in (_ignored(before), new, _ignored(after)) if p)
        elif wrapped is not None and wrapped != (before, after):
            continue  # the labels count other extras than the ids: not a reading this rule makes
        return stmt, comp, new, dict(piece_ids=ids, pieces_loop_line=line, word_labels_line=comp.lineno,
                                     word_labels_made=" ".join(src.segment(file, comp).split()))
    return None


def _ignored(n: int) -> str:
    return "" if not n else "[-100]" if n == 1 else f"[-100] * {n}"


def _wrapped_in_specials(stmt: ast.stmt, comp: ast.ListComp) -> tuple[int, int] | None:
    """(entries before, after) when the comprehension is summed with one-element list literals (`[-100] + [...] +
    [-100]`), else None."""
    for n in ast.walk(stmt):
        if not isinstance(n, ast.BinOp) or not isinstance(n.op, ast.Add):
            continue
        terms = src.summed_terms(n)
        if comp not in terms:
            continue
        k = terms.index(comp)
        if all(isinstance(t, ast.List) and len(t.elts) == 1 for i, t in enumerate(terms) if i != k):
            return k, len(terms) - k - 1
    return None
