"""Where a setting is really written: `**kw` plumbing followed to the caller that gives the value
(source.splatted_keyword, source.kwargs_item), a number read from the environment changed where its defaults are
written (fixes/settings.py), and the fields of a record class a collate function returns
(analyzers/collators.record_fields)."""
from __future__ import annotations

import ast
import textwrap

from explainerr import source
from explainerr.analyzers.collators import record_fields
from explainerr.fixes.settings import env_variable, set_edits

PLUMBING = textwrap.dedent("""
    import os
    os.environ.setdefault("NUM_CLASSES", "4")

    class Net:
        def __init__(self, vocab, n_classes, **_):
            self.n = n_classes

    def make_model(**cfg):
        cfg.pop("seed", 0)
        return Net(**cfg)

    def build(**cfg):
        return make_model(**cfg)

    def make_config(**kw):
        return dict(type_vocab_size=kw.get("segments", 2), hidden=kw["hidden"])

    def main():
        cfg = {"vocab": 10, "n_classes": int(os.environ.get("NUM_CLASSES", "4"))}
        build(**cfg)
        extra = dict(segments=3)
        extra["hidden"] = 64
        make_config(**extra)
""")


def _write(tmp_path, code: str):
    path = tmp_path / "case.py"
    path.write_text(code)
    return str(path), source.tree_of(str(path))


def test_a_splatted_dict_is_followed_through_each_callers_kwargs_to_where_the_key_is_written(tmp_path):
    _, tree = _write(tmp_path, PLUMBING)
    net_call = next(c for c in source.calls(tree) if source.call_name(c) == "Net")
    given = source.splatted_keyword(tree, net_call, "n_classes")
    assert ast.unparse(given) == "int(os.environ.get('NUM_CLASSES', '4'))"
    assert source.splatted_keyword(tree, net_call, "missing") is None
    assert source.splatted_keyword(tree, net_call, "seed") is None  # never written by a caller


def test_a_kwargs_item_is_followed_to_the_dict_the_caller_splats_or_its_later_item_write(tmp_path):
    _, tree = _write(tmp_path, PLUMBING)
    read = next(n for n in ast.walk(tree) if isinstance(n, ast.Call) and source.call_name(n) == "kw.get")
    assert ast.unparse(source.kwargs_item(tree, read)) == "3"
    item = next(n for n in ast.walk(tree) if isinstance(n, ast.Subscript) and ast.unparse(n) == "kw['hidden']")
    assert ast.unparse(source.kwargs_item(tree, item)) == "64"
    plain = next(n for n in ast.walk(tree) if isinstance(n, ast.Subscript) and ast.unparse(n) == "extra['hidden']")
    assert source.kwargs_item(tree, plain) is None  # not read off a `**kw` parameter


def test_a_caller_that_calls_twice_decides_nothing(tmp_path):
    _, tree = _write(tmp_path, PLUMBING + "\nmake_config(segments=5, hidden=1)\n")
    read = next(n for n in ast.walk(tree) if isinstance(n, ast.Call) and source.call_name(n) == "kw.get")
    assert source.kwargs_item(tree, read) is None


def test_an_environment_number_is_changed_at_its_setdefault_and_every_default_of_its_reads(tmp_path):
    file, tree = _write(tmp_path, PLUMBING + '\nlimit = int(os.getenv("NUM_CLASSES", "4"))\n')
    read = next(n for n in ast.walk(tree) if isinstance(n, ast.Call) and source.call_name(n) == "int"
                and "environ" in ast.unparse(n))
    assert env_variable(read)[0] == "NUM_CLASSES"
    edits = set_edits(file, tree, read, "5")
    assert sorted(e.replacement.strip() for e in edits) == sorted([
        'os.environ.setdefault("NUM_CLASSES", "5")',
        'cfg = {"vocab": 10, "n_classes": int(os.environ.get("NUM_CLASSES", "5"))}',
        'limit = int(os.getenv("NUM_CLASSES", "5"))'])


def test_a_value_not_read_from_the_environment_is_replaced_where_it_is(tmp_path):
    file, tree = _write(tmp_path, "n = 3\nm = n + 1\n")
    node = tree.body[0].value
    assert env_variable(node) is None
    assert [e.replacement for e in set_edits(file, tree, node, "len(NAMES)")] == ["n = len(NAMES)"]


def test_record_fields_are_those_of_a_dataclass_or_namedtuple_only(tmp_path):
    _, tree = _write(tmp_path, textwrap.dedent("""
        from dataclasses import dataclass
        from typing import ClassVar, NamedTuple

        @dataclass
        class Batch:
            ids: object
            keep: object
            kind: ClassVar[str] = "x"

        class Pair(NamedTuple):
            left: object
            right: object

        class Plain:
            ids: object
    """))
    assert record_fields(tree, "Batch") == ["ids", "keep"]
    assert record_fields(tree, "Pair") == ["left", "right"]
    assert record_fields(tree, "Plain") == []
    assert record_fields(tree, "Missing") == []
