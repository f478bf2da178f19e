"""Shared fixtures.  Every test runs with EXPLAINERR_DEBUG=1 (inherited by subprocesses), so an internal
error that production would swallow fails the test instead."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ["EXPLAINERR_DEBUG"] = "1"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.pop("EXPLAINERR_KNOWLEDGE", None)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run_py(args: list[str], cwd: Path | str | None = None, env: dict[str, str] | None = None,
           timeout: float = 120, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the test interpreter in a subprocess with plain, uncoloured output."""
    e = dict(os.environ, NO_COLOR="1", PYTHONDONTWRITEBYTECODE="1")
    e.pop("FORCE_COLOR", None)
    if env:
        e.update(env)
    return subprocess.run([sys.executable, *args], cwd=cwd, env=e, capture_output=True, text=True,
                          timeout=timeout, input=input, stdin=None if input is not None else subprocess.DEVNULL)


@pytest.fixture(scope="session")
def corpus_results():
    """Every case of tests/corpus run once through `python -m explainerr --report`, edits applied and re-run."""
    from bench.corpus import run_corpus
    results = run_corpus(ROOT / "tests" / "corpus", python=sys.executable, jobs=2)
    return {r.name: r for r in results}


def ipython_shell():
    """The global test IPython shell, started so that other modules' `start_ipython()` fixtures still get it."""
    from IPython.testing import globalipapp
    shell = globalipapp.start_ipython()
    if shell is None:
        return globalipapp.get_ipython()
    del globalipapp.start_ipython.already_called
    return shell
