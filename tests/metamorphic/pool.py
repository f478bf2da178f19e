"""Runs a whole corpus through the metamorphic transforms in a few long-lived interpreters.

Each worker (`python -m tests.metamorphic.runner --worker`) imports torch and transformers once and takes
cases one at a time from a shared queue, so a slow case does not hold up the others' share.  A case that
kills its worker or runs past `case_timeout` gets an `error` row with the worker's last output, and a fresh
worker takes the next case.
"""
from __future__ import annotations

import collections
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Callable

import yaml

from .runner import ORIGINAL, Pair

ROOT = Path(__file__).resolve().parents[2]


def cases_in(folder: Path | str, only: list[str] | None = None, exact: bool = False) -> list[Path]:
    """The case folders of a corpus (meta.yaml and case.py inside), those named in `only` (or, unless
    `exact`, whose name starts with one of them) when given."""
    found = sorted(d for d in Path(folder).iterdir() if (d / "meta.yaml").exists() and (d / "case.py").exists())
    return [d for d in found if not only or any(d.name == o or not exact and d.name.startswith(o) for o in only)]


def missing_requirements(case: Path) -> list[str]:
    """The modules the case's meta.yaml `requires:` that cannot be imported here (its case is not run)."""
    meta = yaml.safe_load((case / "meta.yaml").read_text()) or {}
    return [m for m in meta.get("requires") or [] if importlib.util.find_spec(m) is None]


def _env() -> dict[str, str]:
    env = dict(os.environ, NO_COLOR="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", EXPLAINERR_DEBUG="1",
               OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"),  # several workers: one torch thread each
               EXPLAINERR_DEADLINE_MS="0", PYTHONPATH=os.pathsep.join(
                   p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p))
    env.pop("FORCE_COLOR", None)
    env.pop("EXPLAINERR_KNOWLEDGE", None)
    return env


class _Worker:
    def __init__(self) -> None:
        self.log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.metamorphic.runner", "--worker"], cwd=ROOT,
                                     env=_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                                     text=True, bufsize=1)

    def run(self, case: Path, timeout: float) -> tuple[list[Pair], bool]:
        """The case's rows, and whether the worker answered in full."""
        assert self.proc.stdin and self.proc.stdout
        timer = threading.Timer(timeout, self.proc.kill)
        timer.start()
        pairs: list[Pair] = []
        try:
            self.proc.stdin.write(f"{case}\n")
            self.proc.stdin.flush()
            for line in self.proc.stdout:
                if line.startswith("@@pair "):
                    pairs.append(Pair(**json.loads(line[len("@@pair "):])))
                elif line.startswith("@@done "):
                    return pairs, True
        except (BrokenPipeError, OSError):
            pass
        finally:
            timer.cancel()
        return pairs, False

    def last_output(self) -> str:
        self.log.seek(0)
        return self.log.read()[-3000:]

    def close(self) -> None:
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
        except OSError:
            self.proc.kill()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def run_corpus(folder: Path | str, jobs: int = 2, only: list[str] | None = None, exact: bool = False,
               case_timeout: float = 900, progress: Callable[[str, list[Pair]], None] | None = None) -> list[Pair]:
    """Every (case, transform) row of a corpus (the cases `only` names, see cases_in; those whose required
    modules are missing are left out), in folder order; `progress(case, rows)` after each case."""
    cases = [c for c in cases_in(folder, only, exact) if not missing_requirements(c)]
    queue = collections.deque(cases)
    lock = threading.Lock()
    found: dict[str, list[Pair]] = {}

    def serve() -> None:
        worker: _Worker | None = None
        while True:
            with lock:
                if not queue:
                    break
                case = queue.popleft()
            worker = worker or _Worker()
            pairs, complete = worker.run(case, case_timeout)
            if not complete:
                why = f"the worker died or ran past {case_timeout:.0f} s on this case:\n{worker.last_output()}"
                pairs.append(Pair(case=case.name, transform=ORIGINAL, status="error", reason=why))
                worker.close()
                worker = None
            with lock:
                found[case.name] = pairs
                if progress:
                    progress(case.name, pairs)
        if worker:
            worker.close()

    threads = [threading.Thread(target=serve, daemon=True) for _ in range(max(1, min(jobs, len(cases))))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [p for c in cases for p in found.get(c.name, [])]
