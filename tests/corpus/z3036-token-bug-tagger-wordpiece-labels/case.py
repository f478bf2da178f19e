import io
import os
import random
import re
import tokenize
from dataclasses import dataclass
from typing import Dict, Iterator, List, Protocol, Sequence, Tuple

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

SEED = 13
random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "code_vocab.txt")
MAX_LENGTH = 96
BATCH_SIZE = 4

SUBWORD_RE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
SKIP_TYPES = {tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT,
              tokenize.ENDMARKER, tokenize.COMMENT}

NAMES = ["itemCount", "user_list", "maxValue", "totalSize", "rowIndex", "bufferLen", "nodeQueue"]
BODY = [
    (1, "{b} = 0", "{b} = 1"),
    (1, "for idx in range(len({a})):", "for idx in range(len({a}) + 1):"),
    (2, "{b} += {a}[idx]", "{b} =+ {a}[idx]"),
    (1, "return {b} / max(len({a}), 1)", "return {b} / len({a}) - 1"),
]


@dataclass(frozen=True)
class LabeledSnippet:
    source: str
    buggy_line: int


class Lexer(Protocol):
    def __call__(self, source: str) -> Tuple[List[str], List[int]]: ...


def split_identifier(name: str) -> List[str]:
    parts = SUBWORD_RE.findall(name)
    return [p.lower() for p in parts] or [name.lower()]


def lex_with_lines(source: str) -> Tuple[List[str], List[int]]:
    words: List[str] = []
    lines: List[int] = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in SKIP_TYPES:
            continue
        pieces = split_identifier(tok.string) if tok.type == tokenize.NAME else [tok.string]
        words.extend(pieces)
        lines.extend([tok.start[0]] * len(pieces))
    return words, lines


def make_snippet(rng: random.Random) -> LabeledSnippet:
    a, b = rng.sample(NAMES, 2)
    bug_at = rng.randrange(len(BODY)) if rng.random() < 0.6 else -1
    lines = [f"def summarize({a}, {b}):"]
    for i, (depth, clean, buggy) in enumerate(BODY):
        template = buggy if i == bug_at else clean
        lines.append("    " * depth + template.format(a=a, b=b))
    buggy_line = bug_at + 2 if bug_at >= 0 else -1
    return LabeledSnippet(source="\n".join(lines) + "\n", buggy_line=buggy_line)


def write_vocab(corpus: Sequence[LabeledSnippet], path: str) -> None:
    seen: Dict[str, None] = {}
    for snip in corpus:
        for w in lex_with_lines(snip.source)[0]:
            for ch in re.findall(r"\w+|[^\w\s]", w):
                seen.setdefault(ch, None)
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    digits = [str(d) for d in range(10)]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(specials + digits + [w for w in seen if w not in digits]) + "\n")


class BugSpanDataset(Dataset):
    def __init__(self, snippets: Sequence[LabeledSnippet], lexer: Lexer) -> None:
        self.items = []
        for snip in snippets:
            words, lines = lexer(snip.source)
            tags = [1 if ln == snip.buggy_line else 0 for ln in lines]
            self.items.append({"words": words, "tags": tags})

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> Dict[str, list]:
        return self.items[i]


def build_collate(tokenizer: BertTokenizer):
    def collate(batch: List[Dict[str, list]]) -> Dict[str, torch.Tensor]:
        words = [ex["words"] for ex in batch]
        enc = tokenizer(words, is_split_into_words=True, padding="longest",
                        truncation=True, max_length=MAX_LENGTH, return_tensors="pt")
        longest = max(len(ex["tags"]) for ex in batch)
        labels = torch.full((len(batch), longest), -100, dtype=torch.long)
        for row, ex in enumerate(batch):
            labels[row, : len(ex["tags"])] = torch.tensor(ex["tags"])
        enc["labels"] = labels
        return dict(enc)
    return collate


def batches_forever(loader: DataLoader) -> Iterator[Dict[str, torch.Tensor]]:
    while True:
        yield from loader


def main() -> None:
    rng = random.Random(SEED)
    corpus = [make_snippet(rng) for _ in range(64)]
    write_vocab(corpus, VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH, do_lower_case=True)

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=128, num_labels=2)
    model = BertForTokenClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    ds = BugSpanDataset(corpus, lex_with_lines)
    loader = DataLoader(ds, batch_size=BATCH_SIZE, shuffle=True, collate_fn=build_collate(tokenizer))

    model.train()
    stream = batches_forever(loader)
    for step in range(30):
        batch = next(stream)
        out = model(**batch)
        out.loss.backward()
        optim.step()
        optim.zero_grad()
        if step % 10 == 0:
            print(f"step {step:02d} loss {out.loss.item():.4f}")


if __name__ == "__main__":
    main()
