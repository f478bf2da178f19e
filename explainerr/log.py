"""Plain-text explanations for hosts that already print their own traceback: `logging` and pytest.

`explain_plain(exc, tb)` is the guarded path both use: the plain explanation without a traceback, or, if
explainerr itself fails or runs past its deadline, one line saying so (with `EXPLAINERR_DEBUG=1`, a failure's
line is followed by explainerr's own traceback instead of raising, because raising here would break the host's
output).  Only a Ctrl-C during the analysis propagates.

`ExplainFormatter` is a `logging.Formatter` whose records with `exc_info` carry the explanation after the
usual traceback.  It leaves `record.exc_text` as it found it, so handlers with ordinary formatters keep their
ordinary output whichever handler runs first, and it analyses each exception once however many handlers use it.

Importing this module imports only the standard library.
"""
from __future__ import annotations

import logging
import types
from typing import Any

FAILED = "explainerr: the analysis failed"
_CACHE_ATTR = "_explainerr_text"


def explain_plain(exc: BaseException, tb: types.TracebackType | None = None) -> tuple[Any, str]:
    """(the Report or None, its plain-text explanation without a traceback, ending in a newline).
    Never raises: on explainerr's own failure the Report is None and the text says so."""
    try:
        from .analysis import analyze
        from .render import render_plain
        report = analyze(exc, tb)
        return report, render_plain(report, with_traceback=False)
    except KeyboardInterrupt:
        raise  # the user's Ctrl-C, as anywhere else in their logging or test run
    except BaseException as err:  # explainerr's own failure or timeout: never the host's problem
        from .hook import debug_enabled
        from .safety import AnalysisTimeout, deadline_ms
        if isinstance(err, AnalysisTimeout):
            return None, (f"{FAILED}: it took longer than {deadline_ms() or 0:.0f} ms and was stopped "
                          "(set EXPLAINERR_DEADLINE_MS to allow more)\n")
        if debug_enabled():
            import traceback
            return None, f"{FAILED}:\n" + "".join(traceback.format_exception(type(err), err, err.__traceback__))
        return None, f"{FAILED} ({type(err).__name__}; set EXPLAINERR_DEBUG=1 to see why)\n"


def explanation_text(exc: BaseException, tb: types.TracebackType | None = None) -> str:
    """The plain-text explanation of `exc` (no traceback), ending in a newline.  Never raises."""
    return explain_plain(exc, tb)[1]


class ExplainFormatter(logging.Formatter):
    """A `logging.Formatter` that appends explainerr's explanation to records logged with `exc_info`
    (`log.exception(...)`, `log.error(..., exc_info=True)`).  Use it like any formatter:

        handler.setFormatter(explainerr.ExplainFormatter("%(asctime)s %(levelname)s %(message)s"))
    """

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_text
        record.exc_text = None  # make sure our formatException runs, whatever another handler cached
        try:
            return super().format(record)
        finally:
            record.exc_text = saved

    def formatException(self, ei: tuple) -> str:  # type: ignore[override]
        text = super().formatException(ei)
        exc = ei[1] if ei else None
        if not isinstance(exc, Exception):
            return text
        cached = getattr(exc, _CACHE_ATTR, None)
        if isinstance(cached, tuple) and cached[0] == id(ei[2]):
            extra = cached[1]
        else:
            extra = explanation_text(exc, ei[2])
            try:  # one analysis per exception and traceback, however many handlers format it
                setattr(exc, _CACHE_ATTR, (id(ei[2]), extra))
            except Exception:
                pass
        return text + "\n" + extra.rstrip("\n")
