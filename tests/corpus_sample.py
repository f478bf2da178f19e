"""Which cases of tests/corpus the default run (the README's test command) checks, and which only `python -m
pytest -q -m corpus_all` does: the corpus has grown past what the default run can run in its time.

The default run keeps every case that is not a held-out `z*` script (the hand-written corpora and those
derived from them), every case that lists a known gap of its pattern, fix, text or false alarm (a strict xfail
must run to notice the gap closing), the first case by name of each (pattern, library) group (the cases
--verify's default sample checks), one in four of the cases whose only gap is a word the explanation leaves out,
and one in five of the rest, chosen by a hash of the name (the same on every machine and in every run).  The others carry
the `corpus_all` marker: those cases are analysed only when a test that needs them is selected
(`corpus_results` runs exactly the cases the selected tests name)."""
from __future__ import annotations

import zlib
from typing import Any

import pytest

#: One held-out case (without a known gap) in this many runs by default; the others are left to `-m corpus_all`.
KEPT_IN_DEFAULT_RUN = 5
#: Likewise for the held-out cases whose only known gap is a mention (a strict xfail: the full run notices it close).
KEPT_WITH_MENTION_GAP = 4


def group_firsts(metas: dict[str, dict[str, Any]]) -> set[str]:
    """The first case by name of each (pattern, library) group."""
    firsts: dict[tuple[str, str], str] = {}
    for name in sorted(metas):
        key = (str(metas[name].get("pattern") or "none"), str(metas[name].get("library") or ""))
        firsts.setdefault(key, name)
    return set(firsts.values())


def in_default_run(name: str, meta: dict[str, Any], firsts: set[str]) -> bool:
    gaps = meta.get("known_gaps") or []
    if not name.startswith("z") or name in firsts or (gaps and gaps != ["mention"]):
        return True
    return zlib.crc32(name.encode()) % (KEPT_WITH_MENTION_GAP if gaps else KEPT_IN_DEFAULT_RUN) == 0


def marked(params: list[Any], metas: dict[str, dict[str, Any]]) -> list[Any]:
    """`params` (names, or pytest.param of a name) with the `corpus_all` marker on the cases outside the default
    run."""
    firsts = group_firsts(metas)
    out = []
    for p in params:
        name = p.values[0] if hasattr(p, "values") else p
        if in_default_run(name, metas[name], firsts):
            out.append(p)
        elif hasattr(p, "values"):
            out.append(pytest.param(*p.values, marks=[*p.marks, pytest.mark.corpus_all], id=p.id))
        else:
            out.append(pytest.param(p, marks=pytest.mark.corpus_all))
    return out
