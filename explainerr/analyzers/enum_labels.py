"""Labels that are an Enum's values: `enum.auto()` (and members written 1, 2, ...) number the members from 1,
while a class index counts from 0.  Read from the source: an Enum class of the user's files with as many
members as the classifier has outputs, numbered from 1, whose `.value` the code reads."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import fact
from .classes import user_files

ENUM_FROM_ONE = fact("enum-from-one", "the labels are the `.value` of an Enum whose members are numbered from 1 "
                                      "(`enum.auto()` starts at 1)")


def _enums(ctx: Context):
    """(class name, member values) of every IntEnum class in the user's files (its members are ints as they
    are), and of every Enum class in a file that reads some `.value`."""
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        values = any(n.attr == "value" for n in src.nodes(tree, ast.Attribute))
        for cls in src.nodes(tree, ast.ClassDef):
            kinds = {src.segment(file, b).rpartition(".")[2] for b in cls.bases}
            if "IntEnum" in kinds or ("Enum" in kinds and values):
                yield cls.name, [st.value for st in cls.body if isinstance(st, ast.Assign) and len(st.targets) == 1
                                 and isinstance(st.targets[0], ast.Name)]


def enum_from_zero(ctx: Context, n_members: int) -> str | None:
    """The name of the one Enum class of the user's files with `n_members` members written 0..n-1, in a file that
    reads some `.value`: labels that are its values are 0-based, and it names every class."""
    found = [name for name, members in _enums(ctx)
             if [v.value if isinstance(v, ast.Constant) else None for v in members] == list(range(n_members))]
    return found[0] if len(found) == 1 else None


def enum_from_one(ctx: Context, n_classes: int) -> tuple[str, str] | None:
    """(the Enum's name, how it numbers: "auto()" or "1") of the one Enum class with `n_classes` members
    numbered 1..n, in a file that reads some `.value`."""
    found = []
    for name, members in _enums(ctx):
        if len(members) != n_classes:
            continue
        if all(isinstance(v, ast.Call) and src.call_name(v).rpartition(".")[2] == "auto" for v in members):
            found.append((name, "auto()"))
        elif [v.value if isinstance(v, ast.Constant) else None for v in members] == list(range(1, n_classes + 1)):
            found.append((name, "1"))
    return found[0] if len(found) == 1 else None
