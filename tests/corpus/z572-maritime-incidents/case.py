"""Triage coastguard incident reports into response categories.

Keras-style wrapper around a tiny BERT encoder so the training code reads like
the old tf.keras notebook it replaces.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)
random.seed(7)

FIELDS = ("vessel", "waters", "narrative")
CATEGORIES = ["engine_failure", "medical", "grounding", "man_overboard"]

REPORTS = [
    ({"vessel": "fishing trawler", "waters": "north channel", "narrative": "lost propulsion drifting toward rocks"}, 0),
    ({"vessel": "sailing yacht", "waters": "inner harbour", "narrative": "crew member chest pain needs evacuation"}, 1),
    ({"vessel": "cargo barge", "waters": "estuary mouth", "narrative": "aground on sandbank falling tide"}, 2),
    ({"vessel": "ferry", "waters": "open sea", "narrative": "passenger fell over the rail at night"}, 3),
    ({"vessel": "rib", "waters": "north channel", "narrative": "outboard stalled will not restart"}, 0),
    ({"vessel": "kayak group", "waters": "bay", "narrative": "paddler hypothermic and confused"}, 1),
    ({"vessel": "motor cruiser", "waters": "estuary mouth", "narrative": "struck rocks hull holding aground"}, 2),
    ({"vessel": "fishing trawler", "waters": "open sea", "narrative": "deckhand washed overboard by wave"}, 3),
]

BACKBONE = dict(hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
                max_position_embeddings=64, type_vocab_size=2)


class ReportPreprocessor:
    """adapt() learns a vocab, transform() turns records into padded tensors."""

    def __init__(self, fields, max_len=48):
        self.fields = fields
        self.max_len = max_len
        self.tokenizer = None

    def adapt(self, records):
        words = sorted({w for rec in records for f in self.fields for w in rec[f].lower().split()})
        vocab_dir = tempfile.mkdtemp()
        path = os.path.join(vocab_dir, "vocab.txt")
        with open(path, "w") as fh:
            fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
        self.tokenizer = BertTokenizer(path)
        print(f"[preproc] vocab size {self.tokenizer.vocab_size}")
        return self

    def _encode_one(self, rec):
        ids, segs = [self.tokenizer.cls_token_id], [0]
        for seg_no, field in enumerate(self.fields):
            piece = self.tokenizer.convert_tokens_to_ids(self.tokenizer.tokenize(rec[field]))
            piece = piece + [self.tokenizer.sep_token_id]
            ids += piece
            segs += [seg_no] * len(piece)
        return ids[: self.max_len], segs[: self.max_len]

    def transform(self, records):
        encoded = [self._encode_one(r) for r in records]
        width = max(len(ids) for ids, _ in encoded)
        pad = self.tokenizer.pad_token_id
        ids = torch.tensor([i + [pad] * (width - len(i)) for i, _ in encoded])
        segs = torch.tensor([s + [0] * (width - len(s)) for _, s in encoded])
        keep = (ids != pad).long()
        return {"input_ids": ids, "token_type_ids": segs, "attention_mask": keep}


class _Net(nn.Module):
    def __init__(self, cfg, n_out):
        super().__init__()
        self.encoder = BertModel(cfg)
        self.head = nn.Linear(cfg.hidden_size, n_out)

    def forward(self, **feats):
        pooled = self.encoder(**feats).last_hidden_state[:, 0]
        return self.head(pooled)


class PrintEpoch:
    def on_epoch_end(self, epoch, logs):
        print(f"epoch {epoch + 1}: loss={logs['loss']:.4f} acc={logs['acc']:.2f}")


class IncidentClassifier:
    def __init__(self, cfg, n_out):
        self.net = _Net(cfg, n_out)
        self.history = {"loss": [], "acc": []}

    def compile(self, lr=3e-4):
        self.opt = torch.optim.AdamW(self.net.parameters(), lr=lr)
        self.loss_fn = nn.CrossEntropyLoss()

    def fit(self, x, y, epochs=3, batch_size=4, callbacks=()):
        n = y.shape[0]
        for epoch in range(epochs):
            self.net.train()
            order = torch.randperm(n)
            tot, hits = 0.0, 0
            for start in range(0, n, batch_size):
                idx = order[start:start + batch_size]
                out = self.net(**{k: v[idx] for k, v in x.items()})
                loss = self.loss_fn(out, y[idx])
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                tot += loss.item() * len(idx)
                hits += (out.argmax(-1) == y[idx]).sum().item()
            logs = {"loss": tot / n, "acc": hits / n}
            for k, v in logs.items():
                self.history[k].append(v)
            for cb in callbacks:
                cb.on_epoch_end(epoch, logs)
        return self.history

    @torch.no_grad()
    def evaluate(self, x, y):
        self.net.eval()
        out = self.net(**x)
        return {"loss": self.loss_fn(out, y).item(), "acc": (out.argmax(-1) == y).float().mean().item()}

    @torch.no_grad()
    def predict(self, x):
        self.net.eval()
        return self.net(**x).argmax(-1)


if __name__ == "__main__":
    records = [r for r, _ in REPORTS]
    targets = torch.tensor([c for _, c in REPORTS])

    prep = ReportPreprocessor(FIELDS).adapt(records)
    feats = prep.transform(records)
    print(f"[data] {feats['input_ids'].shape[0]} reports, width {feats['input_ids'].shape[1]}")

    cfg = BertConfig(vocab_size=prep.tokenizer.vocab_size, **BACKBONE)
    model = IncidentClassifier(cfg, len(CATEGORIES))
    model.compile(lr=5e-4)
    hist = model.fit(feats, targets, epochs=3, batch_size=4, callbacks=[PrintEpoch()])

    print("[eval]", model.evaluate(feats, targets))
    preds = model.predict(prep.transform(records[:3]))
    for rec, p in zip(records[:3], preds.tolist()):
        print(f"{rec['vessel']:>16} -> {CATEGORIES[p]}")
