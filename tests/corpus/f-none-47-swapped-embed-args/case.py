import random

import torch
import torch.nn as nn
import torch.nn.functional as F

NUM_PRODUCTS = 800
MAX_SESSION_LEN = 48
EMB_DIM = 32
BATCH_SIZE = 16
SESSION_LEN = 24


class NextItemModel(nn.Module):
    def __init__(self, n_items, max_len, dim):
        super().__init__()
        self.item_table = nn.Embedding(n_items, dim)
        self.slot_table = nn.Embedding(max_len, dim)
        self.norm = nn.LayerNorm(dim)
        layer = nn.TransformerEncoderLayer(
            d_model=dim, nhead=2, dim_feedforward=64, batch_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.head = nn.Linear(dim, n_items)

    def embed(self, item_ids, slot_ids):
        vecs = self.item_table(item_ids) + self.slot_table(slot_ids)
        return self.norm(vecs)

    def forward(self, item_ids):
        bsz, length = item_ids.shape
        slots = torch.arange(length, device=item_ids.device).unsqueeze(0).expand(bsz, -1)
        h = self.embed(slots, item_ids)
        causal = nn.Transformer.generate_square_subsequent_mask(length)
        h = self.encoder(h, mask=causal, is_causal=True)
        return self.head(h)


def fake_sessions(n_sessions, length, n_items, seed=7):
    rng = random.Random(seed)
    sessions = []
    for _ in range(n_sessions):
        start = rng.randrange(n_items)
        seq = [(start + rng.randrange(5) * k) % n_items for k in range(length)]
        sessions.append(seq)
    return torch.tensor(sessions, dtype=torch.long)


def train_epoch(model, data, optimizer):
    model.train()
    total = 0.0
    for i in range(0, len(data), BATCH_SIZE):
        batch = data[i:i + BATCH_SIZE]
        inputs, targets = batch[:, :-1], batch[:, 1:]
        logits = model(inputs)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
    return total / max(1, len(data) // BATCH_SIZE)


def main():
    torch.manual_seed(0)
    sessions = fake_sessions(64, SESSION_LEN, NUM_PRODUCTS)
    assert sessions.max().item() < NUM_PRODUCTS
    assert sessions.size(1) <= MAX_SESSION_LEN
    model = NextItemModel(NUM_PRODUCTS, MAX_SESSION_LEN, EMB_DIM)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    for epoch in range(2):
        loss = train_epoch(model, sessions, optimizer)
        print(f"epoch {epoch}: loss {loss:.4f}")

    model.eval()
    with torch.no_grad():
        preds = model(sessions[:4, :-1])[:, -1].argmax(-1)
    print("next-item predictions:", preds.tolist())


if __name__ == "__main__":
    main()
