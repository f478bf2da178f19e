"""The message catalogue (tests/catalogue/messages.yaml): runs every trigger, checks each entry against the
knowledge base, and counts the coverage.

An entry is recognised when a knowledge pattern's `message:` regex and exception list accept its message (the
same matcher diagnose.py uses); `proposed_*` entries say which pattern should recognise it and with which regex;
`left` entries say why none should.  All triggers run in this one interpreter (transformers is imported once).
`python -m bench.catalogue` prints the coverage and every problem; `--record` rewrites the recorded messages,
exception names and raise sites from a fresh run (after a torch or transformers upgrade), for review with git diff.
Used by tests/test_catalogue.py and by `python -m bench --only catalogue`.
"""
from __future__ import annotations

import argparse
import builtins
import json
import re
import sys
import time
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "tests" / "catalogue" / "messages.yaml"
FAMILIES = ("shapes", "matmul", "layers", "index", "loss", "dtype", "device", "bool-op", "mask", "attention",
            "model-input")
KEYS = {"id", "family", "exception", "message", "raised_at", "op", "trigger", "requires", "legacy", "pattern",
        "proposed_pattern", "proposed_regex", "proposed_exception", "left", "note"}
TOP_KEYS = {"torch", "transformers", "prelude", "new_patterns", "new_groups", "unexercised_regexes", "messages"}
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Raised:
    """What one trigger raised: its class name, message, class names along the MRO, innermost library frame."""

    exception: str
    message: str
    classes: tuple[str, ...]
    raised_at: str | None


def load(path: Path = CATALOGUE) -> dict[str, Any]:
    import yaml
    return yaml.safe_load(path.read_text())


def patterns_of(entry: dict[str, Any]) -> list[str]:
    p = entry.get("pattern")
    return [] if p is None else [p] if isinstance(p, str) else list(p)


def devices() -> dict[str, bool]:
    """Which of the devices a trigger may require are here."""
    import torch
    return {"cuda": torch.cuda.is_available(), "mps": torch.backends.mps.is_available()}


def runnable(entry: dict[str, Any], here: dict[str, bool]) -> bool:
    return "trigger" in entry and "legacy" not in entry and here.get(entry.get("requires", ""), True)


def _library_frame(tb: Any) -> str | None:
    """`torch/nn/functional.py:embedding` for the innermost frame when it is in torch or transformers."""
    last = None
    while tb is not None:
        last, tb = tb, tb.tb_next
    if last is None:
        return None
    path = Path(last.tb_frame.f_code.co_filename).resolve()
    for package in filter(None, (sys.modules.get("torch"), sys.modules.get("transformers"))):
        root = Path(str(package.__file__)).resolve().parent
        if path.is_relative_to(root):
            return f"{root.name}/{path.relative_to(root).as_posix()}:{last.tb_frame.f_code.co_qualname}"
    return None


def run_trigger(prelude: str, entry: dict[str, Any]) -> Raised | None:
    """Run one trigger in a fresh namespace; what it raised, or None when it raised nothing."""
    from explainerr.capture import exception_facts
    code = compile(prelude + entry["trigger"], f"<catalogue {entry['id']}>", "exec")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exec(code, {"__name__": f"catalogue_{entry['id'].replace('-', '_')}"})
        except Exception as e:
            facts = exception_facts(e)
            return Raised(facts.type, str(e), facts.mro, _library_frame(e.__traceback__))
    return None


def run_all(data: dict[str, Any], here: dict[str, bool]) -> dict[str, Raised | None]:
    """Every trigger runnable here, in this interpreter: {entry id: what it raised}."""
    return {e["id"]: run_trigger(data["prelude"], e) for e in data["messages"] if runnable(e, here)}


def mro_of(name: str) -> tuple[str, ...]:
    """The MRO names of an exception class named in the catalogue (a builtin or a torch class)."""
    import torch
    cls = getattr(builtins, name, None) or getattr(torch, name, None)
    if not (isinstance(cls, type) and issubclass(cls, BaseException)):
        return (name,)
    return tuple(c.__name__ for c in cls.__mro__)


def builtin_patterns() -> list[Any]:
    from explainerr.knowledge import builtin_dir, check_sources
    patterns, errors = check_sources([builtin_dir()])
    if errors:
        raise ValueError("\n".join(map(str, errors)))
    return patterns


def recognisers(patterns: list[Any], exception: str, message: str, mro: tuple[str, ...]) -> set[str]:
    """The ids of the patterns whose message regexes and exception lists accept this message."""
    from explainerr.diagnose import _message_match
    from explainerr.model import ExceptionFacts
    facts = ExceptionFacts(type=exception, message=message, mro=mro)
    return {p.id for p in patterns if _message_match(p, facts) is not None}


def group_names(patterns: list[Any]) -> set[str]:
    from explainerr.knowledge import message_regexes
    return {name for p in patterns for rx in message_regexes(p) for name in rx.groupindex}


def schema_problems(data: dict[str, Any]) -> list[str]:
    """Problems of the catalogue as a whole: keys, ids, families, states."""
    out = [f"unknown top-level key {k!r}" for k in data if k not in TOP_KEYS]
    seen: set[str] = set()
    for e in data.get("messages") or []:
        eid = str(e.get("id"))
        if not _ID.match(eid) or eid in seen:
            out.append(f"{eid}: id must be kebab-case and unique")
        seen.add(eid)
        out += [f"{eid}: unknown key {k!r}" for k in e if k not in KEYS]
        if e.get("family") not in FAMILIES:
            out.append(f"{eid}: family must be one of {', '.join(FAMILIES)}")
        for key in ("exception", "message"):
            if not isinstance(e.get(key), str) or not e[key]:
                out.append(f"{eid}: {key} is required")
        if e.get("requires", "cuda") not in ("cuda", "mps"):
            out.append(f"{eid}: requires must be cuda or mps")
        if ("trigger" in e) == ("legacy" in e):
            out.append(f"{eid}: give a trigger, or say which older torch raised it (legacy)")
        states = [k for k in ("pattern", "proposed_pattern", "left") if k in e]
        if "left" in e and len(states) > 1 or not states:
            out.append(f"{eid}: give `pattern` and/or `proposed_pattern`, or `left` alone")
        if ("proposed_pattern" in e) != ("proposed_regex" in e) or "proposed_exception" in e and \
                "proposed_pattern" not in e:
            out.append(f"{eid}: proposed_pattern and proposed_regex go together")
    return out


def entry_problems(entry: dict[str, Any], raised: Raised | None, ran: bool, patterns: list[Any],
                   known_groups: set[str], new_patterns: dict[str, str]) -> list[str]:
    """Everything wrong with one entry: a trigger that no longer raises the recorded message (torch drift),
    a raise site that moved, a `pattern` that does not recognise it, a pattern that recognises it without being
    named, a proposal that does not match or is already in place (promote it)."""
    out: list[str] = []
    if ran:
        if raised is None:
            return ["the trigger raised nothing"]
        if (raised.exception, raised.message) != (entry["exception"], entry["message"]):
            out.append(f"raised {raised.exception}: {raised.message!r}, recorded {entry['exception']}: "
                       f"{entry['message']!r} (re-record with python -m bench.catalogue --record)")
        if raised.raised_at != entry.get("raised_at"):
            out.append(f"raised at {raised.raised_at}, recorded {entry.get('raised_at')}")
    mro = raised.classes if raised is not None and raised.exception == entry["exception"] else mro_of(entry["exception"])
    found = recognisers(patterns, entry["exception"], entry["message"], mro)
    named = set(patterns_of(entry))
    out += [f"`pattern: {p}` but {p} does not recognise it" for p in sorted(named - found)]
    out += [f"recognised by {p}: name it under `pattern`" for p in sorted(found - named)]
    proposed = entry.get("proposed_pattern")
    if proposed is not None:
        out += _proposal_problems(entry, mro, found, patterns, known_groups, new_patterns)
    return out


def _proposal_problems(entry: dict[str, Any], mro: tuple[str, ...], found: set[str], patterns: list[Any],
                       known_groups: set[str], new_patterns: dict[str, str]) -> list[str]:
    from explainerr.diagnose import _message_match
    from explainerr.knowledge import RegexRefused, compile_message_regex
    from explainerr.model import ExceptionFacts
    pid, regex = entry["proposed_pattern"], entry["proposed_regex"]
    if pid in found:
        return [f"{pid} recognises it already: promote `proposed_pattern` to `pattern`"]
    base = [p for p in patterns if p.id == pid]
    if not base and pid not in new_patterns:
        return [f"proposed pattern {pid} is neither in the knowledge base nor under new_patterns"]
    try:
        rx = compile_message_regex(regex)
    except RegexRefused as e:
        return [f"proposed_regex {e}"]
    out = []
    if rx.groups != len(rx.groupindex):
        out.append("proposed_regex has unnamed groups (use (?:...) or (?P<name>...))")
    out += [f"proposed_regex group {g!r} is used by no pattern and not listed under new_groups"
            for g in sorted(set(rx.groupindex) - known_groups)]
    extra = entry.get("proposed_exception")
    if base and extra in base[0].exceptions:
        out.append(f"{pid} already lists {extra}: drop proposed_exception")
    exceptions = (*(base[0].exceptions if base else (entry["exception"],)), *([extra] if extra else []))
    proposal = replace(base[0], message=regex, exceptions=exceptions) if base else replace(
        patterns[0], id=pid, message=regex, exceptions=exceptions)
    if _message_match(proposal, ExceptionFacts(type=entry["exception"], message=entry["message"], mro=mro)) is None:
        out.append(f"the proposal ({pid}: {regex!r}, exceptions {list(exceptions)}) does not recognise the message")
    return out


def coverage(data: dict[str, Any], here: dict[str, bool] | None = None) -> dict[str, Any]:
    """The figures: how many messages, recognised by a pattern, proposed, left, and where they were run."""
    entries = data["messages"]
    recognised = [e for e in entries if "pattern" in e]
    proposed = [e for e in entries if "proposed_pattern" in e and "pattern" not in e]
    left = [e for e in entries if "left" in e]
    by_family: dict[str, dict[str, int]] = {}
    for e in entries:
        f = by_family.setdefault(e["family"], {"messages": 0, "recognised": 0, "proposed": 0, "left": 0})
        f["messages"] += 1
        f["recognised" if "pattern" in e else "left" if "left" in e else "proposed"] += 1
    return {
        "messages": len(entries), "recognised": len(recognised), "proposed": len(proposed), "left": len(left),
        "also_proposed": sum(1 for e in recognised if "proposed_pattern" in e),
        "run_here": sum(1 for e in entries if runnable(e, here or {})),
        "needs_device": sum(1 for e in entries if "requires" in e),
        "legacy": sum(1 for e in entries if "legacy" in e),
        "left_reasons": {e["id"]: e["left"] for e in left},
        "proposals": {e["id"]: [e["proposed_pattern"], e["proposed_regex"]] for e in entries if "proposed_pattern" in e},
        "by_family": by_family,
    }


def summary_line(c: dict[str, Any]) -> str:
    return (f"{c['messages']} messages, {c['recognised']} recognised by a pattern, {c['proposed']} with a proposed "
            f"regex (not yet recognised), {c['left']} left (with reasons)")


def unexercised_problems(data: dict[str, Any], patterns: list[Any]) -> list[str]:
    """Each knowledge regex must recognise at least one catalogue message, unless `unexercised_regexes` says why
    not (a stale wording, a device-only message); a listed regex that recognises one must leave the list."""
    from explainerr.diagnose import _message_match
    from explainerr.model import ExceptionFacts
    facts = [ExceptionFacts(type=e["exception"], message=e["message"], mro=mro_of(e["exception"]))
             for e in data["messages"]]
    listed = {(u["pattern"], u["regex"]) for u in data.get("unexercised_regexes") or []}
    out = []
    for p in patterns:
        for rx in p.message.split("\n"):
            single = replace(p, message=rx)
            used = any(_message_match(single, f) is not None for f in facts)
            if used and (p.id, rx) in listed:
                out.append(f"{p.id} regex {rx!r} recognises a catalogue message: drop it from unexercised_regexes")
            elif not used and (p.id, rx) not in listed:
                out.append(f"{p.id} regex {rx!r} recognises no catalogue message: add the message it is for, or "
                           "say why under unexercised_regexes")
            listed.discard((p.id, rx))
    return out + [f"unexercised_regexes names {rx!r} of {pid}, which the knowledge base does not have"
                  for pid, rx in sorted(listed)]


def check_all(data: dict[str, Any], here: dict[str, bool] | None = None) -> tuple[
        dict[str, Raised | None], dict[str, list[str]]]:
    """Run every trigger and check every entry: ({id: raised}, {id: problems}); problems of the catalogue as a
    whole (its schema, the knowledge regexes it does not exercise) under ''."""
    raised = run_all(data, devices() if here is None else here)
    patterns = builtin_patterns()
    new_patterns = data.get("new_patterns") or {}
    known_groups = group_names(patterns) | set(data.get("new_groups") or {})
    problems = {"": schema_problems(data) + unexercised_problems(data, patterns)}
    for e in data["messages"]:
        problems[e["id"]] = entry_problems(e, raised.get(e["id"]), e["id"] in raised, patterns, known_groups,
                                           new_patterns)
    return raised, problems


def bench_catalogue() -> dict[str, Any]:
    """The bench part: the coverage figures, the problems found, and how long the run took."""
    t = time.perf_counter()
    data = load()
    here = devices()
    _, problems = check_all(data, here)
    out = coverage(data, here)
    out["problems"] = {k: v for k, v in problems.items() if v}
    out["entries_with_problems"] = len(out["problems"])
    out["run_s"] = round(time.perf_counter() - t, 2)
    print(f"[bench] catalogue: {summary_line(out)}", flush=True)
    return out


def record(path: Path, raised: dict[str, Raised | None]) -> int:
    """Rewrite `exception`, `message` and `raised_at` of every entry that ran, and the versions they were
    recorded with, keeping the file's layout."""
    import torch
    import transformers
    versions = {"torch": torch.__version__.split("+")[0], "transformers": transformers.__version__}
    blocks: list[list[str]] = [[]]
    for line in path.read_text().splitlines(keepends=True):
        top = re.match(r"^(torch|transformers): ", line)
        line = f'{top.group(1)}: "{versions[top.group(1)]}"\n' if top else line
        if line.startswith("  - id:"):
            blocks.append([])
        blocks[-1].append(line)
    changed = 0
    for block in blocks:
        m = re.match(r"^  - id: (\S+)", block[0])
        got = raised.get(m.group(1)) if m else None
        if got is None:
            continue
        values = {"exception": got.exception, "message": json.dumps(got.message), "raised_at": got.raised_at}
        has_site = any(ln.startswith("    raised_at:") for ln in block)
        for i, line in enumerate(block):
            key = re.match(r"^    (exception|message|raised_at):", line)
            if not key:
                continue
            value = values[key.group(1)]
            new = f"    {key.group(1)}: {value}\n" if value is not None else ""
            if key.group(1) == "message" and got.raised_at is not None and not has_site:
                new += f"    raised_at: {got.raised_at}\n"
            changed += new != line
            block[i] = new
    path.write_text("".join("".join(b) for b in blocks))
    return changed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.catalogue", description=__doc__.splitlines()[0])
    ap.add_argument("--record", action="store_true", help="rewrite the recorded messages from a fresh run")
    ap.add_argument("--file", type=Path, default=CATALOGUE, help="the catalogue (default: %(default)s)")
    a = ap.parse_args(argv)
    data = load(a.file)
    raised, problems = check_all(data)
    if a.record:
        print(f"{record(a.file, {k: v for k, v in raised.items() if v is not None})} lines rewritten")
        data = load(a.file)
        raised, problems = check_all(data)
    for eid, ps in problems.items():
        for p in ps:
            print(f"{eid or 'catalogue'}: {p}")
    print(summary_line(coverage(data, devices())))
    return 1 if any(problems.values()) else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
