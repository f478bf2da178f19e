"""Tag fields on digitised herbarium sheet labels (taxon, locality, date, collector).

Word-level tags, one tag per whitespace word; the transcriptions were
already lower-cased and cleaned by the volunteers' tool.
"""
import os
import tempfile
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Dict, List

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

SHEETS = [
    ("carex flacca wet meadow near aldbury 12 june 1931 leg hart", "T T L L L L D D D O C"),
    ("quercus robur hedgerow stoke row 3 may 1898 leg druce", "T T L L L D D D O C"),
    ("orchis mascula chalk bank aston 20 april 1954 leg hart", "T T L L L D D D O C"),
    ("salix caprea riverside meadow 7 march 1921 leg druce", "T T L L D D D O C"),
    ("primula veris roadside verge aldbury 2 may 1962 leg bowen", "T T L L L D D D O C"),
]


@dataclass
class TagScheme:
    tags: List[str] = field(default_factory=lambda: ["O", "T", "L", "D", "C"])
    max_words: int = 14
    seq_len: int = field(init=False)
    tag_id: Dict[str, int] = field(init=False)

    def __post_init__(self):
        self.seq_len = self.max_words + 2  # [CLS] ... [SEP]
        self.tag_id = {t: i for i, t in enumerate(self.tags)}


@dataclass(frozen=True)
class TokenizeArgs:
    padding: str = "max_length"
    truncation: bool = True
    max_length: int = 32
    is_split_into_words: bool = True
    return_tensors: str = "pt"


def write_vocab(texts: List[str]) -> str:
    folder = tempfile.mkdtemp()
    words = sorted({w for t in texts for w in t.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return os.path.join(folder, "vocab.txt")


def word_targets(tag_line: str, scheme: TagScheme) -> List[int]:
    ids = [-100] + [scheme.tag_id[t] for t in tag_line.split()][: scheme.max_words] + [-100]
    return ids + [-100] * (scheme.seq_len - len(ids))


def collate(rows, tokenizer, scheme: TagScheme, tok_args: TokenizeArgs):
    words = [text.split() for text, _ in rows]
    enc = tokenizer(words, **asdict(tok_args))
    enc["labels"] = torch.tensor([word_targets(tags, scheme) for _, tags in rows])
    return dict(enc)


def main():
    torch.manual_seed(0)
    scheme = TagScheme()
    tokenizer = BertTokenizer(write_vocab([t for t, _ in SHEETS]))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
        num_labels=len(scheme.tags),
    )
    model = BertForTokenClassification(config)
    make_batch = partial(collate, tokenizer=tokenizer, scheme=scheme, tok_args=TokenizeArgs())
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)

    model.train()
    for epoch in range(4):
        total = 0.0
        for start in range(0, len(SHEETS), 2):
            batch = make_batch(SHEETS[start:start + 2])
            out = model(**batch)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            total += out.loss.item()
        print(f"epoch {epoch}: summed loss {total:.3f}")

    model.eval()
    batch = make_batch(SHEETS[:1])
    gold = batch.pop("labels")
    with torch.no_grad():
        pred = model(**batch).logits.argmax(-1)
    keep = gold[0] != -100
    print("gold:", [scheme.tags[i] for i in gold[0][keep].tolist()])
    print("pred:", [scheme.tags[i] for i in pred[0][keep].tolist()])


if __name__ == "__main__":
    main()
