"""Where out-of-range ids were made in the user's code, read from the source along provenance.py's steps:
a negative value written in place (through a second name that shares the ids' storage), a negative
padding value, tokens added to a tokenizer after the model was sized, a config sized from
`tokenizer.vocab_size`, an unknown-word id equal to the table's size, code points from `ord()`.

Each finder returns a Story (values for the sentences, facts that license them, hints for the fix
builders in fixes/vocab.py) or None.  Nothing is run: the user's files are read as AST.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from .. import dataflow
from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import fact

ADDED_TOKENS = fact("added-tokens", "the user's code adds tokens to a tokenizer (add_tokens, add_special_tokens)")
VOCAB_FROM_TOKENIZER = fact("vocab-from-tokenizer", "a config's vocab_size is set from `tokenizer.vocab_size`, "
                                                    "which does not count added tokens")
ONE_SHORT = fact("one-short", "the largest id equals the table's size (or one more): an id one past the last row")
DEFAULT_IS_LEN = fact("default-is-len", "the user's code gives a key missing from a map the map's length as its id "
                                         "(`unk_default`, line `unk_default_line`, in `unk_default_in`)")
UNK_IS_SIZE = fact("unk-is-size", "a name in the user's code holds the table's size and is used as an id "
                                  "(`unk_idx = len(vocab)`)")
UNBOUNDED = fact("unbounded-ids", "the ids come from a function with no upper bound (ord, hash)")
#: Functions whose results have no upper bound that a table could cover.
_UNBOUNDED_CALLS = ("ord", "hash")


@dataclass
class Story:
    values: dict[str, Any] = field(default_factory=dict)
    facts: set[str] = field(default_factory=set)
    hints: dict[str, Any] = field(default_factory=dict)


def where(file: str, node: ast.AST) -> str:
    tree = src.tree_of(file)
    scope = src.enclosing_scope(tree, node.lineno) if tree is not None else None  # type: ignore[attr-defined]
    name = getattr(scope, "name", None)
    return f"line {node.lineno}" + (f", in {name}" if name else "")  # type: ignore[attr-defined]


def one_line(file: str, node: ast.AST) -> str:
    return " ".join(src.segment(file, node).split())


def labels_twin(ctx: Context, ids: TensorFacts) -> TensorFacts | None:
    """Another user name of the very tensor `ids` that is the labels: passed as `labels=` (or `targets=`) in
    a call, or named so (`batch["labels"]` beside `batch["input_ids"]`): one object under two names."""
    for f in ctx.user_frames():
        for a in f.call_args:
            u = f.tensor(a.text.strip()) if a.param and re.search(r"label|target", a.param, re.I) else None
            if u is not None and u.ident == ids.ident and u.expr != ids.expr:
                return u
    for u in ctx.all_user_names(ids):
        if u.expr != ids.expr and re.search(r"label|target", u.expr.rsplit("[", 1)[-1], re.I):
            return u
    return None


def _traced_statements(ctx: Context, tensors: list[TensorFacts]) -> Iterator[tuple[str, ast.stmt]]:
    """(file, statement) of every provenance step of `tensors`, each once."""
    from ..provenance import trace
    seen: set[tuple[str, int]] = set()
    for t in tensors:
        if ctx.frames[t.frame].library:
            continue
        for step in trace(ctx, t):
            tree = src.tree_of(step.file)
            stmt = src.statement_at(tree, step.line) if tree is not None else None
            if stmt is not None and (step.file, stmt.lineno) not in seen:
                seen.add((step.file, stmt.lineno))
                yield step.file, stmt


def negative_value(tree: ast.Module, node: ast.AST | None) -> int | None:
    """The value of `-100` or of a name the file binds to a negative constant (`IGNORE_INDEX = -100`)."""
    if (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant)
            and type(node.operand.value) is int):
        return -node.operand.value
    if isinstance(node, ast.Name):
        for a in src.assignments(tree, node.id):
            v = negative_value(tree, a.value) if not isinstance(a.value, ast.Name) else None
            if v is not None:
                return v
    return None


def _negative_write(tree: ast.Module, stmt: ast.stmt) -> tuple[str, int] | None:
    """(name written, value) for `x[m] = -100` or `x.masked_fill_(m, -100)` / `x.fill_(-100)`."""
    if isinstance(stmt, ast.Assign):
        value = negative_value(tree, stmt.value)
        for t in stmt.targets:
            if value is not None and isinstance(t, ast.Subscript):
                name = dataflow.aliased_name(t.value)
                if name:
                    return name, value
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute):
        call = stmt.value
        if call.func.attr in ("masked_fill_", "fill_", "index_fill_") and call.args:
            value = negative_value(tree, call.args[-1])
            name = dataflow.aliased_name(call.func.value)  # type: ignore[union-attr]
            if value is not None and name:
                return name, value
    return None


def _negative_padding(file: str, tree: ast.Module, stmt: ast.stmt,
                      key: str | None) -> tuple[ast.AST, int, ast.AST] | None:
    """A negative fill in the statement that made the ids: `padding_value=-100`, `fill_value=-100`,
    `torch.full(shape, -100)`, `[-100] * n`.  For `{"input_ids": ..., "labels": ...}` only the ids' entry.
    Returns (the negative value's node, its value, the call or product holding it)."""
    scope: ast.AST = stmt
    if key:
        for d in ast.walk(stmt):
            if isinstance(d, ast.Dict):
                for k, v in zip(d.keys, d.values):
                    if isinstance(k, ast.Constant) and k.value == key:
                        scope = v
    for n in ast.walk(scope):
        if isinstance(n, ast.Call):
            for kw in ("padding_value", "fill_value", "value"):
                k = src.keyword(n, kw)
                v = negative_value(tree, k.value) if k is not None else None
                if k is not None and v is not None:
                    return k.value, v, n
            if src.call_name(n).endswith(".full") and len(n.args) >= 2:
                v = negative_value(tree, n.args[1])
                if v is not None:
                    return n.args[1], v, n
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mult) and isinstance(n.left, ast.List) \
                and len(n.left.elts) == 1:
            v = negative_value(tree, n.left.elts[0])
            if v is not None:
                return n.left.elts[0], v, n
    return None


def negative_source(ctx: Context, tensors: list[TensorFacts]) -> Story | None:
    """The line that put a negative value into the ids: an in-place write through a second name bound
    without a copy (`labels = input_ids` ... `labels[~m] = -100`), an in-place write on the ids, or a
    negative padding value where the ids were made."""
    for t in tensors[:1]:
        key = re.fullmatch(r'\w+\["(\w+)"\]', t.expr)
        for file, stmt in _traced_statements(ctx, [t]):
            tree = src.tree_of(file)
            found = _negative_padding(file, tree, stmt, key.group(1) if key else None) if tree else None
            if found is not None:
                node, value, holder = found
                return Story(values={"pad_stmt": one_line(file, holder), "pad_where": where(file, stmt),
                                     "pad_value": value},
                             facts={"negative-padding"}, hints={"pad_node": (file, stmt, node)})
    for file, stmt in _traced_statements(ctx, tensors):
        tree = src.tree_of(file)
        written = _negative_write(tree, stmt) if tree is not None else None
        if written is None or tree is None:
            continue
        name, value = written
        story = Story(values={"write_stmt": one_line(file, stmt), "write_where": where(file, stmt),
                              "written_value": value},
                      facts={"written-here"}, hints={"write": (file, stmt)})
        scope = src.enclosing_scope(tree, stmt.lineno)
        shared = [s for _, s in dataflow.aliases(tree, scope, name, stmt.lineno)]
        if shared:
            alias = max(shared, key=lambda s: s.lineno)
            story.values.update(alias_stmt=one_line(file, alias), alias_where=where(file, alias))
            story.facts.add("aliased-write")
            story.hints["alias"] = (file, alias)
        return story
    return None


def tokenizer_story(ctx: Context, max_id: Any, num: int | None) -> Story | None:
    """Tokens added to a tokenizer (and no resize after), or a config sized from `tokenizer.vocab_size`."""
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        story = Story()
        added = [c for c in src.calls(tree) if src.call_name(c).endswith((".add_tokens", ".add_special_tokens"))]
        last_add = max(added, key=lambda c: c.lineno) if added else None
        if last_add is not None:
            tok = src.call_name(last_add).rsplit(".", 1)[0]
            story.values.update(add_call=one_line(file, last_add), add_where=where(file, last_add), tokenizer=tok)
            story.facts |= {ADDED_TOKENS, "tokenizer"}
        for call in src.calls(tree):
            kw = src.keyword(call, "vocab_size")
            # `vocab_size` misses added tokens only when read from the tokenizer they were added to, after that
            handed_arg = base_size_handed(tree, call, last_add) if last_add is not None else None
            handed = handed_arg is not None
            # the size given: the keyword, or the argument handed by position (`Classifier(tok.vocab_size, cfg)`)
            size = kw.value if kw is not None else handed_arg[0] if handed_arg is not None else None
            m = re.fullmatch(r"(.+)\.vocab_size", src.segment(file, size)) if size is not None else None
            copied = setting_copied(tree, file, src.segment(file, size)) if (m and not tokenizer_like(
                m.group(1)) or isinstance(size, ast.Name)) and src.is_config_call(call) else None
            if copied is not None:  # `CFG.vocab_size = tokenizer.vocab_size`, read by the config
                stmt, value, tok = copied
                story.values.update(config_call=src.segment(file, stmt.targets[0]), tokenizer=tok,
                                    vocab_arg=src.segment(file, value))
                story.facts |= {VOCAB_FROM_TOKENIZER, "tokenizer", "config-field"}
            elif m and src.nested_item(tree, size) is None and (handed or src.is_config_call(call) and (
                    (last_add is None and not _built_bare(tree, m.group(1), call.lineno)) or (
                    last_add is not None and _same_tokenizer(tree, m.group(1), story.values["tokenizer"], last_add)
                    and (call.lineno > last_add.lineno or m.group(1) != story.values["tokenizer"]
                         or handed_in(tree, call, m.group(1), last_add))))):
                story.values.update(config_call=src.segment(file, call.func), tokenizer=m.group(1),
                                    vocab_arg=src.segment(file, size))
                story.facts |= {VOCAB_FROM_TOKENIZER, "tokenizer", "config-field"}
        held = config_reads_holder(tree, file, last_add, story.values["tokenizer"]) \
            if last_add is not None and VOCAB_FROM_TOKENIZER not in story.facts else None
        if held is not None:
            call, value, kept = held
            story.values.update(config_call=src.segment(file, call.func), tokenizer=kept,
                                vocab_arg=src.segment(file, value))
            story.facts |= {VOCAB_FROM_TOKENIZER, "tokenizer", "config-field"}
        returned = [r for r in src.nodes(tree, ast.Return) if last_add is not None and r.value is not None
                    and src.segment(file, r.value) == f"{story.values.get('tokenizer')}.vocab_size"]
        if VOCAB_FROM_TOKENIZER not in story.facts and len(returned) == 1:  # a property handing the base size on
            fn = src.enclosing_scope(tree, returned[0].lineno)
            story.values.update(config_call=getattr(fn, "name", "the module"),
                                vocab_arg=src.segment(file, returned[0].value))
            story.facts |= {VOCAB_FROM_TOKENIZER, "config-field"}
        if story.facts:
            return story
    return None


def handed_in(tree: ast.Module, call: ast.Call, name: str, added: ast.Call | None = None) -> bool:
    """`name` is a parameter of the function around `call` (`def fresh_model(tokenizer): BertConfig(
    vocab_size=tokenizer.vocab_size)`), and that function is only called after the tokens were added (`added`):
    followed through its callers up to the function that adds them, every call there comes after the
    addition."""
    fn = src.enclosing_scope(tree, call.lineno)
    if not (isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) and name in {
            a.arg for a in [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]}):
        return False
    if added is None:
        return False
    home = src.enclosing_scope(tree, added.lineno)
    verdicts, todo, seen = [], [fn], set()
    while todo and len(seen) < 8:
        f = todo.pop()
        if f.name in seen:
            continue
        seen.add(f.name)
        for c in src.calls(tree):
            if src.call_name(c).rpartition(".")[2] != f.name:
                continue
            where = src.enclosing_scope(tree, c.lineno)
            if where is home:
                verdicts.append(c.lineno > added.lineno)
            elif isinstance(where, (ast.FunctionDef, ast.AsyncFunctionDef)):
                todo.append(where)
    return bool(verdicts) and all(verdicts)


def _same_tokenizer(tree: ast.Module, name: str, tok: str, added: ast.Call) -> bool:
    """`name` is the tokenizer the tokens were added to: the same name, or the result of a call of the function
    that added them and returns it (`tokenizer = make_tokenizer(...)` of `tok.add_tokens(...); return tok`)."""
    if name == tok:
        return True
    fn = src.enclosing_scope(tree, added.lineno)
    if not isinstance(fn, ast.FunctionDef) or not name.isidentifier():
        return False
    returns = {ast.unparse(r.value) for r in src.nodes(fn, ast.Return) if r.value is not None}
    made = src.assignments(tree, name)
    return returns == {tok} and bool(made) and all(
        isinstance(a.value, ast.Call) and src.call_name(a.value).rpartition(".")[2] == fn.name for a in made)


def config_reads_holder(tree: ast.Module, file: str, added: ast.Call, tok: str) -> tuple[ast.Call, ast.expr, str] | None:
    """(the config call, its vocab_size value, the holder's entry for the tokenizer) when the tokenizer that got
    the tokens is kept in a shared holder after the addition (`ctx["tokenizer"] = tok`, `state.tok = tok`) and the
    one config sized in the file, in another function, takes its vocab_size from that same holder
    (`vocab_size=ctx["base_vocab_size"]`, a count kept apart from the tokenizer): `len(ctx["tokenizer"])` is
    in reach wherever the holder's count is read."""
    scope = src.enclosing_scope(tree, added.lineno)
    kept = [src.segment(file, a.targets[0]) for a in src.statements(scope, nested=True)
            if isinstance(a, ast.Assign) and a.lineno > added.lineno and len(a.targets) == 1
            and isinstance(a.targets[0], (ast.Subscript, ast.Attribute)) and isinstance(a.targets[0].value, ast.Name)
            and isinstance(a.value, ast.Name) and a.value.id == tok]
    calls = [c for c in src.calls(tree) if src.is_config_call(c) and src.keyword(c, "vocab_size")]
    if len(kept) != 1 or len(calls) != 1 or src.enclosing_scope(tree, calls[0].lineno) is scope:
        return None
    holder = kept[0].split("[", 1)[0].split(".", 1)[0]
    value = src.keyword(calls[0], "vocab_size").value
    if not (isinstance(value, (ast.Subscript, ast.Attribute)) and isinstance(value.value, ast.Name)
            and value.value.id == holder):
        return None
    return calls[0], value, kept[0]


def _built_bare(tree: ast.Module, tok: str, line: int) -> bool:
    """`tok = BertTokenizer(path)`: a tokenizer constructed from a vocabulary file with no tokens added at
    construction, and none added later (the caller found no add call): its `vocab_size` is its length."""
    made = src.last_assignment(tree, tok, line) if tok.isidentifier() else None
    call = made.value if made is not None else None
    return isinstance(call, ast.Call) and src.call_name(call).split(".")[-1].endswith(("Tokenizer", "TokenizerFast")) \
        and not any(k.arg is None or "special" in k.arg for k in call.keywords)


def tokenizer_like(expr: str) -> bool:
    """`tokenizer`, `self.tok`, `dm.tokenizer`: a name that holds a tokenizer, not a settings object."""
    return bool(re.search(r"(?i)tok", expr.rsplit(".", 1)[-1]))


def setting_copied(tree: ast.Module, file: str, setting: str) -> tuple[ast.stmt, ast.expr, str] | None:
    """(the statement, its value, the tokenizer) of the one `CFG.vocab_size = tokenizer.vocab_size` that sets
    the setting the config reads from a tokenizer's base size."""
    found = []
    for a in src.nodes(tree, ast.Assign):
        if len(a.targets) == 1 and src.segment(file, a.targets[0]) == setting:
            m = re.fullmatch(r"(.+)\.vocab_size", src.segment(file, a.value))
            if m and tokenizer_like(m.group(1)):
                found.append((a, a.value, m.group(1)))
    return found[0] if len(found) == 1 else None


#: Calls that show or record a value rather than build with it.
_REPORTS = re.compile(r"(^|\.)(print|pprint|info|debug|warning|warn|error|log|write|format|set_postfix|add_scalar)$")


def base_size_handed(tree: ast.Module, call: ast.Call, add: ast.Call) -> tuple[ast.expr, str] | None:
    """(the argument, the tokenizer's expression) of `Model(cfg, vocab_size=dm.tokenizer.vocab_size)` (or
    `Model(tok.vocab_size, cfg)`): a tokenizer's base size handed to a call other than a config's, while the
    tokens were added (`add`) to that tokenizer earlier in the same function, or in another function that the
    file's own code ran before it (the object holding the tokenizer already had them)."""
    if _REPORTS.search(src.call_name(call)):
        return None  # `print("vocab:", tok.vocab_size)`: a size shown, not one anything is built with
    kw = src.keyword(call, "vocab_size") or next((k for k in call.keywords if isinstance(k.value, ast.Attribute)
                                                  and k.value.attr == "vocab_size"), None)  # `n_words=tok.vocab_size`
    given = [kw.value] if kw is not None else [a for a in call.args if isinstance(a, ast.Attribute)
                                                  and a.attr == "vocab_size"]
    value = given[0] if len(given) == 1 else None
    m = re.fullmatch(r"(.+)\.vocab_size", ast.unparse(value)) if value is not None else None
    if m is None or src.is_config_call(call) or not tokenizer_like(m.group(1)):
        return None
    if src.enclosing_scope(tree, call.lineno) is src.enclosing_scope(tree, add.lineno):
        # added earlier in the same function, to the tokenizer whose base size is handed on
        return (value, m.group(1)) if add.lineno < call.lineno and \
            src.call_name(add).rsplit(".", 1)[0] == m.group(1) else None
    if not (added_before(tree, add, call.lineno) or _made_by_adder(tree, add, m.group(1), call.lineno)):
        return None
    return value, m.group(1)


def _made_by_adder(tree: ast.Module, add: ast.Call, tok: str, line: int) -> bool:
    """`tok` is a local name made by a call before `line` (`tok = REGISTRY["tokenizer"](cfg)`, a factory reached
    through a registry), and the function that adds the tokens returns the object it adds them to (`def
    build_tokenizer(...): tok = BertTokenizer(path); tok.add_tokens(...); return tok`): a tokenizer factory,
    whose tokenizers all hold the added tokens."""
    fn = src.enclosing_scope(tree, add.lineno)
    owner = add.func.value if isinstance(add.func, ast.Attribute) else None
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or not isinstance(owner, ast.Name) \
            or not tok.isidentifier():
        return False
    returns = [r for r in src.statements(fn) if isinstance(r, ast.Return)]
    if not returns or not all(isinstance(r.value, ast.Name) and r.value.id == owner.id for r in returns):
        return False
    made = src.last_assignment(tree, tok, line)
    return made is not None and isinstance(made.value, ast.Call) and made.stmt.lineno < line


def added_before(tree: ast.Module, add: ast.Call, line: int) -> bool:
    """The function that adds the tokens (`add`) is run by the file's own code before `line`: called by name
    before it (`self._make_tokenizer()`, `make_tokenizer()`), or an `__init__` of a class built before it.  A hook
    a library calls later (a LightningDataModule's `setup`) is not."""
    fn = src.enclosing_scope(tree, add.lineno)
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return add.lineno < line
    if fn.name == "__init__":
        cls = src.enclosing_class(tree, add.lineno)
        return cls is not None and any(src.call_name(c).split(".")[-1] == cls.name and c.lineno < line
                                       for c in src.calls(tree))
    return any(src.call_name(c).split(".")[-1] == fn.name and c.lineno < line for c in src.calls(tree))


def table_constructor(ctx: Context, names: list[str | None]) -> tuple[str, ast.Assign] | None:
    """`X = nn.Embedding(size, dim)` / `self.X = nn.EmbeddingBag(...)` in the user's files, for any of the names
    the table has (its attribute name, the user's variables holding the same object)."""
    attrs = {n.split(".")[-1] for n in names if n}
    held = {n.split(".")[-2] for n in names if n and n.count(".") >= 2 and n.split(".")[-1].isdigit()}
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        for n in src.nodes(tree, ast.Assign):
            if not (isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.value, ast.Call)):
                continue
            t = n.targets[0]
            name = t.attr if isinstance(t, ast.Attribute) else t.id if isinstance(t, ast.Name) else None
            if src.call_name(n.value).endswith(("Embedding", "EmbeddingBag")) and n.value.args and name in attrs:
                return file, n
            item = _one_table_per_item(n.value) if name in held else None
            if item is not None:  # `self.tables = nn.ModuleList([nn.Embedding(n, d) for n in sizes])`: each item's
                return file, ast.copy_location(ast.Assign(targets=n.targets, value=item), n)
    return None


def _one_table_per_item(value: ast.Call) -> ast.Call | None:
    """The `nn.Embedding(...)` call a `ModuleList(...)` (or `list`) of one table per item makes: the element of
    the comprehension it is given."""
    if src.call_name(value).split(".")[-1] not in ("ModuleList", "list") or len(value.args) != 1:
        return None
    comp = value.args[0]
    elt = comp.elt if isinstance(comp, (ast.ListComp, ast.GeneratorExp)) else None
    return elt if isinstance(elt, ast.Call) and src.call_name(elt).endswith(("Embedding", "EmbeddingBag")) \
        and elt.args else None


def one_short_source(ctx: Context, tables: list[str | None], num: int | None, max_id: Any) -> Story | None:
    """The largest id equals the table's size (or one more): the table's size expression and a name the
    user binds to the same expression (`unk_idx = len(word2idx)` beside `nn.EmbeddingBag(len(word2idx), ...)`)."""
    if not isinstance(num, int) or not isinstance(max_id, int) or not 0 < max_id - num + 1 <= 2:
        return None
    made = table_constructor(ctx, tables)
    if made is None:
        return None
    file, stmt = made
    size = src.segment(file, stmt.value.args[0])  # type: ignore[attr-defined]
    story = Story(values={"size_expr": size}, facts={ONE_SHORT}, hints={"table_stmt": (file, stmt)})
    for f in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(f)
        for n in src.nodes(tree, ast.Assign) if tree is not None else ():
            if (isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
                    and src.segment(f, n.value) == size and n is not stmt):
                story.values.update(unk_stmt=one_line(f, n), unk_where=where(f, n), unk_name=n.targets[0].id)
                story.facts.add(UNK_IS_SIZE)
                return story
    default = _len_as_default(ctx)
    if default is not None:  # `stoi.get(ch, len(stoi))`: a missing key gets the map's length as its id
        story.values.update(default)
        story.facts.add(DEFAULT_IS_LEN)
        return story
    # a constant holding the table's size as the length of a collection (`MASK_ID = len(itos)`), the table
    # being sized through a parameter elsewhere
    for name in ctx.scalar_names(num):
        for f in dict.fromkeys(fr.file for fr in ctx.user_frames()):
            tree = src.tree_of(f)
            for n in tree.body if tree is not None else ():
                if (isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
                        and n.targets[0].id == name and isinstance(n.value, ast.Call)
                        and src.call_name(n.value) == "len" and name not in src.segment(file, stmt)):
                    story.values.update(unk_stmt=one_line(f, n), unk_where=where(f, n), unk_name=name)
                    story.facts.add(UNK_IS_SIZE)
                    return story
    return story


def _len_as_default(ctx: Context) -> dict[str, Any] | None:
    """The one place in the user's files that gives a key missing from a map the map's length as its id:
    `m.get(k, len(m))`, `m[k] if k in m else len(m)`."""
    found = []
    for f in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(f)
        for n in src.nodes(tree, ast.Call, ast.IfExp) if tree is not None else ():
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "get" \
                    and len(n.args) == 2:
                owner, fallback = src.segment(f, n.func.value), n.args[1]
            elif isinstance(n, ast.IfExp) and isinstance(n.body, ast.Subscript):
                owner, fallback = src.segment(f, n.body.value), n.orelse
            else:
                continue
            counted = src.segment(f, fallback.args[0]) if isinstance(fallback, ast.Call) and fallback.args else None
            if (isinstance(fallback, ast.Call) and src.call_name(fallback) == "len" and len(fallback.args) == 1
                    and (counted == owner or _same_owner(counted, owner))):
                found.append({"unk_default": " ".join(src.segment(f, n).split()), "unk_map": owner,
                              "unk_len": f"len({counted})",
                              "unk_default_line": n.lineno, "unk_default_in": src.scope_name(f, n.lineno) or "<module>"})
    return found[0] if len(found) == 1 else None


def _same_owner(a: str | None, b: str) -> bool:
    """`self.itos` beside `self.stoi`: two collections one object keeps (a map and its inverse list)."""
    return a is not None and "." in a and "." in b and a.rpartition(".")[0] == b.rpartition(".")[0]


def unbounded_maker(ctx: Context, ids: TensorFacts) -> Story | None:
    """`ord(ch)` / `hash(w)` where the ids were made (also one assignment behind an in-place write's value)."""
    for file, stmt in _traced_statements(ctx, [ids]):
        tree = src.tree_of(file)
        if tree is None:
            continue
        scope = src.enclosing_scope(tree, stmt.lineno)
        candidates = [stmt]
        for name in dict.fromkeys(src.names_in(getattr(stmt, "value", stmt))):
            made = src.assignments(tree, name, scope, before=stmt.lineno)
            if made:
                candidates.append(made[-1].stmt)
        for s in candidates:
            for call in src.calls(s):
                if src.call_name(call) in _UNBOUNDED_CALLS:
                    return Story(values={"maker": one_line(file, call), "maker_where": where(file, s)},
                                 facts={UNBOUNDED}, hints={"maker": (file, s, call)})
    if ids.max is not None and ids.max >= 128:  # a code point past ASCII: the one `ord()` of the user's files
        from .classes import user_files
        found = [(file, tree, call) for file in user_files(ctx) for tree in [src.tree_of(file)] if tree is not None
                 for call in src.calls(tree) if src.call_name(call) == "ord"
                 and not (call.args and isinstance(call.args[0], ast.Constant))]  # `ord("\n")`: one known id
        site = src.sole_site(found, 2)
        if site is not None:
            (file, _, call), stmt = site
            return Story(values={"maker": one_line(file, call), "maker_where": where(file, stmt)},
                         facts={UNBOUNDED}, hints={"maker": (file, stmt, call)})
    return None


GROWING_VOCAB = fact("growing-vocab", "the vocabulary is a defaultdict whose factory numbers every unseen word "
                                      "(`factory`), and the table was sized with `len(vocab)` (`sized_at`) before "
                                      "later lookups added words")
UNK_NAMED = fact("unk-named", "a name of the user's code holds the vocabulary's unknown-word id (`unk`)")
CLOSER_METHOD = fact("closer-method", "the vocabulary's class has a method that stops it numbering new words "
                                      "(`closer`)")


def _growing_class(tree: ast.Module, file: str, vocab: str, line: int) -> tuple[ast.AST, str] | None:
    """`vocab = Vocab()` of a user class whose method numbers unseen words (`self.stoi[w] = len(self.stoi)`)
    unless a flag of the instance is set, and another method that sets it (`def freeze(self): self.frozen =
    True`) that the file never calls on it: (the numbering statement, that method's name)."""
    made = src.last_assignment(tree, vocab, line)
    call = made.value if made is not None else None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
        return None
    cls = next((c for c in src.nodes(tree, ast.ClassDef) if c.name == call.func.id), None)
    if cls is None:
        return None
    methods = [n for n in cls.body if isinstance(n, ast.FunctionDef)]
    grows = None
    for m in methods:
        for a in (n for n in ast.walk(m) if isinstance(n, ast.Assign) and len(n.targets) == 1):
            t = a.targets[0]
            if (isinstance(t, ast.Subscript) and isinstance(a.value, ast.Call) and src.call_name(a.value) == "len"
                    and a.value.args and ast.unparse(a.value.args[0]) == ast.unparse(t.value)):
                grows = a
    if grows is None:
        return None
    flags = {n.attr for n in ast.walk(cls) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
             and n.value.id == "self" and isinstance(n.ctx, ast.Load)}
    for m in methods:
        body = [b for b in m.body if not (isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant))]
        if (len(body) == 1 and isinstance(body[0], ast.Assign) and isinstance(body[0].value, ast.Constant)
                and body[0].value.value is True and isinstance(body[0].targets[0], ast.Attribute)
                and body[0].targets[0].attr in flags and len(m.args.args) == 1):
            if any(src.call_name(c) == f"{vocab}.{m.name}" for c in src.calls(tree)):
                return None  # closed somewhere: not this story
            return grows, m.name
    return None


def growing_vocab(ctx: Context, tables: list[str | None]) -> Story | None:
    """`vocab = defaultdict(lambda: len(vocab))` and the table sized with `len(vocab)` (where it is built, or
    at the call that builds the module holding it): every word looked up after that gets a new id past the
    table's last row.  The vocabulary is closed where the table is sized (`vocab.default_factory = ...`)."""
    made = table_constructor(ctx, tables)
    if made is None:
        return None
    file, stmt = made
    sized = _sized_with_len(ctx, file, stmt)
    if sized is None:
        return None
    sfile, sstmt, vocab = sized
    tree = src.tree_of(sfile)
    factory = next((n.value for n in src.nodes(tree, ast.Assign) if any(
        isinstance(t, ast.Name) and t.id == vocab for t in n.targets) and _numbers_unseen(n.value, vocab)), None)
    closer = None
    if factory is None:
        found = _growing_class(tree, sfile, vocab, sstmt.lineno)
        if found is None:
            return None
        factory, closer = found
    story = Story(values={"vocab": vocab, "factory": one_line(sfile, factory), "sized_at": where(sfile, sstmt),
                          "sized_stmt": one_line(sfile, sstmt)},
                  facts={GROWING_VOCAB}, hints={"growing": (sfile, sstmt, vocab)})
    if closer is not None:
        story.facts.add(CLOSER_METHOD)
        story.values["closer"] = f"{vocab}.{closer}()"
        story.hints["closer"] = f"{vocab}.{closer}()"
        return story
    unk = _unk_name(tree, vocab)
    if unk is not None:
        story.facts.add(UNK_NAMED)
        story.values["unk"] = unk
        story.hints["unk"] = unk
    return story


def _sized_with_len(ctx: Context, file: str, stmt: ast.Assign) -> tuple[str, ast.stmt, str] | None:
    """(file, statement, vocabulary name) of `len(<vocab>)` that gave the table its size: the table's own size
    argument, or, for an `__init__` parameter, the argument the module's construction passes for it."""
    size = stmt.value.args[0]  # type: ignore[attr-defined]
    if _len_of(size):
        return file, stmt, _len_of(size)  # type: ignore[return-value]
    tree = src.tree_of(file)
    cls = src.enclosing_class(tree, stmt.lineno) if tree is not None else None
    init = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None) if cls else None
    if init is None or not isinstance(size, ast.Name):
        return None
    names = [a.arg for a in init.args.args][1:]
    if size.id not in names:
        return None
    pos = names.index(size.id)
    for f in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        t = src.tree_of(f)
        for call in src.calls(t) if t is not None else ():
            if src.call_name(call).split(".")[-1] != cls.name:  # type: ignore[union-attr]
                continue
            kw = src.keyword(call, size.id)
            given = kw.value if kw is not None else (call.args[pos] if len(call.args) > pos else None)
            vocab = _len_of(given) if given is not None else None
            built = src.statement_at(t, call.lineno)
            if vocab and built is not None:
                return f, built, vocab
    return None


def _len_of(node: ast.AST) -> str | None:
    if (isinstance(node, ast.Call) and src.call_name(node) == "len" and len(node.args) == 1
            and isinstance(node.args[0], ast.Name)):
        return node.args[0].id
    return None


def _numbers_unseen(value: ast.AST, vocab: str) -> bool:
    """`defaultdict(lambda: len(vocab))` or `defaultdict(vocab.__len__)`: a lookup of an unseen word adds it."""
    if not (isinstance(value, ast.Call) and src.call_name(value).split(".")[-1] == "defaultdict" and value.args):
        return False
    fn = value.args[0]
    if isinstance(fn, ast.Lambda):
        return _len_of(fn.body) == vocab
    return (isinstance(fn, ast.Attribute) and fn.attr == "__len__" and isinstance(fn.value, ast.Name)
            and fn.value.id == vocab)


def _unk_name(tree: ast.Module, vocab: str) -> str | None:
    """A name bound to `vocab["<unk>"]` (alone or in a tuple assignment)."""
    for n in src.nodes(tree, ast.Assign):
        if not isinstance(n, ast.Assign) or len(n.targets) != 1:
            continue
        t, v = n.targets[0], n.value
        pairs = list(zip(t.elts, v.elts)) if isinstance(t, ast.Tuple) and isinstance(v, ast.Tuple) else [(t, v)]
        for target, value in pairs:
            if (isinstance(target, ast.Name) and isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name)
                    and value.value.id == vocab and isinstance(value.slice, ast.Constant)
                    and isinstance(value.slice.value, str) and "unk" in value.slice.value.lower()):
                return target.id
    return None
