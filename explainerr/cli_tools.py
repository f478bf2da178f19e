"""The helper commands of `python -m explainerr`: check-knowledge and explain (a pasted traceback)."""
from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Sequence

_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<function>\S+)')
_LAST = re.compile(r"^(?P<type>[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit|Warning)|[A-Z]\w+):\s?(?P<message>.*)$")


def check_knowledge(argv: Sequence[str]) -> int:
    """Check knowledge packs (default: the built-in files and those in EXPLAINERR_KNOWLEDGE)."""
    from .knowledge import builtin_dir, check_sources, user_sources
    paths = [Path(a) for a in argv] or [builtin_dir(), *user_sources()]
    patterns, errors = check_sources(paths)
    for e in errors:
        print(e)
    print(f"{len(patterns)} pattern(s) OK, {len(errors)} problem(s)")
    return 1 if errors else 0


def report_from_text(text: str):  # type: ignore[no-untyped-def]
    """A Report built from traceback text alone: frames and the final exception line, no live facts."""
    from .capture import is_library_file, worker_exception
    from .model import ExceptionFacts, FrameFacts, Report
    lines = text.splitlines()
    frames: list[FrameFacts] = []
    exc = None
    for i, line in enumerate(lines):
        m = _FRAME.match(line)
        if m:
            src = lines[i + 1].strip() if i + 1 < len(lines) and not _FRAME.match(lines[i + 1]) else ""
            frames.append(FrameFacts(index=len(frames), file=m["file"], line=int(m["line"]),
                                     function=m["function"], library=is_library_file(m["file"]), source=src))
        m2 = _LAST.match(line.strip())
        if m2 and not line.startswith(" "):
            msg = [m2["message"]]
            for extra in lines[i + 1:]:
                if _FRAME.match(extra) or extra.startswith("Traceback") or not extra.strip():
                    break
                msg.append(extra)
            exc = ExceptionFacts(type=m2["type"].rsplit(".", 1)[-1], message="\n".join(msg).strip(),
                                 mro=(m2["type"].rsplit(".", 1)[-1], "Exception"))
    if exc is None:
        return None
    chain = []
    worker = worker_exception(exc)
    if worker is not None:
        chain.append(worker)
    user = next((f.index for f in reversed(frames) if not f.library), None)
    return Report(exception=exc, chain=tuple(chain), frames=tuple(frames), user_frame=user,
                  notes=("Diagnosed from the traceback text alone: no live tensors were available, so facts "
                         "such as shapes, dtypes and id ranges could not be checked.",))


def explain_log(argv: Sequence[str]) -> int:
    import argparse
    from dataclasses import replace

    from .diagnose import diagnose
    from .hook import current_config
    from .knowledge import load_knowledge
    from .render import render
    p = argparse.ArgumentParser(prog="python -m explainerr explain", description="Diagnose a pasted traceback.")
    p.add_argument("log", nargs="?", help="file holding the traceback (default: stdin)")
    p.add_argument("--format", choices=("auto", "rich", "plain", "json"))
    ns = p.parse_args(argv)
    text = Path(ns.log).read_text(errors="replace") if ns.log and ns.log != "-" else sys.stdin.read()
    report = report_from_text(text)
    if report is None:
        print("explainerr: no Python traceback found in the input", file=sys.stderr)
        return 2
    patterns, _ = load_knowledge()
    found = diagnose(report, patterns)
    report = replace(report, diagnosis=found[0] if found else None, alternatives=tuple(found[1:]))
    config = current_config()
    if ns.format:
        config = replace(config, format=ns.format)
    render(report, config, sys.stdout)
    return 0
