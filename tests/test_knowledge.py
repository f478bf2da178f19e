"""The knowledge base checks itself: every file validates (loader and JSON schema agree), ids are unique,
every sample message reaches its own rule's regex, broken packs are reported with file, id and key, and a
broken user pack leaves the built-in patterns working."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from explainerr import knowledge
from explainerr.diagnose import _message_match
from explainerr.model import ExceptionFacts

from conftest import ROOT, run_py

KB = ROOT / "knowledge"
SCHEMA = json.loads((Path(__file__).parent / "kb_schema.json").read_text())
INVALID = sorted((Path(__file__).parent / "kb_invalid").glob("*.yaml"))
DESIGN_IDS = {"mask-length-mismatch", "sequence-too-long", "unpadded-batch", "label-length-mismatch",
              "class-dim-misplaced", "loop-out-of-bounds", "token-id-out-of-vocab", "token-type-out-of-range",
              "label-out-of-range", "label-dtype", "index-dtype", "mask-dtype", "hidden-size-mismatch",
              "device-mismatch",
              "cuda-device-side-assert"}


def builtin_patterns():
    patterns, errors = knowledge.check_sources([KB])
    assert errors == []
    return patterns


@pytest.mark.parametrize("path", sorted(KB.glob("*.yaml")), ids=lambda p: p.name)
def test_builtin_file_validates_against_schema(path):
    jsonschema.validate(yaml.safe_load(path.read_text()), SCHEMA, format_checker=jsonschema.FormatChecker())


def test_every_design_id_is_covered_and_no_other():
    assert {p.id for p in builtin_patterns()} == DESIGN_IDS


def _samples():
    for p in builtin_patterns():
        for i, s in enumerate(p.samples):
            yield pytest.param(p, s, id=f"{p.source.rsplit('#', 1)[-1]}[sample-{i}]")


@pytest.mark.parametrize("pattern,sample", list(_samples()))
def test_sample_reaches_its_rule(pattern, sample):
    assert "torch" in sample
    exc = ExceptionFacts(type=pattern.exceptions[0], message=sample["message"], mro=(pattern.exceptions[0], "Exception"))
    groups = _message_match(pattern, exc)
    assert groups is not None
    placeholders = set(re.findall(r"\{(\w+)\}", pattern.message))
    assert placeholders == set()


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_files_are_rejected_by_loader_and_schema(path):
    patterns, errors = knowledge.check_sources([path])
    assert errors, f"loader accepted {path.name}"
    assert all(str(path) in str(e) for e in errors)
    data = yaml.safe_load(path.read_text()) if "!!python" not in path.read_text() else None
    if data is not None:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(data, SCHEMA, format_checker=jsonschema.FormatChecker())


def test_errors_name_file_pattern_and_key(tmp_path):
    bad = tmp_path / "team.yaml"
    bad.write_text(yaml.safe_dump({"patterns": [{
        "id": "my-rule", "exception": ["RuntimeError"], "message": "boom", "title": "t", "summary": "s",
        "explain": "e", "fix": {"description": "d", "code": "c"}, "samples": [{"message": "boom", "torch": "2.13.0"}],
        "when": ["no-such-condition"]}]}))
    _, errors = knowledge.check_sources([bad])
    assert len(errors) == 1
    text = str(errors[0])
    assert str(bad) in text and "my-rule" in text and "'when'" in text


def test_check_knowledge_command_reports_and_fails(tmp_path):
    bad = tmp_path / "pack.yaml"
    bad.write_text("patterns:\n  - id: Bad Id\n")
    p = run_py(["-m", "explainerr", "check-knowledge", str(bad)])
    assert p.returncode == 1
    assert "pack.yaml" in p.stdout and "'id'" in p.stdout
    p = run_py(["-m", "explainerr", "check-knowledge"])
    assert p.returncode == 0, p.stdout


def test_broken_user_pack_keeps_builtin_knowledge(tmp_path):
    (tmp_path / "broken.yaml").write_text("patterns: [1, 2")
    script = tmp_path / "s.py"
    script.write_text("import torch\nids = torch.tensor([[3, 12]])\ntorch.nn.Embedding(10, 4)(ids)\n")
    p = run_py(["-m", "explainerr", "--format", "json", str(script)], env={"EXPLAINERR_KNOWLEDGE": str(tmp_path)})
    assert p.returncode == 1
    data = json.loads(p.stderr)
    assert data["diagnosis"]["pattern"] == "token-id-out-of-vocab"
    assert any("broken.yaml" in n for n in data["notes"])


def test_user_pack_pattern_is_used(tmp_path):
    (tmp_path / "team.yaml").write_text(yaml.safe_dump({"patterns": [{
        "id": "team-vocab", "pattern_id": "token-id-out-of-vocab", "exception": ["IndexError"],
        "message": "index out of range in self", "when": ["vocab-ids-exceed-table"], "priority": 99,
        "title": "Team rule", "summary": "ids up to {max_id} vs {num_embeddings} rows",
        "explain": "See the team wiki.", "fix": {"description": "d", "code": "c"},
        "samples": [{"message": "index out of range in self", "torch": "2.13.0"}]}]}))
    script = tmp_path / "s.py"
    script.write_text("import torch\nids = torch.tensor([[3, 12]])\ntorch.nn.Embedding(10, 4)(ids)\n")
    p = run_py(["-m", "explainerr", "--format", "json", str(script)], env={"EXPLAINERR_KNOWLEDGE": str(tmp_path)})
    data = json.loads(p.stderr)
    assert data["diagnosis"]["title"] == "Team rule"
    assert data["diagnosis"]["summary"] == "ids up to 12 vs 10 rows"


def test_every_builtin_pattern_has_an_example_and_a_text_explanation():
    for p in builtin_patterns():
        assert p.examples, f"{p.source} has no runnable example"
        assert p.text and p.text.get("summary") and p.text.get("unchecked"), f"{p.source} has no text block"


def test_every_example_is_diagnosed_as_its_own_pattern_and_its_fix_runs():
    """Run through the whole pipeline (capture, every pattern ranked): no other pattern shadows an example."""
    p = run_py(["-m", "explainerr", "check-knowledge", "--run-examples"], timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("example ")]
    ids = {p.source.rsplit("#", 1)[-1] for p in builtin_patterns()}   # each rule's own id, as its file names it
    assert {ln.split()[1].split("/")[0] for ln in lines} == ids
    for ln in lines:
        assert ln.endswith(": OK") or ("cuda-device-side-assert" in ln and ln.endswith("(needs CUDA)")), ln


def test_example_problems_name_file_pattern_and_key(tmp_path):
    pack = tmp_path / "team.yaml"
    pack.write_text(yaml.safe_dump({"patterns": [{
        "id": "team-shard", "exception": ["ValueError"], "message": r"shard (?P<shard>\d+) is missing",
        "title": "Missing shard", "summary": "shard {shard}", "explain": "e", "fix": {"description": "d", "code": "c"},
        "samples": [{"message": "shard 3 is missing", "torch": "2.13.0"}],
        "examples": [{"name": "wrong-error", "code": "raise KeyError('x')\n", "fixed": "pass\n"},
                     {"name": "no-parse", "code": "def (:\n", "fixed": "pass\n"}]}]}))
    p = run_py(["-m", "explainerr", "check-knowledge", "--run-examples", str(pack)])
    assert p.returncode == 1
    assert f"{pack}: pattern 'team-shard': key 'examples[1].code': does not parse" in p.stdout
    pack.write_text(pack.read_text().replace("def (:", "pass"))
    p = run_py(["-m", "explainerr", "check-knowledge", "--run-examples", str(pack)])
    assert p.returncode == 1
    assert "example 'wrong-error': its error (KeyError: 'x') was diagnosed as nothing" in p.stdout
    assert "example 'no-parse': its code ran without raising" in p.stdout


def test_installed_pack_found_through_its_entry_point(tmp_path):
    """A pack installed as a distribution (dist-info with an `explainerr.knowledge` entry point) is loaded,
    validated, its examples run, and its pattern explains a user's script."""
    site = tmp_path / "site"
    (site / "team_knowledge").mkdir(parents=True)
    (site / "team_knowledge" / "__init__.py").write_text(
        "from pathlib import Path\nFOLDER = str(Path(__file__).parent / 'patterns')\n")
    (site / "team_knowledge" / "patterns").mkdir()
    (site / "team_knowledge" / "patterns" / "data.yaml").write_text(yaml.safe_dump({"patterns": [{
        "id": "team-missing-shard", "exception": ["ValueError"], "message": r"shard (?P<shard>\d+) is missing",
        "title": "A data shard was not downloaded", "summary": "shard {shard} is not on this machine",
        "explain": "Run `make fetch-shards` first; shard {shard} is listed in the manifest but absent.",
        "fix": {"description": "Fetch the shards", "code": "make fetch-shards"},
        "samples": [{"message": "shard 3 is missing", "torch": "2.13.0"}],
        "examples": [{"name": "missing", "code": "def load(i):\n    raise ValueError(f'shard {i} is missing')\n\nload(3)\n",
                      "fixed": "def load(i):\n    return i\n\nload(3)\n"}]}]}))
    dist = site / "team_knowledge-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: team-knowledge\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[explainerr.knowledge]\nteam = team_knowledge:FOLDER\n")
    env = {"PYTHONPATH": str(site)}
    p = run_py(["-m", "explainerr", "check-knowledge", "--run-examples"], env=env, timeout=300)
    assert p.returncode == 0, p.stdout
    assert "example team-missing-shard/missing: OK" in p.stdout
    script = tmp_path / "train.py"
    script.write_text("raise ValueError('shard 7 is missing')\n")
    p = run_py(["-m", "explainerr", "--format", "json", str(script)], env=env)
    assert p.returncode == 1
    assert json.loads(p.stderr)["diagnosis"]["summary"] == "shard 7 is not on this machine"


def test_readme_worked_example_is_a_valid_pack_whose_example_passes(tmp_path):
    text = (ROOT / "README.md").read_text()
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if b.startswith("patterns:"))
    (tmp_path / "team.yaml").write_text(block)
    patterns, errors = knowledge.check_sources([tmp_path])
    assert errors == [] and [p.id for p in patterns] == ["token-id-out-of-vocab"]
    from explainerr.examples import run_examples
    results = run_examples(patterns)
    assert results and all(r.ok for r in results), [r.problem() for r in results]


def test_a_missing_key_is_reported_once_and_examples_are_labelled_by_their_rule(tmp_path, capsys):
    from explainerr.cli_tools import check_knowledge
    rule = {"id": "team-vocab-overflow", "pattern_id": "token-id-out-of-vocab", "exception": ["IndexError"],
            "message": "index out of range in self", "title": "t", "summary": "s", "explain": "e",
            "samples": [{"message": "index out of range in self", "torch": "2.13.0"}]}
    pack = tmp_path / "team.yaml"
    pack.write_text(yaml.safe_dump({"patterns": [rule]}))
    _, errors = knowledge.check_sources([pack])
    assert [(e.pattern, e.key) for e in errors] == [("team-vocab-overflow", "fix")], errors
    rule["fix"] = {"description": "d", "code": "c"}
    rule["examples"] = [{"name": "added-tokens", "code": "import torch\ntorch.nn.Embedding(3, 2)(torch.tensor([5]))\n",
                         "fixed": "import torch\ntorch.nn.Embedding(6, 2)(torch.tensor([5]))\n"}]
    pack.write_text(yaml.safe_dump({"patterns": [rule]}))
    check_knowledge([str(pack), "--run-examples"])
    out = capsys.readouterr().out
    assert "example team-vocab-overflow/added-tokens: " in out and "example token-id-out-of-vocab/" not in out
