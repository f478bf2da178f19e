"""Runs explainerr over a case corpus (docs/corpus.md: case.py, fixed.py, meta.yaml per folder) and scores it.

For each case: `python -m explainerr --report R case.py` in a scratch copy holding only the script, then
the pattern, the must_mention strings, the exit status, and whether the report's edits, applied to a
fresh copy, make the script exit 0.  Used by the test suite and by `python -m bench`.
"""
from __future__ import annotations

import concurrent.futures as cf
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class CaseResult:
    name: str
    want: str
    got: str | None = None
    exit_code: int | None = None
    mentions_missing: list[str] = field(default_factory=list)
    edits: list[dict[str, Any]] = field(default_factory=list)
    fixed: bool | None = None
    fix_error: str = ""
    analysis_ms: float | None = None
    report: dict[str, Any] | None = None
    stderr: str = ""


def read_meta(case: Path) -> dict[str, Any]:
    """A case's meta.yaml as a dict (empty when the file is), read safely with libyaml where PyYAML has it:
    the corpus has thousands of cases, and the pure-Python reader spends seconds on them in every process."""
    import yaml
    return yaml.load((Path(case) / "meta.yaml").read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}


def cases_in(folder: Path) -> list[Path]:
    return sorted(d for d in folder.iterdir() if (d / "meta.yaml").exists() and (d / "case.py").exists())


def _env() -> dict[str, str]:
    env = dict(os.environ, NO_COLOR="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONDONTWRITEBYTECODE="1")
    env.pop("FORCE_COLOR", None)
    return env


def apply_edits(script: Path, edits: list[dict[str, Any]]) -> None:
    lines = script.read_text().splitlines(keepends=True)
    for e in sorted(edits, key=lambda e: int(e["start_line"]), reverse=True):
        repl = e["replacement"]
        lines[int(e["start_line"]) - 1:int(e["end_line"])] = [repl if repl.endswith("\n") else repl + "\n"]
    script.write_text("".join(lines))


def _without_paths(value: Any) -> Any:
    """The diagnosis without its file paths (`file` fields, the diff's headers)."""
    if isinstance(value, dict):
        return {k: _without_paths(v) for k, v in value.items() if k not in ("file", "diff")}
    if isinstance(value, list):
        return [_without_paths(v) for v in value]
    return value


def score_report(res: CaseResult, meta: dict[str, Any], report: dict[str, Any]) -> dict[str, Any] | None:
    """Fill `res` from a JSON report (pattern, must_mention strings missing, edits, analysis time); returns
    the report's diagnosis."""
    res.report = report
    diag = report.get("diagnosis")
    res.got = (diag or {}).get("pattern") or "none"
    res.analysis_ms = (report.get("timing") or {}).get("analysis_ms")
    # file paths hold the folder the case ran in (a temporary one, with any digits): never a mention
    text = json.dumps(_without_paths(diag), ensure_ascii=False).replace('\\"', '"') if diag else ""
    res.mentions_missing = [str(m) for m in meta.get("must_mention") or [] if diag and str(m) not in text]
    res.edits = ((diag or {}).get("fix") or {}).get("edits") or []
    return diag


def run_case(case: Path, python: str = sys.executable, timeout: float = 120, check_fix: bool = True) -> CaseResult:
    meta = read_meta(case)
    res = CaseResult(name=case.name, want=str(meta.get("pattern") or "none"))
    with tempfile.TemporaryDirectory(prefix="explainerr-case-") as tmp:
        work = Path(tmp) / "job"
        work.mkdir()
        shutil.copy2(case / "case.py", work / "case.py")
        report_path = Path(tmp) / "report.json"
        try:
            p = subprocess.run([python, "-m", "explainerr", "--report", str(report_path), "case.py"], cwd=work,
                               env=_env(), capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
            res.exit_code, res.stderr = p.returncode, p.stderr
        except subprocess.TimeoutExpired:
            res.exit_code = 124
        if not report_path.exists():
            return res
        diag = score_report(res, meta, json.loads(report_path.read_text()))
        if check_fix and diag and res.edits:
            fixdir = Path(tmp) / "fixed"
            fixdir.mkdir()
            shutil.copy2(case / "case.py", fixdir / "case.py")
            apply_edits(fixdir / "case.py", res.edits)
            try:
                q = subprocess.run([python, "case.py"], cwd=fixdir, env=_env(), capture_output=True, text=True,
                                   timeout=timeout, stdin=subprocess.DEVNULL)
                res.fixed = q.returncode == 0
                res.fix_error = (q.stderr.strip().splitlines() or [""])[-1]
            except subprocess.TimeoutExpired:
                res.fixed = False
        elif check_fix and diag:
            res.fixed = False
    return res


def run_corpus(folder: Path, python: str = sys.executable, jobs: int = 2, check_fix: bool = True,
               names: list[str] | None = None) -> list[CaseResult]:
    """Every case of `folder` (only those in `names`, when given), `jobs` at a time."""
    cases = [c for c in cases_in(folder) if names is None or c.name in names]
    with cf.ThreadPoolExecutor(jobs) as ex:
        return list(ex.map(lambda c: run_case(c, python, check_fix=check_fix), cases))


def summary(results: list[CaseResult]) -> dict[str, Any]:
    pos = [r for r in results if r.want != "none"]
    neg = [r for r in results if r.want == "none"]
    ms = sorted(r.analysis_ms for r in results if r.analysis_ms is not None)
    return {
        "cases": len(results),
        "pattern_ok": sum(r.got == r.want for r in results),
        "mentions_ok": sum(r.got == r.want and not r.mentions_missing for r in pos),
        "fixes_ok": sum(bool(r.fixed) for r in pos),
        "positives": len(pos),
        "false_alarms": sum(r.got not in (None, "none") for r in neg),
        "negatives": len(neg),
        "exit_kept": sum(r.exit_code == 1 for r in results),
        "median_analysis_ms": ms[len(ms) // 2] if ms else None,
        "confidence": confidence_precision(results),
    }


def confidence_precision(results: list[CaseResult]) -> dict[str, dict[str, int]]:
    """Per confidence level of the diagnoses given: how many, and how many were right (the expected pattern
    with every must_mention string; on a negative case any diagnosis is wrong).  Alternatives count at their
    own level, right when their pattern is the expected one."""
    out: dict[str, dict[str, int]] = {lvl: {"given": 0, "right": 0} for lvl in ("high", "medium", "low")}
    for r in results:
        diag = (r.report or {}).get("diagnosis")
        if diag and diag.get("confidence") in out:
            lvl = out[diag["confidence"]]
            lvl["given"] += 1
            lvl["right"] += int(r.got == r.want and not r.mentions_missing)
        for alt in (r.report or {}).get("alternatives") or []:
            if alt.get("confidence") in out:
                out[alt["confidence"]]["given"] += 1
                out[alt["confidence"]]["right"] += int(alt.get("pattern") == r.want)
    return out
