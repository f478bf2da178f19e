"""Worst cases: the inputs that once made the hook run for minutes, under `python -m explainerr` against
plain `python`.

Inputs (generated here): a 50,000-line file, a 2,000-line file of dense nested calls (1.3 MB), a function
with 100,000 locals, a 60 kB message with a padded `File` line in a torch.compile "from user code:" section, a
1 MB message (plain and rich output), and a knowledge pack whose regex backtracks for minutes in Python's `re`
(`(?:\\w{1,20} ?){0,20}out of range`) on a 10 kB `load_state_dict` message.  Each runs as `python
script.py` and as `python -m explainerr script.py` (three times each, interleaved; once with --quick, which
also leaves out the three large files); the figures are the medians of what explainerr adds: CPU time (user +
system, from the child's own rusage), wall time and peak RSS.  Budget per input: the added CPU time
within the analysis deadline + 10 %, the traceback shown (the exception's last line), at most +50 MB.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from ._util import PY, env, median

DEADLINE_MS = 2000.0
BUDGET_MS = DEADLINE_MS * 1.1
BUDGET_MB = 50.0

TAIL = "table = torch.nn.Embedding(10, 4)\nids = torch.tensor([[1, 2, 10]])\ntable(ids)\n"
PACK = """patterns:
  - id: team-range-words
    exception: [RuntimeError]
    message: '(?:\\w{1,20} ?){0,20}out of range'
    title: Something is out of range
    summary: "A value is out of range"
    explain: Our data loader sometimes produces out-of-range values.
    fix: {description: Check the data, code: "pass"}
    samples: [{message: "index 7 is out of range", torch: "2.13.0"}]
"""


def _inputs(d: Path, quick: bool) -> list[tuple[str, str, dict[str, str], list[str]]]:
    """(name, script file, extra environment, extra explainerr options) of each input, written into `d`."""
    out: list[tuple[str, str, dict[str, str], list[str]]] = []

    def write(name: str, text: str) -> str:
        (d / name).write_text(text)
        return name

    if not quick:
        out.append(("50,000-line file", write("long_file.py", "import torch\n" + "".join(
            f"v{i} = {i}\n" for i in range(50_000)) + TAIL), {}, []))
        calls = " + ".join(f"f(f(0), f({j}))" for j in range(40))
        out.append(("2,000 lines of dense calls", write("dense_calls.py", "import torch\nf = lambda *a: 0\n" + "".join(
            f"x = {calls}\n" for _ in range(2_000)) + TAIL), {}, []))
        out.append(("100,000 locals", write("many_locals.py", "import torch\ndef big():\n" + "".join(
            f"    v{i} = {i}\n" for i in range(100_000)) + "".join(
            "    " + line + "\n" for line in TAIL.splitlines()) + "big()\n"), {}, []))
    out.append(("60 kB message", write("msg_60k.py", 'msg = "from user code:\\n" + \'  File "train.py", line 12, '
                                       'in step\' + " " * 60_000 + "|\\n"\nraise RuntimeError(msg)\n'), {}, []))
    big = write("msg_1mb.py", 'raise ValueError("start " + "x" * 1_000_000 + " end")\n')
    out.append(("1 MB message", big, {}, []))
    out.append(("1 MB message, rich", big, {}, ["--format", "rich", "--color"]))
    (d / "pack").mkdir(exist_ok=True)
    (d / "pack" / "team.yaml").write_text(PACK)
    out.append(("hanging pack, 10 kB message", write("state_dict_err.py", (
        "import torch\nm = torch.nn.Sequential(*[torch.nn.Linear(2, 2) for _ in range(60)])\n"
        "m.load_state_dict({f'{i}.weightmatrix_parameter_{i}': torch.ones(1) for i in range(200)})\n")),
        {"EXPLAINERR_KNOWLEDGE": str(d / "pack")}, []))
    return out


def _run(args: list[str], cwd: Path, extra: dict[str, str]) -> dict[str, Any]:
    """One child; its CPU time and peak RSS from its own rusage (os.wait4), its stderr."""
    with tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        p = subprocess.Popen([PY, *args], cwd=cwd, env=env(**extra), stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return {"cpu_ms": (usage.ru_utime + usage.ru_stime) * 1000, "wall_ms": wall * 1000,
            "rss_mb": usage.ru_maxrss / 1024, "rc": p.returncode, "stderr": text}


def _last_line(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    return lines[-1][-300:] if lines else ""


def bench_worst(quick: bool, runs: int = 3) -> dict[str, Any]:
    """Each input `runs` times both ways (interleaved); the medians of the differences."""
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="explainerr-worst-") as tmp:
        d = Path(tmp)
        for name, script, extra, opts in _inputs(d, quick):
            pairs = [(_run([script], d, extra), _run(["-m", "explainerr", *opts, script], d, extra))
                     for _ in range(1 if quick else runs)]
            plain, ours = pairs[-1]

            def extra_of(key: str) -> float:
                return float(median([b[key] - a[key] for a, b in pairs]) or 0.0)
            last = _last_line(plain["stderr"])
            rows.append({
                "input": name, "plain_cpu_ms": plain["cpu_ms"], "plain_rss_mb": plain["rss_mb"],
                "extra_cpu_ms": extra_of("cpu_ms"), "extra_wall_ms": extra_of("wall_ms"),
                "extra_rss_mb": extra_of("rss_mb"), "same_exit": all(a["rc"] == b["rc"] for a, b in pairs),
                "traceback_shown": bool(last) and all(last in b["stderr"] for _, b in pairs),
                "outcome": "stopped at the deadline" if "took longer than" in ours["stderr"] else
                           "explained" if "explainerr" in ours["stderr"] else "Python's traceback"})
    _print(rows)
    return {"rows": rows,
            "max_extra_cpu_ms": max(r["extra_cpu_ms"] for r in rows),
            "max_extra_rss_mb": max(r["extra_rss_mb"] for r in rows),
            "missing_tracebacks": sum(not (r["traceback_shown"] and r["same_exit"]) for r in rows)}


def _print(rows: list[dict[str, Any]]) -> None:
    print(f"\n{'worst case':30} {'+CPU ms':>9} {'+wall ms':>9} {'+RSS MB':>8}  {'traceback':9} outcome")
    for r in rows:
        ok = r["extra_cpu_ms"] <= BUDGET_MS and r["extra_rss_mb"] <= BUDGET_MB and r["traceback_shown"]
        print(f"{r['input']:30} {r['extra_cpu_ms']:9.0f} {r['extra_wall_ms']:9.0f} {r['extra_rss_mb']:8.1f}  "
              f"{'shown' if r['traceback_shown'] else 'MISSING':9} {r['outcome']}{'' if ok else '  (over budget)'}")
