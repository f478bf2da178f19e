"""Helpers for the --verify tests: a failing run in this process (what `python -m explainerr` does before the
explanation), and a launcher that forks this warm process for each re-run instead of starting a fresh
interpreter, so that checking many corpus cases does not import torch and transformers once per re-run.

`split_between_two_processes` runs a per-case function over a list with half the list in a fork of this process,
for the two cores a whole-corpus check has.

The forked re-run executes the same code as the CLI's (explainerr.rerun.main with the same manifest, working
folder and environment); only the process start differs.  The CLI's own start is tested in test_fix_cli.py and
test_verify.py.
"""
from __future__ import annotations

import os
import runpy
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Callable

from corpus_runner import settle_heap
from explainerr.analysis import analyze
from explainerr.model import Report
from explainerr.verify import RunContext


def failing_run(folder: Path, target: str, kind: str = "script") -> tuple[Report, RunContext]:
    """Run `target` here, as `python -m explainerr [-m] target` would, and analyse its failure."""
    path0 = str(folder) if kind == "module" else str((folder / target).parent)
    ctx = RunContext(kind=kind, target=target, args=(), cwd=str(folder), env=dict(os.environ), path0=path0,
                     interpreter=(sys.executable,), started_ns=time.time_ns(), started=time.perf_counter())
    saved = (os.getcwd(), sys.argv[:], sys.path[:], set(sys.modules), sys.modules["__main__"])
    os.chdir(folder)
    sys.argv = [target]
    sys.path.insert(0, path0)
    try:
        if kind == "script":
            runpy.run_path(str(folder / target), run_name="__main__")
        else:
            runpy.run_module(target, run_name="__main__", alter_sys=True)
    except Exception as exc:
        tb = exc.__traceback__
        while tb is not None and not tb.tb_frame.f_code.co_filename.startswith(str(folder)):
            tb = tb.tb_next
        return analyze(exc, tb), ctx
    finally:
        os.chdir(saved[0])
        sys.argv[:], sys.path[:] = saved[1], saved[2]
        sys.modules["__main__"] = saved[4]
        for name in set(sys.modules) - saved[3]:  # the program's own modules, not what explainerr imported
            if str(getattr(sys.modules[name], "__file__", None) or "").startswith(str(folder)):
                del sys.modules[name]
    raise AssertionError(f"{target} did not fail")


class Forked:
    """A forked child with the part of Popen's interface verify.py uses."""

    def __init__(self, pid: int) -> None:
        self.pid, self.returncode = pid, None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.01)
        return self.returncode  # type: ignore[return-value]

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _child_setup(cwd: str, env: dict[str, str], out: Any, err: Any) -> None:
    os.setsid()
    import gc
    gc.freeze()  # the parent's objects are out of the collector's sight: a script's gc.collect() scans its own
    if "torch" in sys.modules:  # OpenMP's pool does not survive a fork: one thread, as DataLoader workers do
        sys.modules["torch"].set_num_threads(1)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.dup2(out.fileno(), 1)
    os.dup2(err.fileno(), 2)
    sys.stdout, sys.stderr = open(1, "w", closefd=False), open(2, "w", closefd=False)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)


def fork_launch(manifest: str, cmd: list[str], ctx: RunContext, fds: list[int], out: Any, err: Any) -> Forked:
    """verify.Launch: run explainerr.rerun.main(manifest) in a fork of this process."""
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            _child_setup(ctx.cwd, ctx.env, out, err)
            from explainerr import rerun
            rerun.main(manifest)
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(70)
    return Forked(pid)


def exit_status_forked(folder: Path, script: str, timeout: float = 120) -> int:
    """`python script` run in `folder`, in a fork of this process: its exit status (1 for an exception)."""
    import tempfile
    with tempfile.TemporaryFile() as out:
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                _child_setup(str(folder), dict(os.environ), out, out)
                sys.argv, sys.path[0] = [script], str(folder)
                runpy.run_path(str(folder / script), run_name="__main__")
                code = 0
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(code)
        child = Forked(pid)
        try:
            return child.wait(timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            return 124


def split_between_two_processes(fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
    """[fn(item) for item in items], the second half computed in a fork of this process (the results pickled
    back through a file).  An exception fn raises is its item's result, in either process; one raised in the
    fork comes back as a RuntimeError holding its traceback."""
    import pickle
    import tempfile

    def guarded(item: Any) -> Any:
        try:
            return fn(item)
        except Exception as exc:  # the item's result: the caller's test for that item raises it
            return exc

    cut = (len(items) + 1) // 2
    with tempfile.TemporaryFile() as out:
        pid = os.fork()
        if pid == 0:  # the child: computes items[cut:], never returns
            code = 70
            try:
                if "torch" in sys.modules:
                    sys.modules["torch"].set_num_threads(1)
                results = []
                for item in items[cut:]:
                    settle_heap()
                    r = guarded(item)
                    if isinstance(r, Exception):
                        r = RuntimeError("".join(traceback.format_exception(r)))
                    results.append(r)
                pickle.dump(results, out)
                out.flush()
                code = 0
            finally:
                os._exit(code)
        mine = []
        for item in items[:cut]:
            settle_heap()
            mine.append(guarded(item))
        status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        if status != 0:
            raise RuntimeError(f"the forked half of the cases exited with status {status}")
        out.seek(0)
        return mine + pickle.load(out)
