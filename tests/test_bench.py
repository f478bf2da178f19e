"""The benchmark's smoke run (`python -m bench --quick`): every figure is measured and written, the table is
printed, and the checks that are facts rather than timings (no extra thread, no trace/profile hook under
`python -m explainerr`, bounded memory, no false alarm) hold.  Budgets on timings are asserted only by the
full run, on a quiet machine."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT, run_py

#: The smoke run takes a minute or more on 2 cores: run apart (`python -m pytest -m bench`; .ci/run does).
pytestmark = pytest.mark.bench

#: figures with a budget: the JSON must always carry them (tools outside the project read them)
BUDGETED = {
    "install.explainerr_ms", "install.explainerr_after_threading_ms", "install.explainerr_after_torch_ms",
    "install.ratio_to_rich", "startup.cli_added_ms", "startup.install_added_ms",
    "steady.overhead_pct", "steady.extra_threads", "steady.trace_hooks_set",
    "explain.explainerr.cold_ratio", "explain.explainerr.warm_ratio", "explain.explainerr-rich.warm_ratio",
    "explain.no_match.cold_ratio", "explain.no_match.warm_ratio",
    "scaling.size_time_ratio", "scaling.depth_time_ratio", "scaling.depth_max_lines", "scaling.recursion_ms",
    "scaling.locals_max_ms", "scaling.source_max_ms", "scaling.peak_extra_mb", "accuracy.false_alarms",
    "verify.disagreements",
}
#: figures the quick run measures (the others are null there)
MEASURED_IN_QUICK = {
    "install.explainerr_ms", "install.explainerr_after_torch_ms", "install.rich_traceback_ms",
    "install.ratio_to_rich", "startup.cli_plain_ms", "startup.cli_explainerr_ms", "startup.install_plain_ms",
    "startup.install_explainerr_ms", "explain.explainerr.cold_ratio", "explain.explainerr.warm_ratio",
    "steady.plain_s", "steady.explainerr_s", "explain.explainerr.cold_ms", "explain.explainerr.warm_ms",
    "explain.traceback.cold_ms", "explain.rich-show-locals.warm_ms", "scaling.size_time_ratio",
    "scaling.depth_time_ratio", "scaling.recursion_ms", "scaling.locals_max_ms", "scaling.peak_extra_mb",
    "accuracy.median_analysis_ms", "verify.cases_with_edits", "verify.median_failure_to_verified_s",
}


def test_bench_quick_run_writes_every_figure():
    out = ROOT / "bench" / "results-quick-test.json"
    p = run_py(["-m", "bench", "--quick", "--out", str(out)], cwd=ROOT, timeout=300)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-3000:]
    data = json.loads(out.read_text())
    out.unlink()
    from bench.__main__ import FIGURES
    figs = data["figures"]
    assert set(figs) == set(FIGURES)
    assert BUDGETED <= set(figs)
    assert all(figs[k]["budget"] for k in BUDGETED)
    for key in MEASURED_IN_QUICK:
        assert isinstance(figs[key]["value"], (int, float)) and figs[key]["value"] >= 0, key
    assert figs["explain.explainerr.cold_ms"]["value"] > figs["explain.explainerr.warm_ms"]["value"] > 0
    # a ratio is explainerr's time over rich's, paired in one run; the whole process includes the explanation
    assert data["explain"]["summary"]["explainerr"]["pairs"] >= 1
    assert len(data["startup"]["cli"]["added_runs_ms"]) == len(data["startup"]["install"]["added_runs_ms"]) >= 1
    assert "explainerr / reference" in p.stdout
    assert all(f["pass"] is None for f in figs.values())  # quick mode asserts no budget
    assert data["failed"] == []
    # facts, not timings: they hold on any machine
    assert figs["steady.extra_threads"]["value"] == 0
    assert figs["steady.trace_hooks_set"]["value"] == 0
    assert data["steady"]["hook_installed"] and data["steady"]["same_result"]
    assert figs["scaling.peak_extra_mb"]["value"] <= 20
    assert figs["accuracy.false_alarms"]["value"] == 0
    assert data["accuracy"]["cases"] >= 2
    assert figs["verify.disagreements"]["value"] == 0 and figs["verify.cases_with_edits"]["value"] >= 1
    assert data["profile"]["cold (plain)"]["profile"]["by_cumtime"]
    assert "explain cold, explainerr" in p.stdout and "budget" in p.stdout and "not asserted" in p.stdout
