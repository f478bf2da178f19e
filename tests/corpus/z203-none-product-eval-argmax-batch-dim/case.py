import torch
import torch.nn as nn
import torch.nn.functional as F

CATEGORIES = ["electronics", "kitchen", "garden", "toys", "apparel"]
TITLES = {
    "electronics": ["usb c charging cable 2m", "wireless earbuds with case", "hdmi cable 4k gold",
                    "bluetooth speaker waterproof", "laptop stand aluminium", "wireless mouse silent click"],
    "kitchen": ["non stick frying pan 28cm", "stainless steel chef knife", "glass food storage set",
                "electric kettle 1.7l", "silicone baking mat", "wooden cutting board large"],
    "garden": ["garden hose 30m expandable", "pruning shears steel", "solar path lights set",
               "raised garden bed kit", "bird feeder hanging", "grass seed mix 1kg"],
    "toys": ["wooden building blocks 100 pcs", "remote control car kids", "plush teddy bear large",
             "puzzle 1000 pieces landscape", "toy kitchen set wooden", "kids craft kit beads"],
    "apparel": ["cotton t shirt crew neck", "wool socks pack of 5", "rain jacket waterproof hood",
                "running shorts men", "knit beanie winter", "denim jeans slim fit"],
}

records = [(t, CATEGORIES.index(c)) for c, ts in TITLES.items() for t in ts]
vocab = {}
for title, _ in records:
    for w in title.split():
        vocab.setdefault(w, len(vocab))


def to_bag(titles):
    flat, offsets = [], []
    for t in titles:
        offsets.append(len(flat))
        flat.extend(vocab[w] for w in t.split() if w in vocab)
    return torch.tensor(flat), torch.tensor(offsets)


class BagClassifier(nn.Module):
    def __init__(self, n_words, n_classes, dim=24):
        super().__init__()
        self.bag = nn.EmbeddingBag(n_words, dim, mode="mean")
        self.fc = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, n_classes))

    def forward(self, flat, offsets):
        return self.fc(self.bag(flat, offsets))


def train(model, data, epochs=30, bs=8):
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    g = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        order = torch.randperm(len(data), generator=g).tolist()
        for i in range(0, len(order), bs):
            chunk = [data[j] for j in order[i:i + bs]]
            flat, offs = to_bag([t for t, _ in chunk])
            loss = F.cross_entropy(model(flat, offs), torch.tensor([y for _, y in chunk]))
            opt.zero_grad()
            loss.backward()
            opt.step()


def evaluate(model, data):
    model.eval()
    flat, offs = to_bag([t for t, _ in data])
    gold = torch.tensor([y for _, y in data])
    with torch.no_grad():
        outputs = model(flat, offs)
        _, predicted = torch.max(outputs, 0)
    confusion = torch.zeros(len(CATEGORIES), len(CATEGORIES), dtype=torch.long)
    for g_idx, p_idx in zip(gold.tolist(), predicted.tolist()):
        confusion[g_idx, p_idx] += 1
    recall = confusion.diag().float() / confusion.sum(1).clamp(min=1)
    return confusion, recall


if __name__ == "__main__":
    torch.manual_seed(0)
    clf = BagClassifier(len(vocab), len(CATEGORIES))
    train(clf, records)
    conf, rec = evaluate(clf, records)
    print(conf)
    for name, r in zip(CATEGORIES, rec.tolist()):
        print(f"{name:12s} recall={r:.2f}")
