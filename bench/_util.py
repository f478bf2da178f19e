"""Small helpers shared by the bench modules: subprocess runs that answer one JSON line, medians, /proc memory."""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
#: The children's knowledge cache: this checkout's alone, filled before anything is measured (`prime_cache`),
#: as an installed wheel ships its knowledge compiled; a cache folder shared with other checkouts and test
#: runs may have dropped this one's entries, and a first explanation would then check the YAML again.
CACHE_DIR = Path(tempfile.gettempdir()) / f"explainerr-bench-cache-{os.getuid() if hasattr(os, 'getuid') else 0}"


def env(**extra: str) -> dict[str, str]:
    """The environment of every measured child: uncoloured, offline, no user explainerr settings."""
    e = {k: v for k, v in os.environ.items()
         if not k.startswith("EXPLAINERR_") and k not in ("FORCE_COLOR", "PYTHONDONTWRITEBYTECODE")}
    e.update(NO_COLOR="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONPATH=str(ROOT),
             EXPLAINERR_CACHE_DIR=str(CACHE_DIR))
    e.update(extra)
    return e


def prime_cache() -> None:
    """Check the built-in knowledge and look up the installed packs once, into CACHE_DIR."""
    code = "from explainerr.knowledge import knowledge; knowledge()"
    subprocess.run([PY, "-c", code], cwd=ROOT / "bench", env=env(), check=True, capture_output=True,
                   stdin=subprocess.DEVNULL, timeout=600)


def run_json(args: list[str], cwd: Path | str = ROOT, timeout: float = 600, **extra_env: str) -> Any:
    """Run `python ARGS` and return the JSON on the last line of its stdout (raises with its stderr on failure)."""
    p = subprocess.run([PY, *args], cwd=cwd, env=env(**extra_env), capture_output=True, text=True,
                       timeout=timeout, stdin=subprocess.DEVNULL)
    lines = p.stdout.strip().splitlines()
    if p.returncode != 0 or not lines:
        raise RuntimeError(f"{' '.join(args)[:200]} exited {p.returncode}:\n{p.stderr[-3000:]}")
    return json.loads(lines[-1])


def median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def proc_status() -> dict[str, int]:
    """VmRSS and VmHWM of this process, in kB (Linux)."""
    out: dict[str, int] = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                k, v = line.split(":", 1)
                out[k] = int(v.split()[0])
    return out


def reset_hwm() -> bool:
    """Reset VmHWM to the current RSS (Linux clear_refs 5); False where not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def trim_traceback(tb: Any, filename: str) -> Any:
    """The traceback from the first entry in `filename` on (drops the bench driver and runpy frames)."""
    cur = tb
    while cur is not None:
        if os.path.abspath(cur.tb_frame.f_code.co_filename) == os.path.abspath(filename):
            return cur
        cur = cur.tb_next
    return tb
