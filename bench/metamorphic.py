"""The metamorphic part of the bench: a case corpus under each transform of tests/metamorphic (rename the
user's names, wrap the module code in main(), move a function into a class, scale the sizes and the pad id,
split the failing expression), scored pair by pair: the pattern must stay and the edits must still make the
transformed script run.  Prints the per-transform table (applicable / passed / rate) and the failing pairs.

`python -m bench --only metamorphic [--corpus DIR] [--quick]` (any folder in the case-corpus format);
`python -m tests.metamorphic.transform --transform NAME case.py` shows one transform of one script.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

QUICK_CASES = 2


def bench_metamorphic(corpus: Path, quick: bool = False, jobs: int = 2) -> dict[str, Any]:
    from tests.metamorphic import pool, report
    only = [c.name for c in pool.cases_in(corpus)[:QUICK_CASES]] if quick else None
    start = time.perf_counter()

    def progress(case: str, rows: list) -> None:
        marks = " ".join(f"{r.transform}:{r.status}" for r in rows)
        print(f"[metamorphic] {case}: {marks}", flush=True)

    pairs = pool.run_corpus(corpus, jobs=jobs, only=only, progress=progress)
    seconds = time.perf_counter() - start
    print("\n" + report.failures(pairs, details=False))
    print("\nnot applicable:\n" + report.not_applicable(pairs))
    left_out = report.skipped(corpus)
    if left_out:
        print("\nnot run (a module they require is missing):\n" + left_out)
    print(f"\nmetamorphic, {corpus} ({seconds:.0f} s, {jobs} workers):\n" + report.table(pairs), flush=True)
    return {
        "seconds": seconds,
        "rates": {name: {"cases": r.cases, "not_applicable": r.not_applicable, "applicable": r.applicable,
                         "passed": r.passed, "errors": r.errors, "rate": r.rate,
                         "broken_by_transform": r.regressions}
                  for name, r in report.rates(pairs).items()},
        "failures": [f"{p.case} x {p.transform}: {p.reason.splitlines()[-1] if p.reason else p.status}"
                     for p in pairs if p.status in ("fail", "error")],
    }
