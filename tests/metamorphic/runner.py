"""Runs case-corpus cases through the metamorphic transforms and scores each (case, transform) pair.

For one case (a folder with case.py, fixed.py, meta.yaml):
  1. the original case.py is run and analysed in this process (tests/corpus_runner.py): its exception type,
     failing line and the script's functions on the failing stack are the context of the transforms, and
     its own score is the `original` row;
  2. each transform is applied to case.py and to fixed.py (the failing line mapped onto fixed.py by a line
     diff).  The pair is `n/a` when a transform finds nothing to change, when the transformed fixed.py does
     not exit 0, or when the transformed case.py does not fail with the original's exception type;
  3. otherwise the transformed case.py is analysed: it `pass`es when the diagnosis keeps the case's pattern
     (meta.yaml; `none` for a case that must get no diagnosis) and, for a pattern, the diagnosis' edits
     applied to the transformed case.py make it exit 0.

Every script run starts from the same random state (torch, random, numpy seeded) and from torch's default
dtype and grad mode, so results do not depend on which case ran before in the same interpreter.

`python -m tests.metamorphic.runner --worker` reads case folders on stdin, one a line, and answers each
with one `@@pair {json}` line per pair and `@@done NAME`; run_corpus drives several such workers.
"""
from __future__ import annotations

import contextlib
import dataclasses
import difflib
import json
import random
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml

TESTS = Path(__file__).resolve().parent.parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

import corpus_runner  # noqa: E402

from . import rename, restructure, sizes, split  # noqa: E402
from .base import Context, NotApplicable  # noqa: E402

Transform = Callable[[str, Context], str]
TRANSFORMS: dict[str, Transform] = {
    "rename": rename.apply,
    "main": restructure.wrap_main,
    "method": restructure.move_to_class,
    "sizes": sizes.apply,
    "split": split.apply,
}
ORIGINAL = "original"
#: how the reason of an `error` row starts when the transform itself raised (not explainerr)
TRANSFORM_ERROR = "the transform raised: "
SEED = 0


@dataclass
class Pair:
    """The verdict on one case under one transform (`original`: the case as it is)."""

    case: str
    transform: str
    status: str = "n/a"  # pass | fail | n/a | error (a transform or explainerr raised)
    reason: str = ""  # why n/a, or what went wrong
    want: str = "none"
    got: str | None = None
    fixed: bool | None = None
    fix_error: str = ""
    edits: list[dict[str, Any]] = field(default_factory=list)
    diff: str = ""  # the transform's change to case.py
    explanation: str = ""  # explainerr's plain text on the transformed case.py


@contextlib.contextmanager
def fresh_state() -> Iterator[None]:
    """Seeded random generators and torch's default dtype and grad mode, put back afterwards."""
    import torch
    dtype, grad = torch.get_default_dtype(), torch.is_grad_enabled()
    torch.manual_seed(SEED)
    random.seed(SEED)
    with contextlib.suppress(ImportError):
        import numpy
        numpy.random.seed(SEED)
    try:
        yield
    finally:
        torch.set_default_dtype(dtype)
        torch.set_grad_enabled(grad)


def failure_context(report: dict[str, Any] | None) -> tuple[str | None, Context]:
    """(exception type, Context) of an analysed run of a script named case.py."""
    if not report:
        return None, Context()
    own = [f for f in report.get("frames") or [] if Path(str(f.get("file"))).name == "case.py"
           and not f.get("library")]
    stack = tuple(f["function"] for f in own if f.get("function") not in (None, "<module>"))
    return report["exception"]["type"], Context(line=own[-1]["line"] if own else None, stack=stack)


def map_line(line: int | None, old: str, new: str) -> int | None:
    """The line of `new` that corresponds to `line` of `old` (1-based), by a line diff."""
    if line is None:
        return None
    a, b = old.splitlines(), new.splitlines()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if i1 <= line - 1 < i2:
            offset = line - 1 - i1
            return min(j1 + (offset if tag == "equal" else min(offset, max(j2 - j1 - 1, 0))), len(b) - 1) + 1
    return len(b) or None


def _score(pair: Pair, res: corpus_runner.CaseResult) -> Pair:
    pair.got, pair.edits, pair.fixed, pair.fix_error = res.got, res.edits, res.fixed, res.fix_error
    if pair.want == "none":
        ok = res.got == "none"
        pair.reason = "" if ok else f"false alarm: {res.got}"
    else:
        ok = res.got == pair.want and bool(res.fixed)
        pair.reason = ("" if ok else f"pattern {res.got}, want {pair.want}" if res.got != pair.want
                       else "no edits" if not res.edits else f"edits do not fix it: {res.fix_error or 'exit != 0'}")
    pair.status = "pass" if ok else "fail"
    if not ok:
        pair.explanation = res.stderr[-4000:]
    return pair


def _runs_clean(source: str) -> str:
    """'' when the script exits 0 (run from a scratch folder), else what it did instead."""
    with tempfile.TemporaryDirectory(prefix="explainerr-meta-") as tmp:
        path = Path(tmp) / "fixed.py"
        path.write_text(source)
        with fresh_state():
            out = corpus_runner.run_script(path)
        return "" if out.exit_code == 0 else (out.error_line() or f"exit status {out.exit_code}")


def _apply(pair: Pair, transform: Transform, source: str, ctx: Context, which: str) -> str | None:
    """The transformed script, or None with the pair's reason set (n/a, or an error of the transform)."""
    try:
        out = transform(source, ctx)
        compile(out, which, "exec")
        return out
    except NotApplicable as e:
        pair.reason = f"{which}: {e}"
    except Exception:  # the transform's own bug: reported as an error, never hidden as n/a
        pair.status, pair.reason = "error", f"{TRANSFORM_ERROR}{which}\n{traceback.format_exc()[-3000:]}"
    return None


def _transformed(case: Path, meta: dict[str, Any], name: str, transform: Transform, sources: tuple[str, str],
                 exc_type: str | None, ctx: Context) -> Pair:
    case_src, fixed_src = sources
    pair = Pair(case=case.name, transform=name, want=str(meta.get("pattern") or "none"))
    new_case = _apply(pair, transform, case_src, ctx, "case.py")
    fixed_ctx = dataclasses.replace(ctx, line=map_line(ctx.line, case_src, fixed_src))
    new_fixed = _apply(pair, transform, fixed_src, fixed_ctx, "fixed.py") if new_case is not None else None
    if new_case is None or new_fixed is None:
        return pair
    pair.diff = "".join(difflib.unified_diff(case_src.splitlines(True), new_case.splitlines(True),
                                             "case.py", f"case.py ({name})", n=1))
    problem = _runs_clean(new_fixed)
    if problem:
        pair.reason = f"transformed fixed.py fails: {problem}"
        return pair
    with fresh_state():
        res = corpus_runner.run_case(case, script=new_case, meta=meta)
    got_type = (res.report or {}).get("exception", {}).get("type") if res.report else None
    if res.exit_code != 1 or got_type != exc_type:
        pair.reason = f"transformed case.py raises {got_type or 'nothing'} (exit {res.exit_code}), not {exc_type}"
        return pair
    return _score(pair, res)


def run_one(case: Path | str, transforms: dict[str, Transform] | None = None) -> list[Pair]:
    """The original row and one row per transform for one case, in this process."""
    case = Path(case)
    meta = yaml.safe_load((case / "meta.yaml").read_text()) or {}
    sources = ((case / "case.py").read_text(), (case / "fixed.py").read_text())
    original = Pair(case=case.name, transform=ORIGINAL, want=str(meta.get("pattern") or "none"))
    try:
        with fresh_state():
            res = corpus_runner.run_case(case, meta=meta)
    except Exception:  # explainerr's own error on the original: no context for the transforms
        original.status, original.reason = "error", traceback.format_exc()[-3000:]
        return [original]
    exc_type, ctx = failure_context(res.report)
    if res.exit_code != 1 or exc_type is None:
        original.reason = f"case.py does not fail (exit {res.exit_code})"
        return [original]
    pairs = [_score(original, res)]
    for name, transform in (transforms or TRANSFORMS).items():
        try:
            pairs.append(_transformed(case, meta, name, transform, sources, exc_type, ctx))
        except Exception:  # explainerr's own error on the transformed script: a failure, never n/a
            pairs.append(Pair(case=case.name, transform=name, status="error", want=original.want,
                              reason=traceback.format_exc()[-3000:]))
    return pairs


def _worker() -> int:
    import torch
    torch.set_num_threads(1)
    out = sys.stdout
    for line in sys.stdin:
        case = Path(line.strip())
        try:
            pairs = run_one(case)
        except Exception:  # explainerr's or a transform's own error: this case fails, the next still runs
            pairs = [Pair(case=case.name, transform=ORIGINAL, status="error", reason=traceback.format_exc()[-3000:])]
        for p in pairs:
            out.write("@@pair " + json.dumps(dataclasses.asdict(p)) + "\n")
        out.write(f"@@done {case.name}\n")
        out.flush()
        corpus_runner.settle_heap()
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--worker"]:
        sys.exit(_worker())
    sys.exit("usage: python -m tests.metamorphic.runner --worker  (case folders on stdin); "
             "see python -m bench --only metamorphic")
