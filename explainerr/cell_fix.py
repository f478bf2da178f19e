"""`%explainerr fix` in IPython / Jupyter: the notebook's `--apply`.

The fix of the last explained error edits the code of a cell; the magic applies the edits to that cell's source
(as IPython keeps it in linecache) and puts the corrected cell into the next input with the shell's public
`set_next_input`, for the user to read and run.  Nothing is executed and no file is written.  Where that cannot
be done (no error explained yet, no edit, edits in a file on disk or in more than one cell) one line says why.
"""
from __future__ import annotations

import os
from typing import Any

from . import files as sources  # trusted sources only: a cell registered whole, never a module's loader

USAGE = "usage: %explainerr fix   (puts the last error's corrected cell into the next input)"


def _is_cell(path: str) -> bool:
    """Code typed in the shell: known to linecache but not a file on disk (`<ipython-input-…>`, ipykernel's
    per-cell names)."""
    return not os.path.isfile(path) and bool(sources.lines(path))


def corrected_cell(report: Any) -> tuple[str | None, str]:
    """(corrected cell text, message) for the report's fix; text is None when there is none to give."""
    from .patching import apply_to_lines
    d = getattr(report, "diagnosis", None)
    fix = d.fix if d is not None else None
    if fix is None or not fix.edits:
        return None, "the last error has no edit to apply" + (" (its fix is shown as code only)" if fix else "")
    files = list(dict.fromkeys(e.file for e in fix.edits))
    on_disk = [f for f in files if not _is_cell(f)]
    if on_disk:
        return None, (f"the fix edits {os.path.relpath(on_disk[0])}, a file, not a cell: edit it there (or run the "
                      "script with `python -m explainerr --apply`)")
    if len(files) > 1:
        return None, f"the fix edits {len(files)} cells; apply it by hand from the explanation above"
    try:
        lines = apply_to_lines(list(sources.lines(files[0])), fix.edits)
    except ValueError as exc:
        return None, f"the edits do not fit the cell any more: {exc}"
    return "".join(lines).rstrip("\n"), "the corrected cell is in the next input; check it, then run it"


def magic(shell: Any, line: str, last_report: Any) -> None:
    """The body of `%explainerr`: `fix` (the default) puts the corrected cell into the next input."""
    words = line.split()
    if words and words[0] != "fix":
        print(f"explainerr: {USAGE}")
        return
    if last_report is None:
        print("explainerr: no error has been explained in this session yet (`%load_ext explainerr` first)")
        return
    text, message = corrected_cell(last_report)
    if text is not None:
        shell.set_next_input(text, replace=False)
    print(f"explainerr: {message}")
