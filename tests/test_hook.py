"""The hook never makes things worse: install/uninstall round-trips, chaining, threads, cheap import, and a
failure inside explainerr still shows Python's own traceback with the same exit status."""
from __future__ import annotations

import sys
import textwrap
import threading

import explainerr
from explainerr import hook

from conftest import run_py


def test_install_is_idempotent_and_uninstall_restores():
    before_sys, before_thr = sys.excepthook, threading.excepthook
    try:
        explainerr.install()
        explainerr.install()
        assert sys.excepthook is hook._excepthook and threading.excepthook is hook._threading_hook
        explainerr.uninstall()
        assert sys.excepthook is before_sys and threading.excepthook is before_thr
    finally:
        explainerr.uninstall()


def test_chains_the_previous_hook_on_failure(monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(sys, "excepthook", lambda *a: calls.append(a))
    monkeypatch.delenv("EXPLAINERR_DEBUG")
    explainerr.install()
    try:
        import explainerr.analysis as analysis
        monkeypatch.setattr(analysis, "analyze", lambda exc, tb=None, facts=None: 1 / 0)
        try:
            raise KeyError("k")
        except KeyError as e:
            sys.excepthook(type(e), e, e.__traceback__)
    finally:
        explainerr.uninstall()
    assert len(calls) == 1 and calls[0][0] is KeyError
    assert "analysis failed" in capsys.readouterr().err


def test_import_is_light():
    p = run_py(["-c", "import sys, explainerr; explainerr.install(); "
                      "print(sorted(m for m in ('torch','rich','yaml','stack_data','executing') if m in sys.modules))"])
    assert p.returncode == 0 and p.stdout.strip() == "[]"


def test_injected_failure_shows_native_traceback_and_keeps_exit(tmp_path):
    script = tmp_path / "s.py"
    script.write_text(textwrap.dedent("""
        import explainerr, explainerr.analysis as a
        a.analyze = lambda exc, tb=None, facts=None: 1 / 0
        explainerr.install()
        def f():
            raise RuntimeError("boom in user code")
        f()
    """))
    p = run_py([str(script)], env={"EXPLAINERR_DEBUG": "0"})
    assert p.returncode == 1
    assert "Traceback (most recent call last)" in p.stderr and "RuntimeError: boom in user code" in p.stderr
    assert 'line 6, in f' in p.stderr
    assert p.stderr.count("analysis failed") == 1


def test_debug_switch_raises_internal_errors(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("import explainerr, explainerr.analysis as a\na.analyze = lambda exc, tb=None, facts=None: 1 / 0\n"
                      "explainerr.install()\nraise RuntimeError('x')\n")
    p = run_py([str(script)], env={"EXPLAINERR_DEBUG": "1"})
    assert p.returncode == 1
    assert "ZeroDivisionError" in p.stderr and "RuntimeError: x" in p.stderr


def test_thread_exceptions_are_explained(tmp_path):
    script = tmp_path / "t.py"
    script.write_text(textwrap.dedent("""
        import threading, torch, explainerr
        explainerr.install()
        def work():
            scores = torch.randn(2, 7)
            attention_mask = torch.ones(2, 5)
            scores * attention_mask
        t = threading.Thread(target=work, name="loader-1"); t.start(); t.join()
        print("main continues")
    """))
    p = run_py([str(script)])
    assert p.returncode == 0 and "main continues" in p.stdout
    assert "Exception in thread loader-1" in p.stderr
    assert "mask-length-mismatch" in p.stderr and "attention_mask" in p.stderr


def test_cycle_and_system_exit_and_keyboard_interrupt(tmp_path):
    script = tmp_path / "c.py"
    script.write_text("import explainerr\nexplainerr.install()\ne = ValueError('loop')\ntry:\n    raise e from e\n"
                      "except ValueError as x:\n    raise x\n")
    p = run_py([str(script)])
    assert p.returncode == 1 and "ValueError: loop" in p.stderr
    p = run_py(["-c", "import explainerr; explainerr.install(); raise KeyboardInterrupt"])
    assert p.returncode != 0 and "KeyboardInterrupt" in p.stderr


def test_explain_returns_report_for_caught_exception():
    import torch
    ids = torch.tensor([[1, 2, 9]])
    table = torch.nn.Embedding(5, 3)
    try:
        table(ids)
    except IndexError as e:
        report = explainerr.explain(e)
    d = report.to_dict()
    assert d["diagnosis"]["pattern"] == "token-id-out-of-vocab"
    assert "9" in d["diagnosis"]["summary"] and "5" in d["diagnosis"]["summary"]
    assert "ids" in explainerr.format_report(report)
