"""Masks credentials in the text explainerr shows that Python's traceback would not show.

Python's traceback prints the lines of the frames it walks, and explainerr's traceback prints the same ones.
Everything else explainerr shows of the user's code (the steps of "where the values come from", a fix's `-`
and `+` lines, the corrected code, the explanations that quote the user's expressions, the JSON report) goes
through `mask_secrets`, which replaces, in a line of source:

- a string literal shaped like a credential (`"hf_…"`, `"sk-…"`, a long hex or mixed-case token);
- the user and password of a URL (`postgresql://admin:hunter2@host` → `postgresql://***:***@host`);
- the literal value of an argument, keyword, variable, attribute or dict key named like a secret
  (`db_password="…"`, `api_key = "…"`, `"token": "…"`, `client_secret = 918273645`; see safety.is_secret_name).

It is a scanner over one line (no regex backtracking, linear in the line, which is cut at MAX_LINE_CHARS).
`shown_report` applies it to a Report's diagnoses for display and for the JSON report.
"""
from __future__ import annotations

import re
from dataclasses import replace

from . import files
from .model import Diagnosis, Edit, Report
from .safety import is_secret_name, looks_secret

MAX_LINE_CHARS = 4000
MASK = "***"

_URL_CREDENTIALS = re.compile(r"([A-Za-z][\w+.-]{0,30}://)[^/\s:@]{1,200}:[^/\s@]{1,200}@")
_NUMBER = re.compile(r"([A-Za-z_]\w*)(\s*=\s*)(-?\d[\w.]*)")
_QUOTES = "'\""


def _strings(line: str) -> list[tuple[int, int, int]]:
    """(start of the literal with its prefix, start of the body, end of the body) of each complete string
    literal in `line`, in order (an unterminated one ends the scan)."""
    out: list[tuple[int, int, int]] = []
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c == "#":
            break
        if c not in _QUOTES:
            i += 1
            continue
        quote = line[i:i + 3] if line[i:i + 3] in ('"""', "'''") else c
        start = i
        while start > 0 and line[start - 1] in "rRbBuUfF" and start > i - 2:
            start -= 1
        j = i + len(quote)
        while j < n and not line.startswith(quote, j):
            j += 2 if line[j] == "\\" else 1
        if j >= n:
            break
        out.append((start, i + len(quote), j))
        i = j + len(quote)
    return out


def _identifier_before(text: str) -> tuple[str, str]:
    """(the identifier `text` ends with, the text before it)."""
    j = len(text)
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] == "_"):
        j -= 1
    return text[j:], text[:j]


def _name_before(before: str) -> str:
    """The name a literal is given to: `name=`, `name = `, `obj.name ==`, `name: str =`, `"name": `."""
    s = before[-200:].rstrip()
    if s.endswith(":"):
        s = s[:-1].rstrip()
        if s and s[-1] in _QUOTES:
            k = s.rfind(s[-1], 0, len(s) - 1)
            return s[k + 1:-1] if k >= 0 else ""
        return ""
    if s.endswith(("==", "!=")):
        s = s[:-2]
    elif s.endswith("="):
        s = s[:-1]
    else:
        return ""
    name, rest = _identifier_before(s.rstrip())
    rest = rest.rstrip()
    if rest.endswith(":"):  # an annotated assignment: the name is before the annotation
        name = _identifier_before(rest[:-1].rstrip())[0]
    return name


def _secret_context(before: str, body: str) -> bool:
    name = _name_before(before)
    return bool(name) and is_secret_name(name, body)


def mask_secrets(line: str) -> str:
    """`line` with every credential-like literal, URL password and secret-named value replaced by ***."""
    if len(line) > MAX_LINE_CHARS:
        line = line[:MAX_LINE_CHARS] + "…"
    pieces: list[str] = []
    last = 0
    for start, body_start, body_end in _strings(line):
        body = line[body_start:body_end]
        if looks_secret(body) or _secret_context(line[:start], body):
            new_body = MASK
        else:
            new_body = _URL_CREDENTIALS.sub(rf"\g<1>{MASK}:{MASK}@", body)
        pieces.append(_mask_numbers(line[last:body_start]) + new_body)
        last = body_end
    pieces.append(_mask_numbers(line[last:]))
    return "".join(pieces)


def _mask_numbers(code: str) -> str:
    """Number literals given to secret-named names (`client_secret = 918273645`, `pin=1234`)."""
    return _NUMBER.sub(lambda m: m.group(1) + m.group(2) + MASK if is_secret_name(m.group(1), 0) else m.group(0),
                       code)


def _mask_text(text: str) -> str:
    return "\n".join(mask_secrets(line) for line in text.split("\n"))


def _carries_secret(edit: Edit) -> bool:
    """Whether an edit's lines, before or after, hold something `mask_secrets` would hide."""
    old = [files.line(edit.file, n).rstrip("\n") for n in range(edit.start_line, edit.end_line + 1)]
    return any(mask_secrets(t) != t for t in [*old, *edit.replacement.split("\n")])


def shown_diagnosis(d: Diagnosis, for_json: bool = False) -> Diagnosis:
    """The diagnosis as explainerr shows it: its texts and origins masked.  Its edits are masked for a
    display (the diff), and left out of the JSON report when they carry a secret: a replacement with `***`
    in it must not be applied, and one with the secret in it must not be written down; the same for the
    report's `fix.diff` when any of its lines (context lines included) holds one."""
    fix = d.fix
    if fix is not None:
        if for_json:
            edits = tuple(e for e in fix.edits if not _carries_secret(e))
            diff = getattr(fix, "diff", None)
            if len(edits) < len(fix.edits) or (diff and _mask_text(diff) != diff):
                fix = replace(fix, diff=None)  # the patch (its context lines too) would hold the secret
        else:
            edits = tuple(replace(e, replacement=_mask_text(e.replacement)) for e in fix.edits)
        fix = replace(fix, description=_mask_text(fix.description), code=_mask_text(fix.code), edits=edits)
    return replace(d, title=_mask_text(d.title), summary=_mask_text(d.summary),
                   explanation=_mask_text(d.explanation), fix=fix,
                   unchecked=tuple(_mask_text(u) for u in d.unchecked),
                   origins=tuple(replace(o, source=mask_secrets(o.source)) for o in d.origins))


def shown_report(report: Report, for_json: bool = False) -> Report:
    """The Report with every diagnosis as `shown_diagnosis` gives it (the traceback is Python's, unmasked)."""
    return replace(report, diagnosis=None if report.diagnosis is None else shown_diagnosis(report.diagnosis, for_json),
                   alternatives=tuple(shown_diagnosis(a, for_json) for a in report.alternatives))
