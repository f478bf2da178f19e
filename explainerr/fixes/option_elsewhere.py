"""Fix for a Dataset (or the list it is built from) made without a length option that another call of the same
class or function is given:
`val_ds = SmilesDataset(val_smi, val_y, vocab)` beside `SmilesDataset(train_smi, train_y, vocab,
max_len=MAX_LEN)`, where `__init__` takes `max_len=None`.  The failing DataLoader's dataset keeps each item at its
own length; the construction gets the option as the other construction writes it.  Read from the user's
source: the DataLoader's call, the construction of its dataset, the class's `__init__` and its other
constructions."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..analyzers import Finding, fact
from ..model import Edit

OPTION_ELSEWHERE = fact("option-given-elsewhere", "the DataLoader's dataset `option_target` is built without "
                                                  "`option_param` (None by default), which the other construction "
                                                  "of `option_cls` (line `option_other_line`) gives")

#: options that decide how long an item comes out: a length to pad or cut to, or a switch to pad.
_LENGTH_OPTION = re.compile(r"(?i)max|len|pad|fill|width|truncat|size|limit|cap")


def _given(call: ast.Call, params: list[str], name: str) -> ast.expr | None:
    """What `call` gives parameter `name` (by keyword or by position), None when it leaves it out."""
    kw = src.keyword(call, name)
    if kw is not None:
        return kw.value
    at = params.index(name)
    return call.args[at] if at < len(call.args) else None


def option_given_elsewhere(f: Finding, loaders: list[tuple[str, ast.Call]]) -> list[Edit]:
    """The edit that gives the dataset construction of one of `loaders` (file, DataLoader call) the one length
    option another construction of its class gives, written the same way; [] unless exactly one loader's
    dataset leaves such an option out.  The finding gets the fact and its values only then."""
    return _the_one(f, [hit for file, call in loaders for hit in [_left_out(file, call)] if hit is not None])


def _the_one(f: Finding, hits: list[tuple[Edit, dict]]) -> list[Edit]:
    """The edit of the one hit, with the fact and its values added to the finding; [] unless exactly one."""
    if len(hits) != 1:
        return []
    edit, values = hits[0]
    f.facts.add(OPTION_ELSEWHERE)
    f.values.update(values)
    return [edit]


def _left_out(file: str, loader: ast.Call) -> tuple[Edit, dict] | None:
    """The construction of the loader's dataset, or else the one call of the user's that made an argument of it
    (`FeatureSet(dev_feats)` of `dev_feats = build_features(dev_examples)`), leaving out the option."""
    tree = src.tree_of(file)
    given = loader.args[0] if loader.args else next((k.value for k in loader.keywords if k.arg == "dataset"), None)
    if tree is None or given is None:
        return None
    if isinstance(given, ast.Call):  # `DataLoader(FeatureSet(dev_feats), ...)`: built on the loader's line
        stmt, built, target = src.statement_at(tree, loader.lineno), given, src.segment(file, given)
    elif isinstance(given, ast.Name):
        made = src.last_assignment(tree, given.id, loader.lineno)
        stmt, built, target = (made.stmt, made.value, given.id) if made is not None else (None, None, "")
    else:
        return None
    if stmt is None or not isinstance(built, ast.Call):
        return None
    hit = _call_left_out(file, tree, stmt, built, target)
    if hit is not None:
        return hit
    hits = []
    for arg in (a for a in built.args if isinstance(a, ast.Name)):
        feeds = src.last_assignment(tree, arg.id, stmt.lineno)
        if feeds is not None and isinstance(feeds.value, ast.Call):
            hit = _call_left_out(file, tree, feeds.stmt, feeds.value, arg.id)
            if hit is not None:
                hits.append(hit)
    return hits[0] if len(hits) == 1 else None


def _call_left_out(file: str, tree: ast.Module, stmt: ast.stmt, built: ast.Call,
                   target: str) -> tuple[Edit, dict] | None:
    """`built`, a call of a class or function of the file, leaves out the one length option (None or False by
    default) that every other call of it gives, written the same way in each: the edit that gives it."""
    if not isinstance(built.func, ast.Name) or any(isinstance(a, ast.Starred) for a in built.args) or any(
            k.arg is None for k in built.keywords):
        return None
    cls = next((c for c in src.nodes(tree, ast.ClassDef) if c.name == built.func.id), None)
    if cls is not None:
        init = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
        params = [a.arg for a in init.args.args[1:]] if init is not None else []
    else:
        init = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == built.func.id), None)
        params = [a.arg for a in init.args.args] if init is not None else []
    if init is None:
        return None
    defaults = src.param_defaults(init)
    others = [c for c in src.calls(tree) if isinstance(c.func, ast.Name) and c.func.id == built.func.id
              and c is not built and not any(k.arg is None for k in c.keywords)]
    found = []
    for p in params:
        d = defaults.get(p)
        if not (_LENGTH_OPTION.search(p) and isinstance(d, ast.Constant) and d.value in (None, False)) \
                or _given(built, params, p) is not None:
            continue
        texts = {ast.unparse(v) for v in (_given(c, params, p) for c in others) if v is not None}
        if len(texts) == 1 and all(_given(c, params, p) is not None for c in others):
            found.append((p, texts.pop()))
    if len(found) != 1 or not others:
        return None
    param, text = found[0]
    from .checks import bound_names
    known = bound_names(file, stmt.lineno)
    if known is not None and not set(src.names_in(ast.parse(text, mode="eval").body)) <= known:
        return None  # the other call's value reads names this line does not have (`settings` of another scope)
    edit = src.LineEditor.for_node(file, stmt).add_keywords(built, f"{param}={text}").edit()
    if edit is None:
        return None
    return edit, dict(option_target=target, option_cls=built.func.id, option_param=param, option_text=text,
                      option_line=stmt.lineno, option_other_line=others[0].lineno)


def length_option_given_elsewhere(ctx, f: Finding, limit: int) -> list[Edit]:
    """Sequences longer than the model's `limit`: the one call of a user's function or class in the user's files
    that leaves out a length option every other call of it gives (`tokenize_cells(expr[test_idx], vocab)` beside
    `tokenize_cells(expr[train_idx], vocab, max_len=CONTEXT)`), the option's value being at most `limit`."""
    from ..analyzers.classes import static_int, user_files
    hits = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            if not isinstance(call.func, ast.Name):
                continue
            stmt = src.statement_at(tree, call.lineno)
            target = ast.unparse(stmt.targets[0]) if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                else src.segment(file, call)
            hit = _call_left_out(file, tree, stmt, call, target) if stmt is not None else None
            if hit is None:
                continue
            value = static_int(ctx, tree, ast.parse(hit[1]["option_text"], mode="eval").body)
            if value is not None and 0 < value <= limit:
                hits.append(hit)
    return _the_one(f, hits)
