"""What a user feels of explainerr in a process that fails at once: the wall time of the whole process, from
start to exit, of a script that imports torch and fails on its first tensor operation (a mask one position
too short, output to a pipe), run as `python -m explainerr failing.py` against `python failing.py`, and as
`python -c "import explainerr; explainerr.install(); <the script>"` against `python -c "<the script>"`.

Runs are paired: each round runs both commands of a pair one right after the other (the order reversed every
other round), and a figure is the median of the rounds' differences in wall time (the CPU time the
children used is recorded beside it: on a busy machine it varies less).  Both commands of every run must fail
with the script's error, and explainerr's must carry its explanation."""
from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from ._util import PY, env, median

FAILING = """import torch

hidden = torch.zeros(2, 7, 4)
mask = torch.ones(2, 6)
pooled = (hidden * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True)
"""
ERROR = "RuntimeError: The size of tensor a (7) must match the size of tensor b (6)"
#: what only explainerr's output holds
EXPLAINED = "\nexplainerr"


def _commands(script: Path) -> dict[str, tuple[list[str], list[str]]]:
    """pair name -> (plain command, the same with explainerr)."""
    code = script.read_text()
    return {
        "cli": ([PY, str(script)], [PY, "-m", "explainerr", str(script)]),
        "install": ([PY, "-c", code], [PY, "-c", "import explainerr; explainerr.install()\n" + code]),
    }


def _cpu() -> float:
    """CPU seconds (user + system) of the children waited for so far."""
    import resource
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _run(cmd: list[str], cwd: Path, explained: bool) -> tuple[float, float]:
    """(wall, CPU) milliseconds from start to exit, stdout and stderr to pipes; the run must fail as the
    script does."""
    cpu, t = _cpu(), time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, env=env(), capture_output=True, text=True, stdin=subprocess.DEVNULL,
                       timeout=300)
    wall, cpu = time.perf_counter() - t, _cpu() - cpu
    if p.returncode != 1 or ERROR not in p.stderr or (EXPLAINED in p.stderr) != explained:
        raise RuntimeError(f"{' '.join(cmd)[:120]}: exit {p.returncode}, unexpected output:\n{p.stderr[-2000:]}")
    return wall * 1000, cpu * 1000


def bench_startup(rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        folder = Path(tmp)
        script = folder / "failing.py"
        script.write_text(FAILING)
        out: dict[str, Any] = {}
        commands = _commands(script)
        _run(commands["cli"][0], folder, False)  # one run unmeasured: the file cache warm for all
        for name, (plain, explained) in commands.items():
            wall: dict[str, list[float]] = {"plain": [], "explainerr": []}
            cpu: dict[str, list[float]] = {"plain": [], "explainerr": []}
            for r in range(rounds):
                order = [("plain", plain, False), ("explainerr", explained, True)]
                for label, cmd, exp in order if r % 2 == 0 else order[::-1]:
                    w, c = _run(cmd, folder, exp)
                    wall[label].append(w)
                    cpu[label].append(c)
            added = [e - p for p, e in zip(wall["plain"], wall["explainerr"])]
            added_cpu = [e - p for p, e in zip(cpu["plain"], cpu["explainerr"])]
            out[name] = {"plain_ms": median(wall["plain"]), "explainerr_ms": median(wall["explainerr"]),
                         "added_ms": median(added), "added_runs_ms": added, "runs_ms": wall,
                         "added_cpu_ms": median(added_cpu), "added_cpu_runs_ms": added_cpu}
        return out
