import os
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset, DataLoader
from transformers import BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
random.seed(3)
torch.manual_seed(3)


@dataclass
class Config:
    max_len: int = 48
    d_model: int = 64
    n_heads: int = 4
    n_layers: int = 2
    batch_size: int = 16
    lr: float = 1e-3
    epochs: int = 2


BODY_REGIONS = ["hamstring", "quadriceps", "calf", "groin", "ankle", "knee", "shoulder", "lower back"]
MECHANISMS = ["during a sprint", "in a tackle", "on landing", "while changing direction",
              "in the gym", "after contact with opponent", "late in the second half"]
SIDES = ["left", "right"]
SEVERITY = ["minor", "moderate", "severe"]
TEMPLATES = [
    "player reported {sev} pain in the {side} {region} {mech}",
    "{side} {region} strain {mech} , physio assessed as {sev}",
    "{sev} {region} injury {mech} . removed from session . {side} side",
    "tightness in {side} {region} {mech} ; scan booked . grading {sev}",
]


def write_vocab(path):
    words = set()
    for t in TEMPLATES:
        words.update(w for w in t.split() if not w.startswith("{"))
    for group in (BODY_REGIONS, MECHANISMS, SIDES, SEVERITY):
        for phrase in group:
            words.update(phrase.split())
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    with open(path, "w") as f:
        f.write("\n".join(tokens) + "\n")


def make_reports(n):
    rows = []
    for _ in range(n):
        sev = random.randrange(len(SEVERITY))
        text = random.choice(TEMPLATES).format(
            sev=SEVERITY[sev], side=random.choice(SIDES),
            region=random.choice(BODY_REGIONS), mech=random.choice(MECHANISMS))
        rows.append((text, sev))
    return rows


class InjuryReportDataset(Dataset):
    def __init__(self, rows, tokenizer, max_len):
        self.items = []
        for text, label in rows:
            ids = tokenizer.encode(text, truncation=True, max_length=max_len)
            self.items.append((torch.tensor(ids), label))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def make_padding_mask(lengths, max_len):
    positions = torch.arange(max_len).unsqueeze(0)
    return positions >= lengths.unsqueeze(1)


def build_collate(pad_id, cfg):
    def collate(batch):
        seqs, labels = zip(*batch)
        lengths = torch.tensor([len(s) for s in seqs])
        input_ids = pad_sequence(seqs, batch_first=True, padding_value=pad_id)
        pad_mask = make_padding_mask(lengths, cfg.max_len)
        return input_ids, pad_mask, torch.tensor(labels)
    return collate


class SeverityClassifier(nn.Module):
    def __init__(self, vocab_size, cfg, n_classes, pad_id):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, cfg.d_model, padding_idx=pad_id)
        self.pos = nn.Embedding(cfg.max_len, cfg.d_model)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, 2 * cfg.d_model,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers, enable_nested_tensor=False)
        self.cls = nn.Linear(cfg.d_model, n_classes)

    def forward(self, input_ids, pad_mask):
        pos = torch.arange(input_ids.size(1), device=input_ids.device)
        h = self.tok(input_ids) + self.pos(pos)
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.cls(pooled)


def main():
    cfg = Config()
    vocab_path = os.path.join(HERE, "injury_vocab.txt")
    write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    rows = make_reports(320)
    split = int(0.8 * len(rows))
    collate = build_collate(tokenizer.pad_token_id, cfg)
    train_dl = DataLoader(InjuryReportDataset(rows[:split], tokenizer, cfg.max_len),
                          batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(InjuryReportDataset(rows[split:], tokenizer, cfg.max_len),
                        batch_size=cfg.batch_size, collate_fn=collate)

    model = SeverityClassifier(tokenizer.vocab_size, cfg, len(SEVERITY), tokenizer.pad_token_id)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(cfg.epochs):
        model.train()
        for input_ids, pad_mask, labels in train_dl:
            loss = loss_fn(model(input_ids, pad_mask), labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        correct = total = 0
        with torch.no_grad():
            for input_ids, pad_mask, labels in val_dl:
                correct += (model(input_ids, pad_mask).argmax(-1) == labels).sum().item()
                total += len(labels)
        print(f"epoch {epoch}: last train loss {loss.item():.3f}, val acc {correct / total:.3f}")


if __name__ == "__main__":
    main()
