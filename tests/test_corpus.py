"""The project's case corpus (tests/corpus: case.py, fixed.py, meta.yaml per case; docs/corpus.md) analysed
in-process by tests/corpus_runner.py, two interpreters for the whole corpus: each positive case gets its
pattern, mentions the user's names and numbers, and its edits make the script run; each negative case gets
no diagnosis.  The command line is checked to give the same report as the in-process run on a few cases."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from bench.corpus import cases_in, read_meta, run_case
from conftest import ROOT, missing_requirements
from corpus_sample import marked

CORPUS = Path(__file__).parent / "corpus"
ALL_CASES = [c.name for c in cases_in(CORPUS)]
META = {c: read_meta(CORPUS / c) for c in ALL_CASES}
MISSING = {c: missing_requirements(META[c]) for c in ALL_CASES}
CASES = [c for c in ALL_CASES if not MISSING[c]]
POSITIVE = [c for c in CASES if META[c]["pattern"] != "none"]
NEGATIVE = [c for c in CASES if META[c]["pattern"] == "none"]


def _params(names, gap):
    """Cases whose meta.yaml lists `gap` under known_gaps (`pattern`, `mention`, `fix` for positive cases,
    `false-alarm` for a negative case that gets a diagnosis) are strict xfails: they are reported, and the
    test fails as soon as the gap closes, so the list cannot go stale.  Cases outside the default run carry
    the `corpus_all` marker (corpus_sample.py)."""
    return marked([pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=f"known gap: {gap}"))
                   if gap in (META[n].get("known_gaps") or []) else n for n in names], META)


def test_requirements_are_module_names():
    """`requires:` lists importable module names (`sentence_transformers`, not the distribution's
    `sentence-transformers`): a misspelt one would skip its case everywhere, silently."""
    import re
    wrong = {c: r for c in ALL_CASES for r in META[c].get("requires") or []
             if not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", str(r))}
    assert not wrong, wrong


@pytest.mark.parametrize("name", [c for c in ALL_CASES if MISSING[c]])
def test_cases_whose_libraries_are_missing_are_skipped(name):
    """Cases for Trainer, Accelerate, Lightning or sentence-transformers need those packages (the test extra
    `integrations`): where one is not installed its cases are skipped, with the reason."""
    pytest.skip(f"{name} needs {', '.join(MISSING[name])} (pip install -e '.[test,integrations]')")


@pytest.mark.parametrize("name", marked(CASES, META))
def test_exit_status_and_report(corpus_results, report_schema, name):
    r = corpus_results[name]
    assert r.exit_code == 1, r.stderr[-2000:]
    assert r.report is not None and r.report["version"] == 1
    report_schema.validate(r.report)


@pytest.fixture(scope="module")
def report_schema():
    """The report schema's validator, built (and the schema checked) once: `jsonschema.validate` does both on
    every call, about 40 ms, half a minute over the corpus."""
    schema = json.loads((ROOT / "tests" / "report_schema.json").read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _diagnosis_in_any_folder(report):
    """The diagnosis with the folder the case ran in written as CASE."""
    folder = str(Path(report["location"]["file"]).parent)
    return json.loads(json.dumps(report["diagnosis"]).replace(folder, "CASE"))


@pytest.mark.parametrize("name", ["c01-mean-pool-fixed-max-len", "n06-accuracy-zero-division"])
def test_command_line_gives_the_in_process_report(corpus_results, name):
    """`python -m explainerr --report R case.py` (exit status, pattern, summary, edits) agrees with the
    in-process analysis the other corpus tests use."""
    cli, here = run_case(CORPUS / name), corpus_results[name]
    assert cli.exit_code == 1 and cli.got == here.got
    assert _diagnosis_in_any_folder(cli.report) == _diagnosis_in_any_folder(here.report)
    assert cli.fixed == here.fixed


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


def test_a_listed_gap_is_a_strict_xfail(monkeypatch):
    """A negative case that lists `false-alarm` is held like the positive cases' gaps: a strict xfail of
    test_no_false_alarm; one that does not list it is a plain test."""
    listed, plain = NEGATIVE[:2]
    monkeypatch.setitem(META, listed, {**META[listed], "known_gaps": ["false-alarm"]})
    held, unmarked = _params([listed, plain], "false-alarm")
    assert [m.kwargs["strict"] for m in held.marks] == [True] and held.values == (listed,)
    assert unmarked == plain or [m.name for m in unmarked.marks] == ["corpus_all"]


@pytest.mark.parametrize("name", _params(NEGATIVE, "false-alarm"))
def test_no_false_alarm(corpus_results, name):
    r = corpus_results[name]
    assert r.got == "none", r.report["diagnosis"]


def test_the_default_run_keeps_hand_written_cases_gaps_and_every_group():
    """The cases left to `-m corpus_all` are held-out `z*` scripts without a known gap or with only a mention
    gap, each group of (pattern, library) keeps a case in the default run, and the default run keeps two cases in
    five of the corpus or more."""
    from corpus_sample import group_firsts, in_default_run
    firsts = group_firsts(META)
    left = [c for c in ALL_CASES if not in_default_run(c, META[c], firsts)]
    assert left and all(c.startswith("z") and (META[c].get("known_gaps") or ["mention"]) == ["mention"] for c in left)
    kept_groups = {(META[c]["pattern"], META[c].get("library")) for c in ALL_CASES if in_default_run(c, META[c], firsts)}
    assert kept_groups == {(META[c]["pattern"], META[c].get("library")) for c in ALL_CASES}
    assert len(ALL_CASES) - len(left) >= 0.4 * len(ALL_CASES)

