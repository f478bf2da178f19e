"""Runs the `examples:` of knowledge patterns: each example's code must fail and be diagnosed as its own
pattern (no other pattern may shadow it), and its `fixed` code must run without error.

Used by `python -m explainerr check-knowledge --run-examples` and by the knowledge base's self-tests.  The
examples are the pack author's own code, run on request, each from a file of its own so that tracebacks
and source lines are real.
"""
from __future__ import annotations

import os
import runpy
import tempfile
from dataclasses import dataclass
from typing import Iterable

from .model import Pattern


@dataclass(frozen=True)
class ExampleResult:
    pattern: str
    name: str
    source: str
    diagnosed: str | None = None
    error: str = ""
    fixed_error: str = ""
    skipped: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.skipped) or (self.diagnosed == self.pattern and not self.fixed_error)

    def problem(self) -> str:
        if self.ok:
            return ""
        if not self.error:
            return "its code ran without raising"
        if self.diagnosed != self.pattern:
            return f"its error ({self.error}) was diagnosed as {self.diagnosed or 'nothing'}"
        return f"its fixed code still fails: {self.fixed_error}"


def _run(path: str) -> BaseException | None:
    try:
        runpy.run_path(path, run_name="__main__")
    except Exception as e:  # the example's own failure is the point
        return e
    return None


def _cuda() -> bool:
    try:
        import torch
        return bool(torch.cuda.is_available())
    except Exception:
        return False


def run_examples(patterns: Iterable[Pattern]) -> list[ExampleResult]:
    from .analysis import analyze
    out: list[ExampleResult] = []
    with tempfile.TemporaryDirectory(prefix="explainerr-examples-") as tmp:
        for p in patterns:
            for i, ex in enumerate(p.examples):
                name = str(ex.get("name") or f"example-{i}")
                if ex.get("requires") == "cuda" and not _cuda():
                    out.append(ExampleResult(p.id, name, p.source, skipped="needs CUDA"))
                    continue
                files = {}
                for kind in ("code", "fixed"):
                    files[kind] = os.path.join(tmp, f"{p.id}_{i}_{kind}.py")
                    with open(files[kind], "w", encoding="utf-8") as f:
                        f.write(str(ex[kind]))
                exc = _run(files["code"])
                if exc is None:
                    out.append(ExampleResult(p.id, name, p.source))
                    continue
                report = analyze(exc, exc.__traceback__)
                fixed_exc = _run(files["fixed"])
                out.append(ExampleResult(
                    p.id, name, p.source, diagnosed=report.diagnosis.pattern if report.diagnosis else None,
                    error=f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                    fixed_error=f"{type(fixed_exc).__name__}: {fixed_exc}" if fixed_exc else ""))
    return out
