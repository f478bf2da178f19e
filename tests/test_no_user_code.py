"""No user code runs while explainerr analyses: keys are type-checked before any lookup (a str subclass's
`__eq__` is user code), a dict-subclass globals is read through dict's own methods only, and source comes
from files on disk (or cells registered whole in linecache), never from a module's `__loader__.get_source`.
Python's own excepthook touches none of these; neither may explainerr.
"""
from __future__ import annotations

import io
import linecache
import types

import pytest

import explainerr
from explainerr import hook

CALLS: list[str] = []
ARMED = [False]

from conftest import caught


def hit(what: str) -> None:
    if ARMED[0]:
        CALLS.append(what)


class EvilStr(str):
    def __eq__(self, other):
        hit(f"EvilStr.__eq__({str.__str__(self)})")
        return str.__eq__(self, other)

    def __hash__(self):
        return str.__hash__(self)

    def __str__(self):
        hit("EvilStr.__str__")
        return str.__str__(self)


class G(dict):
    def __len__(self):
        hit("G.__len__")
        return dict.__len__(self)

    def __contains__(self, k):
        hit(f"G.__contains__({k!r})")
        return dict.__contains__(self, k)

    def get(self, k, d=None):
        hit(f"G.get({k!r})")
        return dict.get(self, k, d)

    def __getitem__(self, k):
        return dict.__getitem__(self, k)

    def __iter__(self):
        hit("G.__iter__")
        return dict.__iter__(self)

    def keys(self):
        hit("G.keys")
        return dict.keys(self)


class EvilLoader:
    def get_source(self, name):
        hit(f"EvilLoader.get_source({name!r})")
        return "def f(x):\n    return x[5]\n"


def _explain_armed(exc: BaseException) -> tuple[object, str]:
    CALLS.clear()
    out = io.StringIO()
    ARMED[0] = True
    try:
        report = hook.handle(exc, exc.__traceback__, stream=out)
        explained = explainerr.explain(exc)
    finally:
        ARMED[0] = False
    assert report is not None and explained.exception.type == type(exc).__name__
    return report, out.getvalue()


def test_dict_subclass_globals_of_exec_code_are_not_called(tmp_path):
    g = G(__name__="gmod")
    code = compile("def f(x):\n    return x[5]\nf([1])\n", str(tmp_path / "missing_dir" / "also_missing.py"), "exec")
    exc = caught(lambda: exec(code, g))
    _, text = _explain_armed(exc)
    assert CALLS == [] and "IndexError: list index out of range" in text


@pytest.mark.parametrize("registered_lazily", [False, True])
def test_an_exec_modules_loader_is_never_asked_for_source(registered_lazily, tmp_path):
    path = str(tmp_path / "missing_dir" / "does_not_exist_mod.py")
    g = {"__name__": "virtual_mod", "__loader__": EvilLoader()}
    exec(compile("def f(x):\n    return x[5]\n", path, "exec"), g)
    exc = caught(lambda: g["f"]([1, 2]))
    if registered_lazily:  # the traceback module (a logger, pytest) registered the loader in linecache
        linecache.lazycache(path, g)
    try:
        _, text = _explain_armed(exc)
    finally:
        linecache.cache.pop(path, None)
    assert CALLS == [] and "IndexError: list index out of range" in text
    assert "return x[5]" not in text   # Python's own traceback has no line for it either


def test_str_subclass_keys_are_never_compared():
    import torch

    def fail():
        holder = types.SimpleNamespace()
        holder.__dict__[EvilStr("data")] = {"k": torch.ones(1)}
        holder.__dict__[EvilStr("x")] = torch.ones(1)
        batch = {EvilStr("input_ids"): torch.tensor([[1, 2]]), "labels": torch.tensor([1])}
        module = torch.nn.Embedding(10, 4)
        module.__dict__[EvilStr("config")] = holder
        module.__dict__[EvilStr("num_embeddings")] = 3
        globals_like = {EvilStr("self"): holder, EvilStr("__tracebackhide__"): True}
        ids = torch.tensor([[1, 2, 99]])
        return module(ids), batch, globals_like

    exc = caught(fail)
    report, _ = _explain_armed(exc)
    assert CALLS == []
    assert report.diagnosis is not None and report.diagnosis.pattern == "token-id-out-of-vocab"


def test_a_module_level_frame_with_str_subclass_globals_keys():
    g = {"__name__": "mod_with_evil_keys", EvilStr("torch_like"): 1}
    code = compile("y = torch_like\nraise ValueError('raised at module level')\n", "<evil-globals>", "exec")
    exc = caught(lambda: exec(code, g))
    _, text = _explain_armed(exc)
    assert CALLS == [] and "ValueError: raised at module level" in text


def test_saved_hyperparameters_are_read_without_calling_their_mapping():
    import torch.nn as nn
    from explainerr.capture import capture

    class Saved(dict):
        def __getitem__(self, key):
            hit(f"Saved.__getitem__({key})")
            return dict.__getitem__(self, key)

        def items(self):
            hit("Saved.items")
            return dict.items(self)

    class Module(nn.Module):
        def __init__(self):
            super().__init__()
            self._hparams = Saved(batch_size=8, api_key=12345)

        def step(self):
            raise IndexError("index 4 is out of bounds for dimension 0 with size 4")

    CALLS.clear()
    ARMED[0] = True
    try:
        Module().step()
    except IndexError as exc:
        scalars = capture(exc).frames[-1].scalars
    finally:
        ARMED[0] = False
    assert CALLS == []
    assert scalars.get("self.hparams.batch_size") == 8
    assert "self.hparams.api_key" not in scalars


def test_namedtuple_fields_are_read_as_a_plain_tuples_items():
    """A batch kept in a NamedTuple shows its tensors under the field names, read with tuple's own item access:
    the class's `__getitem__`, `__iter__` and a property named like a field never run."""
    from typing import NamedTuple

    import torch
    from explainerr.capture import capture

    class Batch(NamedTuple):
        ids: torch.Tensor
        start: torch.Tensor

        def __getitem__(self, i):
            hit(f"Batch.__getitem__({i})")
            return tuple.__getitem__(self, i)

        def __iter__(self):
            hit("Batch.__iter__")
            return tuple.__iter__(self)

        @property
        def width(self):
            hit("Batch.width")
            return 3

    def step(batch):
        raise IndexError("Target 37 is out of bounds.")

    CALLS.clear()
    ARMED[0] = True
    try:
        step(Batch(torch.zeros(4, 20, dtype=torch.long), torch.tensor([3, 37, 5, 9])))
    except IndexError as exc:
        frame = capture(exc).frames[-1]
    finally:
        ARMED[0] = False
    assert CALLS == []
    shapes = {t.expr: t.shape for t in frame.tensors}
    assert shapes == {"batch.ids": (4, 20), "batch.start": (4,)}
    assert next(t for t in frame.tensors if t.expr == "batch.start").max == 37


def test_the_items_of_a_module_list_are_listed_with_their_sizes():
    """The heads a model keeps in an `nn.ModuleList` are listed under `model.heads.<k>`, each with its size: an
    example routed to the wrong head is told apart from a head that is too small."""
    import torch.nn as nn
    from explainerr.capture import capture

    class Multi(nn.Module):
        def __init__(self):
            super().__init__()
            self.heads = nn.ModuleList([nn.Linear(8, 4), nn.Linear(8, 2), nn.Linear(8, 7)])

    def step(model):
        raise IndexError("Target 6 is out of bounds.")

    try:
        step(Multi())
    except IndexError as exc:
        frame = capture(exc).frames[-1]
    sizes = {m.expr: m.attrs.get("out_features") for m in frame.modules if m.cls == "Linear"}
    assert sizes == {"model.heads.0": 4, "model.heads.1": 2, "model.heads.2": 7}
