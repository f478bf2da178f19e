"""The vocabulary of `when:` names a knowledge pattern may use, and the Finding they return.

An analyzer is a pure function of a `facts.Context` (a Report plus the regex groups of the message) that
returns a Finding when the facts support its mistake, or None when they contradict it or are missing.  The
Finding's values fill the pattern's templates; its `hints` tell the pattern's locator (fix.py) where to look.
Analyzers are registered by name with `@analyzer("name")`; the knowledge loader rejects unknown names.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..facts import Context
from ..model import Evidence, TensorFacts

ANALYZERS: dict[str, Callable[[Context], "Finding | None"]] = {}


@dataclass
class Finding:
    values: dict[str, Any] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    hints: dict[str, Any] = field(default_factory=dict)
    confidence: str | None = None
    score: float = 0.0

    def merge(self, other: "Finding") -> "Finding":
        self.values.update(other.values)
        self.evidence.extend(e for e in other.evidence if e not in self.evidence)
        self.variants.extend(v for v in other.variants if v not in self.variants)
        self.hints.update(other.hints)
        self.score += other.score
        if other.confidence:
            self.confidence = other.confidence
        return self


def analyzer(name: str) -> Callable[[Callable[[Context], Finding | None]], Callable[[Context], Finding | None]]:
    def register(fn: Callable[[Context], Finding | None]) -> Callable[[Context], Finding | None]:
        ANALYZERS[name] = fn
        return fn
    return register


def evidence(t: TensorFacts | None, expr: str | None = None, note: str | None = None) -> Evidence | None:
    if t is None:
        return None
    return Evidence(expr=expr or t.expr, shape=t.shape, dtype=t.dtype, device=t.device, note=note)


def value_evidence(expr: str, value: Any, note: str | None = None) -> Evidence:
    return Evidence(expr=expr, value=value, note=note)


def load_all() -> dict[str, Callable[[Context], Finding | None]]:
    from . import ids, kinds, shapes, text  # noqa: F401  (registration side effect)
    return ANALYZERS
