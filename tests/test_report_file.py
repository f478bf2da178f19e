"""`--report PATH`: a symlink is followed, nothing that is not a regular file is ever replaced (a device or a
pipe is written to, a directory refused with one line), the file's mode follows the umask (or stays what it
was), and no stale report survives a run: a run that cannot analyse writes a report saying so, and a run
under `python -m explainerr` that ends without an error leaves none.
"""
from __future__ import annotations

import io
import json
import os
import stat
import threading

import pytest

from explainerr import hook
from explainerr.exceptions import read_exception
from explainerr.model import Report

from conftest import run_py


def _report() -> Report:
    try:
        raise ValueError("the failure")
    except ValueError as e:
        top, chain = read_exception(e)
    return Report(exception=top, chain=chain)


def _write(path) -> str:
    out = io.StringIO()
    hook.write_report(_report(), str(path), out)
    return out.getvalue()


def test_a_symlink_is_followed_and_kept(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert _write(link) == ""
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text())["exception"]["message"] == "the failure"


def test_a_device_is_written_to_not_replaced(tmp_path):
    assert _write("/dev/null") == ""
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    line = _write("/dev/full")
    assert line.startswith("explainerr: could not write the report to /dev/full: No space left on device")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_a_pipe_is_written_to_or_refused_without_waiting(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert _write(fifo).startswith(f"explainerr: could not write the report to {fifo}")  # nobody reads it
    got: list[bytes] = []
    reader_ready = threading.Event()

    def read():
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        reader_ready.set()
        data = b""
        while not data.endswith(b"}\n"):
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                chunk = b""
            data += chunk
            if not chunk:
                threading.Event().wait(0.01)
        os.close(fd)
        got.append(data)

    t = threading.Thread(target=read)
    t.start()
    reader_ready.wait()
    assert _write(fifo) == ""
    t.join()
    assert json.loads(got[0])["version"] == 1 and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_directory_is_refused_with_one_line(tmp_path):
    line = _write(tmp_path)
    assert line.count("\n") == 1 and "Is a directory" in line and tmp_path.is_dir()


def test_the_mode_follows_the_umask_or_stays_what_it_was(tmp_path):
    old = os.umask(0o027)
    try:
        assert _write(tmp_path / "new.json") == ""
        existing = tmp_path / "existing.json"
        existing.write_text("{}")
        existing.chmod(0o604)
        assert _write(existing) == ""
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.json").st_mode) == 0o640
    assert stat.S_IMODE(os.stat(existing).st_mode) == 0o604
    assert not list(tmp_path.glob(".explainerr-*"))


@pytest.mark.parametrize("case", ["analysis fails", "keyboard interrupt"])
def test_a_run_that_cannot_analyse_still_writes_a_report_saying_so(case, tmp_path, monkeypatch):
    import explainerr.analysis
    report_path = tmp_path / "r.json"
    report_path.write_text('{"stale": true}')
    monkeypatch.setenv("EXPLAINERR_DEBUG", "0")
    monkeypatch.setattr(explainerr.analysis, "analyze", lambda exc, tb=None, facts=None: 1 / 0)
    exc: BaseException = ValueError("the failure") if case == "analysis fails" else KeyboardInterrupt()
    hook.configure(report_path=str(report_path))
    try:
        hook.handle(exc, None, stream=io.StringIO())
    finally:
        hook._overrides.clear()
    data = json.loads(report_path.read_text())
    assert data["exception"]["type"] == type(exc).__name__ and data["diagnosis"] is None
    why = "the analysis failed" if case == "analysis fails" else "KeyboardInterrupt is not an error explainerr"
    assert any(why in note for note in data["notes"]), data["notes"]


def test_no_stale_report_survives_a_run_without_error(tmp_path):
    (tmp_path / "ok.py").write_text("print('fine')\n")
    report_path = tmp_path / "r.json"
    report_path.write_text('{"exception": {"type": "OldError"}}')
    p = run_py(["-m", "explainerr", "--report", str(report_path), "ok.py"], cwd=tmp_path)
    assert p.returncode == 0 and p.stdout == "fine\n"
    assert not report_path.exists()


def test_dev_stdout_redirected_to_a_file_gets_the_report_appended(tmp_path):
    import subprocess
    import sys
    (tmp_path / "s.py").write_text("print('before', flush=True)\nraise ValueError('the failure')\n")
    out_path = tmp_path / "out.txt"
    with open(out_path, "w") as out:
        inode = os.fstat(out.fileno()).st_ino
        p = subprocess.run([sys.executable, "-m", "explainerr", "--report", "/dev/stdout", "s.py"], cwd=tmp_path,
                           stdout=out, stderr=subprocess.PIPE, text=True, timeout=120,
                           env=dict(os.environ, NO_COLOR="1"))
    assert p.returncode == 1 and "ValueError: the failure" in p.stderr
    assert os.stat(out_path).st_ino == inode and sorted(os.listdir(tmp_path)) == ["out.txt", "s.py"]
    text = out_path.read_text()
    assert text.startswith("before\n") and json.loads(text[len("before\n"):])["exception"]["type"] == "ValueError"
