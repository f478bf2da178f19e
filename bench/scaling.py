"""Scaling: warm analysis time, output lines and peak extra memory of explainerr against the size of the tensor
in the failing frame, the stack depth (a RecursionError included), the number of locals and the length of the
user's source file.

Each point runs in a fresh child (`python -m bench.scaling KIND:N ...`) that first explains one small error
(imports and the knowledge base loaded), then builds the point's exception and measures: the process RSS
before and its high-water mark after one explanation (VmRSS, then VmHWM reset with clear_refs: torch's own
allocations included), tracemalloc's peak over a second one (Python allocations), and the median time of
three more, each on a fresh exception."""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any, Callable

POINTS = {
    "size": (10**2, 10**4, 10**6, 10**8, 10**9),
    "depth": (10, 100, 1000),
    "recursion": (0,),
    "locals": (10, 1000, 10000),
    "source": (100, 2000),
}
QUICK = {"size": (10**2, 10**6), "depth": (10, 1000), "recursion": (0,), "locals": (10, 10000), "source": (2000,)}


def _size_error(n: int) -> Callable[[], Any]:
    import torch
    dtype = torch.uint8 if n >= 10**9 else torch.int64  # 1e9 int64 would be 8 GB
    big = torch.zeros(n, dtype=dtype)

    def fail() -> Any:
        mask = torch.ones(3)
        return big + mask  # a shape error: checked before anything is allocated
    return fail


def _depth_error(n: int) -> Callable[[], Any]:
    import torch
    sys.setrecursionlimit(max(sys.getrecursionlimit(), n + 500))

    def deep(k: int, hidden: Any) -> Any:
        if k <= 1:
            return hidden + torch.ones(3)
        return deep(k - 1, hidden)
    return lambda: deep(n, torch.zeros(2, 5))


def _recursion_error(_: int) -> Callable[[], Any]:
    import torch
    sys.setrecursionlimit(1000)  # Python's default, whatever an earlier point set

    def forever(hidden: Any) -> Any:
        return forever(hidden * 1)
    return lambda: forever(torch.zeros(4))


def _locals_error(n: int) -> Callable[[], Any]:
    import torch
    body = "".join(f"    v{i} = torch.zeros({i % 7 + 2}) if {i % 10 == 0} else {i}\n" for i in range(n))
    src = f"def many(torch):\n{body}    return v0 + torch.ones(3, 5)\n"
    ns: dict[str, Any] = {}
    exec(compile(src, f"<locals-{n}>", "exec"), ns)
    return lambda: ns["many"](torch)


def _source_error(n: int) -> Callable[[], Any]:
    """A mask error in a user file of about `n` lines (a long training script)."""
    import importlib.util
    import tempfile

    import torch
    path = Path(tempfile.gettempdir()) / "explainerr-bench-src" / f"train_{n}.py"  # same path in every child
    path.parent.mkdir(exist_ok=True)
    filler = "".join(f"SETTING_{i} = {{'lr': {i} * 1e-5, 'name': 'setting number {i}'}}\n" for i in range(n))
    path.write_text(f"import torch\n{filler}\n\n"
                    "def pool(hidden, mask):\n    return (hidden * mask.unsqueeze(-1)).sum(1)\n\n\n"
                    "def run():\n    hidden = torch.zeros(2, 5, 4)\n    mask = torch.ones(2, 7)\n"
                    "    return pool(hidden, mask)\n")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.run


MAKERS = {"size": _size_error, "depth": _depth_error, "recursion": _recursion_error, "locals": _locals_error,
          "source": _source_error}


def _catch(fail: Callable[[], Any]) -> BaseException:
    try:
        fail()
    except Exception as e:
        return e
    raise AssertionError("the point did not fail")


def measure(kind: str, n: int) -> dict[str, Any]:
    import time
    import tracemalloc

    from bench._util import proc_status, reset_hwm
    from explainerr import hook

    def explain(exc: BaseException) -> tuple[float, str]:
        buf = io.StringIO()
        t = time.perf_counter()
        hook.handle(exc, exc.__traceback__, lambda: None, stream=buf)
        return (time.perf_counter() - t) * 1000, buf.getvalue()

    explain(_catch(_depth_error(3)))  # warm: imports and knowledge loaded
    fail = MAKERS[kind](n)
    exc = _catch(fail)
    frames = 0
    tb = exc.__traceback__
    while tb is not None:
        frames, tb = frames + 1, tb.tb_next
    before = proc_status()["VmRSS"]
    hwm_ok = reset_hwm()
    _, text = explain(exc)
    rss_peak_kb = proc_status()["VmHWM"] - before if hwm_ok else None
    del exc
    exc = _catch(fail)
    tracemalloc.start()
    explain(exc)
    py_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del exc
    times = [explain(_catch(fail))[0] for _ in range(3)]
    return {"kind": kind, "n": n, "frames": frames, "ms": sorted(times)[1], "lines": text.count("\n"),
            "rss_peak_mb": None if rss_peak_kb is None else max(rss_peak_kb, 0) / 1024,
            "py_peak_mb": py_peak / 2**20}


def bench_scaling(quick: bool) -> dict[str, Any]:
    from ._util import run_json
    points = QUICK if quick else POINTS
    rows: list[dict[str, Any]] = []
    if quick:  # one child for every point (clear_refs still resets the high-water mark between them)
        rows = run_json(["-m", "bench.scaling", *(f"{k}:{n}" for k, ns in points.items() for n in ns)])
    else:
        for k, ns in points.items():
            for n in ns:
                rows += run_json(["-m", "bench.scaling", f"{k}:{n}"])
    by = {k: [r for r in rows if r["kind"] == k] for k in points}
    size, depth, loc = by["size"], by["depth"], by["locals"]
    peak = max(max(r["rss_peak_mb"] or 0, r["py_peak_mb"]) for r in rows)
    return {
        "points": rows,
        "size_time_ratio": size[-1]["ms"] / size[0]["ms"],
        "size_time_extra_ms": size[-1]["ms"] - size[0]["ms"],
        "size_max_ms": max(r["ms"] for r in size),
        "depth_time_ratio": depth[-1]["ms"] / depth[0]["ms"],
        "depth_frames_ratio": depth[-1]["frames"] / depth[0]["frames"],
        "depth_max_lines": max(r["lines"] for r in depth + by["recursion"]),
        "recursion_ms": by["recursion"][0]["ms"], "recursion_lines": by["recursion"][0]["lines"],
        "locals_time_ratio": loc[-1]["ms"] / loc[0]["ms"], "locals_max_ms": max(r["ms"] for r in loc),
        "source_max_ms": by["source"][-1]["ms"], "source_lines": by["source"][-1]["n"],
        "peak_extra_mb": peak,
        "worst": max(rows, key=lambda r: r["ms"]),
    }


if __name__ == "__main__":
    print(json.dumps([measure(k, int(n)) for k, n in (a.split(":") for a in sys.argv[1:])]))
