"""`python -m bench [--corpus DIR] [--quick] [--runs N]`: explainerr's costs and accuracy against their budgets.

Runs each part below (one module each), prints one table (every figure, its budget, PASS/FAIL) and writes
bench/results.json (`figures`: value, unit, budget, pass per key; then every raw measurement).  A full run
exits 1 when a budget fails; `--quick` (the CI smoke run: few iterations, a handful of corpus cases, the
largest scaling points skipped) asserts nothing.
  install    import + install in a fresh interpreter, bare and after `import torch`     (bench/install.py)
  startup    a script that fails at once: the whole process with and without explainerr  (bench/startup.py)
  steady     a ~2 s tensor workload under `python -m explainerr` vs plain python      (bench/steady.py)
  explain    time to explanation, cold and warm, one case per pattern id + no match  (bench/explain_time.py)
  scaling    tensor size, stack depth, number of locals: time, output, peak memory    (bench/scaling.py)
  accuracy   the case corpus through the CLI                                          (bench/corpus.py)
  profile    cProfile of the slowest paths, before/after the proposed fixes          (bench/profiling.py)
  verify     --verify on every positive case: failure-to-verified time, agreement     (bench/verify_time.py)
  catalogue  the message catalogue: messages recognised by a pattern, proposed, left (bench/catalogue.py)
             (not part of --quick unless named in --only)
  metamorphic  the corpus under renamed names, main(), methods, sizes, split lines  (bench/metamorphic.py)
               (only when named in --only: a few minutes)
  worst      the inputs that once hung the hook: huge files, messages, a backtracking pack
             (bench/worst_case.py; not part of --quick unless named in --only)
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._util import PY, env, prime_cache  # noqa: E402

COLD_MS, WARM_MS = 150.0, 20.0
#: explainerr against rich.traceback (show_locals for an explanation), measured side by side in one run
COLD_RATIO, WARM_RATIO, INSTALL_RATIO = 0.1, 0.02, 0.05
#: what explainerr may add to a process that fails at once
STARTUP_ADDED_MS = 80.0
QUICK_ACCURACY = ["c01-mean-pool-fixed-max-len", "n15-view-after-transpose-heads"]

#: key -> (label, unit, budget text, check(value, results) -> bool); the keys are what tests/test_bench.py expects
Check = Callable[[Any, dict[str, Any]], bool]
FIGURES: dict[str, tuple[str, str, str, Check | None]] = {
    "install.explainerr_ms": ("install: import + install() - nothing", "ms", "<= 3", lambda v, r: v <= 3),
    "install.explainerr_after_threading_ms": ("install, threading already imported", "ms", "<= 3", lambda v, r: v <= 3),
    "install.explainerr_after_torch_ms": ("install, torch already imported", "ms", "<= 3", lambda v, r: v <= 3),
    "install.rich_traceback_ms": ("install: rich.traceback.install() (ref)", "ms", "", None),
    "install.ratio_to_rich": ("install: explainerr / rich.traceback.install()", "x", f"<= {INSTALL_RATIO}",
                              lambda v, r: v <= INSTALL_RATIO),
    "startup.cli_plain_ms": ("startup: python failing.py (ref)", "ms", "", None),
    "startup.cli_explainerr_ms": ("startup: python -m explainerr failing.py", "ms", "", None),
    "startup.cli_added_ms": ("startup: added by python -m explainerr", "ms", f"<= {STARTUP_ADDED_MS:.0f}",
                             lambda v, r: v <= STARTUP_ADDED_MS),
    "startup.install_plain_ms": ("startup: python -c CODE (ref)", "ms", "", None),
    "startup.install_explainerr_ms": ("startup: python -c 'explainerr.install(); CODE'", "ms", "", None),
    "startup.install_added_ms": ("startup: added by explainerr.install()", "ms", f"<= {STARTUP_ADDED_MS:.0f}",
                                 lambda v, r: v <= STARTUP_ADDED_MS),
    "startup.cli_added_cpu_ms": ("startup: CPU time added by python -m explainerr", "ms", "", None),
    "startup.install_added_cpu_ms": ("startup: CPU time added by install()", "ms", "", None),
    "steady.plain_s": ("steady: python script.py", "s", "", None),
    "steady.explainerr_s": ("steady: python -m explainerr script.py", "s", "", None),
    "steady.overhead_pct": ("steady: wall-time overhead", "%", "<= 2 or noise",
                            lambda v, r: v <= max(2.0, r["steady.noise_pct"])),
    "steady.noise_pct": ("steady: noise (spread of plain runs)", "%", "", None),
    "steady.script_overhead_pct": ("steady: in-script time overhead", "%", "", None),
    "steady.extra_threads": ("steady: extra threads at exit", "", "0", lambda v, r: v == 0),
    "steady.trace_hooks_set": ("steady: trace/profile hooks set", "", "0", lambda v, r: v == 0),
    "explain.explainerr.cold_ratio": ("explain cold, explainerr / rich show_locals", "x", f"<= {COLD_RATIO}",
                                      lambda v, r: v <= COLD_RATIO),
    "explain.explainerr.warm_ratio": ("explain warm, explainerr / rich show_locals", "x", f"<= {WARM_RATIO}",
                                      lambda v, r: v <= WARM_RATIO),
    "explain.no_match.cold_ratio": ("explain cold, no pattern matches / rich", "x", f"<= {COLD_RATIO}",
                                    lambda v, r: v <= COLD_RATIO),
    "explain.no_match.warm_ratio": ("explain warm, no pattern matches / rich", "x", f"<= {WARM_RATIO}",
                                    lambda v, r: v <= WARM_RATIO),
    "explain.explainerr-rich.cold_ratio": ("explain cold, rich format (tty) / rich", "x", "", None),
    "explain.explainerr-rich.warm_ratio": ("explain warm, rich format (tty) / rich", "x", f"<= {WARM_RATIO}",
                                           lambda v, r: v <= WARM_RATIO),
    "explain.explainerr.cold_ms": ("explain cold, explainerr (median of cases)", "ms", "", None),
    "explain.explainerr.warm_ms": ("explain warm, explainerr", "ms", "", None),
    "explain.explainerr.cold_max_ms": ("explain cold, explainerr, worst case", "ms", "", None),
    "explain.explainerr.warm_max_ms": ("explain warm, explainerr, worst case", "ms", "", None),
    "explain.explainerr-rich.cold_ms": ("explain cold, explainerr rich format (tty)", "ms", "", None),
    "explain.explainerr-rich.warm_ms": ("explain warm, explainerr rich format (tty)", "ms", "", None),
    "explain.no_match.cold_ms": ("explain cold, error no pattern matches", "ms", "", None),
    "explain.no_match.warm_ms": ("explain warm, error no pattern matches", "ms", "", None),
    "explain.traceback.cold_ms": ("explain cold, traceback (ref)", "ms", "", None),
    "explain.traceback.warm_ms": ("explain warm, traceback (ref)", "ms", "", None),
    "explain.rich-show-locals.cold_ms": ("explain cold, rich show_locals (ref)", "ms", "", None),
    "explain.rich-show-locals.warm_ms": ("explain warm, rich show_locals (ref)", "ms", "", None),
    "explain.better-exceptions.cold_ms": ("explain cold, better-exceptions (ref)", "ms", "", None),
    "explain.better-exceptions.warm_ms": ("explain warm, better-exceptions (ref)", "ms", "", None),
    "explain.stackprinter.cold_ms": ("explain cold, stackprinter (ref)", "ms", "", None),
    "explain.stackprinter.warm_ms": ("explain warm, stackprinter (ref)", "ms", "", None),
    "scaling.size_time_ratio": ("scaling: time, largest / smallest tensor", "x", "<= 2 or +5 ms",
                                lambda v, r: v <= 2 or r["scaling.size_time_extra_ms"] <= 5),
    "scaling.size_time_extra_ms": ("scaling: time, largest - smallest tensor", "ms", "", None),
    "scaling.depth_time_ratio": ("scaling: time, deepest / shallowest stack", "x", "<= frames ratio",
                                 lambda v, r: v <= r["scaling.depth_frames_ratio"]),
    "scaling.depth_frames_ratio": ("scaling: frames, deepest / shallowest stack", "x", "", None),
    "scaling.depth_max_lines": ("scaling: output lines, deepest stack", "lines", "<= 100", lambda v, r: v <= 100),
    "scaling.recursion_ms": ("scaling: RecursionError, warm", "ms", f"<= {COLD_MS:.0f}", lambda v, r: v <= COLD_MS),
    "scaling.locals_max_ms": ("scaling: 10,000 locals, warm", "ms", f"<= {WARM_MS:.0f}", lambda v, r: v <= WARM_MS),
    "scaling.source_max_ms": ("scaling: 2,000-line user file, warm", "ms", f"<= {WARM_MS:.0f}",
                              lambda v, r: v <= WARM_MS),
    "scaling.peak_extra_mb": ("scaling: peak extra memory (RSS or Python)", "MB", "<= 20", lambda v, r: v <= 20),
    "accuracy.cases": ("accuracy: cases", "", "", None),
    "accuracy.pattern_ok": ("accuracy: right pattern id", "", "", None),
    "accuracy.mentions_ok": ("accuracy: right id + every must_mention", "", "", None),
    "accuracy.fixes_ok": ("accuracy: edits that make the script pass", "", "", None),
    "accuracy.false_alarms": ("accuracy: false alarms (pattern: none)", "", "0", lambda v, r: v == 0),
    "accuracy.median_analysis_ms": ("accuracy: median analysis time (CLI)", "ms", "", None),
    "accuracy.high_precision": ("accuracy: high confidence right (right / given)", "", "≥ 0.95",
                                lambda v, r: v is None or v >= 0.95),
    "accuracy.medium_precision": ("accuracy: medium confidence right (right / given)", "", "", None),
    "accuracy.low_precision": ("accuracy: low confidence right (right / given)", "", "", None),
    "verify.cases_with_edits": ("verify: cases with edits", "", "", None),
    "verify.agree": ("verify: verdict = edits make the script run", "", "", None),
    "verify.disagreements": ("verify: verdicts that disagree with a real run", "", "0", lambda v, r: v == 0),
    "verify.median_failure_to_verified_s": ("verify: failure to verified fix (median)", "s", "", None),
    "profile.cold_ms": ("profile: cold explanation, now", "ms", "", None),
    "profile.cold_patched_ms": ("profile: cold, with the proposed fixes", "ms", "", None),
    "profile.cold_rich_ms": ("profile: cold rich format, now", "ms", "", None),
    "profile.cold_rich_patched_ms": ("profile: cold rich format, proposed fixes", "ms", "", None),
    "profile.worst_point_ms": ("profile: worst scaling point, now", "ms", "", None),
    "profile.worst_point_patched_ms": ("profile: worst scaling point, proposed fixes", "ms", "", None),
    "catalogue.messages": ("catalogue: messages in scope", "", "", None),
    "catalogue.recognised": ("catalogue: recognised by a pattern", "", "", None),
    "catalogue.proposed": ("catalogue: proposed regex, not yet recognised", "", "", None),
    "catalogue.left": ("catalogue: left without a pattern (reasons)", "", "", None),
    "catalogue.entries_with_problems": ("catalogue: entries with problems (drift)", "", "0", lambda v, r: v == 0),
    **{f"metamorphic.{t}_rate": (f"metamorphic: {t}, passed / applicable", "", "", None)
       for t in ("original", "rename", "main", "method", "sizes", "split")},
    "worst.max_extra_cpu_ms": ("worst case: largest added CPU time", "ms", "<= deadline + 10%",
                               lambda v, r: v <= 2200),
    "worst.max_extra_rss_mb": ("worst case: largest added peak RSS", "MB", "<= 50", lambda v, r: v <= 50),
    "worst.missing_tracebacks": ("worst case: inputs without their traceback", "", "0", lambda v, r: v == 0),
}

#: figure -> (explainerr's figure, the reference's) printed beside it
BESIDE: dict[str, tuple[str, str]] = {
    "install.ratio_to_rich": ("install.explainerr_ms", "install.rich_traceback_ms"),
    "startup.cli_added_ms": ("startup.cli_explainerr_ms", "startup.cli_plain_ms"),
    "startup.install_added_ms": ("startup.install_explainerr_ms", "startup.install_plain_ms"),
    **{f"explain.{tool}.{kind}_ratio": (f"explain.{tool}.{kind}_ms", f"explain.rich-show-locals.{kind}_ms")
       for tool in ("explainerr", "explainerr-rich", "no_match") for kind in ("cold", "warm")},
}


def _flatten(raw: dict[str, Any]) -> dict[str, Any]:
    """The FIGURES values out of the raw measurements (None where a part was not measured)."""
    v: dict[str, Any] = {k: None for k in FIGURES}
    ins = raw.get("install", {}).get("median_ms", {})
    if ins:
        v["install.explainerr_ms"] = ins["explainerr"] - ins["nothing"]
        v["install.explainerr_after_threading_ms"] = ins["explainerr after threading"] - ins["nothing"]
        v["install.explainerr_after_torch_ms"] = ins["explainerr after torch"] - ins["nothing"]
        v["install.rich_traceback_ms"] = ins["rich.traceback"] - ins["nothing"]
        v["install.ratio_to_rich"] = raw["install"].get("ratio_to_rich")
    for pair, s in raw.get("startup", {}).items():
        for k in ("plain_ms", "explainerr_ms", "added_ms", "added_cpu_ms"):
            v[f"startup.{pair}_{k}"] = s[k]
    for k, x in raw.get("steady", {}).items():
        if f"steady.{k}" in v:
            v[f"steady.{k}"] = x
    for tool, s in raw.get("explain", {}).get("summary", {}).items():
        for k, x in s.items():
            if f"explain.{tool}.{k}" in v:
                v[f"explain.{tool}.{k}"] = x
    nm = raw.get("explain", {}).get("no_match") or {}
    for k in ("cold_ms", "warm_ms", "cold_ratio", "warm_ratio"):
        v[f"explain.no_match.{k}"] = nm.get(k)
    for part in ("scaling", "accuracy", "catalogue", "verify", "worst"):
        for k, x in raw.get(part, {}).items():
            if f"{part}.{k}" in v:
                v[f"{part}.{k}"] = x
    for level, c in (raw.get("accuracy", {}).get("confidence") or {}).items():
        if c.get("given"):
            v[f"accuracy.{level}_precision"] = round(c["right"] / c["given"], 3)
    for t, r in raw.get("metamorphic", {}).get("rates", {}).items():
        if f"metamorphic.{t}_rate" in v:
            v[f"metamorphic.{t}_rate"] = r["rate"]
    prof = raw.get("profile", {})
    for label, key in (("cold (plain)", "cold"), ("cold (rich format)", "cold_rich"),
                       ("worst scaling point", "worst_point")):
        if label in prof:
            v[f"profile.{key}_ms"] = prof[label]["before_ms"]
            v[f"profile.{key}_patched_ms"] = prof[label]["after_ms"]
    return v


def figures(raw: dict[str, Any], assert_budgets: bool) -> dict[str, dict[str, Any]]:
    values = _flatten(raw)
    out = {}
    for key, (label, unit, budget, check) in FIGURES.items():
        value = values[key]
        ok = None
        if check is not None and value is not None and assert_budgets:
            try:
                ok = bool(check(value, values))
            except TypeError:  # a figure the check needs was not measured
                ok = None
        out[key] = {"label": label, "value": value, "unit": unit, "budget": budget, "pass": ok}
    return out


def _text(v: Any) -> str:
    return "n/a" if v is None else f"{v:.3g}" if isinstance(v, float) and abs(v) < 10 else \
        f"{v:.1f}" if isinstance(v, float) else str(v)


def print_table(figs: dict[str, dict[str, Any]], quick: bool) -> None:
    """One row per figure; a figure measured against a reference shows both beside it (medians, ms)."""
    print(f"\n{'figure':46} {'value':>12}  {'explainerr / reference':>24}  {'budget':16} status")
    print("-" * 112)
    for key, f in figs.items():
        status = "" if not f["budget"] else "not asserted" if quick else \
            "n/a" if f["pass"] is None else "PASS" if f["pass"] else "FAIL"
        mine, ref = BESIDE.get(key, (None, None))
        beside = f"{_text(figs[mine]['value'])} / {_text(figs[ref]['value'])} ms" if mine and ref else ""
        print(f"{f['label']:46} {_text(f['value']) + ' ' + f['unit']:>12}  {beside:>24}  {f['budget']:16} {status}")


def _step(name: str, fn: Callable[[], Any], raw: dict[str, Any]) -> None:
    t = time.perf_counter()
    print(f"[bench] {name} ...", flush=True)
    raw[name] = fn()
    print(f"[bench] {name} done in {time.perf_counter() - t:.1f} s", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "tests" / "corpus", help="a case-corpus folder")
    ap.add_argument("--runs", type=int, default=7, help="runs per figure where runs are repeated")
    ap.add_argument("--explain-rounds", type=int, default=1,
                    help="rounds of paired explainerr / rich runs per case in the explain part")
    ap.add_argument("--quick", action="store_true", help="smoke run: few iterations, no budgets asserted")
    ap.add_argument("--only", nargs="*",
                    help="run only these parts (install startup steady explain scaling accuracy verify profile "
                         "catalogue metamorphic worst)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    a = ap.parse_args()
    parts = set(a.only or ("install", "startup", "steady", "explain", "scaling", "accuracy", "verify", "profile",
                           *(() if a.quick else ("catalogue", "worst"))))
    corpus = a.corpus.resolve()
    # installed packages carry their bytecode: compile ours too, or cold figures would include compiling
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "explainerr"), str(ROOT / "bench")], env=env(),
                   check=False, capture_output=True)
    prime_cache()
    from bench import catalogue, explain_time, install, profiling, scaling, startup, steady, verify_time, worst_case
    from bench import corpus as corpus_mod
    raw: dict[str, Any] = {"quick": a.quick, "corpus": str(corpus), "python": sys.version.split()[0]}
    runs = 2 if a.quick else a.runs
    if "install" in parts:
        _step("install", lambda: install.bench_install(runs), raw)
    if "startup" in parts:
        _step("startup", lambda: startup.bench_startup(1 if a.quick else 2 * a.runs), raw)
    if "steady" in parts:
        _step("steady", lambda: steady.bench_steady(1 if a.quick else a.runs, 0.1 if a.quick else 1.0), raw)
    if "explain" in parts:
        tools = ("explainerr", "traceback", "rich-show-locals") if a.quick else explain_time.TOOLS
        _step("explain", lambda: explain_time.bench_explain(corpus, 1 if a.quick else None, tools,
                                                           no_match_repeats=1 if a.quick else 3,
                                                           rounds=a.explain_rounds), raw)
    if "scaling" in parts:
        _step("scaling", lambda: scaling.bench_scaling(a.quick), raw)
    if "accuracy" in parts:
        names = QUICK_ACCURACY if a.quick else None

        def accuracy() -> dict[str, Any]:
            results = corpus_mod.run_corpus(corpus, python=PY, names=names)
            if names and not results:  # another corpus: its first two cases
                first_two = [c.name for c in corpus_mod.cases_in(corpus)[:2]]
                results = corpus_mod.run_corpus(corpus, python=PY, names=first_two)
            s = corpus_mod.summary(results)
            s["misses"] = [f"{r.name}: want {r.want}, got {r.got}" for r in results if r.got != r.want]
            return s
        _step("accuracy", accuracy, raw)
    if "metamorphic" in parts:
        from bench import metamorphic
        _step("metamorphic", lambda: metamorphic.bench_metamorphic(corpus, quick=a.quick), raw)
    if "verify" in parts:
        def verify() -> dict[str, Any]:
            names = QUICK_ACCURACY[:1] if a.quick else None
            out = verify_time.bench_verify(corpus, python=PY, names=names)
            if names and not out["results"]:  # another corpus: its first positive case
                first = [c.name for c in corpus_mod.cases_in(corpus)][:3]
                out = verify_time.bench_verify(corpus, python=PY, names=first)
            return out
        _step("verify", verify, raw)
    if "profile" in parts:
        cases = raw.get("explain", {}).get("cases", {})
        slowest = max(cases.values(), key=lambda c: c.get("explainerr", {}).get("cold_ms", 0), default=None)
        cold_case = corpus / slowest["case"] / "case.py" if slowest else \
            explain_time.pick_cases(corpus, 1)[next(iter(explain_time.pick_cases(corpus, 1)))] / "case.py"
        worst = raw.get("scaling", {}).get("worst") or {"kind": "source", "n": 2000}
        _step("profile", lambda: profiling.bench_profile(cold_case, f"{worst['kind']}:{worst['n']}",
                                                        0 if a.quick else max(3, runs // 2), quick=a.quick), raw)
    if "catalogue" in parts:
        _step("catalogue", catalogue.bench_catalogue, raw)
    if "worst" in parts:
        _step("worst", lambda: worst_case.bench_worst(a.quick), raw)
    figs = figures(raw, assert_budgets=not a.quick)
    print_table(figs, a.quick)
    failed = [k for k, f in figs.items() if f["pass"] is False]
    a.out.write_text(json.dumps({"figures": figs, "failed": failed, **raw}, indent=2, default=str))
    print(f"\nfigures written to {a.out}")
    if failed:
        print("budgets failed: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
