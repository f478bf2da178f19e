"""`python -m explainerr [options] script.py [args]` / `-m module [args]`, and the helper commands.

The script runs exactly as under `python script.py`: same argv, `sys.path[0]`, `__name__ == "__main__"`,
`__file__`; exit status 1 on an uncaught exception, SystemExit codes passed through, Ctrl-C as Python does.
Options end at the script name, so the script's own flags reach it untouched.

    python -m explainerr check-knowledge [PATH ...]   check knowledge packs (exit 1 on any problem)
    python -m explainerr explain [LOG]                diagnose a traceback pasted in a file or on stdin

After the explanation, `--diff`, `--verify[=SECONDS]` and `--apply` act on the fix (fix_actions.py).
"""
from __future__ import annotations

import argparse
import os
import runpy
import sys
import types
from typing import Any, Sequence

_VALUE_OPTS = ("--format", "--report", "--width")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m explainerr",
        description="Run a Python script and explain the PyTorch error it dies with.",
        epilog="Commands: 'check-knowledge [PATH...]' checks knowledge packs; 'explain [LOG]' diagnoses a pasted "
               "traceback. Environment: EXPLAINERR_FORMAT, EXPLAINERR_REPORT, EXPLAINERR_KNOWLEDGE, "
               "EXPLAINERR_DEBUG, NO_COLOR, FORCE_COLOR.")
    p.add_argument("--format", choices=("auto", "rich", "plain", "json"), help="output format (default: rich on a "
                   "terminal, plain otherwise)")
    p.add_argument("--report", metavar="PATH", help="also write the JSON report to PATH")
    p.add_argument("--color", dest="color", action="store_const", const=True, help="force colour")
    p.add_argument("--no-color", dest="color", action="store_const", const=False, help="no colour")
    p.add_argument("--width", type=int, help="output width for the rich format")
    p.add_argument("--diff", nargs="?", const="-", metavar="PATH", help="print the fix as a unified diff "
                   "(git apply / patch -p1); --diff=PATH writes it to PATH")
    p.add_argument("--apply", action="store_true", help="write the fix into your files (with --verify: only a "
                   "verified fix)")
    p.add_argument("--verify", nargs="?", const=60.0, type=float, metavar="SECONDS", help="run the command again "
                   "with the fix in temporary copies and say whether it gets past the failing line "
                   "(--verify=SECONDS: time limit, default 60)")
    p.add_argument("target", nargs="?", metavar="script.py | -m module", help="what to run, then its arguments")
    return p


def split_argv(argv: Sequence[str]) -> tuple[list[str], str | None, str | None, list[str]]:
    """(explainerr options, 'script' | 'module' | None, target, target's argv)."""
    opts: list[str] = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "-m":
            if i + 1 >= len(argv):
                return opts + ["-m"], None, None, []
            return opts, "module", argv[i + 1], list(argv[i + 2:])
        if a in _VALUE_OPTS:
            opts += list(argv[i:i + 2])
            i += 2
            continue
        if a.startswith("-") and a != "-":
            opts.append(a)
            i += 1
            continue
        return opts, "script", a, list(argv[i + 1:])
    return opts, None, None, []


def _trim(tb: types.TracebackType | None, path: str | None) -> types.TracebackType | None:
    """Drop the runner's own frames so the traceback starts where `python script.py` would start it; None
    when no frame is the user's (the script did not compile, the module was not found)."""
    cur = tb
    while cur is not None:
        name = cur.tb_frame.f_code.co_filename
        if (path and name == path) or (path is None and name != __file__ and "runpy" not in name):
            return cur
        cur = cur.tb_next
    return None


def _run_file(path: str) -> None:
    """Run a script file as `python script.py` does: in a fresh `__main__` module, compiled under its
    absolute path, with `__file__` absolute and `sys.argv[0]` left as given."""
    import importlib.machinery
    import io
    with io.open_code(path) as f:
        source = f.read()
    code = compile(source, path, "exec", dont_inherit=True)
    main_module = types.ModuleType("__main__")
    main_module.__dict__.update(__file__=path, __cached__=None, __builtins__=__builtins__,
                                __loader__=importlib.machinery.SourceFileLoader("__main__", path))
    sys.modules["__main__"] = main_module
    exec(code, main_module.__dict__)


def _silence(exc: BaseException) -> None:
    """Let `exc` reach Python's top level without being printed a second time (a Ctrl-C must end the
    process the way Python ends it: after finalisation, by SIGINT)."""
    hook_then = sys.excepthook

    def silent(t: type[BaseException], value: BaseException, tb: types.TracebackType | None) -> None:
        if value is not exc:
            hook_then(t, value, tb)
    sys.excepthook = silent


def report_uncaught(exc: BaseException, tb: types.TracebackType | None, followup: Any = None) -> None:
    """Show an uncaught exception as Python would through the hook in place now: explainerr's own, or one
    the script installed (called first, then explainerr's explanation without a second traceback)."""
    from . import hook
    try:
        sys.stdout.flush()
    except Exception:
        pass
    current = sys.excepthook
    if tb is not None and isinstance(exc, Exception):
        from .progress import settle
        settle()  # open progress bars end their line before any hook writes
    if tb is None:  # nothing of the user's ran: Python's own message (a SyntaxError with its caret)
        prev = hook._previous.get("sys") or sys.__excepthook__
        (current if current is not hook._excepthook else prev)(type(exc), exc, None)
        return
    if current is hook._excepthook:
        hook.through_hooks(type(exc), exc, tb, followup)
        return
    explained = hook.explained_count()
    current(type(exc), exc, tb)
    if isinstance(exc, Exception) and hook.explained_count() == explained:
        hook.handle(exc, tb, show_traceback=False, followup=followup)


def run_target(kind: str, target: str, args: list[str]) -> int:
    from . import hook
    hook.install()
    path: str | None = None
    try:
        if kind == "script":
            path = os.path.abspath(target)
            if not os.path.exists(path):
                sys.stderr.write(f"{sys.executable}: can't open file {path!r}: [Errno 2] No such file or directory\n")
                return 2
            sys.argv = [target, *args]
            sys.path[0] = os.path.dirname(path)
            _remember(kind, target, args)
            if os.path.isfile(path):
                _run_file(path)
            else:  # a directory or a zip file with a __main__.py
                runpy.run_path(target, run_name="__main__")
        else:
            sys.argv = [target, *args]
            sys.path[0] = os.getcwd()
            _remember(kind, target, args)
            runpy.run_module(target, run_name="__main__", alter_sys=True)
    except SystemExit:
        raise
    except BaseException as exc:  # the user's uncaught exception: shown as Python would, explained, exit 1
        tb = _trim(exc.__traceback__, path)
        # the traceback Python would have given it: hooks (the script's own too) see no runner frame
        BaseException.__dict__["__traceback__"].__set__(exc, tb)
        followup = None
        if isinstance(exc, Exception):
            from .fix_actions import pending
            followup = pending(exc)
        report_uncaught(exc, tb, followup)
        if type(exc) is KeyboardInterrupt:
            _silence(exc)
            raise
        return 1
    return 0


def _remember(kind: str, target: str, args: list[str]) -> None:
    """For --diff/--verify/--apply: how the run starts (argv, environment, folder, time), before it starts."""
    from . import fix_actions
    if fix_actions.requested():
        fix_actions.remember_run(kind, target, args, sys.path[0])


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "check-knowledge" and not os.path.exists(argv[0]):
        from .cli_tools import check_knowledge
        return check_knowledge(argv[1:])
    if argv and argv[0] == "explain" and not os.path.exists(argv[0]):
        from .cli_tools import explain_log
        return explain_log(argv[1:])
    opts, kind, target, rest = split_argv(argv)
    ns = _parser().parse_args(opts)
    if kind is None or target is None:
        _parser().print_usage(sys.stderr)
        sys.stderr.write("python -m explainerr: error: a script or -m module is required\n")
        return 2
    from . import hook
    hook.configure(format=ns.format, report_path=ns.report, color=ns.color, width=ns.width)
    if ns.diff or ns.apply or ns.verify is not None:
        from . import fix_actions
        fix_actions.configure(diff=ns.diff, apply=ns.apply, verify=ns.verify)
    report_path = hook.report_path()
    if report_path:
        hook.clear_stale_report(report_path)  # after this run it describes this run's failure, or is absent
    return run_target(kind, target, rest)


if __name__ == "__main__":
    sys.exit(main())
