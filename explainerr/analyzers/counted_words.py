"""A count of words where word pieces are meant: `n_virtual = len(PROMPT.split())` beside `prompt_ids =
tokenizer(PROMPT, ...)["input_ids"]`, the same text split by whitespace in one place and by the tokenizer in the
other.  A tokenizer splits a word it does not know whole into several pieces, so the count of words falls short
of the pieces by exactly the length two tensors then disagree by (a soft prompt of the pieces, a mask widened by
the words).  Read from the user's source and the frames' values: the count's assignment, the tokenized text, and
both numbers."""
from __future__ import annotations

import ast
import re
from typing import NamedTuple

from .. import source as src
from ..facts import Context
from . import Finding, fact

COUNTS_WORDS = fact("counts-words", "`count_name` = `count_made` (line `count_line`) counts the `n_words` words of "
                                    "`text_name`, and `pieces_name` (line `pieces_line`) holds its `n_pieces` word "
                                    "pieces: the two lengths that disagree differ by exactly that")
#: A tokenizer's methods that split one text into pieces.
_SPLITS = ("tokenize", "encode", "convert_tokens_to_ids")
#: A tokenizer object called on the text (`tokenizer(PROMPT, ...)`, `tok(...)`).
_TOKENIZER = re.compile(r"^(tok|\w*tokeni[sz]er)$", re.I)


class WordCount(NamedTuple):
    """The count's assignment and the name of the pieces that should size it."""

    file: str
    stmt: ast.Assign
    pieces: str


def words_for_pieces(ctx: Context, f: Finding, short: int, long: int) -> bool:
    """Adds the fact and the hint `counts_words` (a WordCount) when a name of the user's frames holds
    `len(T.split())`, the words of a text T, and a name holds T's tokenized pieces, `long - short` more than the
    words: the count sized the shorter of two tensors that should agree."""
    gap = long - short
    if gap <= 0:
        return False
    for fr in ctx.user_frames():
        tree = src.tree_of(fr.file)
        if tree is None:
            continue
        scope = src.enclosing_scope(tree, fr.line)
        for stmt in src.statements(scope):
            text = _words_of(stmt)
            if text is None or stmt.lineno > fr.line:
                continue
            name = stmt.targets[0].id
            words = fr.scalars.get(name)
            if type(words) is not int:
                continue
            for piece_stmt in src.statements(scope):
                pieces = _pieces_of(piece_stmt, text)
                if pieces is None or piece_stmt.lineno > stmt.lineno:
                    continue
                n = _length(fr, pieces)
                if n is None or n - words != gap:
                    continue
                f.facts.add(COUNTS_WORDS)
                f.values.update(count_name=name, count_made=" ".join(src.segment(fr.file, stmt.value).split()),
                                count_line=stmt.lineno, text_name=text, n_words=words, pieces_name=pieces,
                                pieces_line=piece_stmt.lineno, n_pieces=n, count_fixed=f"len({pieces})")
                f.hints["counts_words"] = WordCount(fr.file, stmt, pieces)
                f.confidence = "high"
                return True
    return False


def _words_of(stmt: ast.stmt) -> str | None:
    """`n = len(T.split())` (or `.split(" ")`): the text T."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    v = stmt.value
    if not (isinstance(v, ast.Call) and isinstance(v.func, ast.Name) and v.func.id == "len" and len(v.args) == 1):
        return None
    split = v.args[0]
    if isinstance(split, ast.Call) and isinstance(split.func, ast.Attribute) and split.func.attr == "split" \
            and len(split.args) <= 1:
        return ast.unparse(split.func.value)
    return None


def _pieces_of(stmt: ast.stmt, text: str) -> str | None:
    """`P = tokenizer(T, ...)["input_ids"]`, `P = tok.encode(T)`, `P = tok.tokenize(T)` (through `torch.tensor`):
    the name P."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    for call in (n for n in ast.walk(stmt.value) if isinstance(n, ast.Call)):
        last = src.call_name(call).split(".")[-1]
        tokenizer_call = last in _SPLITS or bool(_TOKENIZER.search(last))
        if tokenizer_call and call.args and ast.unparse(call.args[0]) == text:
            return stmt.targets[0].id
    return None


def _length(fr, name: str) -> int | None:
    """The length of a list or of a 1-D tensor the frame holds under `name`."""
    if type(fr.lengths.get(name)) is int:
        return fr.lengths[name]
    t = fr.tensor(name)
    return t.shape[0] if t is not None and len(t.shape) == 1 else None
