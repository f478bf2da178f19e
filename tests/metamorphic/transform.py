"""`python -m tests.metamorphic.transform --transform NAME SCRIPT [--line N] [--stack F ...] [--diff]`:
prints SCRIPT under one metamorphic transform (rename, main, method, sizes, split), or its diff.

`split` needs the failing line and `method` prefers a function on the failing stack: give them with `--line`
and `--stack`, or leave them out and the script is run once (in this process, from its own folder) to find
them.  Exit status 3 when the transform does not apply to the script (the reason is printed).
"""
from __future__ import annotations

import argparse
import difflib
import sys
import traceback
from pathlib import Path

from .base import Context, NotApplicable
from .runner import TRANSFORMS


def context_from_run(path: Path) -> Context:
    """The failing line and the script's functions on the failing stack, from one run of the script."""
    from .runner import corpus_runner, fresh_state
    with fresh_state():
        outcome = corpus_runner.run_script(path)
    if outcome.exc is None:
        return Context()
    own = [f for f in traceback.extract_tb(outcome.exc.__traceback__)
           if Path(f.filename).resolve() == path.resolve()]
    stack = tuple(f.name for f in own if f.name != "<module>")
    return Context(line=own[-1].lineno if own else None, stack=stack)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.metamorphic.transform", description=__doc__.splitlines()[0])
    ap.add_argument("--transform", "-t", required=True, choices=sorted(TRANSFORMS))
    ap.add_argument("script", type=Path)
    ap.add_argument("--line", type=int, help="the failing line (default: run the script to find it)")
    ap.add_argument("--stack", nargs="*", help="the script's functions on the failing stack, outermost first")
    ap.add_argument("--diff", action="store_true", help="print a unified diff instead of the whole script")
    a = ap.parse_args(argv)
    source = a.script.read_text()
    if a.line is None and a.stack is None and a.transform in ("split", "method"):
        ctx = context_from_run(a.script)
    else:
        ctx = Context(line=a.line, stack=tuple(a.stack or ()))
    try:
        out = TRANSFORMS[a.transform](source, ctx)
    except NotApplicable as e:
        print(f"{a.transform} does not apply to {a.script}: {e}", file=sys.stderr)
        return 3
    if a.diff:
        sys.stdout.writelines(difflib.unified_diff(source.splitlines(True), out.splitlines(True),
                                                   str(a.script), f"{a.script} ({a.transform})"))
    else:
        sys.stdout.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
