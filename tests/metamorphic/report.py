"""Figures and failure listings from metamorphic rows (runner.Pair): the per-transform table (applicable,
passed, rate), the failures grouped by the case's pattern with what came out, and the thresholds file."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import yaml

from .runner import ORIGINAL, TRANSFORMS, Pair

THRESHOLDS = Path(__file__).with_name("thresholds.yaml")


@dataclass
class Rate:
    transform: str
    cases: int = 0
    not_applicable: int = 0
    applicable: int = 0
    passed: int = 0
    errors: int = 0
    regressions: int = 0  # failures on cases whose original passes

    @property
    def rate(self) -> float | None:
        return self.passed / self.applicable if self.applicable else None


def rates(pairs: Iterable[Pair]) -> dict[str, Rate]:
    pairs = list(pairs)
    original_ok = {p.case for p in pairs if p.transform == ORIGINAL and p.status == "pass"}
    out = {name: Rate(name) for name in (ORIGINAL, *TRANSFORMS)}
    for p in pairs:
        r = out.setdefault(p.transform, Rate(p.transform))
        r.cases += 1
        if p.status == "n/a":
            r.not_applicable += 1
            continue
        r.applicable += 1
        r.passed += p.status == "pass"
        r.errors += p.status == "error"
        r.regressions += p.status != "pass" and p.transform != ORIGINAL and p.case in original_ok
    return out


def table(pairs: Iterable[Pair]) -> str:
    """One line per transform: cases, not applicable, applicable, passed, rate, errors, and the failures on
    cases whose original passes (what the transform alone broke)."""
    lines = [f"{'transform':10} {'cases':>5} {'n/a':>5} {'applicable':>10} {'passed':>6} {'rate':>7} "
             f"{'errors':>6} {'broken by the transform':>23}"]
    for r in rates(pairs).values():
        rate = "-" if r.rate is None else f"{100 * r.rate:.1f}%"
        broken = "" if r.transform == ORIGINAL else str(r.regressions)
        lines.append(f"{r.transform:10} {r.cases:>5} {r.not_applicable:>5} {r.applicable:>10} {r.passed:>6} "
                     f"{rate:>7} {r.errors:>6} {broken:>23}")
    return "\n".join(lines)


def _indent(text: str, by: str = "      ") -> str:
    return "\n".join(by + line for line in text.rstrip().splitlines())


def failures(pairs: Iterable[Pair], details: bool = True, transform: str | None = None) -> str:
    """Every failed or errored (case, transform) (of `transform` only, when given), grouped by the case's
    pattern: what came out (pattern, edits, the fixed run's error) and, with `details`, the transform's diff
    and explainerr's text."""
    pairs = list(pairs)
    original = {p.case: p for p in pairs if p.transform == ORIGINAL}
    groups: dict[str, list[Pair]] = defaultdict(list)
    for p in pairs:
        if p.status in ("fail", "error") and transform in (None, p.transform):
            groups[p.want].append(p)
    out = []
    for want in sorted(groups):
        out.append(f"== {want}: {len(groups[want])} failing pair(s)")
        for p in groups[want]:
            base = original.get(p.case)
            note = "" if p.transform == ORIGINAL else \
                " [original passes]" if base and base.status == "pass" else " [original fails too]"
            out.append(f"  {p.case} x {p.transform}{note}: {p.status}: {p.reason.splitlines()[-1] if p.reason else ''}")
            if p.status == "error":
                out.append(_indent(p.reason))
                continue
            for e in p.edits:
                out.append(f"      edit lines {e['start_line']}-{e['end_line']}:")
                out.append(_indent(e["replacement"], "        | "))
            if details and p.diff:
                out.append("      transform:")
                out.append(_indent(p.diff, "        "))
            if details and p.explanation:
                out.append("      explainerr said:")
                out.append(_indent(p.explanation, "        "))
    return "\n".join(out)


def skipped(folder: Path) -> str:
    """The cases of a corpus left out because a module they require is missing, one line each."""
    from .pool import cases_in, missing_requirements
    return "\n".join(f"  {c.name}: needs {', '.join(missing_requirements(c))}" for c in cases_in(folder)
                     if missing_requirements(c))


def not_applicable(pairs: Iterable[Pair]) -> str:
    """Why each pair that is not counted was left out."""
    return "\n".join(f"  {p.case} x {p.transform}: {p.reason}" for p in pairs if p.status == "n/a")


HEADER = """\
# The metamorphic suite's floor on tests/corpus (tests/test_metamorphic.py): per transform, the pass rate
# (passed / applicable pairs, held while the corpus keeps its size) and the numbers of passing and applicable
# pairs it must keep.  Written by
# `python -m tests.metamorphic --record tests/corpus` from a run of the suite: record again when the
# analyzers improve (the rates only go up) or when cases are added to or removed from the corpus.
"""


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, dict[str, float]]:
    return yaml.safe_load(path.read_text()) or {}


def record_thresholds(pairs: Iterable[Pair], path: Path = THRESHOLDS) -> None:
    """The measured rates (rounded down to 0.1 %), passing and applicable counts as the new thresholds."""
    lines = [HEADER.rstrip("\n")]
    for name, r in rates(pairs).items():
        floor = int(1000 * (r.rate or 0.0)) / 1000
        lines.append(f"{name}: {{rate: {floor:.3f}, passed: {r.passed}, applicable: {r.applicable}}}")
    path.write_text("\n".join(lines) + "\n")


def below_thresholds(pairs: Iterable[Pair], thresholds: dict[str, dict[str, float]]) -> list[str]:
    """What falls short of the recorded floor, one line each: fewer applicable pairs or fewer passing pairs than
    recorded (a regression, even when cases were added), or a lower pass rate on a corpus of the recorded size
    (cases added since, which may fail today, are held by the counts and not by the rate)."""
    found = rates(pairs)
    short = []
    for name, want in thresholds.items():
        r = found.get(name, Rate(name))
        if r.applicable < want.get("applicable", 0):
            short.append(f"{name}: {r.applicable} applicable pairs, at least {want['applicable']} expected")
        if r.passed < want.get("passed", 0):
            short.append(f"{name}: {r.passed} passing pairs, at least {want['passed']} expected")
        if r.applicable == want.get("applicable", 0) and (r.rate or 0.0) < want.get("rate", 0.0):
            short.append(f"{name}: pass rate {100 * (r.rate or 0):.1f}%, at least {100 * want['rate']:.1f}% "
                         f"expected ({r.passed}/{r.applicable})")
    return short
