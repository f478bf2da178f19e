"""Steady-state cost: bench/workload.py run as `python script.py` and as `python -m explainerr script.py`,
interleaved (alternating which goes first), wall-clock medians; the spread of the plain runs is the noise.
The same runs report threads, trace and profile functions at exit under both."""
from __future__ import annotations

import json
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from ._util import PY, ROOT, env, median

SCRIPT = ROOT / "bench" / "workload.py"


def _run(args: list[str], probe: Path) -> tuple[float, dict[str, Any]]:
    t = time.perf_counter()
    subprocess.run([PY, *args], cwd=ROOT, env=env(BENCH_PROBE=str(probe)), check=True, capture_output=True,
                   stdin=subprocess.DEVNULL)
    return time.perf_counter() - t, json.loads(probe.read_text())


def bench_steady(pairs: int, scale: float = 1.0) -> dict[str, object]:
    cmds = {"plain": [str(SCRIPT), str(scale)], "explainerr": ["-m", "explainerr", str(SCRIPT), str(scale)]}
    times: dict[str, list[float]] = {k: [] for k in cmds}
    inside: dict[str, list[float]] = {k: [] for k in cmds}  # from `import torch` to the end of the script
    probes: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(pairs):
            for name in (list(cmds) if i % 2 == 0 else list(cmds)[::-1]):
                dt, probes[name] = _run(cmds[name], Path(tmp) / f"{name}.json")
                times[name].append(dt)
                inside[name].append(float(probes[name]["script_s"]))
    plain, expl = median(times["plain"]), median(times["explainerr"])
    in_plain, in_expl = median(inside["plain"]), median(inside["explainerr"])
    assert plain is not None and expl is not None and in_plain is not None and in_expl is not None
    spread = (max(times["plain"]) - min(times["plain"])) / plain * 100
    p, e = probes["plain"], probes["explainerr"]
    hooks = {k: e[k] for k in ("sys_trace", "sys_profile", "threading_trace", "threading_profile")}
    return {"plain_s": plain, "explainerr_s": expl, "overhead_pct": (expl - plain) / plain * 100,
            "noise_pct": spread, "samples_s": times, "script_overhead_pct": (in_expl - in_plain) / in_plain * 100,
            "script_samples_s": inside,
            "extra_threads": int(e["threads"]) - int(p["threads"]),
            "threads": {"plain": p["thread_names"], "explainerr": e["thread_names"]},
            "trace_hooks_set": sum(v != "None" for v in hooks.values()), "trace_hooks": hooks,
            "hook_installed": e["excepthook"] == "explainerr.hook", "same_result": p["loss"] == e["loss"]}
