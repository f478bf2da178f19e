# Toxic span detection: tag which tokens of a comment make it toxic (BIO tags),
# so moderators see highlighted spans instead of a single score.
import math
import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

random.seed(0)
torch.manual_seed(0)

TAGS = ["O", "B-TOX", "I-TOX"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}
PAD_ID, PAD_TAG = 0, -100

CLEAN = "the a game was fun today thanks for sharing nice post agree with this point really".split()
TOXIC = ["you stupid moron", "shut up loser", "go die", "absolute trash human", "idiot"]

vocab = {"<pad>": PAD_ID, "<unk>": 1}
for w in CLEAN + " ".join(TOXIC).split():
    vocab.setdefault(w, len(vocab))


def make_comment():
    words, tags = [], []
    for _ in range(random.randint(4, 30)):
        if random.random() < 0.12:
            span = random.choice(TOXIC).split()
            words += span
            tags += ["B-TOX"] + ["I-TOX"] * (len(span) - 1)
        else:
            words.append(random.choice(CLEAN))
            tags.append("O")
    return words, tags


def encode(words, tags):
    ids = torch.tensor([vocab.get(w, 1) for w in words])
    tag_ids = torch.tensor([TAG2ID[t] for t in tags])
    return ids, tag_ids


def collate(batch):
    ids, tags = zip(*batch)
    ids = pad_sequence(ids, batch_first=True, padding_value=PAD_ID)
    tags = pad_sequence(tags, batch_first=True, padding_value=PAD_TAG)
    return ids, tags, ids.eq(PAD_ID)


def sinusoid(max_len, dim):
    pos = torch.arange(max_len).unsqueeze(1)
    div = torch.exp(torch.arange(0, dim, 2) * (-math.log(10000.0) / dim))
    pe = torch.zeros(max_len, dim)
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div)
    return pe


def build_tagger(vocab_size, dim=48, heads=4, layers=2, n_tags=len(TAGS)):
    emb = nn.Embedding(vocab_size, dim, padding_idx=PAD_ID)
    layer = nn.TransformerEncoderLayer(dim, heads, dim_feedforward=96, dropout=0.1, batch_first=True)
    enc = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
    head = nn.Linear(dim, n_tags)
    return nn.ModuleDict({"emb": emb, "enc": enc, "head": head})


def forward(model, ids, pad_mask, pe):
    x = model["emb"](ids) + pe[: ids.size(1)]
    x = model["enc"](x, src_key_padding_mask=pad_mask)
    return model["head"](x)


def span_f1(logits, tags):
    pred = logits.argmax(-1)
    keep = tags != PAD_TAG
    tp = ((pred != 0) & (tags != 0) & keep).sum().item()
    fp = ((pred != 0) & (tags == 0) & keep).sum().item()
    fn = ((pred == 0) & (tags != 0) & keep).sum().item()
    return 2 * tp / max(2 * tp + fp + fn, 1)


train_data = [encode(*make_comment()) for _ in range(200)]
dev_data = [encode(*make_comment()) for _ in range(40)]
train_dl = DataLoader(train_data, batch_size=16, shuffle=True, collate_fn=collate)
dev_dl = DataLoader(dev_data, batch_size=40, collate_fn=collate)

model = build_tagger(len(vocab))
pe = sinusoid(128, 48)
opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)
# toxic tokens are rare, up-weight them
criterion = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 5.0, 5.0]), ignore_index=PAD_TAG)

for epoch in range(3):
    model.train()
    running = 0.0
    for ids, tags, pad_mask in train_dl:
        logits = forward(model, ids, pad_mask, pe)
        loss = criterion(logits.reshape(-1, len(TAGS)), tags.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        running += loss.item()

    model.eval()
    with torch.no_grad():
        ids, tags, pad_mask = next(iter(dev_dl))
        f1 = span_f1(forward(model, ids, pad_mask, pe), tags)
    print(f"epoch {epoch} loss {running / len(train_dl):.4f} dev token-F1 {f1:.3f}")
