import random
from dataclasses import dataclass

import torch
import torch.nn as nn

random.seed(3)
torch.manual_seed(3)

# Loom treadling sequences -> weave family
WEAVES = {
    0: ["up1", "down1", "up1", "down1"],           # plain
    1: ["up2", "down1", "up2", "down1", "shift"],  # twill
    2: ["up4", "down1", "shift", "shift"],         # satin
    3: ["up1", "up1", "down2", "down2", "lock"],   # basket
}
FAMILY_NAMES = ["plain", "twill", "satin", "basket"]


@dataclass
class NetConfig:
    token_dim: int = 24
    model_dim: int = 40
    n_out: int = 4


def make_drafts(n_per_class=12, max_len=10):
    samples = []
    for label, motif in WEAVES.items():
        for _ in range(n_per_class):
            reps = random.randint(1, 2)
            seq = (motif * reps)[:max_len]
            if random.random() < 0.3:
                seq = seq[:-1] + ["noise"]
            samples.append((seq, label))
    random.shuffle(samples)
    return samples


def build_vocab(samples):
    vocab = {"<pad>": 0}
    for seq, _ in samples:
        for tok in seq:
            vocab.setdefault(tok, len(vocab))
    return vocab


def encode(samples, vocab, max_len=10):
    ids = torch.zeros(len(samples), max_len, dtype=torch.long)
    for i, (seq, _) in enumerate(samples):
        ids[i, :len(seq)] = torch.tensor([vocab[t] for t in seq])
    labels = torch.tensor([y for _, y in samples])
    return ids, labels


class DraftClassifier(nn.Module):
    def __init__(self, cfg: NetConfig, vocab_size):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, cfg.token_dim, padding_idx=0)
        self.lift = nn.Linear(cfg.token_dim, cfg.model_dim)
        self.rnn = nn.GRU(cfg.model_dim, cfg.model_dim, batch_first=True)
        self.out = nn.Linear(cfg.model_dim, cfg.n_out)

    def forward(self, ids):
        x = torch.tanh(self.lift(self.embed(ids)))
        _, h_last = self.rnn(x)
        return self.out(h_last[-1])


def train(model, ids, labels, epochs=20):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        opt.zero_grad()
        loss = loss_fn(model(ids), labels)
        loss.backward()
        opt.step()
        if epoch % 5 == 0:
            print(f"epoch {epoch:2d}  loss {loss.item():.4f}")


def main():
    cfg = NetConfig()
    samples = make_drafts()
    vocab = build_vocab(samples)
    ids, labels = encode(samples, vocab)
    print(f"{len(samples)} drafts, vocab {len(vocab)}, config {cfg}")
    model = DraftClassifier(cfg, len(vocab))
    train(model, ids, labels)
    with torch.no_grad():
        pred = model(ids).argmax(-1)
    acc = (pred == labels).float().mean().item()
    print(f"train accuracy {acc:.2f}; first prediction: {FAMILY_NAMES[pred[0]]}")


if __name__ == "__main__":
    main()
