# Track-inspection report classifier: small transformer encoder + linear head.
# Hand-rolled sweep over model width, truncation length and learning rate.
import itertools
import math
import random

import torch
import torch.nn as nn

random.seed(3)
torch.manual_seed(3)

DEFECT_TYPES = ["rail_break", "gauge_spread", "ballast_fouling", "fastening_missing"]

REPORTS = [
    ("Transverse crack through rail head at km 14.2 down line", "rail_break"),
    ("Gauge measured 1441mm on curve, sleepers rotting", "gauge_spread"),
    ("Wet spot, mud pumping through ballast under joint", "ballast_fouling"),
    ("Three Pandrol clips missing on consecutive sleepers", "fastening_missing"),
    ("Broken rail found by ultrasonic trolley near level crossing", "rail_break"),
    ("Wide gauge reading at switch toe, chairs loose", "gauge_spread"),
    ("Ballast shoulder contaminated with coal dust and fines", "ballast_fouling"),
    ("Clip and insulator absent, rail pad displaced", "fastening_missing"),
]

PAD, UNK = 0, 1


def simple_tokenize(text, lowercase):
    text = text.lower() if lowercase else text
    return text.replace(",", " ,").split()


def build_vocab(texts, lowercase):
    words = sorted({w for t in texts for w in simple_tokenize(t, lowercase)})
    return {w: i + 2 for i, w in enumerate(words)}


def encode(text, vocab, lowercase, max_len):
    ids = [vocab.get(w, UNK) for w in simple_tokenize(text, lowercase)][:max_len]
    return ids + [PAD] * (max_len - len(ids))


def batches(rows, bsz):
    rows = rows[:]
    random.shuffle(rows)
    for i in range(0, len(rows), bsz):
        chunk = rows[i:i + bsz]
        yield torch.stack([r[0] for r in chunk]), torch.tensor([r[1] for r in chunk])


class ReportEncoder(nn.Module):
    def __init__(self, vocab_size, d_model):
        super().__init__()
        self.d_model = d_model
        self.tok_emb = nn.Embedding(vocab_size, d_model, padding_idx=PAD)
        self.layer = nn.TransformerEncoderLayer(d_model, nhead=2, dim_feedforward=2 * d_model,
                                                batch_first=True)

    def forward(self, ids):
        pad = ids.eq(PAD)
        h = self.layer(self.tok_emb(ids) * math.sqrt(self.d_model), src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).float()
        return (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)


def main():
    texts = [t for t, _ in REPORTS]

    # smoke test with the default width before starting the sweep
    vocab = build_vocab(texts, lowercase=True)
    encoder = ReportEncoder(len(vocab) + 2, d_model=32)
    probe = torch.tensor([encode(texts[0], vocab, True, 16)])
    print("smoke test pooled shape:", tuple(encoder(probe).shape))

    results = []
    grid = itertools.product([32, 48], [12, 20], [1e-3])
    for d_model, max_len, lr in grid:
        vocab = build_vocab(texts, lowercase=True)
        rows = [(torch.tensor(encode(t, vocab, True, max_len)), DEFECT_TYPES.index(y))
                for t, y in REPORTS]
        encoder = ReportEncoder(len(vocab) + 2, d_model)
        head = nn.Linear(encoder.d_model, len(DEFECT_TYPES))
        params = list(encoder.parameters()) + list(head.parameters())
        opt = torch.optim.Adam(params, lr=lr)
        loss_fn = nn.CrossEntropyLoss()

        for epoch in range(1):
            for ids, target in batches(rows, bsz=4):
                loss = loss_fn(head(encoder(ids)), target)
                opt.zero_grad()
                loss.backward()
                opt.step()
        print(f"d_model={d_model} max_len={max_len} lr={lr} -> loss {loss.item():.4f}")
        results.append({"d_model": d_model, "max_len": max_len, "lr": lr, "loss": loss.item()})

    print(f"{'d_model':>8}{'max_len':>9}{'lr':>9}{'loss':>9}")
    for r in results:
        print(f"{r['d_model']:>8}{r['max_len']:>9}{r['lr']:>9.0e}{r['loss']:>9.4f}")


if __name__ == "__main__":
    main()
