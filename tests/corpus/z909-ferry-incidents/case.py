"""
portlog: severity tagging for ferry incident reports.

Reusable part first (TextEncoder, Head, build); the example at the bottom shows
a harbour authority training it on a handful of logbook entries.
"""
import functools
import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer


@dataclass
class Report:
    text: str
    severity: str


def _vocab_from(reports, extra=("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")):
    seen = {}
    for r in reports:
        for tok in r.text.lower().split():
            seen.setdefault(tok.strip(".,;:"), None)
    tmp = tempfile.mkdtemp(prefix="portlog_")
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w", encoding="utf-8") as fh:
        for tok in list(extra) + [t for t in seen if t]:
            fh.write(tok + "\n")
    return path


class TextEncoder(nn.Module):
    def __init__(self, vocab_size, width=32, depth=1, n_heads=2, max_positions=64, **bert_kwargs):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=width, num_hidden_layers=depth,
                         num_attention_heads=n_heads, intermediate_size=width * 2,
                         max_position_embeddings=max_positions, **bert_kwargs)
        self.bert = BertModel(cfg)
        self.width = cfg.hidden_size

    def forward(self, input_ids, attention_mask, **unused):
        states = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        weights = attention_mask.unsqueeze(-1).float()
        return (states * weights).sum(1) / weights.sum(1).clamp(min=1.0)


class Head(nn.Module):
    def __init__(self, width, num_labels, dropout=0.1):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.proj = nn.Linear(width, num_labels)

    def forward(self, pooled):
        return self.proj(self.drop(pooled))


class SeverityModel(nn.Module):
    def __init__(self, encoder, head, label_names):
        super().__init__()
        self.encoder, self.head = encoder, head
        self.label_names = label_names
        self.loss = nn.CrossEntropyLoss()

    def forward(self, target=None, **batch):
        logits = self.head(self.encoder(**batch))
        out = {"logits": logits}
        if target is not None:
            out["loss"] = self.loss(logits, target)
        return out


def collate(rows, tokenizer, label_names, max_length=64):
    enc = tokenizer([r.text for r in rows], padding=True, truncation=True,
                    max_length=max_length, return_tensors="pt")
    enc = dict(enc)
    enc["target"] = torch.tensor([label_names.index(r.severity) for r in rows])
    return enc


def build(reports, label_names=None, num_labels=4, width=32, depth=1, n_heads=2,
          max_positions=64, dropout=0.1, batch_size=4, **kwargs):
    tokenizer = BertTokenizer(_vocab_from(reports))
    label_names = label_names or [f"LABEL_{i}" for i in range(num_labels)]
    encoder = TextEncoder(tokenizer.vocab_size, width=width, depth=depth, n_heads=n_heads,
                          max_positions=max_positions, **kwargs)
    model = SeverityModel(encoder, Head(encoder.width, num_labels, dropout), label_names)
    loader = DataLoader(reports, batch_size=batch_size, shuffle=True,
                        collate_fn=functools.partial(collate, tokenizer=tokenizer,
                                                     label_names=label_names, max_length=max_positions))
    return model, loader


# ---------------------------------------------------------------- usage
if __name__ == "__main__":
    torch.manual_seed(11)

    SEVERITY = ["routine", "minor", "moderate", "serious", "mayday"]
    logbook = [
        Report("passenger slipped on wet stairs, first aid given on deck two", "minor"),
        Report("departure delayed ten minutes for late vehicle loading", "routine"),
        Report("bow thruster failure during berthing, tug assistance requested", "moderate"),
        Report("engine room fire alarm, crew mustered, fire contained", "serious"),
        Report("vessel taking water after grounding, abandon ship prepared", "mayday"),
        Report("gangway sensor fault reset by duty officer", "routine"),
        Report("man overboard reported, rescue boat launched, person recovered", "serious"),
        Report("radar outage in fog, speed reduced, lookout doubled", "moderate"),
    ]

    model, loader = build(logbook, label_names=SEVERITY, dropout=0.2,
                          hidden_dropout_prob=0.05, attention_probs_dropout_prob=0.05)
    optimiser = torch.optim.Adam(model.parameters(), lr=5e-4)

    for epoch in range(4):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            optimiser.zero_grad()
            out["loss"].backward()
            optimiser.step()
            running += out["loss"].item()
        print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

    model.eval()
    probe = next(iter(loader))
    with torch.no_grad():
        guess = model(**{k: v for k, v in probe.items() if k != "target"})["logits"].argmax(-1)
    print("predicted:", [model.label_names[i] for i in guess.tolist()])
