# Claim-note triage with a small transformer encoder, regularised with embedding-space
# mixup against random notes drawn from the whole training pool.
import random
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(11)
torch.manual_seed(11)

QUEUES = ["glass", "water", "theft", "liability", "total_loss"]
RAW = {
    "glass": ["windscreen cracked by stone on motorway", "rear window shattered in car park",
              "chip in windscreen spreading after frost", "side glass broken during storm"],
    "water": ["pipe burst in loft ceiling collapsed", "washing machine leak under kitchen floor",
              "flooding in basement after heavy rain", "damp patch spreading from shower tray"],
    "theft": ["bike taken from locked shed overnight", "laptop stolen from car boot",
              "catalytic converter removed in driveway", "handbag snatched at station"],
    "liability": ["visitor tripped on loose paving slab", "dog bit courier at front gate",
                  "branch fell on neighbour car", "customer slipped on wet shop floor"],
    "total_loss": ["car written off after motorway collision", "van burnt out overnight",
                   "vehicle submerged in river flood", "roof collapse left car crushed"],
}
PAD, UNK = 0, 1
MAX_LEN = 8


def build_vocab(texts, min_count=1):
    counts = Counter(w for t in texts for w in t.split())
    itos = ["<pad>", "<unk>"] + sorted(w for w, c in counts.items() if c >= min_count)
    return {w: i for i, w in enumerate(itos)}


def encode(text, vocab):
    ids = [vocab.get(w, UNK) for w in text.split()][:MAX_LEN]
    return ids + [PAD] * (MAX_LEN - len(ids))


class NoteEncoder(nn.Module):
    def __init__(self, vocab_size, n_classes, dim=32):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=PAD)
        self.pos = nn.Parameter(torch.zeros(1, MAX_LEN, dim))
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.body = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(dim, n_classes)

    def embed(self, ids):
        return self.tok(ids) + self.pos

    def classify(self, emb, pad_mask):
        h = self.body(emb, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1)
        return self.head(pooled)


def pool_mixup(model, xb, yb, pool_x, pool_y, alpha=0.4):
    """Mix every note in the batch with a random note drawn from the full pool."""
    lam = float(torch.distributions.Beta(alpha, alpha).sample())
    partner = torch.randint(0, pool_x.size(0), (xb.size(0),))
    other = pool_x[partner]
    emb = lam * model.embed(xb) + (1 - lam) * model.embed(other)
    pad_mask = (xb == PAD) & (other == PAD)
    n_cls = len(QUEUES)
    soft = lam * F.one_hot(yb, n_cls).float() + (1 - lam) * F.one_hot(yb[partner], n_cls).float()
    return emb, pad_mask, soft


def batches(n, size):
    order = list(range(n))
    random.shuffle(order)
    for i in range(0, n, size):
        yield torch.tensor(order[i:i + size])


def main():
    rows = [(text, QUEUES.index(q)) for q, texts in RAW.items() for text in texts]
    vocab = build_vocab([t for t, _ in rows])
    X = torch.tensor([encode(t, vocab) for t, _ in rows])
    Y = torch.tensor([y for _, y in rows])
    print(f"{len(rows)} notes, {len(vocab)} word types, {len(QUEUES)} queues")

    model = NoteEncoder(len(vocab), len(QUEUES))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    for epoch in range(4):
        model.train()
        running = 0.0
        for idx in batches(len(rows), 8):
            xb, yb = X[idx], Y[idx]
            emb, pad_mask, soft = pool_mixup(model, xb, yb, X, Y)
            logits = model.classify(emb, pad_mask)
            loss = torch.sum(-soft * F.log_softmax(logits, dim=-1), dim=-1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(idx)
        print(f"epoch {epoch} mixup loss {running / len(rows):.4f}")

    model.eval()
    with torch.no_grad():
        preds = model.classify(model.embed(X), X == PAD).argmax(-1)
    print("train accuracy:", (preds == Y).float().mean().item())


if __name__ == "__main__":
    main()
