import math
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

random.seed(3)
np.random.seed(3)
torch.manual_seed(3)

TEMPLATES = [
    ("set an alarm for {time}", "set_alarm", {"time": "B-time"}),
    ("wake me up at {time} tomorrow", "set_alarm", {"time": "B-time"}),
    ("play some {genre} music", "play_music", {"genre": "B-genre"}),
    ("put on {genre} in the {room}", "play_music", {"genre": "B-genre", "room": "B-room"}),
    ("turn off the lights in the {room}", "lights_off", {"room": "B-room"}),
    ("what is the weather in {city}", "get_weather", {"city": "B-city"}),
]
FILLERS = {
    "time": ["seven", "six thirty", "noon"],
    "genre": ["jazz", "rock", "lofi"],
    "room": ["kitchen", "living room", "bedroom"],
    "city": ["paris", "new york", "oslo"],
}


def generate_utterances(n):
    for _ in range(n):
        tmpl, intent, slot_map = random.choice(TEMPLATES)
        words, tags = [], []
        for piece in tmpl.split():
            if piece.startswith("{"):
                key = piece.strip("{}")
                value = random.choice(FILLERS[key]).split()
                words += value
                tags += [slot_map[key]] + ["I-" + slot_map[key][2:]] * (len(value) - 1)
            else:
                words.append(piece)
                tags.append("O")
        yield words, intent, tags


samples = list(generate_utterances(120))
word2id = {"<pad>": 0, "<unk>": 1}
for words, _, _ in samples:
    for w in words:
        word2id.setdefault(w, len(word2id))
intent2id = {name: i for i, name in enumerate(sorted({s[1] for s in samples}))}
tag2id = {"<pad>": 0}
for _, _, tags in samples:
    for t in tags:
        tag2id.setdefault(t, len(tag2id))


class UtteranceSet(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        words, intent, tags = self.rows[i]
        return ([word2id.get(w, 1) for w in words], intent2id[intent], [tag2id[t] for t in tags])


def pad_batch(items):
    longest = max(len(x[0]) for x in items)
    tokens = torch.zeros(len(items), longest, dtype=torch.long)
    tag_ids = torch.zeros(len(items), longest, dtype=torch.long)
    pad_mask = torch.zeros(len(items), longest)
    for i, (ids, _, tags) in enumerate(items):
        tokens[i, :len(ids)] = torch.tensor(ids)
        tag_ids[i, :len(tags)] = torch.tensor(tags)
        pad_mask[i, len(ids):] = 1
    intents = torch.tensor([x[1] for x in items])
    return {"tokens": tokens, "tags": tag_ids, "intent": intents, "pad_mask": pad_mask}


class JointIntentSlot(nn.Module):
    def __init__(self, vocab, n_intents, n_tags, d=48, max_len=32):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab, d, padding_idx=0)
        self.pos_emb = nn.Embedding(max_len, d)
        layer = nn.TransformerEncoderLayer(d, nhead=4, dim_feedforward=96, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.pool_query = nn.Linear(d, 1)
        self.intent_head = nn.Linear(d, n_intents)
        self.slot_head = nn.Linear(d, n_tags)

    def forward(self, tokens, pad_mask):
        pos = torch.arange(tokens.size(1), device=tokens.device)
        x = self.tok_emb(tokens) + self.pos_emb(pos)[None]
        h = self.encoder(x)
        scores = self.pool_query(h).squeeze(-1) / math.sqrt(h.size(-1))
        scores = scores.masked_fill(pad_mask, float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        pooled = torch.einsum("bt,btd->bd", weights, h)
        return self.intent_head(pooled), self.slot_head(h)


idx = np.random.permutation(len(samples))
train_rows = [samples[i] for i in idx[:96]]
dev_rows = [samples[i] for i in idx[96:]]
train_dl = DataLoader(UtteranceSet(train_rows), batch_size=16, shuffle=True, collate_fn=pad_batch)
dev_dl = DataLoader(UtteranceSet(dev_rows), batch_size=16, collate_fn=pad_batch)

net = JointIntentSlot(len(word2id), len(intent2id), len(tag2id))
optim = torch.optim.Adam(net.parameters(), lr=2e-3)
intent_loss = nn.CrossEntropyLoss()
slot_loss = nn.CrossEntropyLoss(ignore_index=0)

for epoch in range(4):
    net.train()
    for batch in train_dl:
        intent_logits, slot_logits = net(batch["tokens"], batch["pad_mask"])
        loss = intent_loss(intent_logits, batch["intent"]) + slot_loss(
            slot_logits.reshape(-1, slot_logits.size(-1)), batch["tags"].reshape(-1))
        optim.zero_grad()
        loss.backward()
        optim.step()

    net.eval()
    hits = total = 0
    with torch.no_grad():
        for batch in dev_dl:
            intent_logits, _ = net(batch["tokens"], batch["pad_mask"])
            hits += (intent_logits.argmax(-1) == batch["intent"]).sum().item()
            total += batch["intent"].numel()
    print(f"epoch {epoch} intent acc {hits / total:.3f} loss {loss.item():.3f}")
