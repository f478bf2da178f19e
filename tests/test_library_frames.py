"""Library frames are decided by where the file lives, never by the module's name: a user's own
`datasets.py`, `accelerate.py` or `threading.py` next to their script is user code, so an error in it is
located there and explained."""
from __future__ import annotations

import importlib.util
import os
import sysconfig

import pytest

from explainerr.analysis import analyze
from explainerr.capture import is_library_file

MODULE = '''
import torch


def pool(token_states, padding_mask):
    return (token_states * padding_mask.unsqueeze(-1)).sum(1)
'''


@pytest.mark.parametrize("name", ["datasets", "accelerate", "threading", "transformers"])
def test_a_user_module_named_like_a_library_is_user_code(name, tmp_path):
    import torch
    path = tmp_path / f"{name}.py"
    path.write_text(MODULE)
    spec = importlib.util.spec_from_file_location(name, path)   # the module's __name__ is `name`
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)                              # not put in sys.modules: the real one stays
    try:
        module.pool(torch.ones(2, 5, 8), torch.ones(2, 4))
    except RuntimeError as e:
        report = analyze(e, e.__traceback__)
    frame = next(f for f in report.frames if f.file == str(path))
    assert not frame.library
    assert report.location.file == str(path) and report.location.function == "pool"
    assert report.diagnosis is not None and report.diagnosis.pattern == "mask-length-mismatch"
    assert "`padding_mask`" in report.diagnosis.summary


def test_where_library_code_lives(tmp_path):
    import torch
    assert is_library_file(torch.__file__)                                  # site-packages
    assert is_library_file(os.path.join(sysconfig.get_paths()["stdlib"], "threading.py"))
    assert is_library_file(importlib.util.find_spec("explainerr.capture").origin)
    assert is_library_file("<frozen importlib._bootstrap>")
    assert not is_library_file(str(tmp_path / "threading.py"))
    assert not is_library_file(str(tmp_path / "datasets.py"))
    assert not is_library_file("<ipython-input-3-abc>") and not is_library_file("/tmp/ipykernel_7/123.py")
    # paths in a log from another machine
    assert is_library_file("/opt/conda/lib/python3.10/site-packages/torch/nn/functional.py")
    assert is_library_file("/usr/lib/python3/dist-packages/datasets/arrow_dataset.py")
    assert is_library_file("/usr/lib/python3.10/threading.py")
    assert is_library_file("C:\\Python311\\Lib\\threading.py")
    assert not is_library_file("/home/user/project/threading.py")
    assert not is_library_file("/home/user/project/datasets.py")
