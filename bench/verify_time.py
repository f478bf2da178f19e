"""Time from failure to a verified fix, and whether --verify tells the truth, on a case corpus (docs/corpus.md).

For each positive case: `python -m explainerr --verify --report R case.py` in a scratch copy holding only the
script (the real command: a fresh interpreter for the run and for each re-run).  The report gives the verdict
(`fix.verified`) and `fix.verification.since_failure_s`, the time from the uncaught exception to the verdict
(analysis, explanation and re-run included).  The truth is the corpus runner's own check: the report's edits
applied to a fresh copy, which must then exit 0 (bench/corpus.py).  The median is over verified cases.
"""
from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.corpus import _env, apply_edits, cases_in, read_meta


def _run(args: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(args, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None


def verify_case(case: Path, python: str = sys.executable, seconds: float = 60, timeout: float = 300) -> dict[str, Any]:
    meta = read_meta(case)
    out: dict[str, Any] = {"case": case.name, "want": str(meta.get("pattern") or "none"), "edits": 0,
                           "verified": None, "status": None, "since_failure_s": None, "fixed": None, "summary": ""}
    with tempfile.TemporaryDirectory(prefix="explainerr-verify-bench-") as tmp:
        work = Path(tmp) / "job"
        work.mkdir()
        shutil.copy2(case / "case.py", work / "case.py")
        report_path = Path(tmp) / "report.json"
        _run([python, "-m", "explainerr", f"--verify={seconds:g}", "--report", str(report_path), "case.py"],
             work, timeout)
        if not report_path.exists():
            out["summary"] = "no report"
            return out
        diag = json.loads(report_path.read_text()).get("diagnosis") or {}
        fix = diag.get("fix") or {}
        edits = fix.get("edits") or []
        v = fix.get("verification") or {}
        out.update(edits=len(edits), verified=fix.get("verified"), status=v.get("status"),
                   since_failure_s=v.get("since_failure_s"), summary=v.get("summary", ""))
        if edits:
            fixdir = Path(tmp) / "fixed"
            fixdir.mkdir()
            shutil.copy2(case / "case.py", fixdir / "case.py")
            apply_edits(fixdir / "case.py", edits)
            q = _run([python, "case.py"], fixdir, timeout)
            out["fixed"] = q is not None and q.returncode == 0
    return out


def bench_verify(corpus: Path, python: str = sys.executable, names: list[str] | None = None) -> dict[str, Any]:
    """One case at a time (the times are the figure), every positive case of `corpus` or those in `names`."""
    cases = [c for c in cases_in(corpus) if (names is None or c.name in names)
             and str(read_meta(c).get("pattern") or "none") != "none"]
    results = [verify_case(c, python) for c in cases]
    with_edits = [r for r in results if r["edits"]]
    times = [r["since_failure_s"] for r in with_edits if r["verified"] is True and r["since_failure_s"] is not None]
    disagree = [r for r in with_edits if r["verified"] is not r["fixed"]]
    return {
        "cases_with_edits": len(with_edits),
        "verified": sum(r["verified"] is True for r in with_edits),
        "still_fails": sum(r["verified"] is False for r in with_edits),
        "not_verified": sum(r["verified"] is None for r in with_edits),
        "edits_run": sum(bool(r["fixed"]) for r in with_edits),
        "agree": len(with_edits) - len(disagree),
        "disagreements": len(disagree),
        "median_failure_to_verified_s": statistics.median(times) if times else None,
        "disagreeing": [f"{r['case']}: verify {r['verified']} ({r['summary']}), edits run: {r['fixed']}"
                        for r in disagree],
        "results": results,
    }
