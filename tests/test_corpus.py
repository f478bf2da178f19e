"""The project's case corpus (tests/corpus, DESIGN.md §5 format) through the real CLI, in one batched run:
each positive case gets its pattern, mentions the user's names and numbers, and its edits make the script
run; each negative case gets no diagnosis.  Every case keeps exit status 1."""
from __future__ import annotations

from pathlib import Path

import pytest

from bench.corpus import cases_in

CORPUS = Path(__file__).parent / "corpus"
CASES = [c.name for c in cases_in(CORPUS)]
POSITIVE = [c for c in CASES if not c.startswith("n")]
NEGATIVE = [c for c in CASES if c.startswith("n")]


@pytest.mark.parametrize("name", CASES)
def test_exit_status_and_report(corpus_results, name):
    r = corpus_results[name]
    assert r.exit_code == 1, r.stderr[-2000:]
    assert r.report is not None and r.report["version"] == 1


@pytest.mark.parametrize("name", POSITIVE)
def test_pattern_and_mentions(corpus_results, name):
    r = corpus_results[name]
    assert r.got == r.want, r.stderr[-3000:]
    assert not r.mentions_missing, r.report["diagnosis"]


@pytest.mark.parametrize("name", POSITIVE)
def test_edits_fix_the_script(corpus_results, name):
    r = corpus_results[name]
    assert r.edits, r.report["diagnosis"]["fix"]
    assert r.fixed, r.fix_error


@pytest.mark.parametrize("name", NEGATIVE)
def test_no_false_alarm(corpus_results, name):
    r = corpus_results[name]
    assert r.got == "none", r.report["diagnosis"]
