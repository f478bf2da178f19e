"""Python's own traceback text, written from what exceptions.py read: explainerr's fallback.

Whenever explainerr cannot explain (its analysis failed or ran out of time, the stream refused its text), the
user gets what `python script.py` prints, without a second call of the exception's `__str__` and without
reading anything live again.  Frames are formatted by the standard library's `traceback.StackSummary` (the
same code, carets and folding of repeated lines as Python's own), from FrameSummary objects that are given
their line, so nothing is looked up again.  Chains are printed oldest first with Python's separators; notes
follow their exception; a SyntaxError shows its line and caret.  Exception groups are not written here:
the hook hands them to Python itself.
"""
from __future__ import annotations

import traceback
from typing import Sequence

from .model import ExceptionFacts, FrameFacts

HEADER = "Traceback (most recent call last):\n"
SEPARATORS = {"cause": "\nThe above exception was the direct cause of the following exception:\n\n",
              "context": "\nDuring handling of the above exception, another exception occurred:\n\n"}


def exception_only(e: ExceptionFacts) -> list[str]:
    """The lines after the frames: `Type: message` (or SyntaxError's location and caret), then the notes."""
    name = e.display or e.type
    lines = syntax_lines(name, e.syntax) if e.syntax is not None else [
        f"{name}: {e.message}\n" if e.message else f"{name}\n"]
    for note in e.notes:
        lines.extend(part + "\n" for part in note.split("\n"))
    return lines


def syntax_lines(stype: str, syntax: Sequence[object]) -> list[str]:
    """As Python 3.11 formats a SyntaxError (traceback.TracebackException._format_syntax_error)."""
    filename, lineno, offset, text, _end_lineno, end_offset, msg = syntax
    out: list[str] = []
    suffix = ""
    if lineno is not None:
        out.append(f'  File "{filename or "<string>"}", line {lineno}\n')
    elif filename is not None:
        suffix = f" ({filename})"
    if isinstance(text, str):
        rtext = text.rstrip("\n")
        ltext = rtext.lstrip(" \n\f")
        spaces = len(rtext) - len(ltext)
        out.append(f"    {ltext}\n")
        if isinstance(offset, int):
            end = end_offset if isinstance(end_offset, int) and end_offset != 0 else offset
            if offset == end or end == -1:
                end = offset + 1
            colno, end_colno = offset - 1 - spaces, end - 1 - spaces
            if colno >= 0:
                caretspace = "".join(c if c.isspace() else " " for c in ltext[:colno])
                out.append(f"    {caretspace}{'^' * (end_colno - colno)}\n")
    out.append(f"{stype}: {msg or '<no detail available>'}{suffix}\n")
    return out


def stack_lines(frames: Sequence[FrameFacts]) -> list[str]:
    """The `File ..., line ..., in ...` entries with their source lines and carets, as Python prints them."""
    summaries = []
    for f in frames:
        pos = f.position if f.position is not None and len(f.position) == 4 else (None, None, None, None)
        line = f.source + "\n" if f.source else ""  # as linecache gives it: the carets count the newline
        try:
            fs = traceback.FrameSummary(f.file, f.line, f.function, lookup_line=False, line=line,
                                        end_lineno=pos[1], colno=pos[2], end_colno=pos[3])
        except TypeError:  # Python 3.10: no positions
            fs = traceback.FrameSummary(f.file, f.line, f.function, lookup_line=False, line=line)
        summaries.append(fs)
    return list(traceback.StackSummary.from_list(summaries).format())


def links(chain: Sequence[ExceptionFacts]) -> list[ExceptionFacts]:
    """The chain's real links (text embedded in a message, such as a DataLoader worker's, is not one)."""
    return [c for c in chain if c.relation]


def format_python(top: ExceptionFacts, chain: Sequence[ExceptionFacts]) -> str:
    """The whole traceback as Python prints it: the oldest link first."""
    out: list[str] = []
    for link in reversed(links(chain)):
        out += _block(link)
        out.append(SEPARATORS[link.relation])
    out += _block(top)
    return "".join(out)


def _block(e: ExceptionFacts) -> list[str]:
    return ([HEADER, *stack_lines(e.frames)] if e.frames else []) + exception_only(e)
