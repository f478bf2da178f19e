"""`python -m explainerr explain LOG`: tracebacks pasted as text, diagnosed with no live tensors.

tests/logs holds real tracebacks: the stderr of every corpus case run with plain `python` (paths rewritten
to another machine's: /home/user/project and /opt/conda), plus an IPython cell, a DataLoader worker and a
torchrun job with interleaved `[rankN]:` prefixes.  Without the user's file, every log must get its own
pattern or nothing (a pattern whose text conditions need the source, such as the loop around an index, stays
silent); with the file readable at the logged path, every log must get its own pattern.  Negatives never
get a diagnosis.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from bench.corpus import read_meta
from explainerr.diagnose import diagnose
from explainerr.knowledge import load_knowledge
from explainerr.textlog import report_from_text

from conftest import ROOT, run_py

LOGS = ROOT / "tests" / "logs"
CORPUS = ROOT / "tests" / "corpus"
CORPUS_LOGS = sorted(p for p in LOGS.glob("*.txt") if (CORPUS / p.stem).is_dir())
EXTRA = {"x-ipython-word-embedding": "token-id-out-of-vocab", "x-dataloader-worker-collate": "unpadded-batch",
         "x-torchrun-two-ranks-mask": "mask-length-mismatch"}
NEEDS_SOURCE = {"text-loop-index"}


def _diagnose(text: str):
    report = report_from_text(text)
    assert report is not None
    found = diagnose(report, load_knowledge()[0], from_text=True)
    return report, found


def _expected(log: Path) -> str:
    return read_meta(CORPUS / log.stem)["pattern"]


def test_every_corpus_case_has_a_log():
    assert {p.stem for p in CORPUS_LOGS} == {p.name for p in CORPUS.iterdir() if p.is_dir()}


def _needs_source(pattern_id: str) -> bool:
    """Whether every text rule of the pattern needs the user's source (then a log alone must get nothing)."""
    return pattern_id != "none" and all(
        set((p.text or {}).get("when", ())) & NEEDS_SOURCE for p in load_knowledge()[0] if p.id == pattern_id)


def _text_gap(logs, source_readable=True):
    """Logs whose case lists a text gap (strict xfails): `text` when the log alone cannot place the error,
    `source-text` when it cannot even with the script's source on this machine.  Without the source, a pattern
    that needs it is expected to give nothing, so its `text` gap does not apply there."""
    def gap(p):
        gaps = read_meta(CORPUS / p.stem).get("known_gaps") or []
        if source_readable:
            return "source-text" if "source-text" in gaps else None
        return "text" if "text" in gaps and not _needs_source(_expected(p)) else None
    return [pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=f"known gap: {gap(p)}")) if gap(p) else p
            for p in logs]


@pytest.mark.parametrize("log", _text_gap(CORPUS_LOGS, source_readable=False), ids=lambda p: p.stem)
def test_log_without_source_gets_its_pattern_or_nothing(log):
    expected = _expected(log)
    report, found = _diagnose(log.read_text())
    got = found[0].pattern if found else "none"
    assert got == ("none" if _needs_source(expected) else expected), report.exception.message
    if found:
        d = found[0]
        assert d.unchecked and d.confidence in ("medium", "low")
        assert not d.fix or not d.fix.edits
        assert "{" not in d.summary.replace("{{", "") and "{" not in d.explanation


@pytest.mark.parametrize("log", _text_gap([p for p in CORPUS_LOGS if _expected(p) != "none"]), ids=lambda p: p.stem)
def test_log_with_the_source_on_this_machine_gets_its_pattern(log):
    text = log.read_text().replace("/home/user/project", str(CORPUS / log.stem))
    _, found = _diagnose(text)
    assert found and found[0].pattern == _expected(log)


@pytest.mark.parametrize("name", sorted(EXTRA))
def test_notebook_worker_and_torchrun_logs(name):
    report, found = _diagnose((LOGS / f"{name}.txt").read_text())
    assert found and found[0].pattern == EXTRA[name]
    if "dataloader" in name:
        assert any("num_workers=0" in n for n in report.notes)
        assert report.chain[0].message.startswith("stack expects each tensor to be equal size")
        assert any(f.function == "collate_fn" for f in report.frames)
    if "ipython" in name:
        assert "`word_embeddings`" in found[0].summary and "`input_ids`" in found[0].summary
    if "torchrun" in name:  # the other rank's interleaved lines are dropped, not mixed into the message
        assert "[rank" not in report.exception.message
        assert "`mask`" in found[0].summary and "`hidden`" in found[0].summary


def test_text_edge_cases():
    # a bare exception line, ANSI colours, a chained cause, a line prefix from a logger
    assert report_from_text("no traceback here") is None
    r = report_from_text("RuntimeError: Expected input batch_size (8) to match target batch_size (32).")
    assert r is not None and r.exception.type == "RuntimeError"
    colored = ('\x1b[0;31mTraceback (most recent call last):\x1b[0m\n  File "/x/t.py", line 3, in <module>\n'
               '    loss = F.cross_entropy(out, y)\n\x1b[1;31mValueError\x1b[0m: Expected input batch_size (8) '
               'to match target batch_size (32).\n')
    _, found = _diagnose(colored)
    assert found and found[0].pattern == "label-length-mismatch" and "8" in found[0].summary
    chained = ('Traceback (most recent call last):\n  File "/x/t.py", line 3, in <module>\n    t = torch.tensor(ids)\n'
               'ValueError: expected sequence of length 7 at dim 1 (got 5)\n\nThe above exception was the direct '
               'cause of the following exception:\n\nTraceback (most recent call last):\n  File "/x/t.py", line 9, '
               'in <module>\n    enc = tok(texts, return_tensors="pt")\nValueError: Unable to create tensor, you '
               'should probably activate truncation and/or padding\n')
    r, found = _diagnose(chained)
    assert r.chain[0].message.startswith("expected sequence of length 7")
    assert found and found[0].pattern == "unpadded-batch"
    logged = "\n".join("2026-11-25 10:00:00,001 ERROR " + ln for ln in chained.splitlines()[-4:])
    r, found = _diagnose(logged)
    assert r.exception.message.startswith("Unable to create tensor") and found[0].pattern == "unpadded-batch"


def test_cli_explains_a_file_and_stdin_with_the_report_format(tmp_path):
    schema = json.loads((ROOT / "tests" / "report_schema.json").read_text())
    log = LOGS / "c21-bert-mlm-added-tokens-no-resize.txt"
    report_path = tmp_path / "r.json"
    p = run_py(["-m", "explainerr", "explain", str(log), "--format", "json", "--report", str(report_path)])
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    jsonschema.validate(data, schema)
    assert json.loads(report_path.read_text()) == data
    assert data["diagnosis"]["pattern"] == "token-id-out-of-vocab"
    assert data["diagnosis"]["unchecked"] and "no live tensors" in data["notes"][0]
    p = run_py(["-m", "explainerr", "explain", "--format", "plain"], input=log.read_text())
    assert p.returncode == 0 and "token-id-out-of-vocab" in p.stdout and "Not checked" in p.stdout
    p = run_py(["-m", "explainerr", "explain", "-"], input="all good\n")
    assert p.returncode == 2 and "no Python traceback" in p.stderr


def test_a_missing_log_is_one_line_and_status_2(tmp_path):
    for target in (tmp_path / "job-1234.err", tmp_path):
        p = run_py(["-m", "explainerr", "explain", str(target)])
        assert p.returncode == 2
        assert p.stderr.strip().splitlines() == [p.stderr.strip()] and str(target) in p.stderr, p.stderr
        assert "Traceback" not in p.stderr


IPYTHON_LOGS = sorted((LOGS / "ipython").glob("*.txt"))


def _names(summary: str) -> set[str]:
    return set(re.findall(r"`([^`]+)`", summary))


@pytest.mark.parametrize("log", IPYTHON_LOGS, ids=lambda p: p.stem)
def test_ipython_log_is_read_like_the_cpython_log_of_the_same_error(log):
    """tests/logs/ipython: the same corpus cases run as one notebook cell (IPython's `Cell In[1], line N, in f`
    frames, no `^^^` markers): the same frames, pattern and names as the plain-Python log."""
    cpython, cpython_found = _diagnose((LOGS / log.name).read_text())
    ipython, ipython_found = _diagnose(log.read_text())
    user = [f.function for f in ipython.frames if not f.library]
    assert user == [f.function for f in cpython.frames if not f.library]
    assert [f.function for f in ipython.frames] == [f.function for f in cpython.frames]
    assert ipython.exception.message == cpython.exception.message
    assert cpython_found and ipython_found and ipython_found[0].pattern == cpython_found[0].pattern
    assert _names(ipython_found[0].summary) == _names(cpython_found[0].summary)


def _mask_error():
    import torch
    token_states = torch.ones(2, 5, 8)
    padding_mask = torch.ones(2, 4)
    return token_states * padding_mask.unsqueeze(-1)


@pytest.mark.parametrize("fmt", ["plain", "rich"])
def test_a_pasted_output_that_was_already_explained_is_read_without_the_explanation(fmt):
    import io

    from explainerr.analysis import analyze
    from explainerr.model import Config
    from explainerr.render import render
    try:
        _mask_error()
    except RuntimeError as e:
        live = analyze(e, e.__traceback__)
        message = str(e)
    out = io.StringIO()
    render(live, Config(format=fmt, color=False, width=200), out)
    report, found = _diagnose(out.getvalue())
    assert report.exception.message == message
    assert found and found[0].pattern == live.diagnosis.pattern == "mask-length-mismatch"


CHAINED = '''Traceback (most recent call last):
  File "/home/user/project/train.py", line 10, in step
    return pool(batch["states"], batch["mask"])
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/home/user/project/train.py", line 5, in pool
    return (token_states * padding_mask.unsqueeze(-1)).sum(1)
            ~~~~~~~~~~~~~^~~~~~~~~~~~~~~~~~~~~~~~~~~~
RuntimeError: The size of tensor a (5) must match the size of tensor b (4) at non-singleton dimension 1

{link}

Traceback (most recent call last):
  File "/home/user/project/train.py", line 16, in <module>
    result = step(batch)
             ^^^^^^^^^^^
  File "/home/user/project/train.py", line 12, in step
    {line}
{last}
'''


def test_a_chained_traceback_is_read_with_the_names_of_the_line_that_failed():
    text = CHAINED.format(link="The above exception was the direct cause of the following exception:",
                          line='raise RuntimeError(f"step failed for batch of {len(batch)}") from err',
                          last="RuntimeError: step failed for batch of 2")
    report, found = _diagnose(text)
    assert report.exception.message == "step failed for batch of 2"
    assert report.location.function == "pool"
    assert found and found[0].pattern == "mask-length-mismatch"
    assert _names(found[0].summary) == {"padding_mask", "token_states"}
    # an error raised while handling another is the one to explain: its own frames, not the first error's
    text = CHAINED.format(link="During handling of the above exception, another exception occurred:",
                          line='log.write(batch["name"])', last="KeyError: 'name'")
    report, found = _diagnose(text)
    assert report.exception.type == "KeyError" and report.location.line == 12 and not found
