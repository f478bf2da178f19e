import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

DATA = [
    ("a detective follows a trail of stolen letters", "mystery"),
    ("the crew wakes on a derelict starship", "scifi"),
    ("two rivals fall for each other at a wedding", "romance"),
    ("a haunted lighthouse keeps its last keeper", "horror"),
    ("a knight seeks the dragon's hidden hoard", "fantasy"),
    ("an outlaw rides into a dusty frontier town", "western"),
    ("the inspector questions every guest at dinner", "mystery"),
    ("robots demand rights on the orbital colony", "scifi"),
    ("old letters rekindle a summer love", "romance"),
    ("something scratches beneath the cellar floor", "horror"),
    ("a young mage steals a forbidden spellbook", "fantasy"),
    ("the sheriff faces a gang at high noon", "western"),
]

GENRES = sorted({genre for _, genre in DATA})
genre_to_idx = {g: i for i, g in enumerate(GENRES)}
NUM_OUTPUTS = 5
MAX_WORDS = 10

vocab = {"<pad>": 0}
for text, _ in DATA:
    for word in text.split():
        vocab.setdefault(word, len(vocab))


def encode(text):
    ids = [vocab[w] for w in text.split()][:MAX_WORDS]
    return ids + [0] * (MAX_WORDS - len(ids))


class BlurbClassifier(nn.Module):
    def __init__(self, vocab_size, n_out=NUM_OUTPUTS, dim=32):
        super().__init__()
        self.embed = nn.EmbeddingBag(vocab_size, dim, mode="mean", padding_idx=0)
        self.hidden = nn.Linear(dim, dim)
        self.out = nn.Linear(dim, n_out)

    def forward(self, ids):
        return self.out(torch.relu(self.hidden(self.embed(ids))))


def main():
    inputs = torch.tensor([encode(t) for t, _ in DATA])
    targets = torch.tensor([genre_to_idx[g] for _, g in DATA])
    loader = DataLoader(TensorDataset(inputs, targets), batch_size=4, shuffle=True)
    model = BlurbClassifier(len(vocab), n_out=len(GENRES))
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3)
    for epoch in range(5):
        running = 0.0
        for ids, labels in loader:
            loss = F.cross_entropy(model(ids), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running += loss.item()
        print(f"epoch {epoch} loss {running / len(loader):.3f}")


if __name__ == "__main__":
    main()
