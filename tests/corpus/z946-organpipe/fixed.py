"""Pipe organ restoration workshop: sort incoming service tickets by fault type
before they are assigned to a voicer or an action technician."""
import os
import tempfile
from dataclasses import dataclass, field

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer


@dataclass
class ModelCfg:
    hidden_size: int = 32
    num_layers: int = 1
    num_heads: int = 2
    max_len: int = 64
    pooling: str = "cls_mean"   # "cls" or "cls_mean"
    dropout: float = 0.1


@dataclass
class DataCfg:
    label_names: list = field(default_factory=lambda: [
        "cipher", "dead_note", "wind_leak", "tuning_drift", "tracker_action"])
    max_len: int = 48


@dataclass
class TrainCfg:
    lr: float = 5e-4
    steps: int = 6
    seed: int = 1723


@dataclass
class Cfg:
    model: ModelCfg = field(default_factory=ModelCfg)
    data: DataCfg = field(default_factory=DataCfg)
    train: TrainCfg = field(default_factory=TrainCfg)


def load_cfg(overrides: dict) -> Cfg:
    cfg = Cfg()
    for key in sorted(overrides):
        group_name, attr = key.split(".")
        group = getattr(cfg, group_name)
        setattr(group, attr, overrides[key])
        print(f"  override {key} = {overrides[key]!r}")
    return cfg


TICKETS = [
    ("low c on the swell keeps sounding after the key is released", "cipher"),
    ("middle f sharp on the great principal gives no sound at all", "dead_note"),
    ("hissing from the reservoir leather near the bellows weights", "wind_leak"),
    ("trumpet rank flat against the principal after the heating came on", "tuning_drift"),
    ("pedal d sticks down the tracker rubs on the squares", "tracker_action"),
    ("choir flute pipe silent the toe hole may be blocked", "dead_note"),
    ("continuous sighing from the swell chest when no key is pressed", "cipher"),
    ("wind pressure drops when full organ is drawn split in the trunk", "wind_leak"),
]


class TicketClassifier(nn.Module):
    def __init__(self, encoder: BertModel, mcfg: ModelCfg, n_classes: int):
        super().__init__()
        self.encoder = encoder
        self.pooling = mcfg.pooling
        self.drop = nn.Dropout(mcfg.dropout)
        pooled_dim = mcfg.hidden_size if mcfg.pooling == "cls" else 2 * mcfg.hidden_size
        self.head = nn.Linear(pooled_dim, n_classes)

    def pool(self, hidden, attn):
        cls_vec = hidden[:, 0]
        if self.pooling == "cls":
            return cls_vec
        weights = attn.unsqueeze(-1).to(hidden.dtype)
        mean_vec = (hidden * weights).sum(1) / weights.sum(1)
        return torch.cat([cls_vec, mean_vec], dim=-1)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state
        return self.head(self.drop(self.pool(states, attention_mask)))


def make_tokenizer():
    words = sorted({w for text, _ in TICKETS for w in text.split()})
    tmp = tempfile.mkdtemp(prefix="organ_tok_")
    vocab_path = os.path.join(tmp, "vocab.txt")
    with open(vocab_path, "w", encoding="utf-8") as f:
        for w in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            f.write(w + "\n")
    return BertTokenizer(vocab_path)


def main():
    print("loading config")
    cfg = load_cfg({"model.pooling": "cls", "train.steps": 4})
    torch.manual_seed(cfg.train.seed)

    tokenizer = make_tokenizer()
    encoder = BertModel(BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=cfg.model.hidden_size,
        num_hidden_layers=cfg.model.num_layers,
        num_attention_heads=cfg.model.num_heads,
        intermediate_size=4 * cfg.model.hidden_size,
        max_position_embeddings=cfg.model.max_len,
    ))
    clf = TicketClassifier(encoder, cfg.model, len(cfg.data.label_names))
    optimizer = torch.optim.AdamW(clf.parameters(), lr=cfg.train.lr)

    texts = [t for t, _ in TICKETS]
    gold = torch.tensor([cfg.data.label_names.index(lab) for _, lab in TICKETS])
    batch = tokenizer(texts, padding="longest", truncation=True,
                      max_length=cfg.data.max_len, return_tensors="pt")

    clf.train()
    for step in range(cfg.train.steps):
        logits = clf(**batch)
        loss = nn.functional.cross_entropy(logits, gold)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        print(f"step {step}: loss={loss.item():.4f}")

    clf.eval()
    with torch.no_grad():
        guess = clf(**batch).argmax(-1)
    acc = (guess == gold).float().mean().item()
    print(f"train accuracy {acc:.2f}")


if __name__ == "__main__":
    main()
