"""--verify against the truth on the positive cases of tests/corpus and tests/verify_cases: it says verified exactly
when explainerr's edits, applied to a copy, make the script run (the corpus runner's independent check), and says
nothing (not run) where there is no edit.  tests/verify_cases holds cases whose edits are right but not enough,
so both answers are tested.  The failing run happens in this process and each re-run forks it (verify_support.py),
so that torch and transformers are not imported again per case.

Each case is a second run of its script and of its edited copy, so the default run (the README's command) checks
a sample that covers every pattern in every library loop: all of tests/verify_cases, every case listing a
`verify` gap, and the first case (by name, `PER_GROUP`) of each (pattern, library) group.  The other cases carry
the `verify_all` marker: `python -m pytest -q -m verify_all` checks them too."""
from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from verify_support import exit_status_forked, failing_run, fork_launch, split_between_two_processes

from bench.corpus import apply_edits, cases_in, read_meta
from conftest import missing_requirements
from explainerr.patching import plan
from explainerr.verify import verify

HERE = Path(__file__).parent
META = {c: read_meta(c)
        for folder in (HERE / "corpus", HERE / "verify_cases") for c in cases_in(folder)}
# positive cases whose libraries are installed (test_corpus.py reports the others as skipped)
CASES = [c for c, meta in META.items() if meta.get("pattern", "none") != "none" and not missing_requirements(meta)]
PER_GROUP = 1


def _sampled(cases: list[Path]) -> set[Path]:
    """The cases the default run checks (see the module docstring)."""
    groups: dict[tuple[str, str], list[Path]] = {}
    for c in sorted(cases, key=lambda c: c.name):
        groups.setdefault((META[c]["pattern"], str(META[c].get("library") or "")), []).append(c)
    keep = {c for g in groups.values() for c in g[:PER_GROUP]}
    return keep | {c for c in cases if c.parent.name != "corpus" or "verify" in (META[c].get("known_gaps") or [])}


SAMPLED = _sampled(CASES)


@pytest.fixture(scope="session")
def verdicts(request, tmp_path_factory):
    """name -> (edits as dicts, Verification, folder), each case this run selected failing once in a scratch copy
    holding only case.py (or the exception explainerr raised on it); half the cases in a fork of this process."""
    chosen = {item.callspec.params["case"] for item in request.session.items
              if item.originalname == "test_verify_agrees_with_running_the_edited_script"}
    run = [c for c in CASES if c in chosen]
    folders = {case: tmp_path_factory.mktemp(case.name) for case in run}

    def one(case: Path) -> Any:
        folder = folders[case]
        shutil.copy2(case / "case.py", folder / "case.py")
        report, ctx = failing_run(folder, "case.py")
        fix = report.diagnosis.fix if report.diagnosis else None
        v = verify(report, plan(fix, ctx.cwd), ctx, 60, render={"format": "plain", "color": False, "width": None},
                   failed_at=time.perf_counter(), launch=fork_launch)
        return ([e.to_dict() for e in fix.edits] if fix else [], v, folder)

    # an exception is that case's result (explainerr's own error, EXPLAINERR_DEBUG=1): its test fails with it
    return {case.name: r for case, r in zip(run, split_between_two_processes(one, run))}


def _edits_run(case: Path, edits: list[dict]) -> bool:
    """The truth for a case outside tests/corpus: its edits applied to a fresh copy, run to the end."""
    folder = Path(__import__("tempfile").mkdtemp(prefix="explainerr-truth-"))
    try:
        shutil.copy2(case / "case.py", folder / "case.py")
        apply_edits(folder / "case.py", edits)
        return exit_status_forked(folder, "case.py") == 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _verify_gap(case: Path):
    """A case whose meta.yaml lists `verify` under known_gaps (--verify's answer disagrees with running the
    edited script to the end) is a strict xfail, so the entry goes as soon as the two agree; a case outside the
    sample is marked `verify_all`."""
    marks = [] if case in SAMPLED else [pytest.mark.verify_all]
    if "verify" in (META[case].get("known_gaps") or []):
        marks.append(pytest.mark.xfail(strict=True, reason="known gap: verify"))
    return pytest.param(case, marks=marks, id=case.name)


@pytest.mark.parametrize("case", [_verify_gap(c) for c in CASES])
def test_verify_agrees_with_running_the_edited_script(verdicts, corpus_results, case):
    if isinstance(verdicts[case.name], Exception):
        raise verdicts[case.name]
    edits, v, _ = verdicts[case.name]
    if not edits:
        assert (v.verified, v.status) == (None, "not-run"), v.summary
        assert v.summary == "not verified: the fix has no edit to apply (it is shown as code only)"
        return
    if case.parent.name == "corpus":
        r = corpus_results[case.name]
        same = [(e["start_line"], e["end_line"], e["replacement"]) for e in r.edits]
        assert same == [(e["start_line"], e["end_line"], e["replacement"]) for e in edits]  # the same edits
        truth = bool(r.fixed)
    else:
        truth = _edits_run(case, edits)
        assert truth is META[case].get("edits_suffice", True), "the case no longer shows what it is here for"
    assert v.verified is truth, v.summary + "\n" + v.detail
    assert v.status == ("verified" if truth else "still-fails")


def test_the_sample_covers_every_pattern_and_library():
    groups = {(META[c]["pattern"], META[c].get("library")) for c in CASES}
    assert groups == {(META[c]["pattern"], META[c].get("library")) for c in SAMPLED}
    assert {c for c in CASES if c.parent.name != "corpus"} <= SAMPLED


def test_the_user_file_is_never_written(verdicts):
    for case in CASES:
        if case.name not in verdicts:
            continue  # not selected in this run
        if isinstance(verdicts[case.name], Exception):
            continue  # that case failed before its re-run
        _, _, folder = verdicts[case.name]
        assert (folder / "case.py").read_bytes() == (case / "case.py").read_bytes(), case.name
