"""Never make things worse, under hostile input: whatever the failing program holds or does, the user gets the
original error (type and message) and the same exit status, explainerr never raises, never hangs and never
runs the user's code while it analyses.

One driver script holds every in-process case (hostile objects that count, raise, hang or exit when touched;
odd tensors; odd exceptions; code without source) and prints one JSON line per case.  It runs three ways:
plain Python (the baseline), with `explainerr.install()`, and under `python -m explainerr`.  Cases that need a
process of their own (threads, closed or broken stderr, full-depth recursion) run separately.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ipython_shell, run_py, shows_explainerr


DRIVER = r'''
import io, json, os, py_compile, re, sys, threading, time, types, zipfile
import torch

MODE = os.environ["HOSTILE_MODE"]          # plain | hook | runner
BEHAVIOUR = os.environ.get("HOSTILE_BEHAVIOUR", "count")
WORK = os.environ["HOSTILE_WORK"]
if MODE == "hook":
    import explainerr
    explainerr.install()
if MODE != "plain":
    import explainerr

CALLS = []
ARMED = [False]


def touched(what):
    """Every hook of every hostile object lands here: recorded while explainerr analyses, then misbehaves."""
    if not ARMED[0]:
        return
    CALLS.append(what)
    if BEHAVIOUR == "raise":
        raise RuntimeError("hostile " + what)
    if BEHAVIOUR == "hang":
        time.sleep(3)
    if BEHAVIOUR == "exit":
        raise SystemExit(7)


class HostileMeta(type):
    def __getattribute__(cls, name):
        touched("meta.__getattribute__ " + name)
        return type.__getattribute__(cls, name)

    def __eq__(cls, other):
        touched("meta.__eq__")
        return type.__eq__(cls, other)

    def __hash__(cls):
        touched("meta.__hash__")
        return type.__hash__(cls)

    def __repr__(cls):
        touched("meta.__repr__")
        return "HostileClass"


class Desc:
    def __get__(self, obj, owner=None):
        touched("descriptor.__get__")
        return 1


def _dunder(name):
    def method(self, *args, **kwargs):
        touched(name)
        if name in ("__bool__",):
            return True
        if name in ("__len__", "__hash__", "__index__", "__int__"):
            return 1
        if name == "__float__":
            return 1.0
        if name in ("__repr__", "__str__", "__format__", "__fspath__"):
            return "hostile"
        if name == "__iter__":
            return iter(())
        return None
    method.__name__ = name
    return method


_NAMES = ("__repr__", "__str__", "__format__", "__bool__", "__len__", "__eq__", "__ne__", "__lt__", "__hash__",
          "__iter__", "__contains__", "__getitem__", "__index__", "__int__", "__float__", "__call__", "__dir__",
          "__sizeof__", "__reduce__", "__reduce_ex__", "__copy__", "__deepcopy__", "__fspath__", "__array__")
_ns = {n: _dunder(n) for n in _NAMES}


def _getattribute(self, name):
    touched("__getattribute__ " + name)
    return object.__getattribute__(self, name)


def _getattr(self, name):
    touched("__getattr__ " + name)
    raise AttributeError(name)


_ns.update(__getattribute__=_getattribute, __getattr__=_getattr, weight=Desc(),
           shape=property(lambda self: touched("property shape")),
           data=property(lambda self: touched("property data")),
           config=property(lambda self: touched("property config")))
Hostile = HostileMeta("Hostile", (), dict(_ns))
WithDictProperty = type("WithDictProperty", (), {"__dict__": property(lambda self: touched("__dict__ property") or {}),
                                                 "__class__": property(lambda self: touched("__class__ property") or dict)})
Slotted = type("Slotted", (), {"__slots__": ("a",), "__getattribute__": _getattribute})


class HostileDict(dict):
    pass


for _n in ("items", "keys", "values", "get", "__getitem__", "__contains__", "__iter__", "__len__", "__bool__",
           "__eq__", "__repr__", "copy", "__or__"):
    def _m(self, *a, _n=_n, **k):
        touched("dict." + _n)
        return getattr(dict, _n)(self, *a, **k) if _n != "__bool__" else True
    setattr(HostileDict, _n, _m)


class HostileMapping:
    """A mapping that is not a dict (exec locals)."""
    def __init__(self):
        self.d = {}
    def __getitem__(self, k):
        touched("mapping.__getitem__")
        return self.d[k]
    def __setitem__(self, k, v):
        self.d[k] = v
    def __contains__(self, k):
        touched("mapping.__contains__")
        return k in self.d
    def keys(self):
        touched("mapping.keys")
        return self.d.keys()
    def items(self):
        touched("mapping.items")
        return self.d.items()
    def get(self, k, default=None):
        touched("mapping.get")
        return self.d.get(k, default)


class CountingTensor(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        touched("__torch_function__ " + getattr(func, "__name__", "?"))
        return super().__torch_function__(func, types, args, kwargs or {})


class HostileModule(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = torch.nn.Linear(4, 3)
        object.__setattr__(self, "config", Hostile())
        object.__setattr__(self, "hidden_size", Hostile())

    def __getattr__(self, name):
        touched("module.__getattr__ " + name)
        return torch.nn.Module.__getattr__(self, name)

    def __getattribute__(self, name):
        if name not in ("_call_impl", "forward", "_forward_hooks", "_forward_pre_hooks", "_backward_hooks",
                        "_backward_pre_hooks", "_global_forward_hooks", "__dict__", "proj", "_modules",
                        "_parameters", "_buffers", "training", "__class__", "_state_dict_hooks",
                        "_compiled_call_impl", "_is_full_backward_hook", "_forward_hooks_with_kwargs",
                        "_forward_hooks_always_called", "_forward_pre_hooks_with_kwargs"):
            touched("module.__getattribute__ " + name)
        return torch.nn.Module.__getattribute__(self, name)

    def forward(self, x):
        return self.proj(x)


evil_module = types.ModuleType("evil_module")
evil_module.h = Hostile()
evil_module.__getattr__ = lambda name: touched("module-level __getattr__ " + name)
G_HOSTILE = Hostile()
G_DICT = HostileDict(input_ids=torch.zeros(2, 3, dtype=torch.long), evil=Hostile())


def tensor_zoo():
    zoo = {
        "meta": torch.empty(3, 4, device="meta"),
        "coo": torch.eye(3).to_sparse(),
        "csr": torch.eye(3).to_sparse_csr(),
        "quantized": torch.quantize_per_tensor(torch.ones(2, 2), 0.1, 0, torch.qint8),
        "nested": torch.nested.nested_tensor([torch.ones(2), torch.ones(3)]),
        "zero_dim": torch.tensor(3),
        "zero_size": torch.empty(0, 5, dtype=torch.long),
        "dims64": torch.zeros([1] * 64),
        "noncontig": torch.arange(12).view(3, 4).t(),
        "requires_grad": torch.ones(2, 2, requires_grad=True),
        "complex": torch.ones(2, dtype=torch.complex64),
        "bool": torch.ones(2, dtype=torch.bool),
        "param": torch.nn.Parameter(torch.ones(2)),
        "big_int": torch.zeros(1 << 21, dtype=torch.long),
        "uint8": torch.arange(5, dtype=torch.uint8),
    }
    return zoo


def hostile_scene(kind):
    """A failing frame full of hostile values (and a torch error that explainerr can diagnose)."""
    h = Hostile()
    meta_instance = Hostile
    dict_prop = WithDictProperty()
    slotted = Slotted()
    batch = {"input_ids": torch.zeros(2, 5, dtype=torch.long), "evil": h, "nested": {"deeper": h, "t": torch.ones(1)}}
    hostile_batch = HostileDict(input_ids=torch.zeros(2, 5, dtype=torch.long), evil=h)
    user_dict_like = types.SimpleNamespace(data={"input_ids": torch.ones(2, 2), "evil": h})
    seq = [h, torch.ones(2), h, {"evil": h}]
    tup = (h, h)
    counting = torch.ones(2, 3).as_subclass(CountingTensor)
    counting.evil = h
    model = HostileModule()
    mod = evil_module
    zoo = tensor_zoo()
    __tracebackhide__ = h
    keys = {h: torch.ones(1), "ok": torch.ones(1)}
    scores = torch.randn(2, 7)
    attention_mask = torch.ones(2, 5)
    if kind == "value":
        raise ValueError("plain failure with hostile locals")
    if G_HOSTILE is not None and G_DICT is not None:
        return scores * attention_mask


class Boom(Exception):
    pass


class BadStr(Exception):
    def __str__(self):
        raise RuntimeError("str failed")


class NotAnError(BaseException):
    pass


class HostileArgsError(Exception):
    def __getattribute__(self, name):
        if name not in ("__traceback__", "__cause__", "__context__", "__suppress_context__", "__class__",
                        "args", "__notes__", "with_traceback", "__str__", "__dict__", "__repr__",
                        "print_file_and_line"):  # what Python's own traceback reads
            touched("exception.__getattribute__ " + name)
        return Exception.__getattribute__(self, name)


def cycle_from_self():
    e = ValueError("cause is itself")
    try:
        raise e from e
    except ValueError as x:
        raise x


def context_cycle():
    a, b = KeyError("context a"), KeyError("context b")
    a.__context__, b.__context__ = b, a
    raise a


def long_chain():
    try:
        try:
            raise IndexError("inner")
        except IndexError:
            raise TypeError("middle")
    except TypeError as e:
        raise RuntimeError("outer") from e


def recurse(n):
    return recurse(n + 1)


def deep(n, t):
    local_tensor = torch.zeros(2, n % 7 + 1)
    if n == 0:
        return t @ torch.ones(5, 2)
    return deep(n - 1, local_tensor)


def in_exec():
    exec(compile("def f():\n    raise ValueError('raised in exec')\nf()\n", "<string>", "exec"), {})


def exec_with_mapping():
    exec("x = 1\nraise ValueError('raised with a mapping as locals')\n", {}, HostileMapping())


def exec_with_dict_subclass():
    exec("x = 1\nraise ValueError('raised with a dict subclass as locals')\n", {}, HostileDict())


class PrepareMeta(type):
    @classmethod
    def __prepare__(mcs, name, bases):
        return HostileDict()


def class_body():
    class C(metaclass=PrepareMeta):
        t = torch.ones(2)
        raise ValueError("raised in a class body")


def _module(name, source, directory, encoding="utf-8"):
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, name + ".py")
    with open(path, "wb") as f:
        f.write(source.encode(encoding))
    return path


def _import(name, directory):
    sys.path.insert(0, directory)
    try:
        return __import__(name)
    finally:
        sys.path.remove(directory)


SRC = "import torch\ndef fail():\n    ids = torch.ones(2, 3)\n    raise ValueError({msg!r})\n"


def deleted_file():
    d = os.path.join(WORK, "deleted")
    path = _module("mod_deleted", SRC.format(msg="from a deleted file"), d)
    m = _import("mod_deleted", d)
    os.remove(path)
    m.fail()


def from_zip():
    zpath = os.path.join(WORK, "pkg.zip")
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr("mod_zip.py", SRC.format(msg="from a zip"))
    sys.path.insert(0, zpath)
    try:
        import mod_zip
    finally:
        sys.path.remove(zpath)
    mod_zip.fail()


def pyc_only():
    d = os.path.join(WORK, "pyc")
    path = _module("mod_pyc", SRC.format(msg="from a pyc without source"), d)
    py_compile.compile(path, cfile=os.path.join(d, "mod_pyc.pyc"))
    os.remove(path)
    _import("mod_pyc", d).fail()


def latin1():
    d = os.path.join(WORK, "latin")
    src = "# -*- coding: latin-1 -*-\n# caf\xe9 cr\xe8me\nimport torch\ndef fail():\n    s = 'd\xe9j\xe0'\n" \
          "    mask = torch.ones(2, 4)\n    return torch.ones(2, 5) * mask\n"
    _module("mod_latin", src, d, encoding="latin-1")
    _import("mod_latin", d).fail()


def long_path():
    d = WORK
    for i in range(7):
        d = os.path.join(d, ("d%d" % i) + "x" * 200)
    name = "m" + "y" * 240
    _module(name, SRC.format(msg="from a very long path"), d)
    _import(name, d).fail()


def group():
    raise ExceptionGroup("grouped failures", [ValueError("one"), TypeError("two")])


def huge_message():
    raise ValueError("start-of-message " + "x" * 200_000 + " end-of-message")


CASES = [
    ("hostile_torch", lambda: hostile_scene("torch")),
    ("hostile_value", lambda: hostile_scene("value")),
    ("bad_str", lambda: (_ for _ in ()).throw(BadStr())),
    ("hostile_exception", lambda: (_ for _ in ()).throw(HostileArgsError("hostile exception attrs"))),
    ("raise_e_from_e", cycle_from_self),
    ("context_cycle", context_cycle),
    ("chain", long_chain),
    ("exception_group", group),
    ("base_exception", lambda: (_ for _ in ()).throw(NotAnError("not an Exception"))),
    ("recursion_full_depth", lambda: recurse(0)),
    ("deep_1000_frames", lambda: deep(1000, torch.ones(3, 4))),
    ("exec_string", in_exec),
    ("exec_mapping_locals", exec_with_mapping),
    ("exec_dict_subclass_locals", exec_with_dict_subclass),
    ("class_body_prepare", class_body),
    ("deleted_file", deleted_file),
    ("zip_module", from_zip),
    ("pyc_only", pyc_only),
    ("latin1_source", latin1),
    ("long_path", long_path),
    ("huge_message", huge_message),
]
ONLY = os.environ.get("HOSTILE_ONLY")
if ONLY:
    CASES = [c for c in CASES if c[0] in ONLY.split(",")]


def exception_line(exc):
    """The last line Python prints for exc (its type and message)."""
    import traceback
    lines = traceback.format_exception_only(type(exc), exc)
    return [ln.rstrip("\n") for ln in lines if ln.strip()][-1].lstrip(" |")


class TorchModeCounter(torch.overrides.TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        touched("TorchFunctionMode " + getattr(func, "__name__", "?"))
        return func(*args, **(kwargs or {}))


from torch.utils._python_dispatch import TorchDispatchMode


class DispatchModeCounter(TorchDispatchMode):
    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        touched("TorchDispatchMode " + str(func))
        return func(*args, **(kwargs or {}))


sys.setrecursionlimit(3000)
for name, fn in CASES:
    exc = None
    try:
        fn()
    except BaseException as e:
        exc = e
    line = exception_line(exc)
    buf = io.StringIO()
    old = sys.stderr
    sys.stderr = buf
    crash = None
    CALLS.clear()
    t0 = time.monotonic()
    ARMED[0] = True
    try:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    except BaseException as e:
        crash = "excepthook raised %s: %s" % (type(e).__name__, e)
    finally:
        ARMED[0] = False
        sys.stderr = old
    out = buf.getvalue()
    result = {"case": name, "line": line, "type": type(exc).__name__, "hook_calls": list(CALLS), "crash": crash,
              "out_tail": out[-600:], "has_line": line in out or exception_line(exc)[:300] in out,
              "seconds": round(time.monotonic() - t0, 2), "explained": bool(re.search(r"(?m)^explainerr\b", out)),
              "failed_line": "explainerr: the analysis" in out}
    if MODE != "plain":
        CALLS.clear()
        ARMED[0] = True
        try:
            with TorchModeCounter(), DispatchModeCounter():
                report = explainerr.explain(exc)
            result["explain_type"] = report.exception.type
            result["explain_message_ok"] = report.exception.message[:200] == str(exc)[:200] if name != "bad_str" else True
            result["explain_pattern"] = report.diagnosis.pattern if report.diagnosis else None
            result["tensors"] = sorted({t.expr for f in report.frames for t in f.tensors})
        except BaseException as e:
            result["crash"] = (crash or "") + " explain raised %s: %s" % (type(e).__name__, e)
        finally:
            ARMED[0] = False
        result["explain_calls"] = list(CALLS)
    print(json.dumps(result), flush=True)

raise RuntimeError("final uncaught error")
'''


def run_driver(tmp_path: Path, mode: str, behaviour: str = "count", only: str | None = None,
               debug: str = "1") -> tuple[subprocess.CompletedProcess[str], dict[str, dict]]:
    script = tmp_path / "driver.py"
    script.write_text(DRIVER)
    work = tmp_path / f"work-{mode}-{behaviour}"
    work.mkdir()
    env = {"HOSTILE_MODE": mode, "HOSTILE_BEHAVIOUR": behaviour, "HOSTILE_WORK": str(work),
           "EXPLAINERR_DEBUG": debug}
    if only:
        env["HOSTILE_ONLY"] = only
    args = ["-m", "explainerr", str(script)] if mode == "runner" else [str(script)]
    p = run_py(args, cwd=tmp_path, env=env, timeout=240)
    results = {}
    for line in p.stdout.splitlines():
        if line.startswith("{"):
            r = json.loads(line)
            results[r["case"]] = r
    return p, results


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    return run_driver(tmp_path_factory.mktemp("plain"), "plain")


@pytest.mark.parametrize("mode", ["hook", "runner"])
def test_hostile_cases_keep_the_error_and_run_no_user_code(mode, baseline, tmp_path):
    base_proc, base = baseline
    p, results = run_driver(tmp_path, mode)
    assert set(results) == set(base) and len(results) >= 20, p.stderr[-3000:]
    assert p.returncode == base_proc.returncode == 1
    assert "RuntimeError: final uncaught error" in p.stderr and "RuntimeError: final uncaught error" in base_proc.stderr
    problems = []
    for name, r in results.items():
        b = base[name]
        if r["crash"]:
            problems.append((name, r["crash"]))
        if r["hook_calls"] or r["explain_calls"]:
            problems.append((name, "user code ran", r["hook_calls"][:5], r["explain_calls"][:5]))
        if not r["has_line"] or r["line"] != b["line"]:
            problems.append((name, "original error line missing", r["line"], r["out_tail"][-300:]))
        if r["failed_line"]:
            problems.append((name, "analysis failed / timed out", r["out_tail"][-300:]))
        if r["type"] not in ("ExceptionGroup", "NotAnError"):
            if not (r["explained"] and r.get("explain_type") == r["type"] and r.get("explain_message_ok")):
                problems.append((name, "not explained", r["out_tail"][-300:]))
    assert not problems, problems
    assert results["hostile_torch"]["explain_pattern"] == "mask-length-mismatch"
    zoo = {t.split('"')[1] for t in results["hostile_torch"]["tensors"] if t.startswith('zoo["')}
    # every plain tensor of the zoo is described; the nested tensor and subclass are left alone, not fatal
    assert {"meta", "coo", "csr", "quantized", "zero_dim", "zero_size", "dims64", "noncontig", "requires_grad",
            "complex", "bool", "param", "big_int", "uint8"} <= zoo, zoo
    assert "batch[\"input_ids\"]" in results["hostile_torch"]["tensors"]
    assert not any(t.startswith("counting") for t in results["hostile_torch"]["tensors"])
    assert "end-of-message" in results["huge_message"]["out_tail"]


@pytest.mark.parametrize("behaviour", ["raise", "hang", "exit"])
def test_misbehaving_values_change_nothing(behaviour, tmp_path):
    p, results = run_driver(tmp_path, "hook", behaviour, only="hostile_torch,hostile_value,hostile_exception",
                            debug="0")
    assert p.returncode == 1 and "RuntimeError: final uncaught error" in p.stderr
    assert set(results) == {"hostile_torch", "hostile_value", "hostile_exception"}
    for r in results.values():
        assert not r["crash"] and not r["hook_calls"] and not r["explain_calls"], r
        assert r["has_line"] and r["explained"] and not r["failed_line"], r


THREADS = r'''
import threading, torch, explainerr
explainerr.install()
barrier = threading.Barrier(8)
def work(i):
    scores = torch.randn(2, 7)
    attention_mask = torch.ones(2, 5 + (i % 2))
    barrier.wait()
    if i % 3 == 0:
        raise ValueError("thread-failure-%d" % i)
    scores * attention_mask
threads = [threading.Thread(target=work, args=(i,), name=f"worker-{i}") for i in range(8)]
for t in threads: t.start()
for t in threads: t.join()
print("main continues")
'''


def test_eight_threads_failing_at_once_give_eight_whole_blocks(tmp_path):
    script = tmp_path / "threads.py"
    script.write_text(THREADS)
    p = run_py([str(script)], cwd=tmp_path, timeout=120)
    assert p.returncode == 0 and "main continues" in p.stdout
    blocks = re.split(r"(?m)^(?=Exception in thread )", p.stderr)
    blocks = [b for b in blocks if b.startswith("Exception in thread ")]
    assert len(blocks) == 8, p.stderr[-2000:]
    seen = set()
    for b in blocks:
        name = re.match(r"Exception in thread (worker-\d)", b).group(1)
        i = int(name[-1])
        seen.add(i)
        # each block is contiguous: its own traceback, its own error and its own explanation, nobody else's
        assert b.count("Traceback (most recent call last") == 1, b
        if i % 3 == 0:
            assert f"ValueError: thread-failure-{i}" in b and set(re.findall(r"thread-failure-(\d)", b)) == {str(i)}
            assert "no known mistake" in b
        else:
            assert "must match the size of tensor b" in b and "mask-length-mismatch" in b
            assert not re.findall(r"thread-failure-\d", b)
    assert seen == set(range(8))


FAILING = "print('out')\nids = [1, 2, 3]\nraise ValueError('the original failure')\n"
LOUD = "for i in range(20000):\n    print('x' * 100)\nraise ValueError('the original failure')\n"


def _bash(cmd: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    import os
    env = dict(os.environ, NO_COLOR="1", EXPLAINERR_DEBUG="1")
    return subprocess.run(["bash", "-c", cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("source", [FAILING, LOUD], ids=["quiet", "loud"])
def test_broken_or_closed_stderr(source, tmp_path):
    (tmp_path / "s.py").write_text(source)
    py = sys.executable
    for redirect in ("2>&1 | head -1; echo rc=${PIPESTATUS[0]}", "2>&-; echo rc=$?", ">/dev/null 2>&-; echo rc=$?"):
        plain = _bash(f"{py} s.py {redirect}", tmp_path)
        ours = _bash(f"{py} -m explainerr s.py {redirect}", tmp_path)
        hooked = _bash(f"{py} -c 'import explainerr, runpy; explainerr.install(); "
                       f"runpy.run_path(\"s.py\", run_name=\"__main__\")' {redirect}", tmp_path)
        rc = re.search(r"rc=(\d+)", plain.stdout).group(1)
        for p in (ours, hooked):
            assert re.search(r"rc=(\d+)", p.stdout).group(1) == rc, (redirect, plain.stdout[-300:], p.stdout[-300:])
            assert not shows_explainerr(p.stderr), p.stderr


def test_recursion_error_uncaught_at_full_depth(tmp_path):
    script = tmp_path / "r.py"
    script.write_text("import torch, explainerr\nexplainerr.install()\n"
                      "def f(n, t):\n    return f(n + 1, t)\nf(0, torch.ones(2))\n")
    p = run_py([str(script)], timeout=120)
    assert p.returncode == 1
    assert "RecursionError: maximum recursion depth exceeded" in p.stderr
    assert "explainerr: the analysis" not in p.stderr
    assert len(p.stderr.splitlines()) < 200  # repeated frames are folded, as Python does


def test_ipython_cell_with_hostile_locals(capsys):
    pytest.importorskip("IPython")
    shell = ipython_shell()
    shell.run_line_magic("load_ext", "explainerr")
    try:
        shell.run_cell(textwrap.dedent("""
            import torch
            CALLS = []
            ARMED = [False]
            class H:
                def __getattribute__(self, n):
                    if ARMED[0]: CALLS.append(n)
                    return object.__getattribute__(self, n)
                def __repr__(self):
                    CALLS.append('repr'); return 'H'
                def __bool__(self):
                    CALLS.append('bool'); return True
                def __len__(self):
                    CALLS.append('len'); return 1
                def __eq__(self, o):
                    CALLS.append('eq'); return False
                __hash__ = object.__hash__
            h = H()
            batch = {"evil": h, "input_ids": torch.zeros(2, 3, dtype=torch.long)}
            hidden = torch.zeros(2, 5, 3)
            attention_mask = torch.ones(2, 4)
            ARMED[0] = True
            pooled = hidden * attention_mask.unsqueeze(-1)
        """))
        out = capsys.readouterr().out
        assert "RuntimeError" in out and "must match the size" in out
        assert "mask-length-mismatch" in out
        assert "explainerr: the analysis" not in out and "Custom TB Handler failed" not in out
        shell.run_cell("ARMED[0] = False\nprint('calls', CALLS)")
        assert "calls []" in capsys.readouterr().out
    finally:
        shell.run_line_magic("unload_ext", "explainerr")


# --- property tests: random hostile structures in a frame, random regexes -------------------------------

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402


def _hostile_values():
    import torch

    calls: list[str] = []
    armed = [False]

    class H:
        def __getattribute__(self, n):
            if armed[0]:
                calls.append(n)
            return object.__getattribute__(self, n)

        def __getattr__(self, n):
            calls.append("getattr " + n)
            raise AttributeError(n)

        def __repr__(self):
            calls.append("repr")
            return "H"

        def __eq__(self, o):
            calls.append("eq")
            return False

        def __hash__(self):
            calls.append("hash")
            return 1

        def __bool__(self):
            calls.append("bool")
            return True

        def __len__(self):
            calls.append("len")
            return 0

        def __iter__(self):
            calls.append("iter")
            return iter(())

    leaves = st.sampled_from(["h", "tensor", "int", "str", "none", "module"])
    tree = st.recursive(leaves, lambda children: st.one_of(
        st.lists(children, max_size=4), st.tuples(children, children),
        st.dictionaries(st.sampled_from(["input_ids", "labels", "evil", "x"]), children, max_size=4)), max_leaves=12)

    def build(spec):
        if spec == "h":
            return H()
        if spec == "tensor":
            return torch.ones(2, 3)
        if spec == "int":
            return 3
        if spec == "str":
            return "text"
        if spec == "module":
            return torch.nn.Linear(2, 2)
        if spec == "none":
            return None
        if isinstance(spec, list):
            return [build(s) for s in spec]
        if isinstance(spec, tuple):
            return tuple(build(s) for s in spec)
        return {k: build(v) for k, v in spec.items()}

    return tree, build, calls, armed


_TREE, _BUILD, _CALLS, _ARMED = _hostile_values()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TREE, _TREE)
def test_random_hostile_structures_run_no_user_code(a, b):
    import explainerr
    import torch

    def fail(first, second):
        scores = torch.randn(2, 7)
        mask = torch.ones(2, 5)
        return scores * mask

    try:
        fail(_BUILD(a), _BUILD(b))
    except RuntimeError as e:
        _CALLS.clear()
        _ARMED[0] = True
        try:
            report = explainerr.explain(e)
        finally:
            _ARMED[0] = False
    assert _CALLS == []
    assert report.exception.type == "RuntimeError" and report.diagnosis is not None


# --- knowledge packs are untrusted input ----------------------------------------------------------------

PACK_PATTERN = """  - id: {id}
    exception: [ValueError]
    message: '{message}'
    title: A user rule
    summary: a user rule matched
    explain: the user rule explains it
    fix: {{description: do it differently, code: "x = 1"}}
    samples: [{{message: "aaaa!", torch: "2.13.0"}}]
"""


def _hostile_packs(d: Path, marker: Path) -> Path:
    packs = d / "packs"
    packs.mkdir()
    (packs / "tag.yaml").write_text(f"patterns: !!python/object/apply:os.system [\"touch {marker}\"]\n")
    (packs / "redos.yaml").write_text("patterns:\n" + PACK_PATTERN.format(id="redos-rule", message="^(?:a+)+$")
                                      + PACK_PATTERN.format(id="backref-rule", message="(a)\\1")
                                      + PACK_PATTERN.format(id="lookahead-rule", message="(?=a)a!"))
    (packs / "big.yaml").write_text("# " + "x" * (1 << 20) + "\npatterns: []\n")
    (packs / "many.yaml").write_text("patterns:\n" + "".join(
        PACK_PATTERN.format(id=f"rule-{i}", message="aaaa") for i in range(501)))
    (packs / "collide.yaml").write_text("patterns:\n" + PACK_PATTERN.format(id="mask-length-mismatch",
                                                                            message="aaaa"))
    (packs / "fine.yaml").write_text("patterns:\n" + PACK_PATTERN.format(id="fine-rule", message="^aaaa!$"))
    return packs


def test_check_knowledge_refuses_hostile_packs_naming_file_and_key(tmp_path):
    marker = tmp_path / "PWNED"
    packs = _hostile_packs(tmp_path, marker)
    p = run_py(["-m", "explainerr", "check-knowledge", str(packs)], timeout=60)
    assert p.returncode == 1
    out = p.stdout
    assert not marker.exists()
    assert re.search(r"tag\.yaml: refused: YAML tags that construct objects are not allowed", out), out
    for rule, why in (("backref-rule", r"invalid escape sequence: \\1"), ("lookahead-rule", r"invalid perl operator")):
        assert re.search(rf"redos\.yaml: pattern '{rule}': key 'message': regex .* is not accepted by the "
                         rf"linear-time regex engine \(RE2: {why}", out), (rule, out)
    assert "redos-rule" not in out   # backtracking-prone for Python's re, linear for RE2: accepted
    assert re.search(r"big\.yaml: file is larger than 1048576 bytes", out), out
    assert re.search(r"many\.yaml: key 'patterns': has 501 patterns; at most 500", out), out
    assert re.search(r"collide\.yaml: pattern 'mask-length-mismatch': key 'id': duplicate id, also in the "
                     r"built-in .*masks\.yaml", out), out
    assert "fine.yaml" not in out and "2 pattern(s) OK, 6 problem(s)" in out


PACK_SCRIPT = """
import sys, torch, explainerr
explainerr.install()
try:
    raise ValueError("a" * 3000 + "!")     # what `^(a+)+$` would take forever on with a backtracking engine
except ValueError:
    sys.excepthook(*sys.exc_info())
try:
    raise ValueError("aaaa!")
except ValueError:
    sys.excepthook(*sys.exc_info())
hidden = torch.zeros(2, 5, 3)
attention_mask = torch.ones(2, 4)
pooled = hidden * attention_mask.unsqueeze(-1)
"""


def test_hostile_user_packs_cannot_break_or_hang_the_hook(tmp_path):
    marker = tmp_path / "PWNED"
    packs = _hostile_packs(tmp_path, marker)
    script = tmp_path / "s.py"
    script.write_text(PACK_SCRIPT)
    p = run_py([str(script)], env={"EXPLAINERR_KNOWLEDGE": str(packs)}, timeout=120)
    assert p.returncode == 1 and not marker.exists()
    assert "ValueError: " + "a" * 3000 + "!" in p.stderr and "ValueError: aaaa!" in p.stderr
    assert "[fine-rule" in p.stderr                            # the valid user rule still works
    assert "mask-length-mismatch" in p.stderr                  # and so does the built-in knowledge
    assert p.stderr.count("problem(s) in user knowledge packs") == 3
    assert "explainerr: the analysis" not in p.stderr
