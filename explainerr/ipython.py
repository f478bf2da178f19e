"""`%load_ext explainerr`: explains failing cells after IPython's own traceback.

Uses IPython's public seam `set_custom_exc`.  The handler first lets IPython show its traceback with
`showtraceback` (so `%pdb`, `%debug` and `sys.last_*` keep working), then prints the explanation without a
second traceback.  `%unload_ext explainerr` puts back the custom-exception setting that was there before.
"""
from __future__ import annotations

import sys
from typing import Any

_saved: dict[int, tuple[Any, Any]] = {}


def _handler(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None) -> None:
    from . import hook
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    hook.handle(value, tb, fallback=lambda: None, stream=sys.stdout, show_traceback=False)
    return None


def load_ipython_extension(shell: Any) -> None:
    if id(shell) in _saved:
        return
    _saved[id(shell)] = (shell.custom_exceptions, getattr(shell, "CustomTB", None))
    shell.set_custom_exc((Exception,), _handler)


def unload_ipython_extension(shell: Any) -> None:
    saved = _saved.pop(id(shell), None)
    if saved is None:
        return
    exceptions, custom_tb = saved
    shell.custom_exceptions = exceptions
    if custom_tb is not None:
        shell.CustomTB = custom_tb
