"""Cargo manifest line classifier: train a small encoder, save it, serve it.

The customs gateway sends free-text manifest lines; we tag each with a
handling category (reefer / hazmat / bulk / general).
"""
import json
import os
import tempfile

import torch
import torch.nn as nn

torch.manual_seed(7)

CATEGORIES = ["reefer", "hazmat", "bulk", "general"]
TRAIN_LINES = [
    ("40 CTNS FROZEN SHRIMP REEFER SET -18C", "reefer"),
    ("1X40RF CHILLED BEEF CARCASSES KEEP AT 0C", "reefer"),
    ("UN1203 GASOLINE CLASS 3 FLAMMABLE LIQUID DRUMS", "hazmat"),
    ("UN1830 SULPHURIC ACID CLASS 8 IBC TOTES", "hazmat"),
    ("BULK WHEAT GRAIN 25000 MT IN HOLDS 1-5", "bulk"),
    ("IRON ORE FINES BULK 60000 MT", "bulk"),
    ("12 PLTS OFFICE FURNITURE STC CHAIRS DESKS", "general"),
    ("230 CTNS CERAMIC TILES ON PALLETS", "general"),
]


def tokenize(line):
    # manifests are all caps with stray commas between items
    return line.lower().replace(",", " ").split()


def build_vocab(lines):
    vocab = {"<pad>": 0, "<unk>": 1}
    for line in lines:
        for w in tokenize(line):
            vocab.setdefault(w, len(vocab))
    return vocab


class ManifestEncoder(nn.Module):
    def __init__(self, vocab_size, dim, max_positions, n_classes):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos = nn.Embedding(max_positions, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(dim, n_classes)

    def forward(self, ids, pad):
        positions = torch.arange(ids.size(1)).unsqueeze(0).expand_as(ids)
        h = self.tok(ids) + self.pos(positions)
        h = self.encoder(h, src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled)


def encode_batch(lines, vocab, max_length):
    rows = [[vocab.get(w, 1) for w in tokenize(l)][:max_length] for l in lines]
    width = max(len(r) for r in rows)
    ids = torch.zeros(len(rows), width, dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r)
    return ids, ids.eq(0)


def train_and_save(out_dir):
    cfg = {"dim": 32, "max_positions": 32, "categories": CATEGORIES}
    cfg["vocab"] = build_vocab([l for l, _ in TRAIN_LINES])
    model = ManifestEncoder(len(cfg["vocab"]), cfg["dim"], cfg["max_positions"], len(CATEGORIES))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    ids, pad = encode_batch([l for l, _ in TRAIN_LINES], cfg["vocab"], cfg["max_positions"])
    target = torch.tensor([CATEGORIES.index(c) for _, c in TRAIN_LINES])
    model.train()
    for epoch in range(5):
        loss = nn.functional.cross_entropy(model(ids, pad), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"epoch {epoch} loss {loss.item():.4f}")
    # vocab travels inside the config so serving needs a single folder
    torch.save(model.state_dict(), os.path.join(out_dir, "weights.pt"))
    with open(os.path.join(out_dir, "config.json"), "w") as fh:
        json.dump(cfg, fh)


class Predictor:
    def __init__(self, model, cfg, max_length, batch_size):
        self.model = model.eval()
        self.cfg = cfg
        self.max_length = max_length
        self.batch_size = batch_size

    @classmethod
    def from_dir(cls, path, max_length=64, batch_size=4):
        with open(os.path.join(path, "config.json")) as fh:
            cfg = json.load(fh)
        model = ManifestEncoder(len(cfg["vocab"]), cfg["dim"], cfg["max_positions"], len(cfg["categories"]))
        model.load_state_dict(torch.load(os.path.join(path, "weights.pt"), map_location="cpu"))
        return cls(model, cfg, max_length, batch_size)

    @torch.no_grad()
    def predict_batch(self, requests):
        results = []
        for start in range(0, len(requests), self.batch_size):
            chunk = requests[start : start + self.batch_size]
            ids, pad = encode_batch([r["line"] for r in chunk], self.cfg["vocab"], self.max_length)
            probs = self.model(ids, pad).softmax(-1)
            conf, best = probs.max(-1)
            for req, c, b in zip(chunk, conf.tolist(), best.tolist()):
                results.append({"id": req["id"], "category": self.cfg["categories"][b], "confidence": round(c, 3)})
        return results


if __name__ == "__main__":
    workdir = tempfile.mkdtemp(prefix="manifest_")
    train_and_save(workdir)
    predictor = Predictor.from_dir(workdir)
    incoming = [
        {"id": "BL-001", "line": "20 CTNS FROZEN TUNA LOINS REEFER -20C"},
        {"id": "BL-002", "line": "UN1993 FLAMMABLE LIQUID N.O.S. CLASS 3 DRUMS"},
        {"id": "BL-003", "line": "BULK SOYBEAN MEAL 18000 MT"},
        {"id": "BL-004", "line": ("1X40HC SAID TO CONTAIN 1450 CTNS ASSORTED HOUSEHOLD GOODS INCLUDING KITCHENWARE "
                                  "GLASSWARE CERAMIC PLATES BOWLS CUPS CUTLERY SETS PLASTIC STORAGE BOXES LAUNDRY "
                                  "BASKETS BATH MATS SHOWER CURTAINS TOWELS BEDSHEETS PILLOW CASES CUSHION COVERS "
                                  "TABLE CLOTHS NAPKINS AS PER INVOICE 88231 FREIGHT PREPAID")},
        {"id": "BL-005", "line": "8 PLTS MACHINE SPARE PARTS"},
    ]
    for row in predictor.predict_batch(incoming):
        print(row)
