"""Progress bars the failing program left open (tqdm, as Trainer and Lightning loops draw them): closed before
an uncaught exception is explained, so the traceback and the explanation start on a clean line and no bar
redraws itself after them when the interpreter exits.

Only for an exception that ends the process (the sys hook, `python -m explainerr`): a caught exception, a
thread's or a notebook cell's leaves the program running, and its bars alone.  Only tqdm's own classes are
touched (a user subclass could override `close`), at most a few bars, and nothing here can raise.
"""
from __future__ import annotations

import sys

from . import safety

MAX_BARS = 16


def settle() -> None:
    std = sys.modules.get("tqdm.std")
    d = safety.instance_dict(std) if std is not None else None
    base = dict.get(d, "tqdm") if d is not None else None
    if not isinstance(base, type):
        return
    instances = safety._type_ns(base).get("_instances")
    try:
        bars = list(instances)[:MAX_BARS] if instances is not None else []
    except Exception:
        return
    for bar in bars:
        module = safety._type_ns(type(bar)).get("__module__")
        if type(module) is not str or not module.startswith("tqdm."):
            continue
        try:
            bar.close()
        except Exception:
            pass
