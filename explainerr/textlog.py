"""Turns traceback text (a cluster log, a notebook's output, an issue) into a Report with no live facts.

Understands CPython's traceback format, IPython/Jupyter's (`Cell In[3], line 5`, `File ~/x.py:12, in f(...)`,
`----> 12 source`), chained tracebacks ("The above exception was the direct cause…"), a DataLoader worker's
embedded "Original Traceback", ANSI colours, and a per-line prefix such as `[rank0]: ` or a log timestamp
put before every line by a launcher.  Frames keep the source line printed in the log; nothing is read from
the user's process.
"""
from __future__ import annotations

import ast
import itertools
import re

from .model import ExceptionFacts, FrameFacts, Report

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_TB_HEADER = re.compile(r"(?:Original )?Traceback \(most recent call last(?:, library frames folded)?\):?")
_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<function>.*\S|\s)\s*$')
_IPY_FRAME = re.compile(r"^\s*File (?P<file>[^\s\"].*?):(?P<line>\d+), in (?P<function>[\w.<>]+)")
_IPY_CELL = re.compile(r"^\s*(?:Cell|Input) In ?\[(?P<cell>\d*)\],? line:? (?P<line>\d+)(?:, in (?P<function>[\w.<>]+))?")
_IPY_ARROW = re.compile(r"^\s*-*>\s*(?P<no>\d+)\s(?P<src>.*)$")
_EXC = re.compile(r"^(?P<type>[A-Za-z_][\w.]*):(?: (?P<message>.*))?$")
_EXC_BARE = re.compile(r"^(?P<type>[A-Za-z_][\w.]*)(?P<message>)$")
_EXC_NAME = re.compile(r"(Error|Exception|Interrupt|Exit|Warning|Failed|Failure|Iteration)$")
_MARKERS = re.compile(r"^[~^\s]+$")
_LOG_RECORD = re.compile(r"^(?:[IWEF]\d{4} \d\d:\d\d|\d{4}-\d\d-\d\d[ T]\d\d:|\[[\w-]*\d+\]:)")
_CHAINED = ("The above exception was the direct cause", "During handling of the above exception")
#: explainerr's own output after a traceback (a pasted run that was already explained): never the message
_OWN_OUTPUT = re.compile(r"^\s*(?:╭─+ )?explainerr(?: \[| ·|:)")

# Bases of exception classes a log may name, so patterns listing the base still apply.
_BASES = {
    "IndexError": ("LookupError",), "KeyError": ("LookupError",),
    "AcceleratorError": ("RuntimeError",), "OutOfMemoryError": ("RuntimeError",),
    "BackendCompilerFailed": ("RuntimeError",), "TorchRuntimeError": ("RuntimeError",),
    "InternalTorchDynamoError": ("RuntimeError",), "ChildFailedError": (),
    "NotImplementedError": ("RuntimeError",), "RecursionError": ("RuntimeError",),
}

NOTE = ("Diagnosed from the traceback text alone: no live tensors were available, so facts such as shapes, "
        "dtypes and id ranges could not be checked.")


def _strip_prefix(lines: list[str]) -> list[str]:
    """Remove the launcher's or logger's prefix that stands before every line of the first traceback."""
    for line in lines:
        m = _TB_HEADER.search(line)
        if m and m.start() > 0 and not line[:m.start()].isspace():
            prefix = line[:m.start()]
            rank = re.match(r"^\s*\[([\w-]*\d+)\]:\s?", prefix)
            if rank:  # keep the first rank's lines only: ranks print the same traceback interleaved
                mine = re.compile(r"^\s*\[" + re.escape(rank.group(1)) + r"\]:\s?")
                other = re.compile(r"^\s*\[[\w-]*\d+\]:")
                return [mine.sub("", ln, count=1) for ln in lines if mine.match(ln) or not other.match(ln)]
            return [ln[len(prefix):] if ln.startswith(prefix) else ln for ln in lines]
        if m:
            break
    return lines


def _is_header(line: str) -> bool:
    """A traceback's first line (CPython's, or IPython's `TypeError    Traceback (most recent call last)`)."""
    m = _TB_HEADER.search(line)
    return bool(m) and not line[:m.end()].lstrip().startswith("Original")


def _continues(lines: list[str], j: int) -> bool:
    """A blank line inside a multi-paragraph message (torch.compile's): the next text is indented or is one
    of Dynamo's trailing sections."""
    nxt = next((ln for ln in itertools.islice(lines, j, None) if ln.strip()), "")
    return bool(nxt) and (nxt[0].isspace() or nxt.startswith(("from user code:", "Set TORCHDYNAMO", "You can suppress")))


def _marked(source: str, markers: str) -> str | None:
    """The part of `source` that CPython 3.11+ underlined with `~` and `^` (the expression that failed)."""
    cols = [k for k, ch in enumerate(markers) if ch in "~^"]
    if not cols or cols[-1] >= len(source):
        return None
    text = source[cols[0]:cols[-1] + 1].strip()
    return text or None


def _exception_type(name: str) -> str | None:
    short = name.rsplit(".", 1)[-1]
    if short == "error" and "." in name:  # a module's own lowercase class: `struct.error`, `re.error`, `zlib.error`
        return short
    return short if _EXC_NAME.search(short) or short in _BASES else None


class _Block:
    def __init__(self, from_cause: bool = False) -> None:
        self.frames: list[dict[str, object]] = []
        self.exc: ExceptionFacts | None = None
        self.from_cause = from_cause  # raised with `raise … from` the previous block's exception


def _facts(name: str, message: str) -> ExceptionFacts:
    short = name.rsplit(".", 1)[-1]
    return ExceptionFacts(type=short, message=message.strip(), mro=(short, *_BASES.get(short, ()), "Exception"))


def _parse_blocks(lines: list[str]) -> list[_Block]:
    blocks: list[_Block] = []
    cur: _Block | None = None
    from_cause = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(_CHAINED[0]):
            from_cause = True
        if _is_header(line):
            cur = _Block(from_cause)
            blocks.append(cur)
            from_cause = False
            i += 1
            continue
        m = _FRAME.match(line) or _IPY_FRAME.match(line)
        cell = _IPY_CELL.match(line)
        if (m or cell) and (cur is None or cur.exc is not None):
            cur = _Block(from_cause)  # IPython prints no "Traceback" header
            blocks.append(cur)
            from_cause = False
        if m or cell:
            assert cur is not None
            if m:
                frame = {"file": m["file"], "line": int(m["line"]), "function": _function(m["function"])}
            else:
                frame = {"file": f"<cell In[{cell['cell']}]>", "line": int(cell["line"]),
                         "function": _function(cell["function"] or "<module>")}
            src = ""
            j = i + 1
            while j < len(lines) and not (_FRAME.match(lines[j]) or _IPY_FRAME.match(lines[j])
                                          or _IPY_CELL.match(lines[j])) and lines[j].strip():
                arrow = _IPY_ARROW.match(lines[j])
                if arrow:
                    src = arrow["src"].strip()
                    break
                if m and _FRAME.match(line) and not _MARKERS.match(lines[j]):
                    src = lines[j].strip()
                    if j + 1 < len(lines) and _MARKERS.match(lines[j + 1]) and "^" in lines[j + 1]:
                        frame["node"] = _marked(lines[j], lines[j + 1])
                    break
                j += 1
            frame["source"] = src
            if "node" not in frame and src:
                frame["node"] = _computed_part(src)
            cur.frames.append(frame)
            i += 1
            continue
        e = _EXC.match(line.rstrip()) or _EXC_BARE.match(line.rstrip())
        if e and cur is not None and cur.exc is None and cur.frames and _exception_type(e["type"]):
            msg = [e["message"] or ""]
            j = i + 1
            while j < len(lines) and not _is_header(lines[j]) and not any(
                    lines[j].startswith(c) for c in _CHAINED) and not _LOG_RECORD.match(lines[j]) \
                    and not _OWN_OUTPUT.match(lines[j]):
                if not lines[j].strip() and not _continues(lines, j):
                    break
                msg.append(lines[j])
                j += 1
            cur.exc = _facts(e["type"], "\n".join(msg))
            i = j
            continue
        i += 1
    if not blocks:  # a bare "RuntimeError: ..." line
        for k, line in enumerate(lines):
            e = _EXC.match(line.strip())
            if e and _exception_type(e["type"]):
                b = _Block()
                rest = [ln for ln in lines[k + 1:] if ln.strip()]
                b.exc = _facts(e["type"], "\n".join([e["message"] or "", *rest]))
                blocks.append(b)
                break
    return [b for b in blocks if b.exc is not None]


def _function(logged: str) -> str:
    """The function's name as CPython logs it: IPython writes `Module._call_impl(self, *args)` where CPython
    writes `_call_impl`."""
    return logged.split("(")[0].rsplit(".", 1)[-1] or logged


def _computed_part(source: str) -> str | None:
    """What an assignment, augmented assignment or return computes: the part of a logged line that can have
    failed, when the log underlined nothing (IPython, older Pythons)."""
    text = source.strip()
    try:
        body = ast.parse(text).body
    except SyntaxError:
        return None
    stmt = body[0] if len(body) == 1 else None
    if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return)) and stmt.value is not None:
        return ast.get_source_segment(text, stmt.value)
    return None


def _worker_block(exc: ExceptionFacts) -> _Block | None:
    """The traceback a DataLoader worker embedded in the re-raised message."""
    m = _TB_HEADER.search(exc.message)
    if not m or "DataLoader worker" not in exc.message:
        return None
    inner = ["Traceback (most recent call last):", *exc.message[m.end():].splitlines()]
    blocks = _parse_blocks(inner)
    return blocks[-1] if blocks else None


def report_from_text(text: str) -> Report | None:
    """A Report built from traceback text alone (frames, source lines, exception chain); None if the text
    holds no Python exception."""
    from .capture import is_library_file
    lines = _strip_prefix([_ANSI.sub("", ln).rstrip("\r") for ln in text.splitlines()])
    blocks = _parse_blocks(lines)
    if not blocks:
        return None
    main = blocks[-1]
    chain = [b.exc for b in reversed(blocks[:-1]) if b.exc is not None]
    notes = [NOTE]
    assert main.exc is not None
    worker = _worker_block(main.exc)
    frames_src = main.frames
    if main.from_cause and len(blocks) > 1:  # `raise … from err`: the cause failed deeper, below these frames
        frames_src = frames_src + blocks[-2].frames
    if worker is not None and worker.exc is not None:
        chain.insert(0, worker.exc)
        frames_src = frames_src + worker.frames
        notes.append("The error happened in a DataLoader worker process; its traceback was read from the "
                     "re-raised message. Run with num_workers=0 to get the error, and its tensors, in the "
                     "main process.")
    traced = _compiled_frames(main.exc.message)
    if traced:
        frames_src = frames_src + traced
        notes.append("Raised while torch.compile traced the user's code with fake tensors; the same mistake "
                     "fails without torch.compile too.")
    frames = tuple(FrameFacts(index=k, file=str(f["file"]), line=int(f["line"]),  # type: ignore[arg-type]
                              function=str(f["function"]), library=is_library_file(str(f["file"])),
                              source=str(f["source"]), node=f.get("node"))  # type: ignore[arg-type]
                   for k, f in enumerate(frames_src))
    user = next((f.index for f in reversed(frames) if not f.library), None)
    return Report(exception=main.exc, chain=tuple(chain), frames=frames, user_frame=user, notes=tuple(notes))


def _compiled_frames(message: str) -> list[dict[str, object]]:
    """The frames of the "from user code:" section Dynamo appends to its errors (innermost last)."""
    _, sep, rest = message.partition("from user code:")
    if not sep:
        return []
    blocks = _parse_blocks(["Traceback (most recent call last):", *rest.splitlines(), "CompiledError: x"])
    return blocks[-1].frames if blocks else []


def compiled_user_line(message: str) -> str | None:
    """`file:line in function: source` of the user code torch.compile was tracing, read from the "from user
    code:" section Dynamo appends to its errors."""
    frames = _compiled_frames(message)
    if not frames:
        return None
    f = frames[-1]
    return f"{f['file']}:{f['line']} in {f['function']}" + (f": `{f['source']}`" if f["source"] else "")
