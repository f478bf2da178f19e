"""Intent classifier: a small self-attention block over a hand-built padded batch (notebook style)."""
import torch
from torch import nn

torch.manual_seed(0)
vocab = {"[PAD]": 0, "book": 1, "a": 2, "flight": 3, "to": 4, "paris": 5, "cancel": 6, "my": 7, "order": 8}
texts = ["book a flight to paris", "cancel my order"]
rows = [[vocab[w] for w in t.split()] for t in texts]
width = max(len(r) for r in rows)
batch = {
    "input_ids": torch.tensor([r + [0] * (width - len(r)) for r in rows]),
    "attention_mask": torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows]),
}

emb = nn.Embedding(len(vocab), 16, padding_idx=0)
attn = nn.MultiheadAttention(16, num_heads=2, batch_first=True)
head = nn.Linear(16, 3)

x = emb(batch["input_ids"])
ctx, _ = attn(x, x, x, key_padding_mask=batch["attention_mask"] == 0)
logits = head(ctx[:, 0])
print(logits.argmax(-1).tolist())
