"""The compiled knowledge and its cache: what a process loads is what a full check gives; a stale, corrupt,
tampered or unwritable cache is never trusted (the YAML is checked again, and the cache rewritten where it
can be); a pack edited between two runs is checked again; an explanation imports only the analyzers and fix
builders its patterns name, and no YAML parser."""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from explainerr import compiled, knowledge, knowledge_cache, registry
from explainerr.model import ExceptionFacts

from conftest import ROOT, run_py

KB = ROOT / "knowledge"


@pytest.fixture(autouse=True)
def no_user_packs(monkeypatch):
    monkeypatch.delenv("EXPLAINERR_KNOWLEDGE", raising=False)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("EXPLAINERR_CACHE_DIR", str(folder))
    monkeypatch.setattr(knowledge, "_CACHE", {})
    return folder


@pytest.fixture
def checks(monkeypatch):
    """Counts the YAML files checked in full (each call of knowledge.check_bytes)."""
    seen: list[str] = []
    original = knowledge.check_bytes

    def counting(file, data):
        seen.append(Path(file).name)
        return original(file, data)
    monkeypatch.setattr(knowledge, "check_bytes", counting)
    return seen


def builtin_copy(tmp_path):
    folder = tmp_path / "kb"
    shutil.copytree(KB, folder)
    return folder, knowledge._yaml_files(folder)


def decoded(unit, folder):
    kb = compiled.Knowledge({})
    kb.add(unit, [str(folder / n) for n in unit.files])
    return kb.patterns()


def cache_files(folder, kind="builtin"):
    return sorted(folder.glob(f"{kind}-*.jsonl"))


def test_loaded_patterns_equal_the_full_check_and_come_from_the_cache(cache, checks):
    full, errors = knowledge.check_sources([KB])
    assert errors == []
    checks.clear()
    first, _ = knowledge.load_knowledge()
    assert first == full and len(checks) == len(knowledge._yaml_files(KB))
    checks.clear()
    knowledge._CACHE.clear()
    again, _ = knowledge.load_knowledge()
    assert checks == []  # nothing checked: every pattern decoded from the cache
    assert again == full and [p.source for p in again] == [p.source for p in full]


def test_a_changed_file_is_checked_again(tmp_path, cache, checks):
    folder, files = builtin_copy(tmp_path)
    before = decoded(knowledge_cache.builtin_unit(folder, files), folder)
    path = folder / "lengths.yaml"
    assert "    title: Sequence" in path.read_text()
    path.write_text(path.read_text().replace("    title: Sequence", "    title: Edited Sequence", 1))
    checks.clear()
    after = decoded(knowledge_cache.builtin_unit(folder, files), folder)
    assert checks  # checked again, not served from the stale unit
    assert after == knowledge.check_sources([folder], {})[0] and after != before
    assert any(p.title[0].say.startswith("Edited ") for p in after)
    assert len(cache_files(cache)) == 2


def test_a_new_version_or_edited_code_is_checked_again(tmp_path, cache, checks, monkeypatch):
    folder, files = builtin_copy(tmp_path)
    knowledge_cache.builtin_unit(folder, files)
    checks.clear()
    knowledge_cache.builtin_unit(folder, files)
    assert checks == []
    monkeypatch.setattr(knowledge_cache, "__version__", "99.0")
    knowledge_cache.builtin_unit(folder, files)
    assert checks
    checks.clear()
    monkeypatch.setattr(knowledge_cache, "code_stamp", lambda: "an analyzer was edited")
    knowledge_cache.builtin_unit(folder, files)
    assert checks


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "other-key", "empty"])
def test_a_corrupt_cache_is_ignored_and_rewritten(tmp_path, cache, checks, damage):
    folder, files = builtin_copy(tmp_path)
    full = decoded(knowledge_cache.builtin_unit(folder, files), folder)
    (path,) = cache_files(cache)
    data = path.read_bytes()
    head, _, body = data.partition(b"\n")
    if damage == "garbage":
        data = b"\x00\xff not json at all"
    elif damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "flipped":  # one bit of the body changed: its hash no longer matches
        at = len(head) + 1 + len(body) // 2
        data = data[:at] + bytes([data[at] ^ 1]) + data[at + 1:]
    elif damage == "other-key":
        data = json.dumps({**json.loads(head), "key": "0" * 64}).encode() + b"\n" + body
    else:
        data = b""
    assert data != path.read_bytes()
    path.write_bytes(data)
    checks.clear()
    assert decoded(knowledge_cache.builtin_unit(folder, files), folder) == full
    assert checks  # checked again
    assert compiled.loads_unit(path.read_bytes(), json.loads(path.read_bytes().partition(b"\n")[0])["key"])


def test_a_forged_unit_cannot_name_anything_but_explainerrs_records(tmp_path, cache):
    import hashlib
    folder, files = builtin_copy(tmp_path)
    knowledge_cache.builtin_unit(folder, files)
    (path,) = cache_files(cache)
    head, _, body = path.read_bytes().partition(b"\n")
    assert b'"Sentence"' in body
    body = body.replace(b'"Sentence"', b'"Path"', 1)  # with a hash that matches, as only the owner could write
    head = json.dumps({**json.loads(head), "body": hashlib.sha256(body).hexdigest()}).encode()
    unit = compiled.loads_unit(head + b"\n" + body, json.loads(head)["key"])
    with pytest.raises(ValueError, match="not a record of explainerr.model"):
        decoded(unit, folder)
    meta = json.loads(body.partition(b"\n")[0])
    meta["homes"]["analyzers"]["mask-shorter"] = "os.path"  # a home is a module name within the package
    forged = json.dumps(meta).encode() + b"\n" + body.partition(b"\n")[2]
    head = json.dumps({**json.loads(head), "body": hashlib.sha256(forged).hexdigest()}).encode()
    assert compiled.loads_unit(head + b"\n" + forged, json.loads(head)["key"]) is None


def test_an_unwritable_cache_is_not_used(tmp_path, monkeypatch, checks):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("EXPLAINERR_CACHE_DIR", str(blocker / "cache"))  # cannot be created
    folder, files = builtin_copy(tmp_path)
    first = decoded(knowledge_cache.builtin_unit(folder, files), folder)
    second = decoded(knowledge_cache.builtin_unit(folder, files), folder)
    assert len(checks) == 2 * len(files)  # checked each time, nothing written anywhere
    assert first == second == knowledge.check_sources([folder], {})[0]
    assert not (blocker.parent / "cache").exists()


def test_a_write_that_fails_leaves_nothing_behind(tmp_path, cache, monkeypatch):
    folder, files = builtin_copy(tmp_path)

    def refused(path, data):
        raise PermissionError(13, "read-only file system")
    monkeypatch.setattr(knowledge_cache, "_write_atomic", refused)
    assert decoded(knowledge_cache.builtin_unit(folder, files), folder) == knowledge.check_sources([folder], {})[0]
    assert cache_files(cache) == []


def test_a_folder_others_can_write_to_is_neither_read_nor_written(tmp_path, cache, checks):
    folder, files = builtin_copy(tmp_path)
    knowledge_cache.builtin_unit(folder, files)
    cache.chmod(0o777)
    checks.clear()
    knowledge_cache.builtin_unit(folder, files)
    assert checks  # the unit there may have been planted by someone else
    assert len(cache_files(cache)) == 1


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch, checks):
    monkeypatch.setenv("EXPLAINERR_CACHE_DIR", "off")
    assert knowledge_cache.cache_dir() is None
    folder, files = builtin_copy(tmp_path)
    knowledge_cache.builtin_unit(folder, files)
    knowledge_cache.builtin_unit(folder, files)
    assert len(checks) == 2 * len(files)


def test_cache_folder_defaults():
    assert knowledge_cache.cache_dir({"XDG_CACHE_HOME": "/x/cache"}) == "/x/cache/explainerr"
    assert knowledge_cache.cache_dir({"XDG_CACHE_HOME": "relative"}).endswith(os.path.join(".cache", "explainerr"))
    assert knowledge_cache.cache_dir({"EXPLAINERR_CACHE_DIR": "/y", "XDG_CACHE_HOME": "/x"}) == "/y"


def pack_file(folder: Path, title: str, regex: str = r"shard (?P<shard>\d+) is missing") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "team.yaml"
    path.write_text(yaml.safe_dump({"patterns": [{
        "id": "team-missing-shard", "exception": ["ValueError"], "message": regex, "title": title,
        "summary": "shard {shard} is not here", "explain": "e", "fix": {"description": "d", "code": "c"},
        "samples": [{"message": "shard 3 is missing", "torch": "2.13.0"}]}]}))
    return path


def test_a_pack_is_cached_by_content_and_named_by_its_path(tmp_path, cache, checks, monkeypatch):
    a = pack_file(tmp_path / "a", "Shard missing")
    b = pack_file(tmp_path / "b", "Shard missing")  # the same content elsewhere
    monkeypatch.setenv("EXPLAINERR_KNOWLEDGE", f"{a}{os.pathsep}{tmp_path / 'b'}")
    patterns, errors = knowledge.load_knowledge()
    assert [e.problem for e in errors] == [f"duplicate id, also in {a}"] and errors[0].file == str(b)
    assert patterns[0].source == f"{a}#team-missing-shard"
    assert checks.count("team.yaml") == 1  # b's content was already checked as a's
    checks.clear()
    knowledge._CACHE.clear()
    assert knowledge.load_knowledge() == (patterns, errors) and checks == []


def test_a_broken_pack_reports_the_same_problems_from_the_cache(tmp_path, cache, monkeypatch):
    path = pack_file(tmp_path / "p", "Broken", regex=r"shard (\d+) is missing")  # an unnamed group
    monkeypatch.setenv("EXPLAINERR_KNOWLEDGE", str(path))
    fresh = knowledge.load_knowledge()
    knowledge._CACHE.clear()
    assert knowledge.load_knowledge() == fresh
    assert [(e.file, e.pattern, e.key) for e in fresh[1]] == [(str(path), "team-missing-shard", "message")]


PROBE = r"""
import json, sys
from explainerr.knowledge import load_knowledge
patterns, errors = load_knowledge()
print(json.dumps({"titles": [p.title[0].say for p in patterns if p.id == "team-missing-shard"],
                  "errors": [str(e) for e in errors]}))
"""


def test_a_pack_edited_between_two_runs_is_checked_again(tmp_path):
    path = pack_file(tmp_path / "pack", "First title")
    env = {"EXPLAINERR_KNOWLEDGE": str(path), "EXPLAINERR_CACHE_DIR": str(tmp_path / "cache")}

    def run():
        p = run_py(["-c", PROBE], env=env)
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)
    assert run() == {"titles": ["First title"], "errors": []}
    stat = path.stat()
    pack_file(tmp_path / "pack", "Other title")  # same length, same modification time: only the content differs
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert run() == {"titles": ["Other title"], "errors": []}
    pack_file(tmp_path / "pack", "Broken", regex=r"shard (\d+) is missing")
    assert run()["titles"] == [] and "unnamed groups" in run()["errors"][0]
    assert len(list((tmp_path / "cache").glob("pack-*.jsonl"))) == 3


def test_candidates_keep_order_and_drop_other_exception_types(cache):
    kb = knowledge.knowledge()
    message = "The size of tensor a (16) must match the size of tensor b (12) at non-singleton dimension 2"
    found = kb.candidates([ExceptionFacts("RuntimeError", message, ("RuntimeError", "Exception"))])
    everything = kb.patterns()
    assert [p.id for p in found] == [p.id for p in everything if p in found]
    # the prefilter keeps the patterns one of whose regexes may match: label-length-mismatch's broadcast regex
    # (a loss's, at dimension 0) shares every literal of this message but the dimension
    may = {"mask-length-mismatch", "sequence-too-long", "label-length-mismatch"}
    assert {p.id for p in found} == may
    assert kb.candidates([ExceptionFacts("KeyError", message, ("KeyError", "LookupError"))]) == []
    chained = [ExceptionFacts("ValueError", "unrelated"), ExceptionFacts("RuntimeError", message)]
    assert {p.id for p in kb.candidates(chained)} == may


def test_a_stale_home_falls_back_to_every_module(monkeypatch):
    from explainerr import analyzers
    monkeypatch.setattr(analyzers, "ANALYZERS", {})
    monkeypatch.setattr(analyzers, "HOMES", {"mask-shorter": "nowhere"})
    loaded = []
    fn = registry.lookup(analyzers.ANALYZERS, analyzers.HOMES, "explainerr.analyzers", "mask-shorter",
                         lambda: loaded.append(1) or {"mask-shorter": len})
    assert fn is len and loaded == [1] and "nowhere" not in analyzers.HOMES.values()


def test_homes_name_the_defining_module():
    homes = compiled.registry_homes()
    from explainerr import analyzers, fixes
    assert set(homes["analyzers"]) == set(analyzers.ANALYZERS)
    assert set(homes["locators"]) == set(fixes.LOCATORS)
    for name, module in homes["analyzers"].items():
        assert analyzers.ANALYZERS[name].__module__ == f"explainerr.analyzers.{module}"


ONLY_NEEDED = r"""
import io, json, sys
import torch
import explainerr
from explainerr import hook
try:
    hidden = torch.zeros(2, 5, 3)
    attention_mask = torch.ones(2, 4)
    pooled = hidden * attention_mask.unsqueeze(-1)
except RuntimeError as e:
    buf = io.StringIO()
    report = hook.handle(e, e.__traceback__, lambda: None, stream=buf)
print(json.dumps({"pattern": report.diagnosis.pattern,
                  "modules": sorted(m for m in sys.modules if m.startswith(("explainerr", "yaml")))}))
"""


def test_an_explanation_imports_only_what_its_patterns_name(tmp_path):
    env = {"EXPLAINERR_CACHE_DIR": str(tmp_path / "cache")}
    probe = tmp_path / "probe.py"  # a file, as a script is: the analyzers read the failing line
    probe.write_text(ONLY_NEEDED)
    first = run_py([str(probe)], env=env)  # checks the knowledge (everything imported) and caches it
    assert first.returncode == 0, first.stderr
    p = run_py([str(probe)], env=env)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["pattern"] == "mask-length-mismatch"
    assert "yaml" not in out["modules"]
    assert "explainerr.analyzers.masks" in out["modules"]
    for idle in ("explainerr.analyzers.devices", "explainerr.analyzers.dtypes", "explainerr.fixes.devices",
                 "explainerr.fixes.dtypes", "explainerr.fixes.label_range"):
        assert idle not in out["modules"], idle
    assert "yaml" in json.loads(first.stdout)["modules"]


def test_installed_entry_points_are_cached_until_the_distributions_on_sys_path_change(tmp_path, cache,
                                                                                       monkeypatch):
    calls = []
    import importlib.metadata as md
    original = md.entry_points
    monkeypatch.setattr(md, "entry_points", lambda **kw: calls.append(kw) or original(**kw))
    first = knowledge_cache.entry_points("explainerr.knowledge")
    assert knowledge_cache.entry_points("explainerr.knowledge") == first and len(calls) == 1
    # a script's own folder, first on sys.path and written to by the run: no distribution, no new look-up
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.setattr(sys, "path", [str(project), *sys.path])
    (project / "checkpoint.pt").write_bytes(b"x")
    assert knowledge_cache.entry_points("explainerr.knowledge") == first and len(calls) == 1
    # a distribution installed into a folder on sys.path: looked up again, and found
    site = tmp_path / "site"
    (site / "team_pack-1.0.dist-info").mkdir(parents=True)
    (site / "team_pack-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: team-pack\nVersion: 1.0\n")
    (site / "team_pack-1.0.dist-info" / "entry_points.txt").write_text("[explainerr.knowledge]\nteam = team_pack:FOLDER\n")
    monkeypatch.setattr(sys, "path", [*sys.path, str(site)])
    found = knowledge_cache.entry_points("explainerr.knowledge")
    assert len(calls) == 2 and ("team", "team_pack:FOLDER") in [(p.name, p.value) for p in found]
    # ... and removed again: the distributions are those of the first look-up, whose answer is still kept
    import shutil
    shutil.rmtree(site / "team_pack-1.0.dist-info")
    assert knowledge_cache.entry_points("explainerr.knowledge") == first and len(calls) == 2


SHIPPED_PROBE = r"""
import json, sys
from explainerr import knowledge
kb = knowledge.knowledge()
print(json.dumps({"dir": str(knowledge.builtin_dir()), "ids": [p.id for p in kb.patterns()],
                  "yaml": "yaml" in sys.modules, "analyzers": "explainerr.analyzers.masks" in sys.modules}))
"""


def test_a_wheel_ships_its_knowledge_compiled(tmp_path):
    """The wheel holds every subpackage and the compiled built-in knowledge; installed, it loads without
    parsing YAML even with no cache folder."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "explainerr", src / "explainerr", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "knowledge", src / "knowledge", ignore=shutil.ignore_patterns("__pycache__"))
    p = run_py(["-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path / "dist"),
                str(src)], timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    (wheel,) = (tmp_path / "dist").glob("explainerr-*.whl")
    import zipfile
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"explainerr/analyzers/masks.py", "explainerr/fixes/masks.py", "explainerr/knowledge.py",
            "explainerr/builtin_knowledge/masks.yaml", "explainerr/builtin_knowledge/compiled.jsonl"} <= names
    p = run_py(["-m", "pip", "install", "-q", "--no-deps", "--target", str(tmp_path / "site"), str(wheel)],
               timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    p = run_py(["-c", SHIPPED_PROBE], cwd=tmp_path, env={"PYTHONPATH": str(tmp_path / "site"),
                                                          "EXPLAINERR_CACHE_DIR": "off"})
    assert p.returncode == 0, p.stderr[-3000:]
    out = json.loads(p.stdout)
    assert out["dir"] == str(tmp_path / "site" / "explainerr" / "builtin_knowledge")
    assert out["ids"] == [p.id for p in knowledge.check_sources([KB])[0]]
    assert not out["yaml"] and not out["analyzers"]
