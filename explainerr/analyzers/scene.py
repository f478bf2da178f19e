"""Facts about the scene of the failure, true or false whatever the pattern: is there a tokenizer, a
transformers model, a DataLoader?  Sentences that speak of one of these name the fact (wording.py), so a
paragraph about word pieces never reaches a script that has no tokenizer."""
from __future__ import annotations

import re

from .. import source as src
from ..facts import Context
from . import Finding, analyzer, fact

TOKENIZER = fact("tokenizer", "a tokenizer object is live in the frames, or the user's code builds or calls one")
TRANSFORMERS_MODEL = fact("transformers-model", "a transformers model (a module with a config) is in the frames")
RAISED_IN_TRANSFORMERS = fact("raised-in-transformers", "the error was raised inside transformers' code")
DATALOADER = fact("dataloader", "a torch DataLoader is live in the frames or produced the failing batch")
USER_MODULE = fact("user-module", "the failing code is a method of the user's own nn.Module")

_TOKENIZER_SOURCE = re.compile(r"\b\w*Tokeni[sz]er(Fast)?\s*[.(]|\btokeni[sz]er\s*\(")


def scene_facts(ctx: Context) -> set[str]:
    out: set[str] = set()
    kinds = {o.kind for f in ctx.frames for o in f.objects}
    if "tokenizer" in kinds or _tokenizer_in_source(ctx):
        out.add(TOKENIZER)
    if any(m.config for f in ctx.frames for m in f.modules):
        out.add(TRANSFORMERS_MODEL)
    raising = ctx.raise_frames()
    if any(_in_package(f.file, "transformers") for f in raising):
        out.add(RAISED_IN_TRANSFORMERS)
    if "dataloader" in kinds or any(_in_package(f.file, "torch/utils/data") for f in raising):
        out.add(DATALOADER)
    user = ctx.user
    if user is not None and user.self_class and any(
            m.expr == "self" for m in user.modules):
        out.add(USER_MODULE)
    return out


def _in_package(file: str, package: str) -> bool:
    return f"/{package}/" in file.replace("\\", "/")


def _tokenizer_in_source(ctx: Context) -> bool:
    """The user's files name a tokenizer class or call a tokenizer (`tokenizer(texts, ...)`); for a pasted log
    whose files are not on this machine, the source lines it shows."""
    if any(_TOKENIZER_SOURCE.search(f.statement or f.source or "") for f in ctx.user_frames()):
        return True
    return any(src.per_version(file, _TOKENIZER_SOURCE, _names_tokenizer)
               for file in dict.fromkeys(f.file for f in ctx.user_frames()))


def _names_tokenizer(text: str) -> bool:
    return "okeni" in text and _TOKENIZER_SOURCE.search(text) is not None  # the literal every match holds


@analyzer("text-scene")
def text_scene(ctx: Context) -> Finding:
    """The scene facts a traceback's text shows (for `text.when`): a tokenizer when transformers' tokenization
    code raised or the user's readable files use one, a DataLoader when its code is in the frames.  Always
    succeeds: it only licenses the sentences that need those facts."""
    f = Finding(facts=scene_facts(ctx))
    if any("/tokenization" in fr.file.replace("\\", "/") for fr in ctx.frames):
        f.facts.add(TOKENIZER)
    if any(_in_package(fr.file, "torch/utils/data") for fr in ctx.frames):
        f.facts.add(DATALOADER)
    return f
