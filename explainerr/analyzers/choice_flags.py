"""Multiple-choice labels made per choice: a `...ForMultipleChoice` model scores the k choices of each example
together and wants one label per example (the index of the right choice), but the user's code makes one 0/1
flag per (example, choice) pair, k times as many labels as examples.  Read from the user's source: the nested
comprehension that makes the `labels` entry."""
from __future__ import annotations

import ast
from typing import Iterator

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, fact

CHOICE_FLAGS = fact("choice-flags", "a multiple-choice model got one flag per (example, choice) pair instead of "
                                    "the index of each example's right choice")
CHOICE_VALUES = fact("choice-values", "the per-choice labels hold values other than 0 and 1 (`labels_min` to "
                                      "`labels_max`)")


def _nested(value: ast.AST) -> ast.ListComp | None:
    return next((c for c in ast.walk(value) if isinstance(c, ast.ListComp) and len(c.generators) == 2
                 and not c.generators[0].ifs and not c.generators[1].ifs), None)


def _flags(labels: TensorFacts | None) -> bool | None:
    """Whether the labels' values are 0/1 flags (True), something else (False), or not read (None)."""
    if labels is None or labels.min is None or labels.max is None:
        return None
    return labels.min >= 0 and labels.max <= 1


def _labels_made(ctx: Context, labels: TensorFacts | None) -> Iterator[tuple[str, ast.expr]]:
    """(file, value) of what makes the labels: the last assignment of the user's name for them, then every
    place that makes a batch's `labels` entry."""
    from .key_makers import key_values
    own = ctx.user_name(labels)
    if own is not None and own.expr.isidentifier():
        frame = ctx.frames[own.frame]
        tree = src.tree_of(frame.file)
        made = src.last_assignment(tree, own.expr, frame.line) if tree is not None else None
        if made is not None and made.value is not None:
            yield frame.file, made.value
    for file, _stmt, value in key_values(ctx, "labels"):
        yield file, value


def _extended_per_choice(file: str, value: ast.AST) -> tuple[ast.Call, str] | None:
    """`targets.extend(flag for i in choices)` inside a loop over the examples, for labels made from `targets`
    (`torch.tensor(targets)`): the extend call, and the append of the index of each example's flag 1."""
    while isinstance(value, ast.Call) and value.args:
        value = value.args[0]
    tree = src.tree_of(file)
    if not isinstance(value, ast.Name) or tree is None:
        return None
    fn = src.enclosing_scope(tree, value.lineno)
    for c in src.calls(fn):
        if (isinstance(c.func, ast.Attribute) and c.func.attr == "extend" and isinstance(c.func.value, ast.Name)
                and c.func.value.id == value.id and len(c.args) == 1
                and isinstance(c.args[0], (ast.GeneratorExp, ast.ListComp)) and len(c.args[0].generators) == 1
                and src.enclosing_loops(tree, c.lineno)):
            gen = c.args[0]
            seg = lambda n: src.segment(file, n)  # noqa: E731
            one = gen.generators[0]
            return c, (f"{value.id}.append([{seg(gen.elt)} for {seg(one.target)} in {seg(one.iter)}].index(1))")
    return None


def choice_flags(ctx: Context, labels: TensorFacts | None, n_examples: int, n_labels: int) -> Finding | None:
    """The finding when the loss runs in a multiple-choice model, there are k > 1 labels per example and the
    user's code makes `labels` with a comprehension over the examples and then their choices.  Its hint
    `choice_flags` = (file, the comprehension, its replacement) picks each example's flag 1 and is given only
    when the labels' values are not known to be other than 0/1; the finding is high-confidence only when they
    are read and are 0/1 (otherwise the right choice's index is said in words)."""
    model = next((m for m in ctx.raising_modules() if m.cls.endswith("ForMultipleChoice")), None)
    if model is None or n_examples <= 0 or n_labels % n_examples or n_labels // n_examples < 2:
        return None
    for file, value in _labels_made(ctx, labels):
        seg = lambda n: src.segment(file, n)  # noqa: E731
        comp = _nested(value)
        if comp is None:
            extended = _extended_per_choice(file, value)
            if extended is None:
                continue
            comp, new = extended
        else:
            outer, inner = comp.generators
            new = (f"[[{seg(comp.elt)} for {seg(inner.target)} in {seg(inner.iter)}].index(1) "
                   f"for {seg(outer.target)} in {seg(outer.iter)}]")
        flags = _flags(labels)
        f = Finding(confidence="high" if flags else "medium")
        f.facts.add(CHOICE_FLAGS)
        f.values.update(model_cls=model.cls, n_choices=n_labels // n_examples, last_choice=n_labels // n_examples - 1,
                        flags_made=" ".join(seg(comp).split()), flags_line=comp.lineno, choice_index=new)
        if flags is not False:
            f.hints["choice_flags"] = (file, comp, new)
        else:
            f.facts.add(CHOICE_VALUES)
            f.values.update(labels_min=labels.min, labels_max=labels.max)
        return f
    return None
