"""Fine-tune a GRU sentiment classifier on pre-tokenized reviews.

Each example stores its ids and a precomputed attention mask; collate_fn pads
the ids dynamically to the longest review in the batch.
"""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

torch.manual_seed(0)
PAD_ID, MAX_LEN, VOCAB = 0, 24, 400


def make_example(n_tokens, label):
    ids = torch.randint(1, VOCAB, (n_tokens,))
    mask = torch.zeros(MAX_LEN, dtype=torch.long)
    mask[:n_tokens] = 1
    return {"input_ids": ids, "attention_mask": mask, "label": label}


def collate_fn(examples):
    return {
        "input_ids": pad_sequence([ex["input_ids"] for ex in examples], batch_first=True, padding_value=PAD_ID),
        "attention_mask": torch.stack([ex["attention_mask"] for ex in examples]),
        "labels": torch.tensor([ex["label"] for ex in examples]),
    }


class GRUClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, 32, padding_idx=PAD_ID)
        self.gru = nn.GRU(32, 32, batch_first=True)
        self.out = nn.Linear(32, 2)

    def forward(self, input_ids, attention_mask):
        states, _ = self.gru(self.emb(input_ids))
        states = states.masked_fill(attention_mask.unsqueeze(-1) == 0, 0.0)
        pooled = states.sum(1) / attention_mask.sum(1, keepdim=True)
        return self.out(pooled)


reviews = [make_example(n, n % 2) for n in (18, 11, 15, 7, 13, 9, 16, 12)]
loader = DataLoader(reviews, batch_size=4, shuffle=False, collate_fn=collate_fn)
model = GRUClassifier()
optim = torch.optim.AdamW(model.parameters(), lr=1e-3)
for epoch in range(2):
    for batch in loader:
        logits = model(batch["input_ids"], batch["attention_mask"])
        loss = nn.functional.cross_entropy(logits, batch["labels"])
        loss.backward()
        optim.step()
        optim.zero_grad()
    print(f"epoch {epoch} loss {loss.item():.4f}")
