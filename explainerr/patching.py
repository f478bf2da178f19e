"""Turns a fix's line edits into new file contents: a unified diff, and writing them into the user's files.

A `Plan` holds, for each file an edit names, its text as it is on disk, the text with the edits applied, and
the SHA-256 of its bytes when the plan was made.  The diff has paths relative to a base folder (`a/…`, `b/…`),
so that `git apply` and `patch -p1` accept it.  `apply` writes only when every file can be written and none has
changed since the plan was made (or since the run started); each file is replaced atomically and a failure
part-way puts back the files already written, so nothing is left half-written.  Files keep their encoding
(PEP 263 cookie or BOM) and their line endings.

Where edits cannot be applied (none at all, a file that is not on disk such as a notebook cell, a library
file, a file that no longer matches what the failing code was compiled from), `Plan.problem` says why in one
line.
"""
from __future__ import annotations

import difflib
import hashlib
import io
import linecache
import os
import re
import tempfile
import tokenize
from dataclasses import dataclass, field, replace
from typing import Iterable, Sequence

from .model import Diagnosis, Edit, Fix


@dataclass(frozen=True)
class FilePatch:
    """One file's change: `old` is its text on disk, `new` the text with the edits, both with the file's own
    line endings (and split into lines as Python numbers them); `sha256` is of the bytes read."""

    path: str
    rel: str
    old: str
    new: str
    sha256: str
    encoding: str
    edits: tuple[Edit, ...]
    old_lines: tuple[str, ...] = field(repr=False, compare=False)  # split_lines(old)
    new_lines: tuple[str, ...] = field(repr=False, compare=False)  # split_lines(new)

    def lines_changed(self) -> str:
        """'line 31' / 'lines 31-33, 40' in the original numbering."""
        spans = [f"{e.start_line}" if e.start_line == e.end_line else f"{e.start_line}-{e.end_line}"
                 for e in sorted(self.edits, key=lambda e: e.start_line)]
        single = len(spans) == 1 and "-" not in spans[0]
        return ("line " if single else "lines ") + ", ".join(spans)


@dataclass(frozen=True)
class Plan:
    files: tuple[FilePatch, ...] = ()
    problem: str | None = None  # one line: why the edits cannot be applied

    @property
    def ok(self) -> bool:
        return self.problem is None and bool(self.files)


class Refused(Exception):
    """`apply` wrote nothing; the message is one line for the user."""


def relative(path: str, base: str | None = None) -> str:
    """`path` relative to `base` (default: the current folder), in '/' form; the path itself when that fails."""
    try:
        return os.path.relpath(path, base or os.getcwd()).replace(os.sep, "/")
    except ValueError:  # another drive (Windows)
        return path


def split_lines(text: str) -> list[str]:
    """Lines as Python numbers them (only \\n, \\r\\n and \\r end a line), endings kept."""
    return io.StringIO(text, newline="").readlines()


def read_source(path: str) -> tuple[bytes, str, str]:
    """(bytes, encoding, text) of a source file, decoded as Python would (cookie or BOM), newlines untouched."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        encoding = "utf-8"
    return data, encoding, data.decode(encoding)


def _as_linecache_reads(text: str) -> str:
    """The text as linecache holds it: universal newlines, and a final newline added."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if not text or text.endswith("\n") else text + "\n"


def _lines_as_read(text: str, compiled: list[str]) -> list[str]:
    """split_lines(text), given linecache's lines of the same text (or []): where the text has no \\r to
    translate they are the same lines (but for the newline linecache adds at the end), and are not split again."""
    if not compiled or "\r" in text:
        return split_lines(text)
    lines = list(compiled)
    if not text.endswith("\n"):
        lines[-1] = lines[-1][:-1]
    return lines


def _replacement_lines(e: Edit) -> list[str]:
    """The lines an edit puts in place of its own, without endings: none for an empty replacement (a deletion)."""
    text = e.replacement[:-1] if e.replacement.endswith("\n") else e.replacement
    return text.split("\n") if e.replacement else []


def apply_to_lines(lines: Sequence[str], edits: Iterable[Edit]) -> list[str]:
    """`lines` (endings kept) with each edit's whole lines replaced; raises ValueError for an edit outside the
    file or edits that overlap.  Replacement lines take the line ending of the lines they replace."""
    out = list(lines)
    ordered = sorted(edits, key=lambda e: e.start_line, reverse=True)
    previous_start = len(out) + 1
    for e in ordered:
        if not 1 <= e.start_line <= e.end_line <= len(out):
            raise ValueError(f"line {e.start_line}-{e.end_line} is outside the file ({len(out)} lines)")
        if e.end_line >= previous_start:
            raise ValueError(f"edits overlap at line {e.end_line}")
        previous_start = e.start_line
        last = out[e.end_line - 1]
        ending = last[len(last.rstrip("\r\n")):]
        newline = ending or next((ln[len(ln.rstrip("\r\n")):] for ln in out if ln.endswith(("\n", "\r"))), "\n")
        body = _replacement_lines(e)
        new = [b + newline for b in body]
        if new and not ending:  # the replaced lines ended the file without a newline: so does the replacement
            new[-1] = body[-1]
        out[e.start_line - 1:e.end_line] = new
    return out


def _not_applicable(path: str, base: str | None) -> str | None:
    from .capture import is_library_file
    if path.startswith("<") or not os.path.isfile(path):
        return (f"{path} is not a file on disk (code from a notebook cell or exec); the corrected code is "
                "shown above")
    if is_library_file(path):
        return f"{relative(path, base)} is a library file; explainerr edits only your own files"
    return None


def plan(fix: Fix | None, base: str | None = None) -> Plan:
    """The new contents for every file `fix.edits` names, read from disk now."""
    if fix is None or not fix.edits:
        return Plan(problem="the fix has no edit to apply (it is shown as code only)")
    by_file: dict[str, list[Edit]] = {}
    for e in fix.edits:
        by_file.setdefault(e.file, []).append(e)
    files = []
    for path, edits in by_file.items():
        why = _not_applicable(path, base)
        if why:
            return Plan(problem=why)
        rel = relative(path, base)
        try:
            data, encoding, text = read_source(path)
        except (OSError, UnicodeDecodeError, LookupError) as exc:
            return Plan(problem=f"{rel} cannot be read ({exc.__class__.__name__}: {exc})")
        compiled = linecache.getlines(path)
        if compiled and "".join(compiled) != _as_linecache_reads(text):
            return Plan(problem=f"{rel} changed after the failing code was loaded; run it again first")
        lines = _lines_as_read(text, compiled)
        try:
            new_lines = apply_to_lines(lines, edits)
        except ValueError as exc:
            return Plan(problem=f"the edits do not fit {rel}: {exc}")
        files.append(FilePatch(path=path, rel=rel, old=text, new="".join(new_lines),
                               sha256=hashlib.sha256(data).hexdigest(), encoding=encoding, edits=tuple(edits),
                               old_lines=tuple(lines), new_lines=tuple(new_lines)))
    return Plan(files=tuple(files))


CONTEXT = 3  # lines of context around each change, as `diff -u`


def _windows(edits: Iterable[Edit], old_count: int, new_count: int) -> list[tuple[int, int, int, int]]:
    """(old_lo, old_hi, new_lo, new_hi), 0-based and half-open: the stretches of the file that the edits change,
    each with CONTEXT lines either side, merged where they touch (as diff joins hunks CONTEXT * 2 lines apart
    or closer).  Lines outside them are the same on both sides, so a long file's diff compares only these."""
    out: list[tuple[int, int, int, int]] = []
    shift = 0  # new line number minus old, past the edits seen so far
    for e in sorted(edits, key=lambda e: e.start_line):
        lo, hi = e.start_line - 1, e.end_line
        added = len(_replacement_lines(e))
        old_lo, new_lo = max(lo - CONTEXT, 0), max(lo + shift - CONTEXT, 0)
        shift += added - (hi - lo)
        old_hi, new_hi = min(hi + CONTEXT, old_count), min(hi + shift + CONTEXT, new_count)
        if out and old_lo <= out[-1][1]:
            old_lo, new_lo = out[-1][0], out[-1][2]
            out.pop()
        out.append((old_lo, old_hi, new_lo, new_hi))
    return out


def _range(start: int, stop: int) -> str:
    """A hunk header's range, as difflib writes it."""
    length = stop - start
    return f"{start + 1}" if length == 1 else f"{start if not length else start + 1},{length}"


def _file_diff(f: FilePatch) -> str:
    old, new = f.old_lines, f.new_lines
    out: list[str] = []
    for old_lo, old_hi, new_lo, new_hi in _windows(f.edits, len(old), len(new)):
        matcher = difflib.SequenceMatcher(None, old[old_lo:old_hi], new[new_lo:new_hi])
        for group in matcher.get_grouped_opcodes(CONTEXT):
            if not out:
                out += [f"--- a/{f.rel}\n", f"+++ b/{f.rel}\n"]
            (_, i1, _, j1, _), (_, _, i2, _, j2) = group[0], group[-1]
            out.append(f"@@ -{_range(old_lo + i1, old_lo + i2)} +{_range(new_lo + j1, new_lo + j2)} @@\n")
            for tag, i1, i2, j1, j2 in group:
                if tag == "equal":
                    out += [" " + line for line in old[old_lo + i1:old_lo + i2]]
                    continue
                out += ["-" + line for line in old[old_lo + i1:old_lo + i2]]
                out += ["+" + line for line in new[new_lo + j1:new_lo + j2]]
    # the last line of the file has no newline: say so, as diff does
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
                   for line in out)


def unified_diff(p: Plan) -> str:
    """The plan as one unified diff (`--- a/REL` / `+++ b/REL`), '' when there is nothing to apply."""
    return "".join(_file_diff(f) for f in p.files)


def unified_diff_bytes(p: Plan) -> bytes:
    """The diff as `git apply` and `patch` need it: each file's part in that file's own encoding."""
    return b"".join(_file_diff(f).encode(f.encoding.replace("-sig", "")) for f in p.files)


_LITERAL = re.compile(r"""(?:(\w+)\s*(?::[^=]*)?=\s*)?[rRbBuUfF]{0,2}("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')""")


def mentions_secret(text: str) -> bool:
    """Whether source text holds a string literal shaped like a credential, or one given to a secret name
    (`password = "…"`, `token="…"`): such lines stay out of reports (the rules of safety.py)."""
    from .safety import is_secret_name, looks_secret
    for m in _LITERAL.finditer(text):
        value = m.group(2)[1:-1]
        if looks_secret(value) or (m.group(1) and is_secret_name(m.group(1), value)):
            return True
    return False


def report_diff(p: Plan) -> str | None:
    """The diff for the JSON report: None when there is none, or when one of its lines (context included)
    holds a credential; `--diff`, which the user asks for, still prints it."""
    diff = unified_diff(p) if p.ok else ""
    return diff if diff and not mentions_secret(diff) else None


def with_diffs(diagnoses: Sequence[Diagnosis], base: str | None = None) -> list[Diagnosis]:
    """Each diagnosis whose fix has edits, with `fix.diff` and `fix.sources` (the file hashes) filled in."""
    out = []
    for d in diagnoses:
        if d.fix is not None and d.fix.edits:
            p = plan(d.fix, base)
            if p.ok:
                d = replace(d, fix=replace(d.fix, diff=report_diff(p),
                                           sources=tuple((f.path, f.sha256) for f in p.files)))
        out.append(d)
    return out


def _write_atomically(path: str, data: bytes) -> None:
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".explainerr", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            import shutil
            shutil.copymode(path, tmp)
        except OSError:
            pass
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def apply(p: Plan, expected: Sequence[tuple[str, str]] = (), since_ns: int | None = None) -> list[str]:
    """Write the plan into the files; returns one line per file changed.  Raises Refused (nothing written) when
    the plan has a problem, a file's bytes no longer have the `expected` hash, a file was modified after
    `since_ns` (time.time_ns() when the run started), or a file cannot be written."""
    if not p.ok:
        raise Refused(p.problem or "nothing to apply")
    hashes = dict(expected)
    for f in p.files:
        try:
            st = os.stat(f.path)
            with open(f.path, "rb") as fh:
                now = hashlib.sha256(fh.read()).hexdigest()
        except OSError as exc:
            raise Refused(f"{f.rel} cannot be read ({exc.strerror}); nothing written") from None
        if since_ns is not None and st.st_mtime_ns > since_ns:
            raise Refused(f"{f.rel} changed since the run started; nothing written (run it again to get a fresh fix)")
        if now != hashes.get(f.path, f.sha256):
            raise Refused(f"{f.rel} changed since the error was analysed; nothing written")
        if not os.access(f.path, os.W_OK) or not os.access(os.path.dirname(f.path) or ".", os.W_OK):
            raise Refused(f"{f.rel} is not writable; nothing written")
    written: list[FilePatch] = []
    try:
        for f in p.files:
            _write_atomically(f.path, f.new.encode(f.encoding))
            written.append(f)
    except OSError as exc:
        for f in written:  # put back what was already replaced
            try:
                _write_atomically(f.path, f.old.encode(f.encoding))
            except OSError:
                pass
        raise Refused(f"could not write {p.files[len(written)].rel} ({exc.strerror}); nothing changed") from None
    for f in p.files:
        linecache.checkcache(f.path)
    return [f"{f.rel}, {f.lines_changed()}" for f in p.files]
