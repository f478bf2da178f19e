"""Plain, frozen data carried through the pipeline: capture → diagnose → fix → render.

Nothing here holds a live frame, traceback or tensor: a Report can outlive the failure without pinning
memory (GPU memory included), and every later stage is a pure function of it.  This module imports
nothing of explainerr.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Literal, Mapping

Scalar = int | float | bool | str | None

FORMATS = ("rich", "plain", "json")

#: A `{name}` placeholder in knowledge text (`{{`/`}}` are literal braces).
PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_]\w*)\}(?!\})")


@dataclass(frozen=True)
class Config:
    """How explainerr renders; read once from flags and the environment (see `Config.from_env`)."""

    format: Literal["auto", "rich", "plain", "json"] = "auto"
    report_path: str | None = None
    color: bool | None = None  # None: decide from NO_COLOR / FORCE_COLOR / TERM / the stream
    debug: bool = False
    width: int | None = None
    traceback: bool = True  # False where the host already showed one (IPython)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> "Config":
        env = os.environ if environ is None else environ
        fmt = env.get("EXPLAINERR_FORMAT", "auto").strip().lower() or "auto"
        if fmt not in FORMATS + ("auto",):
            fmt = "auto"
        color: bool | None = None
        if env.get("NO_COLOR"):
            color = False
        elif env.get("FORCE_COLOR"):
            color = True
        elif env.get("TERM") == "dumb":
            color = False
        values: dict[str, Any] = dict(
            format=fmt,
            report_path=env.get("EXPLAINERR_REPORT") or None,
            color=color,
            debug=env.get("EXPLAINERR_DEBUG", "") not in ("", "0", "false", "no"),
        )
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


@dataclass(frozen=True)
class TensorFacts:
    """Metadata of one tensor seen in a frame, under the expression that reaches it there.

    `ident` is `id()` of the tensor at capture time: it lets one tensor be followed from a library frame
    to the user's name for it, and is meaningless once the Report is built.  `min`/`max` are only read
    for small integer CPU tensors.
    """

    expr: str
    shape: tuple[int, ...]
    dtype: str
    device: str
    frame: int
    requires_grad: bool = False
    numel: int = 0
    min: int | float | None = None
    max: int | float | None = None
    ident: int = 0

    @property
    def is_integer(self) -> bool:
        return self.dtype.split(".")[-1] in ("int64", "int32", "int16", "int8", "uint8")

    @property
    def is_float(self) -> bool:
        return self.dtype.split(".")[-1] in ("float32", "float64", "float16", "bfloat16")

    @property
    def is_array(self) -> bool:
        """A numpy array (read beside the tensors for numpy's own errors), not a torch tensor."""
        return self.dtype.startswith("numpy.")

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"expr": self.expr, "shape": list(self.shape), "dtype": self.dtype,
                             "device": self.device, "frame": self.frame}
        if self.min is not None:
            d["min"], d["max"] = self.min, self.max
        return d


@dataclass(frozen=True)
class ModuleFacts:
    """An nn.Module seen in a frame: its class, where it sits in its parent, and its size attributes."""

    expr: str
    cls: str
    frame: int
    attrs: Mapping[str, Scalar] = field(default_factory=dict)
    config: Mapping[str, Scalar] = field(default_factory=dict)
    device: str | None = None
    ident: int = 0


@dataclass(frozen=True)
class ObjectFacts:
    """A library object seen in a frame (see tensors.OBJECT_KINDS): `kind` is tokenizer, dataloader,
    dataset, config or collator; `cls` the object's own class name; `file` where that class is defined;
    `max_length` a tokenizer's `model_max_length` (what `truncation=True` cuts to without `max_length=`)."""

    expr: str
    kind: str
    cls: str
    frame: int
    file: str | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class CallArg:
    """One argument of the call the frame was executing: its parameter (when known) and its source text."""

    param: str | None
    text: str
    position: int | None = None


@dataclass(frozen=True)
class FrameFacts:
    """One traceback entry as plain data.

    `node` is the source text of the expression that was executing (found with `executing`), `statement`
    the text of its whole statement, `call_args` the arguments when that expression is a call.  `scalars`
    holds small plain values (int, float, bool, short str) of the names the statement and its enclosing
    loops use, read without running code.  `lengths` holds `len()` of the plain lists, tuples and dicts
    among the same names (exact builtin types only, whose `len` runs no user code).
    """

    index: int
    file: str
    line: int
    function: str
    library: bool
    source: str = ""
    node: str | None = None
    node_lines: tuple[int, int] | None = None
    statement: str | None = None
    statement_lines: tuple[int, int] | None = None
    call_args: tuple[CallArg, ...] = ()
    params: tuple[str, ...] = ()
    tensors: tuple[TensorFacts, ...] = ()
    modules: tuple[ModuleFacts, ...] = ()
    scalars: Mapping[str, Scalar] = field(default_factory=dict)
    self_class: str | None = None
    objects: tuple[ObjectFacts, ...] = ()
    #: (lineno, end_lineno, col, end_col) of the failing instruction: what Python's traceback underlines.
    position: tuple[Any, ...] | None = None
    lengths: Mapping[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "function": self.function, "library": self.library}

    def tensor(self, expr: str) -> TensorFacts | None:
        """The frame's tensor reached by `expr`; `enc.input_ids` also finds the captured `enc["input_ids"]`
        (a tokenizer's BatchEncoding is read as a mapping) and keeps the user's spelling."""
        for t in self.tensors:
            if t.expr == expr:
                return t
        head, dot, attr = expr.rpartition(".")
        if dot and head and attr.isidentifier():
            keyed = f'{head}["{attr}"]'
            for t in self.tensors:
                if t.expr == keyed:
                    return replace(t, expr=expr)
        return None


@dataclass(frozen=True)
class ExceptionFacts:
    """One exception as Python shows it.  `display` is the class as Python's traceback names it
    (`torch.OutOfMemoryError`), `relation` how it is linked to the exception before it in a chain ("cause":
    `raise ... from`, "context": raised while handling it, "" otherwise), `frames` its traceback's entries
    (shallow: no values), `syntax` SyntaxError's (filename, lineno, offset, text, end_lineno, end_offset,
    msg)."""

    type: str
    message: str
    mro: tuple[str, ...] = ()
    display: str = ""
    notes: tuple[str, ...] = ()
    relation: str = ""
    frames: tuple[FrameFacts, ...] = ()
    syntax: tuple[Any, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "message": self.message}
        if self.notes:
            out["notes"] = list(self.notes)
        return out

    def link_dict(self) -> dict[str, Any]:
        """A chain entry of the JSON report: also how it is linked, and its traceback's entries (text read
        from a message, such as a DataLoader worker's error, is no link: type and message only)."""
        if not self.relation:
            return self.to_dict()
        return {**self.to_dict(), "relation": self.relation, "frames": [f.to_dict() for f in self.frames]}


@dataclass(frozen=True)
class Report:
    """Everything known about one failure.  `diagnosis` and `alternatives` are filled by `with_diagnoses`."""

    exception: ExceptionFacts
    chain: tuple[ExceptionFacts, ...] = ()
    frames: tuple[FrameFacts, ...] = ()
    user_frame: int | None = None
    notes: tuple[str, ...] = ()
    diagnosis: "Diagnosis | None" = None
    alternatives: tuple["Diagnosis", ...] = ()
    analysis_ms: float = 0.0

    @property
    def location(self) -> FrameFacts | None:
        if self.user_frame is not None:
            return self.frames[self.user_frame]
        return self.frames[-1] if self.frames else None

    def user_frames(self) -> list[FrameFacts]:
        return [f for f in self.frames if not f.library]

    def all_tensors(self) -> list[TensorFacts]:
        return [t for f in self.frames for t in f.tensors]

    def to_dict(self) -> dict[str, Any]:
        loc = self.location
        return {
            "version": 1,
            "exception": {**self.exception.to_dict(), "chain": [c.link_dict() for c in self.chain]},
            "location": None if loc is None else {
                "file": loc.file, "line": loc.line, "function": loc.function, "source": loc.source.strip()},
            "diagnosis": self.diagnosis.to_dict() if self.diagnosis else None,
            "alternatives": [d.to_dict() for d in self.alternatives],
            "frames": [f.to_dict() for f in self.frames],
            "tensors": [t.to_dict() for f in self.frames if not f.library for t in f.tensors],
            "notes": list(self.notes),
            "timing": {"analysis_ms": round(self.analysis_ms, 2)},
        }


@dataclass(frozen=True)
class Edit:
    """Replace lines start_line..end_line (1-based, inclusive) of file with replacement."""

    file: str
    start_line: int
    end_line: int
    replacement: str

    def to_dict(self) -> dict[str, Any]:
        """The edit, plus the function (`Class.method`) it lands in where it is inside one."""
        from .source import scope_name
        out: dict[str, Any] = {"file": self.file, "start_line": self.start_line, "end_line": self.end_line,
                               "replacement": self.replacement}
        scope = scope_name(self.file, self.start_line)
        if scope:
            out["function"] = scope
        return out


@dataclass(frozen=True)
class Fix:
    """What to change: in words, as code (empty when no code could be derived from the case), and as edits
    to the user's files.  `band_aid` marks a fix that hides the symptom where the cause could not be
    reached (clamping ids, slicing where used).  `diff` is the edits as a unified diff (patching.py),
    `sources` the (file, SHA-256) of each edited file when the diff was made; `verified` is the outcome of
    re-running the command with the edits (True, False, or None when not run or undecided; verify.py),
    `verification` its details, `applied` what `--apply` did."""

    description: str
    code: str
    edits: tuple[Edit, ...] = ()
    band_aid: bool = False
    diff: str | None = None
    sources: tuple[tuple[str, str], ...] = ()
    verified: bool | None = None
    verification: Mapping[str, Any] | None = None
    applied: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"description": self.description, "code": self.code,
                               "edits": [e.to_dict() for e in self.edits], "diff": self.diff,
                               "verified": self.verified}
        if self.band_aid:
            out["band_aid"] = True
        if self.verification is not None:
            out["verification"] = dict(self.verification)
        if self.applied is not None:
            out["applied"] = dict(self.applied)
        return out


@dataclass(frozen=True)
class Evidence:
    expr: str
    shape: tuple[int, ...] | None = None
    dtype: str | None = None
    device: str | None = None
    value: Scalar = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"expr": self.expr}
        if self.shape is not None:
            d.update(shape=list(self.shape), dtype=self.dtype, device=self.device)
        if self.value is not None:
            d["value"] = self.value
        if self.note:
            d["note"] = self.note
        return d


@dataclass(frozen=True)
class Sentence:
    """One item of a template: its text and the facts it needs (`needs`) or must not have (`unless`); a
    `fallback` sentence of an explanation is said only when the sentence just before it was not."""

    say: str
    needs: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    fallback: bool = False

    @property
    def placeholders(self) -> tuple[str, ...]:
        return tuple(PLACEHOLDER.findall(self.say))

    def applies(self, facts: Iterable[str], values: Mapping[str, Any]) -> bool:
        held = set(facts)
        return (all(n in held for n in self.needs) and not any(n in held for n in self.unless)
                and all(values.get(p) is not None for p in self.placeholders))

    def fill(self, values: Mapping[str, Any]) -> str:
        out = PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), self.say)
        return out.replace("{{", "{").replace("}}", "}")


Text = tuple[Sentence, ...]


@dataclass(frozen=True)
class Pattern:
    """One knowledge-base rule, as loaded and checked by knowledge.py."""

    id: str
    exceptions: tuple[str, ...]
    message: str
    title: Text
    explain: Text
    summary: Text
    fix_description: Text
    fix_code: Text
    when: tuple[str, ...] = ()
    locate: str | None = None
    priority: int = 50
    confidence: str = "medium"
    source: str = ""
    samples: tuple[Mapping[str, Any], ...] = ()
    examples: tuple[Mapping[str, Any], ...] = ()
    see_also: tuple[str, ...] = ()
    #: How to explain the error from a traceback's text alone: when, summary, explain, fix, unchecked.
    text: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Origin:
    """One step of where a tensor's value was made: a line of the user's code (see provenance.py)."""

    expr: str
    file: str
    line: int
    function: str
    source: str
    #: A fact about the step that the line does not show (`np.zeros(...)` without dtype= gives float64).
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"expr": self.expr, "file": self.file, "line": self.line, "function": self.function,
               "source": self.source}
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Diagnosis:
    pattern: str
    title: str
    confidence: str
    summary: str
    explanation: str
    evidence: tuple[Evidence, ...] = ()
    fix: Fix | None = None
    rank: float = 0.0
    #: Facts the pattern relies on that could not be checked (a diagnosis made from traceback text).
    unchecked: tuple[str, ...] = ()
    #: Where the tensors in the evidence were made, in the user's code.
    origins: tuple[Origin, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = {
            "pattern": self.pattern, "title": self.title, "confidence": self.confidence,
            "summary": self.summary, "explanation": self.explanation,
            "evidence": [e.to_dict() for e in self.evidence],
            "fix": self.fix.to_dict() if self.fix else None,
        }
        if self.unchecked:
            out["unchecked"] = list(self.unchecked)
        if self.origins:
            out["origins"] = [o.to_dict() for o in self.origins]
        return out
