"""Shared fixtures.  Every test runs with EXPLAINERR_DEBUG=1 (inherited by subprocesses), so an internal
error that production would swallow fails the test instead, and with no analysis deadline
(EXPLAINERR_DEADLINE_MS=0), so no result depends on how fast the machine is; a test of the deadline sets its
own and makes a step slow on purpose."""
from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

os.environ["EXPLAINERR_DEBUG"] = "1"
os.environ["EXPLAINERR_DEADLINE_MS"] = "0"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# the corpus runs in two worker processes on tiny models: torch's intra-op threads (one per core in each process)
# only fight each other there, and made the corpus about five times slower; one thread each (inherited)
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.pop("EXPLAINERR_KNOWLEDGE", None)
# the compiled knowledge of this run goes to a fresh folder (inherited by subprocesses), never the user's cache
os.environ["EXPLAINERR_CACHE_DIR"] = tempfile.mkdtemp(prefix="explainerr-test-cache-")
atexit.register(shutil.rmtree, os.environ["EXPLAINERR_CACHE_DIR"], True)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: The test file that runs the corpus first, and the other files that read the same run (`corpus_results`).
_CORPUS_FIRST, _CORPUS_LATER = "test_corpus.py", ("test_fix_code.py", "test_verify_corpus.py")
#: The files that take longest after the corpus (tens of seconds each: they start interpreters, or draw many
#: examples), longest first, as measured on two cores.
_LONG = ("test_integrations.py", "test_hostile.py", "test_faults.py", "test_pytest_plugin.py", "test_fix_cli.py",
         "test_knowledge.py", "test_prefilter.py", "test_explain_log.py", "test_knowledge_cache.py",
         "test_secrets.py")


def _file_order(name: str) -> tuple[int, int]:
    if name == _CORPUS_FIRST:
        return (0, 0)
    if name in _LONG:
        return (1, _LONG.index(name))
    if name in _CORPUS_LATER:
        return (2, _CORPUS_LATER.index(name))
    return (3, 0)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Order for pytest-xdist's `--dist loadfile` (the default options, `-n 2 --no-loadscope-reorder`; each test
    file runs whole in one worker, the files handed out in this order to whichever worker is free): the corpus
    run first, the longest part, while the other worker takes the long files, longest first; then the files
    that read the same run (`corpus_results`, waiting for it if need be); the short files last, so that the two
    workers end together."""
    items.sort(key=lambda item: _file_order(item.path.name))


#: The word explainerr as explainerr's own output shows it (`explainerr [pattern, …]`, `explainerr: the analysis
#: failed`, the rich panel's `explainerr ·` title), not inside a path: the project may be cloned into a folder
#: named explainerr, and tracebacks show that path.
_OWN_WORD = re.compile(r"(?<![\w/\\.-])explainerr(?![\w/\\.-])")


def shows_explainerr(text: str) -> bool:
    """True when `text` holds output of explainerr's (any line naming it outside a file path)."""
    return bool(_OWN_WORD.search(text))


def caught(fn) -> BaseException:
    """The exception `fn()` raises (with its traceback), for tests that explain it in-process."""
    try:
        fn()
    except BaseException as e:
        return e
    raise AssertionError("did not raise")


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
def corpus_results(request, tmp_path_factory):
    """Every case of tests/corpus that a selected test names, run once, analysed, its edits applied and the
    fixed copy re-run, in two interpreters (tests/corpus_runner.py).  Under pytest-xdist the first worker that
    needs it runs it and leaves it in the run's shared temporary folder; the other reads it there (waiting if it
    is still running): every worker selects the same tests, so they name the same cases."""
    import dataclasses
    import json
    wanted = _named_cases(request.session.items)
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _run_corpus(wanted)
    from filelock import FileLock
    from corpus_runner import CaseResult
    shared = tmp_path_factory.getbasetemp().parent / "corpus_results.json"
    with FileLock(str(shared) + ".lock"):
        if shared.is_file():
            return {name: CaseResult(**r) for name, r in json.loads(shared.read_text()).items()}
        results = _run_corpus(wanted)
        shared.write_text(json.dumps({name: dataclasses.asdict(r) for name, r in results.items()}))
        return results


def _named_cases(items) -> set[str]:
    """The corpus cases the selected tests of the corpus files take as their parameter."""
    out: set[str] = set()
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        value = params.get("name", params.get("case")) if item.path.name in (_CORPUS_FIRST, *_CORPUS_LATER) else None
        if value is not None and Path(str(value)).parent.name in ("corpus", ""):
            out.add(Path(str(value)).name)
    return out


def _run_corpus(wanted: set[str]):
    from bench.corpus import read_meta
    from corpus_runner import cases_in, run_cases_batched
    cases = [c for c in cases_in(ROOT / "tests" / "corpus")
             if c.name in wanted and not missing_requirements(read_meta(c))]
    return {r.name: r for r in run_cases_batched(cases, jobs=2)}


def missing_requirements(meta: dict) -> list[str]:
    """The modules a corpus case's meta.yaml `requires:` that cannot be imported here."""
    import importlib.util
    return [m for m in meta.get("requires") or [] if importlib.util.find_spec(m) is None]


def ipython_shell():
    """The global test IPython shell, started so that other modules' `start_ipython()` fixtures still get it."""
    from IPython.testing import globalipapp
    shell = globalipapp.start_ipython()
    if shell is None:
        return globalipapp.get_ipython()
    del globalipapp.start_ipython.already_called
    return shell
