"""A smoke run of the benchmark so its code does not rot (figures are read from its output, not asserted)."""
from __future__ import annotations

import json

from conftest import ROOT, run_py


def test_bench_quick_run_writes_figures():
    p = run_py(["-m", "bench", "--quick"], cwd=ROOT, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    data = json.loads((ROOT / "bench" / "results.json").read_text())
    assert set(data["install_ms"]) == {"nothing", "explainerr", "rich.traceback"}
    assert set(data["explain_ms"]) == {"explainerr", "traceback", "rich show_locals"}
    assert all(v["cold_ms"] > 0 and v["warm_ms"] > 0 for v in data["explain_ms"].values())
    assert "time to explanation explainerr" in p.stdout
