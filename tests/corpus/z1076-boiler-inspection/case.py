"""Fine-tune a tiny BERT to flag boiler inspection reports that need a re-visit."""
import functools
import os
import random
import tempfile
from dataclasses import dataclass
from typing import Dict, List, Protocol

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(7)
torch.manual_seed(7)

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + (
    "boiler pressure valve relief gauge corrosion leak flue burner pilot scale "
    "tube shell weld crack ok pass fail revisit inspector notes soot water low "
    "high temperature safety interlock drain feed pump sediment replaced"
).split()

MAX_LEN = 40


@dataclass
class Ticket:
    site: str
    findings: str
    notes: str
    revisit: int


class TokenizerLike(Protocol):
    def tokenize(self, text: str) -> List[str]: ...
    def convert_tokens_to_ids(self, tokens: List[str]) -> List[int]: ...


def build_tokenizer() -> BertTokenizer:
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    return BertTokenizer(path)


@functools.singledispatch
def encode(record, tok: TokenizerLike) -> Dict[str, List[int]]:
    raise TypeError(f"don't know how to encode {type(record).__name__}")


@encode.register
def _(record: Ticket, tok: TokenizerLike) -> Dict[str, List[int]]:
    ids, segs = [tok.convert_tokens_to_ids("[CLS]")], [0]
    for seg, part in enumerate([record.site, record.findings, record.notes]):
        piece = tok.convert_tokens_to_ids(tok.tokenize(part)) + [tok.convert_tokens_to_ids("[SEP]")]
        ids += piece
        segs += [seg] * len(piece)
    return {"ids": ids[:MAX_LEN], "segs": segs[:MAX_LEN], "y": record.revisit}


@encode.register
def _(record: dict, tok: TokenizerLike) -> Dict[str, List[int]]:
    enc = tok(record["text"], record.get("pair", ""), truncation=True, max_length=MAX_LEN)
    return {"ids": enc["input_ids"], "segs": enc["token_type_ids"], "y": int(record["label"])}


def collate(items: List[Dict[str, List[int]]]) -> Dict[str, torch.Tensor]:
    width = max(len(it["ids"]) for it in items)
    pad = lambda seq: seq + [0] * (width - len(seq))
    return {
        "input_ids": torch.tensor([pad(it["ids"]) for it in items]),
        "token_type_ids": torch.tensor([pad(it["segs"]) for it in items]),
        "attention_mask": torch.tensor([[1] * len(it["ids"]) + [0] * (width - len(it["ids"])) for it in items]),
        "y": torch.tensor([it["y"] for it in items]),
    }


class RevisitClassifier(nn.Module):
    def __init__(self, cfg: BertConfig):
        super().__init__()
        self.bert = BertModel(cfg)
        self.head = nn.Linear(cfg.hidden_size, 2)

    def forward(self, input_ids, token_type_ids, attention_mask):
        out = self.bert(input_ids=input_ids, token_type_ids=token_type_ids, attention_mask=attention_mask)
        return self.head(out.last_hidden_state[:, 0])


def self_check(tok: BertTokenizer) -> None:
    assert tok.convert_tokens_to_ids("[PAD]") == 0
    assert tok.tokenize("boiler leak") == ["boiler", "leak"]
    enc = encode({"text": "pressure ok", "label": 0}, tok)
    assert len(enc["ids"]) == len(enc["segs"])
    batch = collate([enc, encode({"text": "crack", "label": 1}, tok)])
    assert batch["input_ids"].shape == batch["attention_mask"].shape
    print("self_check: ok")


records = [
    Ticket("shell weld", "crack near tube", "revisit inspector notes", 1),
    Ticket("burner pilot", "pass", "ok", 0),
    {"text": "relief valve leak", "pair": "replaced gauge", "label": 1},
    {"text": "water level ok", "label": 0},
    Ticket("feed pump", "sediment high", "drain scale", 1),
    {"text": "safety interlock pass", "label": 0},
]

if __name__ == "__main__":
    tokenizer = build_tokenizer()
    self_check(tokenizer)
    config = BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64, type_vocab_size=2)
    model = RevisitClassifier(config)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()
    encoded = [encode(r, tokenizer) for r in records]
    for epoch in range(3):
        random.shuffle(encoded)
        total = 0.0
        for start in range(0, len(encoded), 3):
            batch = collate(encoded[start:start + 3])
            target = batch.pop("y")
            logits = model(**batch)
            loss = loss_fn(logits, target)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total:.4f}")
    print("done")
