"""The guarded exception hooks: sys.excepthook and threading.excepthook, chained and restorable.

`handle()` is the single guarded path every entry point uses.  Whatever happens inside explainerr, the user
gets either its explanation or Python's own traceback plus one line saying the analysis failed;
`EXPLAINERR_DEBUG=1` raises explainerr's own error instead.  A timeout of the analysis (EXPLAINERR_DEADLINE_MS)
or a Ctrl-C during it gives the same fall-back with its own line; a stream that cannot encode the text gets
Python's traceback with backslash escapes; a closed or broken stderr is written to quietly.

An earlier hook that is not Python's own (a crash reporter, rich's or the script's own) is always called, and
explainerr adds its explanation after it without a second traceback.  Exception groups are printed by Python.  This module imports only the standard library at import time, so
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
ENCODING_LINE = ("explainerr: the output stream cannot encode the explanation; the traceback above is Python's "
                 "own, with backslash escapes\n")

_lock = threading.RLock()
_previous: dict[str, Any] = {}
_overrides: dict[str, Any] = {}
_explained = [0]


def explained_count() -> int:
    """How many exceptions `handle` has explained (or tried to) in this process."""
    return _explained[0]


def debug_enabled() -> bool:
    return os.environ.get("EXPLAINERR_DEBUG", "") not in ("", "0", "false", "no")


def configure(**overrides: Any) -> None:
    """Set options (format, report_path, color, width) for every later explanation in this process."""
    _overrides.update({k: v for k, v in overrides.items() if v is not None})


def current_config() -> Any:
    from .model import Config
    return Config.from_env(**_overrides)


def report_path() -> str | None:
    """`current_config().report_path`, read without building the configuration (the runner asks before the
    script starts)."""
    return _overrides.get("report_path") or os.environ.get("EXPLAINERR_REPORT") or None


def write_report(report: Any, path: str, stream: IO[str] | None) -> None:
    """Write the JSON report to `path`.  A regular file (or a symlink to one, which is followed) is replaced
    atomically (a temporary file renamed over the target, with the mode the target had, or the umask's);
    anything else (a device such as /dev/stdout, a pipe) is written to directly and never replaced; a
    directory is refused.  A failure costs one line on `stream`, nothing else, and no temporary file."""
    import json

    from .render import report_dict
    try:
        text = json.dumps(report_dict(report), indent=2) + "\n"
        _write_file(path, text)
    except (OSError, ValueError) as e:
        why = (e.strerror if isinstance(e, OSError) else None) or str(e)
        _write_quietly(stream, f"explainerr: could not write the report to {path}: {why}\n")


def _write_file(path: str, text: str) -> None:
    import stat
    special = _is_special(path)
    target = path if special else os.path.realpath(path)
    try:
        st: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(21, "Is a directory")
    if special or (st is not None and not stat.S_ISREG(st.st_mode)):
        # a device, a pipe, a terminal: written to as it is (a pipe without a reader is refused, not waited on)
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        os.set_blocking(fd, True)  # opened without waiting for a reader; written whole once one is there
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        return
    mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask()
    # a temporary file made with os alone (tempfile's imports would run code from strings: see _not_analysed)
    tmp = os.path.join(os.path.dirname(target), f".explainerr-{os.getpid()}-{os.urandom(6).hex()}.json")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            os.fchmod(f.fileno(), mode)
            f.write(text)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _umask() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    old = os.umask(0o22)  # no other way to read it; set back at once
    os.umask(old)
    return old


def _is_special(path: str) -> bool:
    """A path through /dev or /proc (/dev/stdout is a link to the process's own stdout, which may be a file
    of the user's): written to as it is, never replaced, never removed."""
    return any(p == "/dev" or p.startswith(("/dev/", "/proc/")) for p in (os.path.abspath(path),
                                                                       os.path.realpath(path)))


def clear_stale_report(path: str) -> None:
    """Remove the report a previous run left at `path` (a regular file only), so that after this run the
    file describes this run's failure or does not exist."""
    import stat
    if _is_special(path):
        return
    try:
        target = os.path.realpath(path)
        if stat.S_ISREG(os.stat(target).st_mode):
            os.unlink(target)
    except OSError:
        pass


def _write_minimal_report(facts: Any, exc: BaseException, path: str, why: str, stream: IO[str] | None) -> None:
    """The report of a run explainerr could not analyse: the exception as read, and why."""
    from .model import ExceptionFacts, Report
    from .safety import type_name
    top, chain = facts if facts is not None else (ExceptionFacts(type=type_name(exc), message=""), ())
    write_report(Report(exception=top, chain=chain, notes=(why.strip(),)), path, stream)


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


def _write_escaped(stream: IO[str], text: str) -> None:
    """Write text a stream's encoding cannot hold (a strict ASCII stderr, a surrogate from a file name), as
    Python's `errors="backslashreplace"` would: to the stream's bytes when it has them."""
    import codecs
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError):
        encoding = "ascii"
    data = text.encode(encoding, "backslashreplace")
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is not None:
            buffer.write(data)
            buffer.flush()
        else:
            stream.write(data.decode(encoding))
            stream.flush()
    except Exception:
        pass


def _emit(stream: IO[str], text: str, python_text: Any) -> None:
    """Write text; if the stream cannot encode it, write Python's own traceback (`python_text()`, escaped)
    and one line instead, so the output is never lost."""
    try:
        stream.write(text)
        stream.flush()
    except UnicodeError:
        _write_escaped(stream, python_text() + ENCODING_LINE)
    except Exception:
        pass  # a closed or broken stream is the environment's doing: nothing more can be shown


def handle(exc: BaseException, tb: types.TracebackType | None, fallback: Callable[[], None] | None = None,
           stream: IO[str] | None = None, header: str = "", show_traceback: bool = True,
           process_ending: bool = False,
           followup: Callable[[Any, IO[str] | None], Any] | None = None) -> Any:
    """`_handle` (below), one explanation at a time: threads that fail together are explained one after
    another, each whole (the analysis imports its modules on first use, and a module half-imported by one
    thread must not be read by another); the wait does not count against the analysis deadline."""
    with _lock:
        return _handle(exc, tb, fallback, stream, header, show_traceback, process_ending, followup)


def _handle(exc: BaseException, tb: types.TracebackType | None, fallback: Callable[[], None] | None,
            stream: IO[str] | None, header: str, show_traceback: bool, process_ending: bool,
            followup: Callable[[Any, IO[str] | None], Any] | None) -> Any:
    """Explain `exc` on `stream` (default stderr).  With `show_traceback`, explainerr's traceback comes
    first, and on any internal failure, a timeout or a Ctrl-C during the analysis the user gets Python's own
    traceback instead (`header` first; `fallback()` when given, else written from what was read of the
    exception) plus one line.  Without it (the host already showed a traceback) only the explanation, or
    the line.  `process_ending`: the exception ends the program (open progress bars are closed first).
    Never raises (except explainerr's own errors under EXPLAINERR_DEBUG=1).  Returns the Report, or None.

    `followup(report, stream)` (the command line's --diff/--verify/--apply) runs after the explanation is
    written and returns the report to save with --report; in the json format it runs first, silently
    (stream None), so that the one JSON document holds its outcome.  It is not part of the analysis budget."""
    from . import safety
    safety.pause_collection()  # the first explanation imports explainerr: no collection of torch's large heap
    try:
        from .exceptions import has_group, is_group
    finally:
        safety.resume_collection()
    if process_ending:
        from .progress import settle
        settle()  # open progress bars end their line first, and do not redraw after the explanation
    out = stream if stream is not None else sys.stderr
    facts = None

    def python_text() -> str:
        from .pyformat import format_python
        return header + format_python(*facts) if facts is not None and show_traceback else ""

    def native() -> None:
        nonlocal facts
        if not show_traceback:
            return
        if fallback is not None:
            fallback()
            return
        if facts is None:
            try:
                from .exceptions import read_exception
                facts = read_exception(exc, tb)
            except BaseException:
                _write_quietly(out, header)
                sys.__excepthook__(type(exc), exc, tb)
                return
        _emit(out, python_text(), python_text)

    def minimal_report(why: str) -> None:
        """No stale report: a run explainerr does not analyse still writes one that says so."""
        try:
            path = current_config().report_path
            if path:
                _write_minimal_report(facts, exc, path, why, out)
        except Exception:
            pass

    if out is None or not safety.is_subclass(exc, Exception):
        native()  # no stderr at all (`2>&-`), or not an error explainerr explains: Python's own behaviour
        minimal_report(f"explainerr: {safety.type_name(exc)} is not an error explainerr analyses.")
        return None
    if show_traceback and has_group(exc):  # Python draws exception groups as boxes: its own output, then ours
        native()
        if is_group(exc):
            minimal_report("explainerr: exception groups are shown by Python and not analysed.")
            return None
        show_traceback = False
    _explained[0] += 1
    token = safety.start_deadline(safety.deadline_ms())
    try:
        import io
        from dataclasses import replace

        from .analysis import analyze
        from .exceptions import read_exception
        from .render import choose_format, is_terminal, render
        facts = read_exception(exc, tb)  # the exception's __str__ is called here, and only here
        config = current_config()
        report = analyze(exc, tb, facts)
        buf = io.StringIO()
        fmt = choose_format(config, out)
        # colour on a terminal, or where asked for (--color, FORCE_COLOR); never into a pipe by default
        color = config.color if config.color is not None else (fmt == "rich" and is_terminal(out))
        if followup is not None and fmt == "json":
            safety.end_deadline(token)  # re-running the command (--verify) is not the analysis
            report, followup = followup(report, None), None
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
        safety.end_deadline(token)  # what follows (writing, --diff/--verify/--apply) is not the analysis
        with _lock:
            _emit(out, text, python_text)
        if followup is not None:
            report = followup(report, out)
        with _lock:
            if config.report_path:
                write_report(report, config.report_path, out)
        return report
    finally:
        safety.end_deadline(token)
    with _lock:
        native()
        line = line if show_traceback else line.replace("; the traceback above is Python's own", "")
        _emit(out, line, lambda: "")
        minimal_report(line)
    return None


def _not_analysed(exc_type: Any, tb: types.TracebackType | None) -> bool:
    """Ctrl-C and other BaseExceptions, and an exception with no frame at all (a script that did not
    compile): Python's own handling, untouched.  Nothing may even be imported then: code run from a string
    (a namedtuple, a dataclass) makes Python forget that it must end a Ctrl-C'd process by SIGINT."""
    try:
        return tb is None or not issubclass(exc_type, Exception)
    except TypeError:
        return True


def _plain_report(exc_type: Any, exc: BaseException) -> None:
    """The minimal report of an exception that is not analysed, written with the standard library only."""
    path = report_path()
    if not path:
        return
    import json
    name = str(type.__dict__["__name__"].__get__(type(exc)))
    message = BaseException.__str__(exc) if type(exc).__str__ is BaseException.__str__ else ""
    data = {"version": 1, "exception": {"type": name, "message": message, "chain": []}, "location": None,
            "diagnosis": None, "alternatives": [], "frames": [], "tensors": [],
            "notes": [f"explainerr: {name} is not an error explainerr analyses."], "timing": {"analysis_ms": 0}}
    try:
        _write_file(path, json.dumps(data, indent=2) + "\n")
    except (OSError, ValueError) as e:
        _write_quietly(sys.stderr, f"explainerr: could not write the report to {path}: {e}\n")


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: types.TracebackType | None) -> None:
    through_hooks(exc_type, exc, tb)


def through_hooks(exc_type: type[BaseException], exc: BaseException, tb: types.TracebackType | None,
                  followup: Callable[[Any, IO[str] | None], Any] | None = None) -> None:
    """What an uncaught exception gets: Python's own handling for what explainerr does not analyse; else the
    earlier hook first when it is not Python's own (a crash reporter is always called), then the explanation
    without a second traceback, or explainerr's traceback and explanation."""
    prev = _previous.get("sys") or sys.__excepthook__
    if _not_analysed(exc_type, tb):
        prev(exc_type, exc, tb)
        _plain_report(exc_type, exc)
        return
    if prev is sys.__excepthook__:
        handle(exc, tb, process_ending=True, followup=followup)
        return
    from .progress import settle
    settle()
    prev(exc_type, exc, tb)
    handle(exc, tb, show_traceback=False, followup=followup)


def _threading_hook(args: Any) -> None:
    prev = _previous.get("threading") or threading.__excepthook__
    if args.exc_type is SystemExit or args.exc_value is None:
        prev(args)
        return
    if prev is not threading.__excepthook__:
        prev(args)
        handle(args.exc_value, args.exc_traceback, show_traceback=False)
        return
    name = args.thread.name if args.thread is not None else threading.get_ident()
    handle(args.exc_value, args.exc_traceback, header=f"Exception in thread {name}:\n")


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
