"""Ids numbered from 1 by a map named for them, looked up in a table with one row per entry of the map: `ticker_to_idx
= {t: i for i, t in enumerate(sorted(TICKERS), start=1)}` keeps id 0 free (for the unknown or the padding), so
its N entries get ids 1..N, while `nn.Embedding(len(ticker_to_idx), d)` has rows 0..N-1: the last entry's id is
one past the table.  The table needs `len(map) + 1` rows.  Read from the user's source and the ids' largest value
(nothing runs)."""
from __future__ import annotations

import re
from typing import NamedTuple

from .. import source as src
from ..facts import Context
from . import fact

NUMBERED_FROM_ONE = fact("numbered-from-one", "`id_map` numbers its `id_map_len` entries from 1 (`id_map_start`), "
                                              "and the table has one row per entry: the largest id is one past it")


class FromOne(NamedTuple):
    name: str
    length: int
    start: str
    line: int


def ids_from_one(ctx: Context, ids, rows: int | None, expr: str, user=None) -> FromOne | None:
    """The one map of the user's files named for the ids (`ticker_to_idx` for `ticker`), or looked up on the
    lines that made them (`torch.tensor([station_index[r] for r in readings])`), that numbers exactly `rows`
    entries 1..rows, when the largest id is `rows`.  `user`: the ids as a user frame holds them (their lines)."""
    from ..provenance import origins
    from .label_sources import maps_from_one
    leaf = re.split(r"[.\[\]\"']+", re.sub(r"\[[^\]\"']*\]$", "", expr or "").strip("]\"'"))[-1]
    if ids is None or ids.max != rows or not isinstance(rows, int) or rows < 2:
        return None
    steps = " ".join(o.source or "" for o in origins(ctx, [user or ids]))
    found = []
    for file, n, hit in maps_from_one(ctx, rows):
        name = n.targets[0].id
        named = len(leaf) >= 2 and name != leaf and leaf.lower() in name.lower()
        if named or re.search(rf"(?<![\w.]){re.escape(name)}\s*\[", steps):
            found.append(FromOne(name, rows, " ".join(src.segment(file, hit[0]).split()), n.lineno))
    return found[0] if len(found) == 1 else None
