"""Document classifier with a chunked encoder; the collate checks sequence lengths up front."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader

torch.manual_seed(0)
MAX_SEQ_LEN = 64


def collate(batch):
    ids = [torch.tensor(doc[:MAX_SEQ_LEN]) for doc, _ in batch]
    input_ids = nn.utils.rnn.pad_sequence(ids, batch_first=True, padding_value=0)
    assert input_ids.shape[1] <= MAX_SEQ_LEN, f"batch too long: {tuple(input_ids.shape)}"
    labels = torch.tensor([label for _, label in batch])
    return input_ids, labels


class DocEncoder(nn.Module):
    def __init__(self, vocab_size=1000, dim=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos = nn.Embedding(MAX_SEQ_LEN, dim)
        self.cls = nn.Linear(dim, 2)

    def forward(self, input_ids):
        positions = torch.arange(input_ids.size(1))
        return self.cls((self.embed(input_ids) + self.pos(positions)).mean(1))


docs = [(torch.randint(1, 1000, (n,)).tolist(), n % 2) for n in (40, 55, 80, 30, 62, 20)]
loader = DataLoader(docs, batch_size=3, collate_fn=collate)
model = DocEncoder()
for input_ids, labels in loader:
    loss = nn.functional.cross_entropy(model(input_ids), labels)
    loss.backward()
