"""Tokens a user's module adds to its own input before it reads its position table: a `torch.cat` along the
sequence in a method of the class that owns the table (`torch.cat([cls, h], dim=1)` for a [CLS] vector),
while the input `forward` received is no longer than the table.  The table then needs as many more rows as
the module adds, whatever the data's own length cap: its size grows by that number where it is built.  The same
holds for a transformers model the module holds (`self.bert`, built from a config of the user's): its
`max_position_embeddings` grows by that number where the config is written."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .. import source as src
from ..facts import Context
from . import fact

ADDED_IN_MODULE = fact("added-in-module", "the module that owns the table adds `added` token(s) to its input "
                                          "(`added_at`, line `added_line`) before the position lookup, and the "
                                          "input `forward` received fits the table")

_CATS = ("cat", "concat", "concatenate", "hstack")


def _sequence_cat(cls: ast.ClassDef) -> ast.Call | None:
    """A `torch.cat([...], dim=1)` (or `dim=-2`) in the methods of `cls`: the one that puts one of the module's
    own tensors (`self.cls`, or a name made from it) beside the input when there is one, else the first."""
    found = []
    for call in src.calls(cls):
        if src.call_name(call).rpartition(".")[2] not in _CATS or not call.args:
            continue
        dim = call.args[1] if len(call.args) > 1 else getattr(src.keyword(call, "dim"), "value", None)
        try:
            value = ast.literal_eval(dim) if dim is not None else None
        except ValueError:
            continue
        if value in (1, -2):
            found.append(call)
    own = [c for c in found if _reads_own_tensor(cls, c)]
    return (own or found or [None])[0]


def _reads_own_tensor(cls: ast.ClassDef, call: ast.Call) -> bool:
    """An item of the cat reads `self.<attr>`, directly or through a name assigned from it in the class."""
    made = {t.id for n in ast.walk(cls) if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)
            and any(isinstance(x, ast.Attribute) and isinstance(x.value, ast.Name) and x.value.id == "self"
                    for x in ast.walk(n.value))}
    items = call.args[0].elts if isinstance(call.args[0], (ast.List, ast.Tuple)) else []
    return any((isinstance(x, ast.Attribute) and isinstance(x.value, ast.Name) and x.value.id == "self")
               or (isinstance(x, ast.Name) and x.id in made) for i in items for x in ast.walk(i))


def tokens_added(ctx: Context, table, rows: int | None, seq: int | None) -> tuple[int, ast.Call] | None:
    """(how many tokens, the cat that adds them) when `table` (analyzers.tables.TableSize) belongs to a module
    whose `forward` got inputs no longer than `rows` and a sequence cat in its class made them `seq` long."""
    if not isinstance(rows, int) or not isinstance(seq, int) or seq <= rows or table.loads_weights:
        return None
    cat = _sequence_cat(table.cls)
    if cat is None:
        return None
    for fr in ctx.user_frames():
        if fr.function != "forward" or fr.self_class != table.cls.name:
            continue
        added = _added_to_input(fr, rows, seq)
        if added is not None:
            return added, cat
    return None


def _added_to_input(fr, rows: int, seq: int) -> int | None:
    """How many positions `forward` (frame `fr`) added to the longest input it received that fits `rows`, when
    that input is shorter than `seq` by a few (1..4); None otherwise."""
    lengths = [t.shape[1] for t in fr.tensors if t.expr in fr.params and len(t.shape) >= 2]
    shorter = [n for n in lengths if n < seq]
    if shorter and max(shorter) <= rows and 0 < seq - max(shorter) <= 4:
        return seq - max(shorter)
    return None


ADDED_BEFORE_POSITIONS = fact("added-before-positions", "a module of the user's adds `added` token(s) to its input "
                                                        "(`added_at`, line `added_line`) before the transformers model "
                                                        "it holds reads its positions, and the input its `forward` "
                                                        "received fits them: the config's `max_position_embeddings` "
                                                        "(`positions_was`, line `positions_line`) gets room for them")


@dataclass
class AddedBeforePositions:
    added: int
    cat: ast.Call
    cls: str
    file: str
    stmt: ast.stmt
    size: ast.expr


def config_tokens_added(ctx: Context, rows: int, seq: int) -> AddedBeforePositions | None:
    """The module whose `forward` ran puts its own tensor beside its input along the sequence (`torch.cat([
    self.cls_frame.expand(B, -1, -1), emb], dim=1)`) and the input it received is no longer than the model's
    `rows` positions, while `seq` reached them: the one config call of the user's files that gives
    `max_position_embeddings=` (nothing loaded with `from_pretrained`) is where the room goes."""
    if seq <= rows:
        return None
    for fr in ctx.user_frames():
        tree = src.tree_of(fr.file)
        if fr.function != "forward" or not fr.self_class or tree is None:
            continue
        cls = next((c for c in src.nodes(tree, ast.ClassDef) if c.name == fr.self_class), None)
        cat = _sequence_cat(cls) if cls is not None else None
        if cat is None or not _reads_own_tensor(cls, cat):
            continue
        added = _added_to_input(fr, rows, seq)
        if added is None:
            continue
        sites = []
        for file in dict.fromkeys(f.file for f in ctx.user_frames()):
            t = src.tree_of(file)
            for call in src.calls(t) if t is not None else ():
                if src.call_name(call).endswith("from_pretrained"):
                    return None
                kw = src.keyword(call, "max_position_embeddings")
                if kw is not None and src.is_config_call(call):
                    sites.append((file, src.statement_at(t, call.lineno), kw.value))
        if len(sites) != 1 or sites[0][1] is None:
            return None
        return AddedBeforePositions(added, cat, cls.name, *sites[0])
    return None
