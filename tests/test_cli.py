"""`python -m explainerr`: the script cannot tell it is not run by `python` directly; exit statuses, argv,
sys.path[0], SystemExit and -m module; the JSON report validates against the contract's schema."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import jsonschema
import pytest

from conftest import run_py

SCHEMA = json.loads((Path(__file__).parent / "report_schema.json").read_text())

PROBE = textwrap.dedent("""
    import json, os, sys
    print(json.dumps({"argv": sys.argv, "path0": sys.path[0], "name": __name__,
                      "file": os.path.abspath(__file__)}))
    code = os.environ.get("PROBE_EXIT")
    if code == "raise":
        raise ValueError("plain failure")
    if code is not None:
        sys.exit(int(code) if code.isdigit() else code)
""")


@pytest.fixture
def probe(tmp_path):
    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    return script


def test_script_sees_what_python_gives_it(probe, tmp_path):
    direct = run_py([str(probe), "--lr", "3", "-m", "x"], cwd=tmp_path)
    wrapped = run_py(["-m", "explainerr", "--format", "plain", str(probe), "--lr", "3", "-m", "x"], cwd=tmp_path)
    assert direct.returncode == wrapped.returncode == 0
    assert json.loads(wrapped.stdout) == json.loads(direct.stdout)
    seen = json.loads(wrapped.stdout)
    assert seen["argv"] == [str(probe), "--lr", "3", "-m", "x"]
    assert seen["path0"] == str(tmp_path) and seen["name"] == "__main__"


@pytest.mark.parametrize("code,expected", [("0", 0), ("3", 3), ("text", 1)])
def test_system_exit_passes_through(probe, tmp_path, code, expected):
    p = run_py(["-m", "explainerr", str(probe)], cwd=tmp_path, env={"PROBE_EXIT": code})
    assert p.returncode == expected
    if code == "text":
        assert "text" in p.stderr


def test_uncaught_exception_exits_1_without_diagnosis(probe, tmp_path):
    report = tmp_path / "r.json"
    p = run_py(["-m", "explainerr", "--report", str(report), str(probe)], cwd=tmp_path, env={"PROBE_EXIT": "raise"})
    assert p.returncode == 1
    assert "ValueError: plain failure" in p.stderr
    data = json.loads(report.read_text())
    jsonschema.validate(data, SCHEMA)
    assert data["diagnosis"] is None
    assert data["exception"] == {"type": "ValueError", "message": "plain failure", "chain": []}
    assert data["location"]["file"] == str(probe)


def test_module_mode(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "tool.py").write_text("import sys\nprint(sys.argv[1:])\nraise SystemExit(4)\n")
    p = run_py(["-m", "explainerr", "-m", "pkg.tool", "a", "--b"], cwd=tmp_path)
    assert p.returncode == 4
    assert p.stdout.strip() == "['a', '--b']"


def test_json_format_and_schema_on_a_tensor_error(tmp_path):
    script = tmp_path / "bad.py"
    script.write_text(textwrap.dedent("""
        import torch
        def pool(hidden, attention_mask):
            return (hidden * attention_mask.unsqueeze(-1)).sum(1)
        hidden = torch.randn(2, 6, 4)
        attention_mask = torch.ones(2, 5)
        pool(hidden, attention_mask)
    """))
    p = run_py(["-m", "explainerr", "--format", "json", str(script)], cwd=tmp_path)
    assert p.returncode == 1
    data = json.loads(p.stderr)
    jsonschema.validate(data, SCHEMA)
    d = data["diagnosis"]
    assert d["pattern"] == "mask-length-mismatch"
    assert "attention_mask" in d["summary"] and "5" in d["summary"] and "6" in d["summary"]
    assert any(t["expr"] == "attention_mask" and t["shape"] == [2, 5] for t in data["tensors"])
    assert data["timing"]["analysis_ms"] > 0


def test_missing_script_and_usage(tmp_path):
    p = run_py(["-m", "explainerr", "nope.py"], cwd=tmp_path)
    assert p.returncode == 2 and "nope.py" in p.stderr
    p = run_py(["-m", "explainerr"], cwd=tmp_path)
    assert p.returncode == 2 and "usage" in p.stderr.lower()


def test_unwritable_report_path_keeps_exit_and_output(probe, tmp_path):
    p = run_py(["-m", "explainerr", "--report", "/nonexistent-dir/r.json", str(probe)], cwd=tmp_path,
               env={"PROBE_EXIT": "raise"})
    assert p.returncode == 1
    assert "ValueError: plain failure" in p.stderr
    assert "could not write the report" in p.stderr
