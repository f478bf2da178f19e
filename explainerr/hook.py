"""The guarded exception hooks: sys.excepthook and threading.excepthook, chained and restorable.

`handle()` is the single guarded path every entry point uses.  Whatever happens inside explainerr, the user
gets either its explanation or Python's own traceback (through the hook that was there before) plus one line
saying the analysis failed; `EXPLAINERR_DEBUG=1` raises explainerr's own error instead.  A timeout of the
analysis (EXPLAINERR_DEADLINE_MS) or a Ctrl-C during it gives the same fall-back with its own line; a closed or
broken stderr is written to quietly.  This module imports only the standard library at import time, so
`install()` stays cheap.
"""
from __future__ import annotations

import os
import sys
import threading

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time: install() must stay cheap
    import types
    from typing import IO, Any, Callable

FAILED_LINE = "explainerr: the analysis failed; the traceback above is Python's own (set EXPLAINERR_DEBUG=1 to see why)\n"
TIMEOUT_LINE = ("explainerr: the analysis took longer than {ms:.0f} ms and was stopped; the traceback above is "
                "Python's own (set EXPLAINERR_DEADLINE_MS to allow more)\n")
INTERRUPTED_LINE = "explainerr: the analysis was interrupted; the traceback above is Python's own\n"

_lock = threading.RLock()
_previous: dict[str, Any] = {}
_overrides: dict[str, Any] = {}


def debug_enabled() -> bool:
    return os.environ.get("EXPLAINERR_DEBUG", "") not in ("", "0", "false", "no")


def configure(**overrides: Any) -> None:
    """Set options (format, report_path, color, width) for every later explanation in this process."""
    _overrides.update({k: v for k, v in overrides.items() if v is not None})


def current_config() -> Any:
    from .model import Config
    return Config.from_env(**_overrides)


def write_report(report: Any, path: str, stream: IO[str] | None) -> None:
    """Write the JSON report atomically (a temporary file renamed over the target); an unwritable path costs
    one line on `stream`, nothing else, and leaves no temporary file behind."""
    import json
    import tempfile
    tmp = None
    try:
        target = os.path.abspath(path)
        fd, tmp = tempfile.mkstemp(prefix=".explainerr-", suffix=".json", dir=os.path.dirname(target) or ".")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(report.to_dict(), f, indent=2)
        os.replace(tmp, target)
        tmp = None
    except (OSError, ValueError) as e:
        why = (e.strerror if isinstance(e, OSError) else None) or str(e)
        _write_quietly(stream, f"explainerr: could not write the report to {path}: {why}\n")
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _write_quietly(stream: IO[str] | None, text: str) -> bool:
    """Write to a stream that may be closed or broken (`2>&-`, `| head -1`); False when it could not."""
    try:
        if stream is None:
            return False
        stream.write(text)
        stream.flush()
        return True
    except Exception:
        return False


def handle(exc: BaseException, tb: types.TracebackType | None, fallback: Callable[[], None],
           stream: IO[str] | None = None, header: str = "", show_traceback: bool = True,
           process_ending: bool = False,
           followup: Callable[[Any, IO[str] | None], Any] | None = None) -> Any:
    """Explain `exc` on `stream` (default stderr); on any internal failure, a timeout or a Ctrl-C during the
    analysis, call `fallback` (the native traceback) and print one line.  Never raises (except explainerr's
    own errors under EXPLAINERR_DEBUG=1).  Returns the Report, or None.

    `followup(report, stream)` (the command line's --diff/--verify/--apply) runs after the explanation is
    written and returns the report to save with --report; in the json format it runs first, silently
    (stream None), so that the one JSON document holds its outcome."""
    from . import safety
    if process_ending:
        from .progress import settle
        settle()  # open progress bars end their line first, and do not redraw after the explanation
    out = stream if stream is not None else sys.stderr
    if out is None or not safety.is_subclass(exc, Exception) or safety.type_name(exc) in (
            "ExceptionGroup", "BaseExceptionGroup"):
        fallback()  # no stderr at all (`2>&-`), or not an error explainerr explains: Python's own behaviour
        return None
    try:
        import io

        from .analysis import analyze
        from .render import choose_format, is_terminal, render
        config = current_config()
        report = analyze(exc, tb)
        buf = io.StringIO()
        fmt = choose_format(config, out)
        # colour on a terminal, or where asked for (--color, FORCE_COLOR); never into a pipe by default
        color = config.color if config.color is not None else (fmt == "rich" and is_terminal(out))
        if followup is not None and fmt == "json":
            report, followup = followup(report, None), None
        from dataclasses import replace
        render(report, replace(config, format=fmt, color=color, traceback=show_traceback), buf)
        text = header + buf.getvalue()
        if fmt != "json":
            from .ranks import rank_prefix
            text = rank_prefix(text)  # `[rankN]: ` per line under torchrun, unless torch adds it
    except safety.AnalysisTimeout:
        line = TIMEOUT_LINE.format(ms=safety.deadline_ms() or 0)
    except KeyboardInterrupt:
        line = INTERRUPTED_LINE
    except BaseException:
        if debug_enabled():
            raise
        line = FAILED_LINE
    else:
        with _lock:
            # a closed or broken stream is the environment's doing, not explainerr's: nothing more to show
            _write_quietly(out, text)
        if followup is not None:
            report = followup(report, out)
        with _lock:
            if config.report_path:
                write_report(report, config.report_path, out)
        return report
    with _lock:
        fallback()
        _write_quietly(out, line)
    return None


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: types.TracebackType | None) -> None:
    prev = _previous.get("sys") or sys.__excepthook__
    handle(exc, tb, lambda: prev(exc_type, exc, tb), process_ending=True)


def _threading_hook(args: Any) -> None:
    prev = _previous.get("threading") or threading.__excepthook__
    if args.exc_type is SystemExit or args.exc_value is None:
        prev(args)
        return
    name = args.thread.name if args.thread is not None else threading.get_ident()
    handle(args.exc_value, args.exc_traceback, lambda: prev(args), header=f"Exception in thread {name}:\n")


def install() -> Callable[..., Any]:
    """Chain explainerr in front of sys.excepthook and threading.excepthook.  Idempotent; returns the
    previous sys.excepthook."""
    with _lock:
        if sys.excepthook is not _excepthook:
            _previous["sys"] = sys.excepthook
            sys.excepthook = _excepthook
        if threading.excepthook is not _threading_hook:
            _previous["threading"] = threading.excepthook
            threading.excepthook = _threading_hook
        return _previous["sys"]


def uninstall() -> None:
    """Put back exactly the hooks that were there before install()."""
    with _lock:
        if sys.excepthook is _excepthook and "sys" in _previous:
            sys.excepthook = _previous.pop("sys")
        if threading.excepthook is _threading_hook and "threading" in _previous:
            threading.excepthook = _previous.pop("threading")


def installed() -> bool:
    return sys.excepthook is _excepthook
