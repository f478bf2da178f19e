"""Fix for word-level labels beside an `is_split_into_words` encoding: rebuild them per token from the
encoding's `word_ids()`, with the special tokens and the padding marked by the ignore index.

Two shapes of code are rewritten where the labels are made: a per-word comprehension inside a loop over
the sentences (`[[TAGS.index(t) for t in tags] + [-100] * (width - len(tags)) for _, tags in batch]` becomes
`[[-100 if w is None else TAGS.index(tags[w]) for w in enc.word_ids(i)] for i, (_, tags) in enumerate(batch)]`),
and labels assigned from a per-sentence list of tags (`labels = ["O"] + tags + ["O"]`, a padded tensor of
per-word tags); also through lambdas (`enc = encode(words)`, `labels = pad_tags(tags)`).
"""
from __future__ import annotations

import ast
import re

from .. import files, source as src
from ..analyzers import Finding, fact
from ..facts import Context
from . import Located, edits_of
from .piece_labels import LABEL_NAME, SPLITS, labels_beside_pieces

_IMPORTS_TORCH = re.compile(r"^\s*import torch\b", re.M)


def align_word_labels(ctx: Context, f: Finding) -> Located:
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        for call in src.calls(tree):
            if src.keyword(call, "is_split_into_words") is None:
                continue
            scope = src.enclosing_scope(tree, call.lineno)
            enc = next((a.targets[0].id for a in src.statements(scope) if isinstance(a, ast.Assign)
                        and a.value is call and isinstance(a.targets[0], ast.Name)), None)
            if enc is None:
                continue
            aligned = [lp for lp in src.nodes(scope, ast.For) if isinstance(lp.iter, ast.Call)
                       and isinstance(lp.iter.func, ast.Attribute) and lp.iter.func.attr == "word_ids"
                       and src.segment(file, lp.iter.func.value) == enc]
            if aligned:  # the labels are aligned to the pieces already: only a width of words can be wrong
                found = _cut_to_word_width(f, file, scope, call, enc, aligned)
                if found:
                    return found, None
                continue
            found = _per_word_comprehension(file, scope, call, enc, f) or _filled_per_word(
                f, file, scope, call, enc) or _from_tag_list(ctx, f, file, scope, call, enc)
            if found:
                return found, None
        found = _through_lambdas(f, file, tree) or _skipped_pieces(f, file, tree) or _pieces_per_word(f, file, tree)
        if found:
            return found, None
    return labels_beside_pieces(ctx, f), None


def _cut_to_word_width(f: Finding, file: str, scope: ast.AST, call: ast.Call, enc: str, aligned: list) -> list:
    """Labels aligned to the pieces (`for wid in enc.word_ids(b): row.append(...)`) then cut or padded to a width
    counted in words (`pad_to = max(len(words) for words in word_lists) + 2`, `row = row[:pad_to] + [-100] *
    (pad_to - len(row))`): the width becomes the encoding's own, `enc["input_ids"].size(1)` (`len(...[0])` for
    lists)."""
    rows = {c.func.value.id for lp in aligned for c in src.calls(lp) if isinstance(c.func, ast.Attribute)
            and c.func.attr == "append" and isinstance(c.func.value, ast.Name)}
    widths = set()
    for st in src.statements(scope, nested=True):
        if st.lineno <= call.lineno or not (isinstance(st, (ast.Assign, ast.AugAssign)) and (
                {n for n in src.names_in(st.targets[0] if isinstance(st, ast.Assign) else st.target)} & rows)):
            continue
        for n in ast.walk(st.value):
            if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub) and isinstance(n.left, ast.Name) \
                    and isinstance(n.right, ast.Call) and src.call_name(n.right) == "len":
                widths.add(n.left.id)
    if len(widths) != 1:
        return []
    width = widths.pop()
    made = [a for a in src.statements(scope, nested=True) if isinstance(a, ast.Assign) and len(a.targets) == 1
            and isinstance(a.targets[0], ast.Name) and a.targets[0].id == width]
    if len(made) != 1 or enc in src.names_in(made[0].value) or not any(
            isinstance(c, ast.Call) and src.call_name(c) == "len" for c in ast.walk(made[0].value)):
        return []
    tensors = src.keyword(call, "return_tensors")
    own = f'{enc}["input_ids"].size(1)' if tensors is not None else f'len({enc}["input_ids"][0])'
    f.facts.add(WORD_WIDTH)
    f.values.update(word_width=width, word_width_was=src.segment(file, made[0].value), word_width_line=made[0].lineno,
                    word_width_new=own)
    return edits_of(src.LineEditor.for_node(file, made[0]).replace(made[0].value, own))


def _skipped_pieces(f: Finding, file: str, tree: ast.Module) -> list:
    """An alignment loop over word ids that skips the special tokens and a word's later pieces
    (`if wid is None or wid == previous: continue`) before `aligned.append(TAG2ID[...])`: the labels get one entry
    per word, not per piece; each skipped piece gets -100 (which the loss ignores) before the `continue`."""
    for loop in src.nodes(tree, ast.For):
        if "word_ids" not in src.segment(file, loop.iter) or not isinstance(loop.target, ast.Name):
            continue
        skips = [st for st in loop.body if isinstance(st, ast.If) and len(st.body) == 1
                 and isinstance(st.body[0], ast.Continue) and not st.orelse
                 and loop.target.id in src.names_in(st.test)]
        appends = [c for st in loop.body for c in src.calls(st) if isinstance(c.func, ast.Attribute)
                   and c.func.attr == "append" and isinstance(c.func.value, ast.Name)]
        if len(skips) != 1 or len({c.func.value.id for c in appends}) != 1:
            continue
        skip = skips[0].body[0]
        line = files.line(file, skip.lineno)
        indent = line[: len(line) - len(line.lstrip())]
        labels = appends[0].func.value.id
        e = src.LineEditor.for_node(file, loop).replace(skip, f"{labels}.append(-100)\n{indent}continue")  # the loop
        f.facts.add(SKIPPED_PIECES)
        f.values.update(skipped_into=labels, skip_line=skip.lineno)
        return edits_of(e)
    return []




def _splits_words(node: ast.AST, pieces: set[str]) -> bool:
    """`node` holds a word's pieces: it names one of `pieces` or calls a tokenizer's `tokenize`/`encode`/
    `convert_tokens_to_ids` or reads `["input_ids"]` of a call."""
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and n.id in pieces:
            return True
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in SPLITS:
            return True
        if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Call) and isinstance(n.slice, ast.Constant) \
                and n.slice.value == "input_ids":
            return True
    return False


def _ignore_value(file: str, scope: ast.AST, labels: str, loop: ast.For) -> str:
    """The value the labels get for the positions around the words (`tags = [IGNORE]`, `tags.append(IGNORE)`
    after the loop): a constant or a setting, not a lookup; -100, the losses' default ignore index, otherwise."""
    for st in src.statements(scope, nested=True):
        if src.contains(loop, st.lineno):
            continue
        value = None
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name) \
                and st.targets[0].id == labels and isinstance(st.value, ast.List) and len(st.value.elts) == 1:
            value = st.value.elts[0]
        grown = src.list_growth(st)
        if grown and grown[0] == labels and grown[1] == "append":
            value = grown[2]
        if isinstance(value, (ast.Constant, ast.Attribute, ast.Name, ast.UnaryOp)):
            return src.segment(file, value)
    return "-100"


def _pieces_per_word(f: Finding, file: str, tree: ast.Module) -> list:
    """A loop over the words that adds all of a word's pieces to the ids (`ids.extend(tok.convert_tokens_to_ids(
    pieces))`, `ids += tok.encode(word, add_special_tokens=False)`) but one label to the labels
    (`tags.append(TAG2ID[tag])`): the labels get one entry per word, the ids one per piece. The word's label goes
    to its first piece and its other pieces get the value the labels use around the words (the ignore index)."""
    for loop in src.nodes(tree, ast.For):
        pieces = {st.targets[0].id for st in loop.body if isinstance(st, ast.Assign) and len(st.targets) == 1
                  and isinstance(st.targets[0], ast.Name) and _splits_words(st.value, set())}
        grown = [(st, g) for st in loop.body if (g := src.list_growth(st))]
        extended = [(st, g) for st, g in grown if g[1] == "extend" and _splits_words(g[2], pieces)]
        appended = [(st, g) for st, g in grown if g[1] == "append" and not _splits_words(g[2], pieces)]
        if len(extended) != 1 or len(appended) != 1 or extended[0][1][0] == appended[0][1][0]:
            continue
        ids_arg = extended[0][1][2]
        used = [n for n in src.names_in(ids_arg) if n in pieces]
        count = f"len({used[0]})" if used else f"len({src.segment(file, ids_arg)})"
        stmt, (labels, _, value) = appended[0]
        ignore = _ignore_value(file, src.enclosing_scope(tree, loop.lineno), labels, loop)
        label = src.segment(file, value)
        new = (f"{labels} += [{label}] + [{ignore}] * ({count} - 1)" if isinstance(stmt, ast.AugAssign)
               else f"{labels}.extend([{label}] + [{ignore}] * ({count} - 1))")
        edit = src.LineEditor.for_node(file, stmt).replace(stmt, new)
        f.facts.add(PIECES_ONE_LABEL)
        f.values.update(piece_ids=extended[0][1][0], word_labels=labels, piece_label=new, piece_line=stmt.lineno)
        return edits_of(edit)
    return []


def _lambdas(tree: ast.Module) -> dict[str, ast.Lambda]:
    return {a.targets[0].id: a.value for a in src.nodes(tree, ast.Assign) if len(a.targets) == 1
            and isinstance(a.targets[0], ast.Name) and isinstance(a.value, ast.Lambda)}


def _through_lambdas(f: Finding, file: str, tree: ast.Module) -> list:
    """`encode = lambda ws: tok(ws, is_split_into_words=True, ...)` and `pad_tags = lambda ts:
    torch.tensor([[tag2id[t] for t in seq] + [-100] * (...) for seq in ts])`, called as `enc = encode(words)`,
    `labels = pad_tags(tags)` in one scope: the labels call becomes one label per word piece from
    `enc.word_ids(i)`, each word's label mapped as the lambda maps it."""
    lambdas = _lambdas(tree)
    encoders = {n for n, lam in lambdas.items() if isinstance(lam.body, ast.Call)
                and src.keyword(lam.body, "is_split_into_words") is not None}
    for a in src.nodes(tree, ast.Assign):
        v = a.value
        if not (len(a.targets) == 1 and isinstance(a.targets[0], ast.Name) and isinstance(v, ast.Call)
                and isinstance(v.func, ast.Name) and v.func.id in encoders):
            continue
        enc, scope = a.targets[0].id, src.enclosing_scope(tree, a.lineno)
        for b in src.statements(scope, nested=True):
            if not (isinstance(b, ast.Assign) and b.lineno > a.lineno and isinstance(b.value, ast.Call)
                    and isinstance(b.value.func, ast.Name) and b.value.func.id in lambdas
                    and b.value.func.id not in encoders and len(b.value.args) == 1):
                continue
            lam = lambdas[b.value.func.id]
            inner = next((c for c in ast.walk(lam.body) if isinstance(c, ast.ListComp) and len(c.generators) == 1
                          and _per_word(file, c) is not None), None)
            if inner is None or len(lam.args.args) != 1:
                continue
            per_word = _per_word(file, inner)
            tags = src.segment(file, b.value.args[0])
            word = per_word.replace("{}", f"{tags}[i][w]").replace("{{", "{").replace("}}", "}")
            row = f"[-100 if w is None else {word} for w in {enc}.word_ids(i)]"
            made = f"[{row} for i in range(len({tags}))]"
            new = f"torch.tensor({made})" if "torch." in src.segment(file, lam.body) else made
            return edits_of(src.LineEditor.for_node(file, b).replace(b.value, new))
    return []


def _label_assignments(scope: ast.AST, after: int) -> list[ast.Assign]:
    """Assignments after line `after`, those to a name like labels/tags or to a `["labels"]` item first; not a
    width or a count computed beside them (`max(...)`, `len(...)`)."""
    out = []
    for a in src.statements(scope):
        if isinstance(a, ast.Assign) and a.lineno > after and len(a.targets) == 1:
            out.append(a)

    def named(a: ast.Assign) -> bool:
        t = a.targets[0]
        return bool((isinstance(t, ast.Name) and LABEL_NAME.search(t.id)) or (
            isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant) and t.slice.value == "labels"))
    def count(a: ast.Assign) -> bool:  # `width = max(len(t) for t in tags)`: a number, not labels
        return isinstance(a.value, ast.Call) and src.call_name(a.value) in ("max", "min", "len", "sum", "int")
    return sorted((a for a in out if not count(a)), key=lambda a: not named(a))


class _Subst(ast.NodeTransformer):
    """Replace the loop variable `name` with an expression (`t` → `tags[w]`)."""

    def __init__(self, name: str, by: ast.expr) -> None:
        self.name, self.by = name, by

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return self.by if node.id == self.name and isinstance(node.ctx, ast.Load) else node


def _per_word_comprehension(file: str, scope: ast.AST, call: ast.Call, enc: str, f: Finding) -> list:
    """`[E(t) for t in tags]` inside `[... for <..tags..> in batch]`: E is applied to `tags[w]` for each
    word id `w` of the encoding's row i, the padding comes from the encoding, the row loop gains
    `enumerate`."""
    for a in _label_assignments(scope, call.lineno):
        for outer in (n for n in ast.walk(a.value) if isinstance(n, ast.ListComp) and len(n.generators) == 1):
            gen = outer.generators[0]
            bound = {n.id for n in ast.walk(gen.target) if isinstance(n, ast.Name)}
            inner = next((n for n in ast.walk(outer.elt) if isinstance(n, ast.ListComp) and len(n.generators) == 1
                          and isinstance(n.generators[0].iter, ast.Name) and n.generators[0].iter.id in bound
                          and isinstance(n.generators[0].target, ast.Name)), None)
            if inner is None:
                continue
            seq, var = inner.generators[0].iter.id, inner.generators[0].target.id
            pad = next((c.value for c in ast.walk(outer.elt) if isinstance(c, ast.Constant) and type(c.value) is int
                        and c.value < 0), None)
            filler = "-100" if "ignore-index" in f.facts or pad is None else repr(pad)
            elt = _Subst(var, ast.parse(f"{seq}[w]", mode="eval").body).visit(
                ast.parse(src.segment(file, inner.elt), mode="eval").body)
            row = f"[{filler} if w is None else {ast.unparse(elt)} for w in {enc}.word_ids(i)]"
            target = src.segment(file, gen.target)
            target = f"({target})" if isinstance(gen.target, ast.Tuple) else target
            new = f"[{row} for i, {target} in enumerate({src.segment(file, gen.iter)})]"
            return edits_of(src.LineEditor.for_node(file, a).replace(outer, new))
    return []


def _tags_of(a: ast.Assign, enc: str, file: str) -> tuple[str, str, str | None] | None:
    """(the per-sentence tags, the label to give special tokens, the per-word label with the word written
    `TAG`) that an assignment makes labels from: `["O"] + tags + ["O"]` (tags wrapped for [CLS]/[SEP]), a
    comprehension over the sentences' tags (`pad_sequence([torch.tensor(t) for t in word_tags], ...)`), or one
    mapping each word's tag (`[tag2id[t] for t in tags]`: `tag2id[TAG]`)."""
    value = a.value
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        parts, stack = [], [value]
        while stack:
            n = stack.pop()
            if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add):
                stack += [n.right, n.left]
            else:
                parts.append(n)
        names = [p.id for p in parts if isinstance(p, ast.Name)]
        consts = [e.value for p in parts if isinstance(p, ast.List) for e in p.elts if isinstance(e, ast.Constant)]
        if len(names) == 1 and consts and len(names) + sum(isinstance(p, ast.List) for p in parts) == len(parts):
            return names[0], repr(consts[0]), None
    for comp in (n for n in ast.walk(value) if isinstance(n, (ast.ListComp, ast.GeneratorExp))):
        it = comp.generators[0].iter
        if (_plain_value(it) or _split_text(it)) and enc not in src.names_in(it):  # `tags`, `ex.tags`, `t.split()`
            fills = [c.value for c in ast.walk(value) if isinstance(c, ast.Constant) and type(c.value) is int
                     and c.value < 0]
            filler = repr(fills[0]) if fills else "-100"
            padded = _padded_item(file, comp)
            if padded is not None:  # `[ex["tag_ids"] + [-100] * (...) for ex in batch]`: sentence i's tags
                return padded.replace("{var}", f"{src.segment(file, it)}[{{i}}]"), filler, None
            return src.segment(file, it), filler, _per_word(file, comp)
    helper = _tagging_helper(file, value)
    if helper is not None:  # `pad_tag_ids(tags)`, which maps each word's tag (`TAG2ID[t]`) and pads the rows
        return value.args[0].id, "-100", helper  # type: ignore[attr-defined]
    return None


def _tagging_helper(file: str, value: ast.AST) -> str | None:
    """The per-word label (`TAG2ID[{}]`) of the user's function a batch's tag lists are given to
    (`pad_tag_ids(tags)`), when it maps each word's tag in one comprehension."""
    tree = src.tree_of(file)
    if tree is None or not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and len(value.args) == 1
                            and isinstance(value.args[0], ast.Name)):
        return None
    fn = next((d for d in tree.body if isinstance(d, ast.FunctionDef) and d.name == value.func.id), None)
    per_word = [w for c in (ast.walk(fn) if fn is not None else ()) if isinstance(c, ast.ListComp)
                for w in [_per_word(file, c)] if w is not None]
    return per_word[0] if len(per_word) == 1 else None


def _padded_item(file: str, comp: ast.ListComp | ast.GeneratorExp) -> str | None:
    """`{var}["tag_ids"]` for `[ex["tag_ids"] + [-100] * (n - len(ex["tag_ids"])) for ex in batch]`: the
    sentence's own tags that each item pads, the loop variable written `{var}`; None for other items."""
    var, elt = comp.generators[0].target, comp.elt
    if len(comp.generators) != 1 or not isinstance(var, ast.Name) or not (
            isinstance(elt, ast.BinOp) and isinstance(elt.op, ast.Add) and isinstance(elt.right, (ast.BinOp, ast.List))):
        return None
    kept = elt.left
    root = kept
    while isinstance(root, (ast.Subscript, ast.Attribute)):
        root = root.value
    if not (isinstance(root, ast.Name) and root.id == var.id and _plain_value(kept)):
        return None
    text = src.segment(file, kept)
    return "{var}" + text[len(var.id):] if text.startswith(var.id) else None


def _split_text(node: ast.AST) -> bool:
    """`t.split()` / `row["tags"].split(" ")`: the words (or tags) of a plain value's text."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split" \
        and not node.keywords and all(isinstance(a, ast.Constant) for a in node.args) and _plain_value(node.func.value)


def _plain_value(node: ast.AST) -> bool:
    """A name, an attribute of one, or an item of one under a constant key: `tags`, `ex.tags`, `row["tags"]`."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Constant):
            return False
        node = node.value
    return isinstance(node, ast.Name)


def _per_word(file: str, comp: ast.ListComp | ast.GeneratorExp) -> str | None:
    """`tag2id[{}]` for `[tag2id[t] for t in tags]`, `TAGS.index({})` for `[TAGS.index(t) for t in tags]`: a
    comprehension that maps each word's tag to an id (a lookup or a plain call of the one tag, not a tensor
    made of a whole sentence), as the user wrote it with the tag left as `{}`; None otherwise."""
    var = comp.generators[0].target
    elt = comp.elt
    if not isinstance(var, ast.Name) or len(comp.generators) != 1 or elt.lineno != elt.end_lineno:
        return None
    lookup = isinstance(elt, ast.Subscript) and isinstance(elt.slice, ast.Name) and elt.slice.id == var.id
    call = (isinstance(elt, ast.Call) and len(elt.args) == 1 and isinstance(elt.args[0], ast.Name)
            and elt.args[0].id == var.id and not re.search(r"torch|tensor|array", src.call_name(elt)))
    if not (lookup or call):
        return None
    text = src.segment(file, elt).replace("{", "{{").replace("}", "}}")
    uses = sorted((n.col_offset - elt.col_offset, n.end_col_offset - elt.col_offset) for n in ast.walk(elt)
                  if isinstance(n, ast.Name) and n.id == var.id)
    for start, end in reversed(uses):
        text = text[:start] + "{}" + text[end:]
    return text


def _one_sentence(tree: ast.Module, call: ast.Call) -> bool:
    """The tokenizer call encodes one sentence at a time: it sits in a `for` loop whose target binds the words
    it is given (`for words, tags in entries: tokenizer(words, is_split_into_words=True, ...)`)."""
    given = set(src.names_in(call.args[0])) if call.args else set()
    return bool(given) and any(given & set(src.names_in(loop.target)) for loop in src.enclosing_loops(tree, call.lineno))


SKIPPED_PIECES = fact("skipped-pieces", "an alignment loop over word ids skips pieces (line `skip_line`) instead of "
                                        "giving them -100 in `skipped_into`")
PIECES_ONE_LABEL = fact("pieces-one-label", "a loop adds every piece of a word to `piece_ids` but one label to "
                                             "`word_labels` (line `piece_line`)")
WORD_WIDTH = fact("word-width", "labels aligned to the pieces are cut or padded to `word_width` = `word_width_was` "
                                "(line `word_width_line`), a width counted in words")
WORD_PADDING = fact("word-padding", "the word labels are padded to a number of words, `word_padding` (line "
                                    "`word_padding_line`), not to the tokens")


def _padding_after(f: Finding, file: str, scope: ast.AST, a: ast.Assign) -> list:
    """Removals of the statements after `a` in its block that pad the labels it makes to a fixed number of words
    (`labels += [-100] * (max_words - len(labels))`, `labels.extend([-100] * ...)`; `rows.append(labels + [-100]
    * ...)` appends `labels` as they are): the labels now come one per token, already as long as the encoding.
    The first one is named in the fix (`word-padding`)."""
    if not isinstance(a.targets[0], ast.Name):
        return []
    name, out = a.targets[0].id, []
    for stmt in src.statements(scope, nested=True):
        if stmt.lineno <= a.lineno:
            continue
        value = None
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == name \
                and isinstance(stmt.op, ast.Add):
            value = stmt.value
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and src.call_name(stmt.value) == \
                f"{name}.extend" and stmt.value.args:
            value = stmt.value.args[0]
        padded = _padded_append(stmt, name)
        if padded is not None:  # `rows.append(labels + [-100] * (width - len(labels)))`: appended as they are
            if not out:
                f.facts.add(WORD_PADDING)
                f.values.update(word_padding=" ".join(src.segment(file, stmt).split()), word_padding_line=stmt.lineno)
            out += edits_of(src.LineEditor.for_node(file, stmt).replace(padded, name))
            continue
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mult) and any(
                isinstance(x, ast.List) for x in (value.left, value.right)):
            removal = src.remove_statement(file, stmt)
            if removal is not None:
                if not out:
                    f.facts.add(WORD_PADDING)
                    f.values.update(word_padding=" ".join(src.segment(file, stmt).split()),
                                    word_padding_line=stmt.lineno)
                out.append(removal)
    return out


def _padded_append(stmt: ast.stmt, name: str) -> ast.BinOp | None:
    """`name + [-100] * (...)` appended to a list of rows (`rows.append(name + [pad] * (width - len(name)))`)."""
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute)
            and stmt.value.func.attr == "append" and len(stmt.value.args) == 1):
        return None
    arg = stmt.value.args[0]
    if (isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Add) and isinstance(arg.left, ast.Name)
            and arg.left.id == name and isinstance(arg.right, ast.BinOp) and isinstance(arg.right.op, ast.Mult)
            and any(isinstance(x, ast.List) for x in (arg.right.left, arg.right.right))):
        return arg
    return None


def _from_tag_list(ctx: Context, f: Finding, file: str, scope: ast.AST, call: ast.Call, enc: str) -> list:
    """Labels assigned from a per-sentence list of tags: one label per word piece from `word_ids()`
    (`word_ids(i)` row by row for a batch)."""
    for a in _label_assignments(scope, call.lineno):
        found = _tags_of(a, enc, file)
        if found is None:
            continue
        tags, filler, per_word = found
        ids = next((t for fr in ctx.user_frames() for t in fr.tensors
                    if t.expr in (f'{enc}["input_ids"]', f"{enc}.input_ids")), None)
        tree = src.tree_of(file)
        batched = (ids.shape[0] > 1) if ids is not None and ids.shape else (
            src.keyword(call, "padding") is not None and not (tree is not None and _one_sentence(tree, call)))

        def label(word: str) -> str:
            return per_word.replace("{}", word).replace("{{", "{").replace("}}", "}") if per_word is not None else word
        row = tags.replace("{i}", "i") if "{i}" in tags else f"{tags}[i]"
        count = tags.split("[{i}]")[0] if "{i}" in tags else tags
        if not batched and "{i}" in tags:
            continue
        per_row = _row_loop(file, tree, a, tags) if batched and tree is not None else None
        if per_row is not None:  # inside the loop over the batch's sentences: this sentence's row of the encoding
            index, header = per_row
            new = f"[{filler} if w is None else {label(f'{tags}[w]')} for w in {enc}.word_ids({index})]"
            return header + edits_of(src.LineEditor.for_node(file, a).replace(a.value, new)) + _padding_after(
                f, file, scope, a)
        if not batched:  # one sentence: one label per word piece
            new = f"[{filler} if w is None else {label(f'{tags}[w]')} for w in {enc}.word_ids()]"
        else:
            new = (f"[[{filler} if w is None else {label(f'{row}[w]')} for w in {enc}.word_ids(i)] "
                   f"for i in range(len({count}))]")
            made_in = [d for c in ast.walk(a.value) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
                       for d in (tree.body if tree is not None else ()) if isinstance(d, ast.FunctionDef)
                       and d.name == c.func.id]  # a helper of the user's that makes the tensor
            makes_tensor = any(isinstance(c, ast.Call) and re.search(r"torch|pad_sequence|tensor",
                                                                    src.call_name(c))
                               for n in [a.value, *made_in] for c in ast.walk(n))
            if makes_tensor and src.mentions(file, _IMPORTS_TORCH):
                new = f"torch.tensor({new})"
        return edits_of(src.LineEditor.for_node(file, a).replace(a.value, new)) + _padding_after(f, file, scope, a)
    return []


def _row_loop(file: str, tree: ast.Module, a: ast.Assign, tags: str) -> tuple[str, list] | None:
    """The loop over the batch's sentences that `a` sits in, binding the sentence whose `tags` it reads (`for s
    in sheets:` ... `[TAG2ID[t] for t in s.tags]`): the name of its row index, and the edit of its header that
    adds one (`for i, s in enumerate(sheets):`) unless it already counts the rows."""
    if "{i}" in tags:
        return None
    try:
        root = next((n.id for n in ast.walk(ast.parse(tags, mode="eval")) if isinstance(n, ast.Name)), None)
    except SyntaxError:
        return None
    for loop in src.enclosing_loops(tree, a.lineno):
        bound = {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
        if root not in bound:
            continue
        it = loop.iter
        if (isinstance(it, ast.Call) and src.call_name(it) == "enumerate" and isinstance(loop.target, ast.Tuple)
                and isinstance(loop.target.elts[0], ast.Name)):
            return loop.target.elts[0].id, []
        used = {n.id for n in ast.walk(src.enclosing_scope(tree, loop.lineno)) if isinstance(n, ast.Name)}
        index = next(n for n in ("i", "row", "row_i", "idx", "k") if n not in used)
        target = src.segment(file, loop.target)
        target = f"({target})" if isinstance(loop.target, ast.Tuple) else target
        header = src.LineEditor(file, loop.lineno, it.end_lineno or loop.lineno)
        header.replace(loop.target, f"{index}, {target}").replace(it, f"enumerate({src.segment(file, it)})")
        return index, edits_of(header)
    return None


FILLED_PER_WORD = fact("filled-per-word", "`filled` is made `words_wide` wide (line `filled_line`) and each row gets "
                                          "the example's word labels from position 0 (line `fill_line`)")


def _filled_per_word(f: Finding, file: str, scope: ast.AST, call: ast.Call, enc: str) -> list:
    """Labels made as a tensor counted in words (`tags = torch.full((len(rows), longest), -100)`, `longest` the
    most words of a sentence) and filled row by row from position 0 (`tags[i, :len(t)] = torch.tensor(t)`): the
    tensor takes the encoding's shape and each row puts a word's label at the positions `word_ids(i)` gives it."""
    if src.keyword(call, "return_tensors") is None:
        return []
    for loop in src.nodes(scope, ast.For):
        if loop.lineno < call.lineno or not isinstance(loop.body[-1], ast.Assign):
            continue
        fill = loop.body[-1]  # (after lines that make the example's labels: `tag_ids = [...]`)
        local = {n for st in loop.body[:-1] if isinstance(st, ast.Assign) for t in st.targets for n in src.names_in(t)}
        target = fill.targets[0] if len(fill.targets) == 1 else None
        if not (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
                and isinstance(target.slice, ast.Tuple) and len(target.slice.elts) == 2
                and isinstance(target.slice.elts[0], ast.Name) and isinstance(target.slice.elts[1], ast.Slice)
                and target.slice.elts[1].lower is None and target.slice.elts[0].id in src.names_in(loop.target)):
            continue
        value = fill.value
        if isinstance(value, ast.Call) and src.call_name(value) in ("torch.tensor", "torch.as_tensor", "torch.LongTensor") \
                and len(value.args) == 1:
            value = value.args[0]
        if not set(src.names_in(value)) & (set(src.names_in(loop.target)) | local):
            continue  # not the example's own labels
        name, row = target.value.id, target.slice.elts[0].id
        made = [a for a in src.statements(scope) if isinstance(a, ast.Assign) and len(a.targets) == 1
                and isinstance(a.targets[0], ast.Name) and a.targets[0].id == name and a.lineno < loop.lineno]
        if len(made) != 1 or not isinstance(made[0].value, ast.Call) or not made[0].value.args \
                or not isinstance(made[0].value.args[0], ast.Tuple) or len(made[0].value.args[0].elts) != 2:
            continue
        shape = made[0].value.args[0]
        width = shape.elts[1]
        if enc in src.names_in(width):
            continue  # already the encoding's width
        line = files.line(file, fill.lineno)
        indent = line[: len(line) - len(line.lstrip())]
        values = src.segment(file, value)
        values = values if isinstance(value, ast.Name) else f"({values})"
        new_fill = (f"for pos, word in enumerate({enc}.word_ids({row})):\n{indent}    if word is not None:\n"
                    f"{indent}        {name}[{row}, pos] = {values}[word]")
        e1 = src.LineEditor.for_node(file, made[0]).replace(shape, f'{enc}["input_ids"].shape')
        e2 = src.LineEditor.for_node(file, fill).replace(fill, new_fill)
        f.facts.add(FILLED_PER_WORD)
        f.values.update(filled=name, words_wide=src.segment(file, width), filled_line=made[0].lineno,
                        fill_line=fill.lineno)
        return edits_of(e1) + edits_of(e2)
    return []
