"""Profiles of the slowest paths, and before/after figures for proposed fixes demonstrated by monkeypatching.

`python -m bench.profiling TARGET [--profile] [--patch NAME ...]` (a child process) explains one error and prints
its time, with cProfile's top functions when asked.  TARGET is `case:PATH` (cold: the first explanation in the
process), `case-rich:PATH` (cold, the rich format a terminal gets) or `point:KIND:N` (a bench.scaling point,
warm).  The parent runs the cold path and the worst scaling point with the profiler, then each with and without
the patches below, interleaved, and reports medians."""
from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path
from typing import Any, Callable

from ._util import median, run_json


def _patch_segment_cache() -> None:
    """capture.py calls ast.get_source_segment, which re-splits the whole source file (a Python loop over
    every character) on each call; split each source once and keep the lines."""
    import ast
    import functools

    @functools.lru_cache(maxsize=32)
    def lines_of(source: str) -> list[str]:
        return io.StringIO(source, newline="").readlines()  # same split as ast._splitlines_no_ff

    def get_source_segment(source: str, node: ast.AST, *, padded: bool = False) -> str | None:
        try:
            if node.end_lineno is None or node.end_col_offset is None:  # type: ignore[attr-defined]
                return None
            lineno, end = node.lineno - 1, node.end_lineno - 1  # type: ignore[attr-defined]
            col, end_col = node.col_offset, node.end_col_offset  # type: ignore[attr-defined]
        except AttributeError:
            return None
        lines = lines_of(source)
        if end == lineno:
            return lines[lineno].encode()[col:end_col].decode()
        pad = ast._pad_whitespace(lines[lineno].encode()[:col].decode()) if padded else ""  # type: ignore
        return "".join([pad + lines[lineno].encode()[col:].decode(), *lines[lineno + 1:end],
                        lines[end].encode()[:end_col].decode()])
    ast.get_source_segment = get_source_segment  # type: ignore[assignment]


def _patch_entry_points_once() -> None:
    """knowledge.load_knowledge calls user_sources(), which scans every installed distribution's entry points
    (importlib.metadata) on each explanation; do it once per process and value of EXPLAINERR_KNOWLEDGE."""
    import os

    from explainerr import knowledge
    orig, cache = knowledge.user_sources, {}

    def user_sources(environ: dict[str, str] | None = None) -> list[Path]:
        key = (os.environ if environ is None else environ).get(knowledge.ENV_VAR, "")
        if key not in cache:
            cache[key] = orig(environ)
        return list(cache[key])
    knowledge.user_sources = user_sources  # type: ignore[assignment]


def _patch_scan_one_thread() -> None:
    """tensors._read_tensor scans integer CPU tensors of up to VALUE_SCAN_LIMIT (1 << 20) elements with
    torch.aminmax on torch's intra-op thread pool: waking it costs ~8 ms for 1e6 elements on a busy 2-core
    machine, against 0.25 ms on one thread.  Run the scan with one thread, then restore the user's count."""
    import torch
    aminmax = torch.aminmax

    def one_thread_aminmax(*args: Any, **kwargs: Any) -> Any:
        n = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return aminmax(*args, **kwargs)
        finally:
            torch.set_num_threads(n)
    torch.aminmax = one_thread_aminmax


def _patch_libyaml() -> None:
    """knowledge.load_file parses the built-in YAML with yaml.safe_load, PyYAML's pure-Python parser; the
    libyaml-backed CSafeLoader builds the same plain data (equally safe), several times faster."""
    import yaml
    if not getattr(yaml, "__with_libyaml__", False):
        raise RuntimeError("PyYAML without libyaml")
    yaml.safe_load = lambda stream: yaml.load(stream, Loader=yaml.CSafeLoader)  # type: ignore[assignment]


def _patch_fold_repeats() -> None:
    """render.traceback_lines prints every user frame: 2 lines a frame, 2,000 lines for a 1,000-deep recursion.
    Fold runs of the same frame as Python does ("[Previous line repeated N more times]") and keep the first 20
    and last 30 entries of what is left."""
    from explainerr import render
    orig = render.traceback_lines

    def folded(report: Any) -> list[tuple[str, str | None, bool]]:
        rows, out, i = orig(report), [], 0
        while i < len(rows):
            j = i
            while j + 1 < len(rows) and rows[j + 1] == rows[i]:
                j += 1
            out += rows[i:i + min(j - i + 1, 3)]
            if j - i + 1 > 3:
                out.append((f"  [Previous line repeated {j - i - 2} more times]", None, False))
            i = j + 1
        if len(out) > 60:
            out = out[:20] + [(f"  … {len(out) - 50} more frames …", None, False)] + out[-30:]
        return out
    render.traceback_lines = folded  # type: ignore[assignment]


def _patch_prune_scope_walks() -> None:
    """source.enclosing_scope / enclosing_class / enclosing_loops / statement_at each ast.walk the whole module
    (22,000 nodes for a 2,000-line file, ~25 ms a call); descend only into the nodes whose lines contain the
    line (the path from the module to it), which finds the same nodes."""
    import ast

    from explainerr import source

    def start(n: ast.AST) -> int:
        return min([n.lineno, *(d.lineno for d in getattr(n, "decorator_list", ()))])  # type: ignore

    def path(tree: ast.AST, line: int) -> list[ast.AST]:
        out: list[ast.AST] = []
        level = list(ast.iter_child_nodes(tree))
        while level:
            nxt: list[ast.AST] = []
            for n in level:
                if not hasattr(n, "lineno"):
                    nxt.extend(ast.iter_child_nodes(n))
                elif start(n) <= line <= (getattr(n, "end_lineno", None) or n.lineno):  # type: ignore
                    out.append(n)
                    nxt.extend(ast.iter_child_nodes(n))
            level = nxt
        return out
    fns = (ast.FunctionDef, ast.AsyncFunctionDef)
    compound = (ast.FunctionDef, ast.ClassDef, ast.For, ast.While, ast.If, ast.With, ast.Try, ast.AsyncFunctionDef)

    def enclosing_scope(tree: ast.Module, line: int) -> ast.AST:
        found = [n for n in path(tree, line) if isinstance(n, fns) and source.contains(n, line)]
        return max(found, key=lambda n: n.lineno) if found else tree  # type: ignore[attr-defined]

    def enclosing_class(tree: ast.Module, line: int) -> ast.ClassDef | None:
        found = [n for n in path(tree, line) if isinstance(n, ast.ClassDef) and source.contains(n, line)]
        return max(found, key=lambda n: n.lineno) if found else None

    def enclosing_loops(tree: ast.Module, line: int) -> list[ast.For]:
        loops = [n for n in path(tree, line) if isinstance(n, ast.For) and source.contains(n, line) and n.lineno < line]
        return sorted(loops, key=lambda n: -n.lineno)

    def statement_at(tree: ast.Module, line: int) -> ast.stmt | None:
        found = [n for n in path(tree, line) if isinstance(n, ast.stmt) and not isinstance(n, compound)
                 and source.contains(n, line)]
        return max(found, key=lambda n: n.lineno) if found else None  # type: ignore[attr-defined]
    source.enclosing_scope, source.enclosing_class = enclosing_scope, enclosing_class  # type: ignore
    source.enclosing_loops, source.statement_at = enclosing_loops, statement_at  # type: ignore


def _patch_parse_block_only() -> None:
    """source.parses_in_file re-parses the whole file to check one edit (~12 ms and a second full AST for a
    2,000-line file); parse only the module-level statement that holds the edited lines, with the edit in it."""
    import ast
    import linecache

    from explainerr import source
    orig = source.parses_in_file

    def parses_in_file(file: str, first: int, last: int, replacement: str) -> bool:
        tree, lines = source.tree_of(file), linecache.getlines(file)
        for stmt in getattr(tree, "body", ()):
            lo = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])
            hi = stmt.end_lineno or stmt.lineno
            if lo <= first and last <= hi:
                block = lines[lo - 1:first - 1] + [replacement + "\n"] + lines[last:hi]
                try:
                    ast.parse("".join(block))
                    return True
                except SyntaxError:
                    return False
        return orig(file, first, last, replacement)
    source.parses_in_file = parses_in_file  # type: ignore[assignment]


def _patch_share_tree() -> None:
    """capture parses each user file with executing, then source.tree_of parses it again (a second full AST:
    ~10 MB RSS for a 2,000-line file); reuse the tree executing already built for the same text."""
    import executing

    from explainerr import source
    orig = source.tree_of

    def tree_of(file: str) -> Any:
        try:
            src = executing.Source.for_filename(file)
            if src.tree is not None and src.text == source.text_of(file):
                return src.tree
        except Exception:
            pass
        return orig(file)
    source.tree_of = tree_of  # type: ignore[assignment]


PATCHES: dict[str, Callable[[], None]] = {
    "segment-cache": _patch_segment_cache, "prune-scope-walks": _patch_prune_scope_walks,
    "parse-block-only": _patch_parse_block_only, "share-tree": _patch_share_tree,
    "entry-points-once": _patch_entry_points_once,
    "scan-one-thread": _patch_scan_one_thread, "libyaml": _patch_libyaml, "fold-repeats": _patch_fold_repeats}


def _failing(target: str) -> Callable[[], tuple[BaseException, Any]]:
    """A function giving a fresh (exception, traceback) of the target on each call."""
    kind, _, arg = target.partition(":")
    if kind.startswith("case"):
        import contextlib
        import os
        import runpy

        from bench._util import trim_traceback
        case = os.path.abspath(arg)
        os.chdir(os.path.dirname(case))
        sys.path[0], sys.argv = os.path.dirname(case), [case]

        def run_case() -> tuple[BaseException, Any]:
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    runpy.run_path(case, run_name="__main__")
            except Exception as e:
                return e, trim_traceback(e.__traceback__, case)
            raise SystemExit(f"{case} did not fail")
        return run_case
    from bench.scaling import MAKERS, _catch
    point, n = arg.split(":")
    fail = MAKERS[point](int(n))

    def run_point() -> tuple[BaseException, Any]:
        e = _catch(fail)
        return e, e.__traceback__
    return run_point


def child(target: str, profile: bool, patches: list[str]) -> dict[str, Any]:
    """Cold targets (case:...) time the first explanation of the process; point targets are warmed by one
    explanation of the same point, then timed as the median of three (or profiled once)."""
    from explainerr import hook
    applied = []
    for name in patches:
        try:
            PATCHES[name]()
            applied.append(name)
        except Exception:  # the package changed under the patch: report it as not applied
            pass
    if target.startswith("case-rich"):
        hook.configure(format="rich", color=True, width=100)
    failing = _failing(target)
    fell_back: list[bool] = []

    prof = None
    if profile:
        import cProfile
        prof = cProfile.Profile()

    def explain() -> tuple[float, str]:
        exc, tb = failing()
        buf = io.StringIO()
        if prof is not None:
            prof.enable()
        t = time.perf_counter()
        hook.handle(exc, tb, lambda: fell_back.append(True), stream=buf)
        ms = (time.perf_counter() - t) * 1000
        if prof is not None:
            prof.disable()
        return ms, buf.getvalue()
    cold = target.startswith("case")
    if not cold:
        prof, warm_prof = None, prof
        explain()
        prof = warm_prof
    times = [explain() for _ in range(1 if cold or profile else 3)]
    ms, text = sorted(times)[len(times) // 2]
    import hashlib
    out: dict[str, Any] = {"target": target, "ms": ms, "patches": applied, "lines": text.count("\n"),
                           "fell_back": bool(fell_back), "output_sha": hashlib.sha1(text.encode()).hexdigest()}
    if prof is not None:
        import pstats
        st = pstats.Stats(prof, stream=io.StringIO())
        out["total_calls"] = st.total_calls  # type: ignore[attr-defined]
        rows = []
        for (file, line, fn), (_, ncalls, tottime, cumtime, _) in st.stats.items():  # type: ignore[attr-defined]
            rows.append({"func": f"{Path(file).name}:{line}({fn})", "calls": ncalls,
                         "tottime_ms": tottime * 1000, "cumtime_ms": cumtime * 1000})
        out["by_cumtime"] = sorted(rows, key=lambda r: -r["cumtime_ms"])[:18]
        out["by_tottime"] = sorted(rows, key=lambda r: -r["tottime_ms"])[:10]
    return out


def bench_profile(cold_case: Path, worst_point: str, runs: int, quick: bool = False) -> dict[str, Any]:
    """Profile each target once, then time it `runs` times with no patch, every patch, and each patch alone,
    interleaved; medians."""
    targets = {"cold (plain)": f"case:{cold_case}", "cold (rich format)": f"case-rich:{cold_case}",
               "worst scaling point": f"point:{worst_point}"}
    if quick:
        targets = {"cold (plain)": targets["cold (plain)"]}
    variants: dict[str, list[str]] = {"none": [], "all": list(PATCHES), **{p: [p] for p in PATCHES}}
    out: dict[str, Any] = {}
    for label, target in targets.items():
        prof = run_json(["-m", "bench.profiling", target, "--profile"])
        ms: dict[str, list[float]] = {v: [] for v in variants}
        last: dict[str, Any] = {}
        for _ in range(runs):
            for v, names in variants.items():
                r = run_json(["-m", "bench.profiling", target, "--patch", *names])
                if r["fell_back"]:
                    raise RuntimeError(f"{target}: the analysis failed under the patches {names}")
                ms[v].append(r["ms"])
                last[v] = r
        out[label] = {"target": target, "profile": prof, "before_ms": median(ms["none"]),
                      "after_ms": median(ms["all"]), "patches": last.get("all", {}).get("patches"),
                      "each_patch_ms": {v: median(x) for v, x in ms.items() if v not in ("none", "all")},
                      "lines_before": prof["lines"], "lines_after": last.get("all", {}).get("lines"),
                      "same_output": last["all"]["output_sha"] == last["none"]["output_sha"] if runs else None}
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("target")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--patch", nargs="*", default=[])
    a = ap.parse_args()
    print(json.dumps(child(a.target, a.profile, a.patch)))
