"""Knowledge text with preconditions (explainerr/wording.py): an item is said only with its facts and its
placeholders' values; titles take the first item that applies, explanations join them, and a `fallback`
item stands in for the one before it (never both, so no explanation says the same thing twice)."""
from __future__ import annotations

import pytest

from explainerr import wording

LAYER = [
    {"say": "`{layer}` was built as {built_as}, but the features fed to it (`{input}`) have size {hidden}."},
    {"say": "`{layer}` was built as {built_as}, but its input has size {hidden}.", "fallback": True},
    {"say": "`{input}` joins {n_parts} vectors.", "if": ["concatenated"]},
]


def _text(raw):
    text, problem = wording.parse(raw)
    assert problem is None
    return text


def test_a_fallback_is_said_only_in_place_of_the_item_before_it():
    text = _text(LAYER)
    named = {"layer": "self.fc", "built_as": "Linear(16, 2)", "input": "cat", "hidden": 48, "n_parts": 3}
    assert wording.joined(text, {"concatenated"}, named) == (
        "`self.fc` was built as Linear(16, 2), but the features fed to it (`cat`) have size 48. "
        "`cat` joins 3 vectors.")
    unnamed = {k: v for k, v in named.items() if k != "input"}
    assert wording.joined(text, {"concatenated"}, unnamed) == (
        "`self.fc` was built as Linear(16, 2), but its input has size 48.")


def test_a_chain_of_fallbacks_says_the_first_that_applies():
    text = _text(["A {a}.", {"say": "B {b}.", "fallback": True}, {"say": "C.", "fallback": True}, "D."])
    assert wording.joined(text, set(), {"a": 1, "b": 2}) == "A 1. D."
    assert wording.joined(text, set(), {"b": 2}) == "B 2. D."
    assert wording.joined(text, set(), {}) == "C. D."


@pytest.mark.parametrize("raw,problem", [
    ([{"say": "A.", "fallback": True}], "the first item has nothing to replace"),
    (["A.", {"say": "B.", "fallback": "yes"}], "`fallback` must be true or false"),
    (["A.", {"say": "B.", "otherwise": True}], "unknown keys ['otherwise']"),
])
def test_malformed_items_are_refused_with_the_reason(raw, problem):
    text, found = wording.parse(raw)
    assert text is None and problem in found
