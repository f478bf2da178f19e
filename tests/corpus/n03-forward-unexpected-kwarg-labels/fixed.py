"""Intent classifier with a HuggingFace-style collate that returns a dict batch."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader

torch.manual_seed(0)


class IntentClassifier(nn.Module):
    def __init__(self, vocab_size=500, dim=32, num_intents=7):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.head = nn.Linear(dim, num_intents)

    def forward(self, input_ids, attention_mask):
        emb = self.embed(input_ids) * attention_mask.unsqueeze(-1)
        return self.head(emb.sum(1) / attention_mask.sum(1, keepdim=True))


def collate(examples):
    max_len = max(len(ids) for ids, _ in examples)
    input_ids = torch.zeros(len(examples), max_len, dtype=torch.long)
    for i, (ids, _) in enumerate(examples):
        input_ids[i, : len(ids)] = torch.tensor(ids)
    return {"input_ids": input_ids, "attention_mask": (input_ids != 0).float(),
            "labels": torch.tensor([label for _, label in examples])}


examples = [(torch.randint(1, 500, (n,)).tolist(), n % 7) for n in range(3, 19)]
model = IntentClassifier()
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
for batch in DataLoader(examples, batch_size=4, collate_fn=collate):
    labels = batch.pop("labels")
    logits = model(**batch)
    loss = nn.functional.cross_entropy(logits, labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
