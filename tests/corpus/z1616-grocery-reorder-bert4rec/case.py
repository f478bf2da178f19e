"""Next-basket item model for the grocery reorder widget.

BERT4Rec-style cloze training over each shopper's purchase history
(one product id per purchase line, ordered by checkout time).
"""
import random

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

SEED = 7
N_PRODUCTS = 300
N_SHOPPERS = 240
EMB_DIM = 32
MASK_PROB = 0.2
BATCH = 16

random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)


def simulate_histories():
    """Stand-in for the orders warehouse export: shopper -> list of product skus."""
    rng = np.random.default_rng(SEED)
    histories = {}
    for shopper in range(N_SHOPPERS):
        n_lines = int(np.clip(rng.lognormal(mean=3.0, sigma=0.55), 4, 140))
        staples = rng.integers(1000, 1000 + N_PRODUCTS, size=6)
        lines = []
        for _ in range(n_lines):
            if rng.random() < 0.45:
                lines.append(int(rng.choice(staples)))
            else:
                lines.append(int(rng.integers(1000, 1000 + N_PRODUCTS)))
        histories[f"shopper_{shopper:04d}"] = lines
    return histories


histories = simulate_histories()

# 0 = padding, 1..N = products, N+1 = [MASK]
sku_to_pos = {sku: i + 1 for i, sku in enumerate(sorted({s for h in histories.values() for s in h}))}
PAD_ID = 0
MASK_ID = len(sku_to_pos) + 1

encoded = [[sku_to_pos[s] for s in h] for h in histories.values()]
history_lengths = np.array([len(h) for h in encoded])
history_window = int(np.percentile(history_lengths, 95))
print(f"{len(encoded)} shoppers, {len(sku_to_pos)} products, "
      f"median history {int(np.median(history_lengths))}, p95 {history_window}, max {history_lengths.max()}")


def cloze_batch(seqs):
    longest = max(len(s) for s in seqs)
    items = torch.full((len(seqs), longest), PAD_ID, dtype=torch.long)
    targets = torch.full((len(seqs), longest), -100, dtype=torch.long)
    for row, seq in enumerate(seqs):
        seq_t = torch.tensor(seq, dtype=torch.long)
        hide = torch.rand(len(seq)) < MASK_PROB
        hide[-1] = True  # always predict the most recent purchase
        targets[row, : len(seq)][hide] = seq_t[hide]
        seq_t[hide] = MASK_ID
        items[row, : len(seq)] = seq_t
    visible = (items != PAD_ID).long()
    return items, visible, targets


class Bert4Rec(nn.Module):
    def __init__(self, n_tokens, window):
        super().__init__()
        cfg = BertConfig(
            vocab_size=n_tokens,
            hidden_size=EMB_DIM,
            num_hidden_layers=2,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=window,
            pad_token_id=PAD_ID,
            hidden_dropout_prob=0.1,
        )
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.out = nn.Linear(EMB_DIM, n_tokens)

    def forward(self, items, visible):
        h = self.encoder(input_ids=items, attention_mask=visible).last_hidden_state
        return self.out(h)


model = Bert4Rec(n_tokens=MASK_ID + 1, window=history_window)
optim = torch.optim.AdamW(model.parameters(), lr=3e-3)
loss_fn = nn.CrossEntropyLoss(ignore_index=-100)

order = list(range(len(encoded)))
for epoch in range(1):
    random.shuffle(order)
    model.train()
    running = 0.0
    n_batches = 0
    for start in range(0, len(order), BATCH):
        chunk = [encoded[i] for i in order[start : start + BATCH]]
        items, visible, targets = cloze_batch(chunk)
        logits = model(items, visible)
        loss = loss_fn(logits.view(-1, logits.size(-1)), targets.view(-1))
        optim.zero_grad()
        loss.backward()
        optim.step()
        running += loss.item()
        n_batches += 1
    print(f"epoch {epoch}: cloze loss {running / n_batches:.4f}")

# hit-rate@10 on the held-out last purchase
model.eval()
hits = 0
with torch.no_grad():
    for start in range(0, len(encoded), BATCH):
        chunk = encoded[start : start + BATCH]
        prefixes = [s[:-1] + [MASK_ID] for s in chunk]
        longest = max(len(p) for p in prefixes)
        items = torch.full((len(prefixes), longest), PAD_ID, dtype=torch.long)
        for row, p in enumerate(prefixes):
            items[row, : len(p)] = torch.tensor(p)
        visible = (items != PAD_ID).long()
        logits = model(items, visible)
        last_pos = visible.sum(1) - 1
        scores = logits[torch.arange(len(chunk)), last_pos]
        scores[:, [PAD_ID, MASK_ID]] = -1e9
        top10 = scores.topk(10, dim=-1).indices
        truth = torch.tensor([s[-1] for s in chunk])
        hits += (top10 == truth[:, None]).any(1).sum().item()
print(f"HR@10 (last purchase): {hits / len(encoded):.3f}")
