"""What the metamorphic transforms share: the context a transform takes from the original run (the failing
line, the script's functions on the failing stack), the signal that a script offers nothing to transform,
fresh names that cannot collide with the script's own, and the module scope lookup.

A transform is a function `apply(source, ctx) -> str`: it returns the transformed script, or raises
NotApplicable with the reason when the script has nothing it could change.  Transforms work on libcst's
concrete syntax tree, so comments and layout outside the changed lines are kept.
"""
from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from typing import Iterator

import libcst as cst
from libcst.metadata import GlobalScope, MetadataWrapper, ScopeProvider


@dataclass(frozen=True)
class Context:
    """What the original run of the script told: `line`, the failing line of this script (1-based: the
    innermost traceback entry in the script), and `stack`, the names of the script's functions on the
    failing stack, outermost first."""

    line: int | None = None
    stack: tuple[str, ...] = ()


class NotApplicable(Exception):
    """The script offers nothing this transform could change (the message says why)."""


@functools.lru_cache(maxsize=4)
def parse(source: str) -> MetadataWrapper:
    """The script's tree wrapped for metadata (use `wrapper.module`: node identities are the wrapper's).
    The trees are immutable and a wrapper keeps the metadata it resolved, so the transforms of one script share
    one wrapper: parsing and scope analysis happen once per script, not once per transform."""
    try:
        return MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True)  # a fresh tree: no copy needed
    except cst.ParserSyntaxError as e:
        raise NotApplicable(f"the script does not parse: {e}") from None


def identifiers(module: cst.CSTNode) -> set[str]:
    """Every identifier spelled in the script (names, attributes, keywords): fresh names avoid them all.
    A new set each call (callers add the names they hand out); the walk is done once per tree."""
    return set(_identifiers(module))


@functools.lru_cache(maxsize=16)
def _identifiers(module: cst.CSTNode) -> frozenset[str]:
    found: set[str] = set()

    class Collect(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.add(node.value)

    module.visit(Collect())
    return frozenset(found)


def fresh_names(stem: str, taken: set[str]) -> Iterator[str]:
    """stem1, stem2, ... skipping every name in `taken` (and adding the ones handed out to it)."""
    for k in itertools.count(1):
        name = f"{stem}{k}"
        if name not in taken:
            taken.add(name)
            yield name


def fresh_name(preferred: str, taken: set[str]) -> str:
    """`preferred` when the script does not use it, else preferred1, preferred2, ...; added to `taken`."""
    if preferred not in taken:
        taken.add(preferred)
        return preferred
    return next(fresh_names(preferred, taken))


def global_scope(wrapper: MetadataWrapper) -> GlobalScope:
    """The module's scope (libcst's scope analysis)."""
    return next(s for s in wrapper.resolve(ScopeProvider).values() if isinstance(s, GlobalScope))
