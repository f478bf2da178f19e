"""The literal prefilter never drops a pattern a regex would match: over every message of the catalogue and
every knowledge sample, for the knowledge regexes and the catalogue's proposed ones; over strings generated
to match each regex; and over regexes generated from a small grammar (groups, alternations, repeats, classes,
anchors)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explainerr import knowledge
from explainerr.diagnose import _message_match
from explainerr.knowledge import compile_message_regex
from explainerr.model import ExceptionFacts
from explainerr.prefilter import Candidates, match_text, passes, requirement

from conftest import ROOT

CATALOGUE = yaml.safe_load((Path(__file__).parent / "catalogue" / "messages.yaml").read_text())
PATTERNS, _ = knowledge.check_sources([ROOT / "knowledge"])
REGEXES = sorted({rx for p in PATTERNS for rx in p.message.split("\n")} |
                 {e["proposed_regex"] for e in CATALOGUE["messages"] if e.get("proposed_regex")})
MESSAGES = [(e["exception"], e["message"]) for e in CATALOGUE["messages"]] + [
    (exc, s["message"]) for p in PATTERNS for s in p.samples for exc in p.exceptions]


def test_the_catalogue_and_samples_exercise_most_regexes():
    matched = {rx for rx in REGEXES for _, m in MESSAGES if compile_message_regex(rx).search(match_text(m))}
    assert len(REGEXES) > 20 and len(matched) >= 0.8 * len(REGEXES)


@pytest.mark.parametrize("regex", REGEXES)
def test_every_message_a_regex_matches_passes_its_requirement(regex):
    req = requirement(regex)
    rx = compile_message_regex(regex)
    for _, message in MESSAGES:
        text = match_text(message)
        if rx.search(text):
            assert passes(req, text), (req, message)


def test_most_knowledge_regexes_get_a_literal():
    """The prefilter is worth having: nearly every regex of the knowledge base promises some text."""
    plain = [rx for p in PATTERNS for rx in p.message.split("\n")]
    assert sum(bool(requirement(rx)) for rx in plain) >= 0.9 * len(plain)


def test_candidates_hold_every_pattern_the_full_match_accepts():
    index = Candidates((p.exceptions, [requirement(rx) for rx in p.message.split("\n")]) for p in PATTERNS)
    for exc_type, message in MESSAGES:
        exc = ExceptionFacts(exc_type, message, (exc_type, "Exception", "BaseException"))
        kept = set(index.select([exc]))
        for i, p in enumerate(PATTERNS):
            if _message_match(p, exc) is not None:
                assert i in kept, (p.id, message)
    none = ExceptionFacts("RuntimeError", "nothing any pattern knows", ("RuntimeError",))
    assert index.select([none]) == []


python_readable = [rx for rx in REGEXES if not rx.startswith("(?i)")]


@pytest.mark.parametrize("regex", python_readable)
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_strings_made_to_match_a_regex_pass_its_requirement(regex, data):
    text = data.draw(st.from_regex(regex, fullmatch=False))
    if compile_message_regex(regex).search(match_text(text)):
        assert passes(requirement(regex), match_text(text))


# -- regexes from a small grammar ---------------------------------------------------------------------------

ALPHABET = "ab (x)"
literal = st.text(alphabet=ALPHABET, min_size=1, max_size=6).map(re.escape)
atom = st.one_of(literal, st.sampled_from([r"\d", r"[ab]", ".", r"\s", r"[^x]", "^", "$", r"\b"]))


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(children, children)
    return st.one_of(
        pair.map("".join),
        pair.map(lambda p: f"(?:{p[0]}|{p[1]})"),
        children.map(lambda c: f"(?:{c})"),
        children.map(lambda c: f"(?P<g>{c})"),
        st.tuples(children, st.sampled_from(["*", "+", "?", "{2}", "{1,3}", "{0,2}", "*?", "+?"])).map(
            lambda p: f"(?:{p[0]}){p[1]}"),
        st.tuples(literal, children, literal).map("".join))


grammar = st.recursive(atom, _combine, max_leaves=8)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(regex=grammar, data=st.data())
def test_generated_regexes_never_drop_a_match(regex, data):
    try:
        compile_message_regex(regex)
    except knowledge.RegexRefused:
        return
    if regex.count("(?P<g>") > 1:
        return
    req = requirement(regex)
    text = data.draw(st.from_regex(regex, fullmatch=False))
    if compile_message_regex(regex).search(match_text(text)):
        assert passes(req, match_text(text)), (regex, req, text)


@pytest.mark.parametrize("regex, expected", [
    (r"Target (?P<t>-?\d+) is out of bounds", (" is out of bounds",)),
    (r"(?:foo|bar)b", ("foo", "bar")),
    (r"(?:foo|bar)baz", ("baz",)),
    (r"index_select\(\): Expected dtype int(?:32|64)", ("index_select(): Expected dtype int",)),
    (r"(?i)device-side assert", ()),  # case folding: nothing promised
    (r"x(?i:device)y", ()),
    (r"[[:alpha:]]+ went wrong", ()),  # read differently by Python's parser: nothing promised
    (r"\pL+ went wrong", ()),  # RE2 only
    (r"ab", ()),  # too short to be worth it
])
def test_requirement_examples(regex, expected):
    assert requirement(regex) == expected
