"""The deadline holds and the work is bounded by construction.

The deadline counts explainerr's own CPU time, with a wall-clock cap five times larger: checked here with
injected clocks and deliberately slow steps, never by timing a real analysis.  The bounds are checked on the
inputs that made the analysis run for minutes (a 60 kB and a 1 MB message, a 2,000-line file of dense calls, a
50,000-line file, a function with 100,000 locals): what each stage is allowed to read, not how long it takes
(the timings are in `python -m bench`).
"""
from __future__ import annotations

import io
import textwrap

import pytest

from explainerr import capture as capture_mod
from explainerr import diagnose as diagnose_mod
from explainerr import files, hook, safety, textlog
from explainerr.exceptions import read_exception

from conftest import caught


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clocks(monkeypatch):
    cpu, wall = Clock(), Clock()
    monkeypatch.setattr(safety, "cpu_clock", cpu)
    monkeypatch.setattr(safety, "wall_clock", wall)
    return cpu, wall


def test_the_budget_is_cpu_time_with_a_wall_cap_five_times_larger(clocks):
    cpu, wall = clocks
    token = safety.start_deadline(100)
    try:
        wall.now += 0.45          # a loaded machine: time passes, explainerr's CPU time does not
        safety.check_deadline()
        cpu.now += 0.099
        safety.check_deadline()
        cpu.now += 0.002
        with pytest.raises(safety.AnalysisTimeout):
            safety.check_deadline()
    finally:
        safety.end_deadline(token)
    token = safety.start_deadline(100)
    try:
        wall.now += 0.501         # waiting, not computing: the wall cap stops it
        with pytest.raises(safety.AnalysisTimeout):
            safety.check_deadline()
    finally:
        safety.end_deadline(token)
    safety.check_deadline()       # no budget outside an analysis


def test_a_nested_budget_never_outlives_the_outer_one(clocks):
    cpu, _ = clocks
    outer = safety.start_deadline(100)
    inner = safety.start_deadline(5000)
    try:
        cpu.now += 0.2
        with pytest.raises(safety.AnalysisTimeout):
            safety.check_deadline()
    finally:
        safety.end_deadline(inner)
        safety.end_deadline(outer)


def _fail_with_mask_error():
    import torch
    hidden = torch.zeros(2, 5, 3)
    attention_mask = torch.ones(2, 4)
    return hidden * attention_mask.unsqueeze(-1)


def test_a_slow_step_stops_the_analysis_and_python_traceback_is_shown(clocks, monkeypatch):
    import traceback
    cpu, _ = clocks
    exc = caught(_fail_with_mask_error)
    real = diagnose_mod.diagnose

    def slow_diagnose(*args, **kwargs):
        cpu.now += 5.0              # a deliberately slow step: 5 s of explainerr's CPU time
        return real(*args, **kwargs)

    monkeypatch.setattr("explainerr.analysis.diagnose", slow_diagnose, raising=False)
    monkeypatch.setattr(diagnose_mod, "diagnose", slow_diagnose)
    monkeypatch.setenv("EXPLAINERR_DEADLINE_MS", "2000")
    out = io.StringIO()
    assert hook.handle(exc, exc.__traceback__, stream=out) is None
    text = out.getvalue()
    python = "".join(traceback.format_exception(exc))
    assert text == python + hook.TIMEOUT_LINE.format(ms=2000)


@pytest.mark.parametrize("outcome", ["explained", "timed out", "failed"])
@pytest.mark.parametrize("collecting", [True, False])
def test_the_garbage_collector_is_paused_while_analysing_and_left_as_it_was(collecting, outcome, clocks,
                                                                            monkeypatch):
    """A collection during the analysis would run user objects' __del__ methods: the collector is off while
    explainerr analyses, and afterwards exactly as the program had it, whatever the outcome."""
    import gc
    cpu, _ = clocks
    exc = caught(_fail_with_mask_error)
    real = diagnose_mod.diagnose
    during = []

    def watched_diagnose(*args, **kwargs):
        during.append(gc.isenabled())
        if outcome == "timed out":
            cpu.now += 5.0
        if outcome == "failed":
            raise ValueError("explainerr's own bug")
        return real(*args, **kwargs)

    monkeypatch.setattr(diagnose_mod, "diagnose", watched_diagnose)
    monkeypatch.setenv("EXPLAINERR_DEBUG", "0")
    monkeypatch.setenv("EXPLAINERR_DEADLINE_MS", "2000")
    was = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    try:
        report = hook.handle(exc, exc.__traceback__, stream=io.StringIO())
        after = gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
    assert during == [False]
    assert after is collecting
    assert (report is not None) is (outcome == "explained")


def test_wall_time_alone_does_not_drop_an_explanation(clocks, monkeypatch):
    _, wall = clocks
    exc = caught(_fail_with_mask_error)
    real = diagnose_mod.diagnose

    def waiting_diagnose(*args, **kwargs):
        wall.now += 6.0             # 3x the budget in wall time (a machine loaded 3x), no CPU time
        return real(*args, **kwargs)

    monkeypatch.setattr(diagnose_mod, "diagnose", waiting_diagnose)
    monkeypatch.setenv("EXPLAINERR_DEADLINE_MS", "2000")
    out = io.StringIO()
    report = hook.handle(exc, exc.__traceback__, stream=out)
    assert report is not None and report.diagnosis.pattern == "mask-length-mismatch"
    assert "mask-length-mismatch" in out.getvalue() and "took longer" not in out.getvalue()


class SlowStr(Exception):
    calls = 0

    def __str__(self):
        type(self).calls += 1
        return "slow message"


@pytest.mark.parametrize("path", ["explained", "analysis fails", "timeout", "stream cannot encode"])
def test_the_exception_str_is_called_once(path, clocks, monkeypatch):
    cpu, _ = clocks
    monkeypatch.setenv("EXPLAINERR_DEBUG", "0")
    SlowStr.calls = 0
    exc = caught(lambda: (_ for _ in ()).throw(SlowStr()))
    out: io.TextIOBase = io.StringIO()
    if path == "analysis fails":
        monkeypatch.setattr(capture_mod, "capture", lambda *a, **k: 1 / 0)
    if path == "timeout":
        def slow(*a, **k):
            cpu.now += 10
            safety.check_deadline()
        monkeypatch.setattr(capture_mod, "capture", slow)
    if path == "stream cannot encode":
        exc = caught(lambda: (_ for _ in ()).throw(SlowStr("\u2264")))
        monkeypatch.setattr(SlowStr, "__str__", lambda self: (setattr(SlowStr, "calls", SlowStr.calls + 1)
                                                                or "temperature \u2264 1.0"))
        out = io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="strict")
    hook.handle(exc, exc.__traceback__, stream=out)
    assert SlowStr.calls == 1
    if isinstance(out, io.TextIOWrapper):
        out.flush()
        assert b"SlowStr: temperature \\u2264 1.0" in out.buffer.getvalue()
    else:
        assert "SlowStr: slow message" in out.getvalue()


# --- bounds ---------------------------------------------------------------------------------------------

def test_long_messages_are_scanned_only_in_bounded_slices(monkeypatch):
    seen: list[int] = []
    real = textlog.compiled_user_line
    monkeypatch.setattr(textlog, "compiled_user_line", lambda m: seen.append(len(m)) or real(m))
    lengths: list[int] = []

    class Recorder:
        def __init__(self, rx):
            self.rx = rx

        def search(self, text):
            lengths.append(len(text))
            return self.rx.search(text)

    import explainerr.knowledge as knowledge
    compiled = knowledge.message_regexes
    monkeypatch.setattr(knowledge, "message_regexes", lambda p: tuple(Recorder(r) for r in compiled(p)))
    # the second holds a literal a pattern's regex needs (prefilter.py), so that the regexes do run on it
    for message in ("from user code:\n" + '  File "train.py", line 12, in step' + " " * 60_000 + "|\n",
                    "index out of range in self " + "x" * 1_000_000 + " end"):
        exc = caught(lambda: (_ for _ in ()).throw(RuntimeError(message)))
        out = io.StringIO()
        report = hook.handle(exc, exc.__traceback__, stream=out)
        assert report is not None and report.exception.message == message    # kept whole, and shown whole
        assert message.rstrip("\n")[-40:] in out.getvalue()
    assert seen and max(seen) <= capture_mod.MAX_SCANNED_MESSAGE
    assert lengths and max(lengths) <= diagnose_mod.MAX_MATCH_CHARS


def test_text_regexes_match_long_lines_as_before():
    line = '  File "train.py", line 12, in step' + " " * 60_000 + "|"
    m = textlog._FRAME.match(line)
    assert m["file"] == "train.py" and m["line"] == "12" and m["function"].endswith("|")
    assert textlog._FRAME.match('  File "a.py", line 3, in forward   ')["function"] == "forward"
    assert textlog._MARKERS.match("    ~~~^^^^  ") and not textlog._MARKERS.match(" " * 60_000 + "|")


LARGE_SCRIPT = textwrap.dedent("""\
    import torch
    {filler}
    table = torch.nn.Embedding(10, 4)
    ids = torch.tensor([[1, 2, 10]])
    table(ids)
""")


def test_files_past_the_parse_limit_are_not_parsed_but_still_explained(tmp_path, monkeypatch):
    import ast

    import executing
    path = tmp_path / "long_file.py"
    path.write_text(LARGE_SCRIPT.format(filler="".join(f"v{i} = {i}\n" for i in range(3_000))))
    monkeypatch.setattr(files, "MAX_PARSED_BYTES", 20_000)
    parsed: list[str] = []
    real_parse = ast.parse
    monkeypatch.setattr(ast, "parse", lambda src, filename="<unknown>", *a, **k: (
        parsed.append(filename), real_parse(src, filename, *a, **k))[1])
    real_executing = executing.Source.executing
    monkeypatch.setattr(executing.Source, "executing", classmethod(
        lambda cls, tb: (parsed.append(tb.tb_frame.f_code.co_filename), real_executing(tb))[1]))
    ns: dict = {"__name__": "long_file"}
    code = compile(path.read_text(), str(path), "exec")
    exc = caught(lambda: exec(code, ns))
    out = io.StringIO()
    report = hook.handle(exc, exc.__traceback__, stream=out)
    assert str(path) not in parsed and parsed    # other files were parsed, this one was not
    assert report.diagnosis is not None and report.diagnosis.pattern == "token-id-out-of-vocab"
    assert "long_file.py is 3" in out.getvalue() and "parses source files up to 20 kB" in out.getvalue()
    assert "table(ids)" in out.getvalue()           # the traceback still shows the line


def test_a_frame_with_100000_locals_is_read_at_both_ends_only(monkeypatch):
    body = "".join(f"    v{i} = {i}\n" for i in range(100_000))
    src = ("import torch\ndef big():\n" + body + "    table = torch.nn.Embedding(10, 4)\n"
           "    ids = torch.tensor([[1, 2, 10]])\n    table(ids)\n")
    ns: dict = {}
    exec(compile(src, "<many-locals>", "exec"), ns)
    names: list[str] = []
    real_add = capture_mod._Collector.add

    def add(self, expr, value, depth=0):
        if depth == 0:
            names.append(expr)
        return real_add(self, expr, value, depth)

    monkeypatch.setattr(capture_mod._Collector, "add", add)
    exc = caught(ns["big"])
    report = hook.handle(exc, exc.__traceback__, stream=io.StringIO())
    user = [n for n in names if n.startswith("v") or n in ("table", "ids")]
    assert len(user) <= capture_mod.MAX_NAMES_PER_FRAME
    assert {"table", "ids", "v0"} <= set(user) and "v50000" not in user
    assert report.diagnosis is not None and report.diagnosis.pattern == "token-id-out-of-vocab"


def test_a_traceback_is_read_once_and_bounded():
    import sys

    def recurse(n):
        return recurse(n + 1)

    limit = sys.getrecursionlimit()
    exc = caught(lambda: recurse(0))
    top, chain = read_exception(exc)
    assert not chain and len(top.frames) <= limit + 5
    assert top.frames[-1].function == "recurse" and top.frames[-1].position is not None
