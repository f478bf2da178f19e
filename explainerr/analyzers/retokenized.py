"""Labels aligned on a second tokenization of the same words that does not truncate as the inputs' does:
`enc = tokenizer(words, truncation=True, max_length=N)` for the inputs, and `tokenizer(words).word_ids()` in the
helper that aligns the labels, so every long example gets more labels than input ids.  The fix gives the second
call the first call's truncation.  Read from the user's source."""
from __future__ import annotations


from .. import source as src
from ..facts import Context
from . import Finding, fact

RETOKENIZED = fact("retokenized-untruncated", "`untruncated_call` (line `untruncated_line`) tokenizes the same "
                                              "`words_arg` as `truncated_call` (line `truncated_line`) but without "
                                              "its truncation")
_CUT = ("truncation", "max_length")


def retokenized_untruncated(ctx: Context, logits, labels) -> Finding | None:
    """The one pair of tokenizer calls in the user's files on the same first argument, one with `truncation=`
    and the other with neither `truncation=` nor `max_length=`, when the labels are longer per row than the
    logits."""
    from ..fixes import tokenizes
    if (logits is None or labels is None or len(labels.shape) != 2 or len(logits.shape) != 3
            or labels.shape[1] <= logits.shape[1]):
        return None
    pairs = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        calls = [c for c in src.calls(tree) if c.args and tokenizes(c, ctx, tree)] if tree is not None else []
        cut = [c for c in calls if src.keyword(c, "truncation") is not None]
        uncut = [c for c in calls if not any(src.keyword(c, k) for k in _CUT)]
        for a in cut:
            for b in uncut:
                if src.segment(file, a.args[0]) == src.segment(file, b.args[0]):
                    pairs.append((file, tree, a, b))
    site = src.sole_site(pairs, 3)
    if site is None:
        return None
    (file, _, a, b), stmt = site
    keywords = ", ".join(src.segment(file, k) for k in a.keywords if k.arg in _CUT)
    return Finding(facts={RETOKENIZED}, confidence="high", values={
        "untruncated_call": " ".join(src.segment(file, b).split()), "untruncated_line": b.lineno,
        "truncated_call": " ".join(src.segment(file, a).split()), "truncated_line": a.lineno,
        "words_arg": src.segment(file, a.args[0]), "cut_keywords": keywords},
        hints={"retokenized": (file, stmt, b, keywords)})
