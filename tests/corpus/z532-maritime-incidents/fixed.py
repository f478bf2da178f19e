"""Cross-tabulate a fine-grained incident-cause classifier against the coarse
categories used by the harbour authority's archive, so we can derive a mapping
fine cause -> archive category before importing their reports."""
import random
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)

FINE_CAUSES = ["engine_failure", "steering_loss", "fog_collision", "storm_damage",
               "crew_fatigue", "mooring_error"]
ARCHIVE_CATEGORIES = ["technical", "weather", "human"]

TRAIN = [
    ("main engine stalled and vessel drifted toward the breakwater", 0),
    ("engine room fire after fuel line rupture", 0),
    ("rudder hydraulic pump lost pressure during turn", 1),
    ("steering gear jammed while entering the channel", 1),
    ("visibility dropped in dense fog and bow struck a barge", 2),
    ("collision with fishing boat in fog near the buoy", 2),
    ("heavy swell tore deck cargo loose during the gale", 3),
    ("storm waves flooded the forward hold", 3),
    ("officer of the watch fell asleep on the bridge", 4),
    ("crew worked double shifts and missed the course change", 4),
    ("mooring line parted because it was tied to the wrong bollard", 5),
    ("vessel left berth with spring line still attached", 5),
]

ARCHIVE = [
    ("propeller shaft vibration forced an engine shutdown", 0),
    ("autopilot failure caused steering loss near the pier", 0),
    ("dense fog hid the tanker until the collision", 1),
    ("gale force winds damaged the containers on deck", 1),
    ("exhausted deckhand misjudged the mooring line", 2),
    ("watch officer asleep and course change missed", 2),
    ("fuel line leak stopped the main engine", 0),
    ("storm swell flooded the hold", 1),
]


class Vocab:
    def __init__(self, texts, min_count=1):
        counts = Counter(w for t in texts for w in t.lower().split())
        self.itos = ["<pad>", "<unk>", "<cls>"] + sorted(w for w, c in counts.items() if c >= min_count)
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode(self, text, max_len):
        ids = [2] + [self.stoi.get(w, 1) for w in text.lower().split()]
        ids = ids[:max_len]
        return ids + [0] * (max_len - len(ids))


class TinyEncoder(nn.Module):
    def __init__(self, vocab_size, n_out, d=32, max_len=24):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d, padding_idx=0)
        self.pos = nn.Embedding(max_len, d)
        layer = nn.TransformerEncoderLayer(d, nhead=2, dim_feedforward=64, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(d, n_out)

    def forward(self, ids):
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.tok(ids) + self.pos(positions)
        h = self.enc(h, src_key_padding_mask=ids.eq(0))
        return self.head(h[:, 0])


def train(model, batch_ids, targets, epochs=20, lr=3e-3):
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    for ep in range(epochs):
        opt.zero_grad()
        loss = F.cross_entropy(model(batch_ids), targets)
        loss.backward()
        opt.step()
        if ep % 20 == 0:
            print(f"epoch {ep:3d}  loss {loss.item():.4f}")


def cross_tab(pred_fine, gold_archive):
    table = torch.zeros(len(FINE_CAUSES), len(ARCHIVE_CATEGORIES), dtype=torch.long)
    for p, g in zip(pred_fine.tolist(), gold_archive.tolist()):
        table[p, g] += 1
    return table


def derive_mapping(table):
    # each fine cause goes to the archive category it co-occurs with most
    mapping = {}
    for i, name in enumerate(FINE_CAUSES):
        row = table[i]
        mapping[name] = ARCHIVE_CATEGORIES[int(row.argmax())] if row.sum() > 0 else "unmapped"
    return mapping


def main():
    max_len = 24
    vocab = Vocab([t for t, _ in TRAIN] + [t for t, _ in ARCHIVE])
    x_train = torch.tensor([vocab.encode(t, max_len) for t, _ in TRAIN])
    y_train = torch.tensor([y for _, y in TRAIN])
    print(f"vocab size {len(vocab.itos)}, {len(TRAIN)} training reports")

    model = TinyEncoder(len(vocab.itos), len(FINE_CAUSES), max_len=max_len)
    train(model, x_train, y_train)

    model.eval()
    x_arch = torch.tensor([vocab.encode(t, max_len) for t, _ in ARCHIVE])
    gold = torch.tensor([g for _, g in ARCHIVE])
    with torch.no_grad():
        pred = model(x_arch).argmax(-1)
    print("predicted fine causes:", [FINE_CAUSES[i] for i in pred.tolist()])

    table = cross_tab(pred, gold)
    print("cross-tab (fine x archive):\n", table)
    mapping = derive_mapping(table)
    for k, v in mapping.items():
        print(f"  {k:16s} -> {v}")
    agree = sum(mapping[FINE_CAUSES[p]] == ARCHIVE_CATEGORIES[g]
                for p, g in zip(pred.tolist(), gold.tolist()))
    print(f"mapped agreement: {agree}/{len(ARCHIVE)} = {agree / len(ARCHIVE):.2f}")


if __name__ == "__main__":
    main()
