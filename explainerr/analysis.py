"""The pipeline in one call: capture → diagnose → fix, timed and under a deadline; returns a Report of plain data.

`analyze` runs under the analysis budget (EXPLAINERR_DEADLINE_MS, see safety.py): past it, the stages stop at
their next check and `AnalysisTimeout` propagates to the caller (the hook then shows Python's own traceback).
`explain_safely` is the never-raising form behind `explainerr.explain()`.
"""
from __future__ import annotations

import time
import types
from dataclasses import replace

from .model import ExceptionFacts, Report
from .safety import (
    AnalysisTimeout,
    check_deadline,
    deadline_ms,
    end_deadline,
    start_deadline,
)

__all__ = ["AnalysisTimeout", "analyze", "explain_safely"]


def analyze(exc: BaseException, tb: types.TracebackType | None = None) -> Report:
    start = time.perf_counter()
    token = start_deadline(deadline_ms())
    try:
        from .capture import capture
        from .diagnose import diagnose
        from .knowledge import load_knowledge

        report = capture(exc, tb)
        check_deadline()
        patterns, pack_errors = load_knowledge()
        check_deadline()
        found = diagnose(report, patterns)
        check_deadline()
        from .patching import with_diffs
        found = with_diffs(found)  # fix.diff and the edited files' hashes, read now
        check_deadline()
    finally:
        end_deadline(token)
    notes = list(report.notes)
    if pack_errors:
        notes.append(f"{len(pack_errors)} problem(s) in user knowledge packs; those patterns were skipped "
                     f"(run `python -m explainerr check-knowledge`). First: {pack_errors[0]}")
    return replace(report, diagnosis=found[0] if found else None, alternatives=tuple(found[1:]),
                   notes=tuple(notes), analysis_ms=(time.perf_counter() - start) * 1000)


def explain_safely(exc: BaseException, tb: types.TracebackType | None = None) -> Report:
    """`analyze`, except that explainerr's own failure (or a timeout) gives a minimal Report with the
    exception and a note instead of an error; EXPLAINERR_DEBUG=1 raises explainerr's errors."""
    from .hook import debug_enabled
    try:
        return analyze(exc, tb)
    except AnalysisTimeout:
        why = f"the analysis took longer than {deadline_ms() or 0:.0f} ms and was stopped"
    except KeyboardInterrupt:
        raise
    except BaseException as e:
        if debug_enabled() and isinstance(e, Exception):
            raise
        why = "the analysis failed (set EXPLAINERR_DEBUG=1 to see why)"
    from .capture import exception_facts
    try:
        facts = exception_facts(exc)
    except Exception:
        facts = ExceptionFacts(type="BaseException", message="")
    return Report(exception=facts, notes=(f"explainerr: {why}.",))
