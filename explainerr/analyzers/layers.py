"""Analyzers for layer sizes: a layer built for another feature size than the tensor fed to it (a Linear's
in_features, a Conv's in_channels, an RNN's input_size, a LayerNorm's shape, an attention's embed_dim).

The width the input really has is explained by what made it: an encoder whose config has that hidden size,
or a concatenation of several vectors.  Where the layer's size was written is found in the user's source:
the layer's own call, a constant, or (for a reusable class) the call site that passed the size.
"""
from __future__ import annotations

import ast
import re

from .. import source as src
from .layout import (displaced, examples_joined_along_sequence, features_first, fixed_rows_flatten, squeezed_by,
                     window_args_swapped)
from .reduction import joined_along_other_dim, reduced_over
from ..facts import Context
from ..model import FrameFacts, ModuleFacts, TensorFacts
from . import Finding, analyzer, evidence, fact, value_evidence
from .classes import SizeSite, keyword_site, layer_site, module_defs, static_int
from .label_range import CONFIG_FIELD
from .mode_width import mode_width
from .raw_weights import trained_weight, weight_site
from .layer_parts import container_item_site, count_expr, joined_parts, layer_path, own_layer_site, path_expr, static_count
from .sentence_width import owner_site, previous_module, sentence_width

ENCODER_HIDDEN = fact("encoder-hidden", "a transformers encoder in the frames has hidden_size equal to the input's "
                                        "width (`encoder`)")
CONCATENATED = fact("concatenated", "the input was made by concatenating `n_parts` vectors (`concat`)")
LAYERS_PLUS_EMBEDDINGS = fact("layers-plus-embeddings", "the input joins the model's `hidden_states`, one more "
                                                        "than num_hidden_layers (the embeddings' output comes first)")
EDIT_DEFAULTED_TERM = fact("edit-defaulted-term", "the fix passes the builder's parameter `term` (left at its default "
                                                  "0) the `missing` features the layer's size `size_name` lacks")
SIBLING_FIELD = fact("sibling-field", "the fix sizes the layer with another field of the same settings object "
                                      "(`sibling_field`), which holds the input's width and sizes another module "
                                      "built in the same function, in place of `site_field`")
SIZE_FROM_CALL = fact("size-from-call-site", "a reusable class got the wrong size from the call that builds it")
LINEAR_LAYER = fact("linear-layer", "the layer that refused its input is a Linear")
CHANNELS_LAST = fact("channels-last", "a convolution got (batch, length, channels): its channels are the input's last "
                                      "dimension (`moved`: the input with them in dimension 1)")
SIZE_WRITTEN = fact("size-written", "the layer's size is written in the user's code (`site`, `site_line`)")
SIZE_NAMED = fact("size-named", "the layer's size is a local name computed in the same function (`size_name` = "
                                "`size_made`, line `size_made_line`)")
PARTS_PER_ITEM = fact("parts-per-item", "the input joins one part per item of a collection of the user's code "
                                        "(`parts_of`), each part as wide as the layer's size")
OTHER_FIELD = fact("other-config-field", "the layer's size is read from another field of the encoder's config "
                                         "(`size_expr`) than the hidden size it outputs (`hidden_field`)")
READ_BEFORE_MADE = fact("read-before-made", "the layer is built from a name the loop body assigns only after it "
                                            "(`made_name`, line `made_line`): it reads the previous pass's value")
SIZE_SET_AGAIN = fact("size-set-again", "the layer's size is a global set again (`again_name`, line `again_line`) "
                                        "after the modules that make its input were built with its earlier value")
FED_OUTPUT = fact("fed-output", "the input already has the layer's output width (`out_features`): the layer maps "
                                 "`in_features` to `out_features` and was given a tensor of the output side")
SWAPPED_OPERAND = fact("swapped-operand", "the call that gets the layer's result has another operand (`partner`) of "
                                          "the layer's input width: the two operands look swapped")
BIDIRECTIONAL = fact("bidirectional-rnn", "the input comes from a bidirectional RNN (`rnn`) whose hidden size "
                                         "(`rnn_hidden`) the layer was built for: its two directions side by side "
                                         "are twice as wide")
WEIGHT_SHAPE_SWAPPED = fact("weight-shape-swapped", "the layer's size is the first of two names unpacked from another "
                                                  "layer's weight shape (`unpacked`, line `unpacked_line`): a Linear "
                                                  "stores its weight as (out_features, in_features), so that name "
                                                  "holds `weight_of`'s output width (the fix swaps the two names)")
#: Config fields that hold the width of a transformers encoder's output, by model family.
HIDDEN_FIELDS = ("hidden_size", "dim", "d_model", "n_embd")

#: layer class → (its size attribute, the constructor argument that sets it, its position)
LAYERS = {"Linear": ("in_features", "in_features", 0), "LazyLinear": ("in_features", "in_features", 0),
          "Conv1d": ("in_channels", "in_channels", 0), "Conv2d": ("in_channels", "in_channels", 0),
          "LSTM": ("input_size", "input_size", 0), "GRU": ("input_size", "input_size", 0),
          "RNN": ("input_size", "input_size", 0), "LayerNorm": ("normalized_shape", "normalized_shape", 0),
          "MultiheadAttention": ("embed_dim", "embed_dim", 0), "Bilinear": ("in1_features", "in1_features", 0)}


@analyzer("linear-in-features-differ")
def layer_input_width(ctx: Context) -> Finding | None:
    got, want = ctx.int_group("m1c"), ctx.int_group("m2r")
    if got is None or want is None or got == want:
        return None
    layer = next((m for m in ctx.raising_modules() if m.cls in LAYERS), None)
    if layer is not None and _size_of(layer) not in (None, want):
        return None
    cls = layer.cls if layer is not None else "Linear"
    attr, param, position = LAYERS.get(cls, LAYERS["Linear"])
    name = str(layer.attrs["name"]) if layer is not None and layer.attrs.get("name") else None
    path = layer_path(ctx) if name else []
    frame = ctx.user
    if layer is None and _matmul_of_data(ctx, frame):
        return None  # `torch.mm(a, b)` / `a @ b` between two data tensors: no layer has a size to blame
    # the user's call is the layer's own only when nothing but torch's module plumbing lies between them
    direct = all(_in_torch_nn(fr.file) for fr in ctx.raise_frames())
    inp = _input(frame) if direct else None
    weight = trained_weight(frame) if layer is None else None
    if name is None and frame is not None and weight is None:
        m = re.search(r"(?:self\.)?(\w+)\s*\($", (frame.node or "").split("(")[0] + "(")
        name = m.group(1) if m else None
    fed = frame.call_args[0].text if direct and frame is not None and frame.call_args else None
    if frame is not None and fed and reduced_over(ctx, frame, fed, want, got):
        return None  # the features were reduced over the dimension the layer takes
    if frame is not None and fed and joined_along_other_dim(ctx, frame, fed, want, got):
        return None  # parts meant side by side along the features were joined along another dimension
    given = inp or (frame.tensor(frame.call_args[0].text) if frame is not None and frame.call_args else None)
    if given is not None and len(given.shape) == 1 and want == 1 and squeezed_by(ctx, given):
        return None  # one feature per example squeezed away with `squeeze()`: the batch became the features
    if given is not None and got % want == 0 and got > want and examples_joined_along_sequence(ctx, given, first=True):
        return None  # the collate function piled the examples' rows up (`cat`): the batch dimension is missing
    if inp is not None and displaced(ctx, inp, 1 if cls.startswith("Conv") else -1, want):
        return None  # the features are in the input, in another place: the user's axis operation put them there
    if inp is not None and not cls.startswith("Conv") and features_first(ctx, inp, want):
        return None  # each example was stacked features-first: the layer gets the steps, its size is right
    if ctx.int_group("m1r") == 1 and _batch_flattened(ctx, want, got):
        return None  # one row as wide as a batch of inputs: the batch was flattened into the features
    if window_args_swapped(ctx, want, got):
        return None  # windows cut with their size and step swapped: as long as the step, the layer is right
    if inp is not None and fixed_rows_flatten(ctx, inp, want):
        return None  # flattened into a fixed number of rows: a smaller batch was folded, the layer is right
    item_of = None  # `intent_head(x)` of `intent_head = nn.Sequential(..., nn.Linear(...))`: the item's root
    if name is not None and name.isdigit() and len(path) <= 1 and direct and frame is not None:
        called = re.match(r"\s*((?:self\.)?\w+)\s*\(", frame.node or "")
        item_of = called.group(1) if called else None
    f = Finding()
    out = ctx.int_group("m2c")
    local = name is not None and frame is not None and any(m.expr == name for m in frame.modules)
    f.values.update(layer=weight or path_expr(path) or (f"{item_of}[{name}]" if item_of else None) or (name if local else f"self.{name}" if name and not name.isdigit()
                                                        else f"the {cls} layer"),
                    layer_name=name or cls.lower(),
                    layer_cls=cls, size_attr=attr, in_features=want, hidden=got,
                    input=inp.expr if inp is not None else (frame.call_args[0].text if direct and frame and
                                                            frame.call_args else None),
                    built_as=f"a ({out}, {want}) weight" if weight and out is not None else
                    f"{cls}({want}, {out})" if out is not None else f"{cls}({want}, ...)")
    e = evidence(inp)
    if e:
        f.evidence.append(e)
    f.evidence.append(value_evidence(f"{f.values['layer']}.{'shape[1]' if weight else attr}", want))
    if cls in ("Linear", "LazyLinear"):
        f.facts.add(LINEAR_LAYER)
    shape = tuple(int(x) for x in re.findall(r"\d+", ctx.groups.get("input_shape", "")))
    if cls.startswith("Conv") and len(shape) in (3, 4) and shape[-1] == want and inp is not None:
        f.facts.add(CHANNELS_LAST)
        moved = f"{inp.expr}.transpose(1, 2)" if len(shape) == 3 else f"{inp.expr}.permute(0, 3, 1, 2)"
        f.values.update(input_shape="(" + ", ".join(map(str, shape)) + ")", moved=moved,
                        layout="(batch, channels, length)" if len(shape) == 3 else "(batch, channels, height, width)",
                        first_axis="positions" if len(shape) == 3 else "rows")
        f.hints.update(channels_last=(inp, moved))
        f.confidence = "high"
        return f
    _explain_width(ctx, f, frame, inp, got)
    if out == got and cls in ("Linear", "LazyLinear"):
        f.facts.add(FED_OUTPUT)
        f.values["out_features"] = out
        swapped_operand(ctx, f, name, want, got)
    from .replaced_layer import replaced_layer
    if replaced_layer(ctx, f, layer):
        f.hints.update(layer_name=name, in_features=want, hidden=got, site=None)
        return f
    own = own_layer_site(ctx, path, tuple(LAYERS), position, param)
    if own is None and item_of is not None:
        own = container_item_site(ctx, item_of, name, tuple(LAYERS), position, param)
    site = layer_site(ctx, tuple(k for k, v in LAYERS.items() if v[0] == attr), want, position, param, name,
                      ident=layer.ident if layer is not None else None,
                      built=own.call if own is not None and len(path) > 1 else None, path=tuple(path)) or \
        keyword_site(ctx, want, (param, "in_features", "input_size", "in_channels", "embed_dim", "input_dim", "in_dim"),
                     follow_names=False) or own
    if site is None and weight is not None:  # `F.linear(h, params["W_out"])`: where that weight is made
        site = weight_site(ctx, frame, weight, want)
    if site is None:  # the layer is part of a library module the user built (a sentence-transformers Dense)
        owned = owner_site(ctx, want, f)
        if owned is not None:
            site = owned[0]
            previous_module(ctx, f, site, owned[1])
    if site is not None and site.node is not None and not f.facts & {ENCODER_HIDDEN, CONCATENATED, BIDIRECTIONAL} \
            and _read_from_data(site.node):
        return None  # sized by the width of the data it was built with: this input has other columns
    if site is not None and ENCODER_HIDDEN in f.facts:
        _other_field(ctx, f, site)
    if site is not None:
        f.facts.add(SIZE_FROM_CALL if site.kind == "argument" else SIZE_WRITTEN)
        f.values.update(site=site.text, site_line=site.line)
        _size_named(f, site)
        _weight_shape_swapped(f, site)
        _size_set_again(f, site, want, got)
        _read_before_made(f, site)
        sentence_width(ctx, f, site, got)
        _layers_plus_embeddings(ctx, f, site, want, got)
        if frame is not None:
            mode_width(f, frame, site, want, got)
    f.hints.update(layer_name=name, in_features=want, hidden=got, site=site, encoder=f.values.get("encoder"))
    concat_of_hidden = want % got == 0 and want // got in (2, 3, 4)  # the input may be one part of a concatenation
    counted = PARTS_PER_ITEM not in f.facts or f.hints.get("parts_counted")  # the parts' number read, not inferred
    if site is not None and ((CONCATENATED in f.facts and counted) or OTHER_FIELD in f.facts or BIDIRECTIONAL in f.facts
                             or (ENCODER_HIDDEN in f.facts and not concat_of_hidden)) and FED_OUTPUT not in f.facts:
        f.confidence = "high"
    return f


def swapped_operand(ctx: Context, f: Finding, name: str | None, want: int, got: int) -> None:
    """`loss(self.proj(a), b)` where `a` has the layer's output width and `b` its input width: the layer
    belongs on `b` (hints `swap`: file, statement, the layer's argument, the partner)."""
    frame = ctx.user
    tree = src.tree_of(frame.file) if frame is not None and name else None
    stmt = src.statement_at(tree, frame.line) if tree is not None else None
    for call in src.calls(stmt) if stmt is not None else ():
        layer = next((a for a in call.args if isinstance(a, ast.Call) and len(a.args) == 1
                      and src.segment(frame.file, a.func).split(".")[-1] == name), None)
        others = [a for a in call.args if a is not layer]
        if layer is None or len(others) != 1:
            continue
        arg, partner = layer.args[0], others[0]
        if _width(frame, src.segment(frame.file, arg)) == got and _width(frame, src.segment(frame.file, partner)) == want:
            f.facts.add(SWAPPED_OPERAND)
            f.values["partner"] = src.segment(frame.file, partner)
            f.hints["swap"] = (frame.file, stmt, arg, partner)
            return


def _batch_flattened(ctx: Context, want: int, got: int) -> bool:
    """The layer got a single row `got` wide, `got` = k x `want`, and the inputs of the user's frames hold a batch
    of k examples (a tensor of two or more dimensions with k rows, k > 1): `torch.flatten(x)` or `x.view(-1)`
    made one row of the whole batch, whose examples each have the `want` features the layer takes."""
    if want <= 0 or got % want or got // want < 2:
        return False
    k = got // want
    return any(len(t.shape) >= 2 and t.shape[0] == k for fr in ctx.user_frames() for t in fr.tensors)


def _width(frame: FrameFacts, text: str) -> int | None:
    """The last size of the tensor `text` names in `frame`, also for an item `xs[i]` of a sequence of
    tensors that all have one width."""
    t = frame.tensor(text)
    if t is not None and t.shape:
        return t.shape[-1]
    m = re.fullmatch(r"([\w.]+)\[[^\[\]]+\]", text)
    widths = {t.shape[-1] for t in frame.tensors if m and t.shape and t.expr.startswith(m.group(1) + "[")}
    return widths.pop() if len(widths) == 1 else None


def _matmul_of_data(ctx: Context, frame: FrameFacts | None) -> bool:
    """The failing expression multiplies two tensors itself (`torch.mm`, `torch.matmul`, `x @ y`, `F.linear`
    with a weight that is no layer's and not trained), with no layer between them and the error."""
    if frame is None or not frame.node or ctx.raise_frames() and not all(
            _in_torch_nn(fr.file) or fr.function in ("mm", "matmul", "linear") for fr in ctx.raise_frames()):
        return False
    try:
        node = ast.parse(frame.node.strip(), mode="eval").body
    except SyntaxError:
        return False
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
        return True
    if not isinstance(node, ast.Call):
        return False
    name = src.call_name(node).split(".")[-1]
    if name in ("mm", "matmul", "bmm", "mv"):
        return True
    if name == "linear" and len(node.args) >= 2:
        weight = src.segment_text(frame.node.strip(), node.args[1]) or ""
        trained = frame.tensor(weight)
        if trained is not None and trained.requires_grad and len(trained.shape) == 2:
            return False  # a trained weight kept outside any module (`params["W_out"]`): a layer all the same
        return not any(m.expr and weight.startswith(m.expr + ".") for m in frame.modules)
    return False


def _in_torch_nn(file: str) -> bool:
    return "/torch/nn/" in file.replace("\\", "/")


def _size_of(m: ModuleFacts) -> object:
    attr = LAYERS[m.cls][0]
    v = m.attrs.get(attr)
    if attr == "normalized_shape" and isinstance(v, str):
        nums = re.findall(r"\d+", v)
        return int(nums[-1]) if nums else None
    return v


def _input(frame: FrameFacts | None) -> TensorFacts | None:
    if frame is None or not frame.call_args:
        return None
    arg = frame.call_args[0].text
    return frame.tensor(arg)


def _explain_width(ctx: Context, f: Finding, frame: FrameFacts | None, inp: TensorFacts | None, got: int) -> None:
    """Why the input has `got` features: a concatenation of parts (a list written out, or one part per item
    of a collection), or an encoder of that hidden size."""
    want = f.values["in_features"]
    # `self.dropout(sentence)`: a size-keeping layer around a name; the name's making tells the width
    text = inp.expr if inp is not None else f.values.get("input") or ""
    inner = re.fullmatch(r"[\w.]+\((\w+)\)", text)
    name = inner.group(1) if inner else text
    if frame is not None and name is not None and name.isidentifier():
        tree = src.tree_of(frame.file)
        made = src.last_assignment(tree, name, frame.line) if tree is not None else None
        joined = joined_parts(frame.file, tree, made.value, made.stmt.lineno) if made is not None else None
        if joined is not None:
            cat, root = joined
            listed = cat.args[0] if isinstance(cat.args[0], (ast.List, ast.Tuple)) else None
            n = (len(listed.elts) if listed is not None else 0) if root is None else (
                got // want if want and got % want == 0 else 0)
            count = static_count(tree, root) if root is not None else None
            if n > 1 and got % n == 0 and count in (None, n) and not _unequal_parts(frame, listed, got // n):
                f.facts.add(CONCATENATED)
                f.values.update(n_parts=n, part=got // n, concat=" ".join(src.segment(frame.file, cat).split()),
                                joined=name)
                if root is not None:
                    f.facts.add(PARTS_PER_ITEM)
                    f.values.update(parts_of=ast.unparse(root), parts_count=count_expr(root))
                    f.hints["parts_counted"] = count is not None
    encoder = _encoder(ctx, got)
    if encoder is not None:
        m, field = encoder
        f.facts |= {ENCODER_HIDDEN, CONFIG_FIELD}
        f.values.update(encoder=m.expr, encoder_cls=m.cls, hidden_field=field)
    elif CONCATENATED not in f.facts:
        _bidirectional(ctx, f, got)


def _bidirectional(ctx: Context, f: Finding, got: int) -> None:
    """The input is (or joins) a bidirectional RNN's output, both directions side by side: a recurrent module
    of the frames (or one inside a module of theirs) has bidirectional=True and a hidden size that is half the
    width while the layer was built for it, or that is just what the layer's size lacks."""
    want = f.values["in_features"]
    for fr in ctx.user_frames():
        for m in fr.modules:
            hidden = m.attrs.get("birnn_hidden")
            # the whole input (2 x hidden fed to a layer of hidden), or one part of a join one hidden short
            if type(hidden) is int and hidden > 1 and ((2 * hidden == got and hidden == want) or (
                    got - want == hidden and got > 2 * hidden)):
                path = m.attrs.get("birnn")
                f.facts.add(BIDIRECTIONAL)
                f.values.update(rnn=f"{m.expr}.{path}" if path else m.expr, rnn_cls=m.attrs.get("birnn_cls"),
                                rnn_hidden=hidden, rnn_width=2 * hidden)
                return


def _read_from_data(node: ast.AST) -> bool:
    """The size is a dimension of a data tensor (`x.shape[1]`, `X_train.size(-1)`): the layer fits the data it
    was built with, so an input of another width carries other features than that data (another feature list,
    columns made otherwise at prediction time), not a layer built with the wrong number."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "shape":
        return True
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "size"
            and len(node.args) == 1)


def _unequal_parts(frame: FrameFacts, listed: ast.AST | None, part: int) -> bool:
    """Whether a part of the written-out list `torch.cat([b, r, b - r, ...])` is known (a tensor of the frame,
    or arithmetic of such tensors) to have another last size than `part`: then the parts are not equal."""
    for e in listed.elts if isinstance(listed, (ast.List, ast.Tuple)) else ():
        names = [n.id for n in ast.walk(e) if isinstance(n, ast.Name)]
        if not isinstance(e, (ast.Name, ast.BinOp, ast.UnaryOp)) or not names:
            continue
        widths = {t.shape[-1] for t in (frame.tensor(n) for n in names) if t is not None and t.shape}
        if widths and part not in widths:
            return True
    return False


def _layers_plus_embeddings(ctx: Context, f: Finding, site, want: int, got: int) -> None:
    """A width written as `hidden_size * num_hidden_layers` for a concatenation over a model's `hidden_states`,
    which hold the embeddings' output too: num_hidden_layers + 1 entries."""
    node = site.node
    cfg = ctx.config()
    layers, hidden = cfg.get("num_hidden_layers"), cfg.get("hidden_size")
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and type(layers) is int
            and type(hidden) is int and want == hidden * layers and got == hidden * (layers + 1)):
        return
    if "num_hidden_layers" not in src.segment(site.file, node) or "hidden_states" not in src.text_of(site.file):
        return
    f.facts.add(LAYERS_PLUS_EMBEDDINGS)
    f.values.update(n_layers=layers, n_states=layers + 1)
    f.confidence = "high"


def _other_field(ctx: Context, f: Finding, site: SizeSite) -> None:
    """The layer sized with `<encoder>.config.<field>` of another field than the one holding the hidden size
    (`config.hidden_dim`, the feed-forward width, for DistilBERT's `dim`); the config is named `config`, read
    as `<model>.config`, or is a name that holds a transformers config in the user's frames."""
    node = site.node
    if not isinstance(node, ast.Attribute) or node.attr == f.values.get("hidden_field"):
        return
    base = ast.unparse(node.value)
    configs = {o.expr for fr in ctx.user_frames() for o in fr.objects if o.kind == "config"}
    if base == "config" or base.endswith(".config") or base in configs:
        f.facts.add(OTHER_FIELD)
        f.values["size_expr"] = ast.unparse(node)


def _encoder(ctx: Context, hidden: int) -> tuple[ModuleFacts, str] | None:
    """A transformers model in the user's frames whose config's hidden size (under its family's field name)
    is `hidden`, with that field's name."""
    for fr in ctx.user_frames():
        for m in sorted(fr.modules, key=lambda m: m.expr.count(".")):
            field = next((k for k in HIDDEN_FIELDS if m.config.get(k) == hidden), None)
            if field is not None:
                return m, field
    return None


def encoder_size_expr(ctx: Context, site: SizeSite, hidden: int, field: str = "hidden_size") -> str | None:
    """An expression for the encoder's hidden size (its config's `field`) that is bound where `site` is:
    `<name>.config.<field>` for a name there that holds the encoder (a parameter assigned to `self.<attr>`, a
    module-level model, a `self.<attr>` assigned earlier in the same function), `config.<field>` for a
    config parameter."""
    from ..fixes.checks import bound_names
    tree = src.tree_of(site.file)
    bound = _own_names(tree, site.line) if tree is not None else set()
    bound &= bound_names(site.file, site.line) or set()
    holders = {m.expr for fr in ctx.user_frames() for m in fr.modules if m.config.get(field) == hidden}
    for h in sorted(holders, key=len):  # a name bound there, or an attribute path from one (`word.model`)
        if h.split(".")[0] in bound and all(p.isidentifier() for p in h.split(".")) and not h.startswith("self."):
            return f"{h}.config.{field}"
    scope = src.enclosing_scope(tree, site.line) if tree is not None else None
    if isinstance(scope, ast.FunctionDef):
        params = [a.arg for a in scope.args.args]
        for n in ast.walk(scope):
            if isinstance(n, ast.Assign) and isinstance(n.value, ast.Name) and n.value.id in params:
                if any(isinstance(t, ast.Attribute) and f"self.{t.attr}" in holders for t in n.targets):
                    return f"{n.value.id}.config.{field}"
        for n in src.statements(scope):  # `self.encoder = AutoModel...(...)` before the head is built
            if isinstance(n, ast.Assign) and n.lineno < site.line and any(
                    isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"
                    and f"self.{t.attr}" in holders for t in n.targets):
                attr = next(t.attr for t in n.targets if isinstance(t, ast.Attribute))
                return f"self.{attr}.config.{field}"
        if "config" in params:
            return f"config.{field}"
    return None


def _own_names(tree: ast.Module, line: int) -> set[str]:
    """Names the code at `line` can read from its own scope: a function's parameters and locals, or at
    module level every module name (bound before the line, which bound_names checks).  A module name read
    inside a function may not exist yet when that function runs (the model is built inside `__init__`)."""
    scope = src.enclosing_scope(tree, line)
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        names = {a.arg for a in scope.args.args + scope.args.kwonlyargs}
        names |= {n.id for n in src.walk_scope(scope) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        return names
    return {n.id for n in src.nodes(tree, ast.Name) if isinstance(n.ctx, ast.Store)}


__all__ = ["encoder_size_expr", "module_defs", "static_int"]


def _read_before_made(f: Finding, site) -> None:
    """`head = nn.Linear(encoder.d_model, k)` one line before `encoder = Encoder(..., d_model)` in the same loop
    body: the layer reads the encoder of the previous pass (or of the code before the loop), built with another
    width.  The fix moves the layer after the name it reads is made."""
    tree = src.tree_of(site.file)
    stmt = src.statement_at(tree, site.line) if tree is not None else None
    loop = next((n for n in reversed(src.enclosing_loops(tree, site.line)) if stmt in n.body), None) \
        if stmt is not None else None
    if loop is None:
        return
    read = set(src.names_in(site.node)) if site.node is not None else set()
    later = [s for s in loop.body[loop.body.index(stmt) + 1:] if isinstance(s, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id in read for t in s.targets)]
    if not later:
        return
    made = later[0]
    f.facts.add(READ_BEFORE_MADE)
    f.values.update(made_name=next(t.id for t in made.targets if isinstance(t, ast.Name) and t.id in read),
                    made_line=made.lineno, layer_line=stmt.lineno)
    f.hints["read_before_made"] = (site.file, stmt, made)


def _size_set_again(f: Finding, site, want: int, got: int) -> None:
    """`nn.Linear(EMB_DIM, 64)` built after the script set `EMB_DIM = 128` again, while the modules before it were
    built when `EMB_DIM` was 64, the width the layer is given (a notebook's cell changed a global): the layer takes
    the value its input was made with, not one applied to the wrong tensor."""
    tree = src.tree_of(site.file)
    if not isinstance(site.node, ast.Name) or tree is None:
        return
    sets = [(s, s.value.value) for s in tree.body if isinstance(s, ast.Assign) and s.lineno < site.line
            and any(isinstance(t, ast.Name) and t.id == site.node.id for t in s.targets)
            and isinstance(s.value, ast.Constant) and type(s.value.value) is int]
    if len(sets) < 2 or sets[-1][1] != want:
        return
    first = next((s for s, v in sets if v == got), None)
    if first is None:
        return
    f.facts.discard(FED_OUTPUT)
    f.facts.add(SIZE_SET_AGAIN)
    f.values.update(again_name=site.node.id, old_value=got, old_line=first.lineno, again_line=sets[-1][0].lineno)


def _size_named(f: Finding, site) -> None:
    """`nn.Linear(in_dim, ...)` with `in_dim = 2 * cfg.hidden_size` assigned once before it in the same function:
    the expression the size was computed from."""
    node = site.node
    tree = src.tree_of(site.file)
    if not isinstance(node, ast.Name) or tree is None:
        return
    made = src.assignments(tree, node.id, src.enclosing_scope(tree, site.line), before=site.line)
    if len(made) != 1 or made[0].augmented or isinstance(made[0].value, ast.Constant):
        return
    f.facts.add(SIZE_NAMED)
    f.values.update(size_name=node.id, size_made=" ".join(src.segment(site.file, made[0].value).split()),
                    size_made_line=made[0].stmt.lineno)


def _weight_shape_swapped(f: Finding, site) -> None:
    """`in_dim, out_dim = base.weight.shape` and then `nn.Linear(in_dim, ...)`: a Linear's weight is (out_features,
    in_features), so the first name unpacked holds the wrapped layer's output width, not its input's.  Adds the
    fact and the hint `weight_swap` (file, the unpacking statement) for a fix that swaps the two names."""
    node, tree = site.node, src.tree_of(site.file)
    if not isinstance(node, ast.Name) or tree is None:
        return
    made = src.assignments(tree, node.id, src.enclosing_scope(tree, site.line), before=site.line)
    stmt = made[-1].stmt if made else None
    if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Tuple):
        return
    names = stmt.targets[0].elts
    value = stmt.value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "size" \
            and not value.args:
        value = value.func.value
    elif isinstance(value, ast.Attribute) and value.attr == "shape":
        value = value.value
    else:
        return
    if len(names) != 2 or not all(isinstance(n, ast.Name) for n in names) or names[0].id != node.id \
            or not (isinstance(value, ast.Attribute) and value.attr == "weight"):
        return
    f.facts.discard(SIZE_NAMED)
    f.facts.add(WEIGHT_SHAPE_SWAPPED)
    f.values.update(unpacked=" ".join(src.segment(site.file, stmt).split()), unpacked_line=stmt.lineno,
                    weight_of=src.segment(site.file, value.value), in_name=names[0].id, out_name=names[1].id)
    f.hints["weight_swap"] = (site.file, stmt)
    f.confidence = "high"
