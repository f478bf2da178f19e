"""`python -m explainerr --diff / --verify / --apply` end to end on a real tensor error (the README's example):
the diff on stdout is what `git apply` needs and gives the same file as --apply; --verify re-runs and says
verified, or "still fails" with the new error explained when the edit does not suffice (and then --apply
writes nothing); the user's file is untouched without --apply; a file changed during the run is not
written; the JSON report carries fix.diff, fix.verified and fix.applied."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, run_py

SCHEMA = json.loads((Path(__file__).parent / "report_schema.json").read_text())
EXAMPLE = ROOT / "examples" / "mean_pool_mask.py"
NAME = EXAMPLE.name
# the mask is built from one length too many: the proposed width fix is right but not enough
NOT_ENOUGH = EXAMPLE.read_text().replace("attention_mask = build_mask(lengths)",
                                         "attention_mask = build_mask(torch.cat([lengths, lengths[:1]]))")
# the script edits itself while it runs, as an editor would
TOUCHED = EXAMPLE.read_text().replace("torch.manual_seed(0)", "open(__file__, 'a').write('# saved meanwhile\\n')")


def _folder(base: Path, name: str, text: str) -> Path:
    folder = base / name
    folder.mkdir()
    (folder / NAME).write_text(text)
    return folder


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("fixcli")
    out = {}
    for key, text, flags in (
            ("verify", EXAMPLE.read_text(), ["--format", "plain", "--diff", "--verify"]),
            ("apply", EXAMPLE.read_text(), ["--format", "json", "--apply"]),
            ("not-enough", NOT_ENOUGH, ["--format", "plain", "--verify=60", "--apply"]),
            ("touched", TOUCHED, ["--format", "plain", "--apply"])):
        folder = _folder(base, key, text)
        report = base / f"{key}.json"
        p = run_py(["-m", "explainerr", *flags, "--report", str(report), NAME], cwd=folder)
        out[key] = (folder, p, json.loads(report.read_text()))
    return out


def test_diff_and_verify_leave_the_file_alone(runs):
    folder, p, report = runs["verify"]
    assert p.returncode == 1
    assert (folder / NAME).read_text() == EXAMPLE.read_text()
    assert p.stdout.startswith(f"--- a/{NAME}\n+++ b/{NAME}\n@@ -28,6 +28,6 @@\n")
    assert "-attention_mask = build_mask(lengths)\n+attention_mask = build_mask(lengths, width=input_ids.size(1))\n" \
        in p.stdout
    assert f"explainerr: verified: the fixed script gets past {NAME}:23 (" in p.stderr
    jsonschema.validate(report, SCHEMA)
    fix = report["diagnosis"]["fix"]
    assert fix["diff"] == p.stdout and fix["verified"] is True
    assert fix["verification"]["status"] == "verified" and fix["verification"]["line"] == f"{NAME}:23"


def test_the_readme_shows_what_diff_and_verify_print(runs):
    readme = (ROOT / "README.md").read_text()
    _, p, _ = runs["verify"]
    block = readme.split("$ python -m explainerr --diff examples/mean_pool_mask.py 2>/dev/null\n")[1].split("```")[0]
    assert block == p.stdout.replace(f"/{NAME}", f"/examples/{NAME}")
    verified = [ln for ln in p.stderr.splitlines() if ln.startswith("explainerr: verified")][0]
    assert verified.split(" (")[0].replace(NAME, f"examples/{NAME}") in readme
    _, p, _ = runs["not-enough"]
    still = [ln for ln in p.stderr.splitlines() if ln.startswith("explainerr: still fails")][0]
    assert still.rsplit(" (", 1)[0] in readme


def test_git_apply_of_the_diff_gives_the_file_apply_writes(runs, tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    _, diffed, _ = runs["verify"]
    applied_folder, p, report = runs["apply"]
    other = _folder(tmp_path, "git", EXAMPLE.read_text())
    done = subprocess.run(["git", "apply", "-"], cwd=other, input=diffed.stdout, text=True, capture_output=True)
    assert done.returncode == 0, done.stderr
    assert (applied_folder / NAME).read_text() == (other / NAME).read_text() != EXAMPLE.read_text()
    assert json.loads(p.stderr) == report  # json format: one document on stderr, the outcome inside it
    assert report["diagnosis"]["fix"]["applied"] == {"files": [NAME], "refused": None}
    assert report["diagnosis"]["fix"]["verified"] is None  # not asked


def test_an_edit_that_is_not_enough_still_fails_and_is_not_applied(runs):
    folder, p, report = runs["not-enough"]
    assert ("explainerr: still fails: the fixed script fails at the same line with RuntimeError: The size of tensor "
            "a (3) must match the size of tensor b (4) at non-singleton dimension 0") in p.stderr
    after = p.stderr.split("still fails", 1)[1]
    assert "Traceback (most recent call last" in after and f'File "{NAME}", line 23, in forward' in after
    assert re.search(r"\n +weights +\(4, 15, 1\) float32 cpu\n", after)  # the new error, explained the same way
    assert "explainerr: not applied: the fix was not verified; nothing was written" in p.stderr
    assert (folder / NAME).read_text() == NOT_ENOUGH
    fix = report["diagnosis"]["fix"]
    assert fix["verified"] is False and fix["verification"]["status"] == "still-fails"
    assert fix["applied"]["files"] == [] and "not verified" in fix["applied"]["refused"]


def test_a_file_changed_during_the_run_is_not_written(runs):
    folder, p, report = runs["touched"]
    assert f"explainerr: not applied: {NAME} changed since the run started; nothing written" in p.stderr
    assert (folder / NAME).read_text() == TOUCHED + "# saved meanwhile\n"
    assert report["diagnosis"]["fix"]["applied"]["files"] == []
