"""BiLSTM part-of-speech tagger trained with a DataLoader over dict examples."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader

torch.manual_seed(0)
MAX_LEN, NUM_TAGS, VOCAB, IGNORE = 16, 6, 200, -100


def make_example(n):
    tags = torch.full((MAX_LEN,), IGNORE)
    tags[:n] = torch.randint(0, NUM_TAGS, (n,))
    return {"input_ids": torch.randint(1, VOCAB, (n,)), "tags": tags}


def collate(examples):
    longest = max(len(ex["input_ids"]) for ex in examples)
    ids = torch.zeros(len(examples), longest, dtype=torch.long)
    for i, ex in enumerate(examples):
        ids[i, : len(ex["input_ids"])] = ex["input_ids"]
    return {"input_ids": ids, "labels": torch.stack([ex["tags"] for ex in examples])}


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, 32, padding_idx=0)
        self.lstm = nn.LSTM(32, 16, batch_first=True, bidirectional=True)
        self.out = nn.Linear(32, NUM_TAGS)

    def forward(self, input_ids):
        return self.out(self.lstm(self.emb(input_ids))[0])


train_set = [make_example(n) for n in (9, 11, 6, 8, 13, 5, 10, 7)]
loader = DataLoader(train_set, batch_size=4, collate_fn=collate)
tagger = Tagger()
criterion = nn.CrossEntropyLoss(ignore_index=IGNORE)
optimizer = torch.optim.Adam(tagger.parameters(), lr=1e-3)
for epoch in range(2):
    for batch in loader:
        logits = tagger(batch["input_ids"])
        loss = criterion(logits.view(-1, NUM_TAGS), batch["labels"].view(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
print(f"final loss {loss.item():.4f}")
