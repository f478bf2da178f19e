"""Knowledge regexes cannot make the hook hang: every message regex, built-in or from a pack, is compiled by
RE2 (linear-time matching), and a regex RE2 refuses is a pack error naming the file, the pattern and the key.

The regexes here are the ones that made a backtracking engine run for minutes on an ordinary message (a
pack whose rule is `(?:\\w{1,20} ?){0,20}out of range`, chains of bounded repeats, ambiguous alternatives).
Nothing is timed: what is checked is that they are compiled by the linear-time engine and still match.
"""
from __future__ import annotations

import re
import textwrap

import pytest

from explainerr import knowledge
from explainerr.knowledge import RegexRefused, check_sources, compile_message_regex, message_regexes

HANG_PACK = textwrap.dedent("""\
    patterns:
      - id: team-range-words
        exception: [RuntimeError]
        message: '(?:\\w{1,20} ?){0,20}out of range'
        title: Something is out of range
        summary: "A value is out of range"
        explain: Our data loader sometimes produces out-of-range values.
        fix:
          description: Check the data
          code: "pass"
        samples:
          - {message: "index 7 is out of range", torch: "2.13.0"}
""")

#: Regexes that a backtracking engine takes seconds to minutes on with a 2,000-character message.
BACKTRACKING = {
    "bounded_chain_20": "a{0,50}" * 20 + "b",
    "optional_chain": "a?" * 40 + "b",
    "classic": "(?:a+)+b",
    "alternatives": "(?:a|aa)*b",
    "bounded_group_alt": "(?:a|a){0,50}b",
    "bounded_inside_unbounded": "(?:a{1,2})*b",
    "lazy": "(?:a+?)+?b",
    "word_digit": "\\w{0,50}\\d{0,50}\\w{0,50}\\d{0,50}!",
    "two_dotstar": "(?P<a>.*)ABCDEFGH(?P<b>.*)x",
    "words_then_text": "(?:\\w{1,20} ?){0,20}out of range",
}


def _is_re2(rx: object) -> bool:
    return type(rx).__module__.split(".")[0] == "re2"


def _state_dict_message() -> str:
    """The shape of `load_state_dict`'s message for a 60-layer model given 200 unexpected keys (~10 kB)."""
    missing = ", ".join(f'"{i}.{p}"' for i in range(60) for p in ("weight", "bias"))
    unexpected = ", ".join(f'"{i}.weightmatrix_parameter_{i}"' for i in range(200))
    return (f"Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in state_dict: {missing}. \n\t"
            f"Unexpected key(s) in state_dict: {unexpected}. ")


def test_builtin_regexes_are_compiled_by_the_linear_time_engine():
    patterns, errors = knowledge.load_knowledge()
    assert not errors and patterns
    for p in patterns:
        regexes = message_regexes(p)
        assert regexes and all(_is_re2(rx) for rx in regexes), p.id


@pytest.mark.parametrize("name", sorted(BACKTRACKING))
def test_backtracking_prone_regexes_are_accepted_and_match_linearly(name, tmp_path):
    rx_text = BACKTRACKING[name]
    pack = tmp_path / "team.yaml"
    pack.write_text(HANG_PACK.replace("'(?:\\w{1,20} ?){0,20}out of range'", repr(rx_text).replace("\\\\", "\\")))
    patterns, errors = check_sources([pack], seen_ids={})
    assert not errors and len(patterns) == 1
    (rx,) = message_regexes(patterns[0])
    assert _is_re2(rx)
    for hostile in ("a" * 2000, "word " * 400, "a1 " * 700):   # what backtracking engines take minutes on
        assert rx.search(hostile) is None
    for short in ("aab", "a1!", "xABCDEFGHyx", "index 7 is out of range", "nothing here"):
        assert (rx.search(short) is None) == (re.search(rx_text, short) is None), short  # same answers as `re`


def test_the_hanging_pack_explains_and_matches_in_process(tmp_path, monkeypatch):
    import explainerr
    (tmp_path / "team.yaml").write_text(HANG_PACK)
    monkeypatch.setenv("EXPLAINERR_KNOWLEDGE", str(tmp_path))
    try:
        raise RuntimeError(_state_dict_message())
    except RuntimeError as e:
        report = explainerr.explain(e)
    assert report.exception.message.startswith("Error(s) in loading state_dict")
    assert report.diagnosis is None and not any("knowledge packs" in n for n in report.notes)
    try:
        raise RuntimeError("index 7 is out of range")
    except RuntimeError as e:
        report = explainerr.explain(e)
    assert report.diagnosis is not None and report.diagnosis.pattern == "team-range-words"


@pytest.mark.parametrize("regex,why", [
    ("(?P<x>a)(?P=x)", "invalid perl operator"),
    ("(a)\\1", "invalid escape sequence"),
    ("(?=a)a", "invalid perl operator"),
    ("(?<!a)b", "invalid perl operator"),
    ("a{2000}", "invalid repetition size"),
    ("(?:(?:a{0,50}){0,50}){0,50}b", "invalid repetition size"),
])
def test_a_regex_the_engine_refuses_is_a_pack_error_naming_file_pattern_and_key(regex, why, tmp_path):
    pack = tmp_path / "refused.yaml"
    pack.write_text(HANG_PACK.replace("'(?:\\w{1,20} ?){0,20}out of range'", repr(regex).replace("\\\\", "\\")))
    patterns, errors = check_sources([pack], seen_ids={})
    assert patterns == [] and len(errors) == 1
    text = str(errors[0])
    assert text.startswith(f"{pack}: pattern 'team-range-words': key 'message': regex ")
    assert "is not accepted by the linear-time regex engine (RE2: " + why in text, text
    with pytest.raises(RegexRefused):
        compile_message_regex(regex)


def test_overlong_regex_is_refused_before_compiling():
    with pytest.raises(RegexRefused, match="longer than 1000 characters"):
        compile_message_regex("a" * 1001)
