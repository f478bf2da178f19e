"""Train a small topic classifier on news snippets (BERT-style embeddings, position_ids buffer)."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
MAX_POS = 40
VOCAB_SIZE = 250


class NewsDataset(Dataset):
    def __init__(self, lengths):
        self.items = [(torch.randint(1, VOCAB_SIZE, (n,)), n % 4) for n in lengths]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        ids, topic = self.items[idx]
        return {"input_ids": ids, "topic": topic}


def collate(batch):
    ids = pad_sequence([b["input_ids"] for b in batch], batch_first=True)
    return {"input_ids": ids, "topic": torch.tensor([b["topic"] for b in batch])}


class TopicModel(nn.Module):
    def __init__(self, dim=24):
        super().__init__()
        self.word_embeddings = nn.Embedding(VOCAB_SIZE, dim)
        self.position_embeddings = nn.Embedding(MAX_POS, dim)
        self.register_buffer("position_ids", torch.arange(MAX_POS).expand(1, -1))
        self.classifier = nn.Linear(dim, 4)

    def forward(self, input_ids):
        seq_length = input_ids.size(1)
        position_ids = self.position_ids[:, :seq_length]
        emb = self.word_embeddings(input_ids) + self.position_embeddings(position_ids)
        return self.classifier(emb.mean(dim=1))


loader = DataLoader(NewsDataset([12, 30, 25, 38, 17, 55, 22, 9]), batch_size=4, collate_fn=collate)
model = TopicModel()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for step, batch in enumerate(loader):
    loss = nn.functional.cross_entropy(model(batch["input_ids"]), batch["topic"])
    loss.backward()
    opt.step()
    opt.zero_grad()
    print(f"step {step}: loss={loss.item():.3f}")
