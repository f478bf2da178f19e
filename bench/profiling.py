"""Profiles of the slowest paths, and before/after figures for proposed fixes demonstrated by monkeypatching.

`python -m bench.profiling TARGET [--profile] [--patch NAME ...]` (a child process) explains one error and prints
its time, with cProfile's top functions when asked.  TARGET is `case:PATH` (cold: the first explanation in the
process), `case-rich:PATH` (cold, the rich format a terminal gets) or `point:KIND:N` (a bench.scaling point,
warm).  The parent runs the cold path and the worst scaling point with the profiler, then each with and without
the patches below, interleaved, and reports medians."""
from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path
from typing import Any, Callable

from ._util import median, run_json


def _patch_scan_one_thread() -> None:
    """tensors._read_tensor scans integer CPU tensors of up to VALUE_SCAN_LIMIT (1 << 20) elements with
    torch.aminmax on torch's intra-op thread pool: waking it costs ~8 ms for 1e6 elements on a busy 2-core
    machine, against 0.25 ms on one thread.  Run the scan with one thread, then restore the user's count."""
    import torch
    aminmax = torch.aminmax

    def one_thread_aminmax(*args: Any, **kwargs: Any) -> Any:
        n = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return aminmax(*args, **kwargs)
        finally:
            torch.set_num_threads(n)
    torch.aminmax = one_thread_aminmax


# Fixes not (yet) in the package; those measured earlier (segment cache, scope walks along the line's path,
# block-only re-parse, one shared AST, entry points scanned once, libyaml, folded repeats) have landed.
PATCHES: dict[str, Callable[[], None]] = {"scan-one-thread": _patch_scan_one_thread}


def _failing(target: str) -> Callable[[], tuple[BaseException, Any]]:
    """A function giving a fresh (exception, traceback) of the target on each call."""
    kind, _, arg = target.partition(":")
    if kind.startswith("case"):
        import contextlib
        import os
        import runpy

        from bench._util import trim_traceback
        case = os.path.abspath(arg)
        os.chdir(os.path.dirname(case))
        sys.path[0], sys.argv = os.path.dirname(case), [case]

        def run_case() -> tuple[BaseException, Any]:
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    runpy.run_path(case, run_name="__main__")
            except Exception as e:
                return e, trim_traceback(e.__traceback__, case)
            raise SystemExit(f"{case} did not fail")
        return run_case
    from bench.scaling import MAKERS, _catch
    point, n = arg.split(":")
    fail = MAKERS[point](int(n))

    def run_point() -> tuple[BaseException, Any]:
        e = _catch(fail)
        return e, e.__traceback__
    return run_point


def child(target: str, profile: bool, patches: list[str]) -> dict[str, Any]:
    """Cold targets (case:...) time the first explanation of the process; point targets are warmed by one
    explanation of the same point, then timed as the median of three (or profiled once)."""
    from explainerr import hook
    applied = []
    for name in patches:
        try:
            PATCHES[name]()
            applied.append(name)
        except Exception:  # the package changed under the patch: report it as not applied
            pass
    if target.startswith("case-rich"):
        hook.configure(format="rich", color=True, width=100)
    failing = _failing(target)
    fell_back: list[bool] = []

    prof = None
    if profile:
        import cProfile
        prof = cProfile.Profile()

    def explain() -> tuple[float, str]:
        exc, tb = failing()
        buf = io.StringIO()
        if prof is not None:
            prof.enable()
        t = time.perf_counter()
        hook.handle(exc, tb, lambda: fell_back.append(True), stream=buf)
        ms = (time.perf_counter() - t) * 1000
        if prof is not None:
            prof.disable()
        return ms, buf.getvalue()
    cold = target.startswith("case")
    if not cold:
        prof, warm_prof = None, prof
        explain()
        prof = warm_prof
    times = [explain() for _ in range(1 if cold or profile else 3)]
    ms, text = sorted(times)[len(times) // 2]
    import hashlib
    out: dict[str, Any] = {"target": target, "ms": ms, "patches": applied, "lines": text.count("\n"),
                           "fell_back": bool(fell_back), "output_sha": hashlib.sha1(text.encode()).hexdigest()}
    if prof is not None:
        import pstats
        st = pstats.Stats(prof, stream=io.StringIO())
        out["total_calls"] = st.total_calls  # type: ignore[attr-defined]
        rows = []
        for (file, line, fn), (_, ncalls, tottime, cumtime, _) in st.stats.items():  # type: ignore[attr-defined]
            rows.append({"func": f"{Path(file).name}:{line}({fn})", "calls": ncalls,
                         "tottime_ms": tottime * 1000, "cumtime_ms": cumtime * 1000})
        out["by_cumtime"] = sorted(rows, key=lambda r: -r["cumtime_ms"])[:18]
        out["by_tottime"] = sorted(rows, key=lambda r: -r["tottime_ms"])[:10]
    return out


def bench_profile(cold_case: Path, worst_point: str, runs: int, quick: bool = False) -> dict[str, Any]:
    """Profile each target once, then time it `runs` times with no patch, every patch, and each patch alone,
    interleaved; medians."""
    targets = {"cold (plain)": f"case:{cold_case}", "cold (rich format)": f"case-rich:{cold_case}",
               "worst scaling point": f"point:{worst_point}"}
    if quick:
        targets = {"cold (plain)": targets["cold (plain)"]}
    variants: dict[str, list[str]] = {"none": [], "all": list(PATCHES), **{p: [p] for p in PATCHES}}
    out: dict[str, Any] = {}
    for label, target in targets.items():
        prof = run_json(["-m", "bench.profiling", target, "--profile"])
        ms: dict[str, list[float]] = {v: [] for v in variants}
        last: dict[str, Any] = {}
        for _ in range(runs):
            for v, names in variants.items():
                r = run_json(["-m", "bench.profiling", target, "--patch", *names])
                if r["fell_back"]:
                    raise RuntimeError(f"{target}: the analysis failed under the patches {names}")
                ms[v].append(r["ms"])
                last[v] = r
        out[label] = {"target": target, "profile": prof, "before_ms": median(ms["none"]),
                      "after_ms": median(ms["all"]), "patches": last.get("all", {}).get("patches"),
                      "each_patch_ms": {v: median(x) for v, x in ms.items() if v not in ("none", "all")},
                      "lines_before": prof["lines"], "lines_after": last.get("all", {}).get("lines"),
                      "same_output": last["all"]["output_sha"] == last["none"]["output_sha"] if runs else None}
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("target")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--patch", nargs="*", default=[])
    a = ap.parse_args()
    print(json.dumps(child(a.target, a.profile, a.patch)))
