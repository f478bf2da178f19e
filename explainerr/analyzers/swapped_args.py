"""Arguments given to the user's own function in each other's places: `mean_pool(enc["attention_mask"],
out.last_hidden_state)` for `def mean_pool(token_embs, attn)`.  Inside, the mask sits in the parameter named for
the hidden states and the states in the one named for the mask, so their sizes disagree the way a mask of the
wrong length would; the mistake is the order at the call, which no pattern of the catalogue names.  Read from
the parameters' names and the tensors they hold (the frame's, never the user's objects)."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context
from ..model import TensorFacts

_MASK_NAME = re.compile(r"(?i)mask|attn|attention|keep|pad")


def mask_in_other_parameter(ctx: Context, mask: TensorFacts | None) -> str | None:
    """The parameter named like a mask (`attn`) that holds a float tensor of more dimensions than `mask`, when
    `mask` is another parameter of the same frame, named unlike a mask, holding 0/1 (or bool) values: the two
    were passed in each other's places.  Its name, or None."""
    if mask is None or not mask.expr.isidentifier() or _MASK_NAME.search(mask.expr):
        return None
    frame = ctx.frames[mask.frame]
    if frame.library or mask.expr not in frame.params:
        return None
    from .masks import is_mask_valued
    if not is_mask_valued(mask):
        return None
    for p in frame.params:
        t = frame.tensor(p)
        if (p != mask.expr and _MASK_NAME.search(p) and t is not None and t.dtype.startswith("torch.float")
                and len(t.shape) > len(mask.shape)):
            return p
    return None


def ids_for_another_table(ctx: Context, ids: TensorFacts | None, table: str | None, rows: int | None) -> str | None:
    """Two id tensors given in each other's places (`for trails, hikers, stars in loader` over a dataset that
    yields hikers first): the ids that overflow `table` (`rows` rows) fit another embedding table of the same
    frame, and that table's own ids, another parameter of the frame with the same shape, fit `table`.  Two
    tables each fitting the other's ids tie the numbers to a swap, which no pattern of the catalogue names.
    That other table's expression, or None."""
    if ids is None or ids.max is None or rows is None or not table:
        return None
    user = ctx.user_name(ids) or ids
    frame = ctx.frames[user.frame]
    if frame.library:
        return None
    tree = src.tree_of(frame.file)
    text = src.segment(frame.file, src.enclosing_scope(tree, frame.line)) if tree is not None else ""
    for m in frame.modules:
        n = m.attrs.get("num_embeddings")
        if not m.cls.startswith("Embedding") or m.expr == table or not isinstance(n, int) or ids.max >= n:
            continue
        for p in frame.params:
            other = frame.tensor(p)
            if (other is None or p == user.expr or other.shape != ids.shape or not other.is_integer
                    or other.max is None or other.min is None or other.min < 0 or other.max >= rows):
                continue
            if re.search(rf"{re.escape(m.expr)}\s*\(\s*{re.escape(p)}\b", text) and \
                    re.search(rf"{re.escape(table)}\s*\(\s*{re.escape(user.expr)}\b", text):
                return m.expr
    return None


def ids_fill_sibling_table(ctx: Context, ids: TensorFacts | None, table: str | None, rows: int | None) -> str | None:
    """Ids of one entity read from another's column (`season, member, variety = zip(*rows)` over rows that hold
    the variety first): the ids that overflow `table` (`rows` rows) by more than one fill most of another
    embedding table looked up in the same function with another parameter (up to `other`'s last row, past
    half of it), in a model with no tokenizer and no transformers config (entity tables, not a vocabulary).
    The numbers are the other entity's: which column went where is no pattern of the catalogue.  That other
    table's expression, or None."""
    if ids is None or ids.max is None or ids.min is None or ids.min < 0 or rows is None or not table:
        return None
    if ids.max <= rows or ctx.config() or any(o.kind == "tokenizer" for f in ctx.frames for o in f.objects):
        return None
    user = ctx.user_name(ids) or ids
    frame = ctx.frames[user.frame]
    tree = src.tree_of(frame.file) if not frame.library else None
    text = src.segment(frame.file, src.enclosing_scope(tree, frame.line)) if tree is not None else ""
    if not re.search(rf"{re.escape(table)}\s*\(\s*{re.escape(user.expr)}\b", text):
        return None
    for m in frame.modules:
        n = m.attrs.get("num_embeddings")
        if not m.cls.startswith("Embedding") or m.expr == table or not isinstance(n, int) or not (n // 2 <= ids.max < n):
            continue
        if any(re.search(rf"{re.escape(m.expr)}\s*\(\s*{re.escape(p)}\b", text) for p in frame.params
               if p != user.expr and frame.tensor(p) is not None and frame.tensor(p).is_integer):
            return m.expr
    return None


#: Words a size's name adds to what it counts (`vocab_size`, `num_labels`, `n_tokens`): left out when names
#: are compared.
_GENERIC = {"size", "num", "n", "count", "len", "of", "the", "args", "cfg", "config", "self", "hparams", "opt"}


def table_sized_by_swapped_argument(ctx: Context, table: str | None, ids_max: int | None = None,
                                    rows: int | None = None, width: int | None = None) -> str | None:
    """The call (its text) that builds the user's module owning `table` (`self.emb`) with the argument named
    for one of its parameters in the place of another, and the reverse (`BagOfEmbeddings(args.embed_dim,
    len(vocab))` for `def __init__(self, vocab_size, embed_dim)`), when the parameter in the first place is
    the one `table` was sized with (`nn.Embedding(vocab_size, ...)`): the table got the other size.  Also,
    whatever the names, a table built from two parameters (`nn.Embedding(n_words, emb_dim)`) both given by
    place at the call, whose `rows` the ids (up to `ids_max`) overflow while they all fit its `width`: the
    numbers say the two were swapped.  The mistake is the order at the call, which no pattern of the
    catalogue names."""
    if not table or not table.startswith("self."):
        return None
    from .classes import user_calls
    for fr in ctx.user_frames():
        tree = src.tree_of(fr.file) if fr.self_class else None
        cls = next((n for n in src.nodes(tree, ast.ClassDef) if n.name == fr.self_class), None) if tree else None
        init = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None) \
            if cls is not None else None
        if init is None:
            continue
        params = [a.arg for a in init.args.args[1:]]
        made = [a.value for a in src.statements(init, nested=True)
                if isinstance(a, ast.Assign) and len(a.targets) == 1 and ast.unparse(a.targets[0]) == table
                and isinstance(a.value, ast.Call) and len(a.value.args) >= 2
                and all(isinstance(x, ast.Name) and x.id in params for x in a.value.args[:2])]
        sized = {m.args[0].id for m in made}
        # the ids all fit the table's width: the rows and the width were given in each other's places
        width_fits = ids_max is not None and rows is not None and width is not None and rows <= ids_max < width
        pairs = {(params.index(m.args[0].id), params.index(m.args[1].id)) for m in made} if width_fits else set()
        for file, call in user_calls(ctx):
            if src.call_name(call).split(".")[-1] != cls.name:
                continue
            given = [_words(a) for a in call.args[:len(params)]]
            if any(i < len(given) and j < len(given) and _reads_as(call.args[i], call.args[j]) for i, j in pairs):
                return " ".join(src.segment(file, call).split())
            for i, j in ((i, j) for i in range(len(given)) for j in range(len(given)) if i != j):
                if params[i] in sized and _fits(given[i], params[j]) and _fits(given[j], params[i]) \
                        and not _fits(given[i], params[i]) and not _fits(given[j], params[j]):
                    return " ".join(src.segment(file, call).split())
    return None


def _words(node) -> set[str]:
    """The words of the names an argument reads (`len(vocab)` → {vocab}, `args.embed_dim` → {embed, dim})."""
    names = [n.id if isinstance(n, ast.Name) else n.attr for n in ast.walk(node)
             if isinstance(n, (ast.Name, ast.Attribute)) and not (isinstance(n, ast.Name) and n.id == "len")]
    leaf = names[:1]  # the outermost name or attribute: `embed_dim` of `args.embed_dim`
    return {w for name in leaf for w in name.lower().split("_") if w and w not in _GENERIC}


def _fits(words: set[str], param: str) -> bool:
    own = {w for w in param.lower().split("_") if w and w not in _GENERIC}
    return bool(words) and bool(own) and words <= own


_WIDTH_WORDS = re.compile(r"(?i)emb|dim|hidden|d_model|width|feat")
_COUNT_WORDS = re.compile(r"(?i)vocab|words|tokens|stoi|itos|2id|2idx|idx|items|chars")


def _reads_as(in_rows, in_width) -> bool:
    """The argument given in the rows' place reads as a width (`EMB_DIM`, `args.hidden`), or the one in the
    width's place as a count of words (`len(word2idx)`, `vocab_size`)."""
    text_rows, text_width = ast.unparse(in_rows), ast.unparse(in_width)
    return bool(_WIDTH_WORDS.search(text_rows)) or (
        "len(" in text_width or bool(_COUNT_WORDS.search(text_width)))


_FILLER = {"vecs", "vec", "vectors", "vector", "emb", "embs", "embeddings", "embedding", "tensor", "tensors", "batch",
           "all", "t", "x", "feats", "features", "reps"}


def _stems(name: str) -> set[str]:
    """The words of a name, singular (`query_vecs` → {query}, `queries` → {query}), without filler words."""
    out = set()
    for w in name.lower().split("_"):
        if not w or w in _GENERIC or w in _FILLER:
            continue
        out.add(w[:-3] + "y" if w.endswith("ies") else w[:-1] if w.endswith("s") and len(w) > 3 else w)
    return out


def _leaf(node: ast.AST) -> str | None:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None


def made_by_swapped_call(ctx: Context, t: TensorFacts | None) -> str | None:
    """The call (its text) of the user's own function that made `t`, given two arguments each named for the
    other's parameter (`sims = score_matrix(doc_vecs, query_vecs)` for `def score_matrix(queries, docs)`): the
    result's axes are the other way round from what the code reading it expects, which no pattern names."""
    from ..provenance import origin_statement, user_function, trace
    if t is None or ctx.frames[t.frame].library:
        return None
    for o in trace(ctx, t)[:3]:
        stmt = origin_statement(o)
        tree = src.tree_of(o.file)
        for call in src.calls(stmt) if stmt is not None else ():
            fn = user_function(tree, call, o.line)
            if fn is None or any(isinstance(a, ast.Starred) for a in call.args):
                continue
            params = [a.arg for a in fn.args.args]
            params = params[1:] if params[:1] in (["self"], ["cls"]) else params
            given = [_leaf(a) for a in call.args[:len(params)]]
            for i in range(len(given)):
                for j in range(i + 1, len(given)):
                    gi, gj = _stems(given[i] or ""), _stems(given[j] or "")
                    pi, pj = _stems(params[i]), _stems(params[j])
                    if gi & pj and gj & pi and not gi & pi and not gj & pj:
                        return " ".join(src.segment(o.file, call).split())
    return None


def one_of_sibling_tables(tree: ast.Module, table: str, line: int) -> bool:
    """The indexed lookup table is one of two or more that one call builds for different key lists in the same
    scope (`self.q_row = self._dense_rows(self.qids)` beside `self.d_row = self._dense_rows(self.dids)`):
    positions past its end are keys of the sibling's list, read through the wrong table."""
    if table.startswith("self.") and table[5:].isidentifier():  # set in a method of the class: `self.q_row = ...`
        cls = src.enclosing_class(tree, line)
        made = src.self_assignments(cls, table[5:]) if cls is not None else []
        stmt = made[-1] if len(made) == 1 else None
    else:
        found = src.last_assignment(tree, table, line)
        stmt = found.stmt if found is not None else None
    if not isinstance(stmt, ast.Assign) or not isinstance(stmt.value, ast.Call) or not stmt.value.args:
        return False
    name, args = src.call_name(stmt.value), ast.dump(stmt.value.args[0])
    if not any(f.name == name.split(".")[-1] for f in src.nodes(tree, ast.FunctionDef)):
        return False  # a table-building function of the user's (`torch.randint` makes no lookup tables)
    scope = src.enclosing_scope(tree, stmt.lineno)
    return any(isinstance(st, ast.Assign) and st is not stmt and len(st.targets) == 1
               and isinstance(st.value, ast.Call) and src.call_name(st.value) == name and st.value.args
               and ast.dump(st.value.args[0]) != args and ast.dump(st.targets[0]) != ast.dump(stmt.targets[0])
               for st in src.statements(scope))


def positions_in_other_list(ctx: Context, ids_expr: str | None, table: str | None, rows: int | None) -> bool:
    """The ids are positions in one list (`staff_roster.index(c.annotator)`, the batch entry or name that holds
    them made so in the user's code) while the table was built with `len()` of another list (`n_annotators=
    len(team)`), each followed through a function's parameter to the one call that fills it: every id names an
    item of the first list, and the table has rows for the second.  The lookup uses the wrong list; no size is
    wrong."""
    from .classes import layer_site
    from .collators import returned_mappings
    from .label_sources import leaf
    if not ids_expr or rows is None:
        return False
    key = leaf(ids_expr)
    made = [(file, tree, fn, items[key]) for file, tree, fn, _, items in returned_mappings(ctx) if key in items]
    for file in (dict.fromkeys(fr.file for fr in ctx.user_frames()) if not made else ()):
        tree = src.tree_of(file)
        for a in src.assignments(tree, key) if tree is not None and key.isidentifier() else ():
            made.append((file, tree, src.enclosing_scope(tree, a.stmt.lineno), a.value))
    listed = set()
    for file, tree, fn, value in made:
        shifted = {id(n.left) for n in ast.walk(value) if isinstance(n, ast.BinOp)} | {
            id(n.right) for n in ast.walk(value) if isinstance(n, ast.BinOp)}
        for c in (n for n in ast.walk(value) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                  and n.func.attr == "index" and len(n.args) == 1):
            if id(c) in shifted:
                return False  # `ALPHABET.index(ch) + 1`: positions with an offset, the table's size is the question
            listed.add(_filled(tree, file, fn, c.func.value))
    site = layer_site(ctx, ("Embedding",), rows, 0, "num_embeddings", attr=(table or "").rpartition(".")[2] or None)
    node = site.node if site is not None else None
    if not (isinstance(node, ast.Call) and src.call_name(node) == "len" and len(node.args) == 1) or len(listed) != 1:
        return False
    tree = src.tree_of(site.file)
    sized = _filled(tree, site.file, src.enclosing_scope(tree, site.line), node.args[0]) if tree is not None else None
    which = listed.pop()
    return sized is not None and which is not None and _last_part(sized) != _last_part(which)


def _last_part(text: str) -> str:
    """The last name or string key of an expression's text: `ALPHABET` of `HostnameCodec.ALPHABET` and of
    `self.ALPHABET`, `labelling_team` of `event["labelling_team"]`: one list, however it is reached."""
    parts = re.findall(r"\w+", text)
    return parts[-1] if parts else text


def _filled(tree: ast.Module, file: str, fn: ast.AST, node: ast.AST) -> str | None:
    """The text of what `node` holds: a parameter of `fn` followed to the argument of the one call of `fn` (`make_
    collate(tok, event["staff_roster"])`), a local name to the value it was last assigned from when that is a
    subscript or an attribute (`team = event["labelling_team"]`), else its own text."""
    if isinstance(node, ast.Name) and isinstance(fn, ast.FunctionDef) and node.id in {a.arg for a in fn.args.args}:
        given = src.sole_argument(tree, fn, node.id)
        return src.segment(file, given) if given is not None else None
    if isinstance(node, ast.Name):
        made = src.last_assignment(tree, node.id, node.lineno)
        if made is not None and isinstance(made.value, (ast.Subscript, ast.Attribute)):
            return src.segment(file, made.value)
    return src.segment(file, node)
