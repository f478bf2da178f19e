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
              "label-out-of-range", "index-dtype", "mask-dtype", "hidden-size-mismatch", "device-mismatch",
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
