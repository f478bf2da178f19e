"""Reads tensor and module metadata from live values, and nothing else.

This module owns every read of a torch object.  It acts only when torch is already imported by the user
(it never imports torch itself), only on exact `torch.Tensor` / `nn.Parameter` types (a subclass's
getters may dispatch `__torch_function__`, i.e. run user code), and only through an allowlist: shape,
dtype, device, requires_grad, numel, and min/max of small integer CPU tensors.  It never calls repr(),
bool() or `.item()` on a CUDA tensor, and never reads values of a non-CPU tensor at all, so a poisoned
CUDA context after a device-side assert is not touched.

It also names the kind of a few library objects found beside the tensors (a tokenizer, a DataLoader, a
Dataset, a transformers config or data collator) from the names and modules of their classes, read from the
types' own namespaces: the facts that decide which sentences of an explanation hold.  Reads happen with torch-function handling off (a
user's TorchFunctionMode is not called) and values are not scanned while a TorchDispatchMode is active.
"""
from __future__ import annotations

import sys
from typing import Any

from . import safety
from .model import ModuleFacts, Scalar, TensorFacts

#: Integer tensors up to this many elements get a min/max scan (bounded work whatever the tensor size).
VALUE_SCAN_LIMIT = 1 << 20

_INT_DTYPES = ("torch.int64", "torch.int32", "torch.int16", "torch.int8", "torch.uint8")

#: Size attributes worth reporting for common modules (all plain ints in torch).
MODULE_ATTRS = ("num_embeddings", "embedding_dim", "padding_idx", "in_features", "out_features",
                "normalized_shape", "num_heads", "embed_dim", "hidden_size", "input_size", "in_channels",
                "out_channels", "ignore_index")

#: Config fields that decide the mistakes explainerr knows about.
CONFIG_ATTRS = ("vocab_size", "max_position_embeddings", "type_vocab_size", "num_labels", "hidden_size",
                "pad_token_id", "bos_token_id", "eos_token_id", "decoder_start_token_id", "model_type", "n_positions",
                "max_length", "dim", "d_model", "num_hidden_layers",
                "n_layers")


def _torch() -> Any:
    return sys.modules.get("torch")


def is_tensor(value: object) -> bool:
    """True for exact torch.Tensor / nn.Parameter instances (subclasses are left alone)."""
    torch = _torch()
    if torch is None:
        return False
    t = type(value)
    return t is torch.Tensor or t is getattr(torch.nn, "Parameter", None)


def is_module(value: object) -> bool:
    torch = _torch()
    if torch is None:
        return False
    try:
        return safety.is_subclass(value, torch.nn.Module)
    except Exception:
        return False


def _quiet(torch: Any) -> Any:
    """A context in which reading a plain tensor cannot reach a user's TorchFunctionMode."""
    try:
        return torch._C.DisableTorchFunction()
    except Exception:
        import contextlib
        return contextlib.nullcontext()


def _dispatch_mode_active(torch: Any) -> bool:
    try:
        return bool(torch._C._len_torch_dispatch_stack())
    except Exception:
        return True


def tensor_facts(value: object, expr: str, frame: int) -> TensorFacts | None:
    """Metadata of `value` if it is a plain tensor, else None.  Never raises."""
    if not is_tensor(value):
        return None
    torch = _torch()
    try:
        with _quiet(torch):
            return _read_tensor(torch, value, expr, frame)
    except Exception:
        return None


#: numpy's own wording for the errors whose operands are arrays (an index past the end of an axis): only then
#: are plain numpy arrays read beside the tensors.
NUMPY_MESSAGES = ("is out of bounds for axis",)


def array_facts(value: object, expr: str, frame: int) -> TensorFacts | None:
    """Metadata of an exact `numpy.ndarray` (shape, dtype, min/max of a small integer array), read only when
    numpy is already imported; its dtype is written `numpy.<dtype>`.  Never raises."""
    np = sys.modules.get("numpy")
    if np is None or type(value) is not np.ndarray:
        return None
    try:
        a: Any = value
        dtype = f"numpy.{a.dtype}"
        lo = hi = None
        if a.dtype.kind in "iu" and 0 < a.size <= VALUE_SCAN_LIMIT:
            lo, hi = int(np.min(a)), int(np.max(a))
        return TensorFacts(expr=expr, shape=tuple(int(s) for s in a.shape), dtype=dtype, device="cpu",
                           frame=frame, numel=int(a.size), min=lo, max=hi, ident=id(value))
    except Exception:
        return None


def _read_tensor(torch: Any, value: object, expr: str, frame: int) -> TensorFacts:
    t: Any = value
    layout = t.layout
    shape = tuple(int(s) for s in t.shape) if layout == torch.strided else ()
    dtype = str(t.dtype)
    device = str(t.device)
    numel = int(t.numel()) if layout == torch.strided else 0
    lo = hi = None
    if (layout == torch.strided and device == "cpu" and dtype in _INT_DTYPES
            and 0 < numel <= VALUE_SCAN_LIMIT and not t.is_quantized and not _dispatch_mode_active(torch)):
        with torch.no_grad():
            lo_t, hi_t = torch.aminmax(t.detach())
            lo, hi = int(lo_t), int(hi_t)
    return TensorFacts(expr=expr, shape=shape, dtype=dtype, device=device, frame=frame,
                       requires_grad=bool(t.requires_grad), numel=numel, min=lo, max=hi, ident=id(value))


def _plain(value: object) -> Scalar:
    t = type(value)
    if t is int or t is float or t is bool:  # `is`, not `in`: a metaclass __eq__ must not run
        return value  # type: ignore[return-value]
    if t is str and len(value) <= 40 and not safety.looks_secret(value):  # type: ignore[arg-type]
        return value  # type: ignore[return-value]
    return None


def config_facts(config: object) -> dict[str, Scalar]:
    """Size fields of a transformers-style config, read from its instance __dict__ only (`num_labels` is a
    property over `id2label` there, so it is counted from that dict)."""
    d = safety.instance_dict(config)
    if d is None:
        return {}
    out: dict[str, Scalar] = {}
    for name in CONFIG_ATTRS:
        v = safety.dict_get(d, name)
        if v is not None and _plain(v) is not None:
            out[name] = _plain(v)
    labels = safety.dict_get(d, "id2label")
    if "num_labels" not in out and type(labels) is dict:
        out["num_labels"] = len(labels)
    problem = safety.dict_get(d, "problem_type")
    if type(problem) is str:
        out["problem_type"] = problem
    return out


#: Library base classes (module, class name) that mark an object's kind.
OBJECT_KINDS = {
    ("transformers.tokenization_utils_base", "PreTrainedTokenizerBase"): "tokenizer",
    ("tokenizers", "Tokenizer"): "tokenizer",
    ("torch.utils.data.dataloader", "DataLoader"): "dataloader",
    ("torch.utils.data.dataset", "Dataset"): "dataset",
    ("transformers.configuration_utils", "PreTrainedConfig"): "config",
    ("transformers.configuration_utils", "PretrainedConfig"): "config",
    ("transformers.data.data_collator", "DataCollatorMixin"): "collator",
}


def object_kind(value: object) -> tuple[str, str, str | None] | None:
    """(kind, class name, file defining the class) of a tokenizer, DataLoader, Dataset, config or data
    collator; None otherwise.  Reads only `__name__`/`__module__` from each class's own namespace (no
    metaclass, no property) and the defining module's `__file__` from its dict."""
    try:
        mro = safety._type_mro(type(value))
        for klass in mro[:-1]:
            ns = safety._type_ns(klass)
            module = ns.get("__module__")
            if type(module) is not str:
                continue
            kind = OBJECT_KINDS.get((module, str(safety._type_name(klass))))
            if kind is not None:
                return kind, str(safety._type_name(mro[0])), _class_file(mro[0])
    except Exception:
        return None
    return None


def _class_file(cls: type) -> str | None:
    """The file of the module that defines `cls`; None for `__main__` (a runner such as runpy swaps that
    module, so the script's classes are looked up in the user's frames' files instead)."""
    module = safety._type_ns(cls).get("__module__")
    mod = sys.modules.get(module) if type(module) is str and module != "__main__" else None
    d = safety.instance_dict(mod) if mod is not None else None
    f = safety.dict_get(d, "__file__") if d is not None else None
    return f if type(f) is str else None


def module_device(module: object) -> str | None:
    """Device of the first parameter, read from `_parameters` dicts without calling module methods."""
    stack, seen = [module], 0
    while stack and seen < 200:
        m = stack.pop()
        seen += 1
        d = safety.instance_dict(m)
        if d is None:
            continue
        for p in safety.sub_dict(d, "_parameters").values():
            if is_tensor(p):
                try:
                    with _quiet(_torch()):
                        return str(p.device)  # type: ignore[attr-defined]
                except Exception:
                    return None
        stack.extend(reversed(list(safety.sub_dict(d, "_modules").values())[:200]))
    return None


def module_split(module: object, limit: int = 400) -> tuple[str, str, str] | None:
    """A model whose parameters sit on two devices: (path of the outermost submodule whose parameters are all on
    the rarer device, that device, the device most parameters are on); None when all are on one device.  Reads
    `_parameters` / `_modules` dicts only, at most `limit` modules."""
    counts: dict[str, int] = {}
    found: list[tuple[str, str]] = []
    seen = [0]
    torch = _torch()

    def walk(path: str, m: object, depth: int) -> set[str]:
        seen[0] += 1
        d = safety.instance_dict(m)
        if d is None or seen[0] > limit or depth > 12:
            return set()
        devices: set[str] = set()
        for p in safety.sub_dict(d, "_parameters").values():
            if is_tensor(p):
                try:
                    with _quiet(torch):
                        dev = str(p.device)  # type: ignore[attr-defined]
                except Exception:
                    continue
                devices.add(dev)
                counts[dev] = counts.get(dev, 0) + 1
        kids = []
        for name, child in list(safety.sub_dict(d, "_modules").items())[:200]:
            if type(name) is str and child is not None:
                sub = walk(f"{path}.{name}" if path else name, child, depth + 1)
                kids.append((f"{path}.{name}" if path else name, sub))
                devices |= sub
        if len(devices) > 1:
            found.extend((p, next(iter(s))) for p, s in kids if len(s) == 1)
        return devices

    if len(walk("", module, 0)) < 2 or not counts:
        return None
    main = max(counts, key=lambda k: counts[k])
    odd = [(p, dev) for p, dev in found if dev != main]
    return (odd[0][0], odd[0][1], main) if odd else None


def module_facts(value: object, expr: str, frame: int) -> ModuleFacts | None:
    """Class name, size attributes, config and device of an nn.Module; reads instance __dict__ only."""
    if not is_module(value):
        return None
    d = safety.instance_dict(value)
    if d is None:
        return None
    values = {k: _plain(safety.dict_get(d, k)) for k in MODULE_ATTRS}
    attrs = {k: v for k, v in values.items() if v is not None}
    weight = safety.dict_get(safety.sub_dict(d, "_parameters"), "weight")
    if is_tensor(weight):
        try:
            with _quiet(_torch()):
                attrs["weight_shape"] = "x".join(str(int(s)) for s in weight.shape)  # type: ignore[attr-defined]
        except Exception:
            pass
    if safety.type_name(value) in ("ModuleList", "Sequential", "ModuleDict"):
        attrs["n_items"] = len(safety.sub_dict(d, "_modules"))  # an exact dict's length: no user code runs
    bi = _bidirectional_rnn(value)
    if bi is not None:
        attrs.update(birnn=bi[0], birnn_cls=bi[1], birnn_hidden=bi[2])
    config = safety.dict_get(d, "config")
    return ModuleFacts(expr=expr, cls=safety.type_name(value), frame=frame, attrs=attrs,
                       config=config_facts(config) if config is not None else {},
                       device=module_device(value), ident=id(value))


RECURRENT = ("GRU", "LSTM", "RNN")


def _bidirectional_rnn(module: object, limit: int = 100) -> tuple[str, str, int] | None:
    """The last bidirectional GRU / LSTM / RNN inside `module` (itself included), in registration order: its
    path below `module` ("" for itself, `rnn`, `encoder.rnn`), class and hidden size; read from `_modules`
    and instance dicts only, at most `limit` modules visited."""
    found, stack, seen = None, [("", module)], 0
    while stack and seen < limit:
        path, m = stack.pop()
        seen += 1
        d = safety.instance_dict(m)
        if d is None:
            continue
        if safety.type_name(m) in RECURRENT and safety.dict_get(d, "bidirectional") is True:
            hidden = safety.dict_get(d, "hidden_size")
            proj = safety.dict_get(d, "proj_size")
            if type(hidden) is int and not (type(proj) is int and proj > 0):
                found = (path, safety.type_name(m), hidden)
        children = [(f"{path}.{k}" if path else k, c) for k, c in
                    list(safety.sub_dict(d, "_modules").items())[:limit] if type(k) is str and c is not None]
        stack.extend(reversed(children))
    return found


def child_name(parent: object, child: object) -> str | None:
    """The attribute name under which `child` is registered in `parent._modules`, if any."""
    d = safety.instance_dict(parent)
    if d is None:
        return None
    children = safety.sub_dict(d, "_modules")
    for name, m in children.items():
        if m is child:
            return name if type(name) is str else None
    for name, m in children.items():  # one level down, through a ModuleDict: `parts["classifier"]`
        if type(name) is str and type(m).__name__ == "ModuleDict":
            inner = safety.instance_dict(m)
            for key, c in (safety.sub_dict(inner, "_modules").items() if inner is not None else ()):
                if c is child and type(key) is str:
                    return f"{name}[{key!r}]".replace("'", '"')
    return None
