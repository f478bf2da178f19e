"""Hotel-review sentiment with a bag-of-embeddings model and a vectorised (binary-search) word lookup."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

PAD, UNK = 0, 1
TRAIN = [
    ("the room was clean and the bed was comfortable", 1), ("breakfast was cold and the staff rude", 0),
    ("great view from the balcony", 1), ("the shower was broken and nobody came", 0),
    ("friendly staff and a quiet room", 1), ("noisy street and a dirty carpet", 0),
    ("comfortable bed and great breakfast", 1), ("rude staff at the front desk", 0),
]
NEW_REVIEWS = ["the bed was comfortable", "quiet room and great breakfast", "the wifi was broken"]


def build_vocab(texts):
    return np.array(sorted({w for t in texts for w in t.split()}))


def numericalize(texts, vocab, max_len=12):
    rows = np.full((len(texts), max_len), PAD, dtype=np.int64)
    for i, text in enumerate(texts):
        tokens = np.array(text.split()[:max_len])
        pos = np.searchsorted(vocab, tokens).clip(max=len(vocab) - 1)
        rows[i, :len(tokens)] = np.where(vocab[pos] == tokens, pos + 2, UNK)
    return torch.from_numpy(rows)


class BagOfEmbeddings(nn.Module):
    def __init__(self, vocab_size, dim=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=PAD)
        self.out = nn.Linear(dim, 2)

    def forward(self, ids):
        mask = (ids != PAD).unsqueeze(-1).float()
        mean = (self.embed(ids) * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.out(mean)


def train(model, ids, labels, epochs=30):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(epochs):
        loss = F.cross_entropy(model(ids), labels)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    return loss.item()


if __name__ == "__main__":
    torch.manual_seed(0)
    vocab = build_vocab([t for t, _ in TRAIN])
    model = BagOfEmbeddings(len(vocab) + 2)
    final = train(model, numericalize([t for t, _ in TRAIN], vocab), torch.tensor([y for _, y in TRAIN]))
    print(f"train loss {final:.4f}")
    with torch.no_grad():
        probs = model(numericalize(NEW_REVIEWS, vocab)).softmax(-1)[:, 1]
    for text, p in zip(NEW_REVIEWS, probs):
        print(f"{p:.2f}  {text}")
