"""tensors.py reads only metadata through an allowlist: exact tensor types, bounded value scans, no user code."""
from __future__ import annotations

import torch

from explainerr import tensors as tf


def test_reads_shape_dtype_device_and_small_int_range():
    t = tf.tensor_facts(torch.tensor([[3, 7], [1, 9]]), "ids", 0)
    assert t is not None
    assert (t.shape, t.dtype, t.device, t.min, t.max, t.numel) == ((2, 2), "torch.int64", "cpu", 1, 9, 4)


def test_float_and_large_tensors_get_no_value_scan():
    assert tf.tensor_facts(torch.ones(3), "x", 0).max is None
    big = torch.zeros(tf.VALUE_SCAN_LIMIT + 1, dtype=torch.long)
    assert tf.tensor_facts(big, "big", 0).max is None


def test_meta_tensor_metadata_only():
    t = tf.tensor_facts(torch.empty(4, 5, device="meta", dtype=torch.long), "m", 0)
    assert t.shape == (4, 5) and t.device == "meta" and t.max is None


def test_subclass_with_torch_function_is_not_touched():
    calls = []

    class Spy(torch.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            calls.append(func)
            return super().__torch_function__(func, types, args, kwargs or {})

    spy = torch.ones(2).as_subclass(Spy)
    calls.clear()
    assert tf.tensor_facts(spy, "spy", 0) is None
    assert calls == []


def test_non_tensors_and_duck_types_are_ignored():
    class Fake:
        shape = (1, 2)
        dtype = "torch.int64"

        def __getattr__(self, name):
            raise AssertionError("must not be called")

    assert tf.tensor_facts(Fake(), "fake", 0) is None
    assert tf.tensor_facts([1, 2], "lst", 0) is None


def test_module_facts_read_sizes_config_and_device():
    class Cfg:
        def __init__(self):
            self.vocab_size, self.max_position_embeddings = 30, 64

        @property
        def hidden_size(self):
            raise AssertionError("property must not run")

    emb = torch.nn.Embedding(30, 8)
    emb.config = Cfg()
    m = tf.module_facts(emb, "emb", 0)
    assert m.cls == "Embedding" and m.attrs["num_embeddings"] == 30 and m.device == "cpu"
    assert m.config == {"vocab_size": 30, "max_position_embeddings": 64}


def test_numpy_arrays_read_only_as_exact_arrays():
    import numpy as np
    a = tf.array_facts(np.array([[3, 7], [1, 9]]), "labels", 2)
    assert (a.shape, a.dtype, a.min, a.max, a.numel, a.is_array, a.is_integer) == (
        (2, 2), "numpy.int64", 1, 9, 4, True, True)
    assert tf.array_facts(np.ones(3), "p", 0).max is None

    class Mine(np.ndarray):
        pass

    assert tf.array_facts(np.zeros(2).view(Mine), "m", 0) is None
    assert tf.array_facts([1, 2], "xs", 0) is None


def test_numpy_arrays_are_captured_only_for_numpy_errors():
    import numpy as np
    from explainerr.capture import capture

    def fails(exc_type, message):
        scores = np.zeros((2, 3))  # noqa: F841 (read by the capture)
        raise exc_type(message)

    def names(message):
        try:
            fails(IndexError, message)
        except IndexError as exc:
            return {t.expr for f in capture(exc).frames for t in f.tensors}

    assert "scores" in names("index 3 is out of bounds for axis 1 with size 3")
    assert "scores" not in names("index out of range in self")
