"""The pipeline in one call: capture → diagnose → fix, timed; returns a Report of plain data."""
from __future__ import annotations

import time
import types
from dataclasses import replace

from .model import Report


def analyze(exc: BaseException, tb: types.TracebackType | None = None) -> Report:
    start = time.perf_counter()
    from .capture import capture
    from .diagnose import diagnose
    from .knowledge import load_knowledge

    report = capture(exc, tb)
    patterns, pack_errors = load_knowledge()
    found = diagnose(report, patterns)
    notes = list(report.notes)
    if pack_errors:
        notes.append(f"{len(pack_errors)} problem(s) in user knowledge packs; those patterns were skipped "
                     f"(run `python -m explainerr check-knowledge`). First: {pack_errors[0]}")
    return replace(report, diagnosis=found[0] if found else None, alternatives=tuple(found[1:]),
                   notes=tuple(notes), analysis_ms=(time.perf_counter() - start) * 1000)
