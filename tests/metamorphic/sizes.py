"""The sizes transform: the integer constants that are sizes are multiplied by FACTOR, and a pad id that is a
named constant gets another value.

Sizes are found mechanically, in this order:
  1. an integer bound to a name that reads as a size (an assignment `MAX_LEN = 32`, `A, B = 1, 32`, a
     parameter default `dim=32`, a keyword argument `hidden_size=32`): its words (split at `_` and case
     changes) include one of SIZE_WORDS and none of NOT_SIZE_WORDS (`num_labels`, `vocab_size`,
     `num_attention_heads`, `max_steps` are not sizes);
  2. an integer in a size position of a layer constructor (LAYER_SIZE_ARGS: `nn.Linear(768, 2)`'s first
     argument, `nn.Embedding(n, 32)`'s second, ...);
  3. every other integer literal not bound to a name, of a value found by 1 or 2 and at least MIN_SHARED
     (the same size written twice, `torch.randn(4, 10, 48)` next to `HIDDEN = 48`).
The pad id: an integer bound by an assignment or a parameter default to a name with the word `pad`
(`PAD_ID = 0`, `pad_id=0`), not negative; it becomes the smallest non-negative value no other named id
constant of the script (unk, bos, eos, cls, sep, mask, ...) holds.

Multiplying sizes keeps every divisibility (a hidden size divided by the number of heads), and a mismatch
between two sizes stays a mismatch; whether the script still fails the same way is the runner's check.
"""
from __future__ import annotations

import re

import libcst as cst

from .base import Context, NotApplicable, parse

FACTOR = 3
MIN_SHARED = 8
SIZE_WORDS = {"len", "length", "size", "dim", "hidden", "batch", "pos", "position", "positions", "width",
              "seq", "tokens", "embed", "emb", "embedding", "model", "ff", "feedforward", "intermediate",
              "ctx", "embd", "features"}
NOT_SIZE_WORDS = {"vocab", "num", "n", "labels", "label", "classes", "class", "tags", "tag", "heads", "head",
                  "layers", "layer", "steps", "step", "epochs", "epoch", "seed", "lr", "chars", "char", "idx",
                  "index", "id", "ids", "type", "types", "segments", "langs", "topics", "genres", "workers",
                  "stride", "kernel", "eps", "dropout", "warmup", "every", "pad", "padding", "out"}
#: keyword arguments that name a dimension of a tensor, not a size (`sum(dim=1)`)
AXIS_KEYWORDS = {"dim", "dims", "axis", "dim0", "dim1", "start_dim", "end_dim"}
ID_WORDS = {"id", "idx", "index", "token", "unk", "bos", "eos", "cls", "sep", "mask", "pad"}
#: layer constructor -> positions of its size arguments (the second of nn.Linear only when shared, by rule 3)
LAYER_SIZE_ARGS = {"Linear": (0,), "Bilinear": (0, 1), "Embedding": (1,), "EmbeddingBag": (1,), "LSTM": (0, 1),
                   "GRU": (0, 1), "RNN": (0, 1), "LayerNorm": (0,), "MultiheadAttention": (0,),
                   "TransformerEncoderLayer": (0, 2), "TransformerDecoderLayer": (0, 2)}


def words(name: str) -> set[str]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return {w.lower() for w in spaced.split("_") if w}


def is_size_name(name: str) -> bool:
    w = words(name)
    return bool(w & SIZE_WORDS) and not w & NOT_SIZE_WORDS


def is_pad_name(name: str) -> bool:
    return "pad" in words(name) and not words(name) & {"value", "side", "length", "len", "to"}


def _callee_name(func: cst.BaseExpression) -> str:
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else ""


class _Find(cst.CSTVisitor):
    """Integer literals with the name (or layer position) that decides what they are."""

    def __init__(self) -> None:
        self.named: list[tuple[str, cst.Integer, bool]] = []  # (name, literal, is a named constant)
        self.layer: list[cst.Integer] = []
        self.all: list[cst.Integer] = []

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name) and isinstance(value, cst.Integer):
            self.named.append((target.value, value, True))
        elif isinstance(target, (cst.Tuple, cst.List)) and isinstance(value, (cst.Tuple, cst.List)) \
                and len(target.elements) == len(value.elements):
            for t, v in zip(target.elements, value.elements):
                self._bind(t.value, v.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for t in node.targets:
            self._bind(t.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, node.value)

    def visit_Param(self, node: cst.Param) -> None:
        if isinstance(node.default, cst.Integer):
            self.named.append((node.name.value, node.default, True))

    def visit_Call(self, node: cst.Call) -> None:
        positions = LAYER_SIZE_ARGS.get(_callee_name(node.func), ())
        positional = [a for a in node.args if a.keyword is None and not a.star]
        for k, arg in enumerate(positional):
            if k in positions and isinstance(arg.value, cst.Integer):
                self.layer.append(arg.value)
        for arg in node.args:
            if arg.keyword and arg.keyword.value not in AXIS_KEYWORDS and isinstance(arg.value, cst.Integer):
                self.named.append((arg.keyword.value, arg.value, False))

    def visit_Integer(self, node: cst.Integer) -> None:
        self.all.append(node)


def _new_pad(pad: int, named: list[tuple[str, cst.Integer, bool]]) -> int:
    taken = {pad} | {lit.evaluated_value for name, lit, const in named if const and words(name) & ID_WORDS}
    return next(v for v in range(len(taken) + 1) if v not in taken)


class _Replace(cst.CSTTransformer):
    def __init__(self, values: dict[cst.Integer, int]) -> None:
        self.values = values

    def leave_Integer(self, original: cst.Integer, updated: cst.Integer) -> cst.Integer:
        return updated.with_changes(value=str(self.values[original])) if original in self.values else updated


def apply(source: str, ctx: Context = Context()) -> str:
    wrapper = parse(source)
    found = _Find()
    wrapper.module.visit(found)
    new: dict[cst.Integer, int] = {}
    named_literals = {lit for _, lit, _ in found.named}
    for name, lit, _ in found.named:
        if is_size_name(name) and lit.evaluated_value >= 2:
            new[lit] = lit.evaluated_value * FACTOR
    for lit in found.layer:
        if lit not in named_literals and lit.evaluated_value >= 2:
            new[lit] = lit.evaluated_value * FACTOR
    shared = {v // FACTOR for v in new.values() if v // FACTOR >= MIN_SHARED}
    for lit in found.all:
        if lit not in named_literals and lit not in new and lit.evaluated_value in shared:
            new[lit] = lit.evaluated_value * FACTOR
    for name, lit, const in found.named:
        if const and is_pad_name(name) and lit.evaluated_value >= 0:
            new[lit] = _new_pad(lit.evaluated_value, found.named)
    if not new:
        raise NotApplicable("no size or pad id written as an integer")
    return wrapper.module.visit(_Replace(new)).code
