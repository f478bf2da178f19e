"""`pytest --explain`: a real pytest run in a subprocess over a small test file with a torch mask error, a
passing test, a plain failed assert, an error no pattern explains, an xfail and a test where explainerr
itself is made to fail.  Only the mask error and explainerr's own failures get a section."""
from __future__ import annotations

import re
import textwrap

import pytest

from conftest import run_py

TESTS = textwrap.dedent('''
    import sys
    import pytest
    import torch

    def test_light():
        assert "explainerr.analysis" not in sys.modules and "rich" not in sys.modules

    def pool(token_states, padding_mask):
        return (token_states * padding_mask.unsqueeze(-1)).sum(1)

    def test_pool():
        token_states = torch.ones(2, 5, 8)
        padding_mask = torch.ones(2, 4)
        assert pool(token_states, padding_mask).shape == (2, 8)

    def test_passes():
        assert torch.ones(2).sum() == 2

    def test_plain_assert():
        assert torch.ones(3).sum() == 4

    def test_unrelated_error():
        token_states = torch.ones(2, 5, 8)
        return {"states": token_states}["missing"]

    @pytest.mark.xfail(raises=RuntimeError)
    def test_expected():
        torch.ones(2, 3) @ torch.ones(2, 3)

    def test_internal_failure(monkeypatch):
        import explainerr.analysis
        monkeypatch.setattr(explainerr.analysis, "analyze", lambda exc, tb=None, facts=None: 1 / 0)
        monkeypatch.setenv("EXPLAINERR_DEBUG", "0")
        raise KeyError("user error")

    def test_internal_failure_debug(monkeypatch):
        import explainerr.analysis
        monkeypatch.setattr(explainerr.analysis, "analyze", lambda exc, tb=None, facts=None: 1 / 0)
        raise KeyError("user error 2")
''')


def sections(output: str) -> dict[str, str]:
    """test name -> text of its 'explainerr' section in pytest's failure output."""
    out: dict[str, str] = {}
    parts = re.split(r"\n_{3,} (\w+) _{3,}\n", output)
    for name, body in zip(parts[1::2], parts[2::2]):
        body = body.split("= short test summary info =")[0]
        m = re.search(r"\n-{3,} explainerr -{3,}\n(.*)", body, re.S)
        if m:
            out[name] = re.split(r"\n(?:-{3,} \w|={3,})", m.group(1))[0]
    return out


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    d = tmp_path_factory.mktemp("pt")
    (d / "pytest.ini").write_text("[pytest]\n")
    (d / "test_model.py").write_text(TESTS)
    return d


def test_explain_adds_a_section_to_failing_tests_only(project):
    p = run_py(["-m", "pytest", "-p", "no:cacheprovider", "--explain", "test_model.py"], cwd=project)
    out = p.stdout
    assert p.returncode == 1, out + p.stderr
    assert re.search(r"5 failed, 2 passed, 1 xfailed", out), out
    found = sections(out)
    assert set(found) == {"test_pool", "test_internal_failure", "test_internal_failure_debug"}, out
    pool = found["test_pool"]
    assert re.search(r"explainerr \[mask-length-mismatch, \w+ confidence\]", pool)
    assert "`padding_mask` covers 4 positions but `token_states` has 5" in pool
    assert "+     padding_mask = torch.ones(2, token_states.size(1))" in pool
    assert "Traceback" not in pool  # pytest shows its own
    assert found["test_internal_failure"].strip() == (
        "explainerr: the analysis failed (ZeroDivisionError; set EXPLAINERR_DEBUG=1 to see why)")
    debug = found["test_internal_failure_debug"]
    assert debug.startswith("explainerr: the analysis failed:") and "ZeroDivisionError" in debug
    assert "INTERNALERROR" not in out + p.stderr


def test_without_explain_nothing_changes(project):
    p = run_py(["-m", "pytest", "-p", "no:cacheprovider", "test_model.py"], cwd=project)
    assert p.returncode == 1
    assert re.search(r"5 failed, 2 passed, 1 xfailed", p.stdout), p.stdout
    assert sections(p.stdout) == {} and "mask-length-mismatch" not in p.stdout


def test_explicit_plugin_without_autoload(project):
    """`-p explainerr.pytest_plugin` works where entry points are off, and does not clash with them."""
    for env in ({"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}, {}):
        p = run_py(["-m", "pytest", "-p", "no:cacheprovider", "-p", "explainerr.pytest_plugin", "--explain",
                    "test_model.py", "-k", "pool or light"], cwd=project, env=env)
        assert p.returncode == 1, p.stdout + p.stderr
        assert "1 failed, 1 passed" in p.stdout
        assert "mask-length-mismatch" in sections(p.stdout)["test_pool"]


def test_importing_the_plugin_is_light():
    p = run_py(["-c", "import sys, explainerr.pytest_plugin; "
                      "print(sorted(m for m in ('torch', 'rich', 'yaml', 'explainerr.analysis') if m in sys.modules))"])
    assert p.returncode == 0 and p.stdout.strip() == "[]", p.stderr
