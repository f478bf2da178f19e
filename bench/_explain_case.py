"""Child process of bench/explain_time.py: `python -m bench._explain_case TOOL CASE_PY`.

Runs the case script in this process (its stdout silenced), catches its exception, and times TOOL writing the
explanation into an io.StringIO: cold (the first call in the process, the tool's lazy imports included) and
warm (a second call, on the fresh exception of a second run of the script).  The tool is set up before the
script runs, as an installed hook would be.  Prints one JSON line."""
from __future__ import annotations

import contextlib
import io
import json
import os
import runpy
import sys
import time
from typing import Any, Callable

from bench._util import trim_traceback


def _tool(name: str) -> Callable[[BaseException, Any, io.StringIO], None]:
    if name in ("explainerr", "explainerr-rich"):
        from explainerr import hook
        if name == "explainerr-rich":  # what a terminal gets: the rich format with colour
            hook.configure(format="rich", color=True, width=100)
        return lambda e, tb, buf: hook.handle(e, tb, lambda: None, stream=buf)
    if name == "traceback":
        import traceback
        return lambda e, tb, buf: traceback.print_exception(type(e), e, tb, file=buf)
    if name == "rich-show-locals":
        import rich.traceback  # noqa: F401  (installed up front, like rich.traceback.install())

        def rich_tb(e: BaseException, tb: Any, buf: io.StringIO) -> None:
            from rich.console import Console
            from rich.traceback import Traceback
            Console(file=buf, width=100, color_system=None).print(
                Traceback.from_exception(type(e), e, tb, show_locals=True))
        return rich_tb
    if name == "better-exceptions":
        import better_exceptions
        return lambda e, tb, buf: buf.write("".join(better_exceptions.format_exception(type(e), e, tb)))
    if name == "stackprinter":
        import stackprinter
        return lambda e, tb, buf: buf.write(stackprinter.format((type(e), e, tb), show_vals="like_source"))
    raise SystemExit(f"unknown tool {name}")


def _fail(case: str) -> BaseException:
    sys.argv = [case]
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            runpy.run_path(case, run_name="__main__")
    except Exception as e:  # the case's uncaught error
        return e
    raise SystemExit(f"{case} did not fail")


def main() -> None:
    name, case = sys.argv[1], os.path.abspath(sys.argv[2])
    os.chdir(os.path.dirname(case))
    sys.path[0] = os.path.dirname(case)
    tool = _tool(name)
    out: dict[str, Any] = {"tool": name}
    for label in ("cold", "warm"):
        exc = _fail(case)
        tb = trim_traceback(exc.__traceback__, case)
        buf = io.StringIO()
        t = time.perf_counter()
        tool(exc, tb, buf)
        out[f"{label}_ms"] = (time.perf_counter() - t) * 1000
        out[f"{label}_lines"] = buf.getvalue().count("\n")
        out["error"] = f"{type(exc).__name__}: {str(exc)[:80]}"
        del exc, tb
    print(json.dumps(out))


if __name__ == "__main__":
    main()
