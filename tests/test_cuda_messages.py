"""CUDA's device messages without a GPU: a failure is run for real on the CPU (the meta device standing in for
the accelerator), captured, and its Report is given what a CUDA run would have had (the device named cuda:0,
the message CUDA's kernels raise, no values read from device tensors).  The diagnosis must be the one a real
GPU run gets: the same culprit, the same edit, and for a device-side assert only what metadata can tell."""
from __future__ import annotations

import runpy
import textwrap
from dataclasses import replace

import pytest

from explainerr.capture import capture
from explainerr.diagnose import diagnose
from explainerr.knowledge import load_knowledge
from explainerr.model import ExceptionFacts, Report

CUDA_DEVICES = "Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!"
CUDA_ARGUMENT = ("Expected all tensors to be on the same device, but got mat1 is on cpu, different from other tensors "
                 "on cuda:0 (when checking argument in method wrapper_CUDA_addmm)")
CUDA_CONV = ("Input type (torch.FloatTensor) and weight type (torch.cuda.FloatTensor) should be the same or input "
             "should be a MKLDNN tensor and weight is a dense tensor")
DEVICE_ASSERT = ("CUDA error: device-side assert triggered\nCUDA kernel errors might be asynchronously reported at "
                 "some other API call, so the stacktrace below might be incorrect.\nFor debugging consider passing "
                 "CUDA_LAUNCH_BLOCKING=1\nCompile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.\n")

INPUTS_NOT_MOVED = """
import torch
import torch.nn as nn

DEVICE = torch.device("meta")
probe = nn.Linear(8, 3).to(DEVICE)
features = torch.randn(4, 8)
scores = probe(features)
"""

TOKEN_ID_PAST_TABLE = """
import torch
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.word_embeddings = nn.Embedding(10, 4)

    def forward(self, input_ids):
        return self.word_embeddings(input_ids)


batch_ids = torch.tensor([[1, 2, 12]])
states = Encoder()(batch_ids)
"""


def _run(tmp_path, code: str):
    script = tmp_path / "train_step.py"
    script.write_text(textwrap.dedent(code))
    try:
        runpy.run_path(str(script), run_name="__main__")
    except Exception as e:  # the failure under test
        return script, capture(e)
    raise AssertionError("the script did not fail")


def _as_cuda(report: Report, message: str, exc_type: str = "RuntimeError") -> Report:
    """The Report a CUDA run gives: meta/cpu devices renamed as CUDA names them, no values of device tensors."""
    def dev(d):
        return "cuda:0" if d == "meta" else d

    frames = []
    for f in report.frames:
        tensors = tuple(replace(t, device=dev(t.device), **({"min": None, "max": None} if dev(t.device) != "cpu"
                                                              else {})) for t in f.tensors)
        modules = tuple(replace(m, device=dev(m.device) if m.device else None) for m in f.modules)
        scalars = {k: ("cuda" if v == "meta" else v) for k, v in f.scalars.items()}
        frames.append(replace(f, tensors=tensors, modules=modules, scalars=scalars))
    return replace(report, frames=tuple(frames),
                   exception=ExceptionFacts(type=exc_type, message=message, mro=(exc_type, "RuntimeError",
                                                                                  "Exception")))


def _diagnose(report: Report):
    found = diagnose(report, load_knowledge()[0])
    assert found, report.exception.message
    return found[0]


@pytest.mark.parametrize("message", [CUDA_DEVICES, CUDA_ARGUMENT, CUDA_CONV])
def test_inputs_left_on_the_cpu_under_each_cuda_message(tmp_path, message):
    script, report = _run(tmp_path, INPUTS_NOT_MOVED)
    d = _diagnose(_as_cuda(report, message))
    assert d.pattern == "device-mismatch" and d.confidence == "high"
    assert "`features` is on cpu but `probe` is on cuda:0" in d.summary
    assert "GPU" not in d.explanation or "cuda" in d.explanation
    [edit] = d.fix.edits
    assert edit.replacement.strip() == "features = torch.randn(4, 8).to(DEVICE)"


def test_dtype_mismatch_with_the_same_words_is_not_a_device_mistake(tmp_path):
    _, report = _run(tmp_path, INPUTS_NOT_MOVED)
    report = _as_cuda(report, "Input type (double) and bias type (float) should be the same")
    assert all(d.pattern != "device-mismatch" for d in diagnose(report, load_knowledge()[0]))


def test_device_side_assert_says_what_metadata_can_tell(tmp_path):
    script, report = _run(tmp_path, TOKEN_ID_PAST_TABLE)
    cuda = _as_cuda(report, DEVICE_ASSERT, exc_type="AcceleratorError")
    assert all(t.min is None for f in cuda.frames for t in f.tensors if t.device != "cpu")
    d = _diagnose(cuda)
    assert d.pattern == "cuda-device-side-assert" and d.confidence == "medium"
    assert "every id in `input_ids` must be below 10, the rows of `self.word_embeddings`" in d.explanation
    assert "number of rows" not in d.explanation  # the sentence for an unknown table size is left out
    assert "`CUDA_LAUNCH_BLOCKING=1 python -m explainerr train_step.py`" in d.fix.description
    assert 'os.environ["CUDA_LAUNCH_BLOCKING"] = "1"' in d.fix.code and not d.fix.edits


def test_device_side_assert_from_a_pasted_log_names_the_lookup():
    from explainerr.textlog import report_from_text
    log = textwrap.dedent("""\
        Traceback (most recent call last):
          File "/home/user/project/finetune.py", line 52, in <module>
            outputs = model(input_ids=batch["input_ids"].cuda(), labels=batch["labels"].cuda())
          File "/opt/conda/lib/python3.11/site-packages/torch/nn/modules/module.py", line 1789, in _call_impl
            return forward_call(*args, **kwargs)
          File "/opt/conda/lib/python3.11/site-packages/torch/nn/modules/sparse.py", line 190, in forward
            return F.embedding(
          File "/opt/conda/lib/python3.11/site-packages/torch/nn/functional.py", line 2551, in embedding
            return torch.embedding(weight, input, padding_idx, scale_grad_by_freq, sparse)
        RuntimeError: CUDA error: device-side assert triggered
        CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.
        For debugging consider passing CUDA_LAUNCH_BLOCKING=1
        """)
    found = diagnose(report_from_text(log), load_knowledge()[0], from_text=True)
    assert found and found[0].pattern == "cuda-device-side-assert"
    assert "embedding lookup" in found[0].explanation and found[0].unchecked
