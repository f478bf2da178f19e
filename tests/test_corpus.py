"""The project's case corpus (tests/corpus, DESIGN.md §5 format) through the real CLI, in one batched run:
each positive case gets its pattern, mentions the user's names and numbers, and its edits make the script
run; each negative case gets no diagnosis.  Every case keeps exit status 1."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.corpus import cases_in

CORPUS = Path(__file__).parent / "corpus"
CASES = [c.name for c in cases_in(CORPUS)]
META = {c: yaml.safe_load((CORPUS / c / "meta.yaml").read_text()) for c in CASES}
POSITIVE = [c for c in CASES if META[c]["pattern"] != "none"]
NEGATIVE = [c for c in CASES if META[c]["pattern"] == "none"]


def _params(names, gap):
    """Cases whose meta.yaml lists `gap` under known_gaps are strict xfails: they are reported, and the
    test fails as soon as the gap closes, so the list cannot go stale."""
    return [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=f"known gap: {gap}"))
            if gap in (META[n].get("known_gaps") or []) else n for n in names]


@pytest.mark.parametrize("name", CASES)
def test_exit_status_and_report(corpus_results, name):
    r = corpus_results[name]
    assert r.exit_code == 1, r.stderr[-2000:]
    assert r.report is not None and r.report["version"] == 1


@pytest.mark.parametrize("name", _params(POSITIVE, "pattern"))
def test_pattern(corpus_results, name):
    r = corpus_results[name]
    assert r.got == r.want, r.stderr[-3000:]


@pytest.mark.parametrize("name", _params(POSITIVE, "mention"))
def test_mentions(corpus_results, name):
    r = corpus_results[name]
    assert r.got == r.want and not r.mentions_missing, (r.mentions_missing, r.report["diagnosis"])


@pytest.mark.parametrize("name", _params(POSITIVE, "fix"))
def test_edits_fix_the_script(corpus_results, name):
    r = corpus_results[name]
    assert r.edits, r.report["diagnosis"]["fix"]
    assert r.fixed, r.fix_error


@pytest.mark.parametrize("name", NEGATIVE)
def test_no_false_alarm(corpus_results, name):
    r = corpus_results[name]
    assert r.got == "none", r.report["diagnosis"]
