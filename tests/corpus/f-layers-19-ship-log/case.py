"""Classify free-text ship log entries into watch event categories."""
import functools

import torch
import torch.nn as nn

torch.manual_seed(11)

CATEGORIES = ["navigation", "weather", "engine", "cargo"]

LOG_ENTRIES = [
    ("altered course to 045 off the headland", "navigation"),
    ("fixed position by radar bearing on lighthouse", "navigation"),
    ("wind backing southwest force six rising swell", "weather"),
    ("barometer falling fast heavy rain squalls", "weather"),
    ("main engine lube oil pressure low alarm", "engine"),
    ("generator two tripped restarted on standby", "engine"),
    ("secured containers on hatch three lashings checked", "cargo"),
    ("ballast adjusted after discharge of grain", "cargo"),
]


def build_vocab(texts):
    vocab = {"<pad>": 0, "<unk>": 1}
    for text in texts:
        for word in text.split():
            vocab.setdefault(word, len(vocab))
    return vocab


def encode(texts, vocab, max_len=10):
    rows = []
    for text in texts:
        ids = [vocab.get(w, 1) for w in text.split()][:max_len]
        rows.append(ids + [0] * (max_len - len(ids)))
    return torch.tensor(rows)


class LogEncoder(nn.Module):
    def __init__(self, vocab_size, emb_dim=48, hidden=64):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.rnn = nn.GRU(emb_dim, hidden, batch_first=True, bidirectional=True)

    def forward(self, ids):
        mask = (ids != 0).unsqueeze(-1).float()
        out, _ = self.rnn(self.embed(ids))
        return (out * mask).sum(1) / mask.sum(1).clamp(min=1.0)


def make_classifier(in_dim, n_out):
    return nn.Sequential(nn.Linear(in_dim, 32), nn.ReLU(), nn.Linear(32, n_out))


class LogTagger(nn.Module):
    def __init__(self, encoder, head):
        super().__init__()
        self.encoder = encoder
        self.head = head

    def forward(self, ids):
        return self.head(self.encoder(ids))


def main():
    texts = [t for t, _ in LOG_ENTRIES]
    vocab = build_vocab(texts)
    ids = encode(texts, vocab)
    targets = torch.tensor([CATEGORIES.index(c) for _, c in LOG_ENTRIES])
    print(f"vocab size {len(vocab)}, batch {tuple(ids.shape)}")

    encoder = LogEncoder(len(vocab), hidden=64)
    head_factory = functools.partial(make_classifier, 64)
    head = head_factory(len(CATEGORIES))
    model = LogTagger(encoder, head)

    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    loss_fn = nn.CrossEntropyLoss()
    for step in range(40):
        opt.zero_grad()
        loss = loss_fn(model(ids), targets)
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step:02d} loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        preds = model(encode(["heavy swell and falling barometer"], vocab)).argmax(-1)
    print("new entry ->", CATEGORIES[preds.item()])


if __name__ == "__main__":
    main()
