"""Renders a Report: rich (panels, tables, a diff of the user's lines), plain text, or JSON.

Rendering is a pure function of the Report plus the user's source lines (files.py): no live frame or
tensor is seen here.  Every text that quotes the user's code beyond the traceback is masked for secrets
(masking.py), in every format.  rich is imported only when the rich format is used.
"""
from __future__ import annotations

import json
import os
import re
import sys
from typing import IO, Any, Sequence

from . import files
from .facts import shape_text
from .masking import mask_secrets, shown_report
from .model import Config, Diagnosis, ExceptionFacts, FrameFacts, Report, TensorFacts
from .pyformat import SEPARATORS, links, syntax_lines

LIBRARY_GROUPS = ("torch", "transformers", "explainerr")
#: At most this many tensors are listed when no known mistake matches; the rest are counted ("… N more").
TENSOR_CAP = 20
NO_MATCH = "explainerr: no known mistake matches this error."


def is_terminal(stream: IO[str] | None) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except Exception:
        return False


def choose_format(config: Config, stream: IO[str]) -> str:
    """The format to write on `stream`: rich on a terminal (NO_COLOR drops its colour, not its layout),
    plain into a pipe or a file or under TERM=dumb, unless a format was asked for (or colour forced)."""
    if config.format != "auto":
        return config.format
    if config.color is True:
        return "rich"
    return "rich" if is_terminal(stream) and os.environ.get("TERM") != "dumb" else "plain"


def render(report: Report, config: Config, stream: IO[str]) -> None:
    fmt = choose_format(config, stream)
    if fmt == "json":
        stream.write(json.dumps(report_dict(report), indent=2) + "\n")
    elif fmt == "rich":
        render_rich(report, config, stream)
    else:
        stream.write(render_plain(report, config.traceback))
    stream.flush()


def cell_name(path: str) -> str | None:
    """`Cell In[3]` for the code of an IPython or Jupyter cell, as IPython itself names it (its own file
    names are `<ipython-input-3-…>` or a temporary file of the kernel's), else None."""
    ipython = sys.modules.get("IPython")
    try:
        shell = ipython.get_ipython() if ipython is not None else None
        named = shell.compile.format_code_name(path) if shell is not None else None
        if named:
            return " ".join(named)
    except Exception:  # another IPython version, or no shell: fall back on the file name
        pass
    m = re.fullmatch(r"<ipython-input-(\d+)-\w+>|<cell (In\[\d*\])>", path)
    if m is None:
        return None
    return f"Cell In[{m.group(1)}]" if m.group(1) else f"Cell {m.group(2)}"


def _where(path: str, line: int) -> str:
    """`file:line`, or `Cell In[3], line 5` for a notebook cell."""
    cell = cell_name(path)
    return f"{cell}, line {line}" if cell else f"{_short(path)}:{line}"


def report_dict(report: Report) -> dict[str, Any]:
    """The JSON report (DESIGN.md §4) as explainerr writes it: secrets masked (masking.py)."""
    return shown_report(report, for_json=True).to_dict()


def _short(path: str) -> str:
    try:
        rel = os.path.relpath(path)
        return rel if not rel.startswith("..") else path
    except ValueError:
        return path


def _library_name(path: str) -> str:
    parts = path.replace("\\", "/").split("/")
    for key in ("site-packages", "dist-packages"):
        if key in parts:
            i = parts.index(key)
            return parts[i + 1] if i + 1 < len(parts) else "library"
    return "python"


def traceback_lines(report: Report) -> list[tuple[str, str | None, bool]]:
    """(location line, source line, is_user) for a compact traceback: library runs collapsed to one line."""
    return fold_frames(report.frames)


def fold_frames(frames: Sequence[FrameFacts]) -> list[tuple[str, str | None, bool]]:
    out: list[tuple[str, str | None, bool]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            names = sorted(set(run))
            out.append((f"  … {len(run)} frame{'s' if len(run) > 1 else ''} in {', '.join(names)}", None, False))
            run.clear()

    last = len(frames) - 1
    for i, f in enumerate(frames):
        if f.library and i != last:
            run.append(_library_name(f.file))
            continue
        flush()
        cell = cell_name(f.file)
        where = f"{cell}, line {f.line}" if cell else f'File "{_short(f.file)}", line {f.line}'
        out.append((f'  {where}, in {f.function}', f.source.strip() or None,
                    not f.library))
    flush()
    return _fold_repeats(out)


def _fold_repeats(rows: list[tuple[str, str | None, bool]]) -> list[tuple[str, str | None, bool]]:
    """A recursion's identical entries after the third become one line, as in Python's own traceback."""
    out: list[tuple[str, str | None, bool]] = []
    i = 0
    while i < len(rows):
        j = i
        while j < len(rows) and rows[j] == rows[i]:
            j += 1
        out.extend(rows[i:min(j, i + 3)])
        if j - i > 3:
            n = j - i - 3
            out.append((f"  [Previous line repeated {n} more time{'s' if n > 1 else ''}]", None, False))
        i = j
    return out


def exception_line(report: Report) -> str:
    e = report.exception
    return f"{e.type}: {e.message}" if e.message else e.type


def _exception_rows(e: ExceptionFacts) -> list[tuple[str, str]]:
    """("exc" | "note", text) rows after an exception's frames: its line (a SyntaxError's location and caret)
    and its notes, as Python prints them."""
    if e.syntax is not None:
        rows = [("exc", line.rstrip("\n")) for line in syntax_lines(e.type, e.syntax)]
    else:
        rows = [("exc", f"{e.type}: {e.message}" if e.message else e.type)]
    return rows + [("note", part) for note in e.notes for part in note.split("\n")]


def traceback_rows(report: Report) -> list[tuple[str, str]]:
    """The traceback explainerr prints, as (kind, text) rows: every link of the chain, oldest first, with
    Python's separators, each with its frames folded and its notes.  Kinds: header, user, lib, user-code,
    lib-code, exc, note, sep."""
    rows: list[tuple[str, str]] = []
    blocks = [(link.frames, link) for link in reversed(links(report.chain))]
    blocks.append((report.frames, report.exception))
    for k, (frames, e) in enumerate(blocks):
        if frames:
            rows.append(("header", "Traceback (most recent call last, library frames folded):"))
            for loc, code, is_user in fold_frames(frames):
                rows.append(("user" if is_user else "lib", loc))
                if code:
                    rows.append(("user-code" if is_user else "lib-code", "    " + code))
        rows += _exception_rows(e)
        if k < len(blocks) - 1:
            rows += [("sep", line) for line in SEPARATORS[e.relation].split("\n")[:-1]]
    return rows


def _edit_diff(d: Diagnosis) -> list[tuple[str, str]]:
    """(kind, text) rows of a diff for the fix's edits: kind is '-', '+' or '@'."""
    rows: list[tuple[str, str]] = []
    if not d.fix:
        return rows
    from .source import scope_name
    for e in d.fix.edits:
        scope = scope_name(e.file, e.start_line)
        rows.append(("@", f"{cell_name(e.file) or _short(e.file)}, line {e.start_line}" + (
            f"-{e.end_line}" if e.end_line != e.start_line else "") + (f", in {scope}" if scope else "")))
        for n in range(e.start_line, e.end_line + 1):
            rows.append(("-", mask_secrets(files.line(e.file, n).rstrip("\n"))))
        for line in e.replacement.split("\n") if e.replacement else []:  # an empty replacement deletes
            rows.append(("+", line))
    return rows


def render_plain(report: Report, with_traceback: bool = True) -> str:
    report = shown_report(report)
    lines: list[str] = []
    if with_traceback:
        lines += [text for _, text in traceback_rows(report)]
        lines.append("")
    d = report.diagnosis
    if d is None:
        lines.append(NO_MATCH)
        shown, more = _capped(involved_tensors(report))
        if shown:
            loc = report.location
            assert loc is not None
            lines.append(f"Tensors in {loc.function} (line {loc.line}):")
            for t in shown:
                lines.append(f"  {t.expr:<28} {shape_text(t.shape):<16} {t.dtype.replace('torch.', ''):<9} {t.device}")
            if more:
                lines.append(f"  … {more} more")
    else:
        lines.append(f"explainerr [{d.pattern}, {d.confidence} confidence]: {d.title}")
        lines.append(f"  {d.summary}")
        if d.explanation.strip():
            lines.append("")
            lines.append(_wrap(d.explanation, "  "))
        if d.evidence:
            lines.append("")
            lines.append("  Evidence:")
            for ev in d.evidence:
                if ev.shape is not None:
                    detail = f"{shape_text(ev.shape)} {str(ev.dtype).replace('torch.', '')} {ev.device}"
                else:
                    detail = str(ev.value)
                lines.append(f"    {ev.expr:<32} {detail}" + (f"  ({ev.note})" if ev.note else ""))
        if d.origins:
            lines.append("")
            lines.append("  Where the values come from:")
            for expr, rows in _origin_groups(d):
                lines.append(f"    {expr}")
                for o in rows:
                    lines.append(f"      {_where(o.file, o.line)} in {o.function}:  {o.source}"
                                 + (f"  ({o.note})" if o.note else ""))
        if d.fix:
            lines.append("")
            lines.append(f"  Fix{' (a band-aid)' if d.fix.band_aid else ''}: {d.fix.description}")
            diff = _edit_diff(d)
            if diff:
                for kind, text in diff:
                    lines.append(f"    {kind} {text}" if kind != "@" else f"    @ {text}")
            else:
                for c in d.fix.code.splitlines():
                    lines.append("    " + c)
        if d.unchecked:
            lines.append("")
            lines.append("  Not checked (needs the live tensors): " + "; ".join(d.unchecked))
        for alt in report.alternatives[:3]:
            lines.append(_wrap(f"Also possible [{alt.pattern}, {alt.confidence}]: {_alternative(alt)}", "  "))
    for note in report.notes:
        lines.append("")
        lines.append(_wrap("Note: " + note, "  "))
    return "\n".join(lines) + "\n"


def _origin_groups(d: Diagnosis) -> list[tuple[str, list[Any]]]:
    groups: dict[str, list[Any]] = {}
    for o in d.origins:
        groups.setdefault(o.expr, []).append(o)
    return list(groups.items())


def _wrap(text: str, indent: str, width: int = 100) -> str:
    import textwrap
    return textwrap.fill(" ".join(text.split()), width=width, initial_indent=indent, subsequent_indent=indent)


def render_rich(report: Report, config: Config, stream: IO[str]) -> None:
    report = shown_report(report)
    from rich.console import Console, Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    console = Console(file=stream, force_terminal=config.color if config.color is not None else None,
                      no_color=config.color is False, width=config.width, highlight=False, soft_wrap=False)
    if config.traceback:
        styles = {"header": "bold", "lib": "dim", "lib-code": "dim", "user-code": "bold", "exc": "bold red"}
        rows = traceback_rows(report)
        tb = Text()
        for i, (kind, text) in enumerate(rows):
            tb.append(text + ("\n" if i < len(rows) - 1 else ""), style=styles.get(kind, ""))
        console.print(tb, soft_wrap=True)  # as Python prints it: long lines are not cut
    d = report.diagnosis
    parts: list[Any] = []
    if d is None:  # one line, the tensors of the failing line if any, the notes: no panel
        console.print(Text(NO_MATCH, style="dim"))
        shown, more = _capped(involved_tensors(report))
        if shown:
            loc = report.location
            assert loc is not None
            rows = [(t.expr, t.shape, t.dtype, t.device, None) for t in shown]
            if more:
                rows.append((f"… {more} more", None, None, None, None))
            console.print(_tensor_table(Table, rows, f"Tensors in {loc.function} (line {loc.line})"))
        for note in report.notes:
            console.print(Text("Note: " + note, style="yellow"))
        return
    parts.append(Text(d.summary, style="bold"))
    if d.explanation.strip():
        parts.append(Text(" ".join(d.explanation.split())))
    rows = [(ev.expr, ev.shape, ev.dtype, ev.device, ev.note if ev.shape is not None else
             f"{ev.value}" + (f" ({ev.note})" if ev.note else "")) for ev in d.evidence]
    if rows:
        parts.append(_tensor_table(Table, rows, "Evidence"))
    if d.origins:
        origin_text = Text("Where the values come from\n", style="bold")
        for expr, rows in _origin_groups(d):
            origin_text.append(f"{expr}\n", style="cyan")
            for o in rows:
                origin_text.append(f"  {_where(o.file, o.line)} in {o.function}:  ", style="dim")
                origin_text.append(o.source + (f"  ({o.note})" if o.note else "") + "\n")
        parts.append(origin_text)
    if d.fix:
        band = " (a band-aid)" if d.fix.band_aid else ""
        fix_text = Text(f"Fix{band}: {d.fix.description}\n", style="bold green")
        diff = _edit_diff(d)
        if diff:
            for kind, text in diff:
                style = {"-": "red", "+": "green", "@": "cyan"}[kind]
                fix_text.append(f"{kind} {text}\n", style=style)
        elif d.fix.code:
            fix_text.append(d.fix.code + "\n", style="green")
        parts.append(fix_text)
    if d.unchecked:
        parts.append(Text("Not checked (needs the live tensors): " + "; ".join(d.unchecked), style="yellow"))
    for alt in report.alternatives[:3]:
        parts.append(Text(f"Also possible [{alt.pattern}, {alt.confidence}]: {_alternative(alt)}", style="dim"))
    title, rest = _panel_title(d, console.width)
    if rest:
        parts.insert(0, Text(rest, style="bold red"))
    for note in report.notes:
        parts.append(Text("Note: " + note, style="yellow"))
    console.print(Panel(Group(*parts), title=title, title_align="left", border_style="red"))


def _panel_title(d: Diagnosis, width: int) -> tuple[str, str]:
    """(the panel's title, the words that did not fit in it): the title is never cut inside a word; what
    does not fit on the panel's top border opens the panel's text instead."""
    parts = ["explainerr", d.pattern, f"{d.confidence} confidence", d.title]
    for k in range(len(parts), 1, -1):
        title = " · ".join(parts[:k])
        if len(title) <= width - 6:  # the corners and the spaces rich puts around a title
            return title, " · ".join(parts[k:])
    return "explainerr", " · ".join(parts[1:])


def involved_tensors(report: Report) -> list[TensorFacts]:
    """The failing frame's tensors that its failing statement names (every name of the tensor's expression
    appears in the statement); none for an error no tensor took part in, such as a KeyError or 1/0."""
    loc = report.location
    if loc is None or not loc.tensors:
        return []
    names = set(re.findall(r"[A-Za-z_]\w*", loc.statement or loc.source or ""))
    return [t for t in loc.tensors
            if set(re.findall(r"[A-Za-z_]\w*", re.sub(r"\[[^\]]*\]", "", t.expr))) <= names]


def _capped(tensors: list[TensorFacts]) -> tuple[list[TensorFacts], int]:
    return tensors[:TENSOR_CAP], max(0, len(tensors) - TENSOR_CAP)


def _tensor_table(table_cls: Any, rows: list[tuple[Any, ...]], title: str) -> Any:
    table = table_cls(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for col in ("expression", "shape", "dtype", "device", "note"):
        table.add_column(col)
    for expr, shape, dtype, device, note in rows:
        table.add_row(str(expr), shape_text(shape) if shape is not None else "",
                      str(dtype or "").replace("torch.", ""), str(device or ""), str(note or ""))
    return table


def _alternative(d: Diagnosis) -> str:
    """One line for another reading of the facts: its summary, and its fix in words."""
    return d.summary + (f" Fix: {d.fix.description}" if d.fix else "")
