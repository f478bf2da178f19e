"""Predictions of one data split scored against the labels of another: `val_logits = trainer.predict(...,
dm.val_dataloader())` beside `gold = dm.targets()` whose `split` parameter defaults to "train".  Each side is
right for its own split; their lengths differ because they are different examples, which no pattern names (cutting
or padding either would pair the wrong examples).  Read from the user's source: the words naming a split
(train, val, test, ...) in the lines that made each tensor, with the string defaults of the user's functions they
call where the call leaves them out."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context
from ..model import TensorFacts

_SPLIT = re.compile(r"(?i)(?<![a-z])(train|training|val|valid|validation|dev|test|eval|holdout)(?![a-z])")
_SAME = {"training": "train", "valid": "val", "validation": "val", "dev": "val", "eval": "val"}


_COUNTED = re.compile(r"(?i)\b(?:n|num|len|count|size)\s+(?:train|training|val|valid|validation|dev|test|eval|holdout)\b"
                      r"|\b(?:train|training|val|valid|validation|dev|test|eval|holdout)\s+(?:size|len|count|frac|"
                      r"fraction|ratio|pct|n)\b")


def _words(text: str) -> set[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", text.replace("_", " "))  # `devSet`, `testRows`: camelCase parts
    spaced = _COUNTED.sub(" ", spaced)  # `Y[n_train:]`, `train_size`: a count that bounds a slice names no split
    return {_SAME.get(w.lower(), w.lower()) for w in _SPLIT.findall(spaced)}


def _splits_of(ctx: Context, t: TensorFacts | None) -> set[str]:
    """The split words of the statement that made `t` (the first assignment of its provenance that is not a
    running call passing it on; when it names no split, up to two more steps back: `logits =
    torch.tensor(out.predictions)` after `out = trainer.predict(devSet)`) and of the string defaults that the user's functions it calls take for
    parameters the call leaves out."""
    from ..provenance import origin_statement, user_function, trace
    if t is None or ctx.frames[t.frame].library:
        return set()
    running = {(fr.file, fr.line) for fr in ctx.frames}
    seen = 0
    for o in trace(ctx, t):
        if (o.file, o.line) in running:
            continue  # `temperature = fit_temperature(val_logits, gold)`: passes the value on, it made another
        stmt = origin_statement(o)
        if not isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            continue
        tree = src.tree_of(o.file)
        words = _words(src.segment(o.file, stmt))
        for call in src.calls(stmt):
            fn = user_function(tree, call, o.line)
            if fn is None:
                continue
            given = {k.arg for k in call.keywords}
            params = [a.arg for a in fn.args.args]
            params = params[1:] if params[:1] == ["self"] else params
            given |= set(params[:len(call.args)])
            words |= {w for p, d in src.param_defaults(fn).items() if p not in given and isinstance(d, ast.Constant)
                      and isinstance(d.value, str) for w in _words(d.value)}
        if words or seen >= 2:
            return words
        seen += 1  # `logits = torch.tensor(out.predictions)` names no split: the statement that made `out` may
    return set()


def from_other_splits(ctx: Context, logits: TensorFacts | None, labels: TensorFacts | None) -> bool:
    """The predictions and the labels were made for different named splits (and for one each)."""
    a, b = _splits_of(ctx, logits), _splits_of(ctx, labels)
    return len(a) == 1 and len(b) == 1 and a != b
