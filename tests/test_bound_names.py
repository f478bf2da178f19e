"""checks.bound_names: the names a line of a script can read (every name a fix's edit reads must be one), from
each kind of binding, in a file with and without `:=` (without it, only statements and their targets are read)."""
from __future__ import annotations

import linecache

import pytest

from explainerr.fixes.checks import _BUILTINS, bound_names

SCRIPT = """\
import os, numpy as np
from collections import OrderedDict as OD
import a.b.c
A = 1
B, (C, *D) = 1, (2, 3, 4)
E: int = 5
F: int
G += 1
for H, I in []:
    pass
with open(x) as J, open(y) as (K, L):
    pass
try:
    pass
except ValueError as M:
    N = 1
else:
    O = 1
finally:
    P = 1
del Q
X[[R for R in range(3)]] = 1
S.attr = T[0] = 1
match cmd:
    case 1:
        U = 1
if True:
    while False:
        V = 1
class W:
    inner = 1
def f(p1, /, p2, *args, k1, **kw):
    global GG
    local1 = 2
    lam = lambda la: la
    def g():
        hidden = 1
    return local1{walrus_in_f}
Z = 0{walrus_at_module}
"""
MODULE = {"os", "np", "OD", "a", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P",
          "Q", "U", "V", "W", "f"}
IN_F = MODULE | {"Z", "p1", "p2", "args", "k1", "kw", "GG", "local1", "lam", "g"}


@pytest.mark.parametrize("walrus", [False, True])
def test_every_kind_of_binding_is_found_and_nothing_else(tmp_path, walrus):
    text = SCRIPT.format(walrus_in_f=" + (w_f := 1)" if walrus else "",
                         walrus_at_module="\nif (w_module := 3):\n    pass" if walrus else "")
    path = tmp_path / "script.py"
    path.write_text(text)
    linecache.checkcache(str(path))
    lines = text.splitlines()
    in_f = bound_names(str(path), lines.index("    return local1" + (" + (w_f := 1)" if walrus else "")) + 1)
    at_z = bound_names(str(path), lines.index("Z = 0") + 1)
    assert at_z - _BUILTINS == MODULE  # module-level code: only what is bound before its line
    assert in_f - _BUILTINS == IN_F | ({"w_f", "w_module"} if walrus else set())


CALLED_EARLY = """\
def build_tokenizer(words):
    tok = sorted(words)
    return tok

def train(data):
    return len(data)

tok = build_tokenizer(["b", "a"])
model = object()
if __name__ == "__main__":
    train([model])
"""


def test_a_function_the_script_calls_early_reads_only_the_names_bound_by_then(tmp_path):
    path = tmp_path / "early.py"
    path.write_text(CALLED_EARLY)
    linecache.checkcache(str(path))
    lines = CALLED_EARLY.splitlines()
    in_build = bound_names(str(path), lines.index("    return tok") + 1)
    in_train = bound_names(str(path), lines.index("    return len(data)") + 1)
    assert "model" not in in_build and "tok" in in_build  # its own local; `model` is made after the call
    assert "model" in in_train  # called only once everything above the `__main__` block is bound
