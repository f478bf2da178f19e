"""Fix for a position table sized by one setting while the inputs are cut to another of the same settings:
`max_position_embeddings=Config.crop_frames` (96) for a model that is also given whole utterances cut to
`Config.max_frames` (320, `fbank(wav)[: Config.max_frames]`).  The cut the script applies says how long an
input may be; the table is sized by it.  Read from the user's source: the config's keyword, the slices of the
file whose bound is another attribute of the same settings object, and that bound's written value."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import Finding, fact
from ..analyzers.classes import static_int
from ..facts import Context
from ..model import Edit
from . import edits_of

CUT_BEYOND_TABLE = fact("cut-beyond-table", "the inputs are cut to `cut_expr` (line `cut_line`), `cut_value` "
                                            "positions, while the table is sized by another setting of the same "
                                            "object")


def _upper_bounds(node: ast.Subscript) -> list[ast.expr]:
    parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    return [p.upper for p in parts if isinstance(p, ast.Slice) and p.lower is None and p.step is None
            and p.upper is not None]


def table_for_cut(ctx: Context, f: Finding) -> list[Edit]:
    site, seq = f.hints.get("positions_kw"), f.values.get("seq_len")
    if site is None or not isinstance(seq, int):
        return []
    file, value = site
    tree = src.tree_of(file)
    if tree is None or not isinstance(value, ast.Attribute):
        return []
    owner = ast.unparse(value.value)
    cuts: dict[str, tuple[ast.expr, int]] = {}
    for node in src.nodes(tree, ast.Subscript):
        for bound in _upper_bounds(node):
            if isinstance(bound, ast.Attribute) and ast.unparse(bound.value) == owner and bound.attr != value.attr:
                held = static_int(ctx, tree, bound)
                if isinstance(held, int) and held >= seq:
                    cuts.setdefault(ast.unparse(bound), (bound, held))
    if len(cuts) != 1:
        return []
    text, (bound, held) = next(iter(cuts.items()))
    stmt = src.statement_at(tree, value.lineno)
    if stmt is None:
        return []
    f.facts.add(CUT_BEYOND_TABLE)
    f.values.update(cut_expr=text, cut_line=bound.lineno, cut_value=held, table_expr=ast.unparse(value))
    return edits_of(src.LineEditor.for_node(file, stmt).replace(value, text))
