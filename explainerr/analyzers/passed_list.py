"""A loop bounded by `len(roster)`, where `roster` is a parameter handed down from a call that passed another
list than the one the indexed tensor was built for: `build_window_features(window, matchday_squad)` (36 names)
while the tracking was simulated for `len(starting_lineup)` (22) players.  Narrowing the loop would leave the
other things the function's callers build from the same list (`ids` from `roster`) at the longer length; the
call gives the list that sized the tensor.  Read from the frames' call arguments, lengths and the tensor's
provenance (nothing runs)."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from .. import source as src
from ..facts import Context
from ..model import FrameFacts, TensorFacts
from . import fact

PASSED_OTHER_LIST = fact("passed-other-list", "the loop's bound counts `param`, handed down from `passed_call` (line "
                                              "`passed_line`), which gives `passed` ({bound_value} items), while "
                                              "`tensor` was built for `meant` ({size} items)")


@dataclass(frozen=True)
class PassedList:
    file: str
    stmt: ast.stmt
    node: ast.expr
    passed: str
    meant: str
    call: str


def passed_other_list(ctx: Context, frame: FrameFacts, tensor: TensorFacts, size: int, source: str | None,
                      bound: int | None) -> PassedList | None:
    """`source` (the list the bound counts) is a parameter of the loop's function; following the calls outward
    through parameters passed on unchanged, the first argument that is not a parameter (`matchday_squad`) holds
    `bound` items, and exactly one other list of that frame holds `size` items and is named on a line that made
    the indexed tensor."""
    if not source or not source.isidentifier() or bound is None or bound == size:
        return None
    from ..provenance import trace
    frames = ctx.user_frames()
    if frame not in frames:
        return None
    name, at = source, frames.index(frame)
    for outer in frames[at + 1:]:
        arg = next((a for a in outer.call_args if a.param == name), None)
        if arg is None or not arg.text.isidentifier():
            return None
        if arg.text not in outer.params:
            if outer.lengths.get(arg.text) != bound:
                return None
            from ..fixes.checks import bound_names
            made = " ".join(o.source for o in trace(ctx, tensor))
            reach = bound_names(outer.file, outer.line) or set()
            meant = sorted({n for fr in frames[frames.index(outer):] for n, length in fr.lengths.items()
                            if length == size and n != arg.text and n in reach
                            and re.search(rf"(?<![\w.]){re.escape(n)}(?!\w)", made)})
            tree = src.tree_of(outer.file)
            stmt = src.statement_at(tree, outer.line) if tree is not None else None
            call = _call_at(outer, stmt) if stmt is not None else None
            node = _argument(call, arg.text) if call is not None else None
            if len(meant) != 1 or node is None:
                return None
            return PassedList(file=outer.file, stmt=stmt, node=node, passed=arg.text, meant=meant[0],
                              call=" ".join(src.segment(outer.file, call).split()))
        name = arg.text
    return None


def _call_at(frame: FrameFacts, stmt: ast.stmt) -> ast.Call | None:
    """The call the frame was executing (its node's text), inside `stmt`."""
    text = " ".join((frame.node or "").split())
    return next((c for c in src.calls(stmt) if " ".join(src.segment(frame.file, c).split()) == text), None)


def _argument(call: ast.Call, name: str) -> ast.expr | None:
    found = [a for a in [*call.args, *(k.value for k in call.keywords)] if isinstance(a, ast.Name) and a.id == name]
    return found[0] if len(found) == 1 else None
