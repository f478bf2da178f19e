"""Matches a Report against the knowledge base and returns ranked Diagnoses (a pure function).

A pattern applies when the exception's class (or a base class) is listed, one of its message regexes
matches, and every analyzer named in `when` finds supporting facts.  Templates are filled with the regex
groups and the analyzers' values through a plain `{name}` substitution: nothing from YAML is evaluated.
Ranking: priority, then the number of `when` conditions, then the id.  An error that no pattern explains
gets no diagnosis.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Iterable

from . import source as src
from . import wording
from .analyzers import Finding, named
from .facts import Context
from .model import (
    Diagnosis,
    Evidence,
    ExceptionFacts,
    Fix,
    Origin,
    Pattern,
    Report,
    TensorFacts,
)
from .prefilter import MAX_MATCH_CHARS, match_text  # noqa: F401  (the start of a message the regexes see)
from .safety import check_deadline




def _candidates(report: Report) -> list[ExceptionFacts]:
    return [report.exception, *report.chain]


def _message_match(pattern: Pattern, exc: ExceptionFacts) -> dict[str, str] | None:
    if not any(name in pattern.exceptions for name in (exc.mro or (exc.type,))) and exc.type not in pattern.exceptions:
        return None
    from .knowledge import message_regexes
    message = match_text(exc.message)
    for rx in message_regexes(pattern):
        m = rx.search(message)
        if m:
            return _derived({k: v for k, v in m.groupdict().items() if v is not None})
    return None


def _derived(groups: dict[str, str]) -> dict[str, str]:
    """Fill `a` and a non-negative `dim` from an expected `shape` (torch.compile's broadcast message names one
    size and the shape the other must broadcast to), so size analyzers see the same two numbers as eager's."""
    if "shape" in groups and "a" not in groups and "dim" in groups:
        try:
            dims = [int(x) for x in groups["shape"].split(",") if x.strip()]
            d = int(groups["dim"])
            d = d + len(dims) if d < 0 else d
            groups = {**groups, "a": str(dims[d]), "dim": str(d)}
        except (ValueError, IndexError):
            pass
    return groups


def match(report: Report, pattern: Pattern, from_text: bool = False) -> tuple[Finding, dict[str, Any], str] | None:
    if from_text and pattern.text is None:
        return None
    when = tuple(pattern.text.get("when", ())) if from_text and pattern.text is not None else pattern.when
    for exc in _candidates(report):
        check_deadline()
        groups = _message_match(pattern, exc)
        if groups is None:
            continue
        ctx = Context(report=report, groups=groups, message=exc.message)
        finding = Finding(values=dict(groups))
        ok = True
        for name in when:
            check_deadline()
            found = named(name)(ctx)
            if found is None:
                ok = False
                break
            finding.merge(found)
        if ok:
            return finding, groups, exc.message
    return None


def build(report: Report, pattern: Pattern, finding: Finding, message: str) -> Diagnosis:
    from .analyzers.scene import scene_facts
    from .fixes import make_fix  # fix needs the user's source; kept apart from matching

    ctx = Context(report=report, groups={}, message=message)
    finding.facts |= scene_facts(ctx)
    facts, values = finding.facts, finding.values
    fix = make_fix(report, pattern, finding, ctx)
    return Diagnosis(pattern=pattern.id, title=wording.first(pattern.title, facts, values) or pattern.id,
                     confidence=finding.confidence or pattern.confidence or "medium",
                     summary=wording.first(pattern.summary, facts, values) or "",
                     explanation=wording.joined(pattern.explain, facts, values),
                     evidence=tuple(finding.evidence) + _constants(report, finding), fix=fix,
                     rank=float(pattern.priority), origins=_origins(ctx, finding))


def _origins(ctx: Context, finding: Finding) -> tuple[Origin, ...]:
    """Where the user's tensors named in the evidence were made (provenance.py)."""
    from .batches import dataset_origin
    from .provenance import origins, root_name

    traced: list[TensorFacts] = []
    from_library: list[str] = []
    users = [t for f in ctx.user_frames() for t in f.tensors]
    for ev in finding.evidence:
        if ev.shape is None:
            continue
        t = next((t for t in users if t.expr == ev.expr), None)
        if t is None:  # an argument's text such as `full.attention_mask[a:b]`: traced from its root name
            root = root_name(ev.expr)
            t = next((replace(t, expr=ev.expr) for t in users if root and root_name(t.expr) == root), None)
        if t is not None:
            traced.append(t)
        else:
            from_library.append(ev.expr)
    for index, name in finding.hints.get("trace") or []:  # names an analyzer asks to follow (a loader, a list)
        traced.append(TensorFacts(expr=name, shape=(), dtype="", device="", frame=index))
    found = list(origins(ctx, traced))
    if not found:  # the tensors an analyzer named, seen only in a library's frames: their names there
        seen = [t for fr in ctx.raise_frames() for t in fr.tensors if t.expr in from_library]
        from_library += [n for t in [*finding.hints.values(), *seen] if isinstance(t, TensorFacts) and t.ident
                         and ctx.frames[t.frame].library for n in ctx.entry_names(t)]
    for expr in dict.fromkeys(from_library):  # a batch entry built by a library (Trainer, collate) from the user's Dataset
        key = _batch_key(expr)
        if key:
            found += [o for o in dataset_origin(ctx, key, expr) if (o.file, o.line) not in
                      {(x.file, x.line) for x in found}]
    return tuple(found)


def _batch_key(expr: str) -> str | None:
    """The batch key an expression names: `kwargs["labels"]` → labels, `inputs.input_ids` → input_ids."""
    m = re.search(r"""\[\s*["'](\w+)["']\s*\]\s*$|\.(\w+)$|^(\w+)$""", expr.strip())
    return next((g for g in m.groups() if g), None) if m else None


def build_from_text(report: Report, pattern: Pattern, finding: Finding) -> Diagnosis:
    """A diagnosis from a traceback's text: the pattern's `text:` templates, no edits, what was not checked."""
    from .analyzers.scene import scene_facts
    text = pattern.text or {}
    finding.facts |= scene_facts(Context(report=report, groups={}, message=""))
    facts, values = finding.facts, finding.values
    fix = text.get("fix") or {"description": pattern.fix_description, "code": pattern.fix_code}
    description, code = wording.first(fix["description"], facts, values), wording.first(fix["code"], facts, values)
    return Diagnosis(pattern=pattern.id, title=wording.first(pattern.title, facts, values) or pattern.id,
                     confidence=finding.confidence or text.get("confidence", "medium"),
                     summary=wording.first(text["summary"], facts, values) or "",
                     explanation=wording.joined(text["explain"], facts, values),
                     evidence=tuple(finding.evidence),
                     fix=None if description is None or code is None else Fix(description=description, code=code),
                     rank=float(pattern.priority), unchecked=tuple(text.get("unchecked", ())))


def _constants(report: Report, finding: Finding) -> tuple[Evidence, ...]:
    """The user's UPPER_CASE constants that hold one of the finding's numbers: where a fixed size came from."""
    numbers = {v for v in finding.values.values() if type(v) is int and v >= 2}
    numbers |= {int(v) for v in finding.values.values() if isinstance(v, str) and v.isdigit() and int(v) >= 2}
    shown = {e.expr for e in finding.evidence}
    out: list[Evidence] = []
    for f in reversed(report.frames):
        if f.library:
            continue
        tree = src.tree_of(f.file)
        seeds = src.seed_names(tree) if tree is not None else frozenset()
        for name, value in f.scalars.items():
            if (type(value) is int and value in numbers and name.isupper() and len(name) > 1
                    and name not in shown and name not in seeds):
                shown.add(name)
                out.append(Evidence(expr=name, value=value, note="constant with the same value"))
    return tuple(out[:4])


_PAIRED_VALUES = frozenset({"label-out-of-range", "loop-out-of-bounds",
                            "token-id-out-of-vocab"})  # the patterns a value paired with another example's mimics


def diagnose(report: Report, patterns: Iterable[Pattern], from_text: bool = False) -> list[Diagnosis]:
    """All diagnoses for `report`, best first.  `from_text`: the report was read from a traceback's text,
    so the patterns' `text:` conditions and templates are used instead of the live-fact ones."""
    found: list[tuple[tuple[int, int, str], Pattern, Finding, str]] = []
    paired: bool | None = None
    for p in patterns:
        m = match(report, p, from_text)
        if m is None:
            continue
        if p.id in _PAIRED_VALUES:  # read from the source once, only when such a pattern matched
            if paired is None:
                from .analyzers.paired_apart import paired_apart, sorted_values_zipped
                ctx = Context(report=report)
                from .analyzers.first_record import first_record_setting
                paired = paired_apart(ctx) is not None or sorted_values_zipped(ctx) is not None \
                    or first_record_setting(ctx)
            if paired:
                continue  # each value is right where it was made (paired with another example's, or in the
                # unit of the first record's setting): no size to change
        finding, _, message = m
        n_when = len((p.text or {}).get("when", ())) if from_text else len(p.when)
        found.append(((-p.priority, -n_when, p.id), p, finding, message))
    if found and not from_text:
        from .analyzers.unpack_order import collated_out_of_order
        if collated_out_of_order(Context(report=report)):
            return []  # the batch's tensors were given each other's names: every one is right for its own place
    found.sort(key=lambda x: x[0])
    out: list[Diagnosis] = []
    seen: set[str] = set()
    for _, p, finding, message in found:
        if p.id in seen:
            continue
        seen.add(p.id)
        check_deadline()
        readings = [finding] + [_reading(finding, alt) for alt in finding.alternatives]
        for reading in readings:
            d = build_from_text(report, p, reading) if from_text else build(report, p, reading, message)
            if out and d.confidence == "high":  # an alternative is never as sure as the first reading
                d = replace(d, confidence="medium")
            out.append(d)
    return out


def _reading(main: Finding, alt: Finding) -> Finding:
    """Another reading of the same facts: the main finding's evidence and values, with the alternative's own
    values, facts and hints on top (its facts replace the main's, so its sentences are its own)."""
    return Finding(values={**main.values, **alt.values}, evidence=list(main.evidence) + [
        e for e in alt.evidence if e not in main.evidence], facts=set(alt.facts), hints={**main.hints, **alt.hints},
        confidence=alt.confidence or "low")
