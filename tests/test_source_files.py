"""source_cache.py's readings of a whole file: its text, its AST and the answers about every line of it (such
as whether it uses a tokenizer) are made once per reading of the file, and made again once the file changes."""
from __future__ import annotations

import linecache
import os
import re

import executing

from explainerr import explain, files, source
from explainerr.analyzers.scene import TOKENIZER, scene_facts
from explainerr.facts import Context

from conftest import caught


def _write(path, text: str, mtime_ns: int) -> str:
    path.write_text(text)
    os.utime(path, ns=(mtime_ns, mtime_ns))  # a new time, however coarse the file system's clock
    linecache.checkcache(str(path))
    linecache.getlines(str(path))
    return str(path)


def test_text_tree_and_answers_are_made_once_per_reading_and_again_after_a_change(tmp_path):
    path = _write(tmp_path / "script.py", "a = 1\nb = 2\n", 10**18)
    seen: list[str] = []

    def count_lines(text: str) -> int:
        seen.append(text)
        return text.count("\n")
    assert source.text_of(path) is source.text_of(path) and source.text_of(path) == "a = 1\nb = 2\n"
    assert source.tree_of(path) is source.tree_of(path) is executing.Source.for_filename(path).tree
    assert [source.per_version(path, "lines", count_lines) for _ in range(3)] == [2, 2, 2] and len(seen) == 1
    _write(tmp_path / "script.py", "a = 1\nb = 2\nc = 3\n", 2 * 10**18)
    assert source.text_of(path) == "a = 1\nb = 2\nc = 3\n"
    assert [ast_name.targets[0].id for ast_name in source.tree_of(path).body] == ["a", "b", "c"]
    assert source.per_version(path, "lines", count_lines) == 3 and len(seen) == 2


def test_a_pattern_anywhere_in_the_file_is_found_until_the_file_no_longer_has_it(tmp_path):
    loads = re.compile(r"\.load_state_dict\(")
    path = _write(tmp_path / "script.py", "x = 1\n" * 500 + "model.load_state_dict(state)\n", 10**18)
    assert source.mentions(path, loads) and source.mentions(path, loads)
    _write(tmp_path / "script.py", "x = 1\n" * 500 + "model.train()\n", 2 * 10**18)
    assert not source.mentions(path, loads)


def test_a_file_too_large_to_parse_has_no_text_tree_or_answer(tmp_path, monkeypatch):
    path = _write(tmp_path / "big.py", "x = 1\n" * 100, 10**18)
    monkeypatch.setattr(files, "MAX_PARSED_BYTES", 100)
    calls: list[str] = []
    assert source.text_of(path) == "" and source.tree_of(path) is None
    assert source.per_version(path, "k", calls.append) is None and calls == []
    assert not source.mentions(path, re.compile("x"))


SCRIPT = '''\
import torch

def fail():
    return torch.zeros(2, 3) + torch.zeros(4)

{helper}
'''


def test_a_tokenizer_anywhere_in_the_file_is_a_fact_until_the_file_no_longer_has_it(tmp_path):
    facts = []
    for n, helper in enumerate(["def encode(tokenizer, texts):\n    return tokenizer(texts)\n",
                                "def encode(texts):\n    return texts\n"]):
        path = _write(tmp_path / "script.py", SCRIPT.format(helper=helper), (n + 1) * 10**18)
        ns: dict = {}
        exec(compile(source.text_of(path), path, "exec"), ns)
        report = explain(caught(ns["fail"]))
        facts.append(TOKENIZER in scene_facts(Context(report=report)))
    assert facts == [True, False]
