import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)

N_PRODUCTS = 300
MAX_CLICKS = 20
DIM = 32
N_SESSIONS = 256
BATCH = 32


def make_sessions(n):
    lengths = torch.randint(3, MAX_CLICKS + 1, (n,))
    items = torch.randint(1, N_PRODUCTS, (n, MAX_CLICKS))
    steps = torch.arange(MAX_CLICKS)
    valid = (lengths[:, None] > steps[None, :]).float()
    items = items * valid.long()
    bought = ((items % 7 == 0).float() * valid).sum(1) >= 2
    return items, lengths, bought.float()


def attentive_pool(states, valid, scorer):
    scores = scorer(states).squeeze(-1)
    scores = scores.masked_fill(1.0 - valid, float("-inf"))
    weights = F.softmax(scores, dim=-1)
    return torch.bmm(weights.unsqueeze(1), states).squeeze(1)


item_emb = nn.Embedding(N_PRODUCTS, DIM, padding_idx=0)
encoder = nn.TransformerEncoder(
    nn.TransformerEncoderLayer(DIM, nhead=2, dim_feedforward=64, batch_first=True),
    num_layers=1,
)
scorer = nn.Linear(DIM, 1)
head = nn.Linear(DIM, 1)
params = (
    list(item_emb.parameters())
    + list(encoder.parameters())
    + list(scorer.parameters())
    + list(head.parameters())
)
optimizer = torch.optim.Adam(params, lr=1e-3)

items, lengths, bought = make_sessions(N_SESSIONS)
steps = torch.arange(MAX_CLICKS)

for epoch in range(3):
    perm = torch.randperm(N_SESSIONS)
    epoch_loss = 0.0
    for start in range(0, N_SESSIONS, BATCH):
        idx = perm[start:start + BATCH]
        batch_items, batch_len, target = items[idx], lengths[idx], bought[idx]
        valid = (batch_len[:, None] > steps[None, :]).float()
        states = encoder(item_emb(batch_items), src_key_padding_mask=valid == 0)
        pooled = attentive_pool(states, valid, scorer)
        logit = head(pooled).squeeze(-1)
        loss = F.binary_cross_entropy_with_logits(logit, target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item() * len(idx)
    print(f"epoch {epoch}: bce={epoch_loss / N_SESSIONS:.4f}")
