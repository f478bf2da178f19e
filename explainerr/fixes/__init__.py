"""What every fix builder shares: the registry of builders by name, `make_fix`, and small readers of the
user's source (the failing statement, the tokenizer call that built a batch, an expression in a statement).

A builder is registered with `@locator("name")` and named by a pattern's `fix.locate`; it returns the Edits it
made with source.LineEditor (an edit whose result does not parse is dropped) and, when no edit could be
placed, optional code that shows the idea with the user's own names.  `named(name)` imports only the module
that defines a builder (known from the compiled knowledge, see compiled.py).  The builders live with their family:
lengths.py, masks.py, label_lengths.py, class_dim.py, label_range.py, vocab.py, dtypes.py, devices.py, layers.py;
settings.py finds where a setting the edits change is really written (a `**kw` caller, an environment variable's
defaults).
"""
from __future__ import annotations

import ast
import re
import textwrap
from typing import Any, Callable

from .. import source as src
from .. import wording
from ..analyzers import Finding
from ..facts import Context
from ..model import Edit, Fix, FrameFacts, Pattern, Report

Located = tuple[list[Edit], str | None]
LOCATORS: dict[str, Callable[[Context, Finding], Located]] = {}
#: The module of this package that defines each builder, as recorded when the knowledge was checked.
HOMES: dict[str, str] = {}

_TOKENIZER_CALL = re.compile(r"(tokeni[sz]er|tokenize|encode_plus|batch_encode_plus)$", re.I)



def locator(name: str) -> Callable[[Callable[[Context, Finding], Located]], Callable[[Context, Finding], Located]]:
    def register(fn: Callable[[Context, Finding], Located]) -> Callable[[Context, Finding], Located]:
        LOCATORS[name] = fn
        return fn
    return register


def load_all() -> dict[str, Callable[[Context, Finding], Located]]:
    """Every builder, by name (importing the family modules registers them)."""
    from . import (class_dim, devices, dtypes, label_lengths, label_range, layers, lengths, masks,  # noqa: F401
                   segments, vocab)
    return LOCATORS


def named(name: str) -> Callable[[Context, Finding], Located]:
    """The builder `name`: its module alone is imported when its home is known, else every module."""
    from ..registry import lookup
    return lookup(LOCATORS, HOMES, __name__, name, load_all)


def homes() -> dict[str, str]:
    """name -> module (within this package) of every builder."""
    from ..registry import homes_of
    return homes_of(load_all(), __name__)


def make_fix(report: Report, pattern: Pattern, finding: Finding, ctx: Context) -> Fix | None:
    """The fix for one diagnosis: the builder's edits when they pass the checks (checks.py), else code the
    builder derived, else the pattern's code template when every name in it is the user's and bound where
    the error happened; else no code (the description says the fix in words).  A builder marks a band-aid
    (clamping, slicing where used) with the `band-aid` fact; the description's sentences can name it."""
    from .checks import accepted, undefined_in_code
    edits: list[Edit] = []
    located_code = None
    if pattern.locate and report.user_frame is not None:
        edits, located_code = named(pattern.locate)(ctx, finding)
        edits, _ = accepted([e for e in edits if e is not None])
    values, facts = finding.values, finding.facts
    if edits:
        code = joined_code(edits)
    else:
        code = located_code or wording.first(pattern.fix_code, facts, values) or ""
        user = ctx.user
        if code and user is not None and undefined_in_code(code, user.file, user.line):
            code = ""  # (code for a place whose edit was not accepted reads names the failing line lacks)
    description = wording.first(pattern.fix_description, facts, values)
    if description is None:
        return None
    return Fix(description=description, code=dedent(code), edits=tuple(edits), band_aid="band-aid" in facts)


def joined_code(edits: list[Edit]) -> str:
    """The edits' replacements as one piece of code: in the file's order with their indentation relative to
    each other (a loop header, then the line of its body it changes), when that parses; else each dedented."""
    import ast
    ordered = sorted(edits, key=lambda e: (e.file, e.start_line))
    together = dedent("\n".join(e.replacement.rstrip("\n") for e in ordered))
    last = together.rsplit("\n", 1)[-1]
    deeper = " " * (len(last) - len(last.lstrip()) + 4)  # a block header last: its body one level in
    for text in (together, together + "\n    pass", together + "\n" + deeper + "pass"):
        try:
            ast.parse(text)
            return together
        except SyntaxError:
            continue
    completed = dedent("\n".join(_with_statement_rest(e).rstrip("\n") for e in ordered))
    try:  # an edit of the first line of a longer statement: shown with the statement's unchanged rest
        ast.parse(completed)
        return completed
    except SyntaxError:
        pass
    elided = _bodies_elided(together)  # a changed `def` header, then lines after its body: `...` for the body
    try:
        ast.parse(elided)
        return elided
    except SyntaxError:
        return "\n".join(dedent(e.replacement) for e in edits)


def _with_statement_rest(e: Edit) -> str:
    """The edit's replacement followed by the lines of its statement after the edit (a comprehension whose
    first line the edit changes and whose `if` clause is on the next line)."""
    from .. import files
    tree = src.tree_of(e.file)
    stmt = src.statement_at(tree, e.start_line) if tree is not None else None
    end = getattr(stmt, "end_lineno", None) if stmt is not None and stmt.lineno == e.start_line \
        and not isinstance(stmt, (ast.For, ast.While, ast.If, ast.With, ast.FunctionDef, ast.ClassDef, ast.Try)) \
        else None
    if end is None or end <= e.end_line:
        return e.replacement
    return e.replacement.rstrip("\n") + "\n" + "\n".join(files.line(e.file, n).rstrip("\n")
                                                      for n in range(e.end_line + 1, end + 1))


def _bodies_elided(code: str) -> str:
    """`...` one level in after each line that ends a block header (`def f(x, mask):`) and is not followed by a
    deeper line: the block's unchanged body, left out."""
    lines = code.split("\n")
    out = []
    for k, line in enumerate(lines):
        out.append(line)
        indent = len(line) - len(line.lstrip())
        after = next((n for n in lines[k + 1:] if n.strip()), None)
        if line.rstrip().endswith(":") and (after is None or len(after) - len(after.lstrip()) <= indent):
            out.append(" " * (indent + 4) + "...")
    return "\n".join(out)


def dedent(code: str) -> str:
    return textwrap.dedent(code).strip("\n")


def edits_of(e: src.LineEditor) -> list[Edit]:
    made = e.edit()
    return [made] if made else []


def frame_at(ctx: Context, index: Any) -> FrameFacts | None:
    if isinstance(index, int) and 0 <= index < len(ctx.frames):
        return ctx.frames[index]
    return ctx.user


def failing_statement(frame: FrameFacts) -> tuple[ast.Module, ast.stmt] | None:
    tree = src.tree_of(frame.file)
    if tree is None:
        return None
    stmt = src.statement_at(tree, frame.line)
    return (tree, stmt) if stmt is not None else None


def statement_of(frame: FrameFacts, node: ast.AST) -> ast.stmt | None:
    """The statement holding `node` (an origin found by facts.Context.origin)."""
    tree = src.tree_of(frame.file)
    return src.statement_at(tree, node.lineno) if tree is not None else None  # type: ignore[attr-defined]


def find_expr(file: str, within: ast.AST, text: str) -> ast.AST | None:
    """The expression of `within` written `text`; a model output's item is found under either spelling
    (`out["logits"]` is written `out.logits`, and the other way round)."""
    spellings = [text]
    m = re.fullmatch(r"(.+)\[[\"'](\w+)[\"']\]", text)
    if m:
        spellings.append(f"{m.group(1)}.{m.group(2)}")
    for t in spellings:
        for n in ast.walk(within):
            if isinstance(n, ast.expr) and src.segment(file, n) == t:
                return n
    return None


#: Keywords only a Hugging Face tokenizer call takes: a call with one of them tokenizes, whatever it is named.
_TOKENIZER_KEYWORDS = frozenset({"return_tensors", "truncation", "padding", "is_split_into_words",
                                 "return_attention_mask", "return_token_type_ids", "add_special_tokens",
                                 "return_offsets_mapping", "return_special_tokens_mask"})
_TOKENIZER_METHODS = ("encode", "encode_plus", "batch_encode_plus", "__call__")


def is_tokenizer_call(call: ast.Call, ctx: Context | None = None) -> bool:
    """A call that tokenizes text: it calls a tokenizer object seen in the frames (by its expression, or one
    of its encode methods), or passes a keyword only tokenizers take; its name alone decides only when
    nothing else is known (`tokenizer(...)`)."""
    name = src.call_name(call)
    if ctx is not None:
        tokenizers = {o.expr for f in ctx.frames for o in f.objects if o.kind == "tokenizer"}
        base, _, method = name.rpartition(".")
        if name in tokenizers or (base in tokenizers and method in _TOKENIZER_METHODS):
            return True
    if any(k.arg in _TOKENIZER_KEYWORDS for k in call.keywords):
        return True
    return bool(_TOKENIZER_CALL.search(name)) and "." not in name.split("tokenizer")[-1]


def tokenizer_call_for(ctx: Context, root: str | None, frame: FrameFacts | None) -> tuple[str, ast.Call] | None:
    """The tokenizer call that built `root` (via its assignment, and into the user's function that returns it),
    else the last such call in the user's files that is not given one literal text.  A call of a function the user defines (`encode(...)`,
    `build_tokenizer(...)`) and a tokenizer's construction (`BertTokenizer(path)`) are not tokenizer calls."""
    files: list[str] = []
    if frame is not None and root:
        origin = ctx.origin(root, frame) or _loop_origin(ctx, root, frame)
        if origin is not None:
            f, _, node = origin
            tree = src.tree_of(f.file)
            for c in ([node] if isinstance(node, ast.Call) else []) + list(src.calls(node) if node is not None else ()):
                if _cuts_text(c, ctx, tree):
                    return f.file, c
                hit = _tokenized_in_helper(ctx, tree, _user_def(tree, c))
                if hit is not None:
                    return f.file, hit
                made = _class_init(tree, c)  # `PaddedReviews(rows, tokenizer, n)`: its `__init__` tokenizes
                hits = [x for x in src.calls(made) if _cuts_text(x, ctx, tree)] if made is not None else []
                if len(hits) == 1:
                    return f.file, hits[0]
    traced = _tokenized_on_the_way(ctx, root, frame)
    if traced is not None:
        return traced
    for fr in ctx.user_frames():
        if fr.file not in files:
            files.append(fr.file)
    for file in files:
        tree = src.tree_of(file)
        if tree is None:
            continue
        found = [c for c in src.calls(tree) if _cuts_text(c, ctx, tree) and not (  # a literal text: a probe
            c.args and isinstance(c.args[0], ast.Constant) and isinstance(c.args[0].value, str))
            and not _only_measured(tree, c)]
        if found:
            return file, found[-1]
    return None


def _tokenized_on_the_way(ctx: Context, root: str | None, frame: FrameFacts | None) -> tuple[str, ast.Call] | None:
    """The one tokenizer call on the lines the provenance walks back from `root`'s tensors (a DataLoader's
    `collate_fn` that tokenizes the texts beside another call for the targets): the call that made them."""
    from ..provenance import origins, root_name
    if frame is None or not root:
        return None
    tensors = [t for t in frame.tensors if root_name(t.expr) == root][:1]
    found = []
    for step in origins(ctx, tensors) if tensors else ():
        tree = src.tree_of(step.file)
        stmt = src.statement_at(tree, step.line) if tree is not None else None
        found += [(step.file, c) for c in (src.calls(stmt) if stmt is not None else ()) if _cuts_text(c, ctx, tree)]
    return found[0] if len(found) == 1 else None


def _loop_origin(ctx: Context, root: str, frame: FrameFacts) -> tuple[FrameFacts, None, ast.expr] | None:
    """`(frame, None, self.batches(rows))` for a name the frame's loop takes from what a call yields
    (`for batch in self.batches(rows)`), whose lines the provenance does not follow."""
    tree = src.tree_of(frame.file)
    loops = [lp for lp in src.enclosing_loops(tree, frame.line) if isinstance(lp.target, ast.Name)
             and lp.target.id == root and isinstance(lp.iter, ast.Call)] if tree is not None else []
    return (frame, None, loops[-1].iter) if loops else None


def _only_measured(tree: ast.Module, call: ast.Call) -> bool:
    """A tokenizer call whose result is only counted (`len(tokenizer(text)["input_ids"])`): it measures lengths,
    it does not make the batch."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and src.call_name(node) == "len" and len(node.args) == 1:
            inner = node.args[0]
            while isinstance(inner, (ast.Subscript, ast.Attribute)):
                inner = inner.value
            if inner is call:
                return True
    return False


def _user_def(tree: ast.Module | None, call: ast.Call) -> ast.FunctionDef | None:
    """The module-level function `call` names, or the method of the class around the call for `self.name(...)`."""
    name = src.call_name(call)
    if tree is None:
        return None
    if name.startswith("self.") and name.count(".") == 1:
        cls = src.enclosing_class(tree, call.lineno)
        return next((d for d in (cls.body if cls else []) if isinstance(d, ast.FunctionDef) and d.name == name[5:]),
                    None)
    if "." in name:
        return None
    return next((d for d in tree.body if isinstance(d, ast.FunctionDef) and d.name == name), None)


def _tokenized_in_helper(ctx: Context, tree: ast.Module | None, helper: ast.FunctionDef | None,
                         depth: int = 0) -> ast.Call | None:
    """The tokenizer call behind what the user's function returns or yields: in the returned expression, in the
    assignment of a returned name (`enc = self.encode_sources(...)`, then `yield enc`), or one function further."""
    if helper is None or depth > 1:
        return None
    for out in (n.value for n in ast.walk(helper) if isinstance(n, (ast.Return, ast.Yield)) and n.value is not None):
        values = [out]
        if isinstance(out, ast.Name):
            values += [a.value for a in src.assignments(tree, out.id, helper) if isinstance(a.value, ast.expr)]
        for value in values:
            hit = next((x for x in src.calls(value) if _cuts_text(x, ctx, tree)), None)
            for x in src.calls(value) if hit is None else ():
                hit = _tokenized_in_helper(ctx, tree, _user_def(tree, x), depth + 1)
                if hit is not None:
                    break
            if hit is not None:
                return hit
    return None


def _class_init(tree: ast.Module | None, call: ast.Call) -> ast.FunctionDef | None:
    """The `__init__` of the module-level class `call` constructs, if the file defines it."""
    name = src.call_name(call)
    cls = next((d for d in tree.body if isinstance(d, ast.ClassDef) and d.name == name), None) \
        if tree is not None and "." not in name else None
    return next((d for d in cls.body if isinstance(d, ast.FunctionDef) and d.name == "__init__"), None) \
        if cls is not None else None


def tokenizes(call: ast.Call, ctx: Context, tree: ast.Module | None) -> bool:
    """A tokenizer call, not the user's own function nor a tokenizer's construction."""
    last = src.call_name(call).split(".")[-1]
    return (is_tokenizer_call(call, ctx) and not last[:1].isupper() and last not in _NOT_TOKENIZING
            and _user_def(tree, call) is None)


#: Tokenizer methods that make no encoding of text.
_NOT_TOKENIZING = frozenset({"from_pretrained", "decode", "batch_decode", "save_pretrained", "add_tokens",
                             "add_special_tokens", "convert_ids_to_tokens", "convert_tokens_to_ids"})


def _cuts_text(call: ast.Call, ctx: Context, tree: ast.Module | None) -> bool:
    """A tokenizer call that encodes text, so `truncation=` applies: not `tok.pad(features)`, which pads
    encodings already made (and rejects `truncation=`)."""
    return tokenizes(call, ctx, tree) and src.call_name(call).split(".")[-1] != "pad"


def imported_before(made: Edit | None, stmt: ast.stmt, name: str) -> list[Edit]:
    """The edit `made` of statement `stmt` with `from transformers import <name>` put before it, at its
    indentation (the edited line needs the name); none when there is no edit."""
    if made is None:
        return []
    from .. import files
    first = files.line(made.file, stmt.lineno)
    indent = first[: len(first) - len(first.lstrip())]
    return [Edit(file=made.file, start_line=made.start_line, end_line=made.end_line,
                 replacement=f"{indent}from transformers import {name}\n{made.replacement}")]


def strip_cast(file: str, node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
            "long", "int", "float", "to", "type", "byte", "half", "double") and not node.keywords:
        return src.segment(file, node.func.value)
    return None


def at_use_site(ctx: Context, tensor: Any, template: str) -> Located:
    return (at_use_sites(ctx, [tensor], template) if tensor is not None else []), None


def at_use_sites(ctx: Context, tensors: list[Any], template: str) -> list[Edit]:
    """`template` applied where each of `tensors` is used in its frame's failing statement: one edit per
    statement, so two tensors of one line are changed together."""
    by_frame: dict[int, list[Any]] = {}
    for t in tensors:
        by_frame.setdefault(t.frame, []).append(t)
    edits: list[Edit] = []
    for index, group in by_frame.items():
        frame = ctx.frames[index]
        found = failing_statement(frame)
        if found is None:
            continue
        e = src.LineEditor.for_node(frame.file, found[1])
        hits = [(n, t) for t in group for n in ast.walk(found[1])
                if isinstance(n, ast.expr) and src.segment(frame.file, n) == t.expr]
        for node, t in hits:
            e.replace(node, template.format(t.expr))
        edits += edits_of(e) if hits else []
        if hits and not all(t.expr.isidentifier() for t in group):
            edits += later_arguments(frame, found[1], [t.expr for t in group], template)
    return edits


def later_arguments(frame: FrameFacts, stmt: ast.stmt, texts: list[str], template: str) -> list[Edit]:
    """The same change where a later statement of the function passes one of `texts` (`b.users`, an attribute or
    item that cannot be bound anew) as an argument again (`self.score(b.users, b.neg)`, `self.user_emb(b.users)`):
    the next call would fail the same way."""
    tree = src.tree_of(frame.file)
    scope = src.enclosing_scope(tree, stmt.lineno) if tree is not None else None
    if not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return []
    end = stmt.end_lineno or stmt.lineno
    out: list[Edit] = []
    for later in src.statements(scope, nested=True):
        if later.lineno <= end or isinstance(later, (ast.FunctionDef, ast.ClassDef, ast.For, ast.While, ast.If,
                                                      ast.With, ast.Try)):
            continue
        args = [a for c in src.calls(later) for a in c.args if src.segment(frame.file, a) in texts]
        if not args:
            continue
        e = src.LineEditor.for_node(frame.file, later)
        for a in args:
            e.replace(a, template.format(src.segment(frame.file, a)))
        out += edits_of(e)
    return out


def model_with_config(ctx: Context) -> str | None:
    for fr in ctx.user_frames():
        for m in sorted(fr.modules, key=lambda m: m.expr.count(".")):
            if m.config and not m.expr.startswith("self"):
                return m.expr
    return None


def loss_frame(ctx: Context, expr: str | None) -> FrameFacts | None:
    """The innermost user frame whose failing statement mentions `expr`."""
    for fr in ctx.user_frames():
        if expr and expr in (fr.statement or fr.source):
            return fr
    return ctx.user
