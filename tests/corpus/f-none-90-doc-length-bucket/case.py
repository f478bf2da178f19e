import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
random.seed(0)

MAX_TOKENS = 4096
N_BUCKETS = int(math.log10(MAX_TOKENS)) + 1
VOCAB_SIZE = 500
N_CLASSES = 3  # patent office sections: mechanical, chemical, electrical


def length_bucket(n):
    return torch.floor(torch.log2(n.float())).long()


def make_batch(batch_size):
    lengths = torch.tensor([random.randint(8, MAX_TOKENS) for _ in range(batch_size)])
    max_len = int(lengths.max())
    tokens = torch.zeros(batch_size, max_len, dtype=torch.long)
    for i, n in enumerate(lengths.tolist()):
        tokens[i, :n] = torch.randint(1, VOCAB_SIZE, (n,))
    labels = torch.randint(0, N_CLASSES, (batch_size,))
    return tokens, lengths, labels


class PatentClassifier(nn.Module):
    def __init__(self, vocab_size, dim=64, n_classes=N_CLASSES):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.len_emb = nn.Embedding(N_BUCKETS, 16)
        self.head = nn.Sequential(
            nn.Linear(dim + 16, 64),
            nn.ReLU(),
            nn.Linear(64, n_classes),
        )

    def forward(self, tokens, lengths):
        mask = (tokens != 0).unsqueeze(-1).float()
        summed = (self.tok_emb(tokens) * mask).sum(dim=1)
        pooled = summed / lengths.unsqueeze(-1).float()
        bucket = length_bucket(lengths)
        length_feat = self.len_emb(bucket)
        return self.head(torch.cat([pooled, length_feat], dim=-1))


def train(model, steps=5, batch_size=8):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for step in range(steps):
        tokens, lengths, labels = make_batch(batch_size)
        logits = model(tokens, lengths)
        loss = F.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.4f}")


def main():
    print(f"length buckets: {N_BUCKETS} (max tokens {MAX_TOKENS})")
    model = PatentClassifier(VOCAB_SIZE)
    train(model)
    model.eval()
    with torch.no_grad():
        tokens, lengths, _ = make_batch(4)
        preds = model(tokens, lengths).argmax(dim=-1)
    print("lengths:", lengths.tolist())
    print("predicted sections:", preds.tolist())


if __name__ == "__main__":
    main()
