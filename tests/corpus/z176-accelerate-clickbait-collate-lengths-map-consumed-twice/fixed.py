"""Clickbait headline detector (embedding + GRU) trained with Accelerate; the collate function counts tokens per batch."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader

PAD, UNK = 0, 1
HEADLINES = [
    ("you will not believe what this cat did next", 1), ("central bank holds interest rates steady", 0),
    ("ten tricks doctors do not want you to know", 1), ("city council approves new bike lanes", 0),
    ("this one weird habit will change your life", 1), ("storm closes schools across the county", 0),
    ("she opened the box and could not stop crying", 1), ("quarterly profits beat analyst forecasts", 0),
]
VOCAB = {w: i for i, w in enumerate(sorted({w for t, _ in HEADLINES for w in t.split()}), start=2)}


def encode(text):
    return [VOCAB.get(w, UNK) for w in text.lower().split()]


def collate(batch):
    ids = [encode(text) for text, _ in batch]
    lengths = list(map(len, ids))
    n_tokens = sum(lengths)
    width = max(lengths, default=0)
    padded = [row + [PAD] * (width - len(row)) for row in ids]
    return torch.tensor(padded), torch.tensor([y for _, y in batch]), n_tokens


class HeadlineGRU(nn.Module):
    def __init__(self, vocab_size, dim=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=PAD)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, 2)

    def forward(self, ids):
        _, h_n = self.gru(self.embed(ids))
        return self.out(h_n[-1])


def main():
    torch.manual_seed(0)
    accelerator = Accelerator(cpu=True)
    model = HeadlineGRU(len(VOCAB) + 2)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    loader = DataLoader(HEADLINES, batch_size=4, shuffle=True, collate_fn=collate)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
    for epoch in range(3):
        seen, steps = 0, 0
        for ids, labels, n_tokens in loader:
            loss = F.cross_entropy(model(ids), labels)
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
            seen += n_tokens
            steps += 1
        accelerator.print(f"epoch {epoch} loss {loss.item():.4f} ({seen / steps:.1f} tokens per batch)")


if __name__ == "__main__":
    main()
