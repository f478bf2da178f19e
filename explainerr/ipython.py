"""`%load_ext explainerr`: explains failing cells after IPython's own traceback.

Uses IPython's public seam `set_custom_exc`.  The handler first lets IPython show its traceback with
`showtraceback` (so `%pdb`, `%debug` and `sys.last_*` keep working), then prints the explanation without a
second traceback.  `%unload_ext explainerr` puts back the custom-exception setting that was there before.
The line magic `%explainerr fix` (cell_fix.py) puts the last explained error's corrected cell into the next
input; only that last Report (plain data) is kept.
"""
from __future__ import annotations

import sys
from typing import Any

_saved: dict[int, tuple[Any, Any]] = {}
_last_report: dict[int, Any] = {}


def _handler(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None) -> None:
    from . import hook
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    report = hook.handle(value, tb, fallback=lambda: None, stream=sys.stdout, show_traceback=False)
    _last_report[id(shell)] = report
    return None


def load_ipython_extension(shell: Any) -> None:
    if id(shell) in _saved:
        return
    _saved[id(shell)] = (shell.custom_exceptions, getattr(shell, "CustomTB", None))
    shell.set_custom_exc((Exception,), _handler)

    def explainerr(line: str) -> None:
        """%explainerr fix: put the corrected cell of the last explained error into the next input."""
        from .cell_fix import magic
        magic(shell, line, _last_report.get(id(shell)))
    shell.register_magic_function(explainerr, "line", "explainerr")


def unload_ipython_extension(shell: Any) -> None:
    saved = _saved.pop(id(shell), None)
    if saved is None:
        return
    _last_report.pop(id(shell), None)
    shell.magics_manager.magics["line"].pop("explainerr", None)
    exceptions, custom_tb = saved
    shell.custom_exceptions = exceptions
    if custom_tb is not None:
        shell.CustomTB = custom_tb
