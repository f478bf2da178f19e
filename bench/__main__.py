"""`python -m bench [--corpus DIR] [--quick]`: explainerr's cost and accuracy, side by side in one run.

Prints a table (median of several runs, and ratios against the references measured in the same run) and
writes bench/results.json.  Figures, not tests: nothing here asserts a budget.
  install   import + install in a fresh interpreter: explainerr vs nothing vs rich.traceback.install()
  explain   time from the exception to the last byte written, cold (first in the process) and warm, for a
            mask-length error in a Module.forward: explainerr vs traceback.print_exception vs rich show_locals
  accuracy  the case corpus (DESIGN.md §5 format) through the CLI: pattern, mentions, working fixes, false alarms
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

INSTALL = {
    "nothing": "pass",
    "explainerr": "import explainerr; explainerr.install()",
    "rich.traceback": "import rich.traceback; rich.traceback.install()",
}

EXPLAIN_SNIPPET = r'''
import io, sys, time, traceback, json
import torch
class Pool(torch.nn.Module):
    def forward(self, hidden, attention_mask):
        return (hidden * attention_mask.unsqueeze(-1)).sum(1)
def fail():
    try:
        Pool()(torch.randn(4, 9, 8), torch.ones(4, 7))
    except RuntimeError as e:
        return e
tool = sys.argv[1]
times = []
for i in range(int(sys.argv[2])):
    exc = fail()
    buf = io.StringIO()
    t = time.perf_counter()
    if tool == "explainerr":
        from explainerr import hook
        hook.handle(exc, exc.__traceback__, lambda: None, stream=buf)
    elif tool == "traceback":
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=buf)
    else:
        from rich.console import Console
        from rich.traceback import Traceback
        Console(file=buf, width=100).print(Traceback.from_exception(type(exc), exc, exc.__traceback__, show_locals=True))
    times.append((time.perf_counter() - t) * 1000)
print(json.dumps(times))
'''


def _timed_import(code: str, runs: int) -> float:
    stmt = f"import time; t = time.perf_counter(); {code}; print((time.perf_counter() - t) * 1000)"
    vals = [float(subprocess.run([sys.executable, "-c", stmt], capture_output=True, text=True, check=True,
                                 cwd=ROOT).stdout) for _ in range(runs)]
    return statistics.median(vals)


def bench_install(runs: int) -> dict[str, float]:
    return {name: _timed_import(code, runs) for name, code in INSTALL.items()}


def bench_explain(runs: int, per_process: int = 5) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for tool in ("explainerr", "traceback", "rich show_locals"):
        cold, warm = [], []
        for _ in range(runs):
            p = subprocess.run([sys.executable, "-c", EXPLAIN_SNIPPET, tool.split()[0], str(per_process)],
                               capture_output=True, text=True, cwd=ROOT, env={"NO_COLOR": "1", "PATH": ""})
            if p.returncode != 0:
                raise RuntimeError(p.stderr[-2000:])
            times = json.loads(p.stdout.strip().splitlines()[-1])
            cold.append(times[0])
            warm.extend(times[1:])
        out[tool] = {"cold_ms": statistics.median(cold), "warm_ms": statistics.median(warm)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "tests" / "corpus")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="few iterations, no corpus (a smoke run)")
    a = ap.parse_args()
    runs = 2 if a.quick else a.runs
    results: dict[str, object] = {}
    inst = bench_install(runs)
    results["install_ms"] = inst
    print(f"{'install (import + install), median ms':48} "
          + "  ".join(f"{k} {v:.1f}" for k, v in inst.items())
          + f"   explainerr - nothing = {inst['explainerr'] - inst['nothing']:.1f} ms (budget 3)")
    exp = bench_explain(runs)
    results["explain_ms"] = exp
    base = exp["traceback"]
    for tool, v in exp.items():
        print(f"{'time to explanation ' + tool:48} cold {v['cold_ms']:7.1f} ms  warm {v['warm_ms']:7.1f} ms  "
              f"(x{v['warm_ms'] / max(base['warm_ms'], 1e-6):.0f} of traceback warm)")
    print(f"{'budgets':48} explainerr cold <= 150 ms, warm <= 20 ms")
    if not a.quick:
        sys.path.insert(0, str(ROOT))
        from bench.corpus import run_corpus, summary
        s = summary(run_corpus(a.corpus, python=sys.executable))
        results["accuracy"] = s
        print(f"{'accuracy on ' + a.corpus.name:48} pattern {s['pattern_ok']}/{s['cases']}  mentions "
              f"{s['mentions_ok']}/{s['positives']}  fixes {s['fixes_ok']}/{s['positives']}  false alarms "
              f"{s['false_alarms']}/{s['negatives']}  median analysis {s['median_analysis_ms']} ms")
    out = ROOT / "bench" / "results.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"figures written to {out}")


if __name__ == "__main__":
    main()
