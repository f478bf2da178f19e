"""--verify's re-run (verify.py, rerun.py) on small pure-Python programs, with edits made by hand: it says verified
exactly when the edited program gets past the statement that failed, stops the re-run there instead of running
to the end, says "still fails" for edits that do not get past it, and "not verified" at the time limit.  The
re-run keeps the program's imports, working folder and `__file__`, serves edits in other files than the script,
and never writes the user's files.  The failing run itself happens in this process (as the CLI's would)."""
from __future__ import annotations

import os
import textwrap
import time
from pathlib import Path

import pytest
from verify_support import failing_run

from explainerr.model import Edit, Fix, Report
from explainerr.patching import plan
from explainerr.verify import RunContext, Verification, interpreter_options, verify

TRAINING = textwrap.dedent('''\
    import time
    TABLE = [10, 20, 30]


    def lookup(step):
        idx = step % 5
        return TABLE[idx]


    total = 0
    for step in range(100):
        total += lookup(step)
        time.sleep(0.05)
    open("finished.txt", "w").write(str(total))
''')


def check(report: Report, ctx: RunContext, edits: list[Edit], seconds: float = 30) -> Verification:
    p = plan(Fix("by hand", "", tuple(edits)), ctx.cwd)
    assert p.ok, p.problem
    return verify(report, p, ctx, seconds, render={"format": "plain", "color": False, "width": None},
                  failed_at=time.perf_counter())


@pytest.fixture(scope="module")
def training(tmp_path_factory):
    folder = tmp_path_factory.mktemp("training")
    (folder / "train.py").write_text(TRAINING)
    report, ctx = failing_run(folder, "train.py")
    assert report.exception.type == "IndexError" and report.location.line == 7
    return folder, report, ctx


def _table(folder: Path, values: str) -> Edit:
    return Edit(str(folder / "train.py"), 2, 2, f"TABLE = [{values}]")


def test_a_fix_is_verified_when_the_failing_line_completes_and_the_run_stops_there(training):
    folder, report, ctx = training
    before = (folder / "train.py").read_bytes(), os.stat(folder / "train.py").st_mtime_ns
    v = check(report, ctx, [_table(folder, "10, 20, 30, 40, 50")])
    assert (v.verified, v.status) == (True, "verified"), v.summary
    assert v.summary == "verified: the fixed script gets past train.py:7"
    # the failing call was the 4th: the count came from re-running the unchanged script
    assert v.data["baseline"] == "reproduced"
    assert not (folder / "finished.txt").exists()  # stopped at the line, not run to the end (5 s more)
    assert ((folder / "train.py").read_bytes(), os.stat(folder / "train.py").st_mtime_ns) == before


def test_an_edit_that_does_not_get_past_the_line_still_fails(training):
    folder, report, ctx = training
    v = check(report, ctx, [_table(folder, "10, 20, 31")])
    assert (v.verified, v.status) == (False, "still-fails")
    assert v.summary == "still fails: the fixed script fails at the same line with IndexError: list index out of range"
    assert "IndexError: list index out of range" in v.detail and "train.py" in v.detail  # explained again
    assert v.data["error"]["where"]["line"] == 7


def test_getting_past_the_failure_then_failing_later_is_verified_and_says_so(training):
    folder, report, ctx = training
    v = check(report, ctx, [_table(folder, "10, 20, 30, 40")])  # step 3 now works, step 4 does not
    assert v.verified is True
    assert v.summary == ("verified: the fixed script gets past train.py:7; it then fails at train.py:7 with "
                         "IndexError: list index out of range")


def test_an_edit_that_breaks_the_script_earlier_still_fails_there(training):
    folder, report, ctx = training
    v = check(report, ctx, [Edit(str(folder / "train.py"), 6, 6, "    idx = step % undefined_name")])
    assert v.verified is False
    assert v.summary == ("still fails: the fixed script fails at train.py:6 with NameError: name 'undefined_name' "
                         "is not defined")


def test_not_verified_when_the_time_limit_comes_first(training):
    folder, report, ctx = training
    slow = Edit(str(folder / "train.py"), 10, 10, "total = 0\ntime.sleep(60)")  # a deliberately slow step
    v = check(report, ctx, [_table(folder, "10, 20, 30, 40, 50"), slow], seconds=2)
    assert (v.verified, v.status) == (None, "timeout")
    assert v.summary.startswith("not verified in 2 s: the fixed script had not got past train.py:7 yet")


PROJECT = {
    "app/main.py": '''\
        from pathlib import Path
        try:
            from app import helpers  # python -m app.main
        except ImportError:
            import helpers  # python app/main.py: a sibling module
        settings = Path(__file__).with_name("settings.txt").read_text().split()
        rows = open("data.txt").read().split()
        print(helpers.widths(rows, int(settings[0])))
        ''',
    "app/helpers.py": '''\
        LIMIT = 2


        def widths(rows, n):
            out = []
            for i in range(n):
                out.append(len(rows[i]) * LIMIT)
            return out
        ''',
    "app/settings.txt": "3\n",
    "app/__init__.py": "",
    "data.txt": "ab cd\n",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    folder = tmp_path_factory.mktemp("project")
    for rel, text in PROJECT.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(textwrap.dedent(text))
    return folder


def test_an_edit_in_an_imported_module_with_sibling_imports_data_files_and_file_paths(project):
    report, ctx = failing_run(project, "app/main.py")
    assert report.location.file == str(project / "app/helpers.py") and report.location.line == 7, report.exception
    files = {p: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in project.rglob("*") if p.is_file()}
    fix = Edit(str(project / "app/helpers.py"), 6, 6, "    for i in range(min(n, len(rows))):")
    v = check(report, ctx, [fix])
    assert v.verified is True, v.summary
    assert v.summary == "verified: the fixed script gets past app/helpers.py:7"
    assert {p: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in project.rglob("*") if p.is_file()} == files
    no_fix = Edit(str(project / "app/helpers.py"), 1, 1, "LIMIT = 3")
    v = check(report, ctx, [no_fix])
    assert v.verified is False and v.summary.startswith("still fails: the fixed script fails at the same line")


def test_a_module_run_with_dash_m(project):
    report, ctx = failing_run(project, "app.main", kind="module")
    assert report.location.file == str(project / "app/helpers.py") and report.location.line == 7, report.exception
    v = check(report, ctx, [Edit(str(project / "app/helpers.py"), 6, 6, "    for i in range(len(rows)):")])
    assert (v.verified, v.summary) == (True, "verified: the fixed script gets past app/helpers.py:7")


def test_a_module_level_failure_needs_no_second_run(tmp_path):
    (tmp_path / "flat.py").write_text("import time\nsizes = [1, 2]\nlast = sizes[2]\ntime.sleep(30)\n")
    report, ctx = failing_run(tmp_path, "flat.py")
    v = check(report, ctx, [Edit(str(tmp_path / "flat.py"), 2, 2, "sizes = [1, 2, 3]")])
    assert (v.verified, v.summary) == (True, "verified: the fixed script gets past flat.py:3")
    assert v.data["baseline"] == "not needed"


def test_the_re_run_keeps_the_interpreters_options():
    import sys
    assert interpreter_options(["python3", "-X", "dev", "-W", "error", "-m", "explainerr", "--verify", "t.py"]) == (
        sys.executable, "-X", "dev", "-W", "error")
    assert interpreter_options(["python3", "-c", "pass"]) == (sys.executable,)  # not run by the CLI


def test_the_script_keeps_future_imports_and_docstring_in_the_re_run(tmp_path):
    (tmp_path / "doc.py").write_text(textwrap.dedent('''\
        """Doc."""
        from __future__ import annotations


        def pick(i: Undefined) -> int:  # valid only with postponed annotations
            return [1, 2][i]


        "a bare string, not a docstring"
        assert __doc__ == "Doc."
        pick(2)
        '''))
    report, ctx = failing_run(tmp_path, "doc.py")
    assert report.exception.type == "IndexError"
    v = check(report, ctx, [Edit(str(tmp_path / "doc.py"), 6, 6, "    return [1, 2, 3][i]")])
    assert (v.verified, v.summary) == (True, "verified: the fixed script gets past doc.py:6"), v.detail
