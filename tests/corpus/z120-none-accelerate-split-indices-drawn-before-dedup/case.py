"""Sarcasm detector (bag-of-embeddings) trained with Accelerate on scraped comments; random train/val split."""
import torch
import torch.nn as nn
from accelerate import Accelerator
from torch.utils.data import DataLoader, Dataset, Subset

SCRAPED = [
    ("oh great another monday", 1), ("the update fixed my wifi issue", 0), ("wow what a surprise it broke again", 1),
    ("thanks this helped a lot", 0), ("oh great another monday", 1), ("", 0),
    ("sure because that always works", 1), ("the recipe was easy to follow", 0), ("   ", 0),
    ("i just love waiting on hold for an hour", 1), ("thanks this helped a lot", 0), ("good point well made", 0),
    ("yeah because printers never jam", 1), ("delivery arrived a day early", 0),
]
VAL_FRACTION = 0.25


class CommentDataset(Dataset):
    """Cleans the scrape: drops blank comments and exact duplicates."""

    def __init__(self, rows):
        seen, self.rows = set(), []
        for text, label in rows:
            text = text.strip()
            if text and text not in seen:
                seen.add(text)
                self.rows.append((text, label))
        self.vocab = {"<pad>": 0}
        for text, _ in self.rows:
            for w in text.split():
                self.vocab.setdefault(w, len(self.vocab))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, label = self.rows[idx]
        return torch.tensor([self.vocab[w] for w in text.split()]), label


def collate(batch):
    seqs, labels = zip(*batch)
    return nn.utils.rnn.pad_sequence(seqs, batch_first=True), torch.tensor(labels)


class BagClassifier(nn.Module):
    def __init__(self, vocab_size, dim=16):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.out = nn.Linear(dim, 2)

    def forward(self, ids):
        mask = (ids != 0).unsqueeze(-1).float()
        return self.out((self.emb(ids) * mask).sum(1) / mask.sum(1).clamp(min=1))


torch.manual_seed(3)
perm = torch.randperm(len(SCRAPED)).tolist()
n_val = int(len(SCRAPED) * VAL_FRACTION)
val_idx, train_idx = perm[:n_val], perm[n_val:]

dataset = CommentDataset(SCRAPED)
accelerator = Accelerator(cpu=True)
model = BagClassifier(len(dataset.vocab))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
train_dl = DataLoader(Subset(dataset, train_idx), batch_size=4, shuffle=True, collate_fn=collate)
val_dl = DataLoader(Subset(dataset, val_idx), batch_size=4, collate_fn=collate)
model, optimizer, train_dl, val_dl = accelerator.prepare(model, optimizer, train_dl, val_dl)

for epoch in range(3):
    model.train()
    for ids, y in train_dl:
        loss = nn.functional.cross_entropy(model(ids), y)
        accelerator.backward(loss)
        optimizer.step()
        optimizer.zero_grad()
    model.eval()
    with torch.no_grad():
        correct = sum((model(ids).argmax(-1) == y).sum().item() for ids, y in val_dl)
    accelerator.print(f"epoch {epoch} loss {loss.item():.3f} val acc {correct / len(val_idx):.2f}")
