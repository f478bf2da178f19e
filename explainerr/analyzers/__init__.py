"""The vocabulary a knowledge pattern may use: `when:` conditions (analyzers) and `if:`/`unless:` facts.

An analyzer is a pure function of a `facts.Context` (a Report plus the regex groups of the message) that
returns a Finding when the facts support its mistake, or None when they contradict it or are missing.  The
Finding's values fill the pattern's templates; its `facts` decide which sentences of them hold (wording.py);
its `hints` tell the pattern's fix builder where to look.  Analyzers are registered by name with
`@analyzer("name")`, facts with `fact("name", "what it means")`; the knowledge loader rejects unknown names.
`named(name)` imports only the module that defines an analyzer (known from the compiled knowledge, see
compiled.py), so an explanation imports the analyzers its patterns name and no others.
`confidence` is what the facts support: "high" only when numbers tie the culprit to the cause.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..facts import Context
from ..model import Evidence, TensorFacts

ANALYZERS: dict[str, Callable[[Context], "Finding | None"]] = {}
#: The module of this package that defines each analyzer, as recorded when the knowledge was checked.
HOMES: dict[str, str] = {}
#: Every fact name a sentence may require, with what it means (filled by `fact`).
FACTS: dict[str, str] = {}


def fact(name: str, meaning: str) -> str:
    """Declare a fact name (an analyzer's finding or a property of the scene) that sentences may require."""
    FACTS[name] = meaning
    return name


@dataclass
class Finding:
    values: dict[str, Any] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    facts: set[str] = field(default_factory=set)
    hints: dict[str, Any] = field(default_factory=dict)
    confidence: str | None = None
    score: float = 0.0
    #: Other readings of the same facts: (fact names that replace this finding's, values, confidence).
    alternatives: list["Finding"] = field(default_factory=list)

    @property
    def variants(self) -> set[str]:  # the name packs know these by
        return self.facts

    def merge(self, other: "Finding") -> "Finding":
        self.values.update(other.values)
        self.evidence.extend(e for e in other.evidence if e not in self.evidence)
        self.facts |= other.facts
        self.hints.update(other.hints)
        self.score += other.score
        self.alternatives.extend(other.alternatives)
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
    """Every analyzer, and every fact, of the package: all its modules imported (they register on import)."""
    import importlib
    import pkgutil
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return ANALYZERS


def named(name: str) -> Callable[[Context], Finding | None]:
    """The analyzer `name`: its module alone is imported when its home is known, else every module."""
    from ..registry import lookup
    return lookup(ANALYZERS, HOMES, __name__, name, load_all)


def homes() -> dict[str, str]:
    """name -> module (within this package) of every analyzer."""
    from ..registry import homes_of
    return homes_of(load_all(), __name__)


BAND_AID = fact("band-aid", "the fix hides the symptom where it shows (clamping, slicing where used): the cause "
                            "could not be reached")
