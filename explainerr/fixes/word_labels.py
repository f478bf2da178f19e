"""Fix for word-level labels beside an `is_split_into_words` encoding: rebuild them per token from the
encoding's `word_ids()`, with the special tokens and the padding marked by the ignore index.

Two shapes of code are rewritten where the labels are made: a per-word comprehension inside a loop over
the sentences (`[[TAGS.index(t) for t in tags] + [-100] * (width - len(tags)) for _, tags in batch]` becomes
`[[-100 if w is None else TAGS.index(tags[w]) for w in enc.word_ids(i)] for i, (_, tags) in enumerate(batch)]`),
and labels assigned from a per-sentence list of tags (`labels = ["O"] + tags + ["O"]`, a padded tensor of
per-word tags).
"""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..analyzers import Finding
from ..facts import Context
from . import Located, edits_of

_LABEL_NAME = re.compile(r"label|tag", re.I)
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
            found = _per_word_comprehension(file, scope, call, enc, f) or _from_tag_list(
                ctx, file, scope, call, enc)
            if found:
                return found, None
    return [], None


def _label_assignments(scope: ast.AST, after: int) -> list[ast.Assign]:
    """Assignments after line `after`, those to a name like labels/tags or to a `["labels"]` item first."""
    out = []
    for a in src.statements(scope):
        if isinstance(a, ast.Assign) and a.lineno > after and len(a.targets) == 1:
            out.append(a)

    def named(a: ast.Assign) -> bool:
        t = a.targets[0]
        return bool((isinstance(t, ast.Name) and _LABEL_NAME.search(t.id)) or (
            isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant) and t.slice.value == "labels"))
    return sorted(out, key=lambda a: not named(a))


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


def _tags_of(a: ast.Assign, enc: str) -> tuple[str, str] | None:
    """(the per-sentence tags, the label to give special tokens) that an assignment makes labels from:
    `["O"] + tags + ["O"]` (tags wrapped for [CLS]/[SEP]), or a comprehension over the sentences' tags
    (`pad_sequence([torch.tensor(t) for t in word_tags], ...)`)."""
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
            return names[0], repr(consts[0])
    for comp in (n for n in ast.walk(value) if isinstance(n, (ast.ListComp, ast.GeneratorExp))):
        it = comp.generators[0].iter
        if isinstance(it, ast.Name) and it.id != enc:
            fills = [c.value for c in ast.walk(value) if isinstance(c, ast.Constant) and type(c.value) is int
                     and c.value < 0]
            return it.id, repr(fills[0]) if fills else "-100"
    return None


def _from_tag_list(ctx: Context, file: str, scope: ast.AST, call: ast.Call, enc: str) -> list:
    """Labels assigned from a per-sentence list of tags: one label per word piece from `word_ids()`
    (`word_ids(i)` row by row for a batch)."""
    for a in _label_assignments(scope, call.lineno):
        found = _tags_of(a, enc)
        if found is None:
            continue
        tags, filler = found
        ids = next((t for fr in ctx.user_frames() for t in fr.tensors
                    if t.expr in (f'{enc}["input_ids"]', f"{enc}.input_ids")), None)
        batched = (ids.shape[0] > 1) if ids is not None and ids.shape else (
            src.keyword(call, "padding") is not None)
        if not batched:  # one sentence: one label per word piece
            new = f"[{filler} if w is None else {tags}[w] for w in {enc}.word_ids()]"
        else:
            new = (f"[[{filler} if w is None else {tags}[i][w] for w in {enc}.word_ids(i)] "
                   f"for i in range(len({tags}))]")
            makes_tensor = any(isinstance(c, ast.Call) and re.search(r"torch|pad_sequence|tensor",
                                                                    src.call_name(c)) for c in ast.walk(a.value))
            if makes_tensor and src.mentions(file, _IMPORTS_TORCH):
                new = f"torch.tensor({new})"
        return edits_of(src.LineEditor.for_node(file, a).replace(a.value, new))
    return []
