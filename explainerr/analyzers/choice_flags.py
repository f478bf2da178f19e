"""Multiple-choice labels made per choice: a `...ForMultipleChoice` model scores the k choices of each example
together and wants one label per example (the index of the right choice), but the user's code makes one 0/1
flag per (example, choice) pair, k times as many labels as examples.  Read from the user's source: the nested
comprehension that makes the `labels` entry."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact

CHOICE_FLAGS = fact("choice-flags", "a multiple-choice model got one flag per (example, choice) pair instead of "
                                    "the index of each example's right choice")


def _nested(value: ast.AST) -> ast.ListComp | None:
    return next((c for c in ast.walk(value) if isinstance(c, ast.ListComp) and len(c.generators) == 2
                 and not c.generators[0].ifs and not c.generators[1].ifs), None)


def choice_flags(ctx: Context, n_examples: int, n_labels: int) -> Finding | None:
    """The finding, with the hint `choice_flags` = (file, the comprehension, its replacement), when the loss
    runs in a multiple-choice model, there are k > 1 labels per example and the user's code makes `labels`
    with a comprehension over the examples and then their choices."""
    from .key_makers import key_values
    model = next((m for m in ctx.raising_modules() if m.cls.endswith("ForMultipleChoice")), None)
    if model is None or n_examples <= 0 or n_labels % n_examples or n_labels // n_examples < 2:
        return None
    for file, _stmt, value in key_values(ctx, "labels"):
        comp = _nested(value)
        if comp is None:
            continue
        outer, inner = comp.generators
        seg = lambda n: src.segment(file, n)  # noqa: E731
        new = (f"[[{seg(comp.elt)} for {seg(inner.target)} in {seg(inner.iter)}].index(1) "
               f"for {seg(outer.target)} in {seg(outer.iter)}]")
        f = Finding(confidence="high")
        f.facts.add(CHOICE_FLAGS)
        f.values.update(model_cls=model.cls, n_choices=n_labels // n_examples, last_choice=n_labels // n_examples - 1,
                        flags_made=" ".join(seg(comp).split()), flags_line=comp.lineno, choice_index=new)
        f.hints["choice_flags"] = (file, comp, new)
        return f
    return None
