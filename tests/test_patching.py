"""The fix as a diff and as written files (patching.py): `git apply` and `patch -p1` accept the diff and give the
same bytes as `apply`; encodings, line endings and a missing final newline survive; `apply` writes nothing when
any file changed or cannot be edited; where it cannot apply, one line says why.  Also the anchors (anchors.py)
that --verify watches, and their line numbers after edits."""
from __future__ import annotations

import ast
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from explainerr.anchors import frame_anchors, map_range
from explainerr.model import Edit, Fix
from explainerr.patching import Refused, apply, plan, report_diff, unified_diff, unified_diff_bytes

FILES = {
    "train.py": b"import os\nMAX_LEN = 12\n\ndef mask(n):\n    return [1] * MAX_LEN\n\nprint(mask(3))\n",
    "pkg/crlf.py": b"a = 1\r\nb = 2\r\nc = 3\r\n",
    "pkg/latin.py": "# -*- coding: latin-1 -*-\nname = 'caf\xe9'\nx = 1".encode("latin-1"),  # no final newline
}


@pytest.fixture
def project(tmp_path):
    """Three files in a fresh folder, and edits on each: one line, several lines, a deletion, the last line."""
    for rel, data in FILES.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    f = {rel: str(tmp_path / rel) for rel in FILES}
    edits = (Edit(f["train.py"], 5, 5, "    return [1] * n"),
             Edit(f["train.py"], 2, 2, "MAX_LEN = 12  # unused\nMIN_LEN = 1"),
             Edit(f["pkg/crlf.py"], 2, 2, ""),
             Edit(f["pkg/latin.py"], 3, 3, "x = 2  # caf\xe9"))
    return tmp_path, Fix("d", "c", edits)


EXPECTED = {
    "train.py": b"import os\nMAX_LEN = 12  # unused\nMIN_LEN = 1\n\ndef mask(n):\n    return [1] * n\n\nprint(mask(3))\n",
    "pkg/crlf.py": b"a = 1\r\nc = 3\r\n",
    "pkg/latin.py": "# -*- coding: latin-1 -*-\nname = 'caf\xe9'\nx = 2  # caf\xe9".encode("latin-1"),
}


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def test_apply_writes_the_edits_keeping_encoding_and_line_endings(project, monkeypatch):
    root, fix = project
    monkeypatch.chdir(root)
    p = plan(fix)
    assert p.ok and [f.rel for f in p.files] == ["train.py", "pkg/crlf.py", "pkg/latin.py"]
    changed = apply(p, since_ns=time.time_ns())
    assert changed == ["train.py, lines 2, 5", "pkg/crlf.py, line 2", "pkg/latin.py, line 3"]
    for rel, data in EXPECTED.items():
        assert (root / rel).read_bytes() == data, rel
    assert not [n for n in os.listdir(root) if n.endswith(".explainerr")]  # no temporary file left


@pytest.mark.parametrize("tool", ["git", "patch"])
def test_diff_applies_with_git_and_patch_like_apply(project, tmp_path_factory, monkeypatch, tool):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    root, fix = project
    monkeypatch.chdir(root)
    diff = unified_diff(plan(fix))
    assert diff.startswith("--- a/train.py\n+++ b/train.py\n") and "\\ No newline at end of file" in diff
    other = _copy(root, tmp_path_factory.mktemp("other") / "tree")
    cmd = ["git", "apply", "-"] if tool == "git" else ["patch", "-p1", "--quiet"]
    done = subprocess.run(cmd, cwd=other, input=unified_diff_bytes(plan(fix)), capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    apply(plan(fix))
    for rel, data in EXPECTED.items():
        assert (other / rel).read_bytes() == (root / rel).read_bytes() == data, rel


def test_apply_refuses_and_writes_nothing_when_a_file_changed(project, monkeypatch):
    root, fix = project
    monkeypatch.chdir(root)
    p = plan(fix)
    hashes = [(f.path, f.sha256) for f in p.files]
    (root / "pkg/latin.py").write_bytes(FILES["pkg/latin.py"] + b"\n# edited meanwhile\n")
    with pytest.raises(Refused, match=r"pkg/latin.py changed since the error was analysed; nothing written"):
        apply(p, hashes)
    assert (root / "train.py").read_bytes() == FILES["train.py"]  # the first file was not written either
    assert (root / "pkg/crlf.py").read_bytes() == FILES["pkg/crlf.py"]


def test_apply_refuses_a_file_modified_after_the_run_started(project, monkeypatch):
    root, fix = project
    monkeypatch.chdir(root)
    started = os.stat(root / "train.py").st_mtime_ns - 1  # the file is newer than the run's start
    with pytest.raises(Refused, match="train.py changed since the run started"):
        apply(plan(fix), since_ns=started)
    assert (root / "train.py").read_bytes() == FILES["train.py"]


def test_where_edits_cannot_apply_one_line_says_why(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert plan(Fix("d", "c", ())).problem == "the fix has no edit to apply (it is shown as code only)"
    cell = plan(Fix("d", "c", (Edit("<ipython-input-3-abc>", 1, 1, "x = 1"),))).problem
    assert cell.startswith("<ipython-input-3-abc> is not a file on disk (code from a notebook cell")
    lib = plan(Fix("d", "c", (Edit(shutil.__file__, 1, 1, "x = 1"),))).problem
    assert lib.endswith("is a library file; explainerr edits only your own files")
    (tmp_path / "a.py").write_text("x = 1\ny = 2\n")
    overlap = plan(Fix("d", "c", (Edit(str(tmp_path / "a.py"), 1, 2, "x"), Edit(str(tmp_path / "a.py"), 2, 2, "y"))))
    assert overlap.problem == "the edits do not fit a.py: edits overlap at line 2"
    outside = plan(Fix("d", "c", (Edit(str(tmp_path / "a.py"), 3, 3, "z"),))).problem
    assert outside == "the edits do not fit a.py: line 3-3 is outside the file (2 lines)"
    assert all("\n" not in problem for problem in (cell, lib, overlap.problem, outside))
    with pytest.raises(Refused, match="no edit to apply"):
        apply(plan(Fix("d", "c", ())))


def test_a_file_changed_after_it_was_loaded_gets_no_plan(tmp_path, monkeypatch):
    import linecache
    monkeypatch.chdir(tmp_path)
    script = tmp_path / "s.py"
    script.write_text("a = 1\nb = 2\n")
    linecache.getlines(str(script))  # what the failing code was compiled from
    script.write_text("a = 1\nb = 3\n")
    try:
        p = plan(Fix("d", "c", (Edit(str(script), 2, 2, "b = 4"),)))
        assert p.problem == "s.py changed after the failing code was loaded; run it again first"
    finally:
        linecache.checkcache(str(script))


def test_a_credential_next_to_the_edit_keeps_the_diff_out_of_the_report(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    secret = "hf_" + "Zq9" * 8
    (tmp_path / "s.py").write_text(f'import torch\nclient = connect("{secret}")\nwidth = 4\nprint(width)\n')
    p = plan(Fix("d", "c", (Edit(str(tmp_path / "s.py"), 3, 3, "width = 5"),)))
    assert secret in unified_diff(p)  # what --diff prints, on request, to the user's own terminal
    assert report_diff(p) is None     # what every report carries
    (tmp_path / "t.py").write_text('name = "bert-base-uncased"\nwidth = 4\n')
    assert report_diff(plan(Fix("d", "c", (Edit(str(tmp_path / "t.py"), 2, 2, "width = 5"),)))) == (
        '--- a/t.py\n+++ b/t.py\n@@ -1,2 +1,2 @@\n name = "bert-base-uncased"\n-width = 4\n+width = 5\n')


SOURCE = '''\
import sys
def step(xs, n):
    total = 0
    for epoch in range(2):
        for i in range(n):
            total += xs[i]
    while (
        total > 0
    ):
        total -= 1
    return total
for k in range(3):
    print(step([1], k))
'''


def test_frame_anchors_statement_and_loops_around_it():
    tree = ast.parse(SOURCE)
    assert frame_anchors(tree, 6, "step") == [(4, 6, "loop"), (5, 6, "loop"), (6, 6, "statement")]
    # a failing compound header: the whole loop, then only its header
    assert frame_anchors(tree, 8, "step") == [(7, 10, "loop"), (7, 9, "statement")]
    assert frame_anchors(tree, 13, "<module>") == [(12, 13, "loop"), (13, 13, "statement")]
    assert frame_anchors(tree, 3, "<module>") == []  # a function's line is not module-level code


def test_map_range_moves_lines_through_edits():
    f = "x.py"
    grow = [Edit(f, 2, 2, "a\nb\nc")]          # 1 line -> 3
    assert map_range(5, 6, grow) == (7, 8)     # after the edit: shifted by 2
    assert map_range(1, 1, grow) == (1, 1)     # before: unchanged
    assert map_range(2, 2, grow) == (2, 4)     # the edited line: the whole replacement
    assert map_range(1, 3, grow) == (1, 5)     # around it: grows with it
    delete = [Edit(f, 3, 4, "")]
    assert map_range(6, 6, delete) == (4, 4)
    assert map_range(3, 3, delete) == (3, 3)   # deleted: where the lines were


def test_python_still_compiles_the_edited_file(project, monkeypatch):
    root, fix = project
    monkeypatch.chdir(root)
    for f in plan(fix).files:
        compile(f.new, f.path, "exec")  # raises if an edit broke the file


LONG = "".join(f"line_{i} = {i}\n" for i in range(1, 2001))  # every line different: one way to diff it


@pytest.mark.parametrize("spans, hunks", [
    ([(5, 5, "line_5 = 50")], 1),                                     # near the start: context cut at line 1
    ([(1999, 2000, "")], 1),                                          # the last lines deleted
    ([(3, 3, "import os"), (1990, 1990, "line_1990 = 0\nx = 1")], 2),  # far apart
    ([(100, 100, "a = 1"), (107, 107, "b = 2")], 1),                  # six lines between: one hunk, as diff -u
    ([(100, 100, "a = 1"), (108, 108, "b = 2")], 2),                  # seven lines between
    ([(500, 502, "line_500 = 500\nline_501 = 501\nnew = 1\nline_502 = 502")], 1),  # kept lines around an insertion
    ([(2000, 2000, "line_2000 = 2000\nend = 1")], 1),                # the last line kept, one added after it
])
def test_the_diff_of_a_long_file_is_diff_u_of_the_whole_file(tmp_path, monkeypatch, spans, hunks):
    import difflib
    monkeypatch.chdir(tmp_path)
    (tmp_path / "long.py").write_text(LONG)
    p = plan(Fix("d", "c", tuple(Edit(str(tmp_path / "long.py"), a, b, text) for a, b, text in spans)))
    new = p.files[0].new.splitlines(True)
    whole = "".join(difflib.unified_diff(LONG.splitlines(True), new, "a/long.py", "b/long.py"))
    assert unified_diff(p) == whole and whole.count("\n@@ -") == hunks


def test_an_edit_names_the_function_or_method_it_lands_in(tmp_path):
    """The report's edit and the shown diff say which function holds the changed line (none at module level)."""
    from explainerr.render import _edit_diff
    from types import SimpleNamespace
    path = tmp_path / "train.py"
    path.write_text("N = 3\n\nclass Data:\n    def __init__(self):\n        self.n = N\n\n"
                    "def helper():\n    def inner():\n        return 1\n    return inner()\n")
    f = str(path)
    assert Edit(f, 5, 5, "        self.n = 4").to_dict()["function"] == "Data.__init__"
    assert Edit(f, 9, 9, "        return 2").to_dict()["function"] == "inner"
    assert "function" not in Edit(f, 1, 1, "N = 4").to_dict()
    rows = _edit_diff(SimpleNamespace(fix=Fix("d", "c", (Edit(f, 10, 10, "    return 0"),))))
    assert rows[0][0] == "@" and rows[0][1].endswith("train.py, line 10, in helper")
