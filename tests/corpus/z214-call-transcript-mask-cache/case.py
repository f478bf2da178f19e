import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(1)
torch.manual_seed(1)

calls = [
    ("uh hi i wanted to check my account balance please", "billing"),
    ("my bill is higher than last month why", "billing"),
    ("can you tell me when my payment is due", "billing"),
    ("i was charged twice for the same thing", "billing"),
    ("the internet keeps dropping every evening", "outage"),
    ("no signal at all since this morning", "outage"),
    ("um the router lights are all red and nothing works", "outage"),
    ("my tv box says no connection again", "outage"),
    ("i want to cancel my contract", "cancel"),
    ("please close the account i am moving abroad", "cancel"),
    ("how do i stop the service at the end of the month", "cancel"),
    ("yeah i would like to end my subscription today", "cancel"),
    ("can i upgrade to the faster plan", "upgrade"),
    ("is there a package with more channels", "upgrade"),
    ("i want more data on my phone plan", "upgrade"),
    ("what does the premium bundle include", "upgrade"),
]
intents = sorted({y for _, y in calls})
intent_id = {y: i for i, y in enumerate(intents)}

tmp = tempfile.mkdtemp()
words = sorted({w for t, _ in calls for w in t.split()})
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
vocab_path = os.path.join(tmp, "vocab.txt")
with open(vocab_path, "w") as f:
    f.write("\n".join(vocab) + "\n")
tok = BertTokenizer(vocab_path)

# tokenize once and keep the results around for every epoch
encoded = [tok.encode(text) for text, _ in calls]
longest = max(len(e) for e in encoded)
attn_cache = [[1] * len(e) + [0] * (longest - len(e)) for e in encoded]


def batch_stream(order, size):
    for i in range(0, len(order), size):
        chunk = order[i:i + size]
        width = max(len(encoded[j]) for j in chunk)
        ids = [encoded[j] + [tok.pad_token_id] * (width - len(encoded[j])) for j in chunk]
        yield (
            torch.tensor(ids),
            torch.tensor([attn_cache[j] for j in chunk]),
            torch.tensor([intent_id[calls[j][1]] for j in chunk]),
        )


class IntentClassifier(nn.Module):
    def __init__(self, vocab_size, n_intents):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.head = nn.Linear(cfg.hidden_size, n_intents)

    def forward(self, tokens, attn):
        out = self.encoder(input_ids=tokens, attention_mask=attn)
        return self.head(out.last_hidden_state[:, 0])


model = IntentClassifier(len(vocab), len(intents))
optim = torch.optim.AdamW(model.parameters(), lr=5e-4)
criterion = nn.CrossEntropyLoss()

for epoch in range(3):
    order = list(range(len(calls)))
    random.shuffle(order)
    model.train()
    total = 0.0
    for tokens, attn, target in batch_stream(order, 4):
        logits = model(tokens, attn)
        loss = criterion(logits, target)
        optim.zero_grad()
        loss.backward()
        optim.step()
        total += loss.item()
    print(f"epoch {epoch}: loss {total:.3f}")

model.eval()
with torch.no_grad():
    tokens, attn, target = next(batch_stream(list(range(len(calls))), len(calls)))
    acc = (model(tokens, attn).argmax(-1) == target).float().mean().item()
print("train accuracy", acc)
