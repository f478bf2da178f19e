"""source.assignments: the assignments to a name in a scope, in source order, as every analyzer reads them."""
from __future__ import annotations

import ast
import textwrap

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
