"""Settings written as text inside the script and parsed at run time (`cfg = yaml.safe_load(SETTINGS)`,
`json.loads(CONFIG)`): the one line of that text that sets a key, so a fix can change the setting where the
user wrote it rather than hard-code a number where it is read.  Read from the source only."""
from __future__ import annotations

import ast
import re

from . import files, source as src
from .model import Edit

_PARSERS = ("safe_load", "load", "loads", "full_load")


def _parsed_texts(tree: ast.Module) -> list[ast.Constant]:
    """The module-level string constants the file hands to a YAML or JSON parser (by name or inline)."""
    out: list[ast.Constant] = []
    for call in src.calls(tree):
        if src.call_name(call).rpartition(".")[2] not in _PARSERS or not call.args:
            continue
        arg = call.args[0]
        if isinstance(arg, ast.Name):
            made = [a.value for a in src.assignments(tree, arg.id, tree)]
            arg = made[-1] if len(made) == 1 else None
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg not in out:
            out.append(arg)
    return out


def read_key(node: ast.AST | None) -> str | None:
    """The key a settings read names last: `num_classes` of `settings.num_classes` or `cfg["num_classes"]`; None
    for anything else."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    return None


def setting_line(file: str, key: str, value: int) -> tuple[int, str] | None:
    """(line number, line) of the one line of a parsed settings text that sets `key` to `value`
    (`  num_labels: 4`, `"num_labels": 4,`, or YAML's `num_labels: *n_kinds` with `&n_kinds 4` written in the same
    text); None when there is no such line or more than one."""
    tree = src.tree_of(file)
    if tree is None:
        return None
    found = []
    for text in _parsed_texts(tree):
        numbers = range(text.lineno, (text.end_lineno or text.lineno) + 1)
        anchors = {m.group(1) for n in numbers for m in [re.search(
            rf"&(\w+)\s+{value}\s*(#.*)?$", files.line(file, n).rstrip("\n"))] if m}  # `&n_substrates 5`
        written = "|".join([str(value)] + [rf"\*{re.escape(a)}" for a in sorted(anchors)])
        pattern = re.compile(rf"""^\s*["']?{re.escape(key)}["']?\s*:\s*({written})\s*,?\s*(#.*)?$""")
        for n in numbers:
            line = files.line(file, n).rstrip("\n")
            if pattern.match(line):
                found.append((n, line))
    return found[0] if len(found) == 1 else None


def setting_edit(file: str, key: str, value: int, new: int) -> Edit | None:
    """The edit that sets `key` to `new` on its line of the settings text (see `setting_line`)."""
    found = setting_line(file, key, value)
    if found is None:
        return None
    n, line = found
    m = re.search(rf"(:\s*)({value}\b|\*\w+)", line)  # the number, or the alias that stands for it
    if m is None:
        return None
    return Edit(file=file, start_line=n, end_line=n, replacement=line[:m.start()] + m.group(1) + str(new)
                + line[m.end():])
