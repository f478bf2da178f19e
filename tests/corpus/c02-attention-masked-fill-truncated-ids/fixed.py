"""Single-head self-attention intent classifier for a chatbot prototype.

Long utterances are clipped to `max_tokens` inside the model to keep attention cheap.
"""
import math

import torch
import torch.nn as nn

torch.manual_seed(0)


class AttnIntentClassifier(nn.Module):
    def __init__(self, vocab_size, dim=32, num_intents=5, max_tokens=12):
        super().__init__()
        self.max_tokens = max_tokens
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.head = nn.Linear(dim, num_intents)

    def forward(self, input_ids, attention_mask):
        input_ids, attention_mask = input_ids[:, : self.max_tokens], attention_mask[:, : self.max_tokens]
        x = self.embed(input_ids)
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        scores = q @ k.transpose(1, 2) / math.sqrt(q.size(-1))
        scores = scores.masked_fill(attention_mask[:, None, :] == 0, float("-inf"))
        ctx = torch.softmax(scores, dim=-1) @ v
        return self.head(ctx[:, 0])


if __name__ == "__main__":
    lengths = [16, 9, 14]
    batch_ids = torch.zeros(3, 16, dtype=torch.long)
    batch_mask = torch.zeros(3, 16, dtype=torch.long)
    for i, n in enumerate(lengths):
        batch_ids[i, :n] = torch.randint(1, 300, (n,))
        batch_mask[i, :n] = 1
    model = AttnIntentClassifier(vocab_size=300)
    logits = model(batch_ids, batch_mask)
    print("predicted intents:", logits.argmax(-1).tolist())
