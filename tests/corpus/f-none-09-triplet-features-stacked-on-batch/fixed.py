import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

VOCAB_SIZE = 300
SENT_LEN = 10
LABELS = ["entailment", "neutral", "contradiction"]


class BagOfWordsEncoder(nn.Module):
    def __init__(self, vocab_size, dim):
        super().__init__()
        self.embed = nn.EmbeddingBag(vocab_size, dim, mode="mean")
        self.proj = nn.Linear(dim, dim)

    def forward(self, token_ids):
        return torch.tanh(self.proj(self.embed(token_ids)))


class PairClassifier(nn.Module):
    def __init__(self, vocab_size, dim=32, num_labels=len(LABELS)):
        super().__init__()
        self.encoder = BagOfWordsEncoder(vocab_size, dim)
        self.head = nn.Sequential(
            nn.Linear(3 * dim, dim),
            nn.ReLU(),
            nn.Linear(dim, num_labels),
        )

    def forward(self, premise_ids, hypothesis_ids):
        premise = self.encoder(premise_ids)
        hypothesis = self.encoder(hypothesis_ids)
        features = torch.cat((premise, hypothesis, torch.abs(premise - hypothesis)), -1)
        return self.head(features)


def make_pairs(n, generator):
    premises = torch.randint(0, VOCAB_SIZE, (n, SENT_LEN), generator=generator)
    hypotheses = premises.clone()
    labels = torch.randint(0, len(LABELS), (n,), generator=generator)
    swap = labels.bool().unsqueeze(1) & (torch.rand(n, SENT_LEN, generator=generator) < 0.5)
    hypotheses[swap] = torch.randint(0, VOCAB_SIZE, (int(swap.sum()),), generator=generator)
    return premises, hypotheses, labels


def main():
    generator = torch.Generator().manual_seed(3)
    premises, hypotheses, labels = make_pairs(320, generator)
    loader = DataLoader(TensorDataset(premises, hypotheses, labels), batch_size=16,
                        shuffle=True, generator=generator)
    model = PairClassifier(VOCAB_SIZE)
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)

    for epoch in range(3):
        total_loss, hits = 0.0, 0
        for premise_ids, hypothesis_ids, gold in loader:
            logits = model(premise_ids, hypothesis_ids)
            loss = F.cross_entropy(logits, gold)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * gold.size(0)
            hits += (logits.argmax(dim=-1) == gold).sum().item()
        print(f"epoch {epoch}: loss={total_loss / len(labels):.3f} acc={hits / len(labels):.3f}")


if __name__ == "__main__":
    main()
