"""The code of every fix shown on the corpus is real code for the script at hand: no `{placeholder}`, no
placeholder words standing in for the user's names, it parses, and every name it reads is bound where it
goes (the edit's line, or the failing line when the code is not an edit).  Alternatives are held to the
same rule as the first diagnosis."""
from __future__ import annotations

import linecache
import re
import textwrap
from pathlib import Path

import pytest

from explainerr.fixes.checks import names_bound_by, undefined_in_code, undefined_names
from explainerr.model import Edit

from corpus_sample import marked
from test_corpus import CORPUS, META, POSITIVE

_PLACEHOLDER = re.compile(r"(?<!\{)\{[A-Za-z_]\w*\}(?!\})")


def _outside_strings(code: str) -> str:
    """The code without its string literals (the user's own f-strings hold `{name}` legitimately); the whole
    code when it does not tokenize."""
    import io
    import tokenize
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(textwrap.dedent(code)).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return code
    return "".join(t.string for t in tokens if t.type != tokenize.STRING)


def _parses(code: str) -> bool:
    """Code parses on its own, or is the header of a block (`for i in range(n):`) that parses with a body, or
    lines of a function body (`return ...`) that parse inside a function."""
    code = textwrap.dedent(code)
    last = code.rstrip().rsplit("\n", 1)[-1]
    body = " " * (len(last) - len(last.lstrip()) + 4) + "pass\n"  # the body of a block header, at any depth
    for text in (code, code.rstrip() + "\n    pass\n", code.rstrip() + "\n" + body,
                 "def _body():\n" + textwrap.indent(code, "    ")):
        try:
            compile(text, "<fix>", "exec")
            return True
        except SyntaxError:
            continue
    return False


def _diagnoses(report):
    return [d for d in [report.get("diagnosis"), *report.get("alternatives", [])] if d]


def _problems(name: str, report: dict) -> list[str]:
    script = CORPUS / name / "case.py"
    linecache.checkcache(str(script))
    out = []
    for d in _diagnoses(report):
        fix = d.get("fix")
        if not fix:
            continue
        code = fix["code"]
        if _PLACEHOLDER.search(_outside_strings(code)):
            out.append(f"{d['pattern']}: placeholder in {code!r}")
        if code.strip() and not _parses(code):
            out.append(f"{d['pattern']}: code does not parse: {code!r}")
        edits = [Edit(str(script), e["start_line"], e["end_line"], e["replacement"]) for e in fix["edits"]
                 if Path(e["file"]).name == script.name]
        for e in edits:  # a name an earlier edit of the same fix binds (a loop's new target) is defined
            earlier = frozenset().union(*(names_bound_by(o) for o in edits if o.end_line < e.start_line))
            missing = undefined_names(e, earlier)
            if missing:
                out.append(f"{d['pattern']}: edit at line {e.start_line} reads undefined {sorted(missing)}")
        loc = report.get("location") or {}
        if code.strip() and not fix["edits"] and Path(loc.get("file") or "").name == script.name:
            missing = undefined_in_code(code, str(script), loc["line"])
            if missing:
                out.append(f"{d['pattern']}: code reads undefined {sorted(missing)}: {code!r}")
    return out


@pytest.mark.parametrize("name", marked(POSITIVE, META))
def test_fix_code_is_the_scripts_own(corpus_results, name):
    report = corpus_results[name].report
    assert report is not None
    assert not _problems(name, report)


def test_a_name_bound_by_an_earlier_edit_of_the_fix_is_defined_and_a_later_ones_is_not(tmp_path):
    from explainerr.fixes.checks import accepted
    script = tmp_path / "loop.py"
    script.write_text("import torch\nx, y = torch.randn(8, 2), torch.zeros(8)\nfor part in x.chunk(4):\n"
                      "    print(part.shape, y.shape)\n")
    header = Edit(str(script), 3, 3, "for part, part_y in zip(x.chunk(4), y.chunk(4)):")
    body = Edit(str(script), 4, 4, "    print(part.shape, part_y.shape)")
    kept, dropped = accepted([header, body])
    assert kept == [header, body] and dropped == []
    kept, dropped = accepted([body])  # alone, the body reads a name nothing binds
    assert kept == [] and "part_y" in dropped[0]
    late = Edit(str(script), 4, 4, "    print(part.shape, part_y.shape); part_y = y")
    early = Edit(str(script), 2, 2, "x, y = torch.randn(8, 2), part_y")
    kept, dropped = accepted([early, late])
    assert early not in kept and "part_y" in dropped[0]
