"""A layer sized from a sentence-transformers encoder's inner transformer (`encoder[0].auto_model.config
.hidden_size`) while the encoder's own output is another width: a module after pooling (Dense) changes it.
The encoder's output width is asked of the encoder itself, by the method its installed class has."""
from __future__ import annotations

import sys

from ..facts import Context
from . import Finding, fact
from .classes import SizeSite

SENTENCE_WIDTH = fact("sentence-width", "the layer's size is read from inside `st_encoder` (a SentenceTransformer), "
                                        "whose last module `st_last` ({st_last_cls}) makes its output `hidden` wide")
_WIDTH_METHODS = ("get_embedding_dimension", "get_sentence_embedding_dimension")


def sentence_width(ctx: Context, f: Finding, site: SizeSite | None, got: int) -> None:
    """When the layer's size expression reads into a SentenceTransformer of the frames (`encoder[0]...`) and
    that encoder ends with a module other than its transformer and pooling: the fact, and `st_width_expr`,
    the encoder's own output-width call."""
    text = site.text if site is not None else ""
    for fr in ctx.user_frames():
        for m in fr.modules:
            if m.cls != "SentenceTransformer" or not (m.expr + "[" in text or m.expr + "." in text):
                continue
            parts = [p for p in fr.modules if p.expr.startswith(m.expr + ".") and p.expr[len(m.expr) + 1:].isdigit()]
            last = max(parts, key=lambda p: int(p.expr.rsplit(".", 1)[1]), default=None)
            if last is None or last.cls in ("Transformer", "Pooling", "Normalize"):
                return
            method = _width_method()
            f.facts.add(SENTENCE_WIDTH)
            f.confidence = "high"  # the encoder's own modules show where the width changes
            f.values.update(st_encoder=m.expr, st_last=f"{m.expr}[{last.expr.rsplit('.', 1)[1]}]", st_last_cls=last.cls,
                            st_width_expr=f"{m.expr}.{method}()" if method else None)
            return


def _width_method() -> str | None:
    """The output-width method the installed SentenceTransformer class defines (looked up on the class)."""
    module = sys.modules.get("sentence_transformers")
    cls = getattr(module, "SentenceTransformer", None) if module is not None else None
    if not isinstance(cls, type):
        return None
    return next((name for name in _WIDTH_METHODS if any(name in vars(k) for k in cls.__mro__)), None)
