"""The pipeline in one call: capture → diagnose → fix, timed and under a deadline; returns a Report of plain data.

`analyze` runs under the analysis budget (EXPLAINERR_DEADLINE_MS, see safety.py): past it, the stages stop at
their next check and `AnalysisTimeout` propagates to the caller (the hook then shows Python's own traceback).
`explain_safely` is the never-raising form behind `explainerr.explain()`.
"""
from __future__ import annotations

import time
import types
from dataclasses import replace
from typing import Any

from .model import ExceptionFacts, Report
from .safety import AnalysisTimeout, check_deadline, deadline_ms, end_deadline, start_deadline, type_name

Facts = tuple[ExceptionFacts, tuple[ExceptionFacts, ...]]

__all__ = ["AnalysisTimeout", "analyze", "explain_safely"]


def analyze(exc: BaseException, tb: types.TracebackType | None = None, facts: Facts | None = None) -> Report:
    """The Report of `exc`; `facts`: what `exceptions.read_exception` already read of it."""
    start = time.perf_counter()
    token = start_deadline(deadline_ms())
    try:
        from .capture import capture
        from .diagnose import diagnose
        from .knowledge import knowledge

        report = capture(exc, tb, facts)
        check_deadline()
        kb = knowledge()  # compiled: only the patterns that may match this exception are decoded
        patterns, pack_errors = kb.candidates([report.exception, *report.chain]), kb.errors
        check_deadline()
        found = diagnose(report, patterns)
        check_deadline()
        notes = list(report.notes)
        if not found:
            found, note = _diagnose_links(exc, report, patterns)
            notes += [note] if note else []
        if any(d.fix is not None and d.fix.edits for d in found):
            from .patching import with_diffs
            found = with_diffs(found)  # fix.diff and the edited files' hashes, read now
        check_deadline()
    finally:
        end_deadline(token)
    if pack_errors:
        notes.append(f"{len(pack_errors)} problem(s) in user knowledge packs; those patterns were skipped "
                     f"(run `python -m explainerr check-knowledge`). First: {pack_errors[0]}")
    return replace(report, diagnosis=found[0] if found else None, alternatives=tuple(found[1:]),
                   notes=tuple(notes), analysis_ms=(time.perf_counter() - start) * 1000)


#: Links of a chain analysed with their own frames when the exception itself matches no pattern.
MAX_LINKS_ANALYSED = 3


def _diagnose_links(exc: BaseException, report: Report, patterns: list[Any]) -> tuple[list[Any], str | None]:
    """Diagnoses of the first link of the chain that has some (`raise ValueError(...) from e` around a torch
    error): the link is captured with its own traceback, so its failing line and tensors are the ones read.
    A diagnosis is plain data (expressions, shapes, lines of files), so it stands for the whole report."""
    from .capture import capture
    from .diagnose import diagnose
    from .exceptions import exception_chain
    links = [link for link in report.chain if link.relation]
    for link, link_exc in list(zip(links, exception_chain(exc)[1:]))[:MAX_LINKS_ANALYSED]:
        check_deadline()
        if not link.frames:
            continue
        found = diagnose(capture(link_exc, None, (link, ())), patterns)
        if found:
            how = "that caused it" if link.relation == "cause" else "being handled when it was raised"
            return found, (f"The diagnosis is of the {link.type} {how} (\"{link.message[:80]}\"), "
                           f"read in its own frames.")
    return [], None


def explain_safely(exc: BaseException, tb: types.TracebackType | None = None) -> Report:
    """`analyze`, except that explainerr's own failure (or a timeout) gives a minimal Report with the
    exception and a note instead of an error; EXPLAINERR_DEBUG=1 raises explainerr's errors."""
    from .exceptions import read_exception
    from .hook import debug_enabled
    facts = None
    token = start_deadline(deadline_ms())
    try:
        facts = read_exception(exc, tb)  # the exception's __str__, called once
        return analyze(exc, tb, facts)
    except AnalysisTimeout:
        why = f"the analysis took longer than {deadline_ms() or 0:.0f} ms and was stopped"
    except KeyboardInterrupt:
        raise
    except BaseException as e:
        if debug_enabled() and isinstance(e, Exception):
            raise
        why = "the analysis failed (set EXPLAINERR_DEBUG=1 to see why)"
    finally:
        end_deadline(token)
    top, chain = facts if facts is not None else (ExceptionFacts(type=type_name(exc), message=""), ())
    return Report(exception=top, chain=chain, notes=(f"explainerr: {why}.",))
