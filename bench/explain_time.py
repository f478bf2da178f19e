"""Time to explanation, from the caught exception to the last byte written into a StringIO, cold (first call in
the process, lazy imports included) and warm (second call on a fresh exception): one corpus case per pattern id
plus one error no pattern matches, for explainerr (plain, and the rich format a terminal gets) against
traceback, rich.traceback with show_locals and, where installed, better-exceptions and stackprinter.
One child process (bench/_explain_case.py) per case and tool, run one after another."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from ._util import median, run_json

TOOLS = ("explainerr", "explainerr-rich", "traceback", "rich-show-locals", "better-exceptions", "stackprinter")
OPTIONAL = {"better-exceptions": "better_exceptions", "stackprinter": "stackprinter"}
#: a torch error that no pattern explains, preferred as the no-match example when the corpus has it
NO_MATCH_PREFERRED = "n15-view-after-transpose-heads"


def pick_cases(corpus: Path, limit: int | None = None) -> dict[str, Path]:
    """pattern id (or 'no-match') -> the first case folder of the corpus with that `pattern:`."""
    import yaml
    picked: dict[str, Path] = {}
    none_cases = []
    for d in sorted(p for p in corpus.iterdir() if (p / "meta.yaml").exists() and (p / "case.py").exists()):
        pattern = str((yaml.safe_load((d / "meta.yaml").read_text()) or {}).get("pattern") or "none")
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


def _measure(tool: str, case: Path, repeats: int) -> dict[str, object]:
    """One child per repeat; the median cold and warm times (one cold sample per process)."""
    runs = []
    for _ in range(repeats):
        try:
            runs.append(run_json(["-m", "bench._explain_case", tool, str(case / "case.py")], timeout=300))
        except Exception as e:  # a reference tool that crashes on a case is reported, not fatal
            return {"failed": str(e).splitlines()[-1][:200]}
    out = dict(runs[0])
    if repeats > 1:
        out.update(cold_ms=median([r["cold_ms"] for r in runs]), warm_ms=median([r["warm_ms"] for r in runs]),
                   cold_runs_ms=[r["cold_ms"] for r in runs])
    return out


def bench_explain(corpus: Path, limit: int | None = None, tools: tuple[str, ...] = TOOLS,
                  no_match_repeats: int = 1) -> dict[str, object]:
    """Every picked case with every tool; the no-match case (a budget of its own) `no_match_repeats` times
    for explainerr."""
    cases = pick_cases(corpus, limit)
    tools_here = available_tools(tools)
    per_case: dict[str, dict[str, object]] = {}
    for pattern, case in cases.items():
        row: dict[str, object] = {"case": case.name}
        for tool in tools_here:
            reps = no_match_repeats if pattern == "no-match" and tool.startswith("explainerr") else 1
            row[tool] = _measure(tool, case, reps)
        per_case[pattern] = row
    summary: dict[str, dict[str, object]] = {}
    for tool in tools:
        runs = [r[tool] for r in per_case.values() if isinstance(r.get(tool), dict) and "cold_ms" in r[tool]]
        if tool not in tools_here or not runs:
            summary[tool] = {"cold_ms": None, "warm_ms": None, "cold_max_ms": None, "warm_max_ms": None,
                             "lines": None, "installed": tool in tools_here}
            continue
        summary[tool] = {"cold_ms": median([r["cold_ms"] for r in runs]),
                         "warm_ms": median([r["warm_ms"] for r in runs]),
                         "cold_max_ms": max(r["cold_ms"] for r in runs), "warm_max_ms": max(r["warm_ms"] for r in runs),
                         "lines": median([r["warm_lines"] for r in runs]), "installed": True,
                         "failed": sum("failed" in r.get(tool, {}) for r in per_case.values())}  # type: ignore
    nm = per_case.get("no-match", {}).get("explainerr")
    return {"summary": summary, "cases": per_case,
            "no_match": nm if isinstance(nm, dict) else None}
