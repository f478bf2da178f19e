"""Fixes for layer sizes: set the layer's input size where it is written (analyzers/layers.py finds the site:
the layer's call, a constant, or the call site that hands the size to a reusable class) to the width the
input really has, named as the code can name it: the encoder's `config.hidden_size`, `k * CONSTANT` for a
concatenation of k parts, else the number."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..analyzers import Finding, fact
from ..analyzers.classes import module_defs, static_int
from ..analyzers.layer_parts import readable_at
from ..analyzers.layers import SIBLING_FIELD, encoder_size_expr
from ..facts import Context
from ..model import Edit
from .requested_count import requested_count
from . import Located, edits_of, failing_statement, find_expr, locator
from .field_swapped import field_swapped
from .counted_by_hand import counted_by_hand


@locator("linear-in")
def linear_in(ctx: Context, f: Finding) -> Located:
    if "channels-last" in f.facts:
        return _channels_first(ctx, f, *f.hints["channels_last"]), None
    if "swapped-operand" in f.facts:
        file, stmt, arg, partner = f.hints["swap"]
        e = src.LineEditor.for_node(file, stmt)
        e.replace(arg, src.segment(file, partner))
        e.replace(partner, src.segment(file, arg))
        return edits_of(e), None
    if "read-before-made" in f.facts and "read_before_made" in f.hints:  # moved after the name it reads is made
        file, stmt, made = f.hints["read_before_made"]
        moved = [src.remove_statement(file, stmt), src.insert_after(file, made, src.segment(file, stmt))]
        return [e for e in moved if e is not None] if all(moved) else [], None
    if "fed-output" in f.facts:
        return [], None  # the layer's size is not what is wrong: said in words
    if "layer-replaced" in f.facts:
        made = src.remove_statement(*f.hints["replaced"])
        return ([made] if made else []), None
    if "weight-shape-swapped" in f.facts:  # `in_dim, out_dim = base.weight.shape` read the other way round
        file, stmt = f.hints["weight_swap"]
        first, second = stmt.targets[0].elts
        e = src.LineEditor.for_node(file, stmt)
        e.replace(first, second.id)
        e.replace(second, first.id)
        return edits_of(e), None
    site, hidden = f.hints.get("site"), f.hints.get("hidden")
    unsized = site is None or site.node is None or not isinstance(hidden, int)
    kept = requested_count(ctx, f) if unsized or isinstance(site.node, (ast.Name, ast.Attribute)) else []
    if kept or unsized:  # a selector kept fewer items than the count the layer was sized by
        return kept, None
    if f.hints.get("mode_sized"):  # the width follows a mode: size the layer by the same choice
        return edits_of(src.LineEditor.for_node(site.file, site.stmt).replace(site.node, f.hints["mode_sized"])), None
    value = encoder_size_expr(ctx, site, hidden, f.values.get("hidden_field", "hidden_size")) \
        if "encoder-hidden" in f.facts else None
    if value is None and f.values.get("st_width_expr") and readable_at(site.file, site.line, f.values["st_encoder"]):
        value = f.values["st_width_expr"]
    if value is None and f.values.get("prev_width_expr") and readable_at(site.file, site.line, f.values["prev"]):
        value = f.values["prev_width_expr"]
    if value is None and isinstance(site.node, ast.Name):  # `partial(Head, **DEFAULTS)` gives the parameter
        handed = _splatted_default(site, f.hints.get("in_features"), hidden)
        if handed:
            return handed, None
    if value is None and site.kind == "argument":  # `LoRALinear(getattr(parent, name), d_model)`: the wrapped layer's
        value = _wrapped_width(ctx, f, site, hidden)
    if value is None:  # `q_in = feat_dim + obs_dim` for an input that joins the features and the action
        swapped = _swapped_term(ctx, f, site, hidden)
        if swapped:
            return swapped, None
    if value is None and isinstance(site.node, ast.Name):  # `nn.Linear(fused, 2)`: the sum `fused` was made of
        made = _local_sum(site)
        scaled = _sum_scaled(ctx, src.tree_of(site.file), site, made.value, hidden) if made is not None else None
        if scaled is not None:
            return edits_of(src.LineEditor.for_node(site.file, made).replace(made.value, scaled)), None
    if value is None and isinstance(site.node, ast.Name):  # `dim_in = 2 * h + n_aux`, `n_aux` left at its 0
        passed = _defaulted_term(f, site, hidden, f.hints.get("in_features"))
        if passed:
            return passed, None
    if value is None:  # `nn.LSTM(channels * feat_h, ...)` with `feat_h = img_h // 4`, `img_h` left at its default
        defaulted = _defaulted_param(ctx, f, site, hidden, f.hints.get("in_features"))
        if defaulted:
            return defaulted, None
    if value is None:  # `spatial = cfg.image_size // 8` where the layer is fed `cfg.crop_size` images
        swapped_field = field_swapped(f, site, hidden)
        if swapped_field:
            return swapped_field, None
    if value is None and "owner-sized" in f.facts:  # `k * embedding_dimension` in the library's module
        from ..analyzers.classes import static_int
        given, want = static_int(ctx, src.tree_of(site.file), site.node), f.hints.get("in_features")
        factor = want // given if isinstance(given, int) and given and isinstance(want, int) and not want % given else None
        if factor and hidden % factor == 0:
            value = str(hidden // factor)  # the parameter is scaled by the module: give it the unscaled width
    if value is None:  # `n_meta: int = 3` beside the `META_COLUMNS` the features are built from
        counted = counted_by_hand(f, site, hidden, f.hints.get("in_features"))
        if counted:
            return counted, None
    if value is None:
        value = _sibling_layer_width(ctx, f, site, hidden)
    if value is None:
        value = _per_item(f, site) or _scaled(ctx, site, hidden, f.hints.get("in_features"))
    if value is None:
        from ..analyzers.raw_weights import width_constant
        value = _sibling_field(ctx, f, site, hidden) or _sum_field(f, site, hidden) or width_constant(
            ctx, site, hidden) or str(hidden)
    if value.isdigit() and _varies_per_pass(site):
        return [], None  # a width computed anew on each pass of a loop (per fold): one number would break the next
    if value.isdigit():
        at_caller = _param_shared(f, site, value)
        if at_caller is not None:  # `nn.LayerNorm(fused_dim)` beside `nn.Linear(fused_dim, 128)`: given by the caller
            return at_caller, None
    scaled = _scaled_at_caller(f, site, value)
    if scaled is not None:  # `d_model` sizes the class's other layers too: scaled where it is given
        return scaled, None
    return edits_of(src.LineEditor.for_node(site.file, site.stmt).replace(site.node, value)), None


_KEEPS_WIDTH = ("LayerNorm", "BatchNorm1d", "RMSNorm")
EDIT_DEFAULTED_PARAM = fact("edit-defaulted-param", "the fix passes `param`=`param_given` where `builder` is built "
                                                    "(line `call_line`): left out, the parameter keeps its default "
                                                    "`param_default`, which sizes the layer")
SIZED_BY_CALLER = fact("sized-by-caller", "the layer's size is the parameter `param` of `owner`, which sizes other "
                                          "layers too: the caller passes `param_value` instead (line `caller_line`)")


def _param_shared(f: Finding, site, value: str) -> list[Edit] | None:
    """The size is a parameter of the function that builds the layer, a width-keeping layer (`nn.LayerNorm(
    fused_dim)`) whose chain reads it again (`nn.Sequential(nn.LayerNorm(fused_dim), nn.Linear(fused_dim, 128))`):
    a number written at the layer would leave the next one behind, so the one call that gives the parameter gives
    `value` instead."""
    tree = src.tree_of(site.file)
    if tree is None or not isinstance(site.node, ast.Name):
        return None
    fn = src.enclosing_scope(tree, site.node.lineno)
    if not isinstance(fn, ast.FunctionDef) or site.node.id not in [a.arg for a in fn.args.args]:
        return None
    reads = [n for n in src.nodes(fn, ast.Name) if n.id == site.node.id and isinstance(n.ctx, ast.Load)]
    layer = next((c for c in src.calls(site.stmt) if any(a is site.node for a in c.args)
                  or any(k.value is site.node for k in c.keywords)), None)
    chain = next((c for c in src.calls(site.stmt) if src.call_name(c).split(".")[-1] == "Sequential"
                  and layer is not None and any(a is layer for a in c.args)), None)
    if len(reads) < 2 or chain is None or src.call_name(layer).split(".")[-1] not in _KEEPS_WIDTH \
            or not all(src.contains(chain, n.lineno) for n in reads):
        return None  # only a width-keeping layer whose width the next layers of its chain read too
    given = _the_call_giving(tree, fn, site.node.id)
    if given is None:
        return None
    stmt, arg, owner = given
    f.facts.add(SIZED_BY_CALLER)
    f.values.update(param=site.node.id, owner=owner, param_value=value, caller_line=stmt.lineno)
    return edits_of(src.LineEditor.for_node(site.file, stmt).replace(arg, value))


def _the_call_giving(tree: ast.Module, fn: ast.FunctionDef, param: str) -> tuple[ast.stmt, ast.expr, str] | None:
    """The one call in the file that builds `fn`'s class (for an `__init__`) or calls `fn`, when it gives `param`
    an argument: (its statement, the argument, the class's or function's name)."""
    owner = src.enclosing_class(tree, fn.lineno) if fn.name == "__init__" else None
    target = owner if owner is not None else fn
    calls = [c for c in src.calls(tree) if src.call_name(c).split(".")[-1] == target.name]
    if len(calls) != 1:
        return None
    call = calls[0]
    params = [a.arg for a in fn.args.args][1 if owner is not None else 0:]
    kw = src.keyword(call, param)
    at = params.index(param) if param in params else len(call.args)
    arg = kw.value if kw is not None else (call.args[at] if at < len(call.args) else None)
    stmt = src.statement_at(tree, call.lineno)
    if arg is None or stmt is None or isinstance(arg, ast.Starred):
        return None
    return stmt, arg, target.name


#: Facts of an input whose width the layers before it make (both directions of an RNN, parts joined).
_MADE_INSIDE = frozenset({"bidirectional-rnn", "concatenated", "parts-per-item", "layers-plus-embeddings"})


def _scaled_at_caller(f: Finding, site, value: str) -> list[Edit] | None:
    """The size is a parameter of the class or function that builds the layer (`nn.Linear(d_model, n_experts)`),
    read again by its other layers, and the fix scales it (`2 * d_model`): the one call that gives the parameter
    passes the scaled width instead (`SwitchFFN(d_model=2 * cfg.hidden_size)`), so every layer sized by it
    agrees, rather than one layer of the reusable code."""
    tree = src.tree_of(site.file)
    if tree is None or not isinstance(site.node, ast.Name) or value.isdigit() or f.facts & _MADE_INSIDE:
        return None  # (a width the class's own layers make from the same parameter scales with it)
    name = site.node.id
    fn = src.enclosing_scope(tree, site.node.lineno)
    if not isinstance(fn, ast.FunctionDef) or name not in [a.arg for a in fn.args.args] \
            or not re.search(rf"\b{name}\b", value):
        return None
    reads = [n for n in src.nodes(fn, ast.Name) if n.id == name and isinstance(n.ctx, ast.Load)]
    given = _the_call_giving(tree, fn, name) if len(reads) >= 2 else None
    if given is None:
        return None
    stmt, arg, owner = given
    text = src.segment(site.file, arg)
    if not isinstance(arg, (ast.Name, ast.Attribute, ast.Subscript, ast.Call, ast.Constant)):
        text = f"({text})"
    scaled = re.sub(rf"\b{name}\b", lambda _: text, value)
    f.facts.add(SIZED_BY_CALLER)
    f.values.update(param=name, owner=owner, param_value=scaled, caller_line=stmt.lineno)
    return edits_of(src.LineEditor.for_node(site.file, stmt).replace(arg, scaled))


def _varies_per_pass(site) -> bool:
    """Whether the size written at the site is an expression (not a number) of a construction made on each pass
    of a loop (a model per fold, per seed, per setting): the width seen on the failing pass need not be the next
    pass's, so one number written there can break the next pass."""
    tree = src.tree_of(site.file)
    if tree is None or isinstance(site.node, ast.Constant):
        return False
    return bool(src.enclosing_loops(tree, site.line))


def _splatted_default(site, want: object, hidden: int) -> list[Edit]:
    """A layer sized by a parameter of a reusable class or function (`nn.Linear(in_features, n)` in
    `TaskHead.__init__`) whose one construction hands it from a settings dict unpacked into it
    (`partial(TaskHead, **HEAD_DEFAULTS)` of `HEAD_DEFAULTS = {"in_features": 128, ...}`): the dict's item is
    where the wrong width is written, and the class keeps the width other constructions pass it."""
    tree = src.tree_of(site.file)
    fn = src.enclosing_scope(tree, site.line) if tree is not None else None
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or site.node.id not in [
            a.arg for a in (*fn.args.args, *fn.args.kwonlyargs)]:
        return []
    reads = [n for n in ast.walk(fn) if isinstance(n, ast.Name) and n.id == site.node.id and isinstance(n.ctx, ast.Load)]
    if len(reads) != 1:
        return []  # the parameter sizes other modules too (the encoder's width): not the head's own setting
    callers = src.callers_of(tree, fn)
    given = src.splatted_keyword(tree, callers[0], site.node.id) if len(callers) == 1 else None
    if not (isinstance(given, ast.Constant) and type(given.value) is int and given.value == want):
        return []
    stmt = src.statement_at(tree, given.lineno)
    return edits_of(src.LineEditor.for_node(site.file, stmt).replace(given, str(hidden))) if stmt is not None else []


SIBLING_LAYER = fact("sibling-layer", "another layer built beside this one, `sibling_layer`, takes an input "
                                      "`sibling_width` wide, written with the size this layer was given")
_INPUT_SIZES = ("in_features", "in_channels", "input_size", "embed_dim")


def _sibling_layer_width(ctx: Context, f: Finding, site, hidden: int) -> str | None:
    """`nn.Linear(cfg.num_filter_maps, ...)` beside `self.final = nn.Linear(cfg.num_filter_maps *
    len(cfg.kernel_sizes), ...)` in the same function, and the live `self.final` takes the width this layer is
    given: the sibling's expression, which already names how the width is made."""
    tree = src.tree_of(site.file)
    fn = src.enclosing_scope(tree, site.line) if tree is not None else None
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    written = src.segment(site.file, site.node)
    live = {m.expr: m for fr in ctx.frames for m in fr.modules}
    found = {}
    for st in src.statements(fn):
        if st is site.stmt or not (isinstance(st, ast.Assign) and len(st.targets) == 1
                                   and isinstance(st.value, ast.Call) and st.value.args):
            continue
        width = st.value.args[0]
        if not isinstance(width, ast.BinOp) or not any(
                n is not width and src.segment(site.file, n) == written for n in ast.walk(width)):
            continue
        name = src.segment(site.file, st.targets[0])
        module = live.get(name)
        sizes = [module.attrs.get(a) for a in _INPUT_SIZES] if module is not None else []
        if hidden in sizes:
            found[src.segment(site.file, width)] = name
    if len(found) != 1:
        return None
    text, name = found.popitem()
    if not readable_at(site.file, site.line, text):
        return None
    f.facts.add(SIBLING_LAYER)
    f.values.update(sibling_layer=name, sibling_width=text)
    return text


def _sibling_field(ctx: Context, f: Finding, site, hidden: int) -> str | None:
    """`cfg.emb_dim` written where the input is `cfg.d_model` wide: another field of the same settings object,
    which sizes a module built in the same function (`nn.Embedding(V, cfg.d_model)`), holds the input's width.
    The field's value is read from the settings class the parameter is annotated with."""
    node = site.node
    tree = src.tree_of(site.file)
    if not isinstance(node, ast.Attribute) or not isinstance(node.value, ast.Name) or tree is None:
        return None
    fn = src.enclosing_scope(tree, site.line)
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    holder = _annotated_class(tree, fn, node.value.id)
    if holder is None:
        return None
    found = set()
    for call in (c for c in ast.walk(fn) if isinstance(c, ast.Call) and c is not site.node):
        for arg in [*call.args, *(k.value for k in call.keywords)]:
            if isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name) and arg.value.id == node.value.id \
                    and arg.attr != node.attr and _class_field_int(tree, holder, arg.attr) == hidden:
                found.add(arg.attr)
    if len(found) != 1:
        return None
    field = found.pop()
    f.facts.add(SIBLING_FIELD)
    f.values.update(sibling_field=f"{node.value.id}.{field}", site_field=src.segment(site.file, node))
    return f"{node.value.id}.{field}"


SUM_FIELD = fact("sum-field", "the layer's size is a sum of fields of one settings object, and exactly one field of "
                              "its class holds what one term should be: `site_field` ({site_field_value}) is "
                              "replaced by `sum_field` ({sum_field_value}), giving `sum_fixed`")


def _sum_field(f: Finding, site, hidden: int) -> str | None:
    """`cfg.text_hidden + cfg.n_numeric` written for an input that is `cfg.text_hidden + cfg.numeric_proj` wide:
    the terms are fields of one settings class of the file (the only class defining them all); with the sum's
    value (the layer's in_features) and the constant defaults of the other terms known, exactly one pair (a
    term, another int field of the class) makes the input's width."""
    node, tree, current = site.node, src.tree_of(site.file), f.hints.get("in_features")
    terms = [t for _, t in src.signed_terms(node)] if isinstance(node, ast.BinOp) else []
    if tree is None or type(current) is not int or len(terms) < 2 or any(
            sign < 0 for sign, _ in src.signed_terms(node)) or not all(
            isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) for t in terms):
        return None
    holder = {t.value.id for t in terms}
    attrs = [t.attr for t in terms]
    classes = [c for c in src.nodes(tree, ast.ClassDef) if all(src.class_field(c, a) is not None for a in attrs)]
    if len(holder) != 1 or len(classes) != 1 or len(set(attrs)) != len(attrs):
        return None
    cls = classes[0]
    values = [_class_field_int(tree, cls, a) for a in attrs]
    if values.count(None) > 1:
        return None
    if None in values:  # the one term the text does not tell: what the layer's size leaves for it
        values[values.index(None)] = current - sum(v for v in values if v is not None)
    fields = [n.target.id for n in cls.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
              and n.target.id not in attrs]
    pairs = [(i, g, v) for i, a in enumerate(attrs) for g in fields
             if (v := _class_field_int(tree, cls, g)) is not None and v == hidden - (current - values[i])]
    if len(pairs) > 1:  # several fields hold that number: the one that sizes a layer's output is a width
        pairs = [p for p in pairs if p[1] in _output_widths(tree)]
    if len(pairs) != 1:
        return None
    i, field, value = pairs[0]
    name = next(iter(holder))
    fixed = " + ".join(f"{name}.{field}" if k == i else f"{name}.{a}" for k, a in enumerate(attrs))
    f.facts.add(SUM_FIELD)
    f.values.update(site_field=f"{name}.{attrs[i]}", site_field_value=values[i], sum_field=f"{name}.{field}",
                    sum_field_value=value, sum_fixed=fixed)
    return fixed


SWAPPED_TERM = fact("swapped-term", "the layer's size is a sum whose terms are the widths of the parts its input joins "
                                    "but one: that term (`term`, {term_value}) counts another width than the part left "
                                    "(`part`, {part_width}), which `term_fixed`, the one name there holding it, gives")


def _swapped_term(ctx: Context, f: Finding, site, hidden: int) -> list[Edit]:
    """`q_in = encoder.feat_dim + obs_dim` for an input joined as `torch.cat([z, act], dim=-1)` (64 + 7 wide):
    the sum's terms, valued as written (constants, the ints every call of the function around gives its
    parameters; one term at most unknown, worth what the layer's size leaves for it), are the parts' widths
    but one; that term is replaced, where the sum is written, by the one name readable there that holds the
    part left over (`act_dim`, 7).  The sum is written once for every layer sized by it."""
    tree = src.tree_of(site.file)
    made = _local_sum(site) if isinstance(site.node, ast.Name) else None
    stmt, node = (made, made.value) if made is not None else (site.stmt, site.node)
    current, name = f.hints.get("in_features"), f.values.get("input")
    signed = src.signed_terms(node) if isinstance(node, ast.BinOp) else []
    if tree is None or type(current) is not int or len(signed) < 2 or any(sign < 0 for sign, _ in signed) \
            or not isinstance(name, str):
        return []
    parts = _joined_widths(ctx, name)
    terms = [t for _, t in signed]
    if parts is None or len(parts) != len(terms) or sum(w for _, w in parts) != hidden:
        return []
    fn = src.enclosing_scope(tree, stmt.lineno)
    given = _params_given(ctx, tree, fn) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) else {}
    values = [static_int(ctx, tree, t, given) for t in terms]
    if values.count(None) > 1:
        return []
    if None in values:
        values[values.index(None)] = current - sum(v for v in values if v is not None)
    if sum(values) != current:
        return []
    from collections import Counter
    widths = Counter(w for _, w in parts)
    swaps = []
    for i, v in enumerate(values):
        rest = Counter(values[:i] + values[i + 1:])
        left = widths - rest
        if not rest - widths and sum(left.values()) == 1 and next(iter(left)) != v:
            swaps.append((i, next(iter(left))))
    if len(swaps) != 1:
        return []
    i, width = swaps[0]
    written = {ast.unparse(t) for t in terms}
    names = [p for p, v in given.items() if v == width and p not in written] or [
        n for n, a in module_defs(tree).items() if n not in written and isinstance(a.value, ast.Constant)
        and type(a.value.value) is int and a.value.value == width]
    part = next(p for p, w in parts if w == width and p not in {q for q, x in parts if x in values[:i] + values[i + 1:]})
    if not names and isinstance(terms[i], ast.Call) and src.call_name(terms[i]) == "len" and terms[i].args:
        names = _subset_lengths(tree, terms[i].args[0], width)  # `len(AminoAcid)` → `len(STANDARD)`
    if len(names) > 1:  # several hold that width: the one named after the part (`act_dim` for `act`)
        names = [n for n in names if n.lower().startswith(part.split(".")[-1].lower())]
    if not names:  # `cfg.point_dims[-1]` where the part is as wide as `cfg.point_dims[0]`
        names = [n for n in [_sibling_item(site.file, tree, terms[i], width)] if n is not None]
    if len(names) != 1:
        return []
    f.facts.add(SWAPPED_TERM)
    f.values.update(term=src.segment(site.file, terms[i]), term_value=values[i], term_fixed=names[0], part=part,
                    part_width=width, sum_text=" ".join(src.segment(site.file, node).split()))
    return edits_of(src.LineEditor.for_node(site.file, stmt).replace(terms[i], names[0]))


def _subset_lengths(tree: ast.Module, whole: ast.expr, width: int) -> list[str]:
    """`len(STANDARD)` for the term `len(AminoAcid)` when the module makes `STANDARD` from `AminoAcid` (a part of
    it: `tuple(aa.name for aa in AminoAcid)[:20]`) with `width` items as written: the collection the part was
    built over, derived from the one the sum counts."""
    from ..analyzers.classes import enum_sizes, static_len
    if not isinstance(whole, ast.Name):
        return []
    defs = module_defs(tree)
    out = []
    for name, a in defs.items():
        if name == whole.id or not any(isinstance(n, ast.Name) and n.id == whole.id for n in ast.walk(a.value)):
            continue
        if static_len(a.value, defs, enums=enum_sizes(tree))[0] == width:
            out.append(f"len({name})")
    return out


def _sibling_item(file: str, tree: ast.Module, term: ast.AST, width: int) -> str | None:
    """`cfg.point_dims[0]` for the term `cfg.point_dims[-1]` when the tuple's items are written (a module
    constant, or the default of a settings class's field) and exactly one other item is `width`."""
    from ..analyzers.consistency import _const
    from ..analyzers.lengths import field_default_value
    if not (isinstance(term, ast.Subscript) and _const(term.slice) is not None):
        return None
    base = term.value
    if isinstance(base, ast.Name):
        made = module_defs(tree).get(base.id)
        written = made.value if made is not None else None
    elif isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name):
        written = field_default_value(tree, base.value.id, base.attr)
    else:
        written = None
    if not isinstance(written, (ast.Tuple, ast.List)) or not all(
            isinstance(e, ast.Constant) and type(e.value) is int for e in written.elts):
        return None
    items = [e.value for e in written.elts]
    at = [k for k, v in enumerate(items) if v == width]
    now = _const(term.slice)
    if len(at) != 1 or not -len(items) <= now < len(items) or at[0] == now % len(items):
        return None
    return f"{src.segment(file, base)}[{at[0]}]"


WRAPPED_WIDTH = fact("wrapped-width", "the layer's module wraps another layer (`wrapped`, kept as `wrapped_attr`) "
                                      "whose in_features is the input's width; the call site sizes the new layer "
                                      "with a setting instead of the wrapped layer's own width")


def _wrapped_width(ctx: Context, f: Finding, site, hidden: int) -> str | None:
    """`LoRALinear(getattr(parent, name), d_model, rank=rank)` for a class that keeps its first argument as
    `self.base` (a Linear taking the input's `hidden` features) and builds `nn.Linear(d_model, rank)` beside it:
    the adapter takes the width of the layer it wraps, `getattr(parent, name).in_features`, whichever layer
    that is (a wrapper applied to several layers: one number would break the others)."""
    layer = f.hints.get("layer_name")
    for frame in ctx.user_frames():
        if not any(m.expr == f"self.{layer}" for m in frame.modules):
            continue
        kept = [m.expr.split(".", 1)[1] for m in frame.modules if m.expr.count(".") == 1 and m.expr != f"self.{layer}"
                and m.cls in ("Linear", "LazyLinear") and m.attrs.get("in_features") == hidden]
        ftree = src.tree_of(frame.file)
        cls = src.enclosing_class(ftree, frame.line) if ftree is not None and frame.file == site.file else None
        init = next((n for n in (cls.body if cls else []) if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
        if init is None or len(kept) != 1:
            return None
        params = [a.arg for a in init.args.args][1:]
        given = next((st.value.id for st in init.body if isinstance(st, ast.Assign) and len(st.targets) == 1
                      and isinstance(st.targets[0], ast.Attribute) and st.targets[0].attr == kept[0]
                      and isinstance(st.value, ast.Name) and st.value.id in params), None)
        call = next((c for c in src.calls(site.stmt) if src.call_name(c).split(".")[-1] == cls.name), None)
        if given is None or call is None:
            return None
        kw = src.keyword(call, given)
        at = params.index(given)
        arg = kw.value if kw is not None else call.args[at] if at < len(call.args) else None
        if arg is None or isinstance(arg, ast.Starred):
            return None
        text = src.segment(site.file, arg)
        f.facts.add(WRAPPED_WIDTH)
        f.values.update(wrapped=text, wrapped_attr=f"self.{kept[0]}", wrapped_width=f"{text}.in_features")
        return f"{text}.in_features"
    return None


def _joined_widths(ctx: Context, name: str) -> list[tuple[str, int]] | None:
    """The parts `name` joins side by side (`torch.cat([z, act], dim=-1)` where it is made, in a user frame that
    holds them) and their widths, the last dimension of each; None unless every part is a tensor there."""
    from ..analyzers.consistency import operand_shape
    from ..analyzers.layer_parts import joined_parts
    for frame in ctx.user_frames():
        tree = src.tree_of(frame.file)
        if name.isidentifier():
            made = src.last_assignment(tree, name, frame.line) if tree is not None else None
            joined = joined_parts(frame.file, tree, made.value, made.stmt.lineno) if made is not None else None
        else:  # the layer is given the join itself: `self.head(torch.cat([pooled, comp], dim=-1))`
            stmt = src.statement_at(tree, frame.line) if tree is not None else None
            inline = next((c for c in src.calls(stmt) if " ".join(ast.unparse(c).split()) == " ".join(name.split())),
                          None) if stmt is not None else None
            joined = joined_parts(frame.file, tree, inline, frame.line) if inline is not None else None
        if joined is None or joined[1] is not None or not isinstance(joined[0].args[0], (ast.List, ast.Tuple)):
            continue
        cat = joined[0]
        dim = src.keyword(cat, "dim")
        dim = dim.value if dim is not None else cat.args[1] if len(cat.args) > 1 else None
        out, ndim = [], None
        for elt in cat.args[0].elts:  # `z`, `feats[0].transpose(1, 2)`, `g.unsqueeze(1).expand(-1, n, -1)`
            shape = operand_shape(frame, elt)
            if not shape:
                return None
            out.append((src.segment(frame.file, elt), int(shape[-1])))
            ndim = len(shape) if ndim is None else ndim
        at = dim.value if isinstance(dim, ast.Constant) else -dim.operand.value if isinstance(
            dim, ast.UnaryOp) and isinstance(dim.op, ast.USub) and isinstance(dim.operand, ast.Constant) else None
        return out if at in (-1, ndim - 1) else None
    return None


def _params_given(ctx: Context, tree: ast.Module, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, int]:
    """The int each parameter of `fn` holds in every call of it in the file (the constructions of its class for
    an `__init__`), when they all give the same one; a call that leaves a parameter out gives its default."""
    params = [a.arg for a in fn.args.args]
    params = params[1:] if params[:1] in (["self"], ["cls"]) else params
    callers = src.callers_of(tree, fn)
    if not callers or any(isinstance(a, ast.Starred) for c in callers for a in c.args) \
            or any(k.arg is None for c in callers for k in c.keywords):
        return {}
    defaults, out = src.param_defaults(fn), {}
    for at, p in enumerate(params):
        held = set()
        for c in callers:
            kw = src.keyword(c, p)
            arg = kw.value if kw is not None else c.args[at] if at < len(c.args) else defaults.get(p)
            held.add(static_int(ctx, tree, arg) if arg is not None else None)
        if len(held) == 1 and isinstance(v := held.pop(), int):
            out[p] = v
    return out


def _output_widths(tree: ast.Module) -> set[str]:
    """The attribute names that give a layer of the file its output width: the second argument (or
    `out_features=`) of an `nn.Linear(...)` call, as `cfg.numeric_proj` of `nn.Linear(cfg.n_numeric,
    cfg.numeric_proj)`."""
    out = set()
    for call in src.calls(tree):
        if not src.call_name(call).endswith("Linear"):
            continue
        width = call.args[1] if len(call.args) > 1 else getattr(src.keyword(call, "out_features"), "value", None)
        if isinstance(width, ast.Attribute):
            out.add(width.attr)
    return out


def _annotated_class(tree: ast.Module, fn: ast.FunctionDef | ast.AsyncFunctionDef, param: str) -> ast.ClassDef | None:
    """The file's class a parameter of `fn` is annotated with (`cfg: EncoderSettings`)."""
    args = [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]
    ann = next((a.annotation for a in args if a.arg == param), None)
    if not isinstance(ann, ast.Name):
        return None
    return next((c for c in src.nodes(tree, ast.ClassDef) if c.name == ann.id), None)


def _class_field_int(tree: ast.Module, cls: ast.ClassDef, field: str) -> int | None:
    """The int a settings class's field holds: its default when no construction of the class in the file
    passes the field, else the one constant every construction passes for it."""
    made = [c for c in src.calls(tree) if isinstance(c.func, ast.Name) and c.func.id == cls.name]
    if any(c.args or any(k.arg is None for k in c.keywords) for c in made):
        return None
    passed = [src.keyword(c, field) for c in made]
    if not any(passed):
        value = src.class_field(cls, field)
        return value.value if isinstance(value, ast.Constant) and type(value.value) is int else None
    values = {k.value.value if k is not None and isinstance(k.value, ast.Constant) else None for k in passed}
    value = values.pop() if len(values) == 1 else None
    return value if type(value) is int else None


def _defaulted_term(f: Finding, site, hidden: int, current: object) -> list:
    """The layer's size is a local sum (`dim_in = 2 * dim_hidden + n_aux`) with a term that is a parameter of the
    builder left at its default 0 by the builder's one call in the file: that call passes the missing width
    (`build_head(..., n_aux=3)`)."""
    if not isinstance(current, int) or hidden <= current:
        return []
    tree = src.tree_of(site.file)
    fn = src.enclosing_scope(tree, site.line) if tree is not None else None
    if not isinstance(fn, ast.FunctionDef):
        return []
    made = src.assignments(tree, site.node.id, fn, before=site.line)
    value = made[-1].value if len(made) == 1 and not made[0].augmented else None
    if not (isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add)):
        return []
    defaults = src.param_defaults(fn)
    terms = [t for sign, t in src.signed_terms(value) if sign > 0 and isinstance(t, ast.Name)
             and isinstance(defaults.get(t.id), ast.Constant) and defaults[t.id].value == 0]
    calls = [c for c in src.calls(tree) if src.call_name(c).rpartition(".")[2] == fn.name]
    if len(terms) != 1 or len(calls) != 1 or src.keyword(calls[0], terms[0].id) is not None \
            or any(k.arg is None for k in calls[0].keywords):
        return []
    params = [a.arg for a in fn.args.args]
    if terms[0].id in params and params.index(terms[0].id) < len(calls[0].args):
        return []  # given by position
    stmt = src.statement_at(tree, calls[0].lineno)
    if stmt is None:
        return []
    f.facts.add("edit-defaulted-term")
    f.values.update(term=terms[0].id, missing=hidden - current, builder=fn.name, size_name=site.node.id)
    editor = src.LineEditor.for_node(site.file, stmt)
    return edits_of(editor.add_keywords(calls[0], f"{terms[0].id}={hidden - current}"))


def _defaulted_param(ctx: Context, f: Finding, site, hidden: int, current: object) -> list:
    """The layer's size is computed in a class's `__init__` (or a builder function) from a parameter its one call
    in the file leaves at its default (`PlateCRNN(num_classes)` with `img_h=32`), and exactly one int constant of
    the file, given to that parameter, makes the size the input's width: that call passes it (`img_h=STRIP_H`),
    rather than a number written into the reusable code."""
    tree = src.tree_of(site.file)
    fn = src.enclosing_scope(tree, site.line) if tree is not None else None
    if not isinstance(fn, ast.FunctionDef) or not isinstance(current, int) or site.node is None:
        return []
    owner = src.enclosing_class(tree, fn.lineno) if fn.name == "__init__" else None
    builder = owner.name if owner is not None else fn.name
    calls = [c for c in src.calls(tree) if src.call_name(c).rpartition(".")[2] == builder]
    if len(calls) != 1 or any(k.arg is None for k in calls[0].keywords) or \
            any(isinstance(a, ast.Starred) for a in calls[0].args):
        return []
    params = [a.arg for a in fn.args.args]
    params = params[1:] if params[:1] in (["self"], ["cls"]) else params
    given = {params[i] for i in range(min(len(params), len(calls[0].args)))} | {k.arg for k in calls[0].keywords}
    defaults = {k: v.value for k, v in src.param_defaults(fn).items() if isinstance(v, ast.Constant)
                and type(v.value) is int and k not in given}

    def size_with(values: dict[str, int]) -> int | None:
        known = dict(values)
        for stmt in sorted(src.statements(fn), key=lambda st: st.lineno):
            if stmt.lineno >= site.line:
                break
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                v = static_int(ctx, tree, stmt.value, known)
                if v is not None:
                    known[stmt.targets[0].id] = v
        return static_int(ctx, tree, site.node, known)

    if not defaults or size_with(defaults) != current:
        return []  # the size is not read from these defaults as far as the source shows
    constants = {name: a.value.value for name, a in module_defs(tree).items() if isinstance(a.value, ast.Constant)
                 and type(a.value.value) is int and name.isupper()}
    hits = [(param, name) for param in defaults for name, v in constants.items()
            if v != defaults[param] and size_with({**defaults, param: v}) == hidden]
    if len(hits) != 1:
        return []
    param, name = hits[0]
    stmt = src.statement_at(tree, calls[0].lineno)
    if stmt is None:
        return []
    f.facts.add(EDIT_DEFAULTED_PARAM)
    f.values.update(param=param, param_default=defaults[param], param_given=name, param_value=constants[name],
                    builder=builder, call_line=calls[0].lineno)
    return edits_of(src.LineEditor.for_node(site.file, stmt).add_keywords(calls[0], f"{param}={name}"))


def _local_sum(site) -> ast.Assign | None:
    """The one assignment of the local name `site.node` in the function around the site, before it, when its
    value is a sum (`fused = cfg.hidden_size + hp["extra"]`)."""
    tree = src.tree_of(site.file)
    scope = src.enclosing_scope(tree, site.line) if tree is not None else None
    if scope is None or isinstance(scope, ast.Module):
        return None
    made = [a for a in src.assignments(tree, site.node.id, scope, before=site.line)]
    if len(made) != 1 or made[0].augmented or not isinstance(made[0].stmt, ast.Assign):
        return None
    value = made[0].stmt.value
    return made[0].stmt if isinstance(value, ast.BinOp) and isinstance(value.op, (ast.Add, ast.Sub)) else None


def _per_item(f: Finding, site) -> str | None:
    """`len(filter_sizes) * n_filters` (`n_pool * width` for `range(n_pool)`) for an input joined from one part
    per item of a collection, each part as wide as the layer's current size: when that count can be read
    where the layer is built."""
    count = f.values.get("parts_count")
    if "parts-per-item" not in f.facts or not count or f.values.get("part") != f.values.get("in_features"):
        return None
    if not readable_at(site.file, site.line, count):
        return None
    size = src.segment(site.file, site.node)
    if not re.fullmatch(r"[\w.]+", size):
        size = f"({size})"
    return f"{count} * {size}"


def _scaled(ctx: Context, site, hidden: int, current: int | None = None) -> str | None:
    """`2 * HIDDEN_SIZE` written for a width of 3 * HIDDEN_SIZE, or `HID` for 2 * HID: the factor changed,
    the name kept (a name whose value the text does not give, such as a parameter, is the layer's `current`
    size)."""
    node = site.node
    tree = src.tree_of(site.file)
    if tree is None:
        return None
    if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):  # `HID` / `cfg.hidden` for a width of 2 * HID
        unit = _known_int(ctx, tree, node) or current
        text = src.segment(site.file, node)
        return f"{hidden // unit} * {text}" if unit and unit != hidden and hidden % unit == 0 else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        return _sum_scaled(ctx, tree, site, node, hidden)
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult)):
        return None
    for const, other in ((node.left, node.right), (node.right, node.left)):
        if isinstance(const, ast.Constant) and type(const.value) is int:
            unit = static_int(ctx, tree, other)
            if unit is None and current and const.value and current % const.value == 0:
                unit = current // const.value  # `3 * cfg["hidden_size"]` built as 96: the unit is 32
            if unit and hidden % unit == 0:
                return f"{hidden // unit} * {src.segment(site.file, other)}"
    for unit_node, count_node in ((node.left, node.right), (node.right, node.left)):
        # `cfg.hidden_size * cfg.num_hidden_layers` for a width of hidden_size * (num_hidden_layers + 1):
        # the count is one or two short, the unit kept
        unit, count = _known_int(ctx, tree, unit_node), _known_int(ctx, tree, count_node)
        if unit and count and hidden % unit == 0 and 0 < hidden // unit - count <= 2:
            return (f"{src.segment(site.file, unit_node)} * "
                    f"({src.segment(site.file, count_node)} + {hidden // unit - count})")
    return None


def _sum_scaled(ctx: Context, tree: ast.Module, site, node: ast.BinOp, hidden: int) -> str | None:
    """`2 * hidden + 8` written `hidden + 8` for a width of 136 with hidden = 64: the one named term of a sum
    whose multiple makes the width, the other terms kept (a bidirectional encoder's two directions joined)."""
    terms = src.signed_terms(node)
    values = [_term_int(ctx, tree, t) for _, t in terms]
    if any(v is None for v in values):
        return None
    named = [k for k, (sign, t) in enumerate(terms) if sign > 0 and isinstance(t, (ast.Name, ast.Attribute,
                                                                                     ast.Subscript))]

    def multiple(k: int) -> bool:
        rest = sum(sign * v for j, ((sign, _), v) in enumerate(zip(terms, values)) if j != k)
        return bool(values[k]) and not (hidden - rest) % values[k] and (hidden - rest) // values[k] >= 2
    fits = [k for k in named if multiple(k)]
    if len(fits) != 1:  # one named term whose multiple makes the width, and only one
        return None
    k = fits[0]
    rest = sum(sign * v for j, ((sign, _), v) in enumerate(zip(terms, values)) if j != k)
    unit = values[k]
    text = src.segment(site.file, node)
    term = terms[k][1]
    start, end = term.col_offset - node.col_offset, term.end_col_offset - node.col_offset
    if term.lineno != node.lineno or term.end_lineno != node.lineno:
        return None
    return f"{text[:start]}{(hidden - rest) // unit} * {text[start:end]}{text[end:]}"


def _term_int(ctx: Context, tree: ast.Module, node: ast.AST) -> int | None:
    """static_int, or the default of the enclosing function's parameter it names when no call passes it."""
    value = _known_int(ctx, tree, node)
    if value is None and isinstance(node, ast.Name):
        from ..analyzers.lengths import int_constant
        const = int_constant(tree, node)
        value = const.value if const is not None else None
    return value


def _known_int(ctx: Context, tree: ast.Module, node: ast.AST) -> int | None:
    """static_int, or a model config's field read as `config.<field>`."""
    value = static_int(ctx, tree, node)
    if value is None and isinstance(node, ast.Attribute):
        field = ctx.config().get(node.attr)
        value = field if type(field) is int else None
    return value


ITEM_MOVED = fact("item-moved", "the batch is a stack of the items `dataset`.__getitem__ returns "
                                "(line `item_line`), each channels-last as well: moved there, as `item_moved`")


def _channels_first(ctx: Context, f: Finding, inp, moved: str) -> list:
    """The convolution's input moved to (batch, channels, ...): where the user's Dataset makes each item, when
    the batch is a DataLoader's stack of them (every call of the model gets it so), else where the layer is
    called."""
    frame = ctx.frames[inp.frame]
    found = failing_statement(frame)
    if found is None:
        return []
    at_item = _item_channels_first(ctx, frame, found[1], inp)
    if at_item:
        f.facts.add(ITEM_MOVED)
        f.values.update(at_item[1])
        return at_item[0]
    node = find_expr(frame.file, found[1], inp.expr)
    if node is None:
        return []
    return edits_of(src.LineEditor.for_node(frame.file, found[1]).replace(node, moved))


def _item_channels_first(ctx: Context, frame, stmt: ast.stmt, inp) -> tuple[list, dict] | None:
    """`for imgs, y in loader:` around the failing line, `loader` a DataLoader without its own `collate_fn`
    over the user's one Dataset, whose `__getitem__` returns `img, label`: each item is channels-last too,
    (H, W, C), and is moved to (C, H, W) where it is returned (after any per-channel normalisation)."""
    from ..batches import user_datasets
    tree = src.tree_of(frame.file)
    if tree is None or not inp.expr.isidentifier() or len(inp.shape) not in (3, 4):
        return None
    loops = [n for n in src.path_to(tree, stmt.lineno) if isinstance(n, ast.For) and n is not stmt]
    loop = next((n for n in reversed(loops) if inp.expr in src.names_in(n.target)), None)
    if loop is None or not isinstance(loop.iter, ast.Name):
        return None
    target = loop.target
    place = [i for i, e in enumerate(target.elts) if isinstance(e, ast.Name) and e.id == inp.expr] \
        if isinstance(target, ast.Tuple) else None
    if place is not None and len(place) != 1:
        return None
    made = [n for n in src.nodes(tree, ast.Call) if src.call_name(n).split(".")[-1] == "DataLoader"]
    if not made or any(k.arg == "collate_fn" for n in made for k in n.keywords) or any(len(n.args) > 4 for n in made):
        return None
    found = user_datasets(ctx)
    if len(found) != 1:
        return None
    file, cls = found[0]
    get = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__getitem__"), None)
    returns = [r for r in src.statements(get) if isinstance(r, ast.Return)] if get is not None else []
    if len(returns) != 1 or returns[0].value is None:
        return None
    value = returns[0].value
    if place is not None:
        if not isinstance(value, ast.Tuple) or len(value.elts) != len(target.elts):
            return None
        value = value.elts[place[0]]
    move = ".permute(2, 0, 1)" if len(inp.shape) == 4 else ".transpose(0, 1)"
    atom = isinstance(value, (ast.Name, ast.Call, ast.Attribute, ast.Subscript))
    text = src.segment(file, value) if atom else f"({src.segment(file, value)})"
    edits = edits_of(src.LineEditor.for_node(file, returns[0]).replace(value, text + move))
    return (edits, {"dataset": cls.name, "item_line": returns[0].lineno, "item_moved": text + move}) if edits \
        else None
