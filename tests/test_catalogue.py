"""The message catalogue (tests/catalogue/messages.yaml) against the installed torch and transformers and the
knowledge base: every trigger still raises its recorded message (drift shows here), every `pattern:` entry is
recognised by that pattern's regex and exception list as explainerr loads them, no pattern recognises an entry
without being named, proposals match their message and are not yet in place, and the coverage figure adds up.
All triggers run once, in this interpreter."""
from __future__ import annotations

import json
import sys
from copy import deepcopy

import pytest

from bench import catalogue as cat

DATA = cat.load()
IDS = [e["id"] for e in DATA["messages"]]


@pytest.fixture(scope="session")
def checked():
    """({id: what its trigger raised}, {id: problems}) from one run of every trigger."""
    return cat.check_all(DATA)


@pytest.fixture(scope="session")
def knowledge():
    patterns = cat.builtin_patterns()
    return patterns, cat.group_names(patterns) | set(DATA["new_groups"]), DATA["new_patterns"]


def test_catalogue_is_well_formed(checked):
    assert checked[1][""] == []
    assert len(IDS) == len(set(IDS))


@pytest.mark.parametrize("entry_id", IDS)
def test_entry(checked, entry_id):
    raised, problems = checked
    assert problems[entry_id] == []
    entry = next(e for e in DATA["messages"] if e["id"] == entry_id)
    if cat.runnable(entry, cat.devices()):
        assert raised[entry_id] is not None and raised[entry_id].message == entry["message"]


def test_every_runnable_trigger_ran(checked):
    raised, _ = checked
    here = cat.devices()
    assert set(raised) == {e["id"] for e in DATA["messages"] if cat.runnable(e, here)}
    assert len(raised) == cat.coverage(DATA, here)["run_here"]
    assert all("requires" in e or "legacy" in e for e in DATA["messages"] if e["id"] not in raised)


def _entry(entry_id: str, **changes):
    entry = deepcopy(next(e for e in DATA["messages"] if e["id"] == entry_id))
    for key, value in changes.items():
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = value
    return entry


def _problems(entry, knowledge, raised=None, ran=False):
    patterns, groups, new = knowledge
    return cat.entry_problems(entry, raised, ran, patterns, groups, new)


def test_a_pattern_that_does_not_recognise_the_message_fails(knowledge):
    entry = _entry("masked-fill-dtype", pattern="hidden-size-mismatch")
    problems = _problems(entry, knowledge)
    assert any("hidden-size-mismatch does not recognise it" in p for p in problems)
    assert any("recognised by mask-dtype" in p for p in problems)


def test_a_proposal_already_in_place_must_be_promoted(knowledge):
    entry = _entry("masked-fill-dtype", pattern=None, proposed_pattern="mask-dtype",
                   proposed_regex="masked_fill_ only supports boolean masks")
    assert any("promote" in p for p in _problems(entry, knowledge))


def test_a_left_entry_that_a_pattern_recognises_fails(knowledge):
    entry = _entry("linear-shapes", pattern=None, left="no reason")
    assert _problems(entry, knowledge) == ["recognised by hidden-size-mismatch: name it under `pattern`"]


def _proposal(**changes):
    """A reworded boolean-index message that no pattern recognises, proposed for mask-length-mismatch, with
    `changes`."""
    base = dict(pattern=None, message="The shape of the mask [2, 4] at index 1 differs from the tensor's [2, 5]", proposed_pattern="mask-length-mismatch",
                proposed_regex=r"The shape of the mask \[(?P<mask_shape>[\d, ]+)\] at index (?P<dim>\d+)")
    return _entry("bool-index-shape", **{**base, **changes})


def test_a_proposal_must_match_its_message_with_known_groups(knowledge):
    wrong = _proposal(proposed_regex=r"The shape of the mask \[(?P<mask_shape>[\d, ]+)\] at dim")
    assert any("does not recognise the message" in p for p in _problems(wrong, knowledge))
    unnamed = _proposal(proposed_regex=r"The shape of the (mask)")
    assert any("unnamed groups" in p for p in _problems(unnamed, knowledge))
    odd_group = _proposal(proposed_regex=r"The shape of the mask \[(?P<whatever>[\d, ]+)\]")
    assert any("'whatever'" in p for p in _problems(odd_group, knowledge))
    refused = _proposal(proposed_regex=r"(?P<a>mask)(?=\[)")
    assert any("RE2" in p for p in _problems(refused, knowledge))
    no_type = _proposal(exception="ValueError")  # a type the pattern does not list, and no proposed_exception
    assert any("does not recognise the message" in p for p in _problems(no_type, knowledge))
    assert _problems(_proposal(), knowledge) == []


def test_message_drift_and_a_moved_raise_site_fail(knowledge):
    entry = _entry("masked-fill-dtype")
    now = cat.Raised("RuntimeError", entry["message"] + " (reworded)", ("RuntimeError", "Exception"), None)
    assert any("re-record" in p for p in _problems(entry, knowledge, now, ran=True))
    moved = cat.Raised("RuntimeError", entry["message"], ("RuntimeError",), "torch/somewhere.py:f")
    assert any("raised at torch/somewhere.py:f" in p for p in _problems(entry, knowledge, moved, ran=True))
    assert _problems(entry, knowledge, None, ran=True) == ["the trigger raised nothing"]


def test_schema_problems_are_reported():
    bad = {"messages": [{"id": "Bad_Id", "family": "misc", "exception": "RuntimeError", "message": "x",
                         "left": "r", "pattern": "mask-dtype", "colour": 1}]}
    problems = " ".join(cat.schema_problems(bad))
    for expected in ("kebab-case", "unknown key 'colour'", "family must be", "give a trigger",
                     "`left` alone"):
        assert expected in problems


def test_every_knowledge_regex_is_exercised_or_says_why(knowledge):
    patterns = knowledge[0]
    assert cat.unexercised_problems(DATA, patterns) == []
    fewer = {**DATA, "messages": [e for e in DATA["messages"] if e["id"] != "masked-select-dtype"]}
    assert cat.unexercised_problems(fewer, patterns) == [
        "mask-dtype regex 'masked_select: expected BoolTensor for mask' recognises no catalogue message: add the "
        "message it is for, or say why under unexercised_regexes"]
    stale = {**DATA, "unexercised_regexes": [*DATA["unexercised_regexes"],
                                             {"pattern": "mask-dtype", "regex": "gone", "why": "-"}]}
    assert cat.unexercised_problems(stale, patterns) == [
        "unexercised_regexes names 'gone' of mask-dtype, which the knowledge base does not have"]


def test_coverage_adds_up():
    c = cat.coverage(DATA)
    entries = DATA["messages"]
    assert c["messages"] == len(entries) == c["recognised"] + c["proposed"] + c["left"]
    assert c["recognised"] == sum(1 for e in entries if "pattern" in e)
    assert c["left_reasons"] == {e["id"]: e["left"] for e in entries if "left" in e}
    assert all(reason.strip() for reason in c["left_reasons"].values())
    assert sum(f["messages"] for f in c["by_family"].values()) == c["messages"]
    assert cat.summary_line(c).startswith(f"{c['messages']} messages, {c['recognised']} recognised by a pattern, ")


def test_record_rewrites_messages_and_sites(tmp_path):
    copy = tmp_path / "messages.yaml"
    copy.write_text(cat.CATALOGUE.read_text())
    changed = cat.record(copy, {"masked-fill-dtype": cat.Raised("RuntimeError", 'new "text"', (), "torch/x.py:f")})
    assert changed == 1
    again = {e["id"]: e for e in cat.load(copy)["messages"]}
    assert again["masked-fill-dtype"]["message"] == 'new "text"'
    assert again["masked-fill-dtype"]["raised_at"] == "torch/x.py:f"
    assert {k: v for k, v in again.items() if k != "masked-fill-dtype"} == {
        e["id"]: e for e in DATA["messages"] if e["id"] != "masked-fill-dtype"}


def test_record_command_brings_a_drifted_catalogue_back(tmp_path, capsys):
    copy = tmp_path / "messages.yaml"
    text = cat.CATALOGUE.read_text()
    drifted = text.replace('"masked_fill_ only supports boolean masks, but got mask with dtype long int"',
                           '"an older wording"')
    assert drifted != text
    copy.write_text(drifted)
    assert cat.main(["--file", str(copy)]) == 1
    assert "masked-fill-dtype: raised RuntimeError" in capsys.readouterr().out
    assert cat.main(["--record", "--file", str(copy)]) == 0
    assert cat.summary_line(cat.coverage(DATA)) in capsys.readouterr().out
    # the untouched catalogue recorded the same way: only the header's versions may differ from the file (a
    # newer transformers release installed than the one the catalogue was recorded with)
    untouched = tmp_path / "untouched.yaml"
    untouched.write_text(text)
    assert cat.main(["--record", "--file", str(untouched)]) == 0
    assert copy.read_text() == untouched.read_text()
    assert '"masked_fill_ only supports boolean masks, but got mask with dtype long int"' in copy.read_text()


def test_bench_part_prints_and_writes_the_coverage(tmp_path, monkeypatch, capsys):
    """`python -m bench --only catalogue`, run in this interpreter (its triggers are warm here)."""
    from bench.__main__ import main
    out = tmp_path / "results.json"
    monkeypatch.setattr(sys, "argv", ["bench", "--only", "catalogue", "--out", str(out)])
    assert main() == 0
    c = cat.coverage(DATA)
    printed = capsys.readouterr().out
    assert cat.summary_line(c) in printed and "catalogue: recognised by a pattern" in printed
    figures = json.loads(out.read_text())["figures"]
    assert figures["catalogue.messages"]["value"] == c["messages"]
    assert figures["catalogue.recognised"]["value"] == c["recognised"]
    assert figures["catalogue.proposed"]["value"] == c["proposed"]
    assert figures["catalogue.left"]["value"] == c["left"]
    assert figures["catalogue.entries_with_problems"] == {
        "label": "catalogue: entries with problems (drift)", "value": 0, "unit": "", "budget": "0", "pass": True}
