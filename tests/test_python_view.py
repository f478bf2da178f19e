"""What Python prints is kept: chains (`raise ... from`, implicit context), notes and exception groups appear as
Python prints them, explainerr's fallback is Python's own traceback text, and an output stream that cannot
encode the text still gets the traceback (with backslash escapes), never 0 bytes.  In-process, through the
hook's single path (`hook.handle`) writing to a stream of the test's own.
"""
from __future__ import annotations

import io
import re
import traceback

import pytest

from explainerr import hook
from explainerr.render import render_plain, render_rich  # noqa: F401  (imported for the rich case)

from conftest import caught


def _raise_from():
    def load(path):
        try:
            open(path)
        except FileNotFoundError as e:
            raise RuntimeError("could not load the checkpoint") from e
    load("/nonexistent/ckpt.pt")


def _context():
    try:
        {}["missing_key_XYZ"]
    except KeyError:
        undefined_name_here  # noqa: F821,B018


def _notes():
    e = ValueError("with note")
    e.add_note("IMPORTANT NOTE: check config.yaml")
    e.add_note("second note\nover two lines")
    raise e


def _torch_from():
    import torch
    hidden = torch.zeros(2, 5, 3)
    attention_mask = torch.ones(2, 4)
    try:
        hidden * attention_mask.unsqueeze(-1)
    except RuntimeError as e:
        raise ValueError("batch 3 failed") from e


def _syntax():
    compile("x = (1,\n", "bad.py", "exec")


def _handle(exc, fmt="plain", **kwargs):
    out = io.StringIO()
    hook.configure(format=fmt, color=False)
    try:
        report = hook.handle(exc, exc.__traceback__, stream=out, **kwargs)
    finally:
        hook._overrides.clear()
    return report, out.getvalue()


def _python_skeleton(exc) -> list[str]:
    """Python's traceback without the frame lines: exception lines, notes and separators, in order."""
    lines = "".join(traceback.format_exception(exc)).splitlines()
    return [ln for ln in lines if ln and not ln.startswith(" ") and not ln.startswith("Traceback")]


@pytest.mark.parametrize("fn", [_raise_from, _context, _notes, _torch_from], ids=lambda f: f.__name__[1:])
@pytest.mark.parametrize("fmt", ["plain", "rich"])
def test_chains_and_notes_are_printed_as_python_prints_them(fn, fmt):
    exc = caught(fn)
    report, text = _handle(exc, fmt)
    skeleton = _python_skeleton(exc)
    assert len(skeleton) >= 2 or fn is _notes
    pos = 0
    for line in skeleton:       # every exception line, note and separator, in Python's order
        found = text.find(line, pos)
        assert found >= 0, (line, text)
        pos = found + len(line)
    assert text.count("Traceback (most recent call last, library frames folded):") == len(
        [ln for ln in "".join(traceback.format_exception(exc)).splitlines() if ln.startswith("Traceback")])
    data = report.to_dict()["exception"]
    if fn is _notes:
        assert data["notes"] == ["IMPORTANT NOTE: check config.yaml", "second note\nover two lines"]
    else:
        (link,) = data["chain"]
        assert link["relation"] == ("cause" if fn in (_raise_from, _torch_from) else "context")
        assert link["frames"] and link["frames"][-1]["function"] in ("load", "_context", "_torch_from")


def test_the_knowledge_base_reads_any_link_of_the_chain():
    report, text = _handle(caught(_torch_from))
    assert report.diagnosis is not None and report.diagnosis.pattern == "mask-length-mismatch"
    assert text.index("The size of tensor a (5)") < text.index("direct cause") < text.index("batch 3 failed")


@pytest.mark.parametrize("fn", [_raise_from, _context, _notes, _torch_from, _syntax],
                         ids=lambda f: f.__name__[1:])
def test_the_fallback_is_pythons_own_traceback_text(fn, monkeypatch):
    import explainerr.analysis
    monkeypatch.setenv("EXPLAINERR_DEBUG", "0")
    monkeypatch.setattr(explainerr.analysis, "analyze", lambda exc, tb=None, facts=None: 1 / 0)
    exc = caught(fn)
    report, text = _handle(exc)
    assert report is None
    assert text == "".join(traceback.format_exception(exc)) + hook.FAILED_LINE


def test_a_syntax_error_shows_its_line_and_caret_in_explainerrs_output_too():
    exc = caught(_syntax)
    _, text = _handle(exc)
    assert '  File "bad.py", line 1\n    x = (1,\n        ^\nSyntaxError: \'(\' was never closed' in text


def test_exception_groups_are_printed_by_python(capsys):
    exc = caught(lambda: (_ for _ in ()).throw(ExceptionGroup("grouped", [ValueError("one"), TypeError("two")])))
    out = io.StringIO()
    assert hook.handle(exc, exc.__traceback__, stream=out, fallback=lambda: traceback.print_exception(exc)) is None
    err = capsys.readouterr().err
    assert "ExceptionGroup: grouped (2 sub-exceptions)" in err and "+---------------- 1 ----------------" in err
    assert out.getvalue() == ""


def test_a_group_inside_a_chain_keeps_pythons_boxes_and_adds_the_explanation(capsys):
    def fn():
        try:
            raise ExceptionGroup("inner group", [KeyError("k")])
        except ExceptionGroup:
            _torch_from()
    exc = caught(fn)
    out = io.StringIO()
    report = hook.handle(exc, exc.__traceback__, stream=out, fallback=lambda: traceback.print_exception(exc))
    err = capsys.readouterr().err
    assert "| KeyError: 'k'" in err and "ValueError: batch 3 failed" in err
    assert report is not None and "mask-length-mismatch" in out.getvalue()
    assert "Traceback (most recent call last" not in out.getvalue()   # no second traceback


@pytest.mark.parametrize("encoding,message", [("ascii", "temperature must be \u2264 1.0 (got 1.5)"),
                                              ("utf-8", "no labels in data_\udcff.jsonl")])
def test_a_stream_that_cannot_encode_still_gets_pythons_traceback(encoding, message):
    exc = caught(lambda: (_ for _ in ()).throw(ValueError(message)))
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding, errors="strict")
    assert hook.handle(exc, exc.__traceback__, stream=stream) is not None
    stream.flush()
    written = raw.getvalue().decode(encoding)
    expected = "".join(traceback.format_exception(exc)).encode(encoding, "backslashreplace").decode(encoding)
    assert written == expected + hook.ENCODING_LINE


def test_a_custom_earlier_hook_is_always_called_and_no_second_traceback(monkeypatch, capsys):
    import sys
    calls = []
    monkeypatch.setattr(sys, "excepthook", lambda t, v, tb: calls.append(v) or sys.stderr.write("REPORTER\n"))
    import threading
    monkeypatch.setattr(threading, "excepthook", lambda args: calls.append(args.exc_value))
    hook.install()
    try:
        exc = caught(_torch_from)
        sys.excepthook(type(exc), exc, exc.__traceback__)
        t = threading.Thread(target=_torch_from)
        t.start()
        t.join()
    finally:
        hook.uninstall()
    err = capsys.readouterr().err
    assert len(calls) == 2 and calls[0] is exc and isinstance(calls[1], ValueError)
    assert err.startswith("REPORTER\n") and err.count("mask-length-mismatch") == 2
    assert "Traceback" not in err


def test_pythons_own_hook_is_replaced_not_called(monkeypatch, capsys):
    import sys
    monkeypatch.setattr(sys, "excepthook", sys.__excepthook__)
    hook.install()
    try:
        exc = caught(_raise_from)
        sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        hook.uninstall()
    err = capsys.readouterr().err
    assert err.count("Traceback (most recent call last, library frames folded):") == 2
    assert not re.search(r"^Traceback \(most recent call last\):$", err, re.M)
