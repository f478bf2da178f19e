"""The vetted regular-expression subset of knowledge packs: no pattern can make the hook hang.

Python's `re` backtracks and cannot be interrupted, so a knowledge pack's message regex is checked once, at
load time, on its parse tree (`re._parser`), and refused when it could take super-linear time:

- backreferences (`\\1`, `(?P=name)`, `(?(1)...)`);
- a repeat whose body can match the same text in more than one way from one iteration to the next
  (`(a+)+`, `(\\w*\\s?)*`, `(a|ab)*`): the exponential case;
- two unbounded repeats that can consume the same characters with nothing between them that forces where
  the first one stops (`\\d+\\s*\\d+`, `.*,.*`), except for one such pair separated by a literal run of at
  least 8 characters (`\\((.*)\\) and weight type \\((.*)\\)`): the polynomial case.

Character sets are compared over a sample alphabet (ASCII plus a few non-ASCII characters, and one "other"
bit), which errs on the side of refusing.  With messages cut to 2,000 characters (diagnose.py), a vetted regex
takes at most about a second on the worst message found by fuzzing (tests/test_hostile.py), and the analysis
deadline is checked between patterns.
"""
from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser as P  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]

MAX_REGEX_CHARS = 1000
#: A repeat with more than this many iterations allowed counts as unbounded.
UNBOUNDED = 50
#: A literal run this long between two overlapping unbounded repeats bounds their cost.
SEPARATOR_RUN = 8

_SAMPLE = [chr(i) for i in range(128)] + list("éßΩ中٣\u00a0\u2028…")
OTHER = 1 << len(_SAMPLE)  # any character outside the sample
ALL = (OTHER << 1) - 1
_INDEX = {c: i for i, c in enumerate(_SAMPLE)}


class Unsafe(ValueError):
    pass


def _mask(pred: Any, other: bool) -> int:
    m = 0
    for i, c in enumerate(_SAMPLE):
        if pred(c):
            m |= 1 << i
    return m | (OTHER if other else 0)


def _word(c: str) -> bool:
    return c.isalnum() or c == "_"


_CATEGORIES = {
    "DIGIT": (_mask(str.isdecimal, False), _mask(lambda c: not c.isdecimal(), True)),
    "SPACE": (_mask(str.isspace, False), _mask(lambda c: not c.isspace(), True)),
    "WORD": (_mask(_word, True), _mask(lambda c: not _word(c), True)),
    "LINEBREAK": (_mask(lambda c: c == "\n", False), _mask(lambda c: c != "\n", True)),
}


def _category(cat: Any) -> int:
    name = str(cat).upper()
    for key, (pos, neg) in _CATEGORIES.items():
        if key in name:
            return neg if "NOT" in name else pos
    return ALL


def _char(code: int) -> int:
    i = _INDEX.get(chr(code))
    return OTHER if i is None else 1 << i


def _charset(items: list[tuple[Any, Any]]) -> int:
    m, negate = 0, False
    for op, av in items:
        if op is C.NEGATE:
            negate = True
        elif op is C.LITERAL:
            m |= _char(av)
        elif op is C.RANGE:
            lo, hi = av
            m |= _mask(lambda c: lo <= ord(c) <= hi, hi > 127)
        elif op is C.CATEGORY:
            m |= _category(av)
        else:
            m |= ALL
    return (ALL & ~m) | OTHER if negate else m


def _single(op: Any, av: Any) -> int | None:
    """The characters a one-character node can match, or None for other nodes."""
    if op is C.LITERAL:
        return _char(av)
    if op is C.NOT_LITERAL:
        return (ALL & ~_char(av)) | OTHER
    if op is C.ANY:
        return ALL
    if op is C.IN:
        return _charset(av)
    if op is C.CATEGORY:
        return _category(av)
    return None


_REPEATS = tuple(getattr(C, n) for n in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(C, n))


def _min_len(seq: Any) -> int:
    total = 0
    for op, av in seq:
        if _single(op, av) is not None:
            total += 1
        elif op is C.SUBPATTERN:
            total += _min_len(av[-1])
        elif op is getattr(C, "ATOMIC_GROUP", None):
            total += _min_len(av)
        elif op is C.BRANCH:
            total += min(_min_len(b) for b in av[1])
        elif op in _REPEATS:
            total += av[0] * _min_len(av[2])
    return total


def _edge(seq: Any, last: bool = False) -> int:
    """Characters the sequence can start with (or end with, when `last`)."""
    m = 0
    for op, av in (reversed(seq) if last else seq):
        s = _single(op, av)
        if s is not None:
            return m | s
        if op is C.SUBPATTERN or op is getattr(C, "ATOMIC_GROUP", None):
            inner = av[-1] if op is C.SUBPATTERN else av
            m |= _edge(inner, last)
            mandatory = _min_len(inner) > 0
        elif op is C.BRANCH:
            for b in av[1]:
                m |= _edge(b, last)
            mandatory = min(_min_len(b) for b in av[1]) > 0
        elif op in _REPEATS:
            if av[1] > 0:
                m |= _edge(av[2], last)
            mandatory = av[0] > 0 and _min_len(av[2]) > 0
        else:
            mandatory = False
        if mandatory:
            return m
    return m


def _chars(seq: Any) -> int:
    """Every character the sequence can consume."""
    m = 0
    for op, av in seq:
        s = _single(op, av)
        if s is not None:
            m |= s
        elif op is C.SUBPATTERN:
            m |= _chars(av[-1])
        elif op is getattr(C, "ATOMIC_GROUP", None):
            m |= _chars(av)
        elif op is C.BRANCH:
            for b in av[1]:
                m |= _chars(b)
        elif op in _REPEATS:
            m |= _chars(av[2])
    return m


class _State:
    """`pending`: characters that earlier variable-length repeats could still absorb; `units`: (first, all)
    characters of earlier repeats' bodies, whose iterations a later repeat could take over; `chain`: unbounded
    repeats in the current overlapping chain; `run`: mandatory characters since the last one."""

    __slots__ = ("pending", "units", "chain", "run")

    def __init__(self) -> None:
        self.pending, self.units, self.chain, self.run = 0, [], 0, 0

    def copy(self) -> "_State":
        st = _State()
        st.pending, st.units, st.chain, st.run = self.pending, list(self.units), self.chain, self.run
        return st

    def absorbs(self, first: int, chars: int) -> bool:
        return bool(first & self.pending) or any(first & uf and not (uc & ~chars) for uf, uc in self.units)


def _scan(seq: Any, st: _State, strict: bool, depth: int = 0) -> _State:
    """Walk a sequence left to right; raise Unsafe on an ambiguity."""
    if depth > 50:
        raise Unsafe("is nested too deeply")
    for op, av in seq:
        s = _single(op, av)
        if s is not None:
            if st.absorbs(s, ALL):
                st.run += 1
            else:
                st = _State()
        elif op in (C.GROUPREF, C.GROUPREF_EXISTS) or op is getattr(C, "GROUPREF_IGNORE", None):
            raise Unsafe("uses a backreference")
        elif op is C.SUBPATTERN:
            st = _scan(av[-1], st, strict, depth + 1)
        elif op is getattr(C, "ATOMIC_GROUP", None):
            st = _scan(av, st, strict, depth + 1)
        elif op in (C.ASSERT, C.ASSERT_NOT):
            _scan(av[1], _State(), False, depth + 1)
        elif op is C.BRANCH:
            if strict:
                branches = av[1]
                for i in range(len(branches)):
                    for j in range(i + 1, len(branches)):
                        a, b = branches[i], branches[j]
                        if _edge(a) & _edge(b) or (_min_len(a) == 0 and _min_len(b) == 0):
                            raise Unsafe("has alternatives that can match the same text inside a repeat")
            outs = [_scan(b, st.copy(), strict, depth + 1) for b in av[1]]
            st = _State()
            for o in outs:
                st.pending |= o.pending
                st.units += o.units
                st.chain = max(st.chain, o.chain)
            st.run = min(o.run for o in outs) if outs else 0
        elif op in _REPEATS:
            st = _repeat(av, st, strict, depth)
    return st


def _repeat(av: Any, st: _State, strict: bool, depth: int) -> _State:
    lo, hi, body = av
    if hi == 0:
        return st
    if hi > UNBOUNDED or strict:
        # the body against itself: one iteration must not be able to take over the next one's text
        _scan(list(body) + list(body), _State(), True, depth + 1)
        first, chars = _edge(body), _chars(body)
        if st.absorbs(first, chars):
            if strict or st.run < SEPARATOR_RUN:
                raise Unsafe("has repeats in a row that can match the same characters (such as `\\d+\\s*\\d+`)")
            st.chain += 1
            if st.chain > 2:
                raise Unsafe("has more than two unbounded repeats that can match the same text")
        else:
            st.chain = max(st.chain, 1)
        inner = _scan(body, _State(), False, depth + 1)
        st.pending |= inner.pending | _edge(body, last=True)
        st.units.append((first, chars))
        st.run = 0
        return st
    # a bounded repeat (`\d{4}`, `\s?`, `(?:,.*){1,3}`): like its body written out, the copies past `lo` optional
    if lo < hi and st.run < SEPARATOR_RUN and st.absorbs(_edge(body), _chars(body)):
        raise Unsafe("has a variable-length part right after a repeat that can match the same characters")
    for k in range(min(hi, 3)):
        if k < lo:
            st = _scan(body, st, strict, depth + 1)
            continue
        alt = _scan(body, st.copy(), strict, depth + 1)
        st.pending |= alt.pending
        st.units += alt.units
        st.chain = max(st.chain, alt.chain)
        st.run = min(st.run, alt.run)
    return st


def regex_problem(pattern: str) -> str | None:
    """None when `pattern` is in the vetted subset, else why it is refused."""
    if len(pattern) > MAX_REGEX_CHARS:
        return f"is longer than {MAX_REGEX_CHARS} characters"
    try:
        re.compile(pattern)
        tree = P.parse(pattern)
    except re.error as e:
        return f"does not compile: {e}"
    except RecursionError:
        return "is nested too deeply"
    try:
        _scan(list(tree), _State(), False)
    except Unsafe as e:
        return f"{e}, which can make matching take exponential or polynomial time"
    except RecursionError:
        return "is nested too deeply"
    return None
