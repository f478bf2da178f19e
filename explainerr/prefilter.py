"""The cheap test a message passes before any knowledge regex runs: literal text every match must contain.

`requirement(regex)` derives it from the regex itself, never by hand: the alternatives (one or more literal
strings) of which at least one occurs in every text the regex matches, or `()` when nothing can be promised.
It reads the regex with Python's own regex parser and keeps to what that parser and RE2 (the engine that
matches knowledge regexes, see knowledge.py) read alike: runs of plain characters, groups, repeats taken at
least once, and alternations whose every branch has a literal.  Anything it does not understand (classes, case
folding, a syntax only one of the two engines knows) ends a run or gives `()`, so a message a regex would
match is never dropped.  `checked_requirement` also tries the requirement on the pattern's recorded samples.

`Candidates` indexes patterns by exception class name and keeps, for one report, those whose exception list
names a class of the exception (or of one in its chain) and one of whose regexes may match its message.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

Requirement = tuple[str, ...]  # any one of these strings occurs in every match; () promises nothing
#: Only this much of a message is fed to the knowledge base's regexes (RE2, linear time: see knowledge.py).
MAX_MATCH_CHARS = 2000
#: Shorter literals filter too little to be worth checking.
MIN_LITERAL = 3


def requirement(regex: str) -> Requirement:
    """The literal strings of which one occurs in every match of `regex` (`()` when none can be derived)."""
    # POSIX classes ([[:alpha:]]) are read differently by Python's parser: stay out of their way
    if "[:" in regex or "\\Q" in regex:
        return ()
    import warnings
    try:
        from re import _parser as sre_parse  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_parse  # type: ignore[no-redef]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = sre_parse.parse(regex)
    except Exception:  # a syntax Python's parser does not know (RE2's \pN, \x{...}, (?U)...)
        return ()
    from re import IGNORECASE, VERBOSE
    if parsed.state.flags & (IGNORECASE | VERBOSE):
        return ()
    best = _best(_requirements(list(parsed), sre_parse))
    return best if best and min(len(s) for s in best) >= MIN_LITERAL else ()


def _requirements(items: Sequence[tuple[Any, Any]], sre: Any) -> list[Requirement]:
    """Every requirement of a concatenation: the runs of literal characters (a group's run joins its
    neighbours'), then what repeats taken at least once and alternations require on their own."""
    c = sre  # the parser module re-exports its opcodes
    out: list[Requirement] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            out.append(("".join(run),))
            run.clear()

    def walk(seq: Sequence[tuple[Any, Any]]) -> None:
        for op, av in seq:
            if op == c.LITERAL:
                run.append(chr(av))
            elif op == c.SUBPATTERN:
                _, add, remove, body = av
                if add or remove:  # local flags (case folding among them): opaque
                    flush()
                else:
                    walk(list(body))
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
                low, _, body = av
                flush()
                if low >= 1:
                    out.extend(_requirements(list(body), sre))
            elif op == c.BRANCH:
                flush()
                branches = [_best(_requirements(list(b), sre)) for b in av[1]]
                if all(branches):
                    out.append(tuple(dict.fromkeys(s for b in branches for s in b)))
            else:  # classes, any character, anchors, references: no literal here
                flush()
    walk(items)
    flush()
    return out


def _best(reqs: Iterable[Requirement]) -> Requirement:
    """The most selective requirement: the one whose shortest alternative is longest."""
    return max(reqs, key=lambda r: (min(len(s) for s in r), -len(r)), default=())


def checked_requirement(regex: str, compiled: Any, samples: Iterable[str]) -> Requirement:
    """`requirement(regex)`, dropped when a sample the compiled regex matches lacks it (never filter wrongly)."""
    req = requirement(regex)
    for s in samples:
        text = match_text(s)
        if req and not passes(req, text) and compiled.search(text):
            return ()
    return req


def match_text(message: str) -> str:
    """The text of a message the regexes see (and the prefilter looks at): its start, and since RE2 reads
    UTF-8, a lone surrogate (from an undecodable file name) read as "?"."""
    return message[:MAX_MATCH_CHARS].encode("utf-8", "replace").decode("utf-8")


def passes(req: Requirement, message: str) -> bool:
    return not req or any(s in message for s in req)


class Candidates:
    """Patterns by exception class name, each with its regexes' requirements; `select` keeps, in order,
    the positions of the patterns that may match a report's exceptions."""

    def __init__(self, entries: Iterable[tuple[Sequence[str], Sequence[Requirement]]]) -> None:
        self.by_name: dict[str, list[int]] = {}
        self.requirements: list[Sequence[Requirement]] = []
        for i, (exceptions, reqs) in enumerate(entries):
            self.requirements.append(reqs)
            for name in dict.fromkeys(exceptions):
                self.by_name.setdefault(name, []).append(i)

    def select(self, exceptions: Iterable[Any]) -> list[int]:
        """`exceptions`: ExceptionFacts (type, message, mro), the raised one and those of its chain."""
        keep: set[int] = set()
        for exc in exceptions:
            message = match_text(exc.message)
            for name in dict.fromkeys((*(exc.mro or ()), exc.type)):
                for i in self.by_name.get(name, ()):
                    reqs = self.requirements[i]
                    if i not in keep and (not reqs or any(passes(r, message) for r in reqs)):
                        keep.add(i)
        return sorted(keep)
