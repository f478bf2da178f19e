"""source.assignments: the assignments to a name in a scope, in source order, as every analyzer reads them; and
the indexes they and the analyzers read a module through (a scope's statements, a module's nodes by type)."""
from __future__ import annotations

import ast
import textwrap

import pytest

from explainerr import source

CODE = textwrap.dedent("""
    mask = make()
    def f(x):
        mask, n = x, 3
        (a, (mask, b)) = (1, (2, 3))
        mask += 1
        mask: int = 4
        def inner():
            mask = 9
        first, *rest = x
        return mask
    mask = other()
""")


def _found(tree, name, scope=None, before=None):
    return [(a.stmt.lineno, ast.unparse(a.value), a.augmented)
            for a in source.assignments(tree, name, scope, before=before)]


def test_assignments_in_a_function_leave_out_nested_functions_and_keep_source_order():
    tree = ast.parse(CODE)
    f = tree.body[1]
    assert _found(tree, "mask", f) == [(4, "x", False), (5, "2", False), (6, "1", True), (7, "4", False)]
    assert _found(tree, "mask", f, before=5) == [(4, "x", False), (5, "2", False)]
    assert _found(tree, "first", f) == [(10, "x", False)]
    assert _found(tree, "rest", f) == []  # a starred target is not read
    assert _found(tree, "n", f) == [(4, "3", False)]


def test_assignments_in_the_whole_file_include_every_scope():
    tree = ast.parse(CODE)
    assert [line for line, _, _ in _found(tree, "mask")] == [2, 4, 5, 6, 7, 9, 12]
    assert _found(tree, "mask", tree) == [(2, "make()", False), (12, "other()", False)]
    assert _found(tree, "missing") == []


def test_each_answer_is_a_new_list():
    tree = ast.parse(CODE)
    f = tree.body[1]
    source.assignments(tree, "mask", f).clear()
    assert len(source.assignments(tree, "mask", f)) == 4


BLOCKS = textwrap.dedent("""
    x = 0; x = 1
    try:
        x = 2
    except ValueError:
        x = 3
    else:
        x = 4
    finally:
        x = 5
    match x:
        case 1:
            x = 6
    with open(p) as f:
        while x:
            if x:
                x = 7
    class C:
        x = 8
    def g():
        x = 9
    y = [x := 10 for _ in ()]
""")


def test_assignments_are_found_in_every_block_of_a_scope_and_in_source_order():
    tree = ast.parse(BLOCKS)
    assert [value for _, value, _ in _found(tree, "x", tree)] == [str(v) for v in range(8)]
    assert [value for _, value, _ in _found(tree, "x")] == [str(v) for v in range(10)]  # every scope
    assert source.last_assignment(tree, "x", 3).value.value == 1  # the later of two on one line
    assert [type(s).__name__ for s in source.statements(tree.body[-2])] == ["Assign"]
    assert {type(s).__name__ for s in source.statements(tree)} >= {"Try", "Match", "With", "While", "If",
                                                                  "ClassDef", "FunctionDef"}


@pytest.mark.parametrize("types", [(ast.Call,), (ast.Assign, ast.AugAssign), (ast.stmt,), (ast.expr, ast.keyword)])
def test_nodes_of_a_tree_are_those_of_ast_walk_in_its_order(types):
    tree = ast.parse(CODE + BLOCKS + "print(len(x), key=f(y))\n")
    assert list(source.nodes(tree, *types)) == [n for n in ast.walk(tree) if isinstance(n, types)]
    assert source.nodes(tree, *types) is source.nodes(tree, *types)  # a module's: indexed once
    f = tree.body[1]
    assert list(source.nodes(f, *types)) == [n for n in ast.walk(f) if isinstance(n, types)]


def test_a_name_read_only_by_seeding_calls_is_a_seed():
    """A constant that equals a width by chance (SEED = 11 beside an 11-wide mask) is not offered as where the
    width came from: every read of it seeds a generator.  A name also read elsewhere is not a seed."""
    tree = ast.parse(textwrap.dedent("""
        SEED = 11
        WIDTH = 11
        random.seed(SEED)
        torch.manual_seed(SEED)
        set_seed(WIDTH)
        mask = torch.zeros(4, WIDTH)
        def fit(seed=0):
            seed_everything(seed)
    """))
    assert source.seed_names(tree) == frozenset({"SEED", "seed"})
