"""`%explainerr fix` in a real IPython shell: the last explained error's corrected cell goes into the next input
(`set_next_input`), and the corrected cell runs; where there is no cell to correct, one line says why; the magic
goes away with `%unload_ext`."""
from __future__ import annotations

import sys
import textwrap

import pytest

pytest.importorskip("IPython")

CELL = textwrap.dedent("""\
    import torch
    lengths = torch.tensor([5, 3])
    hidden = torch.zeros(2, 5, 3)
    attention_mask = (torch.arange(4).unsqueeze(0) < lengths.unsqueeze(1)).long()
    pooled = hidden * attention_mask.unsqueeze(-1)""")
CORRECTED = CELL.replace("torch.arange(4)", "torch.arange(hidden.size(1))")


@pytest.fixture
def shell(monkeypatch):
    from conftest import ipython_shell
    monkeypatch.setenv("EXPLAINERR_DEADLINE_MS", "0")  # a cold first analysis on a busy machine: no deadline
    sh = ipython_shell()
    sh.run_line_magic("load_ext", "explainerr")
    sh.rl_next_input = None
    yield sh
    sh.run_line_magic("unload_ext", "explainerr")


def test_fix_puts_the_corrected_cell_into_the_next_input(shell, capsys):
    shell.run_cell(CELL)
    assert "Build the mask with the batch's own length (5) instead of 4" in capsys.readouterr().out
    shell.run_line_magic("explainerr", "fix")
    assert capsys.readouterr().out == "explainerr: the corrected cell is in the next input; check it, then run it\n"
    assert shell.rl_next_input == CORRECTED
    assert shell.run_cell(shell.rl_next_input).success
    assert tuple(shell.user_ns["pooled"].shape) == (2, 5, 3)


def test_an_edit_in_a_file_is_not_put_into_a_cell(shell, capsys, tmp_path, monkeypatch):
    (tmp_path / "masks.py").write_text(textwrap.dedent("""\
        import torch
        def pool(hidden, lengths):
            attention_mask = (torch.arange(4).unsqueeze(0) < lengths.unsqueeze(1)).long()
            return hidden * attention_mask.unsqueeze(-1)
        """))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    shell.run_cell("import torch, masks\npooled = masks.pool(torch.zeros(2, 5, 3), torch.tensor([5, 3]))")
    assert "masks.py, line 3" in capsys.readouterr().out
    shell.run_line_magic("explainerr", "fix")
    assert capsys.readouterr().out == ("explainerr: the fix edits masks.py, a file, not a cell: edit it there (or run "
                                       "the script with `python -m explainerr --apply`)\n")
    assert shell.rl_next_input is None
    sys.modules.pop("masks", None)


def test_without_an_error_or_an_edit_one_line_says_so(shell, capsys):
    shell.run_line_magic("explainerr", "fix")
    assert capsys.readouterr().out == ("explainerr: no error has been explained in this session yet "
                                       "(`%load_ext explainerr` first)\n")
    shell.run_cell("{}['missing']")
    capsys.readouterr()
    shell.run_line_magic("explainerr", "")
    assert capsys.readouterr().out == "explainerr: the last error has no edit to apply\n"
    shell.run_line_magic("explainerr", "apply")
    assert capsys.readouterr().out.startswith("explainerr: usage: %explainerr fix")
    assert shell.rl_next_input is None


def test_unload_removes_the_magic(shell):
    from IPython.core.error import UsageError
    shell.run_line_magic("unload_ext", "explainerr")
    try:
        with pytest.raises(UsageError):
            shell.run_line_magic("explainerr", "fix")
    finally:
        shell.run_line_magic("load_ext", "explainerr")
