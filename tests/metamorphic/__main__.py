"""`python -m tests.metamorphic [--jobs N] [--brief] [--record] PATH...`: the metamorphic check on corpus
folders or on single case folders, with each failing (case, transform) shown in full (the transform's diff,
the edits, explainerr's explanation), then the per-transform table.  `--record` (one corpus folder) writes
the measured rates and applicable counts as the new floor in tests/metamorphic/thresholds.yaml."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import pool, report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.metamorphic", description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+", type=Path, help="a corpus folder, or case folders")
    ap.add_argument("--jobs", type=int, default=2, help="worker interpreters (default 2)")
    ap.add_argument("--brief", action="store_true", help="one line per failing pair, no diffs or explanations")
    ap.add_argument("--record", action="store_true", help="write the rates as the thresholds of the test suite")
    a = ap.parse_args(argv)
    if a.record and (len(a.paths) != 1 or (a.paths[0] / "meta.yaml").exists()):
        ap.error("--record takes one corpus folder")
    start = time.perf_counter()
    pairs = []
    for path in a.paths:
        if (path / "meta.yaml").exists():
            pairs += pool.run_corpus(path.parent, jobs=a.jobs, only=[path.name], exact=True)
        else:
            pairs += pool.run_corpus(path, jobs=a.jobs)
    print(report.failures(pairs, details=not a.brief))
    print("\nnot applicable:\n" + report.not_applicable(pairs))
    left_out = "\n".join(filter(None, (report.skipped(p) for p in a.paths if not (p / "meta.yaml").exists())))
    if left_out:
        print("\nnot run (a module they require is missing):\n" + left_out)
    print(f"\n{time.perf_counter() - start:.0f} s\n" + report.table(pairs))
    if a.record:
        report.record_thresholds(pairs)
        print(f"thresholds written to {report.THRESHOLDS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
