"""Fault injection: each stage of the pipeline (capture, knowledge loading, diagnosis, fix location, rendering)
made to fail in turn, through every entry point.  Each time the user gets Python's own traceback with the
original message, exactly one line from explainerr saying why there is no explanation, and exit status 1.

Faults: the stage raises an error, raises KeyboardInterrupt (Ctrl-C during the analysis), raises SystemExit,
or is slow: it moves the deadline's clock on by an hour (an injected clock, so the result does not depend on
how fast the machine is), well past the analysis deadline (EXPLAINERR_DEADLINE_MS, a minute here).  The other
faults run with no deadline.  One subprocess per entry point and fault runs all five stages (the last one
uncaught, for the exit status).
"""
from __future__ import annotations

import re

import pytest

from conftest import ipython_shell, run_py


STAGES = ("capture", "knowledge", "diagnosis", "fix", "render")

DRIVER = r'''
import importlib, os, sys, time
import torch
import explainerr
from explainerr import safety
explainerr.install()

TARGETS = {"capture": ("explainerr.capture", "capture"), "knowledge": ("explainerr.knowledge", "knowledge"),
           "diagnosis": ("explainerr.diagnose", "diagnose"), "fix": ("explainerr.fixes", "make_fix"),
           "render": ("explainerr.render", "render")}
FAULT = os.environ["FAULT"]
STAGES = os.environ["STAGES"].split(",")


class SlowClock:
    """The CPU clock the analysis deadline reads: a slow stage moves it on by an hour instead of computing."""
    skipped = 0.0

    @staticmethod
    def cpu():
        return time.thread_time() + SlowClock.skipped


safety.cpu_clock = SlowClock.cpu


def patch(stage):
    module = importlib.import_module(TARGETS[stage][0])
    original = getattr(module, TARGETS[stage][1])

    def broken(*args, **kwargs):
        if FAULT == "interrupt":
            raise KeyboardInterrupt
        if FAULT == "exit":
            raise SystemExit(5)
        if FAULT == "slow":
            SlowClock.skipped += 3600
            return original(*args, **kwargs)
        raise ZeroDivisionError("injected fault in " + stage)

    setattr(module, TARGETS[stage][1], broken)
    return lambda: setattr(module, TARGETS[stage][1], original)


def fail():
    hidden = torch.zeros(2, 5, 3)
    attention_mask = torch.ones(2, 4)
    return hidden * attention_mask.unsqueeze(-1)


for stage in STAGES[:-1]:
    restore = patch(stage)
    sys.stderr.write("=== stage %s\n" % stage)
    try:
        fail()
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
        if os.environ.get("ALSO_EXPLAIN"):
            try:
                report = explainerr.explain(sys.exc_info()[1])
                sys.stdout.write("explain %s: %s | %s\n" % (stage, report.exception.type, " ".join(report.notes)))
            except BaseException as e:
                sys.stdout.write("explain %s raised %s\n" % (stage, type(e).__name__))
    restore()
sys.stderr.write("=== stage %s\n" % STAGES[-1])
patch(STAGES[-1])
fail()
'''

LINES = {"error": "explainerr: the analysis failed; the traceback above is Python's own",
         "exit": "explainerr: the analysis failed; the traceback above is Python's own",
         "interrupt": "explainerr: the analysis was interrupted; the traceback above is Python's own",
         "slow": "explainerr: the analysis took longer than 60000 ms and was stopped"}


def _segments(stderr: str) -> dict[str, str]:
    parts = re.split(r"(?m)^=== stage (\w+)\n", stderr)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


@pytest.mark.parametrize("entry", ["hook", "runner"])
@pytest.mark.parametrize("fault", ["error", "interrupt", "exit", "slow"])
def test_each_stage_failing_keeps_pythons_traceback(entry, fault, tmp_path):
    stages = STAGES if fault != "slow" else STAGES[:-1]  # rendering runs after the analysis, off the clock
    script = tmp_path / "driver.py"
    script.write_text(DRIVER)
    env = {"EXPLAINERR_DEBUG": "0", "FAULT": fault, "STAGES": ",".join(stages),
           "EXPLAINERR_DEADLINE_MS": "60000" if fault == "slow" else "0",
           "ALSO_EXPLAIN": "1" if entry == "hook" else ""}
    args = [str(script)] if entry == "hook" else ["-m", "explainerr", str(script)]
    p = run_py(args, cwd=tmp_path, env=env, timeout=120)
    assert p.returncode == 1, p.stderr[-2000:]
    segments = _segments(p.stderr)
    assert list(segments) == list(stages), p.stderr[-2000:]
    for stage, text in segments.items():
        assert "Traceback (most recent call last):\n" in text, (stage, text)   # Python's own, not explainerr's
        assert "RuntimeError: The size of tensor a (5) must match the size of tensor b (4)" in text, (stage, text)
        assert text.count("explainerr:") == 1 and LINES[fault] in text, (stage, text)
        assert "mask-length-mismatch" not in text and "injected fault" not in text, (stage, text)
    if entry == "hook":
        explained = dict(re.findall(r"(?m)^explain (\w+)(?:: | )(.*)$", p.stdout))
        assert set(explained) == set(stages[:-1]), p.stdout
        for stage, line in explained.items():
            if fault == "interrupt":
                assert line == "raised KeyboardInterrupt"   # Ctrl-C is the user's, explain() passes it on
            else:
                assert line.startswith("RuntimeError | explainerr: the analysis"), line


@pytest.mark.parametrize("stage", STAGES)
def test_ipython_stage_failure_keeps_ipythons_traceback(stage, monkeypatch, capsys):
    pytest.importorskip("IPython")
    import importlib

    targets = {"capture": ("explainerr.capture", "capture"), "knowledge": ("explainerr.knowledge", "knowledge"),
               "diagnosis": ("explainerr.diagnose", "diagnose"), "fix": ("explainerr.fixes", "make_fix"),
               "render": ("explainerr.render", "render")}
    module = importlib.import_module(targets[stage][0])

    def broken(*a, **k):
        raise ZeroDivisionError("injected fault")

    monkeypatch.setattr(module, targets[stage][1], broken)
    monkeypatch.setenv("EXPLAINERR_DEBUG", "0")
    shell = ipython_shell()
    shell.run_line_magic("load_ext", "explainerr")
    try:
        shell.run_cell("import torch\nhidden = torch.zeros(2, 5, 3)\nattention_mask = torch.ones(2, 4)\n"
                       "pooled = hidden * attention_mask.unsqueeze(-1)\n")
    finally:
        shell.run_line_magic("unload_ext", "explainerr")
    out = capsys.readouterr().out
    assert "RuntimeError" in out and "must match the size of tensor b" in out
    assert out.count("explainerr: the analysis failed") == 1 and "mask-length-mismatch" not in out


@pytest.mark.parametrize("target", ["missing-dir/r.json", "a-directory"])
def test_unwritable_report_costs_one_line_and_nothing_else(target, tmp_path):
    (tmp_path / "a-directory").mkdir()
    script = tmp_path / "s.py"
    script.write_text("import torch\nhidden = torch.zeros(2, 5, 3)\nattention_mask = torch.ones(2, 4)\n"
                      "pooled = hidden * attention_mask.unsqueeze(-1)\n")
    p = run_py(["-m", "explainerr", "--report", str(tmp_path / target), str(script)], cwd=tmp_path,
               env={"EXPLAINERR_DEBUG": "0"})
    assert p.returncode == 1
    assert "RuntimeError: The size of tensor a (5) must match the size of tensor b (4)" in p.stderr
    assert "mask-length-mismatch" in p.stderr                       # the explanation is still printed
    lines = [ln for ln in p.stderr.splitlines() if "could not write the report" in ln]
    assert len(lines) == 1 and str(tmp_path / target) in lines[0], p.stderr
    assert "analysis failed" not in p.stderr
    assert not list(tmp_path.glob(".explainerr-*")) and not list(tmp_path.glob("*/.explainerr-*"))  # no temp file
    assert (tmp_path / "a-directory").is_dir()
