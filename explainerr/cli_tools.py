"""The helper commands of `python -m explainerr`: check-knowledge and explain (a pasted traceback)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence


def check_knowledge(argv: Sequence[str]) -> int:
    """Check knowledge packs (default: the built-in files and those in EXPLAINERR_KNOWLEDGE); with
    --run-examples also run each pattern's examples through the whole pipeline."""
    import argparse

    from .knowledge import builtin_dir, check_sources, user_sources
    p = argparse.ArgumentParser(prog="python -m explainerr check-knowledge",
                                description="Validate knowledge packs: every problem with file, pattern id and key.")
    p.add_argument("paths", nargs="*", help="YAML files or folders (default: built-in + EXPLAINERR_KNOWLEDGE + "
                                            "installed packs)")
    p.add_argument("--run-examples", action="store_true",
                   help="run each pattern's examples: the code must be diagnosed as its pattern, the fix must run")
    ns = p.parse_args(argv)
    paths = [Path(a) for a in ns.paths] or [builtin_dir(), *user_sources()]
    patterns, errors = check_sources(paths)
    problems = [str(e) for e in errors]
    if ns.run_examples and not errors:
        import os

        from .examples import run_examples
        from .knowledge import ENV_VAR
        extra = [str(a) for a in paths if a.resolve() != builtin_dir().resolve()]
        if ns.paths and extra:  # diagnose with the packs under check loaded, as a user's run would
            os.environ[ENV_VAR] = os.pathsep.join(extra + [x for x in os.environ.get(ENV_VAR, "").split(
                os.pathsep) if x and x not in extra])
        for r in run_examples(patterns):
            status = "skipped (" + r.skipped + ")" if r.skipped else ("OK" if r.ok else "FAILED")
            file, _, rule = r.source.rpartition("#")  # the rule's own id, as its file names it
            print(f"example {rule or r.pattern}/{r.name}: {status}")
            if not r.ok:
                problems.append(f"{file or r.source}: pattern {rule or r.pattern!r}: key 'examples': "
                                f"example {r.name!r}: {r.problem()}")
    for line in problems:
        print(line)
    print(f"{len(patterns)} pattern(s) OK, {len(problems)} problem(s)")
    return 1 if problems else 0


def explain_log(argv: Sequence[str]) -> int:
    import argparse
    from dataclasses import replace

    from .diagnose import diagnose
    from .hook import current_config, write_report
    from .knowledge import load_knowledge
    from .render import render
    from .textlog import report_from_text
    p = argparse.ArgumentParser(prog="python -m explainerr explain", description="Diagnose a pasted traceback.")
    p.add_argument("log", nargs="?", help="file holding the traceback (default: stdin)")
    p.add_argument("--format", choices=("auto", "rich", "plain", "json"))
    p.add_argument("--report", metavar="PATH", help="also write the JSON report to PATH")
    ns = p.parse_args(argv)
    try:
        text = Path(ns.log).read_text(errors="replace") if ns.log and ns.log != "-" else sys.stdin.read()
    except OSError as e:  # a missing or unreadable log: one line, like any command-line tool
        print(f"explainerr: cannot read {ns.log}: {e.strerror or e}", file=sys.stderr)
        return 2
    report = report_from_text(text)
    if report is None:
        print("explainerr: no Python traceback found in the input", file=sys.stderr)
        return 2
    patterns, _ = load_knowledge()
    found = diagnose(report, patterns, from_text=True)
    report = replace(report, diagnosis=found[0] if found else None, alternatives=tuple(found[1:]))
    config = current_config()
    if ns.format:
        config = replace(config, format=ns.format)
    render(report, config, sys.stdout)
    if ns.report:
        write_report(report, ns.report, sys.stderr)
    return 0
