"""A Trainer given neither a data collator nor the tokenizer: it batches with `default_data_collator`, which
stacks the examples as they are and never pads, so examples tokenized with truncation only (padding left to
batching time) cannot be batched.  Given the tokenizer (`processing_class=`, `tokenizer=` before that), the
Trainer pads each batch with DataCollatorWithPadding.  Read from the user's source and the installed Trainer's
signature (never run)."""
from __future__ import annotations

import ast
import inspect
import sys

from .. import source as src
from ..facts import Context
from . import Finding, fact

TRAINER_DEFAULT_COLLATOR = fact("trainer-default-collator", "`trainer_call` (line `trainer_line`) has no data "
                                                            "collator and no tokenizer: the Trainer batches with "
                                                            "default_data_collator, which does not pad")
_OWN_KEYWORDS = ("data_collator", "processing_class", "tokenizer")


def _tokenizer_keyword() -> str | None:
    """`processing_class` or `tokenizer`: the one the installed Trainer takes."""
    module = sys.modules.get("transformers")
    cls = getattr(module, "Trainer", None) if module is not None else None
    try:
        params = inspect.signature(cls.__init__).parameters if isinstance(cls, type) else {}
    except (TypeError, ValueError):
        return None
    return next((k for k in ("processing_class", "tokenizer") if k in params), None)


def trainer_default_collator(ctx: Context, f: Finding) -> bool:
    """Adds the fact, and the hint `trainer_collator` = (file, statement, call, keyword text), when the batch
    failed in transformers' default collator and the user's files hold one `...Trainer(...)` call without a
    collator or tokenizer, while one tokenizer of the frames is named at that line."""
    from ..fixes.checks import bound_names
    if not any("transformers/data/data_collator" in fr.file.replace("\\", "/") for fr in ctx.raise_frames()):
        return False
    keyword = _tokenizer_keyword()
    found = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            name = src.call_name(call).split(".")[-1]
            if name.endswith("Trainer") and name[:1].isupper():
                found.append((file, tree, call))
    if keyword is None or len(found) != 1:
        return False
    file, tree, call = found[0]
    if any(src.keyword(call, k) is not None for k in _OWN_KEYWORDS) or any(k.arg is None for k in call.keywords):
        return False
    bound = bound_names(file, call.lineno) or set()
    toks = list(dict.fromkeys(o.expr for fr in ctx.user_frames() for o in fr.objects
                              if o.kind == "tokenizer" and o.expr.isidentifier() and o.expr in bound))
    stmt = src.statement_at(tree, call.lineno)
    if len(toks) != 1 or stmt is None:
        return False
    f.facts.add(TRAINER_DEFAULT_COLLATOR)
    f.values.update(trainer_call=f"{src.call_name(call)}(...)", trainer_line=call.lineno, tokenizer_name=toks[0],
                    tokenizer_kw=f"{keyword}={toks[0]}")
    f.hints["trainer_collator"] = (file, stmt, call, f"{keyword}={toks[0]}")
    _unpadded_call(ctx, f)
    f.confidence = "high"
    return True


def _unpadded_call(ctx: Context, f: Finding) -> None:
    """The one tokenizer call of the user's files without `padding=` (of several, the one in a Dataset class):
    where the examples got their lengths."""
    from ..fixes import tokenizes
    from .idsource import one_line, where
    found = [(file, call) for file in dict.fromkeys(fr.file for fr in ctx.user_frames())
             for tree in [src.tree_of(file)] if tree is not None for call in src.calls(tree)
             if call.args and src.keyword(call, "padding") is None and tokenizes(call, ctx, tree)]
    if len(found) > 1:  # the one in a Dataset class (the examples), not a probe tokenized on its own
        found = [(file, call) for file, call in found if _in_dataset_class(src.tree_of(file), call)]
    if len(found) == 1:
        file, call = found[0]
        f.values.update(unpadded_call=one_line(file, call), unpadded_at=where(file, call))


def _in_dataset_class(tree: ast.Module, call: ast.Call) -> bool:
    cls = src.enclosing_class(tree, call.lineno)
    return cls is not None and any(isinstance(n, ast.FunctionDef) and n.name == "__getitem__" for n in cls.body)
