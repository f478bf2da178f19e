"""Matches a Report against the knowledge base and returns ranked Diagnoses (a pure function).

A pattern applies when the exception's class (or a base class) is listed, one of its message regexes
matches, and every analyzer named in `when` finds supporting facts.  Templates are filled with the regex
groups and the analyzers' values through a plain `{name}` substitution: nothing from YAML is evaluated.
Ranking: priority, then the number of `when` conditions, then the id.  An error that no pattern explains
gets no diagnosis.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from .analyzers import Finding, load_all
from .facts import Context
from .model import Diagnosis, Evidence, ExceptionFacts, Pattern, Report

_PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_]\w*)\}(?!\})")


def fill(template: str, values: dict[str, Any]) -> str:
    """Replace {name} with values[name]; unknown names stay visible as {name}; {{ and }} are literal braces."""
    out = _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), template)
    return out.replace("{{", "{").replace("}}", "}")


def _candidates(report: Report) -> list[ExceptionFacts]:
    return [report.exception, *report.chain]


def _message_match(pattern: Pattern, exc: ExceptionFacts) -> dict[str, str] | None:
    if not any(name in pattern.exceptions for name in (exc.mro or (exc.type,))) and exc.type not in pattern.exceptions:
        return None
    for rx in pattern.message.split("\n"):
        m = re.search(rx, exc.message)
        if m:
            return {k: v for k, v in m.groupdict().items() if v is not None}
    return None


def match(report: Report, pattern: Pattern) -> tuple[Finding, dict[str, Any], str] | None:
    analyzers = load_all()
    for exc in _candidates(report):
        groups = _message_match(pattern, exc)
        if groups is None:
            continue
        ctx = Context(report=report, groups=groups, message=exc.message)
        finding = Finding(values=dict(groups))
        ok = True
        for name in pattern.when:
            found = analyzers[name](ctx)
            if found is None:
                ok = False
                break
            finding.merge(found)
        if ok:
            return finding, groups, exc.message
    return None


def build(report: Report, pattern: Pattern, finding: Finding, message: str) -> Diagnosis:
    from .fix import make_fix  # fix needs the user's source; kept apart from matching

    values = finding.values
    explanation = fill(pattern.explain, values)
    for v in finding.variants:
        if v in pattern.variants:
            explanation += " " + fill(pattern.variants[v], values).strip()
    fix = make_fix(report, pattern, finding, Context(report=report, groups={}, message=message))
    return Diagnosis(pattern=pattern.id, title=fill(pattern.title, values),
                     confidence=finding.confidence or pattern.confidence,
                     summary=fill(pattern.summary, values), explanation=explanation,
                     evidence=tuple(finding.evidence) + _constants(report, finding), fix=fix,
                     rank=float(pattern.priority))


def _constants(report: Report, finding: Finding) -> tuple[Evidence, ...]:
    """The user's UPPER_CASE constants that hold one of the finding's numbers: where a fixed size came from."""
    numbers = {v for v in finding.values.values() if type(v) is int and v >= 2}
    numbers |= {int(v) for v in finding.values.values() if isinstance(v, str) and v.isdigit() and int(v) >= 2}
    shown = {e.expr for e in finding.evidence}
    out: list[Evidence] = []
    for f in reversed(report.frames):
        if f.library:
            continue
        for name, value in f.scalars.items():
            if (type(value) is int and value in numbers and name.isupper() and len(name) > 1
                    and name not in shown):
                shown.add(name)
                out.append(Evidence(expr=name, value=value, note="constant with the same value"))
    return tuple(out[:4])


def diagnose(report: Report, patterns: Iterable[Pattern]) -> list[Diagnosis]:
    """All diagnoses for `report`, best first."""
    found: list[tuple[tuple[int, int, str], Pattern, Finding, str]] = []
    for p in patterns:
        m = match(report, p)
        if m is not None:
            finding, _, message = m
            found.append(((-p.priority, -len(p.when), p.id), p, finding, message))
    found.sort(key=lambda x: x[0])
    out: list[Diagnosis] = []
    seen: set[str] = set()
    for i, (_, p, finding, message) in enumerate(found):
        if p.id in seen:
            continue
        seen.add(p.id)
        d = build(report, p, finding, message)
        if i > 0 and d.confidence == "high":
            d = Diagnosis(**{**d.__dict__, "confidence": "medium"})
        out.append(d)
    return out
