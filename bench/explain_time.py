"""Time to explanation, from the caught exception to the last byte written into a StringIO, cold (first call in
the process, lazy imports included) and warm (second call on a fresh exception): one corpus case per pattern id
plus one error no pattern matches, for explainerr (plain, and the rich format a terminal gets) against
traceback, rich.traceback with show_locals and, where installed, better-exceptions and stackprinter.
One child process (bench/_explain_case.py) per case and tool, run one after another.

The budgets are ratios to rich `show_locals` measured side by side: for each case, `rounds` rounds of
explainerr, its rich format and rich, one right after the other (the order reversed every other round), each
round giving one paired ratio per explainerr format; a figure is the median of those ratios."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from ._util import median, run_json

TOOLS = ("explainerr", "explainerr-rich", "traceback", "rich-show-locals", "better-exceptions", "stackprinter")
OPTIONAL = {"better-exceptions": "better_exceptions", "stackprinter": "stackprinter"}
#: What the budgets compare with, and the tools measured in rounds beside it.
REFERENCE = "rich-show-locals"
PAIRED = ("explainerr", "explainerr-rich", REFERENCE)
#: a torch error that no pattern explains, preferred as the no-match example when the corpus has it
NO_MATCH_PREFERRED = "n15-view-after-transpose-heads"


def pick_cases(corpus: Path, limit: int | None = None) -> dict[str, Path]:
    """pattern id (or 'no-match') -> the first case folder of the corpus with that `pattern:`."""
    from .corpus import read_meta
    picked: dict[str, Path] = {}
    none_cases = []
    for d in sorted(p for p in corpus.iterdir() if (p / "meta.yaml").exists() and (p / "case.py").exists()):
        pattern = str(read_meta(d).get("pattern") or "none")
        if pattern == "none":
            none_cases.append(d)
        elif pattern not in picked:
            picked[pattern] = d
    if none_cases:
        preferred = [d for d in none_cases if d.name == NO_MATCH_PREFERRED]
        picked["no-match"] = (preferred or none_cases)[0]
    if limit is not None:
        keys = list(picked)[:max(limit - 1, 1)] + (["no-match"] if "no-match" in picked and limit > 1 else [])
        picked = {k: picked[k] for k in dict.fromkeys(keys)}
    return picked


def available_tools(tools: tuple[str, ...] = TOOLS) -> list[str]:
    return [t for t in tools if t not in OPTIONAL or importlib.util.find_spec(OPTIONAL[t]) is not None]


def _run(tool: str, case: Path) -> dict[str, object]:
    """One child: the tool's cold and warm times on the case (a reference tool that crashes is reported)."""
    try:
        return run_json(["-m", "bench._explain_case", tool, str(case / "case.py")], timeout=300)
    except Exception as e:
        return {"failed": str(e).splitlines()[-1][:200]}


def _summarised(runs: list[dict[str, object]]) -> dict[str, object]:
    """The first run, with the median times of all of them (one cold sample per process)."""
    ok = [r for r in runs if "cold_ms" in r]
    if not ok:
        return runs[0]
    out = dict(ok[0])
    if len(ok) > 1:
        out.update(cold_ms=median([r["cold_ms"] for r in ok]), warm_ms=median([r["warm_ms"] for r in ok]),
                   cold_runs_ms=[r["cold_ms"] for r in ok])
    return out


def _ratios(runs: dict[str, list[dict[str, object]]], tool: str) -> list[dict[str, float]]:
    """The tool's paired ratios to rich show_locals, one per round both completed."""
    out = []
    for mine, ref in zip(runs.get(tool, []), runs.get(REFERENCE, [])):
        if "cold_ms" in mine and "cold_ms" in ref and ref["cold_ms"] and ref["warm_ms"]:  # type: ignore[operator]
            out.append({"cold": mine["cold_ms"] / ref["cold_ms"], "warm": mine["warm_ms"] / ref["warm_ms"]})  # type: ignore[operator]
    return out


def bench_explain(corpus: Path, limit: int | None = None, tools: tuple[str, ...] = TOOLS,
                  no_match_repeats: int = 1, rounds: int = 1) -> dict[str, object]:
    """Every picked case with every tool: explainerr's formats and rich show_locals `rounds` times, paired
    (the no-match case, a budget of its own, at least `no_match_repeats` times), the other references once."""
    cases = pick_cases(corpus, limit)
    tools_here = available_tools(tools)
    paired = [t for t in tools_here if t in PAIRED]
    per_case: dict[str, dict[str, object]] = {}
    ratios: dict[str, list[dict[str, float]]] = {t: [] for t in PAIRED if t != REFERENCE}
    no_match_ratios: list[dict[str, float]] = []
    for pattern, case in cases.items():
        row: dict[str, object] = {"case": case.name}
        runs: dict[str, list[dict[str, object]]] = {t: [] for t in tools_here}
        for r in range(max(rounds, no_match_repeats) if pattern == "no-match" else rounds):
            for tool in paired if r % 2 == 0 else paired[::-1]:
                runs[tool].append(_run(tool, case))
        for tool in tools_here:
            if tool not in PAIRED:
                runs[tool].append(_run(tool, case))
            row[tool] = _summarised(runs[tool])
        for tool in ratios:
            pairs = _ratios(runs, tool)
            row[f"{tool}.ratios"] = pairs
            ratios[tool] += pairs
            if pattern == "no-match" and tool == "explainerr":
                no_match_ratios = pairs
        per_case[pattern] = row
    summary: dict[str, dict[str, object]] = {}
    for tool in tools:
        runs_ok = [r[tool] for r in per_case.values() if isinstance(r.get(tool), dict) and "cold_ms" in r[tool]]
        if tool not in tools_here or not runs_ok:
            summary[tool] = {"cold_ms": None, "warm_ms": None, "cold_max_ms": None, "warm_max_ms": None,
                             "lines": None, "installed": tool in tools_here}
            continue
        summary[tool] = {"cold_ms": median([r["cold_ms"] for r in runs_ok]),
                         "warm_ms": median([r["warm_ms"] for r in runs_ok]),
                         "cold_max_ms": max(r["cold_ms"] for r in runs_ok),
                         "warm_max_ms": max(r["warm_ms"] for r in runs_ok),
                         "lines": median([r["warm_lines"] for r in runs_ok]), "installed": True,
                         "failed": sum("failed" in r.get(tool, {}) for r in per_case.values())}  # type: ignore
        if tool in ratios:
            summary[tool].update(_ratio_summary(ratios[tool]))
    nm = per_case.get("no-match", {}).get("explainerr")
    no_match = dict(nm, **_ratio_summary(no_match_ratios)) if isinstance(nm, dict) else None
    return {"summary": summary, "cases": per_case, "rounds": rounds, "no_match": no_match}


def _ratio_summary(pairs: list[dict[str, float]]) -> dict[str, object]:
    return {"cold_ratio": median([p["cold"] for p in pairs]), "warm_ratio": median([p["warm"] for p in pairs]),
            "pairs": len(pairs)}
