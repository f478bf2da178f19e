"""`%load_ext explainerr` in a real IPython InteractiveShell: the cell error is explained after IPython's own
traceback, sys.last_* are set, and `%unload_ext` restores the custom-exception setting."""
from __future__ import annotations

import re
import sys

import pytest

from conftest import shows_explainerr

pytest.importorskip("IPython")


@pytest.fixture(scope="module")
def shell():
    from IPython.testing.globalipapp import start_ipython
    return start_ipython()


def test_cell_error_is_explained_and_unload_restores(shell, capsys):
    before = shell.custom_exceptions
    shell.run_line_magic("load_ext", "explainerr")
    assert shell.custom_exceptions == (Exception,)
    shell.run_cell("import torch\nhidden = torch.zeros(2, 5, 3)\nattention_mask = torch.ones(2, 4)\n"
                   "pooled = hidden * attention_mask.unsqueeze(-1)\n")
    out = capsys.readouterr().out
    assert "RuntimeError" in out and "must match the size" in out            # IPython's own traceback
    assert "mask-length-mismatch" in out and "`attention_mask` covers 4 positions" in out
    assert sys.last_type is RuntimeError
    shell.run_line_magic("unload_ext", "explainerr")
    assert shell.custom_exceptions == before
    shell.run_cell("raise ValueError('after unload')")
    out = capsys.readouterr().out
    assert "after unload" in out and not shows_explainerr(out)


def test_no_match_in_a_cell_gives_no_explanation(shell, capsys):
    shell.run_line_magic("load_ext", "explainerr")
    try:
        shell.run_cell("{}['missing']")
        out = capsys.readouterr().out
        assert "KeyError" in out and "no known mistake" in out
    finally:
        shell.run_line_magic("unload_ext", "explainerr")


def test_cells_are_named_as_ipython_names_them(shell, capsys):
    shell.run_line_magic("load_ext", "explainerr")
    try:
        shell.run_cell("import torch\ndef build_mask(width):\n    return torch.ones(2, width)\n"
                       "hidden = torch.zeros(2, 5, 3)\nattention_mask = build_mask(4)\n"
                       "pooled = hidden * attention_mask.unsqueeze(-1)\n")
        out = capsys.readouterr().out
    finally:
        shell.run_line_magic("unload_ext", "explainerr")
    explanation = out[out.index("explainerr ["):]
    assert "Where the values come from" in explanation
    assert re.search(r"Cell In\[\d+\], line 5 in <module>:  attention_mask = build_mask\(4\)", explanation)
    assert "<ipython-input" not in explanation
