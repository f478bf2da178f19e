"""`python -m explainerr script.py` is the entry point tested here: what Python prints when explainerr has
nothing to add is byte for byte what `python script.py` prints (no runner or runpy frame, a SyntaxError with
its line and caret, Ctrl-C ending the process as Python ends it), `sys.argv` is what Python sets, and a hook
the script installs itself (a crash reporter) is called, with explainerr's explanation after it.
"""
from __future__ import annotations

import json
import textwrap

import pytest

from conftest import run_py

SCRIPTS = {
    "kbint.py": "raise KeyboardInterrupt\n",
    "baseexc.py": "class B(BaseException): pass\nraise B('custom base')\n",
    "badsyntax_main.py": "x = (1,\n",
    "nested_call.py": "def f():\n    raise SystemError('in f')\nf()\n",
}


@pytest.fixture(scope="module")
def scripts(tmp_path_factory):
    d = tmp_path_factory.mktemp("as-python")
    for name, text in SCRIPTS.items():
        (d / name).write_text(text)
    return d


@pytest.mark.parametrize("name", ["kbint.py", "baseexc.py", "badsyntax_main.py"])
def test_what_python_prints_is_printed_unchanged(name, scripts):
    plain = run_py([name], cwd=scripts)
    ours = run_py(["-m", "explainerr", name], cwd=scripts, env={"EXPLAINERR_DEBUG": "0"})
    assert ours.returncode == plain.returncode != 0
    assert ours.stderr == plain.stderr
    assert "explainerr" not in ours.stderr and "runpy" not in ours.stderr


def test_argv_and_file_are_what_python_sets(tmp_path):
    sub = tmp_path / "d"
    sub.mkdir()
    (sub / "s.py").write_text("import json, sys\nprint(json.dumps([sys.argv, __file__, __name__]))\n")
    plain = run_py(["d/s.py", "--x", "1"], cwd=tmp_path)
    ours = run_py(["-m", "explainerr", "d/s.py", "--x", "1"], cwd=tmp_path)
    assert json.loads(ours.stdout) == json.loads(plain.stdout)
    assert json.loads(ours.stdout)[0] == ["d/s.py", "--x", "1"]


OWN_HOOK = textwrap.dedent("""\
    import sys
    def reporter(t, v, tb):
        with open("own_hook.log", "a") as f:
            f.write(f"reported {t.__name__}: {v}\\n")
        sys.__excepthook__(t, v, tb)
    sys.excepthook = reporter
    import torch
    hidden = torch.zeros(2, 5, 3)
    attention_mask = torch.ones(2, 4)
    hidden * attention_mask.unsqueeze(-1)
""")


def test_a_hook_the_script_installs_is_honoured(tmp_path):
    (tmp_path / "own_hook.py").write_text(OWN_HOOK)
    p = run_py(["-m", "explainerr", "own_hook.py"], cwd=tmp_path)
    assert p.returncode == 1
    assert (tmp_path / "own_hook.log").read_text() == (
        "reported RuntimeError: The size of tensor a (5) must match the size of tensor b (4) at non-singleton "
        "dimension 1\n")
    # the reporter's own (Python's) traceback, without runner frames, then the explanation; one traceback
    assert p.stderr.startswith("Traceback (most recent call last):\n  File \"")
    assert p.stderr.count("Traceback") == 1 and "runpy" not in p.stderr and "__main__.py" not in p.stderr
    assert "mask-length-mismatch" in p.stderr


PREV_HOOK = textwrap.dedent("""\
    import sys, threading, torch
    def crash_reporter(t, v, tb):
        with open("crash_reports.log", "a") as f:
            f.write(f"reported {t.__name__}: {v}\\n")
        sys.__excepthook__(t, v, tb)
    sys.excepthook = crash_reporter
    def thread_reporter(args):
        with open("crash_reports.log", "a") as f:
            f.write(f"thread reported {args.exc_type.__name__}\\n")
    threading.excepthook = thread_reporter
    import explainerr; explainerr.install()
    t = threading.Thread(target=lambda: torch.ones(2) + torch.ones(3)); t.start(); t.join()
    torch.nn.Embedding(10, 4)(torch.tensor([[10]]))
""")


def test_an_earlier_crash_reporter_is_called_for_main_and_threads(tmp_path):
    (tmp_path / "prev_hook.py").write_text(PREV_HOOK)
    p = run_py(["prev_hook.py"], cwd=tmp_path)
    assert p.returncode == 1
    assert (tmp_path / "crash_reports.log").read_text() == (
        "thread reported RuntimeError\nreported IndexError: index out of range in self\n")
    assert p.stderr.count("Traceback (most recent call last):") == 1       # the reporter's, nobody else's
    assert "token-id-out-of-vocab" in p.stderr and p.stderr.count("explainerr") >= 2
