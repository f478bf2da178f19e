import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

WORDS = ["refund", "late", "broken", "thanks", "great", "order", "package", "never",
         "arrived", "wrong", "size", "love", "it", "the", "my", "was", "please", "help"]
vocab_dir = tempfile.mkdtemp()
vocab_path = os.path.join(vocab_dir, "vocab.txt")
with open(vocab_path, "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")

tokenizer = BertTokenizer(vocab_path)
config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                    num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)


def masked_max(states, keep_mask):
    keep = keep_mask.unsqueeze(-1).to(states.dtype)
    filled = states * keep + (1.0 - keep) * -1e4
    return filled.max(dim=1).values


class TicketIntentModel(nn.Module):
    def __init__(self, config, n_intents):
        super().__init__()
        self.encoder = BertModel(config)
        self.head = nn.Linear(config.hidden_size, n_intents)

    def forward(self, batch):
        out = self.encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
        pooled = masked_max(out.last_hidden_state, batch["attention_mask"])
        return self.head(pooled)


tickets = [
    "my package never arrived please help",
    "wrong size refund please",
    "thanks love it",
    "the order was late and broken",
]
intents = torch.tensor([0, 1, 2, 0])

model = TicketIntentModel(config, n_intents=3)
opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
batch = tokenizer(tickets, padding=True, return_tensors="pt")

for step in range(3):
    logits = model(batch)
    loss = nn.functional.cross_entropy(logits, intents)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"step {step} loss {loss.item():.4f}")
