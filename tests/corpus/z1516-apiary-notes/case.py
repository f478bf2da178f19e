"""Flag hive inspection notes that suggest a queenless colony.

Notes are grouped by apiary (one file per site in the real pipeline). Each note is
cut into overlapping word windows, a small bag-of-windows classifier is trained on
the windows, and window probabilities are max-pooled back to one score per note.
"""
import random
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)

WINDOW = 12
STRIDE = 6

APIARIES = {
    "north_orchard": [
        ("brood pattern spotty no eggs seen queen cells capped on frame four bees roaring "
         "when lid lifted drones laying in worker cells temper high", 1),
        ("strong colony eggs and young larvae on six frames queen marked seen on frame three "
         "stores good supers added", 0),
        ("calm colony brood solid honey arch present pollen coming in fast no swarm cells", 0),
    ],
    "river_meadow": [
        ("no eggs no young larvae emergency queen cells along the face of frame two "
         "bees agitated multiple eggs per cell laying workers suspected", 1),
        ("queen seen eggs present good temper feeding syrup varroa board light", 0),
    ],
    "ridge_heath": [
        ("weak colony small cluster no brood at all queen not seen for two inspections "
         "drone brood in worker cells combined with nucleus planned", 1),
        ("eggs present brood good numbers building well queen excluder moved", 0),
    ],
}


def build_vocab(texts):
    counts = Counter(w for t in texts for w in t.split())
    itos = ["<pad>", "<unk>"] + sorted(counts)
    return {w: i for i, w in enumerate(itos)}


def encode(text, vocab):
    return [vocab.get(w, 1) for w in text.split()]


def cut_windows(ids):
    """Overlapping windows; the tail window is kept even if short."""
    out = []
    start = 0
    while True:
        out.append(ids[start:start + WINDOW])
        if start + WINDOW >= len(ids):
            break
        start += STRIDE
    return out


def cut_group(notes, vocab):
    windows, local_owner = [], []
    for j, (text, _) in enumerate(notes):
        for w in cut_windows(encode(text, vocab)):
            windows.append(w)
            local_owner.append(j)
    return windows, local_owner


def build_corpus(apiaries, vocab):
    all_windows, win_to_note, note_labels, note_names = [], [], [], []
    base = 0
    for site, notes in apiaries.items():
        windows, local_owner = cut_group(notes, vocab)
        all_windows.extend(windows)
        win_to_note.extend(base + o for o in local_owner)
        note_labels.extend(lbl for _, lbl in notes)
        note_names.extend(f"{site}#{k}" for k in range(len(notes)))
        base += len(windows)
        print(f"  {site}: {len(notes)} notes -> {len(windows)} windows")
    return all_windows, torch.tensor(win_to_note), torch.tensor(note_labels), note_names


def to_batch(windows):
    width = max(len(w) for w in windows)
    ids = torch.zeros(len(windows), width, dtype=torch.long)
    for r, w in enumerate(windows):
        ids[r, : len(w)] = torch.tensor(w)
    return ids


class WindowScorer(nn.Module):
    def __init__(self, vocab_size, dim=32):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.proj = nn.Linear(dim, dim)
        self.out = nn.Linear(dim, 1)

    def forward(self, ids):
        keep = (ids != 0).unsqueeze(-1).float()
        pooled = (self.emb(ids) * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.out(torch.tanh(self.proj(pooled))).squeeze(-1)


def main():
    texts = [t for notes in APIARIES.values() for t, _ in notes]
    vocab = build_vocab(texts)
    print(f"vocab size {len(vocab)}")

    windows, win_to_note, note_labels, note_names = build_corpus(APIARIES, vocab)
    print(f"{len(windows)} windows from {len(note_names)} notes")

    batch = to_batch(windows)
    window_targets = note_labels[win_to_note].float()

    model = WindowScorer(len(vocab))
    opt = torch.optim.AdamW(model.parameters(), lr=5e-3)
    for epoch in range(30):
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(model(batch), window_targets)
        loss.backward()
        opt.step()
        if epoch % 10 == 0:
            print(f"epoch {epoch:02d} loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        probs = torch.sigmoid(model(batch))
    note_scores = torch.zeros(len(note_names))
    for w, p in enumerate(probs):
        n = win_to_note[w]
        note_scores[n] = torch.maximum(note_scores[n], p)

    for name, score, gold in zip(note_names, note_scores.tolist(), note_labels.tolist()):
        flag = "QUEENLESS?" if score > 0.5 else "ok"
        print(f"{name:16s} {score:.3f} {flag:10s} (gold={gold})")


if __name__ == "__main__":
    main()
