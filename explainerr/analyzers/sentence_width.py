"""A layer sized from a sentence-transformers encoder's inner transformer (`encoder[0].auto_model.config
.hidden_size`) while the encoder's own output is another width: a module after pooling (Dense) changes it.
The encoder's output width is asked of the encoder itself, by the method its installed class has."""
from __future__ import annotations

import ast
import inspect
import re
import sys
import textwrap
from typing import NamedTuple

from .. import source as src
from ..facts import Context
from . import Finding, fact
from .classes import SizeSite

SENTENCE_WIDTH = fact("sentence-width", "the layer's size is read from inside `st_encoder` (a SentenceTransformer), "
                                        "whose last module `st_last` ({st_last_cls}) makes its output `hidden` wide")
_WIDTH_METHODS = ("get_embedding_dimension", "get_sentence_embedding_dimension")
_TORCH_LAYERS = ("Linear", "LazyLinear", "Bilinear", "Conv1d", "Conv2d", "Conv3d", "Dropout", "Sequential",
                 "ModuleList", "Identity")


def sentence_width(ctx: Context, f: Finding, site: SizeSite | None, got: int) -> None:
    """When the layer's size expression reads into a SentenceTransformer of the frames (`encoder[0]...`) and
    that encoder ends with a module other than its transformer and pooling: the fact, and `st_width_expr`,
    the encoder's own output-width call."""
    text = site.text if site is not None else ""
    for fr in ctx.user_frames():
        for m in fr.modules:
            held = OWNER_SIZED in f.facts and any(o.cls == "SentenceTransformer" and o.ident == m.ident
                                                  for lib in ctx.raise_frames() for o in lib.modules)
            if m.cls != "SentenceTransformer" or not (_reads_into(fr, m, text) or held):
                continue
            parts = [p for p in fr.modules if p.expr.startswith(m.expr + ".") and p.expr[len(m.expr) + 1:].isdigit()]
            last = max(parts, key=lambda p: int(p.expr.rsplit(".", 1)[1]), default=None)
            if last is not None and last.cls == "Pooling" and held:
                _pooled_width(ctx, f, site, m, last, got)
                return
            if last is None or last.cls in ("Transformer", "Pooling", "Normalize"):
                return
            method = _width_method()
            out = last.attrs.get("out_features")
            st_out = out if isinstance(out, int) else got
            f.facts.add(SENTENCE_WIDTH)
            if got % st_out == 0 and site is not None and site.node is not None:  # the owner joins k embeddings
                want = f.values.get("in_features")
                k = got // st_out
                st_in = want // k if isinstance(want, int) and want % k == 0 else None
                if not _reads_into(fr, m, text) and last.attrs.get("in_features") != st_in:
                    st_in = None  # the size is not read from the encoder: "the transformer's width" only when seen
                f.values.update(st_out=st_out, st_in=st_in)
            f.confidence = "high"  # the encoder's own modules show where the width changes
            f.values.update(st_encoder=m.expr, st_last=f"{m.expr}[{last.expr.rsplit('.', 1)[1]}]", st_last_cls=last.cls,
                            st_width_expr=f"{m.expr}.{method}()" if method else None)
            return


POOLED_WIDTH = fact("sentence-pooled-width", "the library module that owns the layer joins `k` embeddings of "
                                            "`st_encoder`, whose last module `st_last` (Pooling) makes them `st_out` "
                                            "wide, while the size given is `size_value`")


def _pooled_width(ctx: Context, f: Finding, site: SizeSite | None, encoder, last, got: int) -> None:
    """A library module (`SoftmaxLoss`) sizes its layer as k times the embedding width it is given, holds the
    SentenceTransformer `encoder` ending with a Pooling module, and the width given is not the embeddings' (a
    pooling of several modes, `["mean", "max"]`, joins them): the fact, and the encoder's own width call."""
    from .classes import static_int
    want = f.values.get("in_features")
    tree = src.tree_of(site.file) if site is not None and site.node is not None else None
    value = static_int(ctx, tree, site.node) if tree is not None else None
    if not (value and isinstance(want, int) and want % value == 0):
        return
    k = want // value
    if got % k or got // k == value:
        return
    method = _width_method()
    if method is None:
        return
    f.facts.update({SENTENCE_WIDTH, POOLED_WIDTH})
    f.confidence = "high"  # the module's own sizing and the encoder's modules tie the numbers
    f.values.update(st_encoder=encoder.expr, st_last=f"{encoder.expr}[{last.expr.rsplit('.', 1)[1]}]",
                    st_last_cls=last.cls, st_out=got // k, k=k, size_value=value,
                    st_width_expr=f"{encoder.expr}.{method}()")


def _reads_into(frame, encoder, text: str) -> bool:
    """`text` reads into `encoder` (a SentenceTransformer): through its own name (`encoder[0]...`), or through
    the name of one of its modules (`word_model.get_word_embedding_dimension()` where `word_model` is
    `encoder[0]`)."""
    parts = {p.ident for p in frame.modules if p.expr.startswith(encoder.expr + ".")}
    names = [encoder.expr] + [p.expr for p in frame.modules if p.ident in parts and p.expr.isidentifier()]
    return any(re.search(rf"(?<![\w.]){re.escape(n)}\s*[\[.]", text) for n in names)


def _width_method() -> str | None:
    """The output-width method the installed SentenceTransformer class defines (looked up on the class)."""
    module = sys.modules.get("sentence_transformers")
    cls = getattr(module, "SentenceTransformer", None) if module is not None else None
    if not isinstance(cls, type):
        return None
    return next((name for name in _WIDTH_METHODS if any(name in vars(k) for k in cls.__mro__)), None)


PREVIOUS_MODULE = fact("previous-module", "the layer belongs to `owner` ({owner_cls}), built with `{size_param}` = "
                                          "`size_expr` while the module before it in `pipeline`, `prev` "
                                          "({prev_cls}), outputs `hidden` features")


def owner_site(ctx: Context, want: int, f: Finding | None = None) -> tuple[SizeSite, str] | None:
    """When the layer that raised belongs to a library module the user built (a sentence-transformers `Dense`
    around its `Linear`, a `SoftmaxLoss` around its classifier): the user's constructor call of that module, at
    the argument that sizes the layer (read from the installed class's `__init__`; else `in_features=` or the
    first argument) when its value is `want` or not plain from the text, with the module's class; only when
    exactly one.  When the layer's size is more than the parameter (`k * embedding_dimension`): the fact
    owner-sized on `f`."""
    from .classes import static_int, user_files
    owners = [m for m in ctx.raising_modules() if m.cls not in _TORCH_LAYERS and not m.cls.startswith("Sentence")]
    layer = next((m for m in ctx.raising_modules() if m.cls in _TORCH_LAYERS and m.attrs.get("name")), None)
    for owner in owners:
        sizing = _sizing_parameter(owner.cls, str(layer.attrs["name"])) if layer is not None else None
        found = []
        for file in user_files(ctx):
            tree = src.tree_of(file)
            for call in src.calls(tree) if tree is not None else ():
                if src.call_name(call).split(".")[-1] != owner.cls:
                    continue
                arg, given_as = _argument(call, sizing) if sizing is not None else (None, None)
                if arg is None and sizing is None:
                    kw = src.keyword(call, "in_features")
                    arg = kw.value if kw is not None else (call.args[0] if call.args else None)
                stmt = src.statement_at(tree, call.lineno)
                value = static_int(ctx, tree, arg) if arg is not None else None
                scaled = sizing is not None and sizing.expr != sizing.name and bool(value) and want % value == 0
                if arg is not None and stmt is not None and (value in (want, None) or scaled):
                    found.append(SizeSite(file=file, stmt=stmt, kind="layer", node=arg, text=src.segment(file, arg),
                                          keyword=given_as))
        defined = any(n.name == owner.cls for file in user_files(ctx) for tree in [src.tree_of(file)]
                      if tree is not None for n in src.nodes(tree, ast.ClassDef))
        if len(found) == 1 and not defined:  # a class of the user's own is explained by its own code
            if f is not None and sizing is not None and sizing.expr != sizing.name:
                f.facts.add(OWNER_SIZED)
                f.values.update(owner_cls=owner.cls, owner_sizing=sizing.expr, size_param=found[0].keyword or sizing.name,
                                size_expr=found[0].text)
            return found[0], owner.cls
    return None


class _Sizing(NamedTuple):
    """The `__init__` parameter that sizes a library module's inner layer: its place, its name, the older
    names it still accepts (a `deprecated_kwargs(old="new")` decorator) and the layer's size expression."""

    index: int
    name: str
    aliases: tuple[str, ...]
    expr: str


OWNER_SIZED = fact("owner-sized", "`owner_cls` sizes the layer as `owner_sizing` from its parameter `size_param`, "
                                  "which the user's call gives `size_expr`")


def _sizing_parameter(cls_name: str, layer_name: str) -> _Sizing | None:
    """Read from the installed class's source (never run): `self.<layer_name> = Linear(<expr>, ...)` in
    `__init__`, where `<expr>` names exactly one of `__init__`'s parameters."""
    cls = _installed_class(cls_name)
    init = getattr(cls, "__init__", None) if cls is not None else None
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(init))) if init is not None else None
    except (OSError, TypeError, SyntaxError):
        return None
    fn = tree.body[0] if tree is not None and tree.body and isinstance(tree.body[0], ast.FunctionDef) else None
    if fn is None:
        return None
    params = [a.arg for a in fn.args.args[1:]]
    for node in ast.walk(fn):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.value, ast.Call)
                and ast.unparse(node.targets[0]) == f"self.{layer_name}"):
            continue
        kw = src.keyword(node.value, "in_features")
        size = kw.value if kw is not None else (node.value.args[0] if node.value.args else None)
        named = [n.id for n in ast.walk(size) if isinstance(n, ast.Name) and n.id in params] if size is not None else []
        if len(set(named)) != 1:
            return None
        aliases = tuple(k.arg for d in fn.decorator_list if isinstance(d, ast.Call) for k in d.keywords
                        if k.arg and isinstance(k.value, ast.Constant) and k.value.value == named[0])
        return _Sizing(params.index(named[0]), named[0], aliases, ast.unparse(size))
    return None


def _argument(call: ast.Call, sizing: _Sizing) -> tuple[ast.AST | None, str]:
    """The value the call gives the sizing parameter, and the name it is given under."""
    kw = next((k for k in call.keywords if k.arg in (sizing.name, *sizing.aliases)), None)
    if kw is not None:
        return kw.value, str(kw.arg)
    return (call.args[sizing.index] if sizing.index < len(call.args) else None), sizing.name


def _installed_class(cls_name: str) -> type | None:
    return next((c for n, m in list(sys.modules.items()) if n.startswith("sentence_transformers") and m is not None
                 for c in [vars(m).get(cls_name)] if isinstance(c, type)), None)


def previous_module(ctx: Context, f: Finding, site: SizeSite, owner_cls: str) -> None:
    """When the module built at `site` is assigned to a name listed in a `modules=[...]` list after another
    name whose module's installed class reports its output width: the fact, and `prev_width_expr`
    (`pooling.get_sentence_embedding_dimension()`)."""
    stmt = site.stmt
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return
    name = stmt.targets[0].id
    tree = src.tree_of(site.file)
    scope = src.enclosing_scope(tree, stmt.lineno) if tree is not None else None
    for lst in (n for n in ast.walk(scope) if isinstance(n, ast.List)) if scope is not None else ():
        names = [e.id if isinstance(e, ast.Name) else None for e in lst.elts]
        if name not in names or names.index(name) == 0 or names[names.index(name) - 1] is None:
            continue
        prev = names[names.index(name) - 1]
        made = src.last_assignment(tree, prev, stmt.lineno)
        if made is None or not isinstance(made.value, ast.Call):
            return
        prev_cls = src.call_name(made.value).split(".")[-1]
        method = _output_width_method(prev_cls)
        if method is None:
            return
        f.facts.add(PREVIOUS_MODULE)
        f.values.update(owner=name, owner_cls=owner_cls, size_param="in_features", prev=prev, prev_cls=prev_cls,
                        prev_made=" ".join(src.segment(site.file, made.value).split()), prev_line=made.stmt.lineno,
                        prev_width_expr=f"{prev}.{method}()", size_expr=src.segment(site.file, site.node))
        f.confidence = "high"  # the pipeline's own order shows which module's output the layer gets
        return


def _output_width_method(cls_name: str) -> str | None:
    """The output-width method of the installed sentence-transformers module class `cls_name`."""
    cls = _installed_class(cls_name)
    if cls is None:
        return None
    return next((name for name in _WIDTH_METHODS[::-1] if any(name in vars(k) for k in cls.__mro__)), None)
