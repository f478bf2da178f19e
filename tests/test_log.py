"""`explainerr.ExplainFormatter`: a real logger, a caught torch error, several handlers, and explainerr's
own failure (one line, the normal traceback kept)."""
from __future__ import annotations

import io
import logging

import pytest
import torch

import explainerr
import explainerr.analysis
from conftest import shows_explainerr


def pool(token_states, padding_mask):
    return (token_states * padding_mask.unsqueeze(-1)).sum(1)


def failing_step(log: logging.Logger) -> None:
    token_states = torch.ones(2, 5, 8)
    padding_mask = torch.ones(2, 4)
    try:
        pool(token_states, padding_mask)
    except RuntimeError:
        log.exception("step %d failed", 7)


@pytest.fixture
def logger():
    log = logging.getLogger("explainerr-test-train")
    log.propagate = False
    log.setLevel(logging.INFO)
    streams: list[io.StringIO] = []

    def add(formatter: logging.Formatter) -> io.StringIO:
        s = io.StringIO()
        h = logging.StreamHandler(s)
        h.setFormatter(formatter)
        log.addHandler(h)
        streams.append(s)
        return s

    log.add = add  # type: ignore[attr-defined]
    yield log
    for h in list(log.handlers):
        log.removeHandler(h)


def test_formatter_appends_the_explanation_after_the_traceback(logger):
    out = logger.add(explainerr.ExplainFormatter("%(levelname)s %(message)s"))
    failing_step(logger)
    text = out.getvalue()
    assert text.startswith("ERROR step 7 failed\nTraceback (most recent call last):")
    tb_end = text.index("RuntimeError: The size of tensor a (5) must match the size of tensor b (4)")
    expl = text.index("explainerr [mask-length-mismatch, ")
    assert tb_end < expl
    assert "`padding_mask` covers 4 positions but `token_states` has 5" in text
    assert "padding_mask = torch.ones(2, token_states.size(1))" in text
    assert "library frames folded" not in text  # the logging traceback is the only one


def test_other_handlers_are_untouched_and_analysis_runs_once(logger, monkeypatch):
    calls = []
    real = explainerr.analysis.analyze
    monkeypatch.setattr(explainerr.analysis, "analyze", lambda exc, tb=None: calls.append(1) or real(exc, tb))
    plain_first = logger.add(logging.Formatter("%(message)s"))
    ours = logger.add(explainerr.ExplainFormatter("%(message)s"))
    ours_too = logger.add(explainerr.ExplainFormatter("%(message)s"))
    plain_last = logger.add(logging.Formatter("%(message)s"))
    failing_step(logger)
    for s in (plain_first, plain_last):
        assert "RuntimeError: The size of tensor a" in s.getvalue() and not shows_explainerr(s.getvalue())
    for s in (ours, ours_too):
        assert "mask-length-mismatch" in s.getvalue()
    assert plain_first.getvalue() == plain_last.getvalue()
    assert len(calls) == 1


def test_records_without_exceptions_and_non_errors_are_plain(logger):
    ours = logger.add(explainerr.ExplainFormatter("%(message)s"))
    logger.info("epoch %d done", 3)
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt:
        logger.exception("interrupted")
    text = ours.getvalue()
    assert text.startswith("epoch 3 done\ninterrupted\nTraceback")
    assert "KeyboardInterrupt" in text and not shows_explainerr(text)


@pytest.mark.parametrize("debug", ["0", "1"])
def test_internal_failure_keeps_the_traceback_and_adds_one_line(logger, monkeypatch, debug):
    monkeypatch.setenv("EXPLAINERR_DEBUG", debug)
    monkeypatch.setattr(explainerr.analysis, "analyze", lambda exc, tb=None, facts=None: 1 / 0)
    ours = logger.add(explainerr.ExplainFormatter("%(message)s"))
    failing_step(logger)
    text = ours.getvalue()
    assert "RuntimeError: The size of tensor a (5) must match" in text
    if debug == "0":
        assert text.rstrip().endswith(
            "\nexplainerr: the analysis failed (ZeroDivisionError; set EXPLAINERR_DEBUG=1 to see why)")
    else:
        after = text.split("explainerr: the analysis failed:\n", 1)[1]
        assert "ZeroDivisionError: division by zero" in after


def test_timeout_gives_one_line(logger, monkeypatch):
    from explainerr.safety import AnalysisTimeout

    def slow(exc, tb=None):
        raise AnalysisTimeout()
    monkeypatch.setenv("EXPLAINERR_DEADLINE_MS", "250")
    monkeypatch.setattr(explainerr.analysis, "analyze", slow)
    ours = logger.add(explainerr.ExplainFormatter("%(message)s"))
    failing_step(logger)
    text = ours.getvalue()
    assert "RuntimeError: The size of tensor a (5) must match" in text
    assert text.rstrip().endswith("\nexplainerr: the analysis failed: it took longer than 250 ms and was stopped "
                                  "(set EXPLAINERR_DEADLINE_MS to allow more)")
