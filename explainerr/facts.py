"""Questions the analyzers ask of a Report: which tensor broke, what the user calls it, where it came from.

All answers are computed from the Report's plain data plus the user's source files (source.py).  The
central trick is identity: a tensor seen in a library frame (the `input` of `F.embedding`) is followed to
the user's frames by its capture-time id, which gives the user's own expression for it.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from . import source as src
from .model import CallArg, FrameFacts, ModuleFacts, Report, Scalar, TensorFacts


@dataclass
class Context:
    """One Report under analysis, with the regex groups of the pattern being tried."""

    report: Report
    groups: dict[str, str] = field(default_factory=dict)
    message: str = ""

    @property
    def frames(self) -> tuple[FrameFacts, ...]:
        return self.report.frames

    @property
    def user(self) -> FrameFacts | None:
        """The last user frame: where the diagnosis is anchored."""
        uf = self.report.user_frame
        return self.frames[uf] if uf is not None else None

    def user_frames(self) -> list[FrameFacts]:
        """User frames, innermost first."""
        return [f for f in reversed(self.frames) if not f.library]

    def raise_frames(self) -> list[FrameFacts]:
        """Library frames after the last user frame, innermost first (where torch/transformers raised)."""
        uf = self.report.user_frame
        start = uf + 1 if uf is not None else 0
        return list(reversed(self.frames[start:]))

    def int_group(self, name: str) -> int | None:
        v = self.groups.get(name)
        try:
            return int(v) if v is not None else None
        except ValueError:
            return None

    def message_sizes(self) -> tuple[int, int] | None:
        """The two lengths a size message names: `a`/`b` (broadcast, expand), else the second pair `a2`/`b2` (a
        2-D attention mask that differs in its last dimension), else the indexed tensor's and the mask's size at
        the named dimension (boolean indexing)."""
        for ka, kb in (("a", "b"), ("a2", "b2")):
            a, b = self.int_group(ka), self.int_group(kb)
            if a is not None and b is not None and a != b:
                return a, b
        dim, mask_shape = self.int_group("dim"), self.groups.get("mask_shape")
        a = self.int_group("a")
        if a is not None and dim is not None and mask_shape:
            sizes = [int(x) for x in mask_shape.split(",") if x.strip()]
            if 0 <= dim < len(sizes) and sizes[dim] != a:
                return a, sizes[dim]
        return None

    # --- tensors -------------------------------------------------------------------------------------

    def library_tensor(self, *names: str) -> TensorFacts | None:
        """A tensor local of the innermost raising library frame that has one of `names`."""
        for f in self.raise_frames():
            for n in names:
                t = f.tensor(n)
                if t is not None:
                    return t
        return None

    def user_name(self, t: TensorFacts | None) -> TensorFacts | None:
        """The user's own expression for tensor `t`: the same object seen in a user frame, innermost first,
        preferring plain names over container items."""
        if t is None:
            return None
        if not self.frames[t.frame].library:
            return t
        for f in self.user_frames():
            hits = [u for u in f.tensors if u.ident == t.ident]
            if hits:
                left = _left_by_ended_loop(f, hits) if len(hits) > 1 else set()
                return sorted(hits, key=lambda u: (u.expr in left, not u.expr.isidentifier(), len(u.expr)))[0]
        return None

    def call_arg_tensor(self, frame: FrameFacts, params: tuple[str, ...]) -> tuple[Any, TensorFacts | None]:
        """The argument the frame's call passes for one of `params` (in that order of preference), and the
        frame's tensor its text reaches (`enc.input_ids` is captured as `enc["input_ids"]`; a trailing
        slice `[a:b]` is looked through)."""
        for p in params:
            arg = next((a for a in frame.call_args if a.param == p), None)
            if arg is None:
                continue
            text = arg.text.strip()
            base = re.sub(r"\[[^\[\]]*:[^\[\]]*\]$", "", text)
            return arg, frame.tensor(text) or (frame.tensor(base) if base != text else None)
        return None, None

    def library_names(self, t: TensorFacts) -> list[str]:
        """The parameter names tensor `t` has in the raising library frames, innermost first, each once:
        `kwargs["input_ids"]` counts as `input_ids`; positional slots (`args[0]`), attributes and torch's
        generic `input` name say nothing of its role and are left out."""
        out: list[str] = []
        for f in self.raise_frames():
            for u in f.tensors:
                if u.ident != t.ident:
                    continue
                m = re.fullmatch(r'kwargs\["(\w+)"\]', u.expr)
                name = m.group(1) if m else u.expr
                if name.isidentifier() and name not in ("input", "args", "self") and name not in out:
                    out.append(name)
        return out

    def same_values(self, t: TensorFacts, outermost_first: bool = False) -> list[tuple[str, TensorFacts]]:
        """(name, tensor) of the raising library frames' other tensors with the same number of elements, dtype
        and values as `t` (its reshaped copies: `labels` for the `target` that is `labels.view(-1)`), each named
        as library_names does (`kwargs["labels"]` is `labels`); for a tensor whose values were not read (floats),
        those with the same number of elements and dtype."""
        frames = self.raise_frames()
        out = []
        for f in (reversed(frames) if outermost_first else frames):
            for u in f.tensors:
                m = re.fullmatch(r'kwargs\["(\w+)"\]', u.expr)
                if (u.ident != t.ident and u.numel == t.numel and u.dtype == t.dtype
                        and (u.min, u.max) == (t.min, t.max)):
                    out.append((m.group(1) if m else u.expr, u))
        return out

    def entry_names(self, t: TensorFacts) -> list[str]:
        """library_names of `t`, then the names of its reshaped copies in the raising library frames."""
        names = self.library_names(t)
        for name, _ in self.same_values(t) if t.min is not None else ():
            if name.isidentifier() and name not in ("input", "args", "self") and name not in names:
                names.append(name)
        return names

    def passed_as(self, t: TensorFacts) -> tuple[FrameFacts, CallArg, TensorFacts] | None:
        """The argument of a user call through which tensor `t` entered the library: the innermost user
        frame whose call passes it (by identity), with the user's tensor for it.  When one call passes the
        same tensor for several parameters (`decoder_input_ids=batch["labels"], labels=batch["labels"]`),
        the parameter named like the one `t` had where the library failed wins (`decoder_input_ids` for an
        `input_ids` lookup), then any `*ids` parameter; `**batch` gives the key of that name.  A library that
        reshaped the tensor (`input_ids.view(-1, n)` makes a new object) is followed through the tensor of
        the raising frames that has the same name, number of elements and values."""
        names = self.library_names(t)
        for u in [t] + self._reshaped_from(t, names):
            found = self._passed(u, names)
            if found is not None:
                return found
        return None

    def _reshaped_from(self, t: TensorFacts, names: list[str]) -> list[TensorFacts]:
        if t.min is None or not names:
            return []
        return [u for name, u in self.same_values(t, outermost_first=True) if name in names]

    def _passed(self, t: TensorFacts, names: list[str]) -> tuple[FrameFacts, CallArg, TensorFacts] | None:
        for f in self.user_frames():
            hits: list[tuple[int, CallArg, TensorFacts]] = []
            for a in f.call_args:
                text = a.text.strip()
                if text.startswith("**"):
                    for u in f.tensors:
                        key = re.fullmatch(re.escape(text[2:]) + r'\["(\w+)"\]', u.expr)
                        if key and u.ident == t.ident:
                            hits.append((_param_score(key.group(1), names), CallArg(key.group(1), u.expr), u))
                    continue
                u = f.tensor(text) or f.tensor(getter_reads(f.file, text) or "")
                if u is not None and u.ident == t.ident:
                    hits.append((_param_score(a.param, names), a, u))
            if hits:
                _, arg, u = max(hits, key=lambda h: h[0])
                return f, arg, u
        return None

    def all_user_names(self, t: TensorFacts) -> list[TensorFacts]:
        return [u for f in self.user_frames() for u in f.tensors if u.ident == t.ident]

    def user_tensors(self, frame: FrameFacts | None = None) -> list[TensorFacts]:
        f = frame or self.user
        return list(f.tensors) if f else []

    def tensors_in_node(self, frame: FrameFacts | None = None) -> list[TensorFacts]:
        """Tensors of the frame whose expression appears in the failing expression, in order of appearance."""
        f = frame or self.user
        if f is None:
            return []
        text = f.node or f.statement or f.source
        found = []
        for t in f.tensors:
            pos = _find_expr(text, t.expr)
            if pos < 0 and ("[" in t.expr or "." in t.expr):
                pos = _find_expr(text, re.split(r"[\[.]", t.expr, maxsplit=1)[0])
            if pos >= 0:
                found.append((pos, t))
        return [t for _, t in sorted(found, key=lambda p: p[0])]

    # --- modules and configs -------------------------------------------------------------------------

    def raising_modules(self) -> list[ModuleFacts]:
        """`self` modules of the raising library frames, innermost first."""
        return [m for f in self.raise_frames() for m in f.modules if m.expr == "self"]

    def config(self) -> dict[str, Scalar]:
        """Config values of the nearest transformers modules (library frames first, then user modules)."""
        merged: dict[str, Scalar] = {}
        for f in list(self.raise_frames()) + self.user_frames():
            for m in f.modules:
                for k, v in m.config.items():
                    merged.setdefault(k, v)
        return merged

    # --- names and values ----------------------------------------------------------------------------

    def scalar_names(self, value: int, frame: FrameFacts | None = None) -> list[str]:
        """Names (constants first) holding exactly `value` in the user frames; a random seed is not one."""
        out: list[str] = []
        frames = [frame] if frame else self.user_frames()
        for f in frames:
            tree = src.tree_of(f.file)
            seeds = src.seed_names(tree) if tree is not None else frozenset()
            for k, v in f.scalars.items():
                if type(v) is int and v == value and k not in out and k not in ("_",) and k not in seeds:
                    out.append(k)
        return sorted(out, key=lambda k: (not k.isupper(), len(k) <= 1))

    def origin(self, expr: str, frame: FrameFacts) -> tuple[FrameFacts, str, ast.AST | None] | None:
        """Where the value of `expr` (a plain name) in `frame` was made: the caller's argument text when it is
        a parameter, else the nearest assignment before the line.  Returns (frame, text, node)."""
        if not expr.isidentifier():
            return None  # an item of a container: its container's assignment is not its origin
        name = expr
        seen = 0
        f: FrameFacts | None = frame
        while f is not None and seen < 6:
            seen += 1
            tree = src.tree_of(f.file)
            if name in f.params:
                caller = self._caller(f)
                arg = None
                if caller is not None:
                    for a in caller.call_args:
                        if a.param == name:
                            arg = a
                            break
                if caller is None or arg is None:
                    return None
                if arg.text.isidentifier():
                    name, f = arg.text, caller
                    continue
                return caller, arg.text, _node_for(caller, arg.text)
            if tree is None:
                return None
            a = src.last_assignment(tree, name, f.line)
            if a is None:
                return None
            return f, src.segment(f.file, a.value), a.value
        return None

    def _caller(self, f: FrameFacts) -> FrameFacts | None:
        for g in reversed(self.frames[: f.index]):
            if not g.library:
                return g
        return None

    def source_tree(self, frame: FrameFacts | None) -> ast.Module | None:
        return src.tree_of(frame.file) if frame else None


def _param_score(param: str | None, names: list[str]) -> int:
    """How well a call's parameter name matches the names a tensor had inside the library (innermost
    first): the same name, a name ending in it (`decoder_input_ids` for `input_ids`), any `*ids`; labels
    last (a library reads them for its loss, not for a lookup)."""
    if not param:
        return 0
    score = 0
    for i, n in enumerate(names[:3]):
        if param == n:
            score = max(score, 40 - i)
        elif param.endswith("_" + n):
            score = max(score, 30 - i)
    if score == 0 and param.endswith("ids"):
        score = 10
    return score - (5 if "label" in param else 0)


def _node_for(frame: FrameFacts, text: str) -> ast.AST | None:
    tree = src.tree_of(frame.file)
    if tree is None:
        return None
    stmt = src.statement_at(tree, frame.line)
    if stmt is None:
        return None
    for n in ast.walk(stmt):
        try:
            if src.segment(frame.file, n) == text:
                return n
        except Exception:
            continue
    return None


def _find_expr(text: str, expr: str) -> int:
    """Position of `expr` in `text` as a whole expression (not part of a longer name), or -1."""
    variants = [expr]
    m = re.fullmatch(r'(\w+)\["(\w+)"\]', expr)
    if m:
        variants += [f"{m.group(1)}['{m.group(2)}']", f"{m.group(1)}.{m.group(2)}"]
    for v in variants:
        for mm in re.finditer(re.escape(v), text):
            a, b = mm.start(), mm.end()
            if (a == 0 or not (text[a - 1].isalnum() or text[a - 1] in "_.")) and (
                    b == len(text) or not (text[b].isalnum() or text[b] == "_")):
                return a
    return -1


def iter_nodes(tree: ast.AST, kind: type) -> Iterator[Any]:
    for n in ast.walk(tree):
        if isinstance(n, kind):
            yield n


#: The names torch's own messages use for dtypes ("Found dtype Long but expected Float").
DTYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long",
               "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def dtype_text(dtype: str) -> str:
    """`torch.int64` → `int64 (Long)`: the dtype as the user writes it and as torch's messages name it."""
    short = dtype.replace("torch.", "")
    return f"{short} ({DTYPE_NAMES[short]})" if short in DTYPE_NAMES else short


def shape_text(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


_GETTER_CALL = re.compile(r"([\w.]+)\.(\w+)\(\)")


def getter_reads(file: str, text: str) -> str | None:
    """For an argument written as a getter call (`self.get_targets()`), the attribute it returns
    (`self._targets`): the file's methods of that name all read `return self.ATTR` and nothing else."""
    m = _GETTER_CALL.fullmatch(text)
    tree = src.tree_of(file) if m else None
    if tree is None:
        return None
    reads = set()
    for fn in src.nodes(tree, ast.FunctionDef):
        if fn.name != m.group(2):
            continue
        body = [s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        ret = body[0].value if len(body) == 1 and isinstance(body[0], ast.Return) else None
        if not (isinstance(ret, ast.Attribute) and isinstance(ret.value, ast.Name) and fn.args.args
                and ret.value.id == fn.args.args[0].arg):
            return None
        reads.add(ret.attr)
    return f"{m.group(1)}.{reads.pop()}" if len(reads) == 1 else None


def _left_by_ended_loop(frame: FrameFacts, hits: list[TensorFacts]) -> set[str]:
    """The plain names among `hits` that a `for` loop which ended before the frame's line left behind (`value`
    after `for key, value in batch.items(): print(...)`): an alias of the tensor, not the name the code uses."""
    tree = src.tree_of(frame.file)
    if tree is None:
        return set()
    here = {n for lp in src.enclosing_loops(tree, frame.line) for n in src.names_in(lp.target)}
    return {u.expr for u in hits if u.expr.isidentifier() and u.expr not in here
            and src.ended_loop_binding(tree, u.expr, frame.line) is not None}
