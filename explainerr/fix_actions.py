"""What `python -m explainerr` does with a fix after the explanation: `--diff`, `--verify[=SECONDS]`, `--apply`.

`remember_run` records how the run was started (argv, environment, working folder, time) before the user's
code runs; `pending` is asked at the failure and returns `followup` when one of the flags was given.
`followup(report, stream)` then, in this order:
  --diff[=PATH]  prints the fix as a unified diff on stdout (or writes it to PATH);
  --verify       re-runs the command with the edits in temporary copies (verify.py) and prints the verdict;
  --apply        writes the edits into the user's files (patching.py); with --verify, only a verified fix.
Each thing it cannot do is one line on `stream` (stderr); with `stream=None` (the json format) it prints
nothing there and the outcome is only in the report (`fix.diff`, `fix.verified`, `fix.verification`,
`fix.applied`).  It never raises: its own failure is one line (EXPLAINERR_DEBUG=1 raises it).
"""
from __future__ import annotations

import os
import sys
import time
from typing import IO, Any, Callable

TYPE_CHECKING = False
if TYPE_CHECKING:  # the runner imports this module before the script starts: nothing beyond the stdlib
    from .model import Report

_options: dict[str, Any] = {}
_context: list[Any] = []  # [RunContext] once remembered
_failed_at: list[float] = []
_failure: list[BaseException] = []


def configure(diff: str | None = None, apply: bool = False, verify: float | None = None) -> None:
    """The flags: `diff` is '-' for stdout or a path; `verify` the time limit in seconds."""
    _options.update(diff=diff, apply=bool(apply), verify=verify)


def requested() -> bool:
    return bool(_options.get("diff") or _options.get("apply") or _options.get("verify") is not None)


def remember_run(kind: str, target: str, args: list[str], path0: str) -> None:
    """Called by the runner just before the user's code starts (only when a flag asks for it)."""
    from .verify import RunContext, interpreter_options
    _context[:] = [RunContext(kind=kind, target=target, args=tuple(args), cwd=os.getcwd(), env=dict(os.environ),
                              path0=path0, interpreter=interpreter_options(getattr(sys, "orig_argv", [])),
                              started_ns=time.time_ns(), started=time.perf_counter())]


def pending(exc: BaseException | None = None) -> Callable[[Report, IO[str] | None], Report] | None:
    """At the failure: the follow-up to run after the explanation, or None when no flag asked for one.  `exc`
    is the failure: its frames are let go before a re-run, so that the memory they hold (GPU memory
    included) is free for it."""
    if not requested():
        return None
    _failed_at[:] = [time.perf_counter()]
    _failure[:] = [exc] if exc is not None else []
    return followup


def _release_failure() -> None:
    """Drop the failed run's frames (the report is plain data; nothing reads them any more)."""
    import gc
    import traceback
    if _failure:
        traceback.clear_frames(_failure.pop().__traceback__)
    gc.collect()
    torch = sys.modules.get("torch")
    try:
        if torch is not None and torch.cuda.is_initialized():
            torch.cuda.empty_cache()  # after a CUDA error this may raise: the re-run is a fresh process anyway
    except Exception:
        pass


def _say(stream: IO[str] | None, line: str) -> None:
    from .hook import _write_quietly
    _write_quietly(stream, "explainerr: " + line.rstrip("\n") + "\n")


def followup(report: Report, stream: IO[str] | None) -> Report:
    """Run the requested actions on the report's fix; returns the report with their outcomes."""
    from .hook import debug_enabled
    try:
        return _followup(report, stream)
    except KeyboardInterrupt:
        _say(stream, "interrupted; nothing was written")
    except Exception:
        if debug_enabled():
            raise
        _say(stream, "--diff/--verify/--apply failed (set EXPLAINERR_DEBUG=1 to see why); nothing was written")
    return report


def _followup(report: Report, stream: IO[str] | None) -> Report:
    from dataclasses import replace

    from .patching import Refused, apply, plan, report_diff
    d = report.diagnosis
    if d is None or d.fix is None:
        _say(stream, "no fix to diff, verify or apply: no known mistake matched this error")
        return report
    ctx = _context[0] if _context else None
    base = ctx.cwd if ctx is not None else None
    p = plan(d.fix, base)
    fix = replace(d.fix, diff=report_diff(p))
    if _options.get("diff"):
        _emit_diff(p, _options["diff"], stream)
    verified = None
    if _options.get("verify") is not None:
        if ctx is None:
            _say(stream, "not verified: only a run started by `python -m explainerr` can be re-run")
        else:
            v = _verify(report, p, ctx, float(_options["verify"]), stream)
            fix = replace(fix, verified=v.verified, verification=v.to_dict())
            verified = v.verified
    if _options.get("apply"):
        if _options.get("verify") is not None and verified is not True:
            why = "the fix was not verified" if p.ok else p.problem
            _say(stream, f"not applied: {why}; nothing was written")
            fix = replace(fix, applied={"files": [], "refused": f"not applied: {why}"})
        else:
            try:
                changed = apply(p, d.fix.sources, ctx.started_ns if ctx is not None else None)
            except Refused as r:
                _say(stream, f"not applied: {r}")
                fix = replace(fix, applied={"files": [], "refused": str(r)})
            else:
                for line in changed:
                    _say(stream, f"applied the fix to {line}")
                fix = replace(fix, applied={"files": [f.rel for f in p.files], "refused": None})
    return replace(report, diagnosis=replace(d, fix=fix))


def _emit_diff(p: Any, where: str, stream: IO[str] | None) -> None:
    """The diff as bytes (each file's part in its own encoding) on stdout, or written to the file `where`."""
    from .patching import unified_diff_bytes
    data = unified_diff_bytes(p) if p.ok else b""
    if not data:
        _say(stream, f"no diff: {p.problem or 'the fix changes nothing'}")
        return
    if where == "-":
        try:
            sys.stdout.flush()
            out = getattr(sys.stdout, "buffer", None)
            if out is not None:
                out.write(data)
                out.flush()
            else:
                sys.stdout.write(data.decode("utf-8", "replace"))
                sys.stdout.flush()
        except (OSError, ValueError):
            pass
        return
    try:
        with open(where, "wb") as f:
            f.write(data)
    except OSError as e:
        _say(stream, f"could not write the diff to {where}: {e.strerror}")
    else:
        _say(stream, f"wrote the fix to {where} (apply it with `git apply {where}` or `patch -p1 < {where}`)")


def _verify(report: Report, p: Any, ctx: Any, seconds: float, stream: IO[str] | None) -> Any:
    from .hook import _write_quietly, current_config
    from .render import choose_format
    from .verify import verify
    config = current_config()
    fmt = choose_format(config, stream) if stream is not None else "plain"
    fmt = "plain" if fmt == "json" else fmt
    color = config.color if config.color is not None else fmt == "rich"
    if stream is not None and p.ok:
        _say(stream, f"verifying: running the command again with the fix (at most {seconds:g} s)...")
    if p.ok:
        _release_failure()
    import shutil
    width = config.width or (shutil.get_terminal_size((100, 24)).columns if fmt == "rich" else None)
    v = verify(report, p, ctx, seconds, render={"format": fmt, "color": color, "width": width},
               failed_at=_failed_at[0] if _failed_at else None)
    _say(stream, f"{v.summary} ({v.seconds:.1f} s)" if v.status != "not-run" else v.summary)
    if v.detail and stream is not None:
        _write_quietly(stream, v.detail if v.detail.endswith("\n") else v.detail + "\n")
    return v
