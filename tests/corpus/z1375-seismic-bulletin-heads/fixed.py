"""Seismic bulletin tagger: a small BERT-style encoder in plain torch reads analyst
bulletins and predicts event type and severity. After training, per-class
temperatures are fitted for calibrated scores and shipped with the weights."""
import json
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)
PAD, UNK, CLS = 0, 1, 2

HEADS = {"event_type": ["earthquake", "quarry_blast", "explosion", "landslide", "icequake"],
         "severity": ["minor", "moderate", "major"]}

BULLETINS = [
    ("strong shaking felt across the valley aftershocks recorded", 0, 2),
    ("shallow tremor near fault line felt weakly", 0, 0),
    ("daytime blast at limestone quarry small magnitude", 1, 0),
    ("scheduled quarry detonation recorded by nearby station", 1, 0),
    ("impulsive source surface explosion at industrial site", 2, 1),
    ("large explosion at port windows broken", 2, 2),
    ("slope failure after heavy rain long period signal", 3, 1),
    ("rockfall and landslide blocking road emergent onset", 3, 2),
    ("glacier calving icequake swarm at terminus", 4, 0),
    ("ice sheet cracking signals during thaw", 4, 1),
]


class BulletinEncoder(nn.Module):
    def __init__(self, vocab_size, dim, max_len, heads):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=PAD)
        self.pos = nn.Embedding(max_len, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=2 * dim, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.heads = nn.ModuleDict({name: nn.Linear(dim, n) for name, n in heads.items()})

    def forward(self, ids):
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.encoder(self.tok(ids) + self.pos(positions), src_key_padding_mask=ids.eq(PAD))
        return {name: head(h[:, 0]) for name, head in self.heads.items()}


def encode(texts, vocab):
    rows = [[CLS] + [vocab.get(w, UNK) for w in t.split()] for t in texts]
    width = max(len(r) for r in rows)
    return torch.tensor([r + [PAD] * (width - len(r)) for r in rows])


def fit_logit_scale(logits, target, steps=2):
    log_s = torch.zeros(logits.size(1), requires_grad=True)
    opt = torch.optim.Adam([log_s], lr=0.05)
    for _ in range(steps):
        opt.zero_grad()
        F.cross_entropy(logits * log_s.exp(), target).backward()
        opt.step()
    return log_s.detach().exp()


def train_and_export(out_dir, epochs=2):
    words = sorted({w for text, _, _ in BULLETINS for w in text.split()})
    vocab = {w: i + 3 for i, w in enumerate(words)}
    cfg = {"vocab": vocab, "dim": 32, "max_len": 32,
           "heads": {name: len(classes) for name, classes in HEADS.items()}}
    model = BulletinEncoder(len(vocab) + 3, cfg["dim"], cfg["max_len"], cfg["heads"])
    ids = encode([b[0] for b in BULLETINS], vocab)
    targets = {"event_type": torch.tensor([b[1] for b in BULLETINS]),
               "severity": torch.tensor([b[2] for b in BULLETINS])}
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    for epoch in range(epochs):
        out = model(ids)
        loss = sum(F.cross_entropy(out[h], targets[h]) for h in HEADS)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if epoch % 10 == 0:
            print(f"epoch {epoch:02d} joint loss {loss.item():.3f}")

    model.eval()
    with torch.no_grad():
        out = model(ids)
    for head in HEADS:
        scale = fit_logit_scale(out[head], targets[head])
        print(f"{head}: per-class logit scale {[round(s, 2) for s in scale.tolist()]}")
        cfg.setdefault("logit_scale", {})[head] = scale.tolist()

    torch.save(model.state_dict(), os.path.join(out_dir, "bulletin_encoder.pt"))
    with open(os.path.join(out_dir, "bulletin_config.json"), "w") as fh:
        json.dump(cfg, fh)


class Predictor:
    def __init__(self, model, cfg, head):
        self.model, self.vocab, self.head = model.eval(), cfg["vocab"], head
        self.classes = HEADS[head]
        self.logit_scale = torch.tensor(cfg["logit_scale"][head])

    @classmethod
    def from_dir(cls, path, head="event_type"):
        with open(os.path.join(path, "bulletin_config.json")) as fh:
            cfg = json.load(fh)
        model = BulletinEncoder(len(cfg["vocab"]) + 3, cfg["dim"], cfg["max_len"], cfg["heads"])
        model.load_state_dict(torch.load(os.path.join(path, "bulletin_encoder.pt")))
        return cls(model, cfg, head)

    @torch.no_grad()
    def predict_batch(self, bulletins):
        logits = self.model(encode([b["text"] for b in bulletins], self.vocab))[self.head]
        probs = (logits * self.logit_scale).softmax(dim=-1)
        conf, best = probs.max(dim=-1)
        return [{"id": b["id"], self.head: self.classes[k], "p": round(p, 3)}
                for b, k, p in zip(bulletins, best.tolist(), conf.tolist())]


if __name__ == "__main__":
    model_dir = tempfile.mkdtemp(prefix="seismic-")
    train_and_export(model_dir)
    predictor = Predictor.from_dir(model_dir, head="event_type")
    incoming = [
        {"id": "BUL-7731", "text": "quarry blast recorded at limestone site"},
        {"id": "BUL-7732", "text": "icequake swarm near glacier terminus"},
        {"id": "BUL-7733", "text": "strong shaking felt with aftershocks"},
    ]
    for tag in predictor.predict_batch(incoming):
        print(tag)
