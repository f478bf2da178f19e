"""Source readers and edits the fixes lean on: a setting written in a settings text the script parses
(settings_text), a statement moved out of the block around it (source.hoist_before), the functions a call may
run (source.called_functions), and a model whose parameters sit on two devices (tensors.module_split)."""
from __future__ import annotations

import ast
import textwrap

import torch
import torch.nn as nn

from explainerr import settings_text, source
from explainerr.tensors import module_split


def _write(tmp_path, code: str, name: str = "script.py") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(code))
    return str(path)


def test_a_key_set_once_in_a_parsed_settings_text_is_edited_on_its_line(tmp_path):
    file = _write(tmp_path, '''
        import yaml
        SETTINGS = """
        model:
          num_labels: 4
          hidden: 32
        """
        cfg = yaml.safe_load(SETTINGS)
    ''')
    assert settings_text.setting_line(file, "num_labels", 4) == (5, "  num_labels: 4")
    edit = settings_text.setting_edit(file, "num_labels", 4, 5)
    assert (edit.start_line, edit.end_line, edit.replacement) == (5, 5, "  num_labels: 5")
    assert settings_text.setting_line(file, "num_labels", 3) is None  # the value must be the one the run read


def test_a_key_in_a_text_no_parser_reads_or_set_twice_is_left_alone(tmp_path):
    unparsed = _write(tmp_path, '''
        NOTES = """
        num_labels: 4
        """
    ''')
    assert settings_text.setting_line(unparsed, "num_labels", 4) is None
    twice = _write(tmp_path, '''
        import json
        A = """{"num_labels": 4}"""
        B = """{"num_labels": 4}"""
        a, b = json.loads(A), json.loads(B)
    ''', "twice.py")
    assert settings_text.setting_line(twice, "num_labels", 4) is None
    once = _write(tmp_path, '''
        import json
        A = """{
          "num_labels": 4,
          "hidden": 32
        }"""
        a = json.loads(A)
    ''', "once.py")
    assert settings_text.setting_line(once, "num_labels", 4) == (4, '  "num_labels": 4,')


def test_a_statement_is_hoisted_before_its_block_at_the_block_indentation(tmp_path):
    file = _write(tmp_path, '''
        import torch
        with torch.device("meta"):
            big = torch.nn.Linear(1000, 1000)
            head = torch.nn.Sequential(
                torch.nn.Linear(4, 2),
            )
            print(head)
    ''')
    tree = source.tree_of(file)
    block = tree.body[1]
    edit = source.hoist_before(file, block, block.body[1])
    assert edit is not None and (edit.start_line, edit.end_line) == (3, 8)
    assert edit.replacement.splitlines()[:4] == ["head = torch.nn.Sequential(", "    torch.nn.Linear(4, 2),", ")",
                                                 'with torch.device("meta"):']
    ast.parse(edit.replacement)  # the block keeps its other statements


def test_a_call_through_a_dict_of_builders_may_run_each_builder_it_names():
    tree = ast.parse(textwrap.dedent('''
        def build_bert(cfg): return 1
        def build_gru(cfg): return 2
        def unrelated(): return 3
        BUILDERS = {"bert": build_bert, "gru": build_gru}
        model = BUILDERS[name](cfg)
        other = build_gru(cfg)
    '''))
    by_table = tree.body[4].value
    by_name = tree.body[5].value
    assert sorted(f.name for f in source.called_functions(tree, by_table)) == ["build_bert", "build_gru"]
    assert [f.name for f in source.called_functions(tree, by_name)] == ["build_gru"]


def test_module_split_names_the_part_on_the_rarer_device():
    model = nn.Sequential(nn.Linear(4, 4), nn.Linear(4, 4))
    assert module_split(model) is None
    with torch.device("meta"):
        model.add_module("head", nn.Linear(4, 2))
    assert module_split(model) == ("head", "meta", "cpu")
