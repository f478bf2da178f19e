r"""Which rank of a torch.distributed job this process is, and the `[rankN]: ` prefix for its output.

Under torchrun every rank explains its own error, and the explanations of several ranks interleave on one
terminal, so each line is prefixed the way torch prefixes its own tracebacks (`[rank0]: ...`); empty lines
get `[rank0]:` too, so that `grep '^\[rank0\]'` keeps one rank's explanation whole.  torch's `init_process_group` wraps `sys.excepthook` in a hook that already prefixes what it
writes; when explainerr is called from inside that wrapper the text is left alone, so no line gets two
prefixes.  Imports only the standard library.
"""
from __future__ import annotations

import os
import sys

_TORCH_HOOK = "_distributed_excepthook"
_TORCH_FILE = "torch/distributed/distributed_c10d.py"


def current_rank() -> str | None:
    """RANK as torchrun (or any launcher following its convention) sets it, when WORLD_SIZE > 1."""
    rank = os.environ.get("RANK", "").strip()
    try:
        if not rank.isdigit() or int(os.environ.get("WORLD_SIZE", "")) <= 1:
            return None
    except ValueError:
        return None
    return rank


def inside_torch_excepthook() -> bool:
    """True when a caller is torch.distributed's rank-prefixing `sys.excepthook` wrapper."""
    frame = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        if code.co_name == _TORCH_HOOK and code.co_filename.replace("\\", "/").endswith(_TORCH_FILE):
            return True
        frame = frame.f_back
    return False


def rank_prefix(text: str) -> str:
    """`text` with `[rankN]: ` before each line (`[rankN]:` before an empty one) when this process is one
    rank of several and torch's own excepthook wrapper is not already prefixing it; otherwise `text`
    unchanged."""
    rank = current_rank()
    if rank is None or not text or inside_torch_excepthook():
        return text
    body, newline, _ = text.rpartition("\n") if text.endswith("\n") else (text, "", "")
    return "\n".join(f"[rank{rank}]: {line}" if line else f"[rank{rank}]:" for line in body.split("\n")) + newline
