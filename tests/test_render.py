"""What the user sees: quiet when there is nothing to say (one line, no tensor box for an error no tensor took
part in, a capped tensor list that says how many more), rich panel titles that are never cut inside a word,
NO_COLOR that drops colour but keeps the layout, and no colour codes written into a pipe unless asked for."""
from __future__ import annotations

import io
import re

import pytest
import torch

from explainerr import hook
from explainerr.analysis import analyze
from explainerr.model import Config
from explainerr.render import TENSOR_CAP, render

ANSI = re.compile(r"\x1b\[")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _failure(fn):
    try:
        fn()
    except Exception as e:
        return e
    raise AssertionError("did not fail")


def _report(fn):
    err = _failure(fn)
    return analyze(err, err.__traceback__)


def _text(report, fmt="plain", width=100, **config):
    buf = io.StringIO()
    render(report, Config(format=fmt, color=False, width=width, **config), buf)
    return buf.getvalue()


def key_error():
    token_states = torch.ones(2, 5, 8)
    padding_mask = torch.ones(2, 4)
    labels = {"positive": 1}
    label = labels["neutral"]
    return label, token_states, padding_mask


def zero_division():
    token_states = torch.ones(2, 5, 8)
    correct, total = 3, 0
    accuracy = correct / total
    return accuracy, token_states


def many_tensors():
    layers = [torch.ones(2, k + 1) for k in range(TENSOR_CAP + 5)]
    names = {f"t{k}": t for k, t in enumerate(layers)}
    return torch.cat([names[f"t{k}"] for k in range(len(names))]) @ layers[0]


def mask_error():
    token_states = torch.ones(2, 5, 8)
    padding_mask = torch.ones(2, 4)
    return token_states * padding_mask.unsqueeze(-1)


@pytest.mark.parametrize("fn", [key_error, zero_division], ids=["KeyError", "ZeroDivisionError"])
@pytest.mark.parametrize("fmt", ["plain", "rich"])
def test_no_tensor_box_and_one_line_when_no_tensor_took_part(fn, fmt):
    report = _report(fn)
    assert report.diagnosis is None and report.location.tensors  # tensors were there, just not involved
    out = _text(report, fmt, traceback=False)
    assert out.strip() == "explainerr: no known mistake matches this error."


@pytest.mark.parametrize("fmt", ["plain", "rich"])
def test_tensors_of_the_failing_line_are_listed_and_the_rest_counted(fmt):
    report = _report(many_tensors)
    assert report.diagnosis is None
    out = _text(report, fmt, traceback=False)
    lines = out.strip().splitlines()
    assert lines[0] == "explainerr: no known mistake matches this error."
    involved = [t for t in report.location.tensors if t.expr.startswith(("names[", "layers["))]
    assert len(involved) > TENSOR_CAP
    assert f"… {len(involved) - TENSOR_CAP} more" in out
    assert "╭" not in out  # no panel around a non-diagnosis


def test_a_tensor_error_with_no_match_keeps_the_shapes_of_its_line():
    def matmul():
        features = torch.ones(4, 3)
        unrelated = torch.ones(9)
        return features @ features
    out = _text(_report(matmul), traceback=False)
    assert "features" in out and "(4, 3)" in out and "unrelated" not in out


@pytest.mark.parametrize("width", [80, 60])
def test_panel_title_is_never_cut_inside_a_word(width):
    report = _report(mask_error)
    d = report.diagnosis
    assert d is not None
    out = _text(report, "rich", width=width, traceback=False)
    top = out.splitlines()[0]
    assert "…" not in top and len(top) <= width
    words = " ".join(out.split())
    for part in ("explainerr", d.pattern, d.title):
        assert part in words, (part, out)


def test_no_color_keeps_the_rich_layout_on_a_terminal(monkeypatch):
    monkeypatch.setattr(hook, "_overrides", {})
    err = _failure(mask_error)
    monkeypatch.setenv("NO_COLOR", "1")
    out = Terminal()
    hook.handle(err, err.__traceback__, lambda: None, stream=out)
    assert "╭" in out.getvalue() and not ANSI.search(out.getvalue())
    monkeypatch.delenv("NO_COLOR")
    out = Terminal()
    hook.handle(err, err.__traceback__, lambda: None, stream=out)
    assert "╭" in out.getvalue() and ANSI.search(out.getvalue())


def test_rich_format_into_a_pipe_has_no_colour_unless_forced(monkeypatch):
    monkeypatch.setattr(hook, "_overrides", {})
    monkeypatch.delenv("NO_COLOR", raising=False)
    hook.configure(format="rich")
    err = _failure(mask_error)
    pipe = io.StringIO()
    hook.handle(err, err.__traceback__, lambda: None, stream=pipe)
    assert "╭" in pipe.getvalue() and not ANSI.search(pipe.getvalue())
    monkeypatch.setenv("FORCE_COLOR", "1")
    pipe = io.StringIO()
    hook.handle(err, err.__traceback__, lambda: None, stream=pipe)
    assert ANSI.search(pipe.getvalue())
