"""`--verify`: proves a fix by running the same command again with the edits applied in temporary copies.

The patched re-run (rerun.py) starts at once, with the same interpreter options, argv, environment and working
folder as the failing run; the user's files are never written.  It watches the failing stack's anchors
(anchors.py) and stops as soon as it has got past the statement that failed, so a training is not run to the
end.  An anchor that runs once per process (module-level code) is passed at its first completion; for the
others the number of times the original run had entered them is learnt from a second re-run of the unchanged
command, started only when the patched run has not decided by about the time the original took to fail.

Outcomes: verified (the failing statement completed, or the script ran to the end), still fails (an uncaught
exception that did not get past it, explained the usual way, or a non-zero exit), or not verified within the
time limit.  Both children run in their own process group and are killed when the verdict is in.
"""
from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import IO, Any, Callable, Sequence

from .anchors import Anchor, anchors_for
from .model import Report
from .patching import Plan, relative

DEFAULT_SECONDS = 60.0


@dataclass(frozen=True)
class RunContext:
    """How the failing run was started, recorded before the user's code ran."""

    kind: str  # "script" or "module"
    target: str
    args: tuple[str, ...]
    cwd: str
    env: dict[str, str]
    path0: str
    interpreter: tuple[str, ...]
    started_ns: int  # time.time_ns(): files modified after it changed during the run
    started: float  # time.perf_counter()


@dataclass
class Verification:
    verified: bool | None
    status: str  # verified | still-fails | timeout | not-run
    summary: str  # one line for the user
    detail: str = ""  # the re-run's own error, explained
    seconds: float = 0.0
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "summary": self.summary, "seconds": round(self.seconds, 3), **self.data}


def interpreter_options(orig_argv: Sequence[str]) -> tuple[str, ...]:
    """The interpreter and its options from `python [opts] -m explainerr ...` (just the interpreter otherwise)."""
    argv = list(orig_argv)
    for i in range(1, len(argv) - 1):
        if argv[i] == "-m" and argv[i + 1] == "explainerr":
            return (sys.executable, *argv[1:i])
    return (sys.executable,)


#: (manifest path, command, run context, fds to pass, stdout file, stderr file) -> a started process in its own
#: process group, with Popen's pid, poll(), wait(timeout) and kill().
Launch = Callable[[str, list[str], RunContext, list[int], IO[bytes], IO[bytes]], Any]


def _spawn(manifest: str, cmd: list[str], ctx: RunContext, fds: list[int], out: IO[bytes], err: IO[bytes]) -> Any:
    """A fresh interpreter, as the failing run was started (the default launch)."""
    return subprocess.Popen(cmd, cwd=ctx.cwd, env=ctx.env, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                            pass_fds=fds, start_new_session=True)


class _Child:
    """One re-run: its process, the event pipe it writes, and (for the patched run) the threshold pipe."""

    def __init__(self, role: str, tmp: str, ctx: RunContext, anchors: list[Anchor], copies: dict[str, str],
                 render: dict[str, Any], with_thresholds: bool, launch: Launch | None = None) -> None:
        self.role = role
        self.events: list[dict[str, Any]] = []
        self.buffer = b""
        self.ended = False
        read_fd, write_fd = os.pipe()
        keep = [write_fd]
        self.threshold_w: int | None = None
        threshold_r = None
        if with_thresholds:
            threshold_r, self.threshold_w = os.pipe()
            keep.append(threshold_r)
        manifest = {
            "kind": ctx.kind, "target": ctx.target, "args": list(ctx.args), "path0": ctx.path0,
            "path": os.path.abspath(os.path.join(ctx.cwd, ctx.target)) if ctx.kind == "script" else None,
            "anchors": [a.to_dict() for a in anchors], "copies": copies, "event_fd": write_fd,
            "threshold_fd": threshold_r, "explain": role == "patched", "render": render,
        }
        path = os.path.join(tmp, f"{role}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(manifest, f)
        package_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        boot = (f"import sys; sys.path.insert(0, {package_parent!r}); import explainerr.rerun as r; "
                f"sys.path.remove({package_parent!r}); r.main({path!r})")
        self.out = open(os.path.join(tmp, f"{role}.out"), "wb")
        self.err_path = os.path.join(tmp, f"{role}.err")
        self.err = open(self.err_path, "wb")
        self.proc = (launch or _spawn)(path, [*ctx.interpreter, "-c", boot], ctx, keep, self.out, self.err)
        os.close(write_fd)
        if threshold_r is not None:
            os.close(threshold_r)
        self.fd = read_fd
        os.set_blocking(read_fd, False)

    def read(self) -> list[dict[str, Any]]:
        """New events; sets `ended` at end of file."""
        new = []
        try:
            chunk = os.read(self.fd, 65536)
        except BlockingIOError:
            return new
        if not chunk:
            self.ended = True
        self.buffer += chunk
        while b"\n" in self.buffer:
            line, self.buffer = self.buffer.split(b"\n", 1)
            try:
                new.append(json.loads(line))
            except ValueError:
                continue
        self.events.extend(new)
        return new

    def send_thresholds(self, thresholds: dict[int, int]) -> None:
        if self.threshold_w is None:
            return
        try:
            os.write(self.threshold_w, (json.dumps(thresholds) + "\n").encode())
        except OSError:
            pass

    def last_error_line(self) -> str:
        try:
            with open(self.err_path, encoding="utf-8", errors="replace") as f:
                lines = [ln.strip() for ln in f.read().splitlines() if ln.strip()]
            return lines[-1] if lines else ""
        except OSError:
            return ""

    def stop(self) -> int | None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                self.proc.kill()
        try:
            code = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            code = None
        for fd in (self.fd, self.threshold_w):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.out.close()
        self.err.close()
        return code


def _label(report: Report, base: str) -> str:
    loc = report.location
    return f"{relative(loc.file, base)}:{loc.line}" if loc is not None else "the failing line"


def _same_place(where: dict[str, Any] | None, file: str, lines: tuple[int, int], function: str) -> bool:
    return bool(where) and where["file"] == file and where["function"] == function \
        and lines[0] <= where["line"] <= lines[1]


def _past(event: dict[str, Any], thresholds: dict[int, int]) -> bool:
    done = event.get("done") or []
    return any(i < len(done) and done[i] >= k for i, k in thresholds.items())


def verify(report: Report, plan: Plan, ctx: RunContext, seconds: float = DEFAULT_SECONDS,
           render: dict[str, Any] | None = None, failed_at: float | None = None,
           clock: Any = time.perf_counter, launch: Launch | None = None) -> Verification:
    """Re-run `ctx`'s command with `plan` applied in temporary copies; see the module docstring.  `launch`
    starts each re-run (default: a fresh interpreter; a test may fork a warm one)."""
    start = clock()
    if not plan.ok:
        return Verification(None, "not-run", f"not verified: {plan.problem}")
    if int(ctx.env.get("WORLD_SIZE", "1") or 1) > 1:
        return Verification(None, "not-run", "not verified: a distributed run (WORLD_SIZE > 1) is not re-run")
    if not hasattr(os, "killpg"):
        return Verification(None, "not-run", "not verified: re-running needs a POSIX system")
    edits = [e for f in plan.files for e in f.edits]
    patched_anchors, original_anchors = anchors_for(report, edits), anchors_for(report)
    label = _label(report, ctx.cwd)
    loc = report.location
    failing = next((a for a in reversed(patched_anchors) if a.kind == "statement"), None)
    thresholds = {a.id: 1 for a in patched_anchors if a.once}
    needs_baseline = any(not a.once for a in patched_anchors)
    took = (failed_at - ctx.started) if failed_at is not None else 5.0
    baseline_at = start + min(max(took, 1.0), 10.0) if needs_baseline else None
    with tempfile.TemporaryDirectory(prefix="explainerr-verify-") as tmp:
        copies = {}
        for n, f in enumerate(plan.files):
            os.makedirs(os.path.join(tmp, str(n)))
            copy = os.path.join(tmp, str(n), os.path.basename(f.path))
            with open(copy, "wb") as fh:
                fh.write(f.new.encode(f.encoding))
            copies[f.path] = copy
        opts = dict(render or {})
        patched = _Child("patched", tmp, ctx, patched_anchors, copies, opts, with_thresholds=True, launch=launch)
        baseline: _Child | None = None
        baseline_verdict: str | None = None  # "reproduced" or why not
        pending: dict[str, Any] | None = None  # the patched run's error, waiting for the baseline's counts
        sel = selectors.DefaultSelector()
        sel.register(patched.fd, selectors.EVENT_READ, patched)
        result: Verification | None = None
        try:
            while result is None:
                now = clock()
                if now >= start + seconds:
                    result = _timed_out(pending, seconds, label, baseline_verdict, ctx)
                    break
                if baseline is None and baseline_at is not None and (now >= baseline_at or pending is not None):
                    baseline = _Child("baseline", tmp, ctx, original_anchors, {}, opts, with_thresholds=False,
                                      launch=launch)
                    sel.register(baseline.fd, selectors.EVENT_READ, baseline)
                wait = start + seconds - now
                if baseline is None and baseline_at is not None:
                    wait = min(wait, max(baseline_at - now, 0.0))
                for key, _ in sel.select(timeout=max(wait, 0.0)):
                    child: _Child = key.data
                    events = child.read()
                    if child.ended:
                        sel.unregister(child.fd)
                    for ev in events:
                        if child is baseline and ev["event"] != "start":
                            if ev["event"] == "error" and loc is not None and _same_place(
                                    ev.get("where"), loc.file, (loc.line, loc.line), loc.function):
                                baseline_verdict = "reproduced"
                                thresholds.update({a.id: ev["starts"][a.id] for a in patched_anchors
                                                   if ev["starts"][a.id] > 0})
                                patched.send_thresholds(thresholds)
                            else:
                                baseline_verdict = "did not fail the same way again"
                        elif child is patched and ev["event"] in ("passed", "exit", "error"):
                            pending = ev
                    if child is baseline and child.ended and baseline_verdict is None:
                        baseline_verdict = "stopped without an answer"
                    if child is patched and child.ended and pending is None:
                        result = _stopped(patched)
                if result is None and pending is not None:
                    result = _decide(pending, thresholds, baseline_verdict, needs_baseline, label, failing, ctx)
        finally:
            sel.close()
            patched.stop()
            if baseline is not None:
                baseline.stop()
    result.seconds = clock() - start
    result.data["baseline"] = "not needed" if not needs_baseline else "not started" if baseline is None else \
        baseline_verdict or "stopped"
    if failed_at is not None:
        result.data["since_failure_s"] = round(clock() - failed_at, 3)
    result.data.setdefault("line", label)
    return result


def _decide(ev: dict[str, Any], thresholds: dict[int, int], baseline_verdict: str | None, needs_baseline: bool,
            label: str, failing: Anchor | None, ctx: RunContext) -> Verification | None:
    """The verdict from the patched run's last event, or None while the baseline's counts are still needed."""
    if ev["event"] == "passed":
        return Verification(True, "verified", f"verified: the fixed script gets past {label}")
    if ev["event"] == "exit" and ev["code"] == 0:
        return Verification(True, "verified", f"verified: the fixed script gets past {label} and runs to the end")
    data: dict[str, Any] = {}
    if ev["event"] == "exit":
        outcome = same_outcome = f"exits with status {ev['code']}"
    else:
        where = ev.get("where")
        error = f"{ev['type']}: {ev['message']}".strip().rstrip(":")
        error = error if len(error) <= 300 else error[:297] + "..."
        at = f"{relative(where['file'], ctx.cwd)}:{where['line']}" if where else "an unknown place"
        outcome, same_outcome = f"fails at {at} with {error}", f"fails at the same line with {error}"
        if failing is None or not _same_place(where, failing.file, (failing.first, failing.last), failing.function):
            same_outcome = outcome
        data["error"] = {"type": ev["type"], "message": ev["message"], "where": where,
                         "diagnosis": (ev.get("report") or {}).get("diagnosis")}
    if _past(ev, thresholds):
        return Verification(True, "verified", f"verified: the fixed script gets past {label}; it then {outcome}",
                            ev.get("text") or "", data=data)
    if needs_baseline and baseline_verdict is None:
        return None  # had it got past the failure before that? the baseline's counts will tell
    return Verification(False, "still-fails", f"still fails: the fixed script {same_outcome}", ev.get("text") or "",
                        data=data)


def _stopped(child: _Child) -> Verification:
    """The patched run ended without saying how: it could not start, or it crashed (a signal, os._exit)."""
    try:
        code = child.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        code = None
    why = child.last_error_line()
    if not any(ev.get("event") == "start" for ev in child.events):
        return Verification(None, "not-run", "not verified: the re-run could not start" + (f" ({why})" if why else ""))
    if code == 0:  # os._exit(0) in the script: it ended on purpose, without an error
        return Verification(True, "verified", "verified: the fixed script runs to the end")
    status = f"signal {-code}" if code is not None and code < 0 else f"exit status {code}"
    return Verification(False, "still-fails", f"still fails: the fixed script stopped with {status}"
                        + (f" ({why})" if why else ""))


def _timed_out(pending: dict[str, Any] | None, seconds: float, label: str, baseline_verdict: str | None,
               ctx: RunContext) -> Verification:
    if pending is not None:  # it failed; whether it had got past the failure first is unknown
        v = _decide(pending, {}, "unknown", False, label, None, ctx)
        assert v is not None
        v.summary += f" (whether it got past {label} first could not be told in {seconds:g} s)"
        return v
    why = f"; the unchanged command {baseline_verdict}" if baseline_verdict not in (None, "reproduced") else ""
    return Verification(None, "timeout", f"not verified in {seconds:g} s: the fixed script had not got past "
                        f"{label} yet{why}")
