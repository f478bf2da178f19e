"""Runs case-corpus scripts (docs/corpus.md: `case.py`, `fixed.py`, `meta.yaml` per folder) inside one
Python process: run the script, catch its uncaught exception, analyse it with explainerr's pipeline, apply
the report's edits to a copy and run that copy.  No interpreter is started per case, so torch and
transformers are imported once for a whole corpus.

The pieces, from the smallest:

    outcome = run_script(path)          # the script as `python path` runs it, but here: its exit status, its
                                        # uncaught exception (traceback trimmed to start in the script), output
    report = analyse(outcome)           # explainerr.analysis.analyze on it: the Report (`.to_dict()` is what
                                        # `--report` writes)
    result = run_case(case_dir)         # one case checked whole (a bench.corpus.CaseResult): pattern,
                                        # must_mention strings, edits applied to a copy that must then exit 0
    result = run_case(case_dir, script=text)   # the same checks on another script (e.g. a transformed
                                        # case.py) against the case's meta.yaml
    results = run_cases_batched(case_dirs, jobs=2)  # many cases in `jobs` interpreters, each taking the next
                                        # case when done; a crashed interpreter costs only its unfinished case

`python tests/corpus_runner.py [--no-fix] [--queue] CASE_DIR...` runs cases in this process and prints one JSON
object per case (what run_cases_batched reads; with `--queue` it also takes case folders from stdin, one per
line, until stdin closes); a case whose analysis raised gets exit_code None and the traceback in
`stderr`.

What a script run in-process changes is put back afterwards: the working directory (the script runs in its
own folder), `sys.argv`, `sys.path` and the modules imported from the script's folder.  Global state of the
libraries the script uses (torch's default dtype, random seeds, compiled-function caches) is not reset;
the corpus scripts leave none that matters.
"""
from __future__ import annotations

import contextlib
import dataclasses
import io
import itertools
import json
import os
import runpy
import shutil
import subprocess
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._util import trim_traceback  # noqa: E402
from bench.corpus import CaseResult, apply_edits, cases_in, read_meta, score_report  # noqa: E402

__all__ = ["ScriptOutcome", "run_script", "analyse", "run_case", "run_cases_batched", "cases_in", "CaseResult",
           "settle_heap"]


@dataclass
class ScriptOutcome:
    """One run of a script: `exit_code` as `python script.py` would give it (1 for an uncaught exception,
    SystemExit's code otherwise), the uncaught exception and its traceback trimmed to the script's own
    frames (None when it did not fail), and what it printed."""

    path: Path
    exit_code: int
    exc: BaseException | None = None
    tb: Any = None
    stdout: str = ""
    stderr: str = ""

    def error_line(self) -> str:
        """`Type: message` of the uncaught exception (its first line), or ''."""
        if self.exc is None:
            return ""
        text = f"{type(self.exc).__name__}: {self.exc}".splitlines()
        return text[0] if text else type(self.exc).__name__


def _exit_code(e: SystemExit) -> int:
    if e.code is None:
        return 0
    return e.code if isinstance(e.code, int) else 1


def run_script(path: Path | str, argv: Iterable[str] = (), cwd: Path | str | None = None) -> ScriptOutcome:
    """Run `path` as `__main__` in this process, from its own folder (or `cwd`), and catch what it raises.
    KeyboardInterrupt is passed on; the environment variables it sets are undone after it.  The caller should drop the outcome once analysed: its traceback keeps
    the script's frames, and their tensors, alive."""
    path = Path(path).resolve()
    saved_cwd, saved_argv, saved_path = os.getcwd(), sys.argv[:], sys.path[:]
    saved_modules, saved_env = set(sys.modules), dict(os.environ)
    out, err = io.StringIO(), io.StringIO()
    outcome = ScriptOutcome(path=path, exit_code=0)
    try:
        os.chdir(cwd or path.parent)
        sys.argv = [str(path), *argv]
        sys.path[0:1] = [str(path.parent)]
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            runpy.run_path(str(path), run_name="__main__")
    except SystemExit as e:
        outcome.exit_code = _exit_code(e)
    except Exception as e:  # the script's uncaught error
        outcome.exit_code, outcome.exc, outcome.tb = 1, e, trim_traceback(e.__traceback__, str(path))
    finally:
        os.chdir(saved_cwd)
        sys.argv, sys.path[:] = saved_argv, saved_path
        if dict(os.environ) != saved_env:  # a script's `os.environ.setdefault(...)` is its own run's, as in a process
            os.environ.clear()
            os.environ.update(saved_env)
        for name in set(sys.modules) - saved_modules:
            file = getattr(sys.modules[name], "__file__", None) or ""
            if file and Path(file).resolve().is_relative_to(path.parent):
                del sys.modules[name]
        outcome.stdout, outcome.stderr = out.getvalue(), err.getvalue()
    return outcome


def analyse(outcome: ScriptOutcome) -> Any:
    """explainerr's Report for the outcome's uncaught exception (the pipeline `python -m explainerr` runs),
    analysed from the script's folder as `python -m explainerr` is (paths in a fix's diff are relative to it)."""
    from explainerr.analysis import analyze
    if outcome.exc is None:
        raise ValueError(f"{outcome.path} did not fail (exit status {outcome.exit_code})")
    here = os.getcwd()
    os.chdir(Path(outcome.path).parent)
    try:
        return analyze(outcome.exc, outcome.tb)
    finally:
        os.chdir(here)


def run_case(case: Path | str, script: str | None = None, check_fix: bool = True,
             meta: dict[str, Any] | None = None) -> CaseResult:
    """Check one case in this process: its script (`script`, or the folder's case.py) must fail; the report
    is scored against meta.yaml (bench.corpus.score_report); with `check_fix`, the report's edits are applied
    to a fresh copy, which must then exit 0 (`fixed`; `fix_error` is its error line otherwise).  `stderr`
    holds the script's output and explainerr's plain-text explanation, for failure messages."""
    from explainerr.render import render_plain
    case = Path(case)
    meta = meta if meta is not None else read_meta(case)
    res = CaseResult(name=case.name, want=str(meta.get("pattern") or "none"))
    source = script if script is not None else (case / "case.py").read_text()
    with tempfile.TemporaryDirectory(prefix="explainerr-case-") as tmp:
        job = Path(tmp) / "job"
        job.mkdir()
        (job / "case.py").write_text(source)
        outcome = run_script(job / "case.py")
        res.exit_code, res.stderr = outcome.exit_code, outcome.stderr
        if outcome.exc is None:
            return res
        report = analyse(outcome)
        del outcome  # the script's frames and tensors
        res.stderr += render_plain(report)
        diag = score_report(res, meta, json.loads(json.dumps(report.to_dict())))
        if check_fix and diag:
            res.fixed = False
            if res.edits:
                fixdir = Path(tmp) / "fixed"
                fixdir.mkdir()
                (fixdir / "case.py").write_text(source)
                apply_edits(fixdir / "case.py", res.edits)
                fixed = run_script(fixdir / "case.py")
                res.fixed, res.fix_error = fixed.exit_code == 0, fixed.error_line()
    return res


def run_cases_batched(cases: Iterable[Path | str], jobs: int = 2, check_fix: bool = True,
                      timeout: float = 1800) -> list[CaseResult]:
    """run_case for every case, in `jobs` fresh interpreters (this file's command line) that take the next
    case as soon as they finish one (a queue, so a worker with slow training loops does not hold up the
    rest); results in the order given.  The cases that train inside a library's loop (seconds each, and
    seconds more to import Lightning or sentence-transformers) all go to the first interpreter, first, so
    those libraries are imported once; the others take the rest, and help with those only once the rest is
    done.  A case whose
    interpreter died or ran out of `timeout` gets a result with exit_code None and the interpreter's stderr."""
    import selectors
    import time
    cases = [Path(c).resolve() for c in cases]
    in_library = [_trains_in_a_library(c) for c in cases]
    library_loops = [c for c, lib in zip(cases, in_library) if lib]
    rest = [c for c, lib in zip(cases, in_library) if not lib]
    env = dict(os.environ, NO_COLOR="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"),  # `jobs` processes: one torch thread each
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    env.pop("FORCE_COLOR", None)
    args = [sys.executable, str(Path(__file__).resolve()), "--queue"] + ([] if check_fix else ["--no-fix"])
    found: dict[str, CaseResult] = {}
    sel = selectors.DefaultSelector()
    workers = []
    for _ in range(min(jobs, len(cases))):
        err = tempfile.TemporaryFile(mode="w+")
        proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.PIPE,
                                cwd=ROOT, bufsize=0)
        worker = {"proc": proc, "err": err, "case": None, "buf": b""}
        workers.append(worker)
        sel.register(proc.stdout, selectors.EVENT_READ, worker)

    def hand_out(worker: dict[str, Any]) -> None:
        queues = (library_loops, rest) if worker is workers[0] else (rest, library_loops)
        worker["case"] = next((q.pop(0) for q in queues if q), None)
        try:
            if worker["case"] is not None:
                worker["proc"].stdin.write(f"{worker['case']}\n".encode())
            else:
                worker["proc"].stdin.close()
        except (BrokenPipeError, OSError):
            worker["case"] = None

    for w in workers:
        hand_out(w)
    deadline = time.monotonic() + timeout
    while sel.get_map() and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=max(0.0, deadline - time.monotonic())):
            worker = key.data
            chunk = os.read(key.fileobj.fileno(), 1 << 16)  # raw reads: no line left unseen in a buffer
            if not chunk:  # the interpreter ended: its unfinished case gets its stderr
                sel.unregister(key.fileobj)
                continue
            *lines, worker["buf"] = (worker["buf"] + chunk).split(b"\n")
            for line in lines:
                if line.startswith(b"{"):
                    r = CaseResult(**json.loads(line))
                    found[r.name] = r
                    hand_out(worker)
    for w in workers:
        if w["proc"].poll() is None:
            w["proc"].kill()
        w["proc"].wait()
        w["err"].seek(0)
        stderr = w["err"].read()
        w["err"].close()
        for case in cases:
            if case.name not in found and (case == w["case"] or w["proc"].returncode not in (0, None)):
                found.setdefault(case.name, CaseResult(name=case.name, want="?", stderr=stderr[-5000:]))
    for case in cases:
        found.setdefault(case.name, CaseResult(name=case.name, want="?", stderr="not run: the interpreters ended"))
    return [found[c.name] for c in cases]


def _trains_in_a_library(case: Path) -> bool:
    """A case that trains inside a library's loop (Trainer, Lightning, Accelerate, sentence-transformers)."""
    try:
        meta = read_meta(case)
    except (OSError, ValueError):
        return False
    return bool(set(meta.get("requires") or []) & {"lightning", "accelerate", "sentence_transformers"}
                or meta.get("library") == "trainer")


def main(argv: list[str]) -> int:
    check_fix = "--no-fix" not in argv
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    stdout = sys.stdout
    named = [a for a in argv if a not in ("--no-fix", "--queue")]
    queue = (line.strip() for line in iter(sys.stdin.readline, "")) if "--queue" in argv else iter(())  # as sent
    for arg in (a for a in itertools.chain(named, queue) if a):  # lazily: the next case is sent after this one
        try:
            result = run_case(Path(arg), check_fix=check_fix)
        except Exception:  # explainerr's own error (EXPLAINERR_DEBUG=1): this case fails, the others still run
            result = CaseResult(name=Path(arg).name, want="?", stderr=traceback.format_exc())
        stdout.write(json.dumps(dataclasses.asdict(result)) + "\n")
        stdout.flush()
        settle_heap()
    return 0


def settle_heap() -> None:
    """Collect what the last case left, then freeze the survivors (the libraries' modules and caches) out of
    the collector's sight: a training loop that calls gc.collect() (the Trainer does, through accelerate, twice
    per run) then scans only the objects of its own script, not the whole interpreter (about 4x faster)."""
    import gc
    gc.collect()
    gc.freeze()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
