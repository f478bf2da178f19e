"""pytest plugin: `pytest --explain` adds an "explainerr" section to the report of each failing test.

Registered through the `pytest11` entry point, so the `--explain` option exists wherever explainerr is
installed; without `--explain` the plugin does nothing at all (no analysis, no import beyond this module).
The section holds the plain-text explanation without a traceback (pytest shows its own) and appears in
pytest's failure output like captured output does (`--show-capture=no` hides it too).

Only errors that match a known mistake get a section: pytest's own outcomes (`pytest.fail`, `pytest.skip`,
`pytest.exit`), expected failures (`xfail`) and every failure no pattern explains are left as pytest shows
them.  The plugin never breaks a run: if explainerr fails, the section says so in one line (with
`EXPLAINERR_DEBUG=1`, followed by explainerr's own traceback).

Importing this module imports neither torch nor rich.
"""
from __future__ import annotations

from typing import Any, Generator

import pytest

SECTION = "explainerr"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("explainerr")
    group.addoption("--explain", action="store_true", default=False,
                    help="explain failing tests' PyTorch errors (adds an 'explainerr' section to each failure)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Generator[None, Any, None]:
    outcome = yield
    if not item.config.getoption("explain", False) or call.excinfo is None:
        return
    try:
        report = outcome.get_result()
    except BaseException:
        return
    exc = call.excinfo.value
    if not report.failed or not isinstance(exc, Exception) or hasattr(report, "wasxfail"):
        return
    from .log import explain_plain
    found, text = explain_plain(exc, call.excinfo.tb)
    if found is not None and found.diagnosis is None:
        return  # nothing explainerr knows: pytest's own report already says everything it could
    report.sections.append((SECTION, text))
