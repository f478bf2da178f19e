"""Knowledge text with preconditions: every sentence says which facts it needs, and is left out without them.

A template in the knowledge base is a string or a list of items; an item is a string or a mapping
`{say: "...", if: [facts], unless: [facts], fallback: true}`.  An item applies when every fact of `if`
holds, none of `unless` does, and every `{placeholder}` it uses has a value: a sentence never prints a
`{name}` or a value that was not found.  Titles, summaries and fix descriptions take the first item that
applies; explanations join all of them, except that a `fallback` item is said only in place of the item
just before it (the same statement with fewer values: "its input has size 48" where the input has no name).  Facts are names from the analyzers' vocabulary (see
`explainerr.analyzers.FACTS`): what an analyzer found in this case (`negative`, `tokenizer-call`, ...)
and what the scene holds (`tokenizer`, `transformers-model`, `dataloader`, ...).

Substitution is a plain `{name}` lookup; nothing from YAML is evaluated.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from .model import Sentence, Text


def fill(template: str, values: Mapping[str, Any]) -> str:
    """Replace {name} with values[name]; unknown names stay visible as {name}; {{ and }} are literal braces."""
    return Sentence(say=template).fill(values)


def parse(raw: Any) -> tuple[Text | None, str | None]:
    """A template as loaded from YAML → (sentences, None), or (None, what is wrong with it)."""
    items = [raw] if isinstance(raw, (str, dict)) else raw
    if not isinstance(items, list) or not items:
        return None, "must be a string or a non-empty list of strings and {say, if, unless} items"
    out: list[Sentence] = []
    for i, item in enumerate(items):
        if isinstance(item, str):
            out.append(Sentence(say=item))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("say"), str):
            return None, f"item {i} must be a string or a mapping with a `say` string"
        extra = set(item) - {"say", "if", "unless", "fallback"}
        if extra:
            return None, f"item {i} has unknown keys {sorted(extra)} (known: say, if, unless, fallback)"
        if not isinstance(item.get("fallback", False), bool) or (item.get("fallback") and i == 0):
            return None, f"item {i}: `fallback` must be true or false, and the first item has nothing to replace"
        conds: dict[str, tuple[str, ...]] = {}
        for key in ("if", "unless"):
            names = item.get(key, [])
            names = [names] if isinstance(names, str) else names
            if not (isinstance(names, list) and all(isinstance(n, str) for n in names)):
                return None, f"item {i}: `{key}` must be a list of fact names"
            conds[key] = tuple(names)
        out.append(Sentence(say=item["say"], needs=conds["if"], unless=conds["unless"],
                            fallback=item.get("fallback", False)))
    return tuple(out), None


def first(text: Text, facts: Iterable[str], values: Mapping[str, Any]) -> str | None:
    """The first sentence that applies, filled; None when none does."""
    held = set(facts)
    for s in text:
        if s.applies(held, values):
            return s.fill(values)
    return None


def joined(text: Text, facts: Iterable[str], values: Mapping[str, Any]) -> str:
    """Every sentence that applies, filled and joined with single spaces; a fallback sentence only when the
    one before it did not apply."""
    held = set(facts)
    parts: list[str] = []
    said = False
    for s in text:
        if s.fallback and said:
            continue  # the sentence it stands in for was said
        said = s.applies(held, values)
        if said:
            parts.append(s.fill(values).strip())
    return " ".join(p for p in parts if p)


def conditions(text: Text) -> set[str]:
    """Every fact name the template's items name."""
    return {n for s in text for n in (*s.needs, *s.unless)}
