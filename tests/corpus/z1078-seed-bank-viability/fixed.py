"""Predict germination viability class for seed bank accessions from curator notes (tiny BERT)."""
import functools
import os
import tempfile
from dataclasses import dataclass
from typing import Dict, List, Protocol, Union

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(3)

WORDS = ("seed seeds accession dry cold vault moisture high low germination test viable dormant "
         "wheat barley lentil sorghum oak acorn recalcitrant orthodox dried frozen thawed mould "
         "percent drop stable batch collected wild field regenerate").split()
CLASSES = ["viable", "declining", "regenerate"]


@dataclass
class Ticket:
    species: str
    storage: str
    remarks: str
    status: str


class Pooler(Protocol):
    out_features: int

    def __call__(self, hidden: torch.Tensor, keep: torch.Tensor) -> torch.Tensor: ...


class ClsMeanPooler:
    """[CLS] vector concatenated with the masked mean of all tokens."""

    def __init__(self, hidden: int):
        self.hidden = hidden

    @property
    def out_features(self) -> int:
        return 2 * self.hidden

    def __call__(self, hidden: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        w = keep.unsqueeze(-1).to(hidden.dtype)
        mean = (hidden * w).sum(1) / w.sum(1).clamp(min=1.0)
        return torch.cat([hidden[:, 0], mean], dim=-1)


@functools.singledispatch
def encode(record, tok: BertTokenizer) -> Dict[str, Union[str, int]]:
    raise NotImplementedError(type(record))


@encode.register
def _(record: Ticket, tok: BertTokenizer) -> Dict[str, Union[str, int]]:
    text = f"{record.species} {record.storage} {tok.sep_token} {record.remarks}"
    return {"text": text, "y": CLASSES.index(record.status)}


@encode.register
def _(record: dict, tok: BertTokenizer) -> Dict[str, Union[str, int]]:
    return {"text": record["note"].lower(), "y": CLASSES.index(record.get("status", "viable"))}


class ViabilityNet(nn.Module):
    def __init__(self, cfg: BertConfig, pooler: Pooler, n_out: int):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.pooler = pooler
        self.classifier = nn.Linear(pooler.out_features, n_out)

    def forward(self, input_ids, attention_mask, **_):
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.classifier(self.pooler(states, attention_mask))


def make_tokenizer() -> BertTokenizer:
    where = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(where, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return BertTokenizer(where)


def self_check(tok: BertTokenizer, pooler: ClsMeanPooler) -> None:
    assert tok.tokenize("dormant acorn") == ["dormant", "acorn"]
    assert encode(Ticket("oak", "cold", "acorn", "regenerate"), tok)["y"] == 2
    h = torch.ones(2, 4, pooler.hidden)
    keep = torch.tensor([[1, 1, 0, 0], [1, 1, 1, 1]])
    assert torch.allclose(pooler(h, keep), torch.ones_like(pooler(h, keep)))
    print("self_check ok")


ACCESSIONS = [
    Ticket("wheat", "cold vault", "germination test 96 percent stable", "viable"),
    {"note": "Barley batch dried, moisture low, germination stable", "status": "viable"},
    Ticket("lentil", "dry", "germination drop 20 percent", "declining"),
    {"note": "Oak acorn recalcitrant, frozen then thawed, mould", "status": "regenerate"},
    {"note": "Sorghum wild collected, dormant seeds, test low", "status": "declining"},
    Ticket("barley", "cold vault", "viable germination low drop regenerate field", "regenerate"),
]

if __name__ == "__main__":
    tok = make_tokenizer()
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    pooler = ClsMeanPooler(cfg.hidden_size)
    self_check(tok, pooler)

    rows = [encode(a, tok) for a in ACCESSIONS]
    enc = tok([r["text"] for r in rows], padding=True, truncation=True, max_length=48, return_tensors="pt")
    gold = torch.tensor([r["y"] for r in rows])

    net = ViabilityNet(cfg, pooler, len(CLASSES))
    opt = torch.optim.AdamW(net.parameters(), lr=5e-4)
    for step in range(4):
        logits = net(**enc)
        loss = nn.functional.cross_entropy(logits, gold)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.4f}")
    print("predicted:", [CLASSES[i] for i in net(**enc).argmax(-1).tolist()])
