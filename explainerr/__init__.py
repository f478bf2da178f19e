"""explainerr: PyTorch errors explained in your own variable names and numbers, with the corrected line.

    import explainerr; explainerr.install()      # explain uncaught exceptions (main thread and threads)
    python -m explainerr script.py [args]         # run a script under explainerr
    %load_ext explainerr                          # IPython / Jupyter
    report = explainerr.explain(exc)              # the Report of a caught exception

Importing this package imports neither torch, rich, yaml nor stack_data.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

from .hook import configure, install, installed, uninstall

__all__ = ["install", "uninstall", "installed", "configure", "explain", "format_report", "ExplainFormatter"]
__version__ = "0.1.0"


def explain(exc: BaseException) -> Any:
    """Analyse a caught exception and return its Report (`report.to_dict()` gives the JSON contract).  Never
    raises: if explainerr itself fails or runs past its deadline, the Report holds the exception and a note."""
    from .analysis import explain_safely
    return explain_safely(exc)


def format_report(report: Any, format: str = "plain") -> str:
    """The report rendered as text (`plain`, `rich` without colour, or `json`), e.g. for logging."""
    import io

    from .model import Config
    from .render import render
    buf = io.StringIO()
    render(report, Config(format=format, color=False), buf)  # type: ignore[arg-type]
    return buf.getvalue()


def __getattr__(name: str) -> Any:
    """`explainerr.ExplainFormatter` (the logging formatter), imported on first use so that importing
    explainerr does not import logging."""
    if name == "ExplainFormatter":
        from .log import ExplainFormatter
        return ExplainFormatter
    raise AttributeError(f"module 'explainerr' has no attribute {name!r}")


def load_ipython_extension(ipython: Any) -> None:
    from .ipython import load_ipython_extension as load
    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    from .ipython import unload_ipython_extension as unload
    unload(ipython)
