"""Where a setting is really written, for an edit that changes it: a value read off a `**kw` parameter
(`type_vocab_size=kw.get("segments", 2)`) is followed to what the caller hands it (source.kwargs_item), and a
number read from the environment (`int(os.getenv("SEGMENTS", "2"))`) is changed where its defaults are
written (the `.get` default and any `os.environ.setdefault` of the same variable), so that it stays a
setting."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers.env_setting import ENV_READS
from ..model import Edit
from . import edits_of


def written_at(tree: ast.Module, node: ast.AST) -> ast.expr:
    """`node`, or what the caller hands for the `**kw` item it reads (or a container stores under its key)."""
    return src.handed_value(tree, node) or node  # type: ignore[return-value]


def env_variable(node: ast.AST) -> tuple[str, ast.Constant] | None:
    """(variable, its default's node) of `int(os.getenv("NAME", "4"))` (or `os.environ.get`)."""
    if isinstance(node, ast.Call) and src.call_name(node) == "int" and len(node.args) == 1:
        node = node.args[0]
    if not (isinstance(node, ast.Call) and src.call_name(node) in ENV_READS and len(node.args) == 2):
        return None
    name, default = node.args
    if isinstance(name, ast.Constant) and isinstance(name.value, str) and isinstance(default, ast.Constant) and \
            isinstance(default.value, (str, int)):
        return name.value, default
    return None


def set_edits(file: str, tree: ast.Module, node: ast.expr, value: str) -> list[Edit]:
    """Edits that make the setting at `node` hold `value`: for a number read from the environment, its
    defaults (every `.get`/`getenv` default of that variable and its `os.environ.setdefault`), else `node`
    replaced by `value`."""
    env = env_variable(node) if value.isdigit() else None
    if env is None:
        stmt = src.statement_at(tree, node.lineno)
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, value)) if stmt is not None else []
    name, _ = env
    places: list[ast.Constant] = []
    for call in src.calls(tree):
        read = env_variable(call)
        if read is not None and read[0] == name:
            places.append(read[1])
        if src.call_name(call) in ("os.environ.setdefault", "environ.setdefault") and len(call.args) == 2 and \
                isinstance(call.args[0], ast.Constant) and call.args[0].value == name and \
                isinstance(call.args[1], ast.Constant):
            places.append(call.args[1])
    edits: list[Edit] = []
    for stmt in {id(s): s for s in (src.statement_at(tree, p.lineno) for p in places) if s is not None}.values():
        e = src.LineEditor.for_node(file, stmt)
        for p in places:
            if stmt.lineno <= p.lineno <= (stmt.end_lineno or stmt.lineno):
                e.replace(p, f'"{value}"' if isinstance(p.value, str) else value)
        edits += edits_of(e)
    return edits
