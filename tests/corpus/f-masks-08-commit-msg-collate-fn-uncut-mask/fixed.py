import random
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader

random.seed(5)
torch.manual_seed(5)

MAX_TOKENS = 32
VOCAB_SIZE = 500
PAD_ID = 0
COMMIT_TYPES = ["feat", "fix", "docs", "refactor", "test"]


def synth_commits(n):
    commits = []
    for _ in range(n):
        kind = random.randrange(len(COMMIT_TYPES))
        length = random.randint(4, 60)
        base = 1 + kind * 90
        tokens = [random.randint(base, base + 89) for _ in range(length)]
        commits.append({"tokens": tokens, "label": kind})
    return commits


def collate_commits(batch):
    clipped = [ex["tokens"][:MAX_TOKENS] for ex in batch]
    width = max(len(t) for t in clipped)
    input_ids = torch.full((len(batch), width), PAD_ID, dtype=torch.long)
    for row, toks in enumerate(clipped):
        input_ids[row, : len(toks)] = torch.tensor(toks)
    lengths = torch.tensor([len(t) for t in clipped])
    mask = torch.arange(int(lengths.max()))[None, :] < lengths[:, None]
    labels = torch.tensor([ex["label"] for ex in batch])
    return input_ids, mask, labels


class CommitTypeClassifier(nn.Module):
    def __init__(self, vocab_size, dim, n_types):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=PAD_ID)
        self.ff = nn.Sequential(nn.Linear(dim, dim), nn.Tanh())
        self.out = nn.Linear(dim, n_types)

    def forward(self, input_ids, mask):
        h = self.ff(self.embed(input_ids))
        weights = mask.unsqueeze(-1).float()
        pooled = (h * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return self.out(pooled)


def main():
    loader = DataLoader(synth_commits(120), batch_size=16, shuffle=True, collate_fn=collate_commits)
    model = CommitTypeClassifier(VOCAB_SIZE, 32, len(COMMIT_TYPES))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(3):
        total = 0.0
        for input_ids, mask, labels in loader:
            loss = F.cross_entropy(model(input_ids, mask), labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} mean loss {total / len(loader):.4f}")


if __name__ == "__main__":
    main()
