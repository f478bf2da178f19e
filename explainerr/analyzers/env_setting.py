"""Where a size is read from the environment: `settings.num_classes` of a field
`field(default_factory=lambda: env_int("NUM_CLASSES"))`, `MAX_LEN = int(os.environ.get("MAX_LEN", "256"))`, or a
local assigned `env_list("DECL_FIELDS")`: the variable's name and the default the script gives it
(`os.environ.setdefault("NUM_CLASSES", "4")`, else the read's own default).  Read from the user's source
(nothing runs)."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from .. import source as src
from . import fact

ENV_SETTING = fact("env-setting", "the size is read from the environment variable `env_var` (`env_read`), whose "
                                  "default the script writes as `env_default` (line `env_line`)")
#: The calls that read one environment variable by name (`os.getenv("MAX_LEN", "64")`).
ENV_READS = ("os.environ.get", "os.getenv", "environ.get", "getenv")
_VAR = re.compile(r"^[A-Z][A-Z0-9_]*$")


@dataclass
class EnvSetting:
    var: str            # `NUM_CLASSES`
    read: str           # `settings.num_classes`, the expression the size is written with
    default: str | None  # `4`, as the script writes it
    line: int | None    # where that default is written


def _env_helpers(tree: ast.Module) -> set[str]:
    """The user's functions that read the environment (`def env_int(name, default): ... os.environ...`)."""
    return {fn.name for fn in src.nodes(tree, ast.FunctionDef)
            if any(isinstance(n, ast.Attribute) and n.attr == "environ" or isinstance(n, ast.Call) and
                   src.call_name(n) in ENV_READS for n in ast.walk(fn))}


def _read_in(tree: ast.Module, expr: ast.AST, helpers: set[str]) -> ast.Call | None:
    """The call in `expr` that reads one named variable: `os.getenv("X", ...)` or a helper of the user's."""
    for n in ast.walk(expr):
        if isinstance(n, ast.Call) and n.args and isinstance(n.args[0], ast.Constant) and \
                isinstance(n.args[0].value, str) and _VAR.match(n.args[0].value) and (
                src.call_name(n) in ENV_READS or src.call_name(n) in helpers):
            return n
    return None


def _one_step(tree: ast.Module, expr: ast.AST) -> ast.AST | None:
    """What `expr` holds, one step back: a settings object's field (`settings.num_classes` → the class's
    declaration of `num_classes`), a name's assignment or the argument its one caller gives."""
    if isinstance(expr, ast.Attribute):
        found = [n.value for cls in src.nodes(tree, ast.ClassDef) for n in cls.body
                 if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name) and n.target.id == expr.attr
                 and n.value is not None]
        return found[0] if len(found) == 1 else None
    if isinstance(expr, ast.Name):
        return src.name_source(tree, expr)
    if isinstance(expr, ast.Call) and src.call_name(expr) in ("len", "int") and len(expr.args) == 1:
        return _one_step(tree, expr.args[0]) if not isinstance(expr.args[0], ast.Call) else expr.args[0]
    return None


def env_setting(tree: ast.Module, file: str, node: ast.AST) -> EnvSetting | None:
    """The environment variable the size written at `node` is read from, followed through a settings field,
    local names and one caller (three steps at most)."""
    helpers = _env_helpers(tree)
    expr: ast.AST | None = node
    read = None
    for _ in range(4):
        read = _read_in(tree, expr, helpers) if expr is not None else None
        if read is not None or expr is None:
            break
        expr = _one_step(tree, expr)
    if read is None:
        return None
    var = read.args[0].value  # type: ignore[attr-defined]
    default = line = None
    for call in src.calls(tree):
        if src.call_name(call).endswith("environ.setdefault") and len(call.args) == 2 and isinstance(
                call.args[0], ast.Constant) and call.args[0].value == var and isinstance(call.args[1], ast.Constant):
            default, line = str(call.args[1].value), call.lineno
    if default is None and len(read.args) > 1 and isinstance(read.args[1], ast.Constant):
        default, line = str(read.args[1].value), read.lineno
    if isinstance(node, ast.Call) and src.call_name(node) in ("len", "int") and len(node.args) == 1:
        node = node.args[0]  # `len(queues)`: the name that holds what the variable gives
    return EnvSetting(var=var, read=" ".join(src.segment(file, node).split()), default=default, line=line)


def env_values(env: EnvSetting) -> dict[str, object]:
    """The values the sentences name."""
    return dict(env_var=env.var, env_read=env.read, env_default=env.default or "", env_line=env.line or 0)
