"""The child process of `--verify`: runs the user's command again, the fix applied in memory, and watches the
statements the failure happened in.

`python -m explainerr.rerun MANIFEST` (written by verify.py) runs the script or module with the same argv,
`sys.path[0]` and working folder as the failing run.  An edited file is read from its temporary copy but
compiled under its own path, and put in `linecache` under that path: imports of sibling modules, paths built
from `__file__`, data files opened from the working folder and tracebacks all stay as in the user's run; the
user's files are never opened for writing.  An edited module other than the script is served by a meta-path
finder placed first.

A script runs one top-level statement at a time, untraced until the statement the failure went through; from
there a trace function limited to the anchor code objects (anchors.py) counts each anchor's starts and
completions.
As soon as an anchor has completed as often as the original run had started it (its threshold, from the
manifest or sent later on the threshold pipe by the parent), the child reports `passed` and exits at once:
it does not run a whole training to the end.  Otherwise it reports the uncaught exception (explained the
usual way when `explain` is set), or the exit status.  Events are JSON lines on the event pipe.
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import json
import linecache
import os
import sys
import threading
import time
import types
from typing import Any, Callable

_GENERATOR_FLAGS = 0x20 | 0x80 | 0x200  # CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR
_NOT_RAISED = (StopIteration, StopAsyncIteration, GeneratorExit)


class Events:
    """JSON lines to the parent; one write per event (atomic below PIPE_BUF for the short ones)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.lock = threading.Lock()

    def send(self, **event: Any) -> None:
        data = (json.dumps(event, default=str) + "\n").encode()
        with self.lock:
            while data:
                n = os.write(self.fd, data)
                data = data[n:]


class Watch:
    """Counts anchor starts and completions with a trace function that only follows anchor code objects."""

    def __init__(self, anchors: list[dict[str, Any]], on_passed: Callable[[int], None]) -> None:
        self.anchors = anchors
        self.by_file: dict[str, list[dict[str, Any]]] = {}
        for a in anchors:
            self.by_file.setdefault(a["file"], []).append(a)
        self.codes: dict[int, tuple[types.CodeType, list[dict[str, Any]]]] = {}
        self.starts = [0] * len(anchors)
        self.done = [0] * len(anchors)
        self.thresholds: dict[int, int] = {a["id"]: 1 for a in anchors if a["once"]}
        self.on_passed = on_passed
        self.pid = os.getpid()
        self.lock = threading.Lock()

    def counts(self) -> dict[str, list[int]]:
        return {"starts": list(self.starts), "done": list(self.done)}

    def set_thresholds(self, thresholds: dict[int, int]) -> None:
        with self.lock:
            self.thresholds.update(thresholds)
            passed = [i for i, k in self.thresholds.items() if self.done[i] >= k]
        if passed:
            self.on_passed(passed[0])

    def completed(self, i: int) -> None:
        self.done[i] += 1
        k = self.thresholds.get(i)
        if k is not None and self.done[i] >= k and os.getpid() == self.pid:
            self.on_passed(i)

    def global_trace(self, frame: types.FrameType, event: str, arg: Any) -> Any:
        code = frame.f_code
        candidates = self.by_file.get(code.co_filename)
        if candidates is None:
            return None
        entry = self.codes.get(id(code))
        if entry is None:
            lines = {ln for _, _, ln in code.co_lines() if ln}
            mine = [a for a in candidates if a["function"] == code.co_name
                    and any(a["first"] <= ln <= a["last"] for ln in lines)]
            entry = self.codes[id(code)] = (code, mine)  # the code object is kept: its id stays unique
        if not entry[1]:
            return None
        previous = frame.f_trace  # a generator resumed: keep its state
        if previous is not None and isinstance(getattr(previous, "__self__", None), _FrameWatch):
            return previous
        return _FrameWatch(self, entry[1], bool(code.co_flags & _GENERATOR_FLAGS)).trace

    installed = False

    def install(self) -> None:
        self.installed = True
        sys.settrace(self.global_trace)
        threading.settrace(self.global_trace)
        os.register_at_fork(after_in_child=self.uninstall)  # DataLoader workers are not watched

    @staticmethod
    def uninstall() -> None:
        sys.settrace(None)
        threading.settrace(None)  # type: ignore[arg-type]


class _FrameWatch:
    """The local trace function of one frame that holds anchors."""

    def __init__(self, watch: Watch, anchors: list[dict[str, Any]], generator: bool) -> None:
        self.watch, self.anchors, self.generator = watch, anchors, generator
        self.inside = [False] * len(anchors)
        self.raised = False

    def trace(self, frame: types.FrameType, event: str, arg: Any) -> Any:
        if event == "line":
            line = frame.f_lineno
            for n, a in enumerate(self.anchors):
                now = a["first"] <= line <= a["last"]
                if now and not self.inside[n]:
                    self.watch.starts[a["id"]] += 1
                elif self.inside[n] and not now and not self.raised:
                    self.watch.completed(a["id"])
                self.inside[n] = now
            self.raised = False
        elif event == "exception":
            if not issubclass(arg[0], _NOT_RAISED):
                self.raised = True
        elif event == "return" and not self.generator:
            for n, a in enumerate(self.anchors):
                if self.inside[n] and not self.raised:
                    self.watch.completed(a["id"])
                self.inside[n] = False
        return self.trace


class PatchedFinder(importlib.abc.MetaPathFinder):
    """Serves the edited modules from their patched text, compiled under their own paths."""

    def __init__(self, sources: dict[str, str]) -> None:
        self.sources = sources

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.origin is None or os.path.abspath(spec.origin) not in self.sources:
            return None
        origin = os.path.abspath(spec.origin)
        loader = _PatchedLoader(name, spec.origin, self.sources[origin])
        return importlib.util.spec_from_file_location(name, spec.origin, loader=loader,
                                                      submodule_search_locations=spec.submodule_search_locations)


class _PatchedLoader(importlib.machinery.SourceFileLoader):
    def __init__(self, name: str, path: str, text: str) -> None:
        super().__init__(name, path)
        self.text = text

    def get_code(self, fullname: str) -> types.CodeType:
        return compile(self.text, self.path, "exec", dont_inherit=True)

    def get_source(self, fullname: str) -> str:
        return self.text


def _patched_sources(copies: dict[str, str]) -> dict[str, str]:
    """{original path: patched text}, each also put in linecache under the original path (no mtime: kept)."""
    from .patching import read_source
    sources = {}
    for original, copy in copies.items():
        text = read_source(copy)[2]
        sources[original] = text
        lines = [ln if ln.endswith("\n") else ln + "\n" for ln in text.replace("\r\n", "\n").split("\n")]
        linecache.cache[original] = (len(text), None, lines[:-1] if text.endswith("\n") else lines, original)
    return sources


def _run_script(path: str, text: str | None, watch: Watch) -> None:
    """What runpy.run_path does for a plain script (from `text` when the script itself was edited), one
    top-level statement at a time: the statements before the first one the failure went through (imports,
    setup) run untraced, which keeps the re-run close to the speed of the original."""
    import __future__
    import ast
    if text is None:
        with open(path, "rb") as f:
            source: str | bytes = f.read()
    else:
        source = text
    tree = ast.parse(source, path)
    main = types.ModuleType("__main__")
    main.__dict__.update(__file__=path, __cached__=None, __loader__=None, __package__="", __spec__=None,
                         __builtins__=__builtins__)
    sys.modules["__main__"] = main
    first = min((a["first"] for a in watch.anchors if a["file"] == path and a["function"] == "<module>"), default=0)
    flags = 0
    for n, stmt in enumerate(tree.body):
        if n and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(
                stmt.value.value, str):
            continue  # a bare string: compiled alone it would become the module's docstring
        if not watch.installed and (stmt.end_lineno or stmt.lineno) >= first:
            watch.install()
        exec(compile(ast.Module([stmt], []), path, "exec", flags=flags, dont_inherit=True), main.__dict__)
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
            for alias in stmt.names:
                flags |= getattr(__future__, alias.name).compiler_flag


def _where(exc: BaseException) -> dict[str, Any] | None:
    """The last traceback entry in user code (not the stdlib, site-packages or explainerr)."""
    from .capture import is_library_file
    tb, found = exc.__traceback__, None
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename != __file__ and not is_library_file(code.co_filename):
            found = {"file": code.co_filename, "line": tb.tb_lineno, "function": code.co_name}
        tb = tb.tb_next
    return found


def _explain(exc: BaseException, render_opts: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
    import io
    from dataclasses import replace

    from .analysis import explain_safely
    from .model import Config
    from .render import render
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None and (
            tb.tb_frame.f_code.co_filename == __file__ or "runpy" in tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next  # start where `python script.py` would start the traceback
    report = explain_safely(exc, tb)
    config = replace(Config.from_env(), **render_opts)
    buf = io.StringIO()
    render(report, config, buf)
    return buf.getvalue(), report.to_dict()


def main(manifest_path: str) -> None:
    with open(manifest_path, encoding="utf-8") as f:
        m = json.load(f)
    events = Events(int(m["event_fd"]))
    started = time.perf_counter()

    def passed(anchor: int) -> None:
        events.send(event="passed", anchor=anchor, seconds=time.perf_counter() - started, **watch.counts())
        os._exit(0)

    watch = Watch(m["anchors"], passed)
    if m.get("threshold_fd") is not None:
        threading.Thread(target=_read_thresholds, args=(int(m["threshold_fd"]), watch), daemon=True,
                         name="explainerr-verify").start()
    sources = _patched_sources(m["copies"])
    if sources:
        sys.meta_path.insert(0, PatchedFinder(sources))
    sys.argv = [m["target"], *m["args"]]
    sys.path[0] = m["path0"]
    events.send(event="start", pid=os.getpid())
    code = 0
    try:
        try:
            if m["kind"] == "script":
                _run_script(m["path"], sources.get(m["path"]), watch)
            else:
                import runpy
                watch.install()
                runpy.run_module(m["target"], run_name="__main__", alter_sys=True)
        finally:
            watch.uninstall()
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException as exc:  # the re-run's own failure: report it, explained when asked
        text, report = "", None
        if m.get("explain"):
            try:
                text, report = _explain(exc, m["render"])
            except Exception as e:  # the verdict stands without the explanation
                text = f"(explainerr could not explain this error: {type(e).__name__}: {e})\n"
        events.send(event="error", type=type(exc).__name__, message=str(exc)[:2000], where=_where(exc),
                    seconds=time.perf_counter() - started, text=text, report=report, **watch.counts())
        os._exit(1)
    events.send(event="exit", code=code, seconds=time.perf_counter() - started, **watch.counts())
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    os._exit(code)


def _read_thresholds(fd: int, watch: Watch) -> None:
    with os.fdopen(fd, "r", encoding="utf-8") as f:
        for line in f:
            try:
                watch.set_thresholds({int(k): int(v) for k, v in json.loads(line).items()})
            except ValueError:
                continue


if __name__ == "__main__":
    main(sys.argv[1])
