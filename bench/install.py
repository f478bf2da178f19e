"""Install cost: `import explainerr; explainerr.install()` timed inside a fresh interpreter, against nothing and
against `rich.traceback.install()`, bare and after the imports a real program has already done (threading,
torch); runs interleaved, medians; the ratio to rich is the median of each round's ratio.  Plus what dominates, from `-X importtime`."""
from __future__ import annotations

import subprocess

from ._util import PY, ROOT, env, median

EXPLAINERR = "import explainerr; explainerr.install()"
#: name -> (already imported by the program, the timed statement)
VARIANTS = {
    "nothing": ("", "pass"),
    "explainerr": ("", EXPLAINERR),
    "rich.traceback": ("", "import rich.traceback; rich.traceback.install()"),
    "explainerr after threading": ("import threading", EXPLAINERR),
    "explainerr after torch": ("import torch", EXPLAINERR),
}


def _once(pre: str, stmt: str) -> float:
    code = f"{pre}\nimport time\nt = time.perf_counter()\n{stmt}\nprint((time.perf_counter() - t) * 1000)"
    p = subprocess.run([PY, "-c", code], cwd=ROOT, env=env(), capture_output=True, text=True, check=True)
    return float(p.stdout)


def importtime_top(stmt: str = EXPLAINERR, n: int = 6) -> list[tuple[str, int]]:
    """Modules the statement imports beyond a bare interpreter, by self time (µs), largest first."""
    def table(code: str) -> dict[str, int]:
        p = subprocess.run([PY, "-X", "importtime", "-c", code], cwd=ROOT, env=env(), capture_output=True,
                           text=True, check=True)
        rows = {}
        for line in p.stderr.splitlines():
            parts = line.split("|")
            self_us = parts[0].split(":")[-1].strip()
            if len(parts) == 3 and parts[0].startswith("import time:") and self_us.isdigit():
                rows[parts[2].strip()] = int(self_us)
        return rows
    base, full = table("pass"), table(stmt)
    extra = {k: v for k, v in full.items() if k not in base}
    return sorted(extra.items(), key=lambda kv: -kv[1])[:n]


def bench_install(runs: int) -> dict[str, object]:
    samples: dict[str, list[float]] = {k: [] for k in VARIANTS}
    for _ in range(runs):
        for name, (pre, stmt) in VARIANTS.items():
            samples[name].append(_once(pre, stmt))
    med = {k: median(v) for k, v in samples.items()}
    # paired: each round's explainerr install against the same round's rich.traceback.install()
    ratios = [(e - n) / (r - n) for e, r, n in zip(samples["explainerr"], samples["rich.traceback"],
                                                   samples["nothing"]) if r - n > 0]
    return {"median_ms": med, "samples_ms": samples, "ratio_to_rich": median(ratios), "ratios": ratios,
            "importtime_top_us": importtime_top()}
