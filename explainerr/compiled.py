"""The compiled form of checked knowledge and where it is kept: plain data that a process loads in about a
millisecond, instead of parsing YAML, vetting and compiling every regex.

The YAML files stay the source of truth; nothing here is written by hand.  A *unit* is what checking YAML
files gave (knowledge.py): each pattern encoded as one line of plain JSON (decoded only when a report needs
that pattern), the problems found, each pattern's exception names and its regexes' literal requirements
(prefilter.py), and the module where each analyzer and fix builder is defined (so that an explanation imports
only those its patterns name).  `Knowledge` merges units in order (ids unique across them) and hands out the
patterns a report may match.

A unit file is a header line (format, key, SHA-256 of the body) and a body of plain JSON lines: no pickle,
nothing that runs.  `loads_unit` returns None unless the format, the key and the hash match and every field
has its type; a module it names can only be one of explainerr's analyzer or fix modules (registry.py).
Where unit files are kept, and with which keys, is knowledge_cache.py's business.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Sequence

from . import prefilter
from .knowledge import KnowledgeError
from .model import Pattern

FORMAT = 1
ENV_CACHE = "EXPLAINERR_CACHE_DIR"
SHIPPED = "compiled.jsonl"
#: Cache files kept per kind; older ones are removed when a new one is written.
MAX_CACHED = 32
_OFF = ("off", "0", "no", "false", "none")


class Unencodable(ValueError):
    """A value the plain encoding cannot carry exactly (the unit is then not cached)."""


class Entry:
    """One pattern of a unit: its file (index), rule id, exception names, regex requirements, and the pattern
    itself or its encoded line."""

    __slots__ = ("file", "rule", "exceptions", "requirements", "line", "pattern")

    def __init__(self, file: int, rule: str, exceptions: tuple[str, ...],
                 requirements: tuple[prefilter.Requirement, ...], line: str | None = None,
                 pattern: Pattern | None = None) -> None:
        self.file, self.rule, self.exceptions, self.requirements = file, rule, exceptions, requirements
        self.line, self.pattern = line, pattern

    def decoded(self, file: str) -> Pattern:
        if self.pattern is None:
            assert self.line is not None
            fields = decode(json.loads(self.line))
            self.pattern = Pattern(**fields, source=f"{file}#{self.rule}")
        return self.pattern


class Unit:
    """Checked knowledge of one or more files: `files` (names), `entries`, `errors` (KnowledgeErrors whose
    `file` is an index into `files`), `homes` ({"analyzers"|"locators": {name: module}})."""

    __slots__ = ("files", "entries", "errors", "homes")

    def __init__(self, files: list[str], entries: list[Entry], errors: list[KnowledgeError],
                 homes: dict[str, dict[str, str]] | None = None) -> None:
        self.files, self.entries, self.errors, self.homes = files, entries, errors, homes or {}


def unit_of(patterns: Sequence[Pattern], errors: Sequence[KnowledgeError], files: Sequence[str],
            names: Sequence[str] | None = None, homes: dict[str, dict[str, str]] | None = None) -> Unit:
    """A unit of freshly checked patterns and errors of `files` (paths as strings; stored as `names`)."""
    from .knowledge import compile_message_regex
    at = {f: i for i, f in enumerate(files)}
    entries = []
    for p in patterns:
        file, _, rule = p.source.rpartition("#")
        samples = [s["message"] for s in p.samples if isinstance(s, dict) and isinstance(s.get("message"), str)]
        reqs = tuple(prefilter.checked_requirement(rx, compile_message_regex(rx), samples)
                     for rx in p.message.split("\n"))
        entries.append(Entry(at[file], rule, tuple(p.exceptions), reqs, pattern=p))
    errs = [KnowledgeError(at[e.file], e.pattern, e.key, e.problem) for e in errors]  # type: ignore[arg-type]
    return Unit(list(names or files), entries, errs, homes)


class Knowledge:
    """Units merged in order: a rule id already seen (in `seen_ids`, or in an earlier unit) is an error."""

    def __init__(self, seen_ids: dict[str, str] | None = None) -> None:
        self.ids = dict(seen_ids or {})
        self.entries: list[tuple[Entry, str]] = []
        self.errors: list[KnowledgeError] = []
        self._candidates: prefilter.Candidates | None = None

    def add(self, unit: Unit, files: Sequence[str]) -> None:
        """Add `unit`, its file names read as `files` (the paths they have in this process)."""
        if unit.homes:
            _settle_homes(unit.homes)
        for i, file in enumerate(files):
            self.errors.extend(KnowledgeError(file, e.pattern, e.key, e.problem) for e in unit.errors if e.file == i)
            for e in unit.entries:
                if e.file != i:
                    continue
                if e.rule in self.ids:
                    self.errors.append(KnowledgeError(file, e.rule, "id", f"duplicate id, also in {self.ids[e.rule]}"))
                    continue
                self.ids[e.rule] = file
                self.entries.append((e, file))
        self._candidates = None

    def extend(self, other: "Knowledge") -> None:
        """Append `other`'s patterns (already merged on their own) after these."""
        self.entries += other.entries
        self._candidates = None

    def patterns(self) -> list[Pattern]:
        return [e.decoded(file) for e, file in self.entries]

    def candidates(self, exceptions: Iterable[Any]) -> list[Pattern]:
        """The patterns, in order, that list a class of one of `exceptions` (ExceptionFacts) and one of whose
        regexes may match its message (prefilter.py): the only ones decoded."""
        if self._candidates is None:
            self._candidates = prefilter.Candidates((e.exceptions, e.requirements) for e, _ in self.entries)
        return [self.entries[i][0].decoded(self.entries[i][1]) for i in self._candidates.select(exceptions)]


def _settle_homes(homes: dict[str, dict[str, str]]) -> None:
    from . import analyzers, fixes
    analyzers.HOMES.update(homes.get("analyzers", {}))
    fixes.HOMES.update(homes.get("locators", {}))


def registry_homes() -> dict[str, dict[str, str]]:
    """Where every registered analyzer and fix builder is defined (importing them all)."""
    from . import analyzers, fixes
    return {"analyzers": analyzers.homes(), "locators": fixes.homes()}


# -- the plain encoding -----------------------------------------------------------------------------------

def encode(value: Any) -> Any:
    """JSON-ready data that `decode` turns back into an equal value: tuples and explainerr's model records
    are tagged; anything else that JSON cannot carry exactly raises Unencodable."""
    if value is None or type(value) in (bool, int, float, str):
        return value
    if type(value) is tuple:
        return {"\0t": [encode(v) for v in value]}
    if type(value) is list:
        return [encode(v) for v in value]
    if type(value) is dict:
        if not all(type(k) is str and not k.startswith("\0") for k in value):
            raise Unencodable("a mapping with keys other than plain strings")
        return {k: encode(v) for k, v in value.items()}
    from dataclasses import fields, is_dataclass

    from . import model
    name = type(value).__name__
    if is_dataclass(value) and getattr(model, name, None) is type(value):
        return {"\0r": [name, {f.name: encode(getattr(value, f.name)) for f in fields(value)}]}
    raise Unencodable(f"a {name}")


def decode(value: Any) -> Any:
    if type(value) is list:
        return [decode(v) for v in value]
    if type(value) is not dict:
        return value
    if "\0t" in value:
        return tuple(decode(v) for v in value["\0t"])
    if "\0r" in value:
        from . import model
        name, kwargs = value["\0r"]
        cls = getattr(model, name, None) if type(name) is str and name.isidentifier() else None
        if not (isinstance(cls, type) and hasattr(cls, "__dataclass_fields__")):
            raise ValueError(f"not a record of explainerr.model: {name!r}")
        return cls(**{k: decode(v) for k, v in kwargs.items()})
    return {k: decode(v) for k, v in value.items()}


def _pattern_line(p: Pattern) -> str:
    from dataclasses import fields
    plain = {f.name: encode(getattr(p, f.name)) for f in fields(p) if f.name != "source"}
    line = json.dumps(plain, separators=(",", ":"))  # ASCII only: never a raw line break
    rule = p.source.rpartition("#")[2]
    if Pattern(**decode(json.loads(line)), source=p.source) != p or not rule:
        raise Unencodable(f"pattern {rule!r} does not survive the encoding")
    return line


# -- unit files ---------------------------------------------------------------------------------------------

def dumps_unit(unit: Unit, key: str) -> bytes:
    """The unit as a file: a header (format, key, SHA-256 of the body), then the body's meta line and one line
    per pattern.  Raises Unencodable when a pattern cannot be carried exactly."""
    import hashlib
    lines = [e.line if e.pattern is None else _pattern_line(e.pattern) for e in unit.entries]
    meta = {"files": unit.files, "homes": unit.homes,
            "entries": [[e.file, e.rule, list(e.exceptions), [list(r) for r in e.requirements]]
                        for e in unit.entries],
            "errors": [[e.file, e.pattern, e.key, e.problem] for e in unit.errors]}
    body = "\n".join([json.dumps(meta, separators=(",", ":")), *lines]).encode("ascii")  # type: ignore[list-item]
    head = json.dumps({"format": FORMAT, "key": key, "body": hashlib.sha256(body).hexdigest()})
    return head.encode("ascii") + b"\n" + body


def loads_unit(data: bytes, key: str) -> Unit | None:
    """The unit in `data` when its header names this format and `key` and its body is intact; else None."""
    import hashlib
    try:
        head, _, body = data.partition(b"\n")
        if json.loads(head) != {"format": FORMAT, "key": key, "body": hashlib.sha256(body).hexdigest()}:
            return None
        meta_line, *lines = body.decode("ascii").split("\n")
        return _unit_from(json.loads(meta_line), lines)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return None


def _unit_from(meta: dict[str, Any], lines: list[str]) -> Unit | None:
    """Rebuild a unit, checking every field's type; None when anything is off."""
    files, homes = meta["files"], meta["homes"]
    ok = _strs(files) and type(homes) is dict and all(
        k in ("analyzers", "locators") and type(v) is dict and _strs(v) and
        all(type(m) is str and m.isidentifier() for m in v.values()) for k, v in homes.items())
    raw_entries, raw_errors = meta["entries"], meta["errors"]
    if not ok or len(raw_entries) != len(lines):
        return None
    entries = []
    for (file, rule, exceptions, reqs), line in zip(raw_entries, lines):
        if not (type(file) is int and 0 <= file < len(files) and type(rule) is str and _strs(exceptions)
                and type(reqs) is list and all(_strs(r) for r in reqs) and line.startswith("{")):
            return None
        entries.append(Entry(file, rule, tuple(exceptions), tuple(tuple(r) for r in reqs), line=line))
    errors = []
    for file, pattern, key, problem in raw_errors:
        if not (type(file) is int and 0 <= file < len(files) and type(problem) is str
                and all(x is None or type(x) is str for x in (pattern, key))):
            return None
        errors.append(KnowledgeError(file, pattern, key, problem))  # type: ignore[arg-type]
    return Unit(files, entries, errors, homes)


def _strs(xs: Any) -> bool:
    return type(xs) in (list, dict) and all(type(x) is str for x in xs)
